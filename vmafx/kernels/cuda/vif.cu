// Integer VIF: the sums of the CPU's VifExtractor (vmafx/src/feature/vif/scalar.rs), with
// the same integer widths, roundings and truncations, and the same IEEE double steps.
//
// Per scale, the host launches:
//   vif_vertical    per pixel: the vertically filtered means (16 bits) and second
//                   moments (32 bits) of both pictures;
//   vif_statistics  per strip of rows of one column: the horizontal filter, each pixel's
//                   information terms, and their four sums added into bins;
//   vif_decimate    per pixel of the next scale: both filters of the next scale's
//                   Gaussian at every second row and column, i.e. the next scale itself.
// Each kernel runs one scale, chosen by a parameter. The bodies are templates over the
// scale (a fixed number of taps with constant coefficients, fully unrolled), the sample
// type, and whether the filter window lies inside the plane (no border tests, the common
// case) or must be mirrored.

#include "portable.h"

// The Q16 Gaussian of each scale, one after another (17, 9, 5 and 3 taps; each sums to
// 65536): scale s uses it for its statistics and to form itself from scale s - 1.
VMAFX_CONSTANT uint32_t VMAFX_VIF_FILTERS[34] = {
    489u,  935u,   1640u,  2640u,  3896u,  5274u,  6547u,  7455u, 7784u, 7455u, 6547u, 5274u,
    3896u, 2640u,  1640u,  935u,   489u,   1244u,  3663u,  7925u, 12590u, 14692u, 12590u,
    7925u, 3663u,  1244u,  3571u,  16004u, 26386u, 16004u, 3571u, 10904u, 43728u, 10904u};

#define VMAFX_VIF_TAPS(s) ((s) == 0 ? 17 : ((s) == 1 ? 9 : ((s) == 2 ? 5 : 3)))
#define VMAFX_VIF_FIRST(s) ((s) == 0 ? 0 : ((s) == 1 ? 17 : ((s) == 2 ? 26 : 31)))

// The model's noise variance, 2.0 in 8-bit units, scaled by 2^16.
#define VMAFX_VIF_SIGMA_NSQ 131072u

// Bins per sum in the partials buffer: threads add into (x + y) % BINS, so that the
// lanes of a warp hit different words. Layout: [scale][sum][bin], sums in the order
// num_log, den_log, num_non_log, den_non_log. Must equal BINS in compute/vif.rs.
#define VMAFX_VIF_BINS 64u

// Full unrolling of the tap loops, so that coefficients become constants (GPU compilers
// only; the emulator's C++ compiler does without).
#if defined(VMAFX_GPU_RTC)
#define VMAFX_VIF_UNROLL _Pragma("unroll")
#else
#define VMAFX_VIF_UNROLL
#endif

// Coefficient k of scale S's filter.
template <int S> VMAFX_DEVICE uint32_t vif_coefficient(int k) {
    return VMAFX_VIF_FILTERS[VMAFX_VIF_FIRST(S) + k];
}

// Reflects i into 0..len-1 about the first and last sample (the edge not repeated),
// again and again if need be, as the CPU's `mirror` does. Needs len >= 2.
VMAFX_DEVICE uint32_t vif_tap(int32_t i, int32_t len) {
    if (i >= 0 && i < len) {
        return (uint32_t)i;
    }
    const int32_t last = len - 1;
    for (;;) {
        if (i < 0) {
            i = -i;
        } else if (i > last) {
            i = 2 * last - i;
        } else {
            return (uint32_t)i;
        }
    }
}

// Tap i of a plane of len samples: i itself where the caller knows the whole window is
// inside (INSIDE, the common case: no border tests at all), else mirrored.
template <bool INSIDE> VMAFX_DEVICE uint32_t vif_window(int32_t i, int32_t len) {
    return INSIDE ? (uint32_t)i : vif_tap(i, len);
}

// One case of a switch over the scale: BODY<S, INSIDE>(...) for the runtime `inside`.
#define VMAFX_VIF_CASE(S, inside, BODY, ...)                                                 \
    case S:                                                                                  \
        if (inside) {                                                                        \
            BODY<S, true>(__VA_ARGS__);                                                      \
        } else {                                                                             \
            BODY<S, false>(__VA_ARGS__);                                                     \
        }                                                                                    \
        break

