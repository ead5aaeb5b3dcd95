/* The drop-in headers have libvmaf 3.2's ABI: every size, alignment, field offset and
 * enumerator value recorded from libvmaf's own headers (abi_facts.txt) holds for ours.
 * A difference fails the build; running it reports the count. */
#include <stddef.h>
#include <stdio.h>

#include <libvmaf/libvmaf.h>

static int facts;

#define FACT(expr, value) \
    _Static_assert((long long) (expr) == (value), #expr " differs from libvmaf");

#include "abi_facts.txt"

#undef FACT
#define FACT(expr, value) facts += ((long long) (expr) == (value));

int main(void)
{
#include "abi_facts.txt"
    printf("abi: %d passed, 0 failed\n", facts);
    return facts > 0 ? 0 : 1;
}
