/* The streaming API fed with the sample pair, frame by frame from a Y4M parser: it must
 * give the same per-frame and pooled scores as vmafx_score. Arguments: ref.y4m dist.y4m */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "files.h"
#include "vmafx.h"
#include "y4m.h"

#define SAMPLE_VMAF "89.570779"

static const char *reference;
static const char *distorted;

/* A copy of a picture's planes with wider rows (and, for 8-bit video, an odd start
 * address), to check that strides and alignment are honoured. */
typedef struct PaddedPicture {
    unsigned char *buffers[3];
    VmafxPicture picture;
} PaddedPicture;

static void pad_picture(const Y4mFile *y4m, const VmafxPicture *packed, PaddedPicture *out) {
    size_t i, row;
    size_t bps = y4m->bytes_per_sample;
    size_t shift = bps == 1 ? 1 : 0;
    memset(out, 0, sizeof *out);
    for (i = 0; i < y4m->plane_count; i++) {
        size_t row_bytes = y4m->plane_width[i] * bps;
        size_t stride = row_bytes + 40;
        unsigned char *buffer = malloc(stride * y4m->plane_height[i] + shift);
        const unsigned char *source = packed->data[i];
        out->buffers[i] = buffer;
        for (row = 0; row < y4m->plane_height[i]; row++) {
            memcpy(buffer + shift + row * stride, source + row * row_bytes, row_bytes);
            memset(buffer + shift + row * stride + row_bytes, 0xEE, stride - row_bytes);
        }
        out->picture.data[i] = buffer + shift;
        out->picture.stride[i] = (ptrdiff_t)stride;
    }
}

static void free_padded(PaddedPicture *padded) {
    size_t i;
    for (i = 0; i < 3; i++) {
        free(padded->buffers[i]);
    }
}

/* Takes every ready frame and compares its VMAF with the one-shot report's. */
static void drain(VmafxStream *stream, const VmafxReport *expected, uint64_t *taken) {
    bool ready = true;
    while (ready) {
        uint64_t index = 999;
        double value = -1, want = -2;
        CHECK_OK(vmafx_stream_next_frame(stream, &ready, &index));
        if (!ready) {
            break;
        }
        CHECK(index == *taken);
        CHECK_OK(vmafx_stream_frame_value(stream, "vmaf", &value));
        CHECK_OK(vmafx_report_frame_value(expected, index, "vmaf", &want));
        CHECK(value == want);
        CHECK_OK(vmafx_stream_frame_value(stream, "integer_motion2", &value));
        CHECK_OK(vmafx_report_frame_value(expected, index, "integer_motion2", &want));
        CHECK(value == want);
        *taken += 1;
    }
}

