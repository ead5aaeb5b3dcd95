/* A minimal Y4M reader for the streaming tests: the header line, then "FRAME" lines
 * each followed by the planes, packed. */
#ifndef VMAFX_FFI_Y4M_H
#define VMAFX_FFI_Y4M_H

#include <stddef.h>
#include <stdio.h>

#include "vmafx.h"

typedef struct Y4mFile {
    FILE *file;
    VmafxFrameFormat format;
    size_t plane_width[3];
    size_t plane_height[3];
    size_t plane_count;
    size_t bytes_per_sample;
    size_t frame_bytes;
    unsigned char *frame; /* the last frame read, planes packed one after another */
} Y4mFile;

/* Opens `path` and parses its header. Returns 0, or -1 with a message on stderr. */
int y4m_open(Y4mFile *y4m, const char *path);

/* Reads the next frame into y4m->frame. Returns 1, 0 at the end, -1 on error. */
int y4m_read_frame(Y4mFile *y4m);

/* Points `picture` at the planes of the last frame read, with packed strides. */
void y4m_picture(const Y4mFile *y4m, VmafxPicture *picture);

void y4m_close(Y4mFile *y4m);

#endif /* VMAFX_FFI_Y4M_H */
