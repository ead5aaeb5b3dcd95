/* Every function of the drop-in libvmaf: geometry, refcounts, models, dictionaries,
 * scoring synthetic frames of odd sizes in every layout and depth, the flush, pooling,
 * reports, and the error codes of NULLs and misuse. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libvmaf/libvmaf.h>
#include <libvmaf/version.h>

#include "expect.h"

static const VmafConfiguration default_cfg = { .log_level = VMAF_LOG_LEVEL_NONE };

/* Where reports are written: one file per test program, as tests run in parallel. */
static const char *report_path = "report.out";

/* Fills a picture with a moving pattern; `noise` distorts it. */
static void paint(VmafPicture *pic, unsigned frame, unsigned noise)
{
    const unsigned max = (1u << pic->bpc) - 1;
    for (int i = 0; i < 3; i++) {
        for (unsigned y = 0; y < pic->h[i]; y++) {
            for (unsigned x = 0; x < pic->w[i]; x++) {
                unsigned v = ((x * 7 + y * 3 + frame * 5 + (unsigned) i * 40) % 200) * max / 255;
                if (noise && ((x * 13 + y * 29 + frame) % 7) < 3)
                    v = v + noise > max ? max : v + noise;
                unsigned char *row = (unsigned char *) pic->data[i] + y * pic->stride[i];
                if (pic->bpc > 8) ((uint16_t *) row)[x] = (uint16_t) v;
                else row[x] = (unsigned char) v;
            }
        }
    }
}

static void test_version(void)
{
    EXPECT(vmaf_version() != NULL);
    EXPECT(strncmp(vmaf_version(), "3.2.0", 5) == 0);
    EXPECT(VMAF_API_VERSION_MAJOR == 3);
}

static void test_dictionary(void)
{
    VmafFeatureDictionary *d = NULL;
    EXPECT_RC(vmaf_feature_dictionary_set(NULL, "k", "v"), -EINVAL);
    EXPECT_RC(vmaf_feature_dictionary_set(&d, NULL, "v"), -EINVAL);
    EXPECT_RC(vmaf_feature_dictionary_set(&d, "k", NULL), -EINVAL);
    EXPECT(d == NULL);
    EXPECT_RC(vmaf_feature_dictionary_set(&d, "enable_chroma", "false"), 0);
    EXPECT(d != NULL);
    EXPECT_RC(vmaf_feature_dictionary_set(&d, "enable_chroma", "true"), 0);
    EXPECT_RC(vmaf_feature_dictionary_free(&d), 0);
    EXPECT(d == NULL);
    EXPECT_RC(vmaf_feature_dictionary_free(&d), 0);
    EXPECT_RC(vmaf_feature_dictionary_free(NULL), -EINVAL);
}

