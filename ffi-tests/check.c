#include "check.h"

#include <string.h>

int check_count = 0;
int check_failures = 0;

void check_record(int ok, const char *file, int line, const char *what) {
    check_count++;
    if (!ok) {
        check_failures++;
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
    }
}

void check_status_at(VmafxStatus status, VmafxStatus expected, const char *file, int line,
                     const char *call) {
    const char *message = vmafx_last_error();
    check_count++;
    if (status != expected) {
        check_failures++;
        fprintf(stderr, "%s:%d: %s returned %d (%s: %s), expected %d (%s)\n", file, line, call,
                (int)status, vmafx_status_str(status), message, (int)expected,
                vmafx_status_str(expected));
        return;
    }
    if (expected != VMAFX_STATUS_OK) {
        check_record(message != NULL && strlen(message) > 0, file, line,
                     "vmafx_last_error() describes the failure");
    } else {
        check_record(message != NULL && message[0] == '\0', file, line,
                     "vmafx_last_error() is empty after success");
    }
}

int check_summary(const char *test_name) {
    printf("%s: %d passed, %d failed\n", test_name, check_count - check_failures,
           check_failures);
    return check_failures == 0 ? 0 : 1;
}
