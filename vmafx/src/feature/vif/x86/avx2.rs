//! AVX2 vectors for the VIF pipeline: eight 32-bit lanes, 16 pixels per block, with
//! `vpdpwssd` fusing the filter multiply-adds where AVX-VNNI is present.

use std::arch::x86_64::*;

use super::pipeline::{self, ScaleJob};
use super::{Moments, SimdSample, StatConsts, VifSimd, Workspace};
use crate::feature::vif::scalar::ScaleSums;
use crate::feature::vif::tables::SIGMA_NSQ;
use crate::simd::x86::Avx2;

/// Runs one scale with AVX2.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub unsafe fn scale_pass<T: SimdSample>(job: ScaleJob<'_, T>, ws: &mut Workspace) -> ScaleSums {
    // SAFETY: this entry point enables the instruction set the pipeline's vectors use.
    unsafe { pipeline::scale_pass::<Avx2<false>, T>(job, ws) }
}

/// Runs one scale with AVX2 and AVX-VNNI dot products.
///
/// # Safety
/// The processor must support AVX2 and AVX-VNNI.
#[target_feature(enable = "avx2,avxvnni")]
pub unsafe fn scale_pass_vnni<T: SimdSample>(
    job: ScaleJob<'_, T>,
    ws: &mut Workspace,
) -> ScaleSums {
    // SAFETY: this entry point enables the instruction set the pipeline's vectors use.
    unsafe { pipeline::scale_pass::<Avx2<true>, T>(job, ws) }
}

/// Per-row statistics accumulators.
pub struct Acc {
    /// `log2` terms of the denominator, per 32-bit lane.
    den_log: __m256i,
    /// `log2` terms of the numerator, per 64-bit lane.
    num_log: __m256i,
    /// Distorted variances of flat pixels, per 64-bit lane.
    num_non_log: __m256i,
    /// Count of flat pixels, per 32-bit lane.
    den_non_log: __m256i,
}

/// `(a * b + 2^31) >> 32` of unsigned 32-bit lanes: a product of Q16 means brought back
/// to the scale of the second moments.
#[inline(always)]
unsafe fn mul_q32(a: __m256i, b: __m256i) -> __m256i {
    // SAFETY: callers run with this file's instruction set enabled.
    unsafe {
        let round = _mm256_set1_epi64x(1 << 31);
        let even = _mm256_add_epi64(_mm256_mul_epu32(a, b), round);
        let (a_odd, b_odd) = (_mm256_srli_epi64::<32>(a), _mm256_srli_epi64::<32>(b));
        let odd = _mm256_add_epi64(_mm256_mul_epu32(a_odd, b_odd), round);
        _mm256_blend_epi32::<0b1010_1010>(_mm256_srli_epi64::<32>(even), odd)
    }
}

/// `16 - leading_zeros(v)` for lanes of at least 2^8: the shift that leaves 16 bits.
#[inline(always)]
unsafe fn log2_shift(v: __m256i) -> __m256i {
    // SAFETY: callers run with this file's instruction set enabled.
    unsafe {
        // Exact in single precision: fewer than 24 bits remain.
        let float = _mm256_cvtepi32_ps(_mm256_srli_epi32::<8>(v));
        let exponent = _mm256_srli_epi32::<23>(_mm256_castps_si256(float));
        _mm256_sub_epi32(exponent, _mm256_set1_epi32(127 + 7))
    }
}

/// Fixed-point log2 of 32-bit lanes (table lookup of the 16 leading bits).
#[inline(always)]
unsafe fn log2_u32(v: __m256i, table: *const u16) -> __m256i {
    // SAFETY: callers run with this file's instruction set enabled.
    unsafe {
        let low16 = _mm256_set1_epi32(0xFFFF);
        let shift = log2_shift(v);
        let index = _mm256_and_si256(_mm256_srlv_epi32(v, shift), low16);
        let entry = _mm256_i32gather_epi32::<2>(table.cast(), index);
        _mm256_add_epi32(
            _mm256_and_si256(entry, low16),
            _mm256_slli_epi32::<11>(shift),
        )
    }
}