static void test_picture_geometry(void)
{
    static const struct {
        enum VmafPixelFormat fmt;
        unsigned cw, ch;
    } cases[] = {
        { VMAF_PIX_FMT_YUV420P, 16, 8 },
        { VMAF_PIX_FMT_YUV422P, 16, 17 },
        { VMAF_PIX_FMT_YUV444P, 33, 17 },
        { VMAF_PIX_FMT_YUV400P, 0, 0 },
    };
    static const unsigned depths[] = { 8, 10, 12, 16 };
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        for (size_t b = 0; b < 4; b++) {
            VmafPicture pic;
            EXPECT_RC(vmaf_picture_alloc(&pic, cases[c].fmt, depths[b], 33, 17), 0);
            EXPECT(pic.w[0] == 33 && pic.h[0] == 17);
            EXPECT(pic.w[1] == cases[c].cw && pic.w[2] == cases[c].cw);
            EXPECT(pic.h[1] == cases[c].ch && pic.h[2] == cases[c].ch);
            EXPECT(pic.bpc == depths[b] && pic.pix_fmt == cases[c].fmt);
            EXPECT(pic.stride[0] >= (ptrdiff_t) (33 * (depths[b] > 8 ? 2 : 1)));
            EXPECT(pic.stride[0] % 32 == 0);
            EXPECT(pic.ref != NULL && pic.data[0] != NULL);
            EXPECT((cases[c].fmt == VMAF_PIX_FMT_YUV400P) == (pic.data[1] == NULL));
            /* Samples start at zero. */
            EXPECT(((unsigned char *) pic.data[0])[pic.stride[0] * 16] == 0);
            EXPECT_RC(vmaf_picture_unref(&pic), 0);
            EXPECT(pic.ref == NULL && pic.data[0] == NULL);
            EXPECT_RC(vmaf_picture_unref(&pic), -EINVAL);
        }
    }
    VmafPicture pic;
    EXPECT_RC(vmaf_picture_alloc(NULL, VMAF_PIX_FMT_YUV420P, 8, 16, 16), -EINVAL);
    EXPECT_RC(vmaf_picture_alloc(&pic, VMAF_PIX_FMT_UNKNOWN, 8, 16, 16), -EINVAL);
    EXPECT_RC(vmaf_picture_alloc(&pic, VMAF_PIX_FMT_YUV420P, 7, 16, 16), -EINVAL);
    EXPECT_RC(vmaf_picture_alloc(&pic, VMAF_PIX_FMT_YUV420P, 17, 16, 16), -EINVAL);
    EXPECT_RC(vmaf_picture_unref(NULL), -EINVAL);
}

static void test_models(void)
{
    VmafModel *model = NULL;
    VmafModelCollection *collection = NULL;
    VmafModelConfig cfg = { .name = "vmaf", .flags = VMAF_MODEL_FLAGS_DEFAULT };
    EXPECT_RC(vmaf_model_load(NULL, &cfg, "vmaf_v0.6.1"), -EINVAL);
    EXPECT_RC(vmaf_model_load(&model, NULL, "vmaf_v0.6.1"), -EINVAL);
    EXPECT_RC(vmaf_model_load(&model, &cfg, NULL), -EINVAL);
    EXPECT_RC(vmaf_model_load(&model, &cfg, "no_such_model"), -EINVAL);
    EXPECT_RC(vmaf_model_load_from_path(&model, &cfg, "/nonexistent/model.json"), -EINVAL);
    VmafModelConfig markup = { .name = "a\"/><x", .flags = 0 };
    EXPECT_RC(vmaf_model_load(&model, &markup, "vmaf_v0.6.1"), -EINVAL);

    EXPECT_RC(vmaf_model_load(&model, &cfg, "vmaf_v0.6.1"), 0);
    VmafFeatureDictionary *d = NULL;
    vmaf_feature_dictionary_set(&d, "vif_enhn_gain_limit", "1.0");
    EXPECT_RC(vmaf_model_feature_overload(model, "vif", d), 0);
    d = NULL;
    vmaf_feature_dictionary_set(&d, "no_such_option", "1");
    EXPECT_RC(vmaf_model_feature_overload(model, "vif", d), -EINVAL);
    d = NULL;
    /* An extractor the model does not use is ignored, as in libvmaf. */
    vmaf_feature_dictionary_set(&d, "enable_chroma", "false");
    EXPECT_RC(vmaf_model_feature_overload(model, "psnr", d), 0);
    EXPECT_RC(vmaf_model_feature_overload(model, "vif", NULL), -EINVAL);
    d = NULL;
    vmaf_feature_dictionary_set(&d, "vif_enhn_gain_limit", "1.0");
    /* A NULL model leaves the dictionary to the caller, as in libvmaf. */
    EXPECT_RC(vmaf_model_feature_overload(NULL, "vif", d), -EINVAL);
    EXPECT_RC(vmaf_model_feature_overload(model, NULL, d), -EINVAL);
    EXPECT_RC(vmaf_feature_dictionary_free(&d), 0);
    vmaf_model_destroy(model);
    vmaf_model_destroy(NULL);

    model = NULL;
    EXPECT_RC(vmaf_model_collection_load(&model, &collection, &cfg, "vmaf_v0.6.1"), -EINVAL);
    EXPECT_RC(vmaf_model_collection_load(NULL, &collection, &cfg, "vmaf_b_v0.6.3"), -EINVAL);
    EXPECT_RC(vmaf_model_collection_load_from_path(&model, &collection, &cfg, "/nonexistent.json"), -EINVAL);
    EXPECT_RC(vmaf_model_collection_load(&model, &collection, &cfg, "vmaf_b_v0.6.3"), 0);
    d = NULL;
    vmaf_feature_dictionary_set(&d, "adm_enhn_gain_limit", "1.0");
    EXPECT_RC(vmaf_model_collection_feature_overload(model, &collection, "adm", d), 0);
    EXPECT_RC(vmaf_model_collection_feature_overload(model, NULL, "adm", NULL), -EINVAL);
    vmaf_model_collection_destroy(collection);
    vmaf_model_collection_destroy(NULL);
    vmaf_model_destroy(model);
}

