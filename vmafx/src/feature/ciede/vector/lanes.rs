//! `f64` lanes for the vectorised ΔE00: four in a 256-bit register ([`Avx2`]), eight in
//! a 512-bit one ([`Avx512`]). Every method is `#[inline(always)]`, so it compiles into
//! the `#[target_feature]` entry point that calls it.
//!
//! No method fuses a multiply with an add except [`F64Lanes::mul_add`], which only the
//! polynomial evaluations of [`super::vmath`] use: the arithmetic that mirrors the
//! scalar reference must round exactly where the reference rounds.

use std::arch::x86_64::*;

/// Vector operations on `f64` lanes.
///
/// # Safety
/// Every method may only be called where the implementing instruction set is enabled
/// (inside a `#[target_feature]` entry point of that set); slices must hold at least
/// `LANES` values.
pub(super) trait F64Lanes {
    /// The vector.
    type V: Copy;
    /// One condition per lane.
    type M: Copy;
    /// Lanes per vector.
    const LANES: usize;

    /// All lanes set to `x`.
    unsafe fn splat(x: f64) -> Self::V;
    /// The first `LANES` values of `p`.
    unsafe fn load(p: &[f64]) -> Self::V;
    /// Stores the lanes into the first `LANES` values of `out`.
    unsafe fn store(v: Self::V, out: &mut [f64]);

    /// `a + b`.
    unsafe fn add(a: Self::V, b: Self::V) -> Self::V;
    /// `a - b`.
    unsafe fn sub(a: Self::V, b: Self::V) -> Self::V;
    /// `a * b`.
    unsafe fn mul(a: Self::V, b: Self::V) -> Self::V;
    /// `a / b`.
    unsafe fn div(a: Self::V, b: Self::V) -> Self::V;
    /// `a * b + c` with one rounding.
    unsafe fn mul_add(a: Self::V, b: Self::V, c: Self::V) -> Self::V;
    /// The correctly rounded square root.
    unsafe fn sqrt(a: Self::V) -> Self::V;
    /// `|a|`.
    unsafe fn abs(a: Self::V) -> Self::V;
    /// `|magnitude|` with the sign bit of `sign`.
    unsafe fn copysign(magnitude: Self::V, sign: Self::V) -> Self::V;
    /// The lane-wise minimum (of non-NaN values).
    unsafe fn min(a: Self::V, b: Self::V) -> Self::V;
    /// The lane-wise maximum (of non-NaN values).
    unsafe fn max(a: Self::V, b: Self::V) -> Self::V;
    /// Rounded to the nearest integer, ties to even.
    unsafe fn round(a: Self::V) -> Self::V;
    /// Rounded down to an integer.
    unsafe fn floor(a: Self::V) -> Self::V;
    /// Rounded to the nearest `f32` (as `x as f32` does) and widened back.
    unsafe fn round_f32(a: Self::V) -> Self::V;
    /// `(e, m)` with `x = m · 2^e`, `m` in `[1, 2)`, for positive normal `x`.
    unsafe fn exponent_mantissa(x: Self::V) -> (Self::V, Self::V);
    /// `p · 2^k` for integer-valued `k` in `-1022..=1023`.
    unsafe fn scale_pow2(p: Self::V, k: Self::V) -> Self::V;

    /// `a > b` (false when either is NaN).
    unsafe fn gt(a: Self::V, b: Self::V) -> Self::M;
    /// `a >= b` (false when either is NaN).
    unsafe fn ge(a: Self::V, b: Self::V) -> Self::M;
    /// `a < b` (false when either is NaN).
    unsafe fn lt(a: Self::V, b: Self::V) -> Self::M;
    /// `a <= b` (false when either is NaN).
    unsafe fn le(a: Self::V, b: Self::V) -> Self::M;
    /// `a == b` (false when either is NaN).
    unsafe fn eq(a: Self::V, b: Self::V) -> Self::M;
    /// `a != b` (true when either is NaN).
    unsafe fn ne(a: Self::V, b: Self::V) -> Self::M;
    /// Both conditions.
    unsafe fn and(a: Self::M, b: Self::M) -> Self::M;
    /// Either condition.
    unsafe fn or(a: Self::M, b: Self::M) -> Self::M;
    /// `if m { a } else { b }` per lane.
    unsafe fn select(m: Self::M, a: Self::V, b: Self::V) -> Self::V;
    /// Bit `i` set when lane `i` holds the condition.
    unsafe fn bits(m: Self::M) -> u32;
}

