// Integer ADM, as the CPU's AdmExtractor computes it, in two passes per level.
//
// adm_analyse, one thread per band position: the Daubechies-2 analysis of both pictures
// (level 0 from the samples in 16 bits, levels 1..3 from the previous approximation in
// 32 bits), then the decoupling of the distorted detail into its restored part and the
// additive impairment, then each masker's CSF weighting reduced to what the 3x3 masking
// neighbourhood needs: the sum of the three orientations' neighbour shares and the
// centre's correction (self shares minus neighbour shares).
//
// adm_sums, one thread per strip of a scored row: the masking thresholds from those
// sums, the cubed excesses of the detail-loss (restored part masked by the impairment)
// and AIM (the two swapped) targets, and the reference's cubed detail for the
// denominator; each summed per row and orientation into 64-bit bins (wrapping, as the
// CPU's row sums). The host rounds every row as the CPU does and finishes in float.
//
// Integer steps wrap where the CPU's do; they are written on unsigned values so that no
// signed overflow occurs in C. The decoupling's angle test and gain limit use floats and
// doubles in the CPU's operation order (no contraction into FMA anywhere).

#include "portable.h"

VMAFX_CONSTANT int32_t VMAFX_ADM_LO[4] = {15826, 27411, 7345, -4240};
VMAFX_CONSTANT int32_t VMAFX_ADM_HI[4] = {-4240, -7345, 27411, -15826};
#define VMAFX_ADM_LO_SUM 46342u

// Levels 1..3: (add, shift) of the vertical, then the horizontal pass.
VMAFX_CONSTANT int64_t VMAFX_ADM_V_ADD[3] = {0, 32768, 32768};
VMAFX_CONSTANT uint32_t VMAFX_ADM_V_SHIFT[3] = {0u, 16u, 16u};
VMAFX_CONSTANT int64_t VMAFX_ADM_H_ADD[3] = {16384, 32768, 16384};
VMAFX_CONSTANT uint32_t VMAFX_ADM_H_SHIFT[3] = {15u, 16u, 15u};

// Level 0 weighting: rounding add and shift, threshold alignment, square shift.
VMAFX_CONSTANT uint32_t VMAFX_ADM_FINE_WEIGH_ADD[3] = {16384u, 16384u, 65535u};
VMAFX_CONSTANT uint32_t VMAFX_ADM_FINE_WEIGH_SHIFT[3] = {15u, 15u, 17u};
VMAFX_CONSTANT uint32_t VMAFX_ADM_FINE_THRESHOLD_SHIFT[3] = {10u, 10u, 12u};
VMAFX_CONSTANT uint32_t VMAFX_ADM_FINE_SQUARE_SHIFT[3] = {29u, 29u, 30u};
// Levels 1..3 round their 1/30 and 1/15 shares with a wrapped 2^31, i.e. -2^31.
#define VMAFX_ADM_COARSE_SHARE_ROUND (-2147483647ll - 1ll)

// Planes of one level's work buffer, each band_width * band_height int32 values.
#define VMAFX_ADM_APPROX_REF 0u
#define VMAFX_ADM_APPROX_DIS 1u
#define VMAFX_ADM_REF_DETAIL 2u // h, v, d
#define VMAFX_ADM_RESTORED 5u   // h, v, d
#define VMAFX_ADM_ADDITIVE 8u   // h, v, d
#define VMAFX_ADM_SUM_ADD 11u   // additive as masker: neighbour share sum
#define VMAFX_ADM_CENTRE_ADD 12u
#define VMAFX_ADM_SUM_RES 13u // restored as masker
#define VMAFX_ADM_CENTRE_RES 14u
#define VMAFX_ADM_PLANES 15u

// Columns each adm_sums thread covers.
#define VMAFX_ADM_STRIP 16u

// C's (int16_t) conversion: the low 16 bits, sign-extended.
VMAFX_DEVICE int32_t vmafx_adm_i16(uint32_t v) { return (int32_t)(int16_t)(uint16_t)v; }