static void test_context_errors(void)
{
    VmafContext *vmaf = NULL;
    EXPECT_RC(vmaf_init(NULL, default_cfg), -EINVAL);
    EXPECT_RC(vmaf_close(NULL), -EINVAL);
    EXPECT_RC(vmaf_init(&vmaf, default_cfg), 0);
    EXPECT_RC(vmaf_use_feature(NULL, "psnr", NULL), -EINVAL);
    EXPECT_RC(vmaf_use_feature(vmaf, NULL, NULL), -EINVAL);
    /* An unknown name leaves the dictionary to the caller, as libvmaf does. */
    VmafFeatureDictionary *d = NULL;
    vmaf_feature_dictionary_set(&d, "x", "1");
    EXPECT_RC(vmaf_use_feature(vmaf, "no_such_feature", d), -EINVAL);
    EXPECT_RC(vmaf_feature_dictionary_free(&d), 0);
    d = NULL;
    vmaf_feature_dictionary_set(&d, "no_such_option", "1");
    EXPECT_RC(vmaf_use_feature(vmaf, "psnr", d), -EINVAL);
    EXPECT_RC(vmaf_use_features_from_model(vmaf, NULL), -EINVAL);
    EXPECT_RC(vmaf_use_features_from_model(NULL, NULL), -EINVAL);
    EXPECT_RC(vmaf_use_features_from_model_collection(vmaf, NULL), -EINVAL);
    EXPECT_RC(vmaf_import_feature_score(NULL, "x", 1.0, 0), -EINVAL);
    EXPECT_RC(vmaf_import_feature_score(vmaf, NULL, 1.0, 0), -EINVAL);
    EXPECT_RC(vmaf_import_feature_score(vmaf, "external", 1.5, 0), 0);
    EXPECT_RC(vmaf_import_feature_score(vmaf, "external", 2.5, 0), -EINVAL);
    double s = 0;
    EXPECT_RC(vmaf_feature_score_at_index(vmaf, "external", &s, 0), 0);
    EXPECT(s == 1.5);
    EXPECT_RC(vmaf_feature_score_at_index(vmaf, "external", NULL, 0), -EINVAL);
    EXPECT_RC(vmaf_feature_score_at_index(vmaf, "external", &s, 1), -EINVAL);

    VmafPicture pic;
    EXPECT_RC(vmaf_picture_alloc(&pic, VMAF_PIX_FMT_YUV420P, 8, 64, 64), 0);
    EXPECT_RC(vmaf_read_pictures(NULL, &pic, &pic, 0), -EINVAL);
    EXPECT_RC(vmaf_read_pictures(vmaf, &pic, NULL, 0), -EINVAL);
    EXPECT_RC(vmaf_read_pictures(vmaf, NULL, &pic, 0), -EINVAL);
    EXPECT_RC(vmaf_picture_unref(&pic), 0);

    EXPECT_RC(vmaf_fetch_preallocated_picture(vmaf, &pic), -EINVAL);
    VmafPictureConfiguration none = { { 0, 0, 8, VMAF_PIX_FMT_YUV420P }, 0 };
    EXPECT_RC(vmaf_preallocate_pictures(vmaf, none), -EINVAL);
    EXPECT_RC(vmaf_preallocate_pictures(NULL, none), -EINVAL);
    EXPECT_RC(vmaf_fetch_preallocated_picture(NULL, &pic), -EINVAL);
    EXPECT_RC(vmaf_write_output(vmaf, "never.json", VMAF_OUTPUT_FORMAT_JSON), -EINVAL);
    EXPECT_RC(vmaf_write_output(NULL, "never.json", VMAF_OUTPUT_FORMAT_JSON), -EINVAL);

    /* Flushing with nothing read succeeds once; afterwards pictures are refused. */
    EXPECT_RC(vmaf_read_pictures(vmaf, NULL, NULL, 0), 0);
    EXPECT_RC(vmaf_read_pictures(vmaf, NULL, NULL, 0), -EINVAL);
    EXPECT_RC(vmaf_close(vmaf), 0);
}

