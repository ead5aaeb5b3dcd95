/* A minimal C program using the library as an application would: scores a pair of Y4M
 * files and prints "vmaf: SCORE" like the vmafx CLI, which ffi-tests/run.sh compares.
 * Usage: vmafx-score-c reference.y4m distorted.y4m [report.json] */
#include <stdio.h>

#include "vmafx.h"

int main(int argc, char **argv) {
    VmafxResult result;
    VmafxStatus status;
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: %s reference.y4m distorted.y4m [report.json]\n", argv[0]);
        return 2;
    }
    status = vmafx_score(argv[1], argv[2], NULL, &result);
    if (status != VMAFX_STATUS_OK) {
        fprintf(stderr, "vmafx_score: %s: %s\n", vmafx_status_str(status), vmafx_last_error());
        return 1;
    }
    printf("vmaf: %.6f\n", result.score);
    if (argc == 4) {
        status = vmafx_report_write(result.report, VMAFX_REPORT_JSON, argv[3]);
        if (status != VMAFX_STATUS_OK) {
            fprintf(stderr, "vmafx_report_write: %s\n", vmafx_last_error());
        }
    }
    vmafx_report_free(result.report);
    return status == VMAFX_STATUS_OK ? 0 : 1;
}
