/* Assertions for the drop-in libvmaf tests: each check counts; failures print where. */
#ifndef LIBVMAF_TEST_EXPECT_H
#define LIBVMAF_TEST_EXPECT_H

#include <stdio.h>

static int expect_count;
static int expect_failures;

static void expect_at(int ok, const char *file, int line, const char *what)
{
    expect_count++;
    if (!ok) {
        expect_failures++;
        fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what);
    }
}

#define EXPECT(cond) expect_at((cond) ? 1 : 0, __FILE__, __LINE__, #cond)
/* A libvmaf call returning `code` (0, -EINVAL, ...). */
#define EXPECT_RC(call, code) expect_at((call) == (code), __FILE__, __LINE__, #call " == " #code)

static int expect_summary(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, expect_count - expect_failures,
           expect_failures);
    return expect_failures ? 1 : 0;
}

#endif
