/*
 * vf_vmafx.c: the `vmafx` video filter, VMAF scores from the VMAFX C library.
 *
 * Two inputs, the distorted video first and the reference second (the order of the
 * `libvmaf` filter); the distorted frames pass through unchanged. At the end of the
 * stream the pooled score is logged and, with log_path, libvmaf's report is written.
 *
 * This file is built inside FFmpeg 5.1's libavfilter; ffmpeg/build-and-test.sh copies it
 * there and registers it. Scores come from libvmafx (pkg-config vmafx).
 *
 * SPDX-License-Identifier: BSD-2-Clause-Patent
 */

#include <string.h>

#include <vmafx.h>

#include "libavutil/avconfig.h"
#include "libavutil/avstring.h"
#include "libavutil/bprint.h"
#include "libavutil/frame.h"
#include "libavutil/opt.h"
#include "libavutil/pixdesc.h"
#include "avfilter.h"
#include "filters.h"
#include "formats.h"
#include "framesync.h"
#include "internal.h"
#include "video.h"

/* Upper bounds the C API sets (VmafxOptions.threads) or that keep a filter string sane. */
#define MAX_THREADS 1024
#define MAX_SPECS   64

typedef struct VmafxFilterContext {
    const AVClass *class;
    FFFrameSync fs;

    /* Options, as the user set them. */
    char *model;
    char *feature;
    char *log_path;
    char *backend;
    int log_fmt;
    int n_threads;
    int n_subsample;
    int pool;
    int shortest;
    int repeatlast;

    /* Model and feature strings in the C API's syntax, made once in init. */
    char *model_specs[MAX_SPECS];
    char *model_labels[MAX_SPECS];
    int nb_models;
    char *feature_specs[MAX_SPECS];
    int nb_features;

    VmafxStream *stream;
    uint64_t frames_pushed;
    int finished;
} VmafxFilterContext;

#define OFFSET(x) offsetof(VmafxFilterContext, x)
#define FLAGS AV_OPT_FLAG_FILTERING_PARAM | AV_OPT_FLAG_VIDEO_PARAM

static const AVOption vmafx_options[] = {
    { "model", "models, '|'-separated: version=NAME or path=FILE, with :name=LABEL, "
      ":disable_clip=true, :enable_transform=true; empty for features only",
      OFFSET(model), AV_OPT_TYPE_STRING, { .str = "version=vmaf_v0.6.1" }, 0, 0, FLAGS },
    { "feature", "extra features, '|'-separated: name=NAME with :option=value pairs",
      OFFSET(feature), AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, FLAGS },
    { "log_path", "write the report to this file at the end",
      OFFSET(log_path), AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, FLAGS },
    { "backend", "compute backend: auto, cpu, cuda, hip, sycl or vulkan (default: VMAFX_BACKEND, else auto)",
      OFFSET(backend), AV_OPT_TYPE_STRING, { .str = NULL }, 0, 0, FLAGS },
    { "log_fmt", "layout of the report", OFFSET(log_fmt), AV_OPT_TYPE_INT,
      { .i64 = VMAFX_REPORT_XML }, VMAFX_REPORT_JSON, VMAFX_REPORT_SUB, FLAGS, "log_fmt" },
        { "xml",  "libvmaf's XML",  0, AV_OPT_TYPE_CONST, { .i64 = VMAFX_REPORT_XML },  0, 0, FLAGS, "log_fmt" },
        { "json", "libvmaf's JSON", 0, AV_OPT_TYPE_CONST, { .i64 = VMAFX_REPORT_JSON }, 0, 0, FLAGS, "log_fmt" },
        { "csv",  "libvmaf's CSV",  0, AV_OPT_TYPE_CONST, { .i64 = VMAFX_REPORT_CSV },  0, 0, FLAGS, "log_fmt" },
        { "sub",  "subtitles",      0, AV_OPT_TYPE_CONST, { .i64 = VMAFX_REPORT_SUB },  0, 0, FLAGS, "log_fmt" },
    { "n_threads", "worker threads, 0 for one per core (scores never depend on it)",
      OFFSET(n_threads), AV_OPT_TYPE_INT, { .i64 = 0 }, 0, MAX_THREADS, FLAGS },
    { "n_subsample", "score every n-th frame only",
      OFFSET(n_subsample), AV_OPT_TYPE_INT, { .i64 = 1 }, 1, INT_MAX, FLAGS },
    { "pool", "how the logged score pools the per-frame scores", OFFSET(pool), AV_OPT_TYPE_INT,
      { .i64 = VMAFX_POOL_MEAN }, VMAFX_POOL_MEAN, VMAFX_POOL_HARMONIC_MEAN, FLAGS, "pool" },
        { "mean",          "arithmetic mean", 0, AV_OPT_TYPE_CONST, { .i64 = VMAFX_POOL_MEAN },          0, 0, FLAGS, "pool" },
        { "min",           "smallest value",  0, AV_OPT_TYPE_CONST, { .i64 = VMAFX_POOL_MIN },           0, 0, FLAGS, "pool" },
        { "max",           "largest value",   0, AV_OPT_TYPE_CONST, { .i64 = VMAFX_POOL_MAX },           0, 0, FLAGS, "pool" },
        { "harmonic_mean", "harmonic mean",   0, AV_OPT_TYPE_CONST, { .i64 = VMAFX_POOL_HARMONIC_MEAN }, 0, 0, FLAGS, "pool" },
    /* framesync's options, with defaults that score only the frames both inputs have,
     * as the vmafx CLI does (framesync's own would repeat the reference's last frame). */
    { "shortest", "end when either input ends",
      OFFSET(shortest), AV_OPT_TYPE_BOOL, { .i64 = 1 }, 0, 1, FLAGS },
    { "repeatlast", "with shortest=0, score distorted frames past the reference's end "
      "against its last frame (otherwise they pass unscored)",
      OFFSET(repeatlast), AV_OPT_TYPE_BOOL, { .i64 = 0 }, 0, 1, FLAGS },
    { NULL }
};

