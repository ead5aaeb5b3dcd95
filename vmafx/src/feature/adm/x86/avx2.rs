//! AVX2: the entry points, and the decoupling's floating-point steps on four doubles per
//! register. AVX2 converts no 64-bit integers to doubles, so the coarse angle test
//! converts through exponent tricks and leaves the rare ambiguous lanes undecided.

use std::arch::x86_64::*;
use std::ops::Range;

use super::{decouple, dwt, masking, AdmVectors};
use crate::cpu::CpuLevel;
use crate::feature::adm::decouple::DecoupleParams;
use crate::feature::adm::denominator::CoarseCubes;
use crate::feature::adm::dwt::{Rounding, H, V};
use crate::feature::adm::fused::scalar_rows::{BandRows, DecoupledRows, SplitRows};
use crate::feature::adm::masking::{CoarseArithmetic, FineArithmetic};
use crate::simd::x86::Avx2;

// SAFETY (every unsafe block below): AVX2 is enabled where these are called, as the
// trait requires.

/// The low (`upper == false`) or high four 32-bit lanes, as doubles.
#[inline(always)]
unsafe fn half_pd(v: __m256i, upper: bool) -> __m256d {
    unsafe {
        let half = if upper {
            _mm256_extracti128_si256::<1>(v)
        } else {
            _mm256_castsi256_si128(v)
        };
        _mm256_cvtepi32_pd(half)
    }
}

/// Same as [`half_pd`] for single-precision lanes.
#[inline(always)]
unsafe fn half_ps_pd(v: __m256, upper: bool) -> __m256d {
    unsafe {
        let half = if upper {
            _mm256_extractf128_ps::<1>(v)
        } else {
            _mm256_castps256_ps128(v)
        };
        _mm256_cvtps_pd(half)
    }
}

/// Eight 32-bit lane masks from two four-lane double masks.
#[inline(always)]
unsafe fn join_masks(low: __m256d, high: __m256d) -> __m256i {
    unsafe {
        let pick = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
        let low = _mm256_permutevar8x32_epi32(_mm256_castpd_si256(low), pick);
        let high = _mm256_permutevar8x32_epi32(_mm256_castpd_si256(high), pick);
        _mm256_permute2x128_si256::<0x20>(low, high)
    }
}

/// `dot >= 0 && dot^2 >= cos_sq * o_mag * t_mag` for four lanes of doubles that hold
/// `f32` values.
#[inline(always)]
unsafe fn angle_test(dot: __m256d, o_mag: __m256d, t_mag: __m256d, cos_sq: f64) -> __m256d {
    unsafe {
        let rhs = _mm256_mul_pd(_mm256_mul_pd(_mm256_set1_pd(cos_sq), o_mag), t_mag);
        let close = _mm256_cmp_pd::<_CMP_GE_OQ>(_mm256_mul_pd(dot, dot), rhs);
        let forward = _mm256_cmp_pd::<_CMP_GE_OQ>(dot, _mm256_setzero_pd());
        _mm256_and_pd(close, forward)
    }
}

/// The doubles nearest to four signed 64-bit lanes: the high and low halves convert
/// exactly through exponent tricks (2^84 and 2^52), and their sum rounds once.
#[inline(always)]
unsafe fn i64_to_f64(x: __m256i) -> __m256d {
    unsafe {
        let low = _mm256_or_si256(
            _mm256_and_si256(x, _mm256_set1_epi64x(0xffff_ffff)),
            _mm256_set1_epi64x(0x4330_0000_0000_0000),
        );
        let high = _mm256_or_si256(
            _mm256_xor_si256(_mm256_srli_epi64::<32>(x), _mm256_set1_epi64x(0x8000_0000)),
            _mm256_set1_epi64x(0x4530_0000_0000_0000),
        );
        let high = _mm256_sub_pd(
            _mm256_castsi256_pd(high),
            _mm256_set1_pd(f64::from_bits(0x4530_0000_8000_0000)),
        );
        let low = _mm256_sub_pd(
            _mm256_castsi256_pd(low),
            _mm256_set1_pd(f64::from_bits(0x4330_0000_0000_0000)),
        );
        _mm256_add_pd(high, low)
    }
}

