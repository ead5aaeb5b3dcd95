/* File helpers for the C tests: making broken inputs and reading outputs. */
#ifndef VMAFX_FFI_FILES_H
#define VMAFX_FFI_FILES_H

#include <stddef.h>

/* Whether the file at `path` contains `needle`. */
int file_contains(const char *path, const char *needle);

/* Writes `text` to `path`; returns 0 or -1. */
int write_text(const char *path, const char *text);

/* Copies the first `bytes` bytes of `source` to `target`; returns 0 or -1. */
int copy_prefix(const char *source, const char *target, size_t bytes);

/* Copies the header line of a Y4M file only (a video of zero frames); returns 0 or -1. */
int copy_y4m_header(const char *source, const char *target);

/* Length of a Y4M file's header line, '\n' included; -1 on error. */
long y4m_header_bytes(const char *path);

/* Converts a Y4M file to raw planar YUV; returns the number of frames or -1. */
int y4m_to_yuv(const char *source, const char *target);

#endif /* VMAFX_FFI_FILES_H */