static const AVClass vmafx_class = {
    .class_name = "vmafx",
    .item_name  = av_default_item_name,
    .option     = vmafx_options,
    .version    = LIBAVUTIL_VERSION_INT,
    .category   = AV_CLASS_CATEGORY_FILTER,
};

/* Maps a C API status to an AVERROR and logs the library's message. */
static int vmafx_error(void *log_ctx, VmafxStatus status, const char *call)
{
    av_log(log_ctx, AV_LOG_ERROR, "%s failed: %s: %s\n", call,
           vmafx_status_str(status), vmafx_last_error());
    switch (status) {
    case VMAFX_STATUS_IO:                  return AVERROR(EIO);
    case VMAFX_STATUS_BACKEND_UNAVAILABLE: return AVERROR(ENOSYS);
    case VMAFX_STATUS_NO_FRAMES:           return AVERROR_INVALIDDATA;
    case VMAFX_STATUS_NULL_POINTER:
    case VMAFX_STATUS_INVALID_STATE:
    case VMAFX_STATUS_INTERNAL:            return AVERROR_BUG;
    default:                               return AVERROR(EINVAL);
    }
}

/* Splits `list` at '|' into newly allocated, non-empty items. */
static int split_list(void *log_ctx, const char *list, const char *what,
                      char **items, int *nb_items)
{
    const char *p = list;

    *nb_items = 0;
    while (p && *p) {
        size_t len = strcspn(p, "|");
        if (len) {
            if (*nb_items == MAX_SPECS) {
                av_log(log_ctx, AV_LOG_ERROR, "more than %d %ss\n", MAX_SPECS, what);
                return AVERROR(EINVAL);
            }
            if (!(items[*nb_items] = av_strndup(p, len)))
                return AVERROR(ENOMEM);
            (*nb_items)++;
        }
        p += len + (p[len] == '|');
    }
    return 0;
}

/*
 * The label a model's score is reported under: its `name=` value, "vmaf" otherwise
 * (the C API's rule, so the logged score and the report agree).
 */
static char *model_label(const char *spec)
{
    const char *p = spec;

    while (*p) {
        size_t len = strcspn(p, ":");
        if (len > 5 && !strncmp(p, "name=", 5))
            return av_strndup(p + 5, len - 5);
        p += len + (p[len] == ':');
    }
    return av_strdup("vmaf");
}

