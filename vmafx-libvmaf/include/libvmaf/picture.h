/* VMAFX's drop-in libvmaf: pictures (libvmaf 3.x API). BSD-2-Clause-Patent. */
#ifndef __VMAF_PICTURE_H__
#define __VMAF_PICTURE_H__

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum VmafPixelFormat {
    VMAF_PIX_FMT_UNKNOWN,
    VMAF_PIX_FMT_YUV420P,
    VMAF_PIX_FMT_YUV422P,
    VMAF_PIX_FMT_YUV444P,
    VMAF_PIX_FMT_YUV400P,
};

/* The reference count of a picture's buffer. Opaque. */
typedef struct VmafRef VmafRef;

/*
 * A picture: up to three planes of w[i] x h[i] samples, rows stride[i] bytes apart.
 * Samples are uint8_t for bpc 8 and uint16_t above. Chroma planes are w >> 1 wide
 * (and h >> 1 high for 4:2:0); 4:0:0 pictures have no chroma planes.
 */
typedef struct VmafPicture {
    enum VmafPixelFormat pix_fmt;
    unsigned bpc;
    unsigned w[3], h[3];
    ptrdiff_t stride[3];
    void *data[3];
    VmafRef *ref;
    void *priv;
} VmafPicture;

/* Allocates zeroed planes holding one reference. 0, -EINVAL or -ENOMEM. */
int vmaf_picture_alloc(VmafPicture *pic, enum VmafPixelFormat pix_fmt,
                       unsigned bpc, unsigned w, unsigned h);

/* Drops the picture's reference, freeing the planes with the last, and clears *pic. */
int vmaf_picture_unref(VmafPicture *pic);

#ifdef __cplusplus
}
#endif

#endif /* __VMAF_PICTURE_H__ */