// -1 -> 1, n -> n-1, n+1 -> n-2 (the wavelet's reflection, not vmafx_mirror's).
VMAFX_DEVICE uint32_t vmafx_adm_reflect(int32_t i, int32_t len) {
    return (uint32_t)(i < 0 ? -i : (i >= len ? 2 * len - 1 - i : i));
}

// Plane `p` of a work buffer with `n` values per plane.
VMAFX_DEVICE int32_t *vmafx_adm_plane(int32_t *work, uint32_t p, uint32_t n) {
    return work + (uint64_t)p * n;
}
VMAFX_DEVICE const int32_t *vmafx_adm_cplane(const int32_t *work, uint32_t p, uint32_t n) {
    return work + (uint64_t)p * n;
}

// Level 0 analysis of one position: approximation, h, v, d, each in 16 bits. The
// vertical sums wrap in 32 bits above 15-bit samples, as the CPU's do.
VMAFX_DEVICE void vmafx_adm_fine_dwt(const void *plane, uint32_t offset, uint32_t kind,
                                     const uint32_t rows[4], const uint32_t columns[4],
                                     uint32_t bits, int32_t out[4]) {
    const uint32_t half = 1u << (bits - 1u);
    const uint32_t centring = VMAFX_ADM_LO_SUM * half;
    int32_t lo[4];
    int32_t hi[4];
    for (int c = 0; c < 4; c++) {
        uint32_t sum_lo = 0u;
        uint32_t sum_hi = 0u;
        for (int k = 0; k < 4; k++) {
            const uint32_t s = (uint32_t)vmafx_sample(plane, offset + rows[k] + columns[c], kind);
            sum_lo += (uint32_t)VMAFX_ADM_LO[k] * s;
            sum_hi += (uint32_t)VMAFX_ADM_HI[k] * s;
        }
        lo[c] = vmafx_adm_i16((uint32_t)((int32_t)(sum_lo - centring + half) >> bits));
        hi[c] = vmafx_adm_i16((uint32_t)((int32_t)(sum_hi + half) >> bits));
    }
    uint32_t a_lo = 0u;
    uint32_t a_hi = 0u;
    uint32_t b_lo = 0u;
    uint32_t b_hi = 0u;
    for (int k = 0; k < 4; k++) {
        a_lo += (uint32_t)VMAFX_ADM_LO[k] * (uint32_t)lo[k];
        a_hi += (uint32_t)VMAFX_ADM_LO[k] * (uint32_t)hi[k];
        b_lo += (uint32_t)VMAFX_ADM_HI[k] * (uint32_t)lo[k];
        b_hi += (uint32_t)VMAFX_ADM_HI[k] * (uint32_t)hi[k];
    }
    out[0] = vmafx_adm_i16((uint32_t)((int32_t)(a_lo + 32768u) >> 16));
    out[1] = vmafx_adm_i16((uint32_t)((int32_t)(a_hi + 32768u) >> 16));
    out[2] = vmafx_adm_i16((uint32_t)((int32_t)(b_lo + 32768u) >> 16));
    out[3] = vmafx_adm_i16((uint32_t)((int32_t)(b_hi + 32768u) >> 16));
}

// Level 1..3 analysis of one position from 32-bit approximations, in 64 bits.
VMAFX_DEVICE void vmafx_adm_coarse_dwt(const int32_t *plane, uint32_t offset,
                                       const uint32_t rows[4], const uint32_t columns[4],
                                       uint32_t level, int32_t out[4]) {
    const uint32_t l = level - 1u;
    int64_t lo[4];
    int64_t hi[4];
    for (int c = 0; c < 4; c++) {
        int64_t sum_lo = 0;
        int64_t sum_hi = 0;
        for (int k = 0; k < 4; k++) {
            const int64_t s = plane[offset + rows[k] + columns[c]];
            sum_lo += (int64_t)VMAFX_ADM_LO[k] * s;
            sum_hi += (int64_t)VMAFX_ADM_HI[k] * s;
        }
        lo[c] = (int32_t)((sum_lo + VMAFX_ADM_V_ADD[l]) >> VMAFX_ADM_V_SHIFT[l]);
        hi[c] = (int32_t)((sum_hi + VMAFX_ADM_V_ADD[l]) >> VMAFX_ADM_V_SHIFT[l]);
    }
    int64_t a_lo = 0;
    int64_t a_hi = 0;
    int64_t b_lo = 0;
    int64_t b_hi = 0;
    for (int k = 0; k < 4; k++) {
        a_lo += (int64_t)VMAFX_ADM_LO[k] * lo[k];
        a_hi += (int64_t)VMAFX_ADM_LO[k] * hi[k];
        b_lo += (int64_t)VMAFX_ADM_HI[k] * lo[k];
        b_hi += (int64_t)VMAFX_ADM_HI[k] * hi[k];
    }
    out[0] = (int32_t)((a_lo + VMAFX_ADM_H_ADD[l]) >> VMAFX_ADM_H_SHIFT[l]);
    out[1] = (int32_t)((a_hi + VMAFX_ADM_H_ADD[l]) >> VMAFX_ADM_H_SHIFT[l]);
    out[2] = (int32_t)((b_lo + VMAFX_ADM_H_ADD[l]) >> VMAFX_ADM_H_SHIFT[l]);
    out[3] = (int32_t)((b_hi + VMAFX_ADM_H_ADD[l]) >> VMAFX_ADM_H_SHIFT[l]);
}

