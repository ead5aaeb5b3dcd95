/* The streaming API's error paths (bad formats, pictures, strides, states) and its
 * other formats (10-bit 4:2:2, 16-bit 4:4:4, 8-bit 4:0:0) on generated frames. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "vmafx.h"

/* Planes for one generated picture. */
typedef struct Generated {
    void *planes[3];
    VmafxPicture picture;
} Generated;

static size_t plane_width(const VmafxFrameFormat *f, int i) {
    return (i == 0 || f->chroma == VMAFX_CHROMA_444) ? f->width : (f->width + 1) / 2;
}

static size_t plane_height(const VmafxFrameFormat *f, int i) {
    return (i == 0 || f->chroma != VMAFX_CHROMA_420) ? f->height : (f->height + 1) / 2;
}

/* A moving diagonal pattern; `noise` adds a deterministic disturbance. */
static void generate(const VmafxFrameFormat *f, int t, int noise, Generated *out) {
    int planes = f->chroma == VMAFX_CHROMA_400 ? 1 : 3;
    int i;
    uint32_t max = (1u << f->bit_depth) - 1;
    memset(out, 0, sizeof *out);
    for (i = 0; i < planes; i++) {
        size_t w = plane_width(f, i), h = plane_height(f, i), x, y;
        size_t bps = f->bit_depth > 8 ? 2 : 1;
        out->planes[i] = malloc(w * h * bps);
        out->picture.data[i] = out->planes[i];
        out->picture.stride[i] = (ptrdiff_t)(w * bps);
        for (y = 0; y < h; y++) {
            for (x = 0; x < w; x++) {
                uint32_t base = (uint32_t)((x * 7 + y * 3 + (size_t)t * 5 + (size_t)i * 40) % 200);
                uint32_t wobble = noise ? (uint32_t)((x * 13 + y * 29 + (size_t)t) % 9) : 0;
                uint32_t v = ((base + 20 + wobble) * max) / 255;
                if (bps == 1) {
                    ((uint8_t *)out->planes[i])[y * w + x] = (uint8_t)v;
                } else {
                    ((uint16_t *)out->planes[i])[y * w + x] = (uint16_t)v;
                }
            }
        }
    }
}

static void release(Generated *g) {
    int i;
    for (i = 0; i < 3; i++) {
        free(g->planes[i]);
    }
}

/* Scores four generated frames of `format`; every frame must give finite values. */
static void score_generated(VmafxFrameFormat format, int null_chroma) {
    VmafxStream *stream = NULL;
    VmafxResult result;
    const char *features[] = {"psnr"};
    VmafxOptions options;
    uint64_t taken = 0, index;
    bool ready;
    int t;
    double value;

    CHECK_OK(vmafx_options_init(&options));
    options.threads = 1;
    options.features = features;
    options.feature_count = 1;
    CHECK_OK(vmafx_stream_new(&options, &format, &stream));
    for (t = 0; t < 4; t++) {
        Generated ref, dist;
        generate(&format, t, 0, &ref);
        generate(&format, t, 1, &dist);
        if (null_chroma) {
            ref.picture.data[1] = ref.picture.data[2] = NULL;
            dist.picture.data[1] = dist.picture.data[2] = NULL;
        }
        CHECK_OK(vmafx_stream_push(stream, &ref.picture, &dist.picture));
        release(&ref);
        release(&dist);
    }
    CHECK_OK(vmafx_stream_finish(stream, &result));
    CHECK(result.frame_count == 4);
    CHECK(result.score >= 0 && result.score <= 100);
    do {
        CHECK_OK(vmafx_stream_next_frame(stream, &ready, &index));
        if (ready) {
            CHECK(index == taken);
            taken++;
            CHECK_OK(vmafx_stream_frame_value(stream, "vmaf", &value));
            CHECK(isfinite(value));
            CHECK_OK(vmafx_stream_frame_value(stream, "psnr_y", &value));
            CHECK(isfinite(value) && value > 10);
        }
    } while (ready);
    CHECK(taken == 4);
    printf("%ux%u chroma %u %u-bit: vmaf %.6f\n", (unsigned)format.width,
           (unsigned)format.height, (unsigned)format.chroma, (unsigned)format.bit_depth,
           result.score);
    vmafx_report_free(result.report);
    vmafx_stream_free(stream);
}