/* Scores `frames` synthetic pairs of one geometry with vmaf_v0.6.1 and psnr. */
static void score_synthetic(enum VmafPixelFormat fmt, unsigned bpc, unsigned w, unsigned h,
                            unsigned n_threads, unsigned n_subsample, int preallocate)
{
    enum { frames = 5 };
    VmafConfiguration cfg = default_cfg;
    cfg.n_threads = n_threads;
    cfg.n_subsample = n_subsample;
    VmafContext *vmaf = NULL;
    VmafModel *model = NULL;
    VmafModelConfig model_cfg = { .name = "vmaf" };
    EXPECT_RC(vmaf_init(&vmaf, cfg), 0);
    EXPECT_RC(vmaf_model_load(&model, &model_cfg, "vmaf_v0.6.1"), 0);
    EXPECT_RC(vmaf_use_features_from_model(vmaf, model), 0);
    VmafFeatureDictionary *d = NULL;
    vmaf_feature_dictionary_set(&d, "enable_chroma", "false");
    EXPECT_RC(vmaf_use_feature(vmaf, "psnr", d), 0);
    if (preallocate) {
        VmafPictureConfiguration pc = { { w, h, bpc, fmt }, 4 };
        EXPECT_RC(vmaf_preallocate_pictures(vmaf, pc), 0);
    }
    for (unsigned i = 0; i < frames; i++) {
        VmafPicture ref, dist;
        if (preallocate) {
            EXPECT_RC(vmaf_fetch_preallocated_picture(vmaf, &ref), 0);
            EXPECT_RC(vmaf_fetch_preallocated_picture(vmaf, &dist), 0);
            EXPECT(ref.w[0] == w && dist.h[0] == h && ref.bpc == bpc);
        } else {
            EXPECT_RC(vmaf_picture_alloc(&ref, fmt, bpc, w, h), 0);
            EXPECT_RC(vmaf_picture_alloc(&dist, fmt, bpc, w, h), 0);
        }
        paint(&ref, i, 0);
        paint(&dist, i, 1u << (bpc - 5));
        EXPECT_RC(vmaf_read_pictures(vmaf, &ref, &dist, i), 0);
        /* The library dropped both references. */
        EXPECT(ref.ref == NULL && dist.ref == NULL);
    }
    /* Registering after the first picture, or an index out of order, is refused. */
    EXPECT_RC(vmaf_use_feature(vmaf, "float_ssim", NULL), -EINVAL);
    VmafPicture ref, dist;
    EXPECT_RC(vmaf_picture_alloc(&ref, fmt, bpc, w, h), 0);
    EXPECT_RC(vmaf_picture_alloc(&dist, fmt, bpc, w, h), 0);
    EXPECT_RC(vmaf_read_pictures(vmaf, &ref, &dist, frames + 3), -EINVAL);
    /* A refused pair stays the caller's. */
    EXPECT(ref.ref != NULL);
    vmaf_picture_unref(&ref);
    vmaf_picture_unref(&dist);

    EXPECT_RC(vmaf_read_pictures(vmaf, NULL, NULL, 0), 0);
    EXPECT_RC(vmaf_read_pictures(vmaf, NULL, NULL, 0), -EINVAL);

    double score, sum = 0, min = 1e9, max = -1e9, inv = 0;
    unsigned scored = 0;
    for (unsigned i = 0; i < frames; i++) {
        const int subsampled_out = n_subsample > 1 && i % n_subsample;
        int rc = vmaf_score_at_index(vmaf, model, &score, i);
        EXPECT(rc == (subsampled_out ? -EINVAL : 0));
        if (rc) continue;
        EXPECT(score >= 0.0 && score <= 100.0);
        scored++;
        sum += score;
        inv += 1.0 / (score + 1.0);
        if (score < min) min = score;
        if (score > max) max = score;
        double psnr_y, internal;
        EXPECT_RC(vmaf_feature_score_at_index(vmaf, "psnr_y", &psnr_y, i), 0);
        EXPECT(psnr_y > 10.0 && psnr_y < 100.0);
        EXPECT_RC(vmaf_feature_score_at_index(vmaf, "VMAF_integer_feature_adm2_score", &internal, i), 0);
        double adm2;
        EXPECT_RC(vmaf_feature_score_at_index(vmaf, "integer_adm2", &adm2, i), 0);
        EXPECT(internal == adm2);
        EXPECT_RC(vmaf_feature_score_at_index(vmaf, "psnr_cb", &psnr_y, i), -EINVAL);
    }
    double pooled;
    EXPECT_RC(vmaf_score_pooled(vmaf, model, VMAF_POOL_METHOD_MEAN, &pooled, 0, frames - 1), 0);
    EXPECT(fabs(pooled - sum / scored) < 1e-12);
    EXPECT_RC(vmaf_score_pooled(vmaf, model, VMAF_POOL_METHOD_MIN, &pooled, 0, frames - 1), 0);
    EXPECT(pooled == min);
    EXPECT_RC(vmaf_score_pooled(vmaf, model, VMAF_POOL_METHOD_MAX, &pooled, 0, frames - 1), 0);
    EXPECT(pooled == max);
    EXPECT_RC(vmaf_score_pooled(vmaf, model, VMAF_POOL_METHOD_HARMONIC_MEAN, &pooled, 0, frames - 1), 0);
    EXPECT(fabs(pooled - (scored / inv - 1.0)) < 1e-12);
    EXPECT_RC(vmaf_score_pooled(vmaf, model, VMAF_POOL_METHOD_UNKNOWN, &pooled, 0, frames - 1), -EINVAL);
    EXPECT_RC(vmaf_score_pooled(vmaf, model, VMAF_POOL_METHOD_NB, &pooled, 0, frames - 1), -EINVAL);
    EXPECT_RC(vmaf_score_pooled(vmaf, model, VMAF_POOL_METHOD_MEAN, &pooled, 3, 1), -EINVAL);
    /* A scored index past the last picture. */
    EXPECT_RC(vmaf_score_pooled(vmaf, model, VMAF_POOL_METHOD_MEAN, &pooled, 0,
                                frames * (n_subsample > 1 ? n_subsample : 1)), -EINVAL);
    EXPECT_RC(vmaf_score_pooled(vmaf, NULL, VMAF_POOL_METHOD_MEAN, &pooled, 0, 1), -EINVAL);
    EXPECT_RC(vmaf_score_pooled(vmaf, model, VMAF_POOL_METHOD_MEAN, NULL, 0, 1), -EINVAL);
    EXPECT_RC(vmaf_feature_score_pooled(vmaf, "psnr_y", VMAF_POOL_METHOD_MEAN, &pooled, 0, frames - 1), 0);
    EXPECT(pooled > 10.0);
    EXPECT_RC(vmaf_feature_score_pooled(vmaf, "nope", VMAF_POOL_METHOD_MEAN, &pooled, 0, frames - 1), -EINVAL);
    EXPECT_RC(vmaf_score_at_index(vmaf, model, NULL, 0), -EINVAL);
    EXPECT_RC(vmaf_score_at_index(NULL, model, &score, 0), -EINVAL);

    static const enum VmafOutputFormat formats[] = {
        VMAF_OUTPUT_FORMAT_XML, VMAF_OUTPUT_FORMAT_JSON, VMAF_OUTPUT_FORMAT_CSV, VMAF_OUTPUT_FORMAT_SUB,
    };
    for (int f = 0; f < 4; f++) {
        EXPECT_RC(vmaf_write_output(vmaf, report_path, formats[f]), 0);
        FILE *file = fopen(report_path, "r");
        char text[65536];
        size_t n = file ? fread(text, 1, sizeof(text) - 1, file) : 0;
        text[n] = 0;
        if (file) fclose(file);
        EXPECT(strstr(text, "integer_adm2") != NULL || strstr(text, "vmaf") != NULL);
    }
    EXPECT_RC(vmaf_write_output(vmaf, report_path, VMAF_OUTPUT_FORMAT_NONE), -EINVAL);
    EXPECT_RC(vmaf_write_output(vmaf, "/nonexistent-dir/report.json", VMAF_OUTPUT_FORMAT_JSON), -EINVAL);
    EXPECT_RC(vmaf_write_output(vmaf, NULL, VMAF_OUTPUT_FORMAT_JSON), -EINVAL);
    remove(report_path);
    vmaf_model_destroy(model);
    EXPECT_RC(vmaf_close(vmaf), 0);
}