// Whether the distorted (h, v) vector lies within one degree of the reference one: each
// 64-bit integer rounded to a float, scaled by 1/4096, compared in doubles.
VMAFX_DEVICE int vmafx_adm_within_one_degree(int32_t oh, int32_t ov, int32_t th, int32_t tv,
                                             double cos_sq) {
    // Only -2^31 squared twice leaves 64 bits; it wraps as the CPU's sum does.
    const uint64_t dot = (uint64_t)((int64_t)oh * th) + (uint64_t)((int64_t)ov * tv);
    const uint64_t o_mag = (uint64_t)((int64_t)oh * oh) + (uint64_t)((int64_t)ov * ov);
    const uint64_t t_mag = (uint64_t)((int64_t)th * th) + (uint64_t)((int64_t)tv * tv);
    const double dot_f = (double)(float)(int64_t)dot / 4096.0;
    const double o_f = (double)(float)(int64_t)o_mag / 4096.0;
    const double t_f = (double)(float)(int64_t)t_mag / 4096.0;
    return dot_f >= 0.0 && dot_f * dot_f >= cos_sq * o_f * t_f;
}

// A double truncated toward zero into [low, high] (NaN to 0): Rust's saturating `as`.
VMAFX_DEVICE int32_t vmafx_adm_truncate(double v, double low, double high) {
    if (!(v == v)) {
        return 0;
    }
    if (v <= low) {
        return (int32_t)low;
    }
    if (v >= high) {
        return (int32_t)high;
    }
    return (int32_t)v;
}

// The restored value after the enhancement gain limit, as a double: inside one degree
// a restored part may grow to gain * restored but not past the distorted value.
VMAFX_DEVICE double vmafx_adm_limit_gain(int64_t restored, int64_t k, int64_t reference,
                                         int64_t distorted, int aligned, double gain) {
    const double amplified = (double)restored * gain;
    const double t = (double)distorted;
    if (aligned && k > 0 && reference > 0) {
        return amplified < t ? amplified : t;
    }
    if (aligned && k > 0 && reference < 0) {
        return amplified > t ? amplified : t;
    }
    return (double)restored;
}

// 2^30 / d truncated toward zero, for 0 < |d| <= 32768 (the CPU's reciprocal table).
VMAFX_DEVICE int64_t vmafx_adm_reciprocal(int32_t d) {
    const int64_t magnitude = (int64_t)((1u << 30) / vmafx_magnitude32(d));
    return d < 0 ? -magnitude : magnitude;
}

// Level 0 decoupling of one orientation: (restored, additive) in 16 bits.
VMAFX_DEVICE void vmafx_adm_decouple_fine(int32_t o, int32_t t, int aligned, double gain,
                                          int32_t *restored_out, int32_t *additive_out) {
    int32_t ratio = 32768;
    if (o != 0) {
        ratio = (int32_t)((vmafx_adm_reciprocal(o) * t + 16384) >> 15);
    }
    const int32_t k = ratio < 0 ? 0 : (ratio > 32768 ? 32768 : ratio);
    int32_t restored = vmafx_adm_i16((uint32_t)((k * o + 16384) >> 15));
    restored = vmafx_adm_truncate(vmafx_adm_limit_gain(restored, k, o, t, aligned, gain),
                                  -32768.0, 32767.0);
    *restored_out = restored;
    *additive_out = vmafx_adm_i16((uint32_t)t - (uint32_t)restored);
}