/*
 * Rewrites a feature from the filter's syntax, "name=NAME:opt=value:...", to the C
 * API's (libvmaf's --feature syntax), "NAME=opt=value:...". A leading bare word is
 * taken as the name too, so "psnr" and "psnr:enable_chroma=false" work.
 */
static int feature_spec(void *log_ctx, const char *item, char **spec)
{
    AVBPrint options;
    char *name = NULL;
    const char *p = item;
    int ret = 0;

    av_bprint_init(&options, 0, AV_BPRINT_SIZE_UNLIMITED);
    for (int first = 1; *p; first = 0) {
        size_t len = strcspn(p, ":");
        const char *eq = memchr(p, '=', len);

        if (len >= 5 && !strncmp(p, "name=", 5)) {
            av_freep(&name);
            name = av_strndup(p + 5, len - 5);
        } else if (len && !eq && first) {
            name = av_strndup(p, len);
        } else if (eq && eq > p && eq < p + len - 1) {
            av_bprintf(&options, "%s%.*s", options.len ? ":" : "", (int)len, p);
        } else if (len) {
            av_log(log_ctx, AV_LOG_ERROR, "feature '%s': '%.*s' is not option=value\n",
                   item, (int)len, p);
            ret = AVERROR(EINVAL);
            goto end;
        }
        p += len + (p[len] == ':');
    }
    if (!name || !*name) {
        av_log(log_ctx, AV_LOG_ERROR, "feature '%s' has no name=\n", item);
        ret = AVERROR(EINVAL);
        goto end;
    }
    *spec = options.len ? av_asprintf("%s=%s", name, options.str) : av_strdup(name);
    if (!*spec)
        ret = AVERROR(ENOMEM);
end:
    av_free(name);
    av_bprint_finalize(&options, NULL);
    return ret;
}

static int push_frames(FFFrameSync *fs);

static av_cold int vmafx_init(AVFilterContext *ctx)
{
    VmafxFilterContext *s = ctx->priv;
    char *items[MAX_SPECS];
    int nb_items = 0, ret;

    ret = split_list(ctx, s->model, "model", s->model_specs, &s->nb_models);
    if (ret < 0)
        return ret;
    for (int i = 0; i < s->nb_models; i++)
        if (!(s->model_labels[i] = model_label(s->model_specs[i])))
            return AVERROR(ENOMEM);

    ret = split_list(ctx, s->feature, "feature", items, &nb_items);
    for (int i = 0; ret >= 0 && i < nb_items; i++) {
        ret = feature_spec(ctx, items[i], &s->feature_specs[i]);
        if (ret >= 0)
            s->nb_features++;
    }
    for (int i = 0; i < nb_items; i++)
        av_free(items[i]);
    if (ret < 0)
        return ret;

    if (!s->nb_models && !s->nb_features) {
        av_log(ctx, AV_LOG_ERROR, "nothing to compute: no model and no feature\n");
        return AVERROR(EINVAL);
    }
    s->fs.on_event = push_frames;
    return 0;
}

/*
 * Every pixel format is accepted here and checked in config_output, so that an
 * unsupported format is refused with a clear message instead of being converted behind
 * the user's back. The distorted input and the output share one format.
 */
static int vmafx_query_formats(AVFilterContext *ctx)
{
    AVFilterFormats *main_formats = ff_all_formats(AVMEDIA_TYPE_VIDEO);
    AVFilterFormats *ref_formats = ff_all_formats(AVMEDIA_TYPE_VIDEO);
    int ret;

    if ((ret = ff_formats_ref(main_formats, &ctx->inputs[0]->outcfg.formats)) < 0 ||
        (ret = ff_formats_ref(main_formats, &ctx->outputs[0]->incfg.formats)) < 0)
        return ret;
    return ff_formats_ref(ref_formats, &ctx->inputs[1]->outcfg.formats);
}

/*
 * The C API's frame format for a pixel format: planar Y, U, V (or Y alone), 4:2:0,
 * 4:2:2 or 4:4:4, 8 to 16 bits in native byte order. Returns 0 or AVERROR(EINVAL).
 */