// The same for bodies that also read samples of type T: the 16-bit levels of scales 1..3
// (CASE_WIDE), or the input planes of scale 0, 16-bit where `wide`, else 8 (CASE_INPUT).
#define VMAFX_VIF_CASE_WIDE(S, inside, BODY, ...)                                            \
    case S:                                                                                  \
        if (inside) {                                                                        \
            BODY<S, true, uint16_t>(__VA_ARGS__);                                            \
        } else {                                                                             \
            BODY<S, false, uint16_t>(__VA_ARGS__);                                           \
        }                                                                                    \
        break
#define VMAFX_VIF_CASE_INPUT(S0, inside, wide, BODY, ...)                                    \
    case S0:                                                                                 \
        if (wide) {                                                                          \
            if (inside) {                                                                    \
                BODY<S0, true, uint16_t>(__VA_ARGS__);                                       \
            } else {                                                                         \
                BODY<S0, false, uint16_t>(__VA_ARGS__);                                      \
            }                                                                                \
        } else if (inside) {                                                                 \
            BODY<S0, true, uint8_t>(__VA_ARGS__);                                            \
        } else {                                                                             \
            BODY<S0, false, uint8_t>(__VA_ARGS__);                                           \
        }                                                                                    \
        break

// ---- vif_vertical

template <int S, bool INSIDE, typename T>
VMAFX_DEVICE void vif_vertical_at(const void *reference_samples,
                                  const void *distorted_samples, uint16_t *mu1, uint16_t *mu2,
                                  uint32_t *ref_sq, uint32_t *dis_sq, uint32_t *ref_dis,
                                  uint32_t x, uint32_t y, uint32_t width, uint32_t height,
                                  uint32_t mean_shift, uint32_t square_shift) {
    const T *reference = (const T *)reference_samples;
    const T *distorted = (const T *)distorted_samples;
    const int taps = VMAFX_VIF_TAPS(S);
    // Means wrap in 32 bits as the CPU's do; a product's first factor (coefficient times
    // sample) fits 32 bits, the product itself is widened, as in the CPU's mac_product.
    uint32_t sum_a = 0;
    uint32_t sum_b = 0;
    uint64_t sum_aa = 0;
    uint64_t sum_bb = 0;
    uint64_t sum_ab = 0;
    VMAFX_VIF_UNROLL
    for (int k = 0; k < taps; k++) {
        const uint32_t row = vif_window<INSIDE>((int32_t)y - taps / 2 + k, (int32_t)height);
        const uint32_t at = row * width + x;
        const uint32_t a = reference[at];
        const uint32_t b = distorted[at];
        const uint32_t weighted_a = vif_coefficient<S>(k) * a;
        const uint32_t weighted_b = vif_coefficient<S>(k) * b;
        sum_a += weighted_a;
        sum_b += weighted_b;
        sum_aa += (uint64_t)weighted_a * (uint64_t)a;
        sum_bb += (uint64_t)weighted_b * (uint64_t)b;
        sum_ab += (uint64_t)weighted_a * (uint64_t)b;
    }
    const uint64_t mean_round = (uint64_t)vmafx_round_term(mean_shift);
    const uint64_t square_round = (uint64_t)vmafx_round_term(square_shift);
    const uint32_t o = y * width + x;
    // Means are kept as 16-bit values, second moments as 32-bit ones (truncating).
    mu1[o] = (uint16_t)(((uint64_t)sum_a + mean_round) >> mean_shift);
    mu2[o] = (uint16_t)(((uint64_t)sum_b + mean_round) >> mean_shift);
    ref_sq[o] = (uint32_t)((sum_aa + square_round) >> square_shift);
    dis_sq[o] = (uint32_t)((sum_bb + square_round) >> square_shift);
    ref_dis[o] = (uint32_t)((sum_ab + square_round) >> square_shift);
}

