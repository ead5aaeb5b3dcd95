// The host emulator: the kernels of vmafx/kernels/cuda compiled as plain C++ and run on the
// CPU, one thread index after another. Tests use it to hold the kernels and the host
// code that drives them equal to the CPU extractors on machines without a GPU.
//
// Exported: vmafx_emulator_launch(name, grid, block, args, arg_count) -> status
//   0 done, 1 unknown kernel, 2 wrong argument count.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>

#include "../cuda/portable.h"

thread_local VmafxThreadIndex vmafx_emulated_index;

#include "../cuda/adm.cu"
#include "../cuda/motion.cu"
#include "../cuda/vif.cu"

namespace {

// A kernel parameter from the 64-bit word the caller passed.
template <typename T> T from_word(uint64_t word) {
    if constexpr (std::is_pointer_v<T>) {
        return reinterpret_cast<T>(static_cast<uintptr_t>(word));
    } else {
        static_assert(sizeof(T) <= sizeof(uint64_t));
        T value;
        std::memcpy(&value, &word, sizeof(T));
        return value;
    }
}

template <typename... Params, std::size_t... I>
void call(void (*kernel)(Params...), const uint64_t *words, std::index_sequence<I...>) {
    kernel(from_word<Params>(words[I])...);
}

template <typename... Params>
int run(void (*kernel)(Params...), const uint32_t grid[3], const uint32_t block[3],
        const uint64_t *words, std::size_t count) {
    if (count != sizeof...(Params)) {
        return 2;
    }
    // Kernels use no z dimension; the grid's z blocks repeat the same indices.
    for (uint32_t gz = 0; gz < grid[2] * block[2]; gz++) {
        for (uint32_t y = 0; y < grid[1] * block[1]; y++) {
            for (uint32_t x = 0; x < grid[0] * block[0]; x++) {
                vmafx_emulated_index = VmafxThreadIndex{x, y};
                call(kernel, words, std::index_sequence_for<Params...>{});
            }
        }
    }
    return 0;
}

} // namespace

extern "C" int vmafx_emulator_launch(const char *name, const uint32_t grid[3],
                                     const uint32_t block[3], const uint64_t *args,
                                     std::size_t arg_count) {
#define VMAFX_EMULATE(kernel)                                                                \
    if (std::strcmp(name, #kernel) == 0) {                                                   \
        return run(kernel, grid, block, args, arg_count);                                    \
    }
    VMAFX_MOTION_KERNELS(VMAFX_EMULATE)
    VMAFX_VIF_KERNELS(VMAFX_EMULATE)
    VMAFX_ADM_KERNELS(VMAFX_EMULATE)
#undef VMAFX_EMULATE
    return 1;
}