static void test_bad_formats(void) {
    VmafxFrameFormat good = {64, 48, VMAFX_CHROMA_420, 8};
    VmafxFrameFormat f;
    VmafxStream *stream = (VmafxStream *)&f;
    VmafxOptions options;

    f = good, f.chroma = 4;
    CHECK_STATUS(vmafx_stream_new(NULL, &f, &stream), VMAFX_STATUS_INVALID_ARGUMENT);
    CHECK(stream == NULL);
    f = good, f.bit_depth = 7;
    CHECK_STATUS(vmafx_stream_new(NULL, &f, &stream), VMAFX_STATUS_INVALID_ARGUMENT);
    f = good, f.bit_depth = 17;
    CHECK_STATUS(vmafx_stream_new(NULL, &f, &stream), VMAFX_STATUS_INVALID_ARGUMENT);
    f = good, f.width = 0;
    CHECK_STATUS(vmafx_stream_new(NULL, &f, &stream), VMAFX_STATUS_INVALID_ARGUMENT);
    f = good, f.height = 70000;
    CHECK_STATUS(vmafx_stream_new(NULL, &f, &stream), VMAFX_STATUS_INVALID_ARGUMENT);
    f = good, f.width = 16, f.height = 16; /* valid, but too small for ADM */
    CHECK_STATUS(vmafx_stream_new(NULL, &f, &stream), VMAFX_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(vmafx_last_error(), "at least") != NULL);

    CHECK_OK(vmafx_options_init(&options));
    options.backend = "metal";
    CHECK_STATUS(vmafx_stream_new(&options, &good, &stream), VMAFX_STATUS_BACKEND_UNAVAILABLE);
    options.backend = NULL;
    options.struct_size = 4;
    CHECK_STATUS(vmafx_stream_new(&options, &good, &stream), VMAFX_STATUS_INVALID_ARGUMENT);
    CHECK(stream == NULL);
}