/// Four `f64` lanes of AVX2 (with FMA for [`F64Lanes::mul_add`]).
pub(super) struct Avx2;

/// Eight `f64` lanes of AVX-512 F and DQ.
pub(super) struct Avx512;

// SAFETY (every method): the caller has AVX2 and FMA enabled, as the trait requires,
// and passes slices of at least four values.
impl F64Lanes for Avx2 {
    type V = __m256d;
    type M = __m256d;
    const LANES: usize = 4;

    #[inline(always)]
    unsafe fn splat(x: f64) -> __m256d {
        unsafe { _mm256_set1_pd(x) }
    }
    #[inline(always)]
    unsafe fn load(p: &[f64]) -> __m256d {
        debug_assert!(p.len() >= 4);
        unsafe { _mm256_loadu_pd(p.as_ptr()) }
    }
    #[inline(always)]
    unsafe fn store(v: __m256d, out: &mut [f64]) {
        debug_assert!(out.len() >= 4);
        unsafe { _mm256_storeu_pd(out.as_mut_ptr(), v) }
    }
    #[inline(always)]
    unsafe fn add(a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_add_pd(a, b) }
    }
    #[inline(always)]
    unsafe fn sub(a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_sub_pd(a, b) }
    }
    #[inline(always)]
    unsafe fn mul(a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_mul_pd(a, b) }
    }
    #[inline(always)]
    unsafe fn div(a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_div_pd(a, b) }
    }
    #[inline(always)]
    unsafe fn mul_add(a: __m256d, b: __m256d, c: __m256d) -> __m256d {
        unsafe { _mm256_fmadd_pd(a, b, c) }
    }
    #[inline(always)]
    unsafe fn sqrt(a: __m256d) -> __m256d {
        unsafe { _mm256_sqrt_pd(a) }
    }
    #[inline(always)]
    unsafe fn abs(a: __m256d) -> __m256d {
        unsafe { _mm256_andnot_pd(_mm256_set1_pd(-0.0), a) }
    }
    #[inline(always)]
    unsafe fn copysign(magnitude: __m256d, sign: __m256d) -> __m256d {
        unsafe {
            let bit = _mm256_set1_pd(-0.0);
            _mm256_or_pd(_mm256_andnot_pd(bit, magnitude), _mm256_and_pd(bit, sign))
        }
    }
    #[inline(always)]
    unsafe fn min(a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_min_pd(a, b) }
    }
    #[inline(always)]
    unsafe fn max(a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_max_pd(a, b) }
    }
    #[inline(always)]
    unsafe fn round(a: __m256d) -> __m256d {
        unsafe { _mm256_round_pd(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC) }
    }
    #[inline(always)]
    unsafe fn floor(a: __m256d) -> __m256d {
        unsafe { _mm256_round_pd(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC) }
    }
    #[inline(always)]
    unsafe fn round_f32(a: __m256d) -> __m256d {
        unsafe { _mm256_cvtps_pd(_mm256_cvtpd_ps(a)) }
    }
    #[inline(always)]
    unsafe fn exponent_mantissa(x: __m256d) -> (__m256d, __m256d) {
        unsafe {
            let bits = _mm256_castpd_si256(x);
            // The biased exponent, placed in the mantissa of 2^52, is 2^52 + e + 1023.
            let biased = _mm256_or_si256(
                _mm256_srli_epi64(bits, 52),
                _mm256_set1_epi64x(0x4330_0000_0000_0000),
            );
            let e = _mm256_sub_pd(_mm256_castsi256_pd(biased), _mm256_set1_pd(4_503_599_627_371_519.0));
            let m = _mm256_or_si256(
                _mm256_and_si256(bits, _mm256_set1_epi64x(0x000F_FFFF_FFFF_FFFF)),
                _mm256_set1_epi64x(0x3FF0_0000_0000_0000),
            );
            (e, _mm256_castsi256_pd(m))
        }
    }
    #[inline(always)]
    unsafe fn scale_pow2(p: __m256d, k: __m256d) -> __m256d {
        unsafe {
            // k + 1023 lands in the low bits of 2^52 + k + 1023; shifted into the exponent
            // field it is 2^k.
            let biased = _mm256_add_pd(k, _mm256_set1_pd(4_503_599_627_371_519.0));
            let pow2 = _mm256_slli_epi64(_mm256_castpd_si256(biased), 52);
            _mm256_mul_pd(p, _mm256_castsi256_pd(pow2))
        }
    }
    #[inline(always)]
    unsafe fn gt(a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_cmp_pd(a, b, _CMP_GT_OQ) }
    }
    #[inline(always)]
    unsafe fn ge(a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_cmp_pd(a, b, _CMP_GE_OQ) }
    }
    #[inline(always)]
    unsafe fn lt(a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_cmp_pd(a, b, _CMP_LT_OQ) }
    }
    #[inline(always)]
    unsafe fn le(a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_cmp_pd(a, b, _CMP_LE_OQ) }
    }
    #[inline(always)]
    unsafe fn eq(a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_cmp_pd(a, b, _CMP_EQ_OQ) }
    }
    #[inline(always)]
    unsafe fn ne(a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_cmp_pd(a, b, _CMP_NEQ_UQ) }
    }
    #[inline(always)]
    unsafe fn and(a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_and_pd(a, b) }
    }
    #[inline(always)]
    unsafe fn or(a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_or_pd(a, b) }
    }
    #[inline(always)]
    unsafe fn select(m: __m256d, a: __m256d, b: __m256d) -> __m256d {
        unsafe { _mm256_blendv_pd(b, a, m) }
    }
    #[inline(always)]
    unsafe fn bits(m: __m256d) -> u32 {
        unsafe { _mm256_movemask_pd(m) as u32 }
    }
}