// Number of significant bits of v (0 for 0).
VMAFX_DEVICE uint32_t vmafx_adm_bit_length(uint32_t v) {
    uint32_t length = 0u;
    for (uint32_t step = 16u; step > 0u; step >>= 1) {
        if ((v >> step) != 0u) {
            length += step;
            v >>= step;
        }
    }
    return length + v;
}

// distorted / reference in Q15 for 32-bit coefficients, through the reciprocal of the
// reference's 15 most significant bits (rounded; the rounding may carry to 32768).
VMAFX_DEVICE int64_t vmafx_adm_coarse_ratio(int32_t reference, int32_t distorted) {
    if (reference == 0) {
        return 32768;
    }
    const uint32_t magnitude = vmafx_magnitude32(reference);
    uint32_t top_bits = magnitude;
    uint32_t dropped = 0u;
    if (magnitude >= 32768u) {
        dropped = vmafx_adm_bit_length(magnitude) - 15u;
        top_bits = ((magnitude + (1u << (dropped - 1u))) >> dropped) & 0xFFFFu;
    }
    const int64_t sign = reference < 0 ? -1 : 1;
    // Formed in a 32-bit int by the reference: 2^31 wraps to -2^31.
    const int64_t round_half = (int32_t)(1u << (14u + dropped));
    return (vmafx_adm_reciprocal((int32_t)top_bits) * distorted * sign + round_half) >>
           (15u + dropped);
}

// Level 1..3 decoupling of one orientation: (restored, additive) in 32 bits.
VMAFX_DEVICE void vmafx_adm_decouple_coarse(int32_t o, int32_t t, int aligned, double gain,
                                            int32_t *restored_out, int32_t *additive_out) {
    int64_t k = vmafx_adm_coarse_ratio(o, t);
    k = k < 0 ? 0 : (k > 32768 ? 32768 : k);
    int32_t restored = (int32_t)((k * o + 16384) >> 15);
    restored = vmafx_adm_truncate(vmafx_adm_limit_gain(restored, k, o, t, aligned, gain),
                                  -2147483648.0, 2147483647.0);
    *restored_out = restored;
    *additive_out = (int32_t)((uint32_t)t - (uint32_t)restored);
}

// The CSF-weighted value of masker coefficient c of orientation o.
VMAFX_DEVICE int32_t vmafx_adm_weighted(uint32_t coarse, uint32_t o, uint32_t weight, int32_t c) {
    if (coarse == 0u) {
        const uint32_t product = weight * (uint32_t)c + VMAFX_ADM_FINE_WEIGH_ADD[o];
        return vmafx_adm_i16((uint32_t)((int32_t)product >> VMAFX_ADM_FINE_WEIGH_SHIFT[o]));
    }
    return (int32_t)(((int64_t)weight * c + 134217728) >> 28);
}

// A neighbour's share of the threshold (1/30 of the weighted magnitude).
VMAFX_DEVICE int32_t vmafx_adm_share(uint32_t coarse, int32_t weighted) {
    // As an int, the magnitude is C's wrapping absolute value.
    const int32_t magnitude = (int32_t)vmafx_magnitude32(weighted);
    if (coarse == 0u) {
        return vmafx_adm_i16((uint32_t)((4369 * magnitude + 2048) >> 12));
    }
    return (int32_t)((143165577ll * magnitude + VMAFX_ADM_COARSE_SHARE_ROUND) >> 32);
}

// The centre's own share (1/15 of the weighted magnitude).
VMAFX_DEVICE int32_t vmafx_adm_self_share(uint32_t coarse, int32_t weighted) {
    const int32_t magnitude = (int32_t)vmafx_magnitude32(weighted);
    if (coarse == 0u) {
        return vmafx_adm_i16((uint32_t)((8738 * magnitude + 2048) >> 12));
    }
    return (int32_t)((286331153ll * magnitude + VMAFX_ADM_COARSE_SHARE_ROUND) >> 32);
}