/// The `f32` rounding of four 64-bit integer lanes, as doubles, and a mask of the lanes
/// where rounding through the double may differ from rounding the integer directly: an
/// earlier rounding can only matter when it lands exactly halfway between two floats.
#[inline(always)]
unsafe fn i64_to_f32_pd(x: __m256i) -> (__m256d, __m256i) {
    unsafe {
        let wide = i64_to_f64(x);
        let low_bits = _mm256_and_si256(_mm256_castpd_si256(wide), _mm256_set1_epi64x(0x1fff_ffff));
        let halfway = _mm256_cmpeq_epi64(low_bits, _mm256_set1_epi64x(0x1000_0000));
        (_mm256_cvtps_pd(_mm256_cvtpd_ps(wide)), halfway)
    }
}

/// The angle test of the even 32-bit lanes of coarse (h, v) vectors, as 64-bit lane
/// masks, and a mask of lanes the vector code cannot decide.
#[inline(always)]
unsafe fn coarse_angle_even(
    (oh, ov): (__m256i, __m256i),
    (th, tv): (__m256i, __m256i),
    cos_sq: f64,
) -> (__m256d, __m256i) {
    unsafe {
        // Exact 64-bit dot products; only (-2^31)^2 twice wraps, as in the scalar code.
        let dot = _mm256_add_epi64(_mm256_mul_epi32(oh, th), _mm256_mul_epi32(ov, tv));
        let o_mag = _mm256_add_epi64(_mm256_mul_epi32(oh, oh), _mm256_mul_epi32(ov, ov));
        let t_mag = _mm256_add_epi64(_mm256_mul_epi32(th, th), _mm256_mul_epi32(tv, tv));
        let (dot, a) = i64_to_f32_pd(dot);
        let (o_mag, b) = i64_to_f32_pd(o_mag);
        let (t_mag, c) = i64_to_f32_pd(t_mag);
        let undecided = _mm256_or_si256(a, _mm256_or_si256(b, c));
        (angle_test(dot, o_mag, t_mag, cos_sq), undecided)
    }
}

/// The odd 32-bit lanes moved to the even ones.
#[inline(always)]
unsafe fn odd_lanes(v: __m256i) -> __m256i {
    unsafe { _mm256_srli_epi64::<32>(v) }
}

/// `clamp((r * t + round) >> shift, 0, 32768)` of the even 32-bit lanes, in 64 bits.
/// Negative numerators clamp to 0 whatever the shift, so a logical shift will do (AVX2
/// has no arithmetic 64-bit one).
#[inline(always)]
unsafe fn coarse_ratio([r, t, round, shift]: [__m256i; 4]) -> __m256i {
    unsafe {
        let zero = _mm256_setzero_si256();
        let limit = _mm256_set1_epi64x(32768);
        let round = _mm256_mul_epi32(round, _mm256_set1_epi32(1));
        let num = _mm256_add_epi64(_mm256_mul_epi32(r, t), round);
        let q = _mm256_srlv_epi64(
            num,
            _mm256_and_si256(shift, _mm256_set1_epi64x(0xffff_ffff)),
        );
        let q = _mm256_blendv_epi8(q, limit, _mm256_cmpgt_epi64(q, limit));
        _mm256_andnot_si256(_mm256_cmpgt_epi64(zero, num), q)
    }
}

/// `restored * factor` of four lanes (the low or high half) in doubles, clipped above
/// and below by `t` and truncated: `(min, max)`.
#[inline(always)]
unsafe fn gain_bounds(
    restored: __m256i,
    t: __m256i,
    factor: __m256d,
    upper: bool,
) -> (__m128i, __m128i) {
    unsafe {
        let amplified = _mm256_mul_pd(half_pd(restored, upper), factor);
        let t = half_pd(t, upper);
        (
            _mm256_cvttpd_epi32(_mm256_min_pd(amplified, t)),
            _mm256_cvttpd_epi32(_mm256_max_pd(amplified, t)),
        )
    }
}