// SAFETY (every method): the caller has AVX-512 F and DQ enabled, as the trait
// requires, and passes slices of at least eight values.
impl F64Lanes for Avx512 {
    type V = __m512d;
    type M = __mmask8;
    const LANES: usize = 8;

    #[inline(always)]
    unsafe fn splat(x: f64) -> __m512d {
        unsafe { _mm512_set1_pd(x) }
    }
    #[inline(always)]
    unsafe fn load(p: &[f64]) -> __m512d {
        debug_assert!(p.len() >= 8);
        unsafe { _mm512_loadu_pd(p.as_ptr()) }
    }
    #[inline(always)]
    unsafe fn store(v: __m512d, out: &mut [f64]) {
        debug_assert!(out.len() >= 8);
        unsafe { _mm512_storeu_pd(out.as_mut_ptr(), v) }
    }
    #[inline(always)]
    unsafe fn add(a: __m512d, b: __m512d) -> __m512d {
        unsafe { _mm512_add_pd(a, b) }
    }
    #[inline(always)]
    unsafe fn sub(a: __m512d, b: __m512d) -> __m512d {
        unsafe { _mm512_sub_pd(a, b) }
    }
    #[inline(always)]
    unsafe fn mul(a: __m512d, b: __m512d) -> __m512d {
        unsafe { _mm512_mul_pd(a, b) }
    }
    #[inline(always)]
    unsafe fn div(a: __m512d, b: __m512d) -> __m512d {
        unsafe { _mm512_div_pd(a, b) }
    }
    #[inline(always)]
    unsafe fn mul_add(a: __m512d, b: __m512d, c: __m512d) -> __m512d {
        unsafe { _mm512_fmadd_pd(a, b, c) }
    }
    #[inline(always)]
    unsafe fn sqrt(a: __m512d) -> __m512d {
        unsafe { _mm512_sqrt_pd(a) }
    }
    #[inline(always)]
    unsafe fn abs(a: __m512d) -> __m512d {
        unsafe { _mm512_abs_pd(a) }
    }
    #[inline(always)]
    unsafe fn copysign(magnitude: __m512d, sign: __m512d) -> __m512d {
        unsafe {
            let bit = _mm512_set1_pd(-0.0);
            _mm512_or_pd(_mm512_andnot_pd(bit, magnitude), _mm512_and_pd(bit, sign))
        }
    }
    #[inline(always)]
    unsafe fn min(a: __m512d, b: __m512d) -> __m512d {
        unsafe { _mm512_min_pd(a, b) }
    }
    #[inline(always)]
    unsafe fn max(a: __m512d, b: __m512d) -> __m512d {
        unsafe { _mm512_max_pd(a, b) }
    }
    #[inline(always)]
    unsafe fn round(a: __m512d) -> __m512d {
        unsafe { _mm512_roundscale_pd(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC) }
    }
    #[inline(always)]
    unsafe fn floor(a: __m512d) -> __m512d {
        unsafe { _mm512_roundscale_pd(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC) }
    }
    #[inline(always)]
    unsafe fn round_f32(a: __m512d) -> __m512d {
        unsafe { _mm512_cvtps_pd(_mm512_cvtpd_ps(a)) }
    }
    #[inline(always)]
    unsafe fn exponent_mantissa(x: __m512d) -> (__m512d, __m512d) {
        unsafe {
            (
                _mm512_getexp_pd(x),
                _mm512_getmant_pd(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_ZERO),
            )
        }
    }
    #[inline(always)]
    unsafe fn scale_pow2(p: __m512d, k: __m512d) -> __m512d {
        unsafe { _mm512_scalef_pd(p, k) }
    }
    #[inline(always)]
    unsafe fn gt(a: __m512d, b: __m512d) -> __mmask8 {
        unsafe { _mm512_cmp_pd_mask(a, b, _CMP_GT_OQ) }
    }
    #[inline(always)]
    unsafe fn ge(a: __m512d, b: __m512d) -> __mmask8 {
        unsafe { _mm512_cmp_pd_mask(a, b, _CMP_GE_OQ) }
    }
    #[inline(always)]
    unsafe fn lt(a: __m512d, b: __m512d) -> __mmask8 {
        unsafe { _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ) }
    }
    #[inline(always)]
    unsafe fn le(a: __m512d, b: __m512d) -> __mmask8 {
        unsafe { _mm512_cmp_pd_mask(a, b, _CMP_LE_OQ) }
    }
    #[inline(always)]
    unsafe fn eq(a: __m512d, b: __m512d) -> __mmask8 {
        unsafe { _mm512_cmp_pd_mask(a, b, _CMP_EQ_OQ) }
    }
    #[inline(always)]
    unsafe fn ne(a: __m512d, b: __m512d) -> __mmask8 {
        unsafe { _mm512_cmp_pd_mask(a, b, _CMP_NEQ_UQ) }
    }
    #[inline(always)]
    unsafe fn and(a: __mmask8, b: __mmask8) -> __mmask8 {
        a & b
    }
    #[inline(always)]
    unsafe fn or(a: __mmask8, b: __mmask8) -> __mmask8 {
        a | b
    }
    #[inline(always)]
    unsafe fn select(m: __mmask8, a: __m512d, b: __m512d) -> __m512d {
        unsafe { _mm512_mask_blend_pd(m, b, a) }
    }
    #[inline(always)]
    unsafe fn bits(m: __mmask8) -> u32 {
        u32::from(m)
    }
}