static void test_mismatched_pictures(void)
{
    VmafContext *vmaf = NULL;
    EXPECT_RC(vmaf_init(&vmaf, default_cfg), 0);
    EXPECT_RC(vmaf_use_feature(vmaf, "psnr", NULL), 0);
    VmafPicture ref, dist;
    EXPECT_RC(vmaf_picture_alloc(&ref, VMAF_PIX_FMT_YUV420P, 8, 48, 48), 0);
    EXPECT_RC(vmaf_picture_alloc(&dist, VMAF_PIX_FMT_YUV420P, 10, 48, 48), 0);
    EXPECT_RC(vmaf_read_pictures(vmaf, &ref, &dist, 0), -EINVAL);
    vmaf_picture_unref(&dist);
    EXPECT_RC(vmaf_picture_alloc(&dist, VMAF_PIX_FMT_YUV444P, 8, 48, 48), 0);
    EXPECT_RC(vmaf_read_pictures(vmaf, &ref, &dist, 0), -EINVAL);
    vmaf_picture_unref(&dist);
    EXPECT_RC(vmaf_picture_alloc(&dist, VMAF_PIX_FMT_YUV420P, 8, 48, 48), 0);
    EXPECT_RC(vmaf_read_pictures(vmaf, &ref, &dist, 0), 0);
    /* A later pair of another size is refused. */
    EXPECT_RC(vmaf_picture_alloc(&ref, VMAF_PIX_FMT_YUV420P, 8, 50, 48), 0);
    EXPECT_RC(vmaf_picture_alloc(&dist, VMAF_PIX_FMT_YUV420P, 8, 50, 48), 0);
    EXPECT_RC(vmaf_read_pictures(vmaf, &ref, &dist, 1), -EINVAL);
    vmaf_picture_unref(&ref);
    vmaf_picture_unref(&dist);
    EXPECT_RC(vmaf_close(vmaf), 0);
}