static int frame_format(enum AVPixelFormat pix_fmt, int width, int height,
                        VmafxFrameFormat *format)
{
    const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(pix_fmt);
    const unsigned refused = AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_ALPHA |
                             AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_BITSTREAM |
                             AV_PIX_FMT_FLAG_BAYER | AV_PIX_FMT_FLAG_FLOAT;
    int depth, bytes;

    if (!desc || (desc->flags & refused) ||
        (desc->nb_components != 1 && desc->nb_components != 3))
        return AVERROR(EINVAL);
    depth = desc->comp[0].depth;
    bytes = depth > 8 ? 2 : 1;
    if (depth < 8 || depth > 16 ||
        (depth > 8 && !!(desc->flags & AV_PIX_FMT_FLAG_BE) != AV_HAVE_BIGENDIAN))
        return AVERROR(EINVAL);
    for (int i = 0; i < desc->nb_components; i++) {
        const AVComponentDescriptor *c = &desc->comp[i];
        /* One component per plane, samples packed from bit 0: what the API reads. */
        if (c->plane != i || c->step != bytes || c->offset || c->shift || c->depth != depth)
            return AVERROR(EINVAL);
    }

    if (desc->nb_components == 1)
        format->chroma = VMAFX_CHROMA_400;
    else if (desc->log2_chroma_w == 1 && desc->log2_chroma_h == 1)
        format->chroma = VMAFX_CHROMA_420;
    else if (desc->log2_chroma_w == 1 && desc->log2_chroma_h == 0)
        format->chroma = VMAFX_CHROMA_422;
    else if (desc->log2_chroma_w == 0 && desc->log2_chroma_h == 0)
        format->chroma = VMAFX_CHROMA_444;
    else
        return AVERROR(EINVAL);
    format->width = width;
    format->height = height;
    format->bit_depth = depth;
    return 0;
}

static int vmafx_config_output(AVFilterLink *outlink)
{
    AVFilterContext *ctx = outlink->src;
    VmafxFilterContext *s = ctx->priv;
    AVFilterLink *dist = ctx->inputs[0], *ref = ctx->inputs[1];
    VmafxFrameFormat format;
    VmafxOptions options;
    VmafxStatus status;
    int ret;

    if (dist->w != ref->w || dist->h != ref->h) {
        av_log(ctx, AV_LOG_ERROR, "the distorted video is %dx%d but the reference is %dx%d; "
               "scale one to the other's size first\n", dist->w, dist->h, ref->w, ref->h);
        return AVERROR(EINVAL);
    }
    if (dist->format != ref->format) {
        av_log(ctx, AV_LOG_ERROR, "the distorted video is %s but the reference is %s; "
               "convert one first, e.g. with format=%s\n",
               av_get_pix_fmt_name(dist->format), av_get_pix_fmt_name(ref->format),
               av_get_pix_fmt_name(ref->format));
        return AVERROR(EINVAL);
    }
    if (frame_format(dist->format, dist->w, dist->h, &format) < 0) {
        av_log(ctx, AV_LOG_ERROR, "pixel format %s is not supported: vmafx takes planar "
               "YUV 4:2:0, 4:2:2, 4:4:4 or gray of 8 to 16 bits (yuv420p, yuv422p10le, "
               "gray, ...); convert both inputs first, e.g. with format=yuv420p\n",
               av_get_pix_fmt_name(dist->format));
        return AVERROR(EINVAL);
    }

    vmafx_options_init(&options);
    options.models = (const char *const *)s->model_specs;
    options.model_count = s->nb_models;
    options.features = (const char *const *)s->feature_specs;
    options.feature_count = s->nb_features;
    options.flags = s->nb_models ? 0 : VMAFX_FLAG_NO_PREDICTION;
    options.threads = s->n_threads;
    options.subsample = s->n_subsample;
    options.pool_method = s->pool;
    options.backend = s->backend;
    vmafx_stream_free(s->stream);
    s->stream = NULL;
    status = vmafx_stream_new(&options, &format, &s->stream);
    if (status != VMAFX_STATUS_OK)
        return vmafx_error(ctx, status, "vmafx_stream_new");
    av_log(ctx, AV_LOG_VERBOSE, "libvmafx %s: %ux%u %s, %d model(s), %d feature(s)\n",
           vmafx_version(), format.width, format.height, av_get_pix_fmt_name(dist->format),
           s->nb_models, s->nb_features);

    if ((ret = ff_framesync_init_dualinput(&s->fs, ctx)) < 0)
        return ret;
    s->fs.opt_shortest = s->shortest;
    s->fs.opt_repeatlast = s->repeatlast;
    outlink->w = dist->w;
    outlink->h = dist->h;
    outlink->time_base = dist->time_base;
    outlink->sample_aspect_ratio = dist->sample_aspect_ratio;
    outlink->frame_rate = dist->frame_rate;
    return ff_framesync_configure(&s->fs);
}