static void test_bad_pictures(void) {
    VmafxFrameFormat f8 = {64, 48, VMAFX_CHROMA_420, 8};
    VmafxFrameFormat f10 = {64, 48, VMAFX_CHROMA_420, 10};
    VmafxStream *s8 = NULL, *s10 = NULL;
    VmafxOptions options;
    VmafxResult result;
    Generated a, b, c, d;
    VmafxPicture bad;
    bool ready = true;
    uint64_t index = 3;
    double value = -1;

    /* One thread: each push scores at once, so frames complete one push later. */
    CHECK_OK(vmafx_options_init(&options));
    options.threads = 1;
    CHECK_OK(vmafx_stream_new(&options, &f8, &s8));
    CHECK_OK(vmafx_stream_new(&options, &f10, &s10));
    generate(&f8, 0, 0, &a);
    generate(&f8, 0, 1, &b);
    generate(&f10, 0, 0, &c);
    generate(&f10, 0, 1, &d);

    CHECK_STATUS(vmafx_stream_push(s8, NULL, &b.picture), VMAFX_STATUS_NULL_POINTER);
    CHECK_STATUS(vmafx_stream_push(s8, &a.picture, NULL), VMAFX_STATUS_NULL_POINTER);
    bad = a.picture, bad.data[0] = NULL;
    CHECK_STATUS(vmafx_stream_push(s8, &bad, &b.picture), VMAFX_STATUS_NULL_POINTER);
    CHECK(strstr(vmafx_last_error(), "data[0]") != NULL);
    bad = a.picture, bad.data[2] = NULL;
    CHECK_STATUS(vmafx_stream_push(s8, &a.picture, &bad), VMAFX_STATUS_NULL_POINTER);
    bad = a.picture, bad.stride[0] = 63;
    CHECK_STATUS(vmafx_stream_push(s8, &bad, &b.picture), VMAFX_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(vmafx_last_error(), "stride[0]") != NULL);
    bad = a.picture, bad.stride[1] = 0;
    CHECK_STATUS(vmafx_stream_push(s8, &bad, &b.picture), VMAFX_STATUS_INVALID_ARGUMENT);
    bad = a.picture, bad.stride[2] = -32;
    CHECK_STATUS(vmafx_stream_push(s8, &bad, &b.picture), VMAFX_STATUS_INVALID_ARGUMENT);
    bad = a.picture, bad.stride[0] = PTRDIFF_MAX;
    CHECK_STATUS(vmafx_stream_push(s8, &bad, &b.picture), VMAFX_STATUS_INVALID_ARGUMENT);

    /* 16-bit samples: byte strides must be even and planes 2-byte aligned. */
    bad = c.picture, bad.stride[0] = 129;
    CHECK_STATUS(vmafx_stream_push(s10, &bad, &d.picture), VMAFX_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(vmafx_last_error(), "whole number") != NULL);
    bad = c.picture, bad.stride[1] = 62; /* 31 samples, chroma rows have 32 */
    CHECK_STATUS(vmafx_stream_push(s10, &bad, &d.picture), VMAFX_STATUS_INVALID_ARGUMENT);
    bad = c.picture, bad.data[1] = (const unsigned char *)c.picture.data[1] + 1;
    CHECK_STATUS(vmafx_stream_push(s10, &bad, &d.picture), VMAFX_STATUS_INVALID_ARGUMENT);
    CHECK(strstr(vmafx_last_error(), "aligned") != NULL);

    /* Nothing was accepted, so nothing is ready and finishing finds no frames. */
    CHECK_OK(vmafx_stream_next_frame(s8, &ready, &index));
    CHECK(!ready);
    CHECK_STATUS(vmafx_stream_frame_value(s8, "vmaf", &value), VMAFX_STATUS_INVALID_STATE);
    CHECK_STATUS(vmafx_stream_next_frame(s8, NULL, &index), VMAFX_STATUS_NULL_POINTER);
    CHECK_STATUS(vmafx_stream_next_frame(s8, &ready, NULL), VMAFX_STATUS_NULL_POINTER);
    CHECK(vmafx_stream_metric_name(s8, vmafx_stream_metric_count(s8)) == NULL);
    CHECK(strstr(vmafx_last_error(), "out of range") != NULL);
    CHECK_STATUS(vmafx_stream_finish(s8, NULL), VMAFX_STATUS_NULL_POINTER);
    CHECK_STATUS(vmafx_stream_finish(s8, &result), VMAFX_STATUS_NO_FRAMES);
    CHECK(result.report == NULL);
    CHECK_STATUS(vmafx_stream_push(s8, &a.picture, &b.picture), VMAFX_STATUS_INVALID_STATE);

    /* A good 10-bit pair goes through; then metric lookups. */
    CHECK_OK(vmafx_stream_push(s10, &c.picture, &d.picture));
    CHECK_OK(vmafx_stream_push(s10, &c.picture, &d.picture));
    CHECK_OK(vmafx_stream_next_frame(s10, &ready, &index));
    CHECK(ready && index == 0);
    CHECK_OK(vmafx_stream_frame_value(s10, "vmaf", &value));
    CHECK_STATUS(vmafx_stream_frame_value(s10, "no_such_metric", &value), VMAFX_STATUS_NOT_FOUND);
    CHECK_STATUS(vmafx_stream_frame_value(s10, NULL, &value), VMAFX_STATUS_NULL_POINTER);
    CHECK_STATUS(vmafx_stream_frame_value(s10, "vmaf", NULL), VMAFX_STATUS_NULL_POINTER);
    /* Freed without finishing: must not leak. */
    vmafx_stream_free(s10);
    vmafx_stream_free(s8);
    release(&a);
    release(&b);
    release(&c);
    release(&d);
}

int main(void) {
    VmafxFrameFormat f422 = {96, 64, VMAFX_CHROMA_422, 10};
    VmafxFrameFormat f444 = {81, 47, VMAFX_CHROMA_444, 16};
    VmafxFrameFormat f400 = {64, 64, VMAFX_CHROMA_400, 8};
    VmafxFrameFormat f420odd = {65, 49, VMAFX_CHROMA_420, 12};
    test_bad_formats();
    test_bad_pictures();
    score_generated(f422, 0);
    score_generated(f444, 0);
    score_generated(f400, 1);
    score_generated(f420odd, 0);
    return check_summary("stream_errors");
}
