/* The drop-in headers have libvmaf 3.2's ABI: every size, alignment, field offset and
 * enumerator value recorded from libvmaf's own headers (abi_facts.txt; with WITH_CUDA,
 * abi_facts_cuda.txt, which adds libvmaf_cuda.h) holds for ours. A difference fails
 * the build; running it reports the count. */
#include <stddef.h>
#include <stdio.h>

#include <libvmaf/libvmaf.h>
#ifdef WITH_CUDA
#include <libvmaf/libvmaf_cuda.h>
#define ABI_FACTS "abi_facts_cuda.txt"
#else
#define ABI_FACTS "abi_facts.txt"
#endif

static int facts;

#define FACT(expr, value) \
    _Static_assert((long long) (expr) == (value), #expr " differs from libvmaf");

#include ABI_FACTS

#undef FACT
#define FACT(expr, value) facts += ((long long) (expr) == (value));

int main(void)
{
#include ABI_FACTS
    printf("abi: %d passed, 0 failed\n", facts);
    return facts > 0 ? 0 : 1;
}