/* Logs the frames whose scores are complete (debug level), oldest first. */
static void log_ready_frames(AVFilterContext *ctx)
{
    VmafxFilterContext *s = ctx->priv;
    size_t nb_metrics = vmafx_stream_metric_count(s->stream);
    uint64_t index;
    bool ready;

    while (vmafx_stream_next_frame(s->stream, &ready, &index) == VMAFX_STATUS_OK && ready) {
        AVBPrint line;
        if (av_log_get_level() < AV_LOG_DEBUG)
            continue;
        av_bprint_init(&line, 0, AV_BPRINT_SIZE_AUTOMATIC);
        for (size_t i = 0; i < nb_metrics; i++) {
            const char *name = vmafx_stream_metric_name(s->stream, i);
            double value;
            if (name && vmafx_stream_frame_value(s->stream, name, &value) == VMAFX_STATUS_OK)
                av_bprintf(&line, " %s:%.6f", name, value);
        }
        av_log(ctx, AV_LOG_DEBUG, "frame %"PRIu64":%s\n", index, line.str);
        av_bprint_finalize(&line, NULL);
    }
}

/* The plane pointers and byte strides of a frame, in the C API's form. */
static void frame_picture(const AVFrame *frame, int nb_planes, VmafxPicture *picture)
{
    memset(picture, 0, sizeof(*picture));
    for (int i = 0; i < nb_planes; i++) {
        picture->data[i] = frame->data[i];
        picture->stride[i] = frame->linesize[i];
    }
}

/* `*frame` itself, or a copy with positive linesizes (the API refuses bottom-up rows). */
static int top_down(const AVFrame *frame, AVFrame **copy)
{
    int ret;

    *copy = NULL;
    for (int i = 0; i < 3; i++)
        if (frame->linesize[i] < 0)
            break;
        else if (i == 2)
            return 0;
    if (!(*copy = av_frame_alloc()))
        return AVERROR(ENOMEM);
    (*copy)->format = frame->format;
    (*copy)->width = frame->width;
    (*copy)->height = frame->height;
    if ((ret = av_frame_get_buffer(*copy, 0)) < 0 || (ret = av_frame_copy(*copy, frame)) < 0)
        av_frame_free(copy);
    return ret;
}

static int push_frames(FFFrameSync *fs)
{
    AVFilterContext *ctx = fs->parent;
    VmafxFilterContext *s = ctx->priv;
    AVFrame *dist, *ref, *dist_copy = NULL, *ref_copy = NULL;
    VmafxPicture dist_picture, ref_picture;
    VmafxStatus status;
    int nb_planes, ret;

    if ((ret = ff_framesync_dualinput_get(fs, &dist, &ref)) < 0)
        return ret;
    if (!ref)
        return ff_filter_frame(ctx->outputs[0], dist);

    if ((ret = top_down(dist, &dist_copy)) < 0 || (ret = top_down(ref, &ref_copy)) < 0)
        goto fail;
    nb_planes = av_pix_fmt_count_planes(dist->format);
    frame_picture(dist_copy ? dist_copy : dist, nb_planes, &dist_picture);
    frame_picture(ref_copy ? ref_copy : ref, nb_planes, &ref_picture);
    status = vmafx_stream_push(s->stream, &ref_picture, &dist_picture);
    av_frame_free(&dist_copy);
    av_frame_free(&ref_copy);
    if (status != VMAFX_STATUS_OK) {
        ret = vmafx_error(ctx, status, "vmafx_stream_push");
        goto fail;
    }
    s->frames_pushed++;
    log_ready_frames(ctx);
    return ff_filter_frame(ctx->outputs[0], dist);

fail:
    av_frame_free(&dist_copy);
    av_frame_free(&ref_copy);
    av_frame_free(&dist);
    return ret;
}

