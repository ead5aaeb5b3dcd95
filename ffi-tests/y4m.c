#include "y4m.h"

#include <stdlib.h>
#include <string.h>

/* Reads one '\n'-terminated line (without the '\n'); returns its length, -1 at EOF
 * before any byte or when the line does not fit. */
static long read_line(FILE *file, char *line, size_t capacity) {
    size_t n = 0;
    int c;
    while ((c = fgetc(file)) != EOF && c != '\n') {
        if (n + 1 >= capacity) {
            return -1;
        }
        line[n++] = (char)c;
    }
    if (c == EOF && n == 0) {
        return -1;
    }
    line[n] = '\0';
    return (long)n;
}

/* Parses a "C..." colour space token: 420jpeg, 420mpeg2, 422, 444p10, mono, ... */
static int parse_colour_space(const char *token, VmafxFrameFormat *format) {
    const char *depth;
    if (strncmp(token, "420", 3) == 0) {
        format->chroma = VMAFX_CHROMA_420;
    } else if (strncmp(token, "422", 3) == 0) {
        format->chroma = VMAFX_CHROMA_422;
    } else if (strncmp(token, "444", 3) == 0) {
        format->chroma = VMAFX_CHROMA_444;
    } else if (strncmp(token, "mono", 4) == 0) {
        format->chroma = VMAFX_CHROMA_400;
    } else {
        return -1;
    }
    depth = strchr(token, 'p');
    if (depth != NULL && depth[1] >= '0' && depth[1] <= '9') {
        format->bit_depth = (uint32_t)strtoul(depth + 1, NULL, 10);
    } else if (strncmp(token, "mono", 4) == 0 && token[4] >= '0' && token[4] <= '9') {
        format->bit_depth = (uint32_t)strtoul(token + 4, NULL, 10);
    }
    return 0;
}

int y4m_open(Y4mFile *y4m, const char *path) {
    char line[1024];
    char *token;
    size_t i;
    memset(y4m, 0, sizeof *y4m);
    y4m->file = fopen(path, "rb");
    if (y4m->file == NULL) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    if (read_line(y4m->file, line, sizeof line) < 0 || strncmp(line, "YUV4MPEG2 ", 10) != 0) {
        fprintf(stderr, "%s is not a Y4M file\n", path);
        y4m_close(y4m);
        return -1;
    }
    y4m->format.chroma = VMAFX_CHROMA_420;
    y4m->format.bit_depth = 8;
    for (token = strtok(line + 10, " "); token != NULL; token = strtok(NULL, " ")) {
        if (token[0] == 'W') {
            y4m->format.width = (uint32_t)strtoul(token + 1, NULL, 10);
        } else if (token[0] == 'H') {
            y4m->format.height = (uint32_t)strtoul(token + 1, NULL, 10);
        } else if (token[0] == 'C' && parse_colour_space(token + 1, &y4m->format) != 0) {
            fprintf(stderr, "%s: unsupported colour space %s\n", path, token);
            y4m_close(y4m);
            return -1;
        }
    }
    if (y4m->format.width == 0 || y4m->format.height == 0) {
        fprintf(stderr, "%s: no frame size in the header\n", path);
        y4m_close(y4m);
        return -1;
    }
    y4m->bytes_per_sample = y4m->format.bit_depth > 8 ? 2 : 1;
    y4m->plane_count = y4m->format.chroma == VMAFX_CHROMA_400 ? 1 : 3;
    y4m->plane_width[0] = y4m->format.width;
    y4m->plane_height[0] = y4m->format.height;
    for (i = 1; i < y4m->plane_count; i++) {
        int half_width = y4m->format.chroma != VMAFX_CHROMA_444;
        int half_height = y4m->format.chroma == VMAFX_CHROMA_420;
        y4m->plane_width[i] = half_width ? (y4m->format.width + 1) / 2 : y4m->format.width;
        y4m->plane_height[i] = half_height ? (y4m->format.height + 1) / 2 : y4m->format.height;
    }
    for (i = 0; i < y4m->plane_count; i++) {
        y4m->frame_bytes += y4m->plane_width[i] * y4m->plane_height[i] * y4m->bytes_per_sample;
    }
    y4m->frame = malloc(y4m->frame_bytes);
    if (y4m->frame == NULL) {
        y4m_close(y4m);
        return -1;
    }
    return 0;
}

int y4m_read_frame(Y4mFile *y4m) {
    char line[256];
    if (read_line(y4m->file, line, sizeof line) < 0) {
        return 0;
    }
    if (strncmp(line, "FRAME", 5) != 0) {
        fprintf(stderr, "expected a FRAME marker\n");
        return -1;
    }
    if (fread(y4m->frame, 1, y4m->frame_bytes, y4m->file) != y4m->frame_bytes) {
        fprintf(stderr, "truncated frame\n");
        return -1;
    }
    return 1;
}

void y4m_picture(const Y4mFile *y4m, VmafxPicture *picture) {
    size_t i;
    size_t offset = 0;
    memset(picture, 0, sizeof *picture);
    for (i = 0; i < y4m->plane_count; i++) {
        picture->data[i] = y4m->frame + offset;
        picture->stride[i] = (ptrdiff_t)(y4m->plane_width[i] * y4m->bytes_per_sample);
        offset += y4m->plane_width[i] * y4m->plane_height[i] * y4m->bytes_per_sample;
    }
}

void y4m_close(Y4mFile *y4m) {
    if (y4m->file != NULL) {
        fclose(y4m->file);
    }
    free(y4m->frame);
    memset(y4m, 0, sizeof *y4m);
}
