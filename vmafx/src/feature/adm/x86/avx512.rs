//! AVX-512: the entry points, and the decoupling's floating-point steps on eight
//! doubles per register, with 64-bit integer conversions and arithmetic shifts (AVX-512
//! DQ), so that the coarse angle test decides every lane.

use std::arch::x86_64::*;
use std::ops::Range;

use super::{decouple, dwt, masking, AdmVectors};
use crate::cpu::CpuLevel;
use crate::feature::adm::decouple::DecoupleParams;
use crate::feature::adm::denominator::CoarseCubes;
use crate::feature::adm::dwt::{Rounding, H, V};
use crate::feature::adm::fused::scalar_rows::{BandRows, DecoupledRows, SplitRows};
use crate::feature::adm::masking::{CoarseArithmetic, FineArithmetic};
use crate::simd::x86::Avx512;

// SAFETY (every unsafe block below): AVX-512 F/BW/DQ/VL are enabled where these are
// called, as the trait requires.

/// The low (`upper == false`) or high eight 32-bit lanes.
#[inline(always)]
unsafe fn half(v: __m512i, upper: bool) -> __m256i {
    unsafe {
        if upper {
            _mm512_extracti64x4_epi64::<1>(v)
        } else {
            _mm512_castsi512_si256(v)
        }
    }
}

/// Sixteen 32-bit lanes from two halves.
#[inline(always)]
unsafe fn join(low: __m256i, high: __m256i) -> __m512i {
    unsafe { _mm512_inserti64x4::<1>(_mm512_castsi256_si512(low), high) }
}

/// Eight 32-bit lanes (the low or high half) sign-extended to 64 bits.
#[inline(always)]
unsafe fn wide(v: __m512i, upper: bool) -> __m512i {
    unsafe { _mm512_cvtepi32_epi64(half(v, upper)) }
}

/// The low or high eight lanes of sixteen floats.
#[inline(always)]
unsafe fn half_ps(v: __m512, upper: bool) -> __m256 {
    unsafe {
        if upper {
            _mm512_extractf32x8_ps::<1>(v)
        } else {
            _mm512_castps512_ps256(v)
        }
    }
}

/// `dot >= 0 && dot^2 >= cos_sq * o_mag * t_mag` for eight lanes of `f32` values.
#[inline(always)]
unsafe fn angle_test(dot: __m256, o_mag: __m256, t_mag: __m256, cos_sq: f64) -> __mmask8 {
    unsafe {
        let dot = _mm512_cvtps_pd(dot);
        let rhs = _mm512_mul_pd(
            _mm512_mul_pd(_mm512_set1_pd(cos_sq), _mm512_cvtps_pd(o_mag)),
            _mm512_cvtps_pd(t_mag),
        );
        let close = _mm512_cmp_pd_mask::<_CMP_GE_OQ>(_mm512_mul_pd(dot, dot), rhs);
        close & _mm512_cmp_pd_mask::<_CMP_GE_OQ>(dot, _mm512_setzero_pd())
    }
}

/// The angle test of eight coarse lanes: exact 64-bit dot products (only (-2^31)^2 twice
/// wraps, as in the scalar code), each rounded once to `f32`.
#[inline(always)]
unsafe fn coarse_angle_half(
    o: &[__m512i; 3],
    t: &[__m512i; 3],
    upper: bool,
    cos_sq: f64,
) -> __mmask8 {
    unsafe {
        let (oh, ov) = (wide(o[H], upper), wide(o[V], upper));
        let (th, tv) = (wide(t[H], upper), wide(t[V], upper));
        let dot = _mm512_add_epi64(_mm512_mul_epi32(oh, th), _mm512_mul_epi32(ov, tv));
        let o_mag = _mm512_add_epi64(_mm512_mul_epi32(oh, oh), _mm512_mul_epi32(ov, ov));
        let t_mag = _mm512_add_epi64(_mm512_mul_epi32(th, th), _mm512_mul_epi32(tv, tv));
        angle_test(
            _mm512_cvtepi64_ps(dot),
            _mm512_cvtepi64_ps(o_mag),
            _mm512_cvtepi64_ps(t_mag),
            cos_sq,
        )
    }
}

