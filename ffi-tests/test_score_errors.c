/* vmafx_score's error paths: bad options, unknown or broken models, missing, truncated,
 * empty and mismatched inputs. Arguments: reference.y4m distorted.y4m */
#include <math.h>
#include <string.h>

#include "check.h"
#include "files.h"
#include "vmafx.h"

static const char *reference;
static const char *distorted;

/* Runs vmafx_score with `options` and checks the status and that the result is empty. */
static void expect_failure(const char *ref, const char *dist, const VmafxOptions *options,
                           VmafxStatus expected, const char *message_part) {
    VmafxResult result;
    result.report = (VmafxReport *)&result;
    CHECK_STATUS(vmafx_score(ref, dist, options, &result), expected);
    CHECK(result.report == NULL && result.frame_count == 0 && isnan(result.score));
    if (message_part != NULL && strstr(vmafx_last_error(), message_part) == NULL) {
        CHECK(!"the message names the problem");
        fprintf(stderr, "  message was: %s (wanted %s)\n", vmafx_last_error(), message_part);
    }
}

static void test_bad_options(void) {
    const char *bad_utf8[] = {"vmaf_\xff"};
    const char *two_defaults[] = {"vmaf_v0.6.1", "vmaf_v0.6.1neg"};
    const char *unknown_feature[] = {"no_such_feature"};
    const char *bad_feature_option[] = {"psnr=no_such_option=1"};
    VmafxOptions options;

    CHECK_OK(vmafx_options_init(&options));
    options.struct_size = sizeof options - 8;
    expect_failure(reference, distorted, &options, VMAFX_STATUS_INVALID_ARGUMENT, "struct_size");
    options.struct_size = 0;
    expect_failure(reference, distorted, &options, VMAFX_STATUS_INVALID_ARGUMENT, "struct_size");

    CHECK_OK(vmafx_options_init(&options));
    options.flags = 0x100;
    expect_failure(reference, distorted, &options, VMAFX_STATUS_INVALID_ARGUMENT, "flags");

    CHECK_OK(vmafx_options_init(&options));
    options.subsample = 0;
    expect_failure(reference, distorted, &options, VMAFX_STATUS_INVALID_ARGUMENT, "subsample");

    CHECK_OK(vmafx_options_init(&options));
    options.threads = 100000;
    expect_failure(reference, distorted, &options, VMAFX_STATUS_INVALID_ARGUMENT, "threads");

    CHECK_OK(vmafx_options_init(&options));
    options.pool_method = 42;
    expect_failure(reference, distorted, &options, VMAFX_STATUS_INVALID_ARGUMENT, "pool");

    CHECK_OK(vmafx_options_init(&options));
    options.backend = "cuda";
    expect_failure(reference, distorted, &options, VMAFX_STATUS_BACKEND_UNAVAILABLE,
                   "not compiled in");
    options.backend = "vulkan";
    expect_failure(reference, distorted, &options, VMAFX_STATUS_BACKEND_UNAVAILABLE, "vulkan");

    CHECK_OK(vmafx_options_init(&options));
    options.model_count = 1; /* with models == NULL */
    expect_failure(reference, distorted, &options, VMAFX_STATUS_NULL_POINTER, "models");
    options.models = bad_utf8;
    expect_failure(reference, distorted, &options, VMAFX_STATUS_INVALID_ARGUMENT, "UTF-8");
    options.models = two_defaults;
    options.model_count = 2;
    expect_failure(reference, distorted, &options, VMAFX_STATUS_INVALID_ARGUMENT, "distinct");

    CHECK_OK(vmafx_options_init(&options));
    options.feature_count = 1; /* with features == NULL */
    expect_failure(reference, distorted, &options, VMAFX_STATUS_NULL_POINTER, "features");
    options.features = unknown_feature;
    expect_failure(reference, distorted, &options, VMAFX_STATUS_FEATURE, "no_such_feature");
    options.features = bad_feature_option;
    expect_failure(reference, distorted, &options, VMAFX_STATUS_FEATURE, "no_such_option");
}

static void test_bad_models(void) {
    const char *model[1];
    VmafxOptions options;
    CHECK_OK(vmafx_options_init(&options));
    options.models = model;
    options.model_count = 1;

    model[0] = "vmaf_v9.9.9";
    expect_failure(reference, distorted, &options, VMAFX_STATUS_MODEL, "vmaf_v9.9.9");
    model[0] = "version=vmaf_v0.6.1:colour=blue";
    expect_failure(reference, distorted, &options, VMAFX_STATUS_MODEL, "colour");
    model[0] = "name=only_a_name";
    expect_failure(reference, distorted, &options, VMAFX_STATUS_MODEL, "version= or path=");
    model[0] = "path=no_such_model.json";
    expect_failure(reference, distorted, &options, VMAFX_STATUS_MODEL, "no_such_model.json");
    CHECK(write_text("errors_bad_model.json", "{\"model_dict\": 42}") == 0);
    model[0] = "path=errors_bad_model.json";
    expect_failure(reference, distorted, &options, VMAFX_STATUS_MODEL, "errors_bad_model");
    CHECK(write_text("errors_not_json.json", "this is not JSON") == 0);
    model[0] = "path=errors_not_json.json";
    expect_failure(reference, distorted, &options, VMAFX_STATUS_MODEL, NULL);
}

static void test_bad_inputs(void) {
    long header = y4m_header_bytes(distorted);

    /* Missing files. */
    expect_failure("no_such_file.y4m", distorted, NULL, VMAFX_STATUS_IO, "no_such_file.y4m");
    expect_failure(reference, "no_such_file.y4m", NULL, VMAFX_STATUS_IO, "no_such_file.y4m");

    /* A file that is not Y4M at all. */
    CHECK(write_text("errors_garbage.y4m", "hello, world\n") == 0);
    expect_failure("errors_garbage.y4m", distorted, NULL, VMAFX_STATUS_INVALID_INPUT,
                   "errors_garbage.y4m");

    /* Zero frames: a header and nothing else. */
    CHECK(copy_y4m_header(reference, "errors_empty_ref.y4m") == 0);
    CHECK(copy_y4m_header(distorted, "errors_empty_dist.y4m") == 0);
    expect_failure("errors_empty_ref.y4m", "errors_empty_dist.y4m", NULL, VMAFX_STATUS_NO_FRAMES,
                   "no frames");

    /* Truncated inside the fourth frame (frames are "FRAME\n" and 152064 bytes). */
    CHECK(header > 0);
    CHECK(copy_prefix(distorted, "errors_truncated.y4m", (size_t)header + 3 * 152070 + 1000) ==
          0);
    expect_failure(reference, "errors_truncated.y4m", NULL, VMAFX_STATUS_INVALID_INPUT,
                   "truncated");

    /* Cut after exactly five whole frames: the lengths differ. */
    CHECK(copy_prefix(distorted, "errors_short.y4m", (size_t)header + 5 * 152070) == 0);
    expect_failure(reference, "errors_short.y4m", NULL, VMAFX_STATUS_MISMATCH, "errors_short");

    /* Different frame sizes. */
    CHECK(write_text("errors_small.y4m", "YUV4MPEG2 W16 H16 F25:1 Ip A1:1 C420jpeg\n") == 0);
    expect_failure(reference, "errors_small.y4m", NULL, VMAFX_STATUS_MISMATCH, "differ");
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s reference.y4m distorted.y4m\n", argv[0]);
        return 2;
    }
    reference = argv[1];
    distorted = argv[2];
    test_bad_options();
    test_bad_models();
    test_bad_inputs();
    return check_summary("score_errors");
}
