// The dialect every compute kernel is written in: one source for CUDA (NVRTC), HIP
// (hiprtc), SYCL (vmafx/kernels/sycl) and the host emulator (vmafx/kernels/emulator) that runs the
// kernels on the CPU in tests.
//
// Rules the kernels keep, so that all four give the CPU's values bit for bit:
// - No shared memory and no barriers: a thread's result depends on its own index and on
//   global memory written by earlier launches only. Sums across threads go through
//   VMAFX_SUM_U64 / VMAFX_SUM_U32, which wrap modulo 2^64 / 2^32: integer addition is
//   associative, so the order the hardware picks does not matter.
// - Floating point only where the CPU uses the same IEEE operations in the same order;
//   every backend compiles without contraction into FMA and without fast math.
// - Every kernel is `VMAFX_KERNEL void name(...)` with pointer and 32/64-bit scalar
//   parameters only, and finds its pixel with VMAFX_X / VMAFX_Y.

#ifndef VMAFX_PORTABLE_H
#define VMAFX_PORTABLE_H

#if defined(__CUDACC_RTC__) || defined(__HIPCC_RTC__) || defined(__CUDACC__) || defined(__HIPCC__)
#define VMAFX_GPU_RTC 1
#endif

#if defined(VMAFX_GPU_RTC)
// NVRTC and hiprtc compile without a C library: the fixed-width types by hand.
typedef signed char int8_t;
typedef unsigned char uint8_t;
typedef short int16_t;
typedef unsigned short uint16_t;
typedef int int32_t;
typedef unsigned int uint32_t;
typedef long long int64_t;
typedef unsigned long long uint64_t;
#else
#include <stdint.h>
#endif

#if defined(VMAFX_GPU_RTC)
#define VMAFX_KERNEL extern "C" __global__
#define VMAFX_DEVICE __device__ static inline
// Tables every thread reads alike: the constant cache broadcasts them.
#define VMAFX_CONSTANT __constant__ static const
#define VMAFX_X (blockIdx.x * blockDim.x + threadIdx.x)
#define VMAFX_Y (blockIdx.y * blockDim.y + threadIdx.y)

VMAFX_DEVICE void vmafx_sum_u64(uint64_t *total, uint64_t value) {
    atomicAdd((unsigned long long *)total, (unsigned long long)value);
}
VMAFX_DEVICE void vmafx_sum_u32(uint32_t *total, uint32_t value) {
    atomicAdd((unsigned int *)total, (unsigned int)value);
}
#elif defined(SYCL_LANGUAGE_VERSION)
#include <sycl/sycl.hpp>
#define VMAFX_KERNEL static inline
#define VMAFX_DEVICE static inline
#define VMAFX_CONSTANT static const
#define VMAFX_X ((uint32_t)sycl::ext::oneapi::this_work_item::get_nd_item<3>().get_global_id(2))
#define VMAFX_Y ((uint32_t)sycl::ext::oneapi::this_work_item::get_nd_item<3>().get_global_id(1))

VMAFX_DEVICE void vmafx_sum_u64(uint64_t *total, uint64_t value) {
    sycl::atomic_ref<uint64_t, sycl::memory_order::relaxed, sycl::memory_scope::device,
                     sycl::access::address_space::global_space>(*total)
        .fetch_add(value);
}
VMAFX_DEVICE void vmafx_sum_u32(uint32_t *total, uint32_t value) {
    sycl::atomic_ref<uint32_t, sycl::memory_order::relaxed, sycl::memory_scope::device,
                     sycl::access::address_space::global_space>(*total)
        .fetch_add(value);
}
#else
// The host emulator: kernels are plain functions called once per thread index, on one
// CPU thread, so sums are plain wrapping additions.
#define VMAFX_KERNEL static inline
#define VMAFX_DEVICE static inline
#define VMAFX_CONSTANT static const
struct VmafxThreadIndex {
    uint32_t x;
    uint32_t y;
};
extern thread_local VmafxThreadIndex vmafx_emulated_index;
#define VMAFX_X (vmafx_emulated_index.x)
#define VMAFX_Y (vmafx_emulated_index.y)

VMAFX_DEVICE void vmafx_sum_u64(uint64_t *total, uint64_t value) { *total += value; }
VMAFX_DEVICE void vmafx_sum_u32(uint32_t *total, uint32_t value) { *total += value; }
#endif

#define VMAFX_SUM_U64(total, value) vmafx_sum_u64((total), (uint64_t)(value))
#define VMAFX_SUM_U32(total, value) vmafx_sum_u32((total), (uint32_t)(value))

// How a plane's samples are stored in a kernel's input buffer.
#define VMAFX_SAMPLES_U8 0u  // one byte per sample
#define VMAFX_SAMPLES_U16 1u // two bytes per sample, native (little) endian
#define VMAFX_SAMPLES_I32 2u // one 32-bit value per sample

// Sample `index` of a buffer whose layout is `kind`.
VMAFX_DEVICE int32_t vmafx_sample(const void *plane, uint32_t index, uint32_t kind) {
    if (kind == VMAFX_SAMPLES_U8) {
        return ((const uint8_t *)plane)[index];
    }
    if (kind == VMAFX_SAMPLES_U16) {
        return ((const uint16_t *)plane)[index];
    }
    return ((const int32_t *)plane)[index];
}

// Reflection about the first and last sample, the edge not repeated.
VMAFX_DEVICE uint32_t vmafx_mirror(int32_t i, int32_t size) {
    return (uint32_t)(i < 0 ? -i : (i >= size ? 2 * size - i - 2 : i));
}

// `1 << (shift - 1)`, or 0 for a zero shift: the rounding term of a right shift.
VMAFX_DEVICE int64_t vmafx_round_term(uint32_t shift) {
    return shift == 0u ? 0 : ((int64_t)1 << (shift - 1u));
}

// |v| as an unsigned value, defined for the most negative int too.
VMAFX_DEVICE uint32_t vmafx_magnitude32(int32_t v) {
    return v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
}

#endif
