// Motion's SAD: the difference of two luma planes blurred with the 5-tap filter, then
// the sum of absolute values, as the CPU's MotionSad computes it.

#include "portable.h"

VMAFX_CONSTANT int64_t VMAFX_MOTION_TAPS[5] = {3571, 16004, 26386, 16004, 3571};

// Columns each thread of motion_sad sums before adding to its row's total.
#define VMAFX_MOTION_STRIP 8u

// Pass 1, one thread per pixel: the difference filtered vertically, rounded to
// `bit_depth` fewer bits.
VMAFX_KERNEL void motion_vertical(const void *earlier, const void *current, int32_t *filtered,
                                  uint32_t width, uint32_t height, uint32_t sample_kind,
                                  uint32_t bit_depth) {
    const uint32_t x = VMAFX_X;
    const uint32_t y = VMAFX_Y;
    if (x >= width || y >= height) {
        return;
    }
    int64_t sum = 0;
    for (int32_t k = 0; k < 5; k++) {
        const uint32_t row = vmafx_mirror((int32_t)y + k - 2, (int32_t)height);
        const uint32_t at = row * width + x;
        const int32_t difference =
            vmafx_sample(earlier, at, sample_kind) - vmafx_sample(current, at, sample_kind);
        sum += VMAFX_MOTION_TAPS[k] * (int64_t)difference;
    }
    filtered[y * width + x] = (int32_t)((sum + vmafx_round_term(bit_depth)) >> bit_depth);
}

// Pass 2, one thread per VMAFX_MOTION_STRIP columns of a row: filtered horizontally,
// rounded by 16 bits, absolute values added to the row's 32-bit total (wrapping, as
// the reference's row totals do). `row_totals` must be zero before the launch.
VMAFX_KERNEL void motion_sad(const int32_t *filtered, uint32_t *row_totals, uint32_t width,
                             uint32_t height) {
    const uint32_t first = VMAFX_X * VMAFX_MOTION_STRIP;
    const uint32_t y = VMAFX_Y;
    if (first >= width || y >= height) {
        return;
    }
    const uint32_t end = first + VMAFX_MOTION_STRIP < width ? first + VMAFX_MOTION_STRIP : width;
    const int32_t *row = filtered + y * width;
    uint32_t total = 0;
    for (uint32_t x = first; x < end; x++) {
        int64_t sum = 0;
        for (int32_t k = 0; k < 5; k++) {
            const uint32_t column = vmafx_mirror((int32_t)x + k - 2, (int32_t)width);
            sum += VMAFX_MOTION_TAPS[k] * (int64_t)row[column];
        }
        total += vmafx_magnitude32((int32_t)((sum + 32768) >> 16));
    }
    VMAFX_SUM_U32(&row_totals[y], total);
}

#define VMAFX_MOTION_KERNELS(X) X(motion_vertical) X(motion_sad)