/// Table entries of the 16 leading bits of doubles holding integers in 2^15..2^53: the
/// implicit one and the top 15 bits of the mantissa.
#[inline(always)]
unsafe fn log2_entries(bits: __m256i, table: *const u16) -> __m128i {
    // SAFETY: callers run with this file's instruction set enabled.
    unsafe {
        let mantissa = _mm256_and_si256(_mm256_srli_epi64::<37>(bits), _mm256_set1_epi64x(0x7FFF));
        let index = _mm256_or_si256(mantissa, _mm256_set1_epi64x(0x8000));
        let entry = _mm256_i64gather_epi32::<2>(table.cast(), index);
        _mm_and_si128(entry, _mm_set1_epi32(0xFFFF))
    }
}

/// `log2(a) - log2(b)` in fixed point per 64-bit lane, for doubles holding integers in
/// 2^15..2^53: the difference of the table entries plus 2048 per binary order.
#[inline(always)]
unsafe fn log2_difference(a: __m256d, b: __m256d, table: *const u16) -> __m256i {
    // SAFETY: callers run with this file's instruction set enabled.
    unsafe {
        let (a, b) = (_mm256_castpd_si256(a), _mm256_castpd_si256(b));
        let entries = _mm_sub_epi32(log2_entries(a, table), log2_entries(b, table));
        let orders = _mm256_sub_epi64(_mm256_srli_epi64::<52>(a), _mm256_srli_epi64::<52>(b));
        _mm256_add_epi64(
            _mm256_cvtepi32_epi64(entries),
            _mm256_slli_epi64::<11>(orders),
        )
    }
}

/// The low (or, with `HIGH`, the high) four 32-bit lanes.
#[inline(always)]
unsafe fn half<const HIGH: bool>(v: __m256i) -> __m128i {
    // SAFETY: callers run with this file's instruction set enabled.
    unsafe {
        if HIGH {
            _mm256_extracti128_si256::<1>(v)
        } else {
            _mm256_castsi256_si128(v)
        }
    }
}

/// Numerator log terms of four pixels (the low or high half of the vectors), zero where
/// `mask` is clear, per 64-bit lane. The double-precision steps are the reference's, one
/// by one.
#[inline(always)]
unsafe fn numerator_terms<const HIGH: bool>(
    sigma1_sq: __m256i,
    sigma2_sq: __m256i,
    sigma12: __m256i,
    mask: __m256i,
    c: &StatConsts,
) -> __m256i {
    // SAFETY: callers run with this file's instruction set enabled.
    unsafe {
        const EPS: f64 = 65536.0 * 1.0e-10;
        const TRUNCATE: i32 = _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC;
        let s1 = _mm256_cvtepi32_pd(half::<HIGH>(sigma1_sq));
        let s2 = _mm256_cvtepi32_pd(half::<HIGH>(sigma2_sq));
        let s12 = _mm256_cvtepi32_pd(half::<HIGH>(sigma12));
        let gain = _mm256_div_pd(s12, _mm256_add_pd(s1, _mm256_set1_pd(EPS)));
        let noise = _mm256_round_pd::<TRUNCATE>(_mm256_sub_pd(s2, _mm256_mul_pd(gain, s12)));
        let noise = _mm256_max_pd(noise, _mm256_setzero_pd());
        let gain = _mm256_min_pd(gain, _mm256_set1_pd(c.gain_limit));
        let noise_total = _mm256_add_pd(noise, _mm256_set1_pd(f64::from(SIGMA_NSQ)));
        let signal = _mm256_round_pd::<TRUNCATE>(_mm256_mul_pd(_mm256_mul_pd(gain, gain), s1));
        let total = _mm256_add_pd(signal, noise_total);
        let term = log2_difference(total, noise_total, c.log2);
        _mm256_and_si256(term, _mm256_cvtepi32_epi64(half::<HIGH>(mask)))
    }
}

/// Sum of the 32-bit lanes, widened.
#[inline(always)]
unsafe fn sum_i32(v: __m256i) -> i64 {
    // SAFETY: callers run with this file's instruction set enabled.
    unsafe {
        let mut lanes = [0i32; 8];
        _mm256_storeu_si256(lanes.as_mut_ptr().cast(), v);
        lanes.iter().map(|&l| i64::from(l)).sum()
    }
}

