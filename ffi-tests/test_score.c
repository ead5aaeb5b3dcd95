/* vmafx_score on the sample pair, with every kind of option, and every report
 * accessor, including their error paths. Arguments: reference.y4m distorted.y4m */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "files.h"
#include "vmafx.h"

/* libvmaf's VMAF (vmaf_v0.6.1, mean) for the sample pair, as its CLI prints it. */
#define SAMPLE_VMAF "89.570779"

static const char *reference;
static const char *distorted;

static int printed_equal(double value, const char *expected) {
    char text[64];
    snprintf(text, sizeof text, "%.6f", value);
    return strcmp(text, expected) == 0;
}

static void test_default_score(void) {
    VmafxResult result;
    size_t count, i;
    int has_vmaf = 0;
    double mean = 0, min = 0, max = 0, harmonic = 0, sum = 0, value = 0;
    uint64_t n, index = 0;

    CHECK_OK(vmafx_score(reference, distorted, NULL, &result));
    printf("vmaf: %.6f\n", result.score);
    CHECK(printed_equal(result.score, SAMPLE_VMAF));
    CHECK(result.frame_count == 10);
    CHECK(result.report != NULL);
    CHECK(vmafx_report_frame_count(result.report) == 10);

    count = vmafx_report_metric_count(result.report);
    CHECK(count >= 7);
    for (i = 0; i < count; i++) {
        const char *name = vmafx_report_metric_name(result.report, i);
        CHECK(name != NULL);
        if (name != NULL && strcmp(name, "vmaf") == 0) {
            has_vmaf = 1;
        }
    }
    CHECK(has_vmaf);
    CHECK(vmafx_report_metric_name(result.report, count) == NULL);
    CHECK(strstr(vmafx_last_error(), "out of range") != NULL);
    CHECK(vmafx_report_metric_name(result.report, (size_t)-1) == NULL);

    CHECK_OK(vmafx_report_pooled(result.report, "vmaf", VMAFX_POOL_MEAN, &mean));
    CHECK(mean == result.score);
    CHECK_OK(vmafx_report_pooled(result.report, "vmaf", VMAFX_POOL_MIN, &min));
    CHECK_OK(vmafx_report_pooled(result.report, "vmaf", VMAFX_POOL_MAX, &max));
    CHECK_OK(vmafx_report_pooled(result.report, "vmaf", VMAFX_POOL_HARMONIC_MEAN, &harmonic));
    CHECK(min <= harmonic && harmonic <= mean && mean <= max);
    CHECK_OK(vmafx_report_pooled(result.report, "integer_adm2", VMAFX_POOL_MEAN, &value));
    CHECK(value > 0.5 && value <= 1.0);

    for (n = 0; n < 10; n++) {
        CHECK_OK(vmafx_report_frame_index(result.report, n, &index));
        CHECK(index == n);
        CHECK_OK(vmafx_report_frame_value(result.report, n, "vmaf", &value));
        CHECK(value >= min && value <= max);
        sum += value;
    }
    CHECK(fabs(sum / 10 - mean) < 1e-9);

    /* Report accessor errors. */
    value = -7.0;
    index = 77;
    CHECK_STATUS(vmafx_report_pooled(result.report, "no_such_metric", VMAFX_POOL_MEAN, &value),
                 VMAFX_STATUS_NOT_FOUND);
    CHECK_STATUS(vmafx_report_pooled(result.report, "vmaf", 4, &value),
                 VMAFX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(vmafx_report_pooled(result.report, NULL, VMAFX_POOL_MEAN, &value),
                 VMAFX_STATUS_NULL_POINTER);
    CHECK_STATUS(vmafx_report_pooled(result.report, "vmaf", VMAFX_POOL_MEAN, NULL),
                 VMAFX_STATUS_NULL_POINTER);
    CHECK_STATUS(vmafx_report_pooled(result.report, "\xff\xfe", VMAFX_POOL_MEAN, &value),
                 VMAFX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(vmafx_report_frame_index(result.report, 10, &index), VMAFX_STATUS_NOT_FOUND);
    CHECK_STATUS(vmafx_report_frame_index(result.report, UINT64_MAX, &index),
                 VMAFX_STATUS_NOT_FOUND);
    CHECK_STATUS(vmafx_report_frame_index(result.report, 0, NULL), VMAFX_STATUS_NULL_POINTER);
    CHECK_STATUS(vmafx_report_frame_value(result.report, 10, "vmaf", &value),
                 VMAFX_STATUS_NOT_FOUND);
    CHECK_STATUS(vmafx_report_frame_value(result.report, 0, "nope", &value),
                 VMAFX_STATUS_NOT_FOUND);
    CHECK_STATUS(vmafx_report_frame_value(result.report, 0, NULL, &value),
                 VMAFX_STATUS_NULL_POINTER);
    CHECK_STATUS(vmafx_report_frame_value(result.report, 0, "vmaf", NULL),
                 VMAFX_STATUS_NULL_POINTER);
    CHECK(value == -7.0 && index == 77);

    /* Writing reports. */
    CHECK_OK(vmafx_report_write(result.report, VMAFX_REPORT_JSON, "score_report.json"));
    CHECK(file_contains("score_report.json", "\"vmaf\""));
    CHECK(file_contains("score_report.json", SAMPLE_VMAF));
    CHECK_OK(vmafx_report_write(result.report, VMAFX_REPORT_XML, "score_report.xml"));
    CHECK(file_contains("score_report.xml", "<VMAF version="));
    CHECK(file_contains("score_report.xml", SAMPLE_VMAF));
    CHECK_OK(vmafx_report_write(result.report, VMAFX_REPORT_CSV, "score_report.csv"));
    CHECK(file_contains("score_report.csv", "Frame,"));
    CHECK_OK(vmafx_report_write(result.report, VMAFX_REPORT_SUB, "score_report.sub"));
    CHECK(file_contains("score_report.sub", "{"));
    CHECK_STATUS(vmafx_report_write(result.report, 4, "score_report.bad"),
                 VMAFX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(vmafx_report_write(result.report, VMAFX_REPORT_JSON, NULL),
                 VMAFX_STATUS_NULL_POINTER);
    CHECK_STATUS(vmafx_report_write(result.report, VMAFX_REPORT_JSON, ""),
                 VMAFX_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(vmafx_report_write(result.report, VMAFX_REPORT_JSON,
                                    "no_such_directory/report.json"),
                 VMAFX_STATUS_IO);
    vmafx_report_free(result.report);
}

static void test_models_features_and_pooling(void) {
    const char *models[] = {"vmaf_v0.6.1", "version=vmaf_v0.6.1neg:name=vmaf_neg"};
    const char *features[] = {"psnr", "float_ssim"};
    VmafxOptions options;
    VmafxResult result;
    double value = 0, min = 0;

    CHECK_OK(vmafx_options_init(&options));
    options.models = models;
    options.model_count = 2;
    options.features = features;
    options.feature_count = 2;
    options.threads = 2;
    options.backend = "cpu";
    options.pool_method = VMAFX_POOL_MIN;
    CHECK_OK(vmafx_score(reference, distorted, &options, &result));
    CHECK_OK(vmafx_report_pooled(result.report, "vmaf", VMAFX_POOL_MIN, &min));
    CHECK(result.score == min);
    CHECK_OK(vmafx_report_pooled(result.report, "vmaf", VMAFX_POOL_MEAN, &value));
    CHECK(printed_equal(value, SAMPLE_VMAF));
    CHECK_OK(vmafx_report_pooled(result.report, "vmaf_neg", VMAFX_POOL_MEAN, &value));
    CHECK(value > 0 && value <= 100);
    CHECK_OK(vmafx_report_pooled(result.report, "psnr_y", VMAFX_POOL_MEAN, &value));
    CHECK(value > 20 && value < 60);
    CHECK_OK(vmafx_report_pooled(result.report, "float_ssim", VMAFX_POOL_MEAN, &value));
    CHECK(value > 0.5 && value <= 1);
    vmafx_report_free(result.report);

    /* Features only. */
    options.flags = VMAFX_FLAG_NO_PREDICTION;
    options.model_count = 0;
    options.models = NULL;
    options.feature_count = 1;
    options.backend = "auto";
    CHECK_OK(vmafx_score(reference, distorted, &options, &result));
    CHECK(isnan(result.score));
    CHECK(vmafx_report_metric_count(result.report) == 3);
    CHECK_STATUS(vmafx_report_pooled(result.report, "vmaf", VMAFX_POOL_MEAN, &value),
                 VMAFX_STATUS_NOT_FOUND);
    vmafx_report_free(result.report);
}

static void test_frame_selection(void) {
    VmafxOptions options;
    VmafxResult result;
    uint64_t index = 0;

    CHECK_OK(vmafx_options_init(&options));
    options.threads = 1;
    options.subsample = 3;
    CHECK_OK(vmafx_score(reference, distorted, &options, &result));
    CHECK(result.frame_count == 4);
    CHECK_OK(vmafx_report_frame_index(result.report, 1, &index));
    CHECK(index == 3);
    CHECK_OK(vmafx_report_frame_index(result.report, 3, &index));
    CHECK(index == 9);
    vmafx_report_free(result.report);

    CHECK_OK(vmafx_options_init(&options));
    options.max_frames = 4;
    CHECK_OK(vmafx_score(reference, distorted, &options, &result));
    CHECK(result.frame_count == 4);
    vmafx_report_free(result.report);

    /* Skipping one reference frame pairs frame n+1 with n: a worse score. */
    options.max_frames = 0;
    options.skip_reference_frames = 1;
    options.skip_distorted_frames = 0;
    CHECK_STATUS(vmafx_score(reference, distorted, &options, &result), VMAFX_STATUS_MISMATCH);
    options.flags = VMAFX_FLAG_ALLOW_LENGTH_MISMATCH;
    CHECK_OK(vmafx_score(reference, distorted, &options, &result));
    CHECK(result.frame_count == 9);
    CHECK(result.score < 89.0);
    vmafx_report_free(result.report);
    options.skip_reference_frames = 11;
    CHECK_STATUS(vmafx_score(reference, distorted, &options, &result),
                 VMAFX_STATUS_INVALID_INPUT);
}

static void test_raw_yuv_input(void) {
    VmafxOptions options;
    VmafxResult result;
    CHECK(y4m_to_yuv(reference, "score_ref.yuv") == 10);
    CHECK(y4m_to_yuv(distorted, "score_dist.yuv") == 10);
    CHECK_OK(vmafx_options_init(&options));

    CHECK_STATUS(vmafx_score("score_ref.yuv", "score_dist.yuv", &options, &result),
                 VMAFX_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(vmafx_last_error(), "raw_format") != NULL);
    options.raw_format.width = 352;
    options.raw_format.height = 288;
    options.raw_format.chroma = VMAFX_CHROMA_420;
    options.raw_format.bit_depth = 8;
    CHECK_OK(vmafx_score("score_ref.yuv", "score_dist.yuv", &options, &result));
    CHECK(printed_equal(result.score, SAMPLE_VMAF));
    CHECK(result.frame_count == 10);
    vmafx_report_free(result.report);

    CHECK_STATUS(vmafx_score(reference, "score_dist.yuv", &options, &result),
                 VMAFX_STATUS_MISMATCH);
    options.raw_format.chroma = 7;
    CHECK_STATUS(vmafx_score("score_ref.yuv", "score_dist.yuv", &options, &result),
                 VMAFX_STATUS_INVALID_ARGUMENT);
    options.raw_format.chroma = VMAFX_CHROMA_420;
    options.raw_format.bit_depth = 17;
    CHECK_STATUS(vmafx_score("score_ref.yuv", "score_dist.yuv", &options, &result),
                 VMAFX_STATUS_INVALID_ARGUMENT);
    options.raw_format.bit_depth = 8;
    options.raw_format.width = 351; /* the file is then not a whole number of frames */
    CHECK_STATUS(vmafx_score("score_ref.yuv", "score_dist.yuv", &options, &result),
                 VMAFX_STATUS_INVALID_INPUT);
    CHECK(result.report == NULL);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s reference.y4m distorted.y4m\n", argv[0]);
        return 2;
    }
    reference = argv[1];
    distorted = argv[2];
    test_default_score();
    test_models_features_and_pooling();
    test_frame_selection();
    test_raw_yuv_input();
    return check_summary("score");
}
