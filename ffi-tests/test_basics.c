/* Version, status strings, the last error, options_init, and every function given a
 * NULL handle or NULL output: each must fail cleanly, never crash. */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "check.h"
#include "vmafx.h"

#ifndef VMAFX_EXPECTED_VERSION
#error "the build passes the pkg-config version as VMAFX_EXPECTED_VERSION"
#endif

static void test_version_and_status_strings(void) {
    int code;
    const char *texts[13];
    CHECK(strcmp(vmafx_version(), VMAFX_EXPECTED_VERSION) == 0);
    CHECK(strcmp(vmafx_last_error(), "") == 0);
    for (code = 0; code >= -12; code--) {
        int earlier;
        texts[-code] = vmafx_status_str(code);
        CHECK(texts[-code] != NULL);
        CHECK(strcmp(texts[-code], "unknown status code") != 0);
        for (earlier = 0; earlier > code; earlier--) {
            CHECK(strcmp(texts[-earlier], texts[-code]) != 0);
        }
    }
    CHECK(strcmp(vmafx_status_str(VMAFX_STATUS_OK), "success") == 0);
    CHECK(strcmp(vmafx_status_str(1), "unknown status code") == 0);
    CHECK(strcmp(vmafx_status_str(-13), "unknown status code") == 0);
    CHECK(strcmp(vmafx_status_str(INT32_MIN), "unknown status code") == 0);
    CHECK(strcmp(vmafx_status_str(INT32_MAX), "unknown status code") == 0);
}

static void test_options_init(void) {
    VmafxOptions options;
    memset(&options, 0xAB, sizeof options);
    CHECK_STATUS(vmafx_options_init(NULL), VMAFX_STATUS_NULL_POINTER);
    CHECK(strstr(vmafx_last_error(), "options") != NULL);
    CHECK_OK(vmafx_options_init(&options));
    CHECK(options.struct_size == sizeof(VmafxOptions));
    CHECK(options.flags == 0);
    CHECK(options.models == NULL && options.model_count == 0);
    CHECK(options.features == NULL && options.feature_count == 0);
    CHECK(options.threads == 0);
    CHECK(options.subsample == 1);
    CHECK(options.backend == NULL);
    CHECK(options.pool_method == VMAFX_POOL_MEAN);
    CHECK(options.raw_format.width == 0 && options.raw_format.height == 0);
    CHECK(options.raw_format.chroma == VMAFX_CHROMA_420);
    CHECK(options.raw_format.bit_depth == 8);
    CHECK(options.skip_reference_frames == 0 && options.skip_distorted_frames == 0);
    CHECK(options.max_frames == 0);
    CHECK(options.frame_start == 0 && options.frame_end == 0);
}

static void test_null_report(void) {
    double value = -1.0;
    uint64_t index = 99;
    CHECK(vmafx_report_metric_count(NULL) == 0);
    CHECK(strlen(vmafx_last_error()) > 0);
    CHECK(vmafx_report_metric_name(NULL, 0) == NULL);
    CHECK(strlen(vmafx_last_error()) > 0);
    CHECK(vmafx_report_frame_count(NULL) == 0);
    CHECK(strlen(vmafx_last_error()) > 0);
    CHECK_STATUS(vmafx_report_pooled(NULL, "vmaf", VMAFX_POOL_MEAN, &value),
                 VMAFX_STATUS_NULL_POINTER);
    CHECK_STATUS(vmafx_report_frame_index(NULL, 0, &index), VMAFX_STATUS_NULL_POINTER);
    CHECK_STATUS(vmafx_report_frame_value(NULL, 0, "vmaf", &value), VMAFX_STATUS_NULL_POINTER);
    CHECK_STATUS(vmafx_report_write(NULL, VMAFX_REPORT_JSON, "unused.json"),
                 VMAFX_STATUS_NULL_POINTER);
    CHECK(value == -1.0 && index == 99);
    vmafx_report_free(NULL);
    CHECK(strcmp(vmafx_last_error(), "") == 0);
}

static void test_null_stream(void) {
    VmafxFrameFormat format = {64, 64, VMAFX_CHROMA_420, 8};
    VmafxStream *stream = (VmafxStream *)&format; /* must be overwritten with NULL */
    VmafxResult result;
    VmafxPicture picture;
    bool ready = true;
    uint64_t index = 5;
    double value = -1.0;
    memset(&picture, 0, sizeof picture);

    CHECK_STATUS(vmafx_stream_new(NULL, &format, NULL), VMAFX_STATUS_NULL_POINTER);
    CHECK_STATUS(vmafx_stream_new(NULL, NULL, &stream), VMAFX_STATUS_NULL_POINTER);
    CHECK(stream == NULL);
    CHECK_STATUS(vmafx_stream_push(NULL, &picture, &picture), VMAFX_STATUS_NULL_POINTER);
    CHECK_STATUS(vmafx_stream_next_frame(NULL, &ready, &index), VMAFX_STATUS_NULL_POINTER);
    CHECK(ready == true && index == 5);
    CHECK_STATUS(vmafx_stream_frame_value(NULL, "vmaf", &value), VMAFX_STATUS_NULL_POINTER);
    CHECK(vmafx_stream_metric_count(NULL) == 0);
    CHECK(strlen(vmafx_last_error()) > 0);
    CHECK(vmafx_stream_metric_name(NULL, 0) == NULL);
    CHECK(strlen(vmafx_last_error()) > 0);
    CHECK_STATUS(vmafx_stream_finish(NULL, &result), VMAFX_STATUS_NULL_POINTER);
    vmafx_stream_free(NULL);
    CHECK(strcmp(vmafx_last_error(), "") == 0);
}

static void test_null_score_arguments(void) {
    VmafxResult result;
    result.score = 1.0;
    result.frame_count = 7;
    result.report = (VmafxReport *)&result;
    CHECK_STATUS(vmafx_score("a.y4m", "b.y4m", NULL, NULL), VMAFX_STATUS_NULL_POINTER);
    CHECK_STATUS(vmafx_score(NULL, "b.y4m", NULL, &result), VMAFX_STATUS_NULL_POINTER);
    CHECK(result.report == NULL && result.frame_count == 0 && isnan(result.score));
    CHECK(strstr(vmafx_last_error(), "reference_path") != NULL);
    CHECK_STATUS(vmafx_score("a.y4m", NULL, NULL, &result), VMAFX_STATUS_NULL_POINTER);
    CHECK(strstr(vmafx_last_error(), "distorted_path") != NULL);
    CHECK_STATUS(vmafx_score("", "b.y4m", NULL, &result), VMAFX_STATUS_INVALID_ARGUMENT);
}

int main(void) {
    test_version_and_status_strings();
    test_options_init();
    test_null_report();
    test_null_stream();
    test_null_score_arguments();
    return check_summary("basics");
}
