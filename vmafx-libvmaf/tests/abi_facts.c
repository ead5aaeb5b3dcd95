/* Prints the ABI facts of libvmaf's public headers: the size and alignment of every
 * public structure, the offset of every field, the size of every enum and the value of
 * every enumerator, one `FACT(expression, value)` line each.
 *
 * record-abi-facts.sh compiles it against libvmaf 3.2's own headers; the output is
 * abi_facts.txt (with WITH_CUDA defined, abi_facts_cuda.txt, which adds libvmaf_cuda.h),
 * which ffi-tests/libvmaf/test_abi.c turns into static assertions on the drop-in
 * headers. */
#include <stddef.h>
#include <stdio.h>

#include <libvmaf/libvmaf.h>
#ifdef WITH_CUDA
#include <libvmaf/libvmaf_cuda.h>
#endif

#define SHOW(expr) printf("FACT(%s, %lld)\n", #expr, (long long) (expr))
#define FIELD(type, member) SHOW(offsetof(type, member))
#define STRUCT(type) do { SHOW(sizeof(type)); SHOW(_Alignof(type)); } while (0)

int main(void)
{
    STRUCT(VmafConfiguration);
    FIELD(VmafConfiguration, log_level);
    FIELD(VmafConfiguration, n_threads);
    FIELD(VmafConfiguration, n_subsample);
    FIELD(VmafConfiguration, cpumask);
    FIELD(VmafConfiguration, gpumask);

    STRUCT(VmafPicture);
    FIELD(VmafPicture, pix_fmt);
    FIELD(VmafPicture, bpc);
    FIELD(VmafPicture, w);
    FIELD(VmafPicture, h);
    FIELD(VmafPicture, stride);
    FIELD(VmafPicture, data);
    FIELD(VmafPicture, ref);
    FIELD(VmafPicture, priv);

    STRUCT(VmafPictureConfiguration);
    FIELD(VmafPictureConfiguration, pic_params.w);
    FIELD(VmafPictureConfiguration, pic_params.h);
    FIELD(VmafPictureConfiguration, pic_params.bpc);
    FIELD(VmafPictureConfiguration, pic_params.pix_fmt);
    FIELD(VmafPictureConfiguration, pic_cnt);

    STRUCT(VmafModelConfig);
    FIELD(VmafModelConfig, name);
    FIELD(VmafModelConfig, flags);

    STRUCT(VmafModelCollectionScore);
    FIELD(VmafModelCollectionScore, type);
    FIELD(VmafModelCollectionScore, bootstrap.bagging_score);
    FIELD(VmafModelCollectionScore, bootstrap.stddev);
    FIELD(VmafModelCollectionScore, bootstrap.ci.p95.lo);
    FIELD(VmafModelCollectionScore, bootstrap.ci.p95.hi);

    SHOW(sizeof(enum VmafLogLevel));
    SHOW(VMAF_LOG_LEVEL_NONE);
    SHOW(VMAF_LOG_LEVEL_ERROR);
    SHOW(VMAF_LOG_LEVEL_WARNING);
    SHOW(VMAF_LOG_LEVEL_INFO);
    SHOW(VMAF_LOG_LEVEL_DEBUG);

    SHOW(sizeof(enum VmafOutputFormat));
    SHOW(VMAF_OUTPUT_FORMAT_NONE);
    SHOW(VMAF_OUTPUT_FORMAT_XML);
    SHOW(VMAF_OUTPUT_FORMAT_JSON);
    SHOW(VMAF_OUTPUT_FORMAT_CSV);
    SHOW(VMAF_OUTPUT_FORMAT_SUB);

    SHOW(sizeof(enum VmafPoolingMethod));
    SHOW(VMAF_POOL_METHOD_UNKNOWN);
    SHOW(VMAF_POOL_METHOD_MIN);
    SHOW(VMAF_POOL_METHOD_MAX);
    SHOW(VMAF_POOL_METHOD_MEAN);
    SHOW(VMAF_POOL_METHOD_HARMONIC_MEAN);
    SHOW(VMAF_POOL_METHOD_NB);

    SHOW(sizeof(enum VmafPixelFormat));
    SHOW(VMAF_PIX_FMT_UNKNOWN);
    SHOW(VMAF_PIX_FMT_YUV420P);
    SHOW(VMAF_PIX_FMT_YUV422P);
    SHOW(VMAF_PIX_FMT_YUV444P);
    SHOW(VMAF_PIX_FMT_YUV400P);

    SHOW(sizeof(enum VmafModelFlags));
    SHOW(VMAF_MODEL_FLAGS_DEFAULT);
    SHOW(VMAF_MODEL_FLAG_DISABLE_CLIP);
    SHOW(VMAF_MODEL_FLAG_ENABLE_TRANSFORM);
    SHOW(VMAF_MODEL_FLAG_DISABLE_TRANSFORM);

    SHOW(sizeof(enum VmafModelCollectionScoreType));
    SHOW(VMAF_MODEL_COLLECTION_SCORE_UNKNOWN);
    SHOW(VMAF_MODEL_COLLECTION_SCORE_BOOTSTRAP);
#ifdef WITH_CUDA
    STRUCT(VmafCudaConfiguration);
    FIELD(VmafCudaConfiguration, cu_ctx);
    STRUCT(VmafCudaPictureConfiguration);
    FIELD(VmafCudaPictureConfiguration, pic_params.w);
    FIELD(VmafCudaPictureConfiguration, pic_params.h);
    FIELD(VmafCudaPictureConfiguration, pic_params.bpc);
    FIELD(VmafCudaPictureConfiguration, pic_params.pix_fmt);
    FIELD(VmafCudaPictureConfiguration, pic_prealloc_method);
    SHOW(sizeof(enum VmafCudaPicturePreallocationMethod));
    SHOW(VMAF_CUDA_PICTURE_PREALLOCATION_METHOD_NONE);
    SHOW(VMAF_CUDA_PICTURE_PREALLOCATION_METHOD_DEVICE);
    SHOW(VMAF_CUDA_PICTURE_PREALLOCATION_METHOD_HOST);
    SHOW(VMAF_CUDA_PICTURE_PREALLOCATION_METHOD_HOST_PINNED);
#endif
    return 0;
}