// One masker position reduced to its neighbour share sum and centre correction, over
// the three orientations (wrapping 32-bit sums).
VMAFX_DEVICE void vmafx_adm_masker(uint32_t coarse, const uint32_t weight[3],
                                   const int32_t masker[3], int32_t *sum_out,
                                   int32_t *centre_out) {
    uint32_t sum = 0u;
    uint32_t centre = 0u;
    for (uint32_t o = 0u; o < 3u; o++) {
        const int32_t weighted = vmafx_adm_weighted(coarse, o, weight[o], masker[o]);
        const uint32_t share = (uint32_t)vmafx_adm_share(coarse, weighted);
        sum += share;
        centre += (uint32_t)vmafx_adm_self_share(coarse, weighted) - share;
    }
    *sum_out = (int32_t)sum;
    *centre_out = (int32_t)centre;
}

// Pass 1 of a level, one thread per band position. `reference` and `distorted` are the
// level's inputs (`kind` samples; the distorted one starts `distorted_offset` samples
// in); `work` receives the VMAFX_ADM_PLANES planes. Without `score` only the
// approximations are written (a skipped scale 0); without `aim` the restored part's
// masker planes are left alone.
VMAFX_KERNEL void adm_analyse(const void *reference, const void *distorted, uint32_t kind,
                              uint32_t distorted_offset, uint32_t in_width, uint32_t in_height,
                              uint32_t level, uint32_t bits, int32_t *work, uint32_t score,
                              uint32_t aim, uint32_t weight_h, uint32_t weight_v,
                              uint32_t weight_d, double gain_limit, double cos_sq) {
    const uint32_t width = (in_width + 1u) / 2u;
    const uint32_t height = (in_height + 1u) / 2u;
    const uint32_t j = VMAFX_X;
    const uint32_t i = VMAFX_Y;
    if (j >= width || i >= height) {
        return;
    }
    uint32_t rows[4];
    uint32_t columns[4];
    for (int k = 0; k < 4; k++) {
        rows[k] = vmafx_adm_reflect(2 * (int32_t)i - 1 + k, (int32_t)in_height) * in_width;
        columns[k] = vmafx_adm_reflect(2 * (int32_t)j - 1 + k, (int32_t)in_width);
    }
    int32_t o[4];
    int32_t t[4];
    if (level == 0u) {
        vmafx_adm_fine_dwt(reference, 0u, kind, rows, columns, bits, o);
        vmafx_adm_fine_dwt(distorted, distorted_offset, kind, rows, columns, bits, t);
    } else {
        vmafx_adm_coarse_dwt((const int32_t *)reference, 0u, rows, columns, level, o);
        vmafx_adm_coarse_dwt((const int32_t *)distorted, distorted_offset, rows, columns, level,
                             t);
    }
    const uint32_t n = width * height;
    const uint32_t at = i * width + j;
    vmafx_adm_plane(work, VMAFX_ADM_APPROX_REF, n)[at] = o[0];
    vmafx_adm_plane(work, VMAFX_ADM_APPROX_DIS, n)[at] = t[0];
    if (score == 0u) {
        return;
    }
    const int aligned = vmafx_adm_within_one_degree(o[1], o[2], t[1], t[2], cos_sq);
    int32_t restored[3];
    int32_t additive[3];
    for (uint32_t b = 0u; b < 3u; b++) {
        if (level == 0u) {
            vmafx_adm_decouple_fine(o[b + 1u], t[b + 1u], aligned, gain_limit, &restored[b],
                                    &additive[b]);
        } else {
            vmafx_adm_decouple_coarse(o[b + 1u], t[b + 1u], aligned, gain_limit, &restored[b],
                                      &additive[b]);
        }
        vmafx_adm_plane(work, VMAFX_ADM_REF_DETAIL + b, n)[at] = o[b + 1u];
        vmafx_adm_plane(work, VMAFX_ADM_RESTORED + b, n)[at] = restored[b];
        vmafx_adm_plane(work, VMAFX_ADM_ADDITIVE + b, n)[at] = additive[b];
    }
    const uint32_t coarse = level == 0u ? 0u : 1u;
    const uint32_t weight[3] = {weight_h, weight_v, weight_d};
    int32_t sum;
    int32_t centre;
    vmafx_adm_masker(coarse, weight, additive, &sum, &centre);
    vmafx_adm_plane(work, VMAFX_ADM_SUM_ADD, n)[at] = sum;
    vmafx_adm_plane(work, VMAFX_ADM_CENTRE_ADD, n)[at] = centre;
    if (aim != 0u) {
        vmafx_adm_masker(coarse, weight, restored, &sum, &centre);
        vmafx_adm_plane(work, VMAFX_ADM_SUM_RES, n)[at] = sum;
        vmafx_adm_plane(work, VMAFX_ADM_CENTRE_RES, n)[at] = centre;
    }
}

