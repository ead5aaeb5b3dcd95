/* A small Y4M reader filling libvmaf pictures (8 to 16 bits; 4:2:0, 4:2:2, 4:4:4,
 * mono). Chroma planes are read at libvmaf's floor size... Y4M stores them rounded up,
 * so the extra column or row is skipped. */
#ifndef LIBVMAF_TEST_Y4M_READER_H
#define LIBVMAF_TEST_Y4M_READER_H

#include <stdio.h>

#include <libvmaf/libvmaf.h>

typedef struct Y4mReader {
    FILE *file;
    unsigned w, h, bpc;
    enum VmafPixelFormat pix_fmt;
} Y4mReader;

/* 0, or -1 with a message on stderr. */
int y4m_reader_open(Y4mReader *y4m, const char *path);

/* Reads the next frame into a new picture from vmaf_picture_alloc. 1, 0 at the end, -1
 * on error. */
int y4m_reader_next(Y4mReader *y4m, VmafPicture *pic);

void y4m_reader_close(Y4mReader *y4m);

#endif
