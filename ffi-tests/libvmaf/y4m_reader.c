#include "y4m_reader.h"

#include <stdlib.h>
#include <string.h>

int y4m_reader_open(Y4mReader *y4m, const char *path)
{
    char header[512];
    memset(y4m, 0, sizeof(*y4m));
    y4m->file = fopen(path, "rb");
    if (!y4m->file || !fgets(header, sizeof(header), y4m->file) ||
        strncmp(header, "YUV4MPEG2 ", 10) != 0) {
        fprintf(stderr, "%s: not a Y4M file\n", path);
        if (y4m->file) fclose(y4m->file);
        y4m->file = NULL;
        return -1;
    }
    y4m->bpc = 8;
    y4m->pix_fmt = VMAF_PIX_FMT_YUV420P;
    for (char *tok = strtok(header + 10, " \n"); tok; tok = strtok(NULL, " \n")) {
        if (tok[0] == 'W') y4m->w = (unsigned) atoi(tok + 1);
        if (tok[0] == 'H') y4m->h = (unsigned) atoi(tok + 1);
        if (tok[0] != 'C') continue;
        if (!strncmp(tok, "C422", 4)) y4m->pix_fmt = VMAF_PIX_FMT_YUV422P;
        else if (!strncmp(tok, "C444", 4)) y4m->pix_fmt = VMAF_PIX_FMT_YUV444P;
        else if (!strncmp(tok, "Cmono", 5)) y4m->pix_fmt = VMAF_PIX_FMT_YUV400P;
        const char *depth = strchr(tok, 'p');
        if (depth && depth[1] >= '0' && depth[1] <= '9') y4m->bpc = (unsigned) atoi(depth + 1);
        if (!strncmp(tok, "Cmono", 5) && tok[5]) y4m->bpc = (unsigned) atoi(tok + 5);
    }
    if (!y4m->w || !y4m->h) {
        fprintf(stderr, "%s: no size in the header\n", path);
        fclose(y4m->file);
        y4m->file = NULL;
        return -1;
    }
    return 0;
}

int y4m_reader_next(Y4mReader *y4m, VmafPicture *pic)
{
    char line[128];
    if (!fgets(line, sizeof(line), y4m->file)) return 0;
    if (strncmp(line, "FRAME", 5) != 0) return -1;
    if (vmaf_picture_alloc(pic, y4m->pix_fmt, y4m->bpc, y4m->w, y4m->h)) return -1;
    const unsigned bytes = y4m->bpc > 8 ? 2 : 1;
    const int planes = y4m->pix_fmt == VMAF_PIX_FMT_YUV400P ? 1 : 3;
    const unsigned sx = y4m->pix_fmt == VMAF_PIX_FMT_YUV444P ? 0 : 1;
    const unsigned sy = y4m->pix_fmt == VMAF_PIX_FMT_YUV420P ? 1 : 0;
    for (int i = 0; i < planes; i++) {
        /* Y4M planes are rounded up; libvmaf's are rounded down. */
        const unsigned stored_w = i ? (y4m->w + sx) >> sx : y4m->w;
        const unsigned stored_h = i ? (y4m->h + sy) >> sy : y4m->h;
        unsigned char *row = malloc((size_t) stored_w * bytes);
        if (!row) return -1;
        for (unsigned y = 0; y < stored_h; y++) {
            if (fread(row, bytes, stored_w, y4m->file) != stored_w) {
                free(row);
                vmaf_picture_unref(pic);
                return -1;
            }
            if (y < pic->h[i])
                memcpy((unsigned char *) pic->data[i] + (size_t) y * pic->stride[i], row,
                       (size_t) pic->w[i] * bytes);
        }
        free(row);
    }
    return 1;
}

void y4m_reader_close(Y4mReader *y4m)
{
    if (y4m->file) fclose(y4m->file);
    y4m->file = NULL;
}