/// `k` and the restored value of eight coarse lanes (a half of the vectors), in 64-bit
/// lanes, narrowed to 32 bits.
#[inline(always)]
unsafe fn restore_half(
    (o, t): (__m512i, __m512i),
    [r, round, shift]: [__m512i; 3],
    upper: bool,
) -> (__m256i, __m256i) {
    unsafe {
        let zero = _mm512_setzero_si512();
        let (o, t, r) = (wide(o, upper), wide(t, upper), wide(r, upper));
        let (round, shift) = (wide(round, upper), wide(shift, upper));
        let ratio = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(r, t), round), shift);
        let k = _mm512_min_epi64(_mm512_max_epi64(ratio, zero), _mm512_set1_epi64(32768));
        let product = _mm512_add_epi64(_mm512_mul_epi32(k, o), _mm512_set1_epi64(16384));
        let restored = _mm512_srai_epi64::<15>(product);
        (_mm512_cvtepi64_epi32(k), _mm512_cvtepi64_epi32(restored))
    }
}

/// `restored * factor` of eight lanes (the low or high half) in doubles, clipped above
/// and below by `t` and truncated: `(min, max)`.
#[inline(always)]
unsafe fn gain_bounds(
    restored: __m512i,
    t: __m512i,
    factor: __m512d,
    upper: bool,
) -> (__m256i, __m256i) {
    unsafe {
        let amplified = _mm512_mul_pd(_mm512_cvtepi32_pd(half(restored, upper)), factor);
        let t = _mm512_cvtepi32_pd(half(t, upper));
        (
            _mm512_cvttpd_epi32(_mm512_min_pd(amplified, t)),
            _mm512_cvttpd_epi32(_mm512_max_pd(amplified, t)),
        )
    }
}

impl AdmVectors for Avx512 {
    const LEVEL: CpuLevel = CpuLevel::Avx512;

    #[inline(always)]
    unsafe fn fine_angle(dot: __m512i, o_mag: __m512i, t_mag: __m512i, cos_sq: f64) -> __mmask16 {
        unsafe {
            let two_31 = _mm512_set1_ps(2_147_483_648.0);
            let wrapped = _mm512_cmpeq_epi32_mask(dot, _mm512_set1_epi32(i32::MIN));
            let dot = _mm512_mask_mov_ps(_mm512_cvtepi32_ps(dot), wrapped, two_31);
            let o_mag = _mm512_abs_ps(_mm512_cvtepi32_ps(o_mag));
            let t_mag = _mm512_abs_ps(_mm512_cvtepi32_ps(t_mag));
            let low = angle_test(
                half_ps(dot, false),
                half_ps(o_mag, false),
                half_ps(t_mag, false),
                cos_sq,
            );
            let high = angle_test(
                half_ps(dot, true),
                half_ps(o_mag, true),
                half_ps(t_mag, true),
                cos_sq,
            );
            _mm512_kunpackb(__mmask16::from(high), __mmask16::from(low))
        }
    }

    #[inline(always)]
    unsafe fn coarse_angle(o: &[__m512i; 3], t: &[__m512i; 3], cos_sq: f64) -> Option<__mmask16> {
        unsafe {
            let low = coarse_angle_half(o, t, false, cos_sq);
            let high = coarse_angle_half(o, t, true, cos_sq);
            Some(_mm512_kunpackb(__mmask16::from(high), __mmask16::from(low)))
        }
    }

    #[inline(always)]
    unsafe fn coarse_restore(
        o: __m512i,
        t: __m512i,
        constants: [__m512i; 3],
    ) -> (__m512i, __m512i) {
        unsafe {
            let low = restore_half((o, t), constants, false);
            let high = restore_half((o, t), constants, true);
            (join(low.0, high.0), join(low.1, high.1))
        }
    }

