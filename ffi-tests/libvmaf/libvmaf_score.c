/* An application of the libvmaf API, as FFmpeg's libvmaf filter drives it: a model and
 * two features, the pictures in order, the flush, the pooled score and a JSON report.
 *
 * Usage: libvmaf-score REF.y4m DIST.y4m REPORT.json [N_THREADS [N_SUBSAMPLE]]
 * Prints "vmaf: SCORE" (the mean, six decimals). */
#include <stdio.h>
#include <stdlib.h>

#include <libvmaf/libvmaf.h>

#include "y4m_reader.h"

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s REF.y4m DIST.y4m REPORT.json [N_THREADS [N_SUBSAMPLE]]\n", argv[0]);
        return 2;
    }
    VmafConfiguration cfg = {
        .log_level = VMAF_LOG_LEVEL_ERROR,
        .n_threads = argc > 4 ? (unsigned) atoi(argv[4]) : 0,
        .n_subsample = argc > 5 ? (unsigned) atoi(argv[5]) : 1,
    };
    VmafContext *vmaf = NULL;
    VmafModel *model = NULL;
    VmafModelConfig model_cfg = { .name = "vmaf", .flags = VMAF_MODEL_FLAGS_DEFAULT };
    Y4mReader ref, dist;
    int status = 1;
    if (vmaf_init(&vmaf, cfg)) return 1;
    if (vmaf_model_load(&model, &model_cfg, "vmaf_v0.6.1") ||
        vmaf_use_features_from_model(vmaf, model) ||
        vmaf_use_feature(vmaf, "psnr", NULL) || vmaf_use_feature(vmaf, "float_ssim", NULL)) {
        fprintf(stderr, "setting up the model and features failed\n");
        goto close;
    }
    if (y4m_reader_open(&ref, argv[1])) goto close;
    if (y4m_reader_open(&dist, argv[2])) { y4m_reader_close(&ref); goto close; }
    unsigned index = 0;
    for (;;) {
        VmafPicture pic_ref, pic_dist;
        int got_ref = y4m_reader_next(&ref, &pic_ref);
        if (got_ref <= 0) break;
        int got_dist = y4m_reader_next(&dist, &pic_dist);
        if (got_dist <= 0) { vmaf_picture_unref(&pic_ref); break; }
        if (vmaf_read_pictures(vmaf, &pic_ref, &pic_dist, index++)) {
            fprintf(stderr, "vmaf_read_pictures failed at %u\n", index - 1);
            goto readers;
        }
    }
    double score = 0.0;
    if (index == 0 || vmaf_read_pictures(vmaf, NULL, NULL, 0) ||
        vmaf_score_pooled(vmaf, model, VMAF_POOL_METHOD_MEAN, &score, 0, index - 1) ||
        vmaf_write_output(vmaf, argv[3], VMAF_OUTPUT_FORMAT_JSON)) {
        fprintf(stderr, "flushing, pooling or writing failed\n");
        goto readers;
    }
    printf("vmaf: %f\n", score);
    status = 0;
readers:
    y4m_reader_close(&ref);
    y4m_reader_close(&dist);
close:
    vmaf_model_destroy(model);
    vmaf_close(vmaf);
    return status;
}
