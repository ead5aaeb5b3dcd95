/* Tiny assertion helpers shared by the C tests: every check counts, failures print
 * where they happened, and check_summary() gives the exit status. */
#ifndef VMAFX_FFI_CHECK_H
#define VMAFX_FFI_CHECK_H

#include <stdio.h>

#include "vmafx.h"

extern int check_count;
extern int check_failures;

void check_record(int ok, const char *file, int line, const char *what);

/* Checks that `status` is `expected`; for an error, also that vmafx_last_error() says
 * something. */
void check_status_at(VmafxStatus status, VmafxStatus expected, const char *file, int line,
                     const char *call);

/* Prints "N passed, M failed" and returns the process exit status. */
int check_summary(const char *test_name);

#define CHECK(cond) check_record((cond) ? 1 : 0, __FILE__, __LINE__, #cond)
#define CHECK_STATUS(call, expected) \
    check_status_at((call), (expected), __FILE__, __LINE__, #call)
#define CHECK_OK(call) CHECK_STATUS(call, VMAFX_STATUS_OK)

#endif /* VMAFX_FFI_CHECK_H */