static void test_collection_scores(void)
{
    VmafContext *vmaf = NULL;
    VmafModel *model = NULL;
    VmafModelCollection *collection = NULL;
    VmafModelConfig cfg = { .name = "vmaf" };
    EXPECT_RC(vmaf_init(&vmaf, default_cfg), 0);
    EXPECT_RC(vmaf_model_collection_load(&model, &collection, &cfg, "vmaf_b_v0.6.3"), 0);
    EXPECT_RC(vmaf_use_features_from_model(vmaf, model), 0);
    EXPECT_RC(vmaf_use_features_from_model_collection(vmaf, collection), 0);
    for (unsigned i = 0; i < 3; i++) {
        VmafPicture ref, dist;
        EXPECT_RC(vmaf_picture_alloc(&ref, VMAF_PIX_FMT_YUV420P, 8, 65, 41), 0);
        EXPECT_RC(vmaf_picture_alloc(&dist, VMAF_PIX_FMT_YUV420P, 8, 65, 41), 0);
        paint(&ref, i, 0);
        paint(&dist, i, 90);
        EXPECT_RC(vmaf_read_pictures(vmaf, &ref, &dist, i), 0);
    }
    VmafModelCollectionScore s;
    /* The last frame's motion is known only at the flush. */
    EXPECT_RC(vmaf_score_at_index_model_collection(vmaf, collection, &s, 2), -EINVAL);
    EXPECT_RC(vmaf_read_pictures(vmaf, NULL, NULL, 0), 0);
    memset(&s, 0, sizeof(s));
    EXPECT_RC(vmaf_score_at_index_model_collection(vmaf, collection, &s, 2), 0);
    EXPECT(s.type == VMAF_MODEL_COLLECTION_SCORE_BOOTSTRAP);
    EXPECT(s.bootstrap.ci.p95.lo <= s.bootstrap.bagging_score);
    EXPECT(s.bootstrap.bagging_score <= s.bootstrap.ci.p95.hi);
    EXPECT(s.bootstrap.stddev > 0.0);
    printf("bootstrap at 2: bagging %f, stddev %f, 95%% interval %f..%f\n", s.bootstrap.bagging_score,
           s.bootstrap.stddev, s.bootstrap.ci.p95.lo, s.bootstrap.ci.p95.hi);
    VmafModelCollectionScore pooled;
    EXPECT_RC(vmaf_score_pooled_model_collection(vmaf, collection, VMAF_POOL_METHOD_MAX, &pooled, 0, 2), 0);
    EXPECT(pooled.bootstrap.bagging_score >= s.bootstrap.bagging_score);
    EXPECT_RC(vmaf_score_pooled_model_collection(vmaf, collection, VMAF_POOL_METHOD_UNKNOWN, &pooled, 0, 2), -EINVAL);
    EXPECT_RC(vmaf_score_at_index_model_collection(vmaf, NULL, &s, 0), -EINVAL);
    double plain;
    EXPECT_RC(vmaf_score_at_index(vmaf, model, &plain, 0), 0);
    vmaf_model_collection_destroy(collection);
    vmaf_model_destroy(model);
    EXPECT_RC(vmaf_close(vmaf), 0);
}

int main(int argc, char **argv)
{
    if (argc > 1) report_path = argv[1];
    test_version();
    test_dictionary();
    test_picture_geometry();
    test_models();
    test_context_errors();
    /* Odd sizes in every layout, 8 to 16 bits, threads, subsampling, preallocation. */
    score_synthetic(VMAF_PIX_FMT_YUV420P, 8, 65, 41, 0, 1, 0);
    score_synthetic(VMAF_PIX_FMT_YUV422P, 10, 67, 39, 2, 1, 1);
    score_synthetic(VMAF_PIX_FMT_YUV444P, 12, 49, 35, 0, 2, 0);
    score_synthetic(VMAF_PIX_FMT_YUV400P, 16, 37, 45, 3, 3, 1);
    test_mismatched_pictures();
    test_collection_scores();
    return expect_summary("libvmaf_api");
}