    #[inline(always)]
    unsafe fn gain_f64(restored: __m512i, t: __m512i, factor: f64) -> (__m512i, __m512i) {
        unsafe {
            let factor = _mm512_set1_pd(factor);
            let low = gain_bounds(restored, t, factor, false);
            let high = gain_bounds(restored, t, factor, true);
            (join(low.0, high.0), join(low.1, high.1))
        }
    }

    /// # Safety
    /// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
    unsafe fn fine_vertical_u8(rows: [&[u8]; 4], bits: u32, lo: &mut [i16], hi: &mut [i16]) {
        unsafe { dwt::fine_vertical_u8::<Self>(rows, bits, lo, hi) }
    }

    /// # Safety
    /// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
    unsafe fn fine_vertical_u16(rows: [&[u16]; 4], bits: u32, lo: &mut [i16], hi: &mut [i16]) {
        unsafe { dwt::fine_vertical_u16::<Self>(rows, bits, lo, hi) }
    }

    /// # Safety
    /// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
    unsafe fn fine_horizontal(lo: &[i16], hi: &[i16], out: BandRows<'_, i16>) {
        unsafe { dwt::fine_horizontal::<Self>(lo, hi, out) }
    }

    /// # Safety
    /// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
    unsafe fn coarse_vertical_i16(rows: [&[i16]; 4], out: SplitRows<'_>) {
        unsafe { dwt::coarse_vertical_i16::<Self>(rows, out) }
    }

    /// # Safety
    /// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
    unsafe fn coarse_vertical_i32(rows: [&[i32]; 4], round: Rounding, out: SplitRows<'_>) {
        unsafe { dwt::coarse_vertical_i32::<Self>(rows, round, out) }
    }

    /// # Safety
    /// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
    unsafe fn coarse_horizontal(tmp: [&[i16]; 4], round: Rounding, out: BandRows<'_, i32>) {
        unsafe { dwt::coarse_horizontal::<Self>(tmp, round, out) }
    }

    /// # Safety
    /// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
    unsafe fn decouple_fine(
        reference: [&[i16]; 3],
        distorted: [&[i16]; 3],
        params: &DecoupleParams,
        out: DecoupledRows<'_, i16>,
    ) {
        unsafe { decouple::decouple_fine::<Self>(reference, distorted, params, out) }
    }

    /// # Safety
    /// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
    unsafe fn decouple_coarse(
        reference: [&[i32]; 3],
        distorted: [&[i32]; 3],
        params: &DecoupleParams,
        out: DecoupledRows<'_, i32>,
    ) {
        unsafe { decouple::decouple_coarse::<Self>(reference, distorted, params, out) }
    }

    /// # Safety
    /// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
    unsafe fn weigh_fine(
        arith: &FineArithmetic,
        masker: [&[i16]; 3],
        sums: &mut [i32],
        centre: &mut [i32],
    ) {
        unsafe { masking::weigh_fine::<Self>(arith, masker, sums, centre) }
    }

    /// # Safety
    /// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
    unsafe fn weigh_coarse(
        arith: &CoarseArithmetic,
        masker: [&[i32]; 3],
        sums: &mut [i32],
        centre: &mut [i32],
    ) {
        unsafe { masking::weigh_coarse::<Self>(arith, masker, sums, centre) }
    }

    /// # Safety
    /// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
    unsafe fn column_sums(rows: [&[i32]; 3], out: &mut [i32]) {
        unsafe { masking::column_sums3::<Self>(rows, out) }
    }

    /// # Safety
    /// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
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
    /// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
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
    /// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
    unsafe fn cubes_fine(rows: [&[i16]; 3]) -> [u64; 3] {
        unsafe { masking::cubes_fine::<Self>(rows) }
    }

    /// # Safety
    /// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
    #[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
    unsafe fn cubes_coarse(rows: [&[i32]; 3], cubes: &CoarseCubes) -> [u64; 3] {
        unsafe { masking::cubes_coarse::<Self>(rows, cubes) }
    }
}