impl AdmVectors for Avx2 {
    const LEVEL: CpuLevel = CpuLevel::Avx2;

    #[inline(always)]
    unsafe fn fine_angle(dot: __m256i, o_mag: __m256i, t_mag: __m256i, cos_sq: f64) -> __m256i {
        unsafe {
            let sign = _mm256_set1_ps(-0.0);
            let wrapped = _mm256_cmpeq_epi32(dot, _mm256_set1_epi32(i32::MIN));
            let dot = _mm256_xor_ps(
                _mm256_cvtepi32_ps(dot),
                _mm256_and_ps(_mm256_castsi256_ps(wrapped), sign),
            );
            let o_mag = _mm256_andnot_ps(sign, _mm256_cvtepi32_ps(o_mag));
            let t_mag = _mm256_andnot_ps(sign, _mm256_cvtepi32_ps(t_mag));
            let low = angle_test(
                half_ps_pd(dot, false),
                half_ps_pd(o_mag, false),
                half_ps_pd(t_mag, false),
                cos_sq,
            );
            let high = angle_test(
                half_ps_pd(dot, true),
                half_ps_pd(o_mag, true),
                half_ps_pd(t_mag, true),
                cos_sq,
            );
            join_masks(low, high)
        }
    }

    #[inline(always)]
    unsafe fn coarse_angle(o: &[__m256i; 3], t: &[__m256i; 3], cos_sq: f64) -> Option<__m256i> {
        unsafe {
            let (even, even_undecided) = coarse_angle_even((o[H], o[V]), (t[H], t[V]), cos_sq);
            let (odd_mask, odd_undecided) = coarse_angle_even(
                (odd_lanes(o[H]), odd_lanes(o[V])),
                (odd_lanes(t[H]), odd_lanes(t[V])),
                cos_sq,
            );
            let undecided = _mm256_or_si256(even_undecided, odd_undecided);
            if _mm256_testz_si256(undecided, undecided) == 0 {
                return None;
            }
            Some(_mm256_blend_epi32::<0b1010_1010>(
                _mm256_castpd_si256(even),
                _mm256_castpd_si256(odd_mask),
            ))
        }
    }

    #[inline(always)]
    unsafe fn coarse_restore(
        o: __m256i,
        t: __m256i,
        [r, round, shift]: [__m256i; 3],
    ) -> (__m256i, __m256i) {
        unsafe {
            let k_even = coarse_ratio([r, t, round, shift]);
            let k_odd = coarse_ratio([
                odd_lanes(r),
                odd_lanes(t),
                odd_lanes(round),
                odd_lanes(shift),
            ]);
            let k = _mm256_or_si256(k_even, _mm256_slli_epi64::<32>(k_odd));
            // (k * o + 2^14) >> 15 fits 32 bits: its low bits are those of the logical
            // shift.
            let bias = _mm256_set1_epi64x(16384);
            let even = _mm256_srli_epi64::<15>(_mm256_add_epi64(_mm256_mul_epi32(k, o), bias));
            let odd = _mm256_srli_epi64::<15>(_mm256_add_epi64(
                _mm256_mul_epi32(odd_lanes(k), odd_lanes(o)),
                bias,
            ));
            let restored = _mm256_blend_epi32::<0b1010_1010>(even, _mm256_slli_epi64::<32>(odd));
            (k, restored)
        }
    }

