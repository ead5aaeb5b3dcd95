#include "files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "y4m.h"

int file_contains(const char *path, const char *needle) {
    FILE *file = fopen(path, "rb");
    char *text;
    long size;
    int found;
    if (file == NULL) {
        return 0;
    }
    fseek(file, 0, SEEK_END);
    size = ftell(file);
    fseek(file, 0, SEEK_SET);
    text = calloc((size_t)size + 1, 1);
    if (text == NULL || fread(text, 1, (size_t)size, file) != (size_t)size) {
        free(text);
        fclose(file);
        return 0;
    }
    fclose(file);
    found = strstr(text, needle) != NULL;
    free(text);
    return found;
}

int write_text(const char *path, const char *text) {
    FILE *file = fopen(path, "wb");
    int ok;
    if (file == NULL) {
        return -1;
    }
    ok = fwrite(text, 1, strlen(text), file) == strlen(text);
    return (fclose(file) == 0 && ok) ? 0 : -1;
}

int copy_prefix(const char *source, const char *target, size_t bytes) {
    FILE *in = fopen(source, "rb");
    FILE *out = fopen(target, "wb");
    int status = 0;
    char buffer[4096];
    while (in != NULL && out != NULL && bytes > 0) {
        size_t want = bytes < sizeof buffer ? bytes : sizeof buffer;
        size_t got = fread(buffer, 1, want, in);
        if (got == 0 || fwrite(buffer, 1, got, out) != got) {
            status = -1;
            break;
        }
        bytes -= got;
    }
    if (in == NULL || out == NULL) {
        status = -1;
    }
    if (in != NULL) {
        fclose(in);
    }
    if (out != NULL && fclose(out) != 0) {
        status = -1;
    }
    return status;
}

long y4m_header_bytes(const char *path) {
    FILE *in = fopen(path, "rb");
    long length = 0;
    int c;
    if (in == NULL) {
        return -1;
    }
    while ((c = fgetc(in)) != EOF) {
        length++;
        if (c == '\n') {
            break;
        }
    }
    fclose(in);
    return length;
}

int copy_y4m_header(const char *source, const char *target) {
    long length = y4m_header_bytes(source);
    return length < 0 ? -1 : copy_prefix(source, target, (size_t)length);
}

int y4m_to_yuv(const char *source, const char *target) {
    Y4mFile y4m;
    FILE *out;
    int frames = 0;
    int got;
    if (y4m_open(&y4m, source) != 0) {
        return -1;
    }
    out = fopen(target, "wb");
    if (out == NULL) {
        y4m_close(&y4m);
        return -1;
    }
    while ((got = y4m_read_frame(&y4m)) == 1) {
        if (fwrite(y4m.frame, 1, y4m.frame_bytes, out) != y4m.frame_bytes) {
            got = -1;
            break;
        }
        frames++;
    }
    y4m_close(&y4m);
    if (fclose(out) != 0 || got < 0) {
        return -1;
    }
    return frames;
}