// One thread per pixel of a `width x height` scale (`scale` 0..3) whose samples are laid
// out as `sample_kind` (VMAFX_SAMPLES_U8 or _U16 at scale 0, _U16 above); the shifts are
// the scale's vertical roundings.
VMAFX_KERNEL void vif_vertical(const void *reference, const void *distorted, uint16_t *mu1,
                               uint16_t *mu2, uint32_t *ref_sq, uint32_t *dis_sq,
                               uint32_t *ref_dis, uint32_t width, uint32_t height,
                               uint32_t sample_kind, uint32_t scale, uint32_t mean_shift,
                               uint32_t square_shift) {
    const uint32_t x = VMAFX_X;
    const uint32_t y = VMAFX_Y;
    if (x >= width || y >= height) {
        return;
    }
    const uint32_t reach = (uint32_t)VMAFX_VIF_TAPS(scale) / 2u;
    const bool inside = y >= reach && y + reach < height;
#define VMAFX_VIF_ARGS                                                                       \
    reference, distorted, mu1, mu2, ref_sq, dis_sq, ref_dis, x, y, width, height, mean_shift, \
        square_shift
    const bool wide = sample_kind == VMAFX_SAMPLES_U16;
    switch (scale) {
        VMAFX_VIF_CASE_INPUT(0, inside, wide, vif_vertical_at, VMAFX_VIF_ARGS);
        VMAFX_VIF_CASE_WIDE(1, inside, vif_vertical_at, VMAFX_VIF_ARGS);
        VMAFX_VIF_CASE_WIDE(2, inside, vif_vertical_at, VMAFX_VIF_ARGS);
        VMAFX_VIF_CASE_WIDE(3, inside, vif_vertical_at, VMAFX_VIF_ARGS);
    }
#undef VMAFX_VIF_ARGS
}

// ---- vif_statistics

// Significant bits of v (0 for 0).
VMAFX_DEVICE uint32_t vif_bit_length(uint64_t v) {
    uint32_t n = 0;
    if (v >> 32) {
        v >>= 32;
        n += 32;
    }
    if (v >> 16) {
        v >>= 16;
        n += 16;
    }
    if (v >> 8) {
        v >>= 8;
        n += 8;
    }
    if (v >> 4) {
        v >>= 4;
        n += 4;
    }
    if (v >> 2) {
        v >>= 2;
        n += 2;
    }
    if (v >> 1) {
        v >>= 1;
        n += 1;
    }
    return n + (uint32_t)v;
}

// log2(v) * 2048 in fixed point from the 16 leading bits of v (v >= 2^15): the CPU's
// Log2Table::log2_u32 and log2_u64, which agree for every such v.
VMAFX_DEVICE int32_t vif_log2(const uint16_t *table, uint64_t v) {
    const uint32_t shift = vif_bit_length(v) - 16u;
    return (int32_t)table[(uint32_t)(v >> shift)] + 2048 * (int32_t)shift;
}

// gain * covariance, rounded on its own: the subtraction it feeds must not fuse with it
// into an FMA (the CPU rounds twice). Every backend compiles without contraction; CUDA
// also gets the explicitly rounded multiply, so that exactness never hangs on a flag.
VMAFX_DEVICE double vif_product(double a, double b) {
#if defined(__CUDACC_RTC__) || defined(__CUDACC__)
    return __dmul_rn(a, b);
#else
    return a * b;
#endif
}

// The information terms of one pixel (LocalMoments::accumulate_into), added to
// sums[0..4] = num_log, den_log, num_non_log, den_non_log.
VMAFX_DEVICE void vif_accumulate(int32_t sigma1_sq, int32_t sigma2_sq, int32_t sigma12,
                                 const uint16_t *log2_table, double gain_limit, double eps,
                                 int64_t sums[4]) {
    if (sigma1_sq < (int32_t)VMAFX_VIF_SIGMA_NSQ) {
        // Too flat for the log model: a linear stand-in.
        sums[2] += (int64_t)sigma2_sq;
        sums[3] += 1;
        return;
    }
    const uint32_t den_arg = (uint32_t)sigma1_sq + VMAFX_VIF_SIGMA_NSQ;
    sums[1] += (int64_t)(vif_log2(log2_table, den_arg) - 2048 * 17);
    if (sigma12 <= 0 || sigma2_sq <= 0) {
        return;
    }
    const double variance = (double)sigma1_sq;
    const double covariance = (double)sigma12;
    const double gain = covariance / (variance + eps);
    const double left = (double)sigma2_sq - vif_product(gain, covariance);
    // The CPU truncates toward zero and clamps at 0; `left` is below 2^31.
    const uint32_t noise = left > 0.0 ? (uint32_t)(int32_t)left : 0u;
    const double limited = gain < gain_limit ? gain : gain_limit;
    // Below 100^2 * 2^31: no overflow.
    const int64_t signal = (int64_t)(limited * limited * variance);
    const uint32_t noise_total = noise + VMAFX_VIF_SIGMA_NSQ;
    const uint64_t total = (uint64_t)signal + (uint64_t)noise_total;
    sums[0] += (int64_t)(vif_log2(log2_table, total) - vif_log2(log2_table, noise_total));
}