// The cubed, scaled excess of target coefficient c (orientation o) over `threshold`.
VMAFX_DEVICE int64_t vmafx_adm_excess_cubed(uint32_t coarse, uint32_t o, uint32_t weight,
                                            uint32_t cube_shift, int32_t c, int32_t threshold) {
    uint32_t x;
    uint32_t square_shift;
    if (coarse == 0u) {
        const uint32_t magnitude = vmafx_magnitude32((int32_t)((uint32_t)c * weight));
        x = magnitude - ((uint32_t)threshold << VMAFX_ADM_FINE_THRESHOLD_SHIFT[o]);
        square_shift = VMAFX_ADM_FINE_SQUARE_SHIFT[o];
    } else {
        x = vmafx_magnitude32(vmafx_adm_weighted(1u, o, weight, c)) - (uint32_t)threshold;
        square_shift = 30u;
    }
    const int64_t x64 = (int32_t)x < 0 ? 0 : (int64_t)(int32_t)x;
    const int32_t square =
        (int32_t)((x64 * x64 + ((int64_t)1 << (square_shift - 1u))) >> square_shift);
    return ((int64_t)square * x64 + vmafx_round_term(cube_shift)) >> cube_shift;
}

// The reference's cubed detail magnitude: exact at level 0, with the reference's
// intermediate shifts above (it adds 2^shift, not half of it, before squaring's shift).
VMAFX_DEVICE uint64_t vmafx_adm_cube(uint32_t coarse, int32_t c, uint32_t square_shift,
                                     uint32_t cube_shift) {
    const uint64_t m = vmafx_magnitude32(c);
    if (coarse == 0u) {
        return m * m * m;
    }
    const uint64_t square = (m * m + ((uint64_t)1 << square_shift)) >> square_shift;
    return (square * m + (uint64_t)vmafx_round_term(cube_shift)) >> cube_shift;
}

// The three-row column sum of a masker's neighbour shares at column j.
VMAFX_DEVICE uint32_t vmafx_adm_column(const int32_t *sums, const uint32_t rows[3], uint32_t j) {
    return (uint32_t)sums[rows[0] + j] + (uint32_t)sums[rows[1] + j] + (uint32_t)sums[rows[2] + j];
}