    #[inline(always)]
    unsafe fn gain_f64(restored: __m256i, t: __m256i, factor: f64) -> (__m256i, __m256i) {
        unsafe {
            let factor = _mm256_set1_pd(factor);
            let low = gain_bounds(restored, t, factor, false);
            let high = gain_bounds(restored, t, factor, true);
            (
                _mm256_set_m128i(high.0, low.0),
                _mm256_set_m128i(high.1, low.1),
            )
        }
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    unsafe fn fine_vertical_u8(rows: [&[u8]; 4], bits: u32, lo: &mut [i16], hi: &mut [i16]) {
        unsafe { dwt::fine_vertical_u8::<Self>(rows, bits, lo, hi) }
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    unsafe fn fine_vertical_u16(rows: [&[u16]; 4], bits: u32, lo: &mut [i16], hi: &mut [i16]) {
        unsafe { dwt::fine_vertical_u16::<Self>(rows, bits, lo, hi) }
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    unsafe fn fine_horizontal(lo: &[i16], hi: &[i16], out: BandRows<'_, i16>) {
        unsafe { dwt::fine_horizontal::<Self>(lo, hi, out) }
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    unsafe fn coarse_vertical_i16(rows: [&[i16]; 4], out: SplitRows<'_>) {
        unsafe { dwt::coarse_vertical_i16::<Self>(rows, out) }
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    unsafe fn coarse_vertical_i32(rows: [&[i32]; 4], round: Rounding, out: SplitRows<'_>) {
        unsafe { dwt::coarse_vertical_i32::<Self>(rows, round, out) }
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    unsafe fn coarse_horizontal(tmp: [&[i16]; 4], round: Rounding, out: BandRows<'_, i32>) {
        unsafe { dwt::coarse_horizontal::<Self>(tmp, round, out) }
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    unsafe fn decouple_fine(
        reference: [&[i16]; 3],
        distorted: [&[i16]; 3],
        params: &DecoupleParams,
        out: DecoupledRows<'_, i16>,
    ) {
        unsafe { decouple::decouple_fine::<Self>(reference, distorted, params, out) }
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    unsafe fn decouple_coarse(
        reference: [&[i32]; 3],
        distorted: [&[i32]; 3],
        params: &DecoupleParams,
        out: DecoupledRows<'_, i32>,
    ) {
        unsafe { decouple::decouple_coarse::<Self>(reference, distorted, params, out) }
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    unsafe fn weigh_fine(
        arith: &FineArithmetic,
        masker: [&[i16]; 3],
        sums: &mut [i32],
        centre: &mut [i32],
    ) {
        unsafe { masking::weigh_fine::<Self>(arith, masker, sums, centre) }
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    unsafe fn weigh_coarse(
        arith: &CoarseArithmetic,
        masker: [&[i32]; 3],
        sums: &mut [i32],
        centre: &mut [i32],
    ) {
        unsafe { masking::weigh_coarse::<Self>(arith, masker, sums, centre) }
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    unsafe fn column_sums(rows: [&[i32]; 3], out: &mut [i32]) {
        unsafe { masking::column_sums3::<Self>(rows, out) }
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    unsafe fn masked_fine(
        arith: &FineArithmetic,
        column_sums: &[i32],
        centre: &[i32],
        target: [&[i16]; 3],
        cols: Range<usize>,
    ) -> [i64; 3] {
        unsafe { masking::masked_fine::<Self>(arith, column_sums, centre, target, cols) }
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    unsafe fn masked_coarse(
        arith: &CoarseArithmetic,
        column_sums: &[i32],
        centre: &[i32],
        target: [&[i32]; 3],
        cols: Range<usize>,
    ) -> [i64; 3] {
        unsafe { masking::masked_coarse::<Self>(arith, column_sums, centre, target, cols) }
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    unsafe fn cubes_fine(rows: [&[i16]; 3]) -> [u64; 3] {
        unsafe { masking::cubes_fine::<Self>(rows) }
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    unsafe fn cubes_coarse(rows: [&[i32]; 3], cubes: &CoarseCubes) -> [u64; 3] {
        unsafe { masking::cubes_coarse::<Self>(rows, cubes) }
    }
}