template <int S, bool INSIDE>
VMAFX_DEVICE void vif_statistics_rows(const uint16_t *mu1, const uint16_t *mu2,
                                      const uint32_t *ref_sq, const uint32_t *dis_sq,
                                      const uint32_t *ref_dis, const uint16_t *log2_table,
                                      uint32_t x, uint32_t first, uint32_t end, uint32_t width,
                                      double gain_limit, double eps, int64_t sums[4]) {
    const int taps = VMAFX_VIF_TAPS(S);
    for (uint32_t y = first; y < end; y++) {
        const uint32_t row = y * width;
        uint32_t sum_mu1 = 0;
        uint32_t sum_mu2 = 0;
        uint64_t sum_xx = 0;
        uint64_t sum_yy = 0;
        uint64_t sum_xy = 0;
        VMAFX_VIF_UNROLL
        for (int k = 0; k < taps; k++) {
            const uint32_t c = vif_coefficient<S>(k);
            const uint32_t at = row + vif_window<INSIDE>((int32_t)x - taps / 2 + k, (int32_t)width);
            sum_mu1 += c * (uint32_t)mu1[at];
            sum_mu2 += c * (uint32_t)mu2[at];
            sum_xx += (uint64_t)c * (uint64_t)ref_sq[at];
            sum_yy += (uint64_t)c * (uint64_t)dis_sq[at];
            sum_xy += (uint64_t)c * (uint64_t)ref_dis[at];
        }
        // Products of Q16 means, back to the second moments' scale with rounding.
        const uint32_t mu1_sq =
            (uint32_t)(((uint64_t)sum_mu1 * (uint64_t)sum_mu1 + 2147483648ull) >> 32);
        const uint32_t mu2_sq =
            (uint32_t)(((uint64_t)sum_mu2 * (uint64_t)sum_mu2 + 2147483648ull) >> 32);
        const uint32_t mu1_mu2 =
            (uint32_t)(((uint64_t)sum_mu1 * (uint64_t)sum_mu2 + 2147483648ull) >> 32);
        const int32_t sigma1_sq = (int32_t)((uint32_t)((sum_xx + 32768u) >> 16) - mu1_sq);
        const int32_t sigma2_raw = (int32_t)((uint32_t)((sum_yy + 32768u) >> 16) - mu2_sq);
        const int32_t sigma12 = (int32_t)((uint32_t)((sum_xy + 32768u) >> 16) - mu1_mu2);
        const int32_t sigma2_sq = sigma2_raw > 0 ? sigma2_raw : 0;
        vif_accumulate(sigma1_sq, sigma2_sq, sigma12, log2_table, gain_limit, eps, sums);
    }
}

// One thread per column x and strip of `strip_rows` rows of a `width x height` scale:
// the strip's four sums, added (wrapping) into bin (x + strip) of `partials`' block of
// `scale`. `partials` must be zero before the first scale's launch; `eps` is the
// CPU's variance guard 65536 * 1e-10.
VMAFX_KERNEL void vif_statistics(const uint16_t *mu1, const uint16_t *mu2,
                                 const uint32_t *ref_sq, const uint32_t *dis_sq,
                                 const uint32_t *ref_dis, const uint16_t *log2_table,
                                 uint64_t *partials, uint32_t width, uint32_t height,
                                 uint32_t scale, uint32_t strip_rows, double gain_limit,
                                 double eps) {
    const uint32_t x = VMAFX_X;
    const uint32_t strip = VMAFX_Y;
    const uint32_t first = strip * strip_rows;
    if (x >= width || first >= height) {
        return;
    }
    const uint32_t end = height - first < strip_rows ? height : first + strip_rows;
    int64_t sums[4] = {0, 0, 0, 0};
    const uint32_t reach = (uint32_t)VMAFX_VIF_TAPS(scale) / 2u;
    const bool inside = x >= reach && x + reach < width;
#define VMAFX_VIF_ARGS                                                                       \
    mu1, mu2, ref_sq, dis_sq, ref_dis, log2_table, x, first, end, width, gain_limit, eps, sums
    switch (scale) {
        VMAFX_VIF_CASE(0, inside, vif_statistics_rows, VMAFX_VIF_ARGS);
        VMAFX_VIF_CASE(1, inside, vif_statistics_rows, VMAFX_VIF_ARGS);
        VMAFX_VIF_CASE(2, inside, vif_statistics_rows, VMAFX_VIF_ARGS);
        VMAFX_VIF_CASE(3, inside, vif_statistics_rows, VMAFX_VIF_ARGS);
    }
#undef VMAFX_VIF_ARGS
    uint64_t *block = partials + (uint64_t)scale * 4u * VMAFX_VIF_BINS;
    const uint32_t bin = (x + strip) % VMAFX_VIF_BINS;
    for (uint32_t k = 0; k < 4u; k++) {
        if (sums[k] != 0) {
            VMAFX_SUM_U64(&block[k * VMAFX_VIF_BINS + bin], sums[k]);
        }
    }
}