/// Sum of the 64-bit lanes.
#[inline(always)]
unsafe fn sum_i64(v: __m256i) -> i64 {
    // SAFETY: callers run with this file's instruction set enabled.
    unsafe {
        let mut lanes = [0i64; 4];
        _mm256_storeu_si256(lanes.as_mut_ptr().cast(), v);
        lanes.iter().sum()
    }
}

impl<const VNNI: bool> VifSimd for Avx2<VNNI> {
    type Acc = Acc;

    #[inline(always)]
    unsafe fn new_acc() -> Acc {
        // SAFETY: callers run with this file's instruction set enabled.
        unsafe {
            let zero = _mm256_setzero_si256();
            Acc {
                den_log: zero,
                num_log: zero,
                num_non_log: zero,
                den_non_log: zero,
            }
        }
    }

    #[inline(always)]
    unsafe fn statistics(acc: &mut Acc, m: &Moments<__m256i>, valid: usize, c: &StatConsts) {
        // SAFETY: callers run with this file's instruction set enabled.
        unsafe {
            let zero = _mm256_setzero_si256();
            let nsq = _mm256_set1_epi32(SIGMA_NSQ as i32);
            let sigma1_sq = _mm256_sub_epi32(m.xx, mul_q32(m.mu1, m.mu1));
            let sigma2_sq = _mm256_sub_epi32(m.yy, mul_q32(m.mu2, m.mu2));
            let sigma2_sq = _mm256_max_epi32(sigma2_sq, zero);
            let sigma12 = _mm256_sub_epi32(m.xy, mul_q32(m.mu1, m.mu2));

            let lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
            let valid = _mm256_cmpgt_epi32(_mm256_set1_epi32(valid as i32), lanes);
            let above = _mm256_cmpgt_epi32(sigma1_sq, _mm256_sub_epi32(nsq, _mm256_set1_epi32(1)));
            let log = _mm256_and_si256(valid, above);
            let flat = _mm256_andnot_si256(log, valid);

            // Flat pixels: a count (mask lanes are -1) and their distorted variance.
            acc.den_non_log = _mm256_sub_epi32(acc.den_non_log, flat);
            let flat_var = _mm256_and_si256(sigma2_sq, flat);
            let even = _mm256_and_si256(flat_var, _mm256_set1_epi64x(0xFFFF_FFFF));
            let odd = _mm256_srli_epi64::<32>(flat_var);
            acc.num_non_log = _mm256_add_epi64(acc.num_non_log, _mm256_add_epi64(even, odd));
            if _mm256_testz_si256(log, log) != 0 {
                return;
            }

            let den = log2_u32(_mm256_add_epi32(sigma1_sq, nsq), c.log2);
            let den = _mm256_sub_epi32(den, _mm256_set1_epi32(2048 * 17));
            acc.den_log = _mm256_add_epi32(acc.den_log, _mm256_and_si256(den, log));

            let positive = _mm256_and_si256(
                _mm256_cmpgt_epi32(sigma12, zero),
                _mm256_cmpgt_epi32(sigma2_sq, zero),
            );
            let num = _mm256_and_si256(log, positive);
            let bits = _mm256_movemask_ps(_mm256_castsi256_ps(num));
            if bits & 0x0F != 0 {
                let terms = numerator_terms::<false>(sigma1_sq, sigma2_sq, sigma12, num, c);
                acc.num_log = _mm256_add_epi64(acc.num_log, terms);
            }
            if bits & 0xF0 != 0 {
                let terms = numerator_terms::<true>(sigma1_sq, sigma2_sq, sigma12, num, c);
                acc.num_log = _mm256_add_epi64(acc.num_log, terms);
            }
        }
    }

    #[inline(always)]
    unsafe fn flush(acc: &mut Acc, sums: &mut ScaleSums) {
        // SAFETY: callers run with this file's instruction set enabled.
        unsafe {
            sums.den_log += sum_i32(acc.den_log);
            sums.num_log += sum_i64(acc.num_log);
            sums.num_non_log += sum_i64(acc.num_non_log);
            sums.den_non_log += sum_i32(acc.den_non_log);
            *acc = Self::new_acc();
        }
    }
}