// Pass 2 of a scored level, one thread per VMAFX_ADM_STRIP columns of a scored row
// (`top..bottom` x `left..right` of a `width x height` band). Adds, per row and
// orientation, the denominator cubes, the detail-loss and (with `aim`) the AIM excesses
// into `bins` from word `bins_offset`: three blocks (denominator, loss, aim) of
// `bottom - top` rows of three 64-bit sums. The bins must be zero before the launch.
VMAFX_KERNEL void adm_sums(const int32_t *work, uint64_t *bins, uint32_t bins_offset,
                           uint32_t width, uint32_t height, uint32_t top, uint32_t bottom,
                           uint32_t left, uint32_t right, uint32_t coarse, uint32_t aim,
                           uint32_t weight_h, uint32_t weight_v, uint32_t weight_d,
                           uint32_t cube_shift_h, uint32_t cube_shift_v, uint32_t cube_shift_d,
                           uint32_t den_square_shift, uint32_t den_cube_shift) {
    const uint32_t first = left + VMAFX_X * VMAFX_ADM_STRIP;
    const uint32_t i = top + VMAFX_Y;
    if (first >= right || i >= bottom) {
        return;
    }
    const uint32_t end = first + VMAFX_ADM_STRIP < right ? first + VMAFX_ADM_STRIP : right;
    const uint32_t n = width * height;
    const uint32_t weight[3] = {weight_h, weight_v, weight_d};
    const uint32_t cube_shift[3] = {cube_shift_h, cube_shift_v, cube_shift_d};
    // The first row and column mirror to 1; the last ones repeat themselves.
    const uint32_t rows[3] = {(i == 0u ? 1u : i - 1u) * width, i * width,
                              (i + 1u == height ? i : i + 1u) * width};
    const int32_t *sum_add = vmafx_adm_cplane(work, VMAFX_ADM_SUM_ADD, n);
    const int32_t *sum_res = vmafx_adm_cplane(work, VMAFX_ADM_SUM_RES, n);
    const int32_t *centre_add = vmafx_adm_cplane(work, VMAFX_ADM_CENTRE_ADD, n) + rows[1];
    const int32_t *centre_res = vmafx_adm_cplane(work, VMAFX_ADM_CENTRE_RES, n) + rows[1];
    const uint32_t before = first == 0u ? 1u : first - 1u;
    uint32_t previous_add = vmafx_adm_column(sum_add, rows, before);
    uint32_t current_add = vmafx_adm_column(sum_add, rows, first);
    uint32_t previous_res = 0u;
    uint32_t current_res = 0u;
    if (aim != 0u) {
        previous_res = vmafx_adm_column(sum_res, rows, before);
        current_res = vmafx_adm_column(sum_res, rows, first);
    }
    uint64_t den[3] = {0u, 0u, 0u};
    uint64_t loss[3] = {0u, 0u, 0u};
    uint64_t impairment[3] = {0u, 0u, 0u};
    for (uint32_t j = first; j < end; j++) {
        const int last = j + 1u == width;
        const uint32_t next_add = last ? current_add : vmafx_adm_column(sum_add, rows, j + 1u);
        const int32_t threshold_add =
            (int32_t)(previous_add + current_add + next_add + (uint32_t)centre_add[j]);
        previous_add = current_add;
        current_add = next_add;
        int32_t threshold_res = 0;
        if (aim != 0u) {
            const uint32_t next_res =
                last ? current_res : vmafx_adm_column(sum_res, rows, j + 1u);
            threshold_res =
                (int32_t)(previous_res + current_res + next_res + (uint32_t)centre_res[j]);
            previous_res = current_res;
            current_res = next_res;
        }
        for (uint32_t o = 0u; o < 3u; o++) {
            const uint32_t at = rows[1] + j;
            const int32_t reference = vmafx_adm_cplane(work, VMAFX_ADM_REF_DETAIL + o, n)[at];
            den[o] += vmafx_adm_cube(coarse, reference, den_square_shift, den_cube_shift);
            const int32_t restored = vmafx_adm_cplane(work, VMAFX_ADM_RESTORED + o, n)[at];
            loss[o] += (uint64_t)vmafx_adm_excess_cubed(coarse, o, weight[o], cube_shift[o],
                                                        restored, threshold_add);
            if (aim != 0u) {
                const int32_t additive = vmafx_adm_cplane(work, VMAFX_ADM_ADDITIVE + o, n)[at];
                impairment[o] += (uint64_t)vmafx_adm_excess_cubed(
                    coarse, o, weight[o], cube_shift[o], additive, threshold_res);
            }
        }
    }
    const uint32_t scored_rows = bottom - top;
    uint64_t *row = bins + bins_offset + (i - top) * 3u;
    for (uint32_t o = 0u; o < 3u; o++) {
        VMAFX_SUM_U64(&row[o], den[o]);
        VMAFX_SUM_U64(&row[3u * scored_rows + o], loss[o]);
        if (aim != 0u) {
            VMAFX_SUM_U64(&row[6u * scored_rows + o], impairment[o]);
        }
    }
}

#define VMAFX_ADM_KERNELS(X) X(adm_analyse) X(adm_sums)