// ---- vif_decimate

template <int S, bool INSIDE, typename T>
VMAFX_DEVICE void vif_decimate_at(const void *reference_samples,
                                  const void *distorted_samples, uint16_t *next_reference,
                                  uint16_t *next_distorted, uint32_t ox, uint32_t oy,
                                  uint32_t width, uint32_t height, uint32_t mean_shift) {
    const T *reference = (const T *)reference_samples;
    const T *distorted = (const T *)distorted_samples;
    const int taps = VMAFX_VIF_TAPS(S);
    const uint64_t mean_round = (uint64_t)vmafx_round_term(mean_shift);
    uint32_t sum_a = 0;
    uint32_t sum_b = 0;
    VMAFX_VIF_UNROLL
    for (int j = 0; j < taps; j++) {
        const uint32_t column =
            vif_window<INSIDE>((int32_t)(2u * ox) - taps / 2 + j, (int32_t)width);
        // The vertical filter at row 2 * oy of this column, rounded with the source
        // scale's mean rounding and kept as a 16-bit value.
        uint32_t down_a = 0;
        uint32_t down_b = 0;
        VMAFX_VIF_UNROLL
        for (int k = 0; k < taps; k++) {
            const uint32_t row =
                vif_window<INSIDE>((int32_t)(2u * oy) - taps / 2 + k, (int32_t)height);
            const uint32_t at = row * width + column;
            down_a += vif_coefficient<S>(k) * (uint32_t)reference[at];
            down_b += vif_coefficient<S>(k) * (uint32_t)distorted[at];
        }
        const uint32_t a = (uint16_t)(((uint64_t)down_a + mean_round) >> mean_shift);
        const uint32_t b = (uint16_t)(((uint64_t)down_b + mean_round) >> mean_shift);
        sum_a += vif_coefficient<S>(j) * a;
        sum_b += vif_coefficient<S>(j) * b;
    }
    const uint32_t o = oy * (width / 2u) + ox;
    next_reference[o] = (uint16_t)(((uint64_t)sum_a + 32768u) >> 16);
    next_distorted[o] = (uint16_t)(((uint64_t)sum_b + 32768u) >> 16);
}

// One thread per sample of scale `next_scale` (1..3), (width / 2) x (height / 2) of them,
// from the `width x height` scale below it (laid out as `sample_kind`, which is _U16
// except for scale 0; vertical mean rounding `mean_shift`), into packed 16-bit planes.
VMAFX_KERNEL void vif_decimate(const void *reference, const void *distorted,
                               uint16_t *next_reference, uint16_t *next_distorted,
                               uint32_t width, uint32_t height, uint32_t sample_kind,
                               uint32_t next_scale, uint32_t mean_shift) {
    const uint32_t ox = VMAFX_X;
    const uint32_t oy = VMAFX_Y;
    if (ox >= width / 2u || oy >= height / 2u) {
        return;
    }
    const uint32_t reach = (uint32_t)VMAFX_VIF_TAPS(next_scale) / 2u;
    const uint32_t x = 2u * ox;
    const uint32_t y = 2u * oy;
    const bool inside = x >= reach && x + reach < width && y >= reach && y + reach < height;
#define VMAFX_VIF_ARGS                                                                       \
    reference, distorted, next_reference, next_distorted, ox, oy, width, height, mean_shift
    const bool wide = sample_kind == VMAFX_SAMPLES_U16;
    switch (next_scale) {
        VMAFX_VIF_CASE_INPUT(1, inside, wide, vif_decimate_at, VMAFX_VIF_ARGS);
        VMAFX_VIF_CASE_WIDE(2, inside, vif_decimate_at, VMAFX_VIF_ARGS);
        VMAFX_VIF_CASE_WIDE(3, inside, vif_decimate_at, VMAFX_VIF_ARGS);
    }
#undef VMAFX_VIF_ARGS
}

#define VMAFX_VIF_KERNELS(X) X(vif_vertical) X(vif_statistics) X(vif_decimate)