/*
 * Ends the stream: logs each model's pooled score and writes the report. Runs once, at
 * the end of the inputs (or, when the graph is torn down early, from uninit).
 */
static int finish(AVFilterContext *ctx)
{
    VmafxFilterContext *s = ctx->priv;
    VmafxResult result;
    VmafxStatus status;
    int ret = 0;

    if (s->finished || !s->stream)
        return 0;
    s->finished = 1;
    if (!s->frames_pushed) {
        av_log(ctx, AV_LOG_WARNING, "no frame pairs were scored\n");
        return 0;
    }

    status = vmafx_stream_finish(s->stream, &result);
    if (status != VMAFX_STATUS_OK)
        return vmafx_error(ctx, status, "vmafx_stream_finish");
    log_ready_frames(ctx);

    for (int i = 0; i < s->nb_models; i++) {
        double score;
        status = vmafx_report_pooled(result.report, s->model_labels[i], s->pool, &score);
        if (status != VMAFX_STATUS_OK) {
            ret = vmafx_error(ctx, status, "vmafx_report_pooled");
            break;
        }
        if (!strcmp(s->model_labels[i], "vmaf"))
            av_log(ctx, AV_LOG_INFO, "VMAF score: %f\n", score);
        else
            av_log(ctx, AV_LOG_INFO, "VMAF score (%s): %f\n", s->model_labels[i], score);
    }
    av_log(ctx, AV_LOG_VERBOSE, "%"PRIu64" frames scored\n", result.frame_count);

    if (ret >= 0 && s->log_path) {
        status = vmafx_report_write(result.report, s->log_fmt, s->log_path);
        if (status != VMAFX_STATUS_OK)
            ret = vmafx_error(ctx, status, "vmafx_report_write");
    }
    vmafx_report_free(result.report);
    return ret;
}

static int vmafx_activate(AVFilterContext *ctx)
{
    VmafxFilterContext *s = ctx->priv;
    int ret = ff_framesync_activate(&s->fs);

    if (ret < 0)
        return ret;
    /* The score is final once framesync has ended the output: report it now, while an
     * error can still reach ffmpeg's exit status. */
    if (s->fs.eof && !s->finished)
        return finish(ctx);
    return 0;
}

static av_cold void vmafx_uninit(AVFilterContext *ctx)
{
    VmafxFilterContext *s = ctx->priv;

    finish(ctx);
    ff_framesync_uninit(&s->fs);
    vmafx_stream_free(s->stream);
    s->stream = NULL;
    for (int i = 0; i < s->nb_models; i++) {
        av_freep(&s->model_specs[i]);
        av_freep(&s->model_labels[i]);
    }
    for (int i = 0; i < s->nb_features; i++)
        av_freep(&s->feature_specs[i]);
}

static const AVFilterPad vmafx_inputs[] = {
    { .name = "main",      .type = AVMEDIA_TYPE_VIDEO },
    { .name = "reference", .type = AVMEDIA_TYPE_VIDEO },
};

static const AVFilterPad vmafx_outputs[] = {
    { .name = "default", .type = AVMEDIA_TYPE_VIDEO, .config_props = vmafx_config_output },
};

const AVFilter ff_vf_vmafx = {
    .name          = "vmafx",
    .description   = NULL_IF_CONFIG_SMALL("Calculate VMAF between two video streams with libvmafx."),
    .init          = vmafx_init,
    .uninit        = vmafx_uninit,
    .activate      = vmafx_activate,
    .priv_size     = sizeof(VmafxFilterContext),
    .priv_class    = &vmafx_class,
    FILTER_INPUTS(vmafx_inputs),
    FILTER_OUTPUTS(vmafx_outputs),
    FILTER_QUERY_FUNC(vmafx_query_formats),
};