static void stream_sample(uint32_t threads, int padded) {
    VmafxOptions options;
    VmafxResult one_shot, streamed;
    VmafxStream *stream = NULL;
    Y4mFile ref, dist;
    uint64_t taken = 0, taken_before_finish;
    size_t i, count;
    int got_ref, got_dist, frames = 0;
    char text[32];
    double pooled_stream = 0, pooled_once = 0;

    CHECK_OK(vmafx_options_init(&options));
    options.threads = threads;
    CHECK_OK(vmafx_score(reference, distorted, &options, &one_shot));

    if (y4m_open(&ref, reference) != 0 || y4m_open(&dist, distorted) != 0) {
        CHECK(!"the sample Y4M files open");
        return;
    }
    CHECK_OK(vmafx_stream_new(&options, &ref.format, &stream));
    CHECK(stream != NULL);
    count = vmafx_stream_metric_count(stream);
    CHECK(count == vmafx_report_metric_count(one_shot.report));
    for (i = 0; i < count; i++) {
        const char *name = vmafx_stream_metric_name(stream, i);
        CHECK(name != NULL && strcmp(name, vmafx_report_metric_name(one_shot.report, i)) == 0);
    }

    for (;;) {
        VmafxPicture ref_picture, dist_picture;
        got_ref = y4m_read_frame(&ref);
        got_dist = y4m_read_frame(&dist);
        if (got_ref != 1 || got_dist != 1) {
            break;
        }
        y4m_picture(&ref, &ref_picture);
        y4m_picture(&dist, &dist_picture);
        if (padded) {
            PaddedPicture ref_padded, dist_padded;
            pad_picture(&ref, &ref_picture, &ref_padded);
            pad_picture(&dist, &dist_picture, &dist_padded);
            CHECK_OK(vmafx_stream_push(stream, &ref_padded.picture, &dist_padded.picture));
            free_padded(&ref_padded);
            free_padded(&dist_padded);
        } else {
            CHECK_OK(vmafx_stream_push(stream, &ref_picture, &dist_picture));
        }
        frames++;
        drain(stream, one_shot.report, &taken);
    }
    CHECK(got_ref == 0 && got_dist == 0);
    CHECK(frames == 10);
    taken_before_finish = taken;
    if (threads == 1) {
        /* Motion completes a frame one push later; all but the last are ready. */
        CHECK(taken_before_finish == 9);
    }

    CHECK_OK(vmafx_stream_finish(stream, &streamed));
    drain(stream, one_shot.report, &taken);
    CHECK(taken == 10);
    CHECK(streamed.frame_count == 10);
    CHECK(streamed.score == one_shot.score);
    snprintf(text, sizeof text, "%.6f", streamed.score);
    CHECK(strcmp(text, SAMPLE_VMAF) == 0);
    printf("threads %u%s: streamed vmaf %s, %u frames ready before finish\n", (unsigned)threads,
           padded ? " (padded strides)" : "", text, (unsigned)taken_before_finish);
    CHECK_OK(vmafx_report_pooled(streamed.report, "vmaf", VMAFX_POOL_HARMONIC_MEAN,
                                 &pooled_stream));
    CHECK_OK(vmafx_report_pooled(one_shot.report, "vmaf", VMAFX_POOL_HARMONIC_MEAN,
                                 &pooled_once));
    CHECK(pooled_stream == pooled_once);

    /* The stream's report writes like the one-shot one. */
    CHECK_OK(vmafx_report_write(streamed.report, VMAFX_REPORT_JSON, "stream_report.json"));
    CHECK(file_contains("stream_report.json", SAMPLE_VMAF));
    CHECK_OK(vmafx_report_write(streamed.report, VMAFX_REPORT_XML, "stream_report.xml"));
    CHECK(file_contains("stream_report.xml", SAMPLE_VMAF));
    CHECK_OK(vmafx_report_write(streamed.report, VMAFX_REPORT_CSV, "stream_report.csv"));
    CHECK(file_contains("stream_report.csv", "vmaf"));

    /* Finished: no more pushes, no second finish, but the last frame stays readable. */
    {
        VmafxPicture picture;
        VmafxResult again;
        double value = 0;
        y4m_picture(&ref, &picture);
        CHECK_STATUS(vmafx_stream_push(stream, &picture, &picture), VMAFX_STATUS_INVALID_STATE);
        CHECK_STATUS(vmafx_stream_finish(stream, &again), VMAFX_STATUS_INVALID_STATE);
        CHECK(again.report == NULL);
        CHECK_OK(vmafx_stream_frame_value(stream, "vmaf", &value));
        CHECK_OK(vmafx_report_frame_value(one_shot.report, 9, "vmaf", &pooled_once));
        CHECK(value == pooled_once);
    }

    vmafx_stream_free(stream);
    vmafx_report_free(streamed.report);
    vmafx_report_free(one_shot.report);
    y4m_close(&ref);
    y4m_close(&dist);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s reference.y4m distorted.y4m\n", argv[0]);
        return 2;
    }
    reference = argv[1];
    distorted = argv[2];
    stream_sample(1, 0);
    stream_sample(1, 1);
    stream_sample(2, 0);
    return check_summary("stream");
}
