//! AVX-512 vectors for the VIF pipeline: sixteen 32-bit lanes, 32 pixels per block, with
//! `vpdpwssd` fusing the filter multiply-adds where AVX512-VNNI is present.

use std::arch::x86_64::*;

use super::pipeline::{self, ScaleJob};
use super::{Moments, SimdSample, StatConsts, VifSimd, Workspace};
use crate::feature::vif::scalar::ScaleSums;
use crate::feature::vif::tables::SIGMA_NSQ;
use crate::simd::x86::Avx512;

/// Runs one scale with AVX-512.
///
/// # Safety
/// The processor must support AVX512F, AVX512BW and POPCNT.
#[target_feature(enable = "avx512f,avx512bw,popcnt")]
pub unsafe fn scale_pass<T: SimdSample>(job: ScaleJob<'_, T>, ws: &mut Workspace) -> ScaleSums {
    // SAFETY: this entry point enables the instruction set the pipeline's vectors use.
    unsafe { pipeline::scale_pass::<Avx512<false>, T>(job, ws) }
}

/// Runs one scale with AVX-512 and VNNI dot products.
///
/// # Safety
/// The processor must support AVX512F, AVX512BW, AVX512-VNNI and POPCNT.
#[target_feature(enable = "avx512f,avx512bw,avx512vnni,popcnt")]
pub unsafe fn scale_pass_vnni<T: SimdSample>(
    job: ScaleJob<'_, T>,
    ws: &mut Workspace,
) -> ScaleSums {
    // SAFETY: this entry point enables the instruction set the pipeline's vectors use.
    unsafe { pipeline::scale_pass::<Avx512<true>, T>(job, ws) }
}

/// Per-row statistics accumulators.
pub struct Acc {
    /// `log2` terms of the denominator, per 32-bit lane.
    den_log: __m512i,
    /// `log2` terms of the numerator, per 64-bit lane.
    num_log: __m512i,
    /// Distorted variances of flat pixels, per 64-bit lane.
    num_non_log: __m512i,
    /// Count of flat pixels.
    den_non_log: i64,
}

/// `(a * b + 2^31) >> 32` of unsigned 32-bit lanes.
#[inline(always)]
unsafe fn mul_q32(a: __m512i, b: __m512i) -> __m512i {
    // SAFETY: callers run with this file's instruction set enabled.
    unsafe {
        let round = _mm512_set1_epi64(1 << 31);
        let even = _mm512_add_epi64(_mm512_mul_epu32(a, b), round);
        let (a_odd, b_odd) = (_mm512_srli_epi64::<32>(a), _mm512_srli_epi64::<32>(b));
        let odd = _mm512_add_epi64(_mm512_mul_epu32(a_odd, b_odd), round);
        _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64::<32>(even), odd)
    }
}

/// Fixed-point log2 of the 32-bit lanes of `mask` (each at least 2^8).
#[inline(always)]
unsafe fn log2_u32(v: __m512i, mask: __mmask16, table: *const u16) -> __m512i {
    // SAFETY: callers run with this file's instruction set enabled.
    unsafe {
        let low16 = _mm512_set1_epi32(0xFFFF);
        // `16 - leading_zeros`, from an exact single-precision exponent.
        let float = _mm512_cvtepi32_ps(_mm512_srli_epi32::<8>(v));
        let exponent = _mm512_srli_epi32::<23>(_mm512_castps_si512(float));
        let shift = _mm512_sub_epi32(exponent, _mm512_set1_epi32(127 + 7));
        let index = _mm512_and_si512(_mm512_srlv_epi32(v, shift), low16);
        let zero = _mm512_setzero_si512();
        let entry = _mm512_mask_i32gather_epi32::<2>(zero, mask, index, table.cast());
        _mm512_add_epi32(
            _mm512_and_si512(entry, low16),
            _mm512_slli_epi32::<11>(shift),
        )
    }
}

/// Table entries of the 16 leading bits of doubles holding integers in 2^15..2^53: the
/// implicit one and the top 15 bits of the mantissa.
#[inline(always)]
unsafe fn log2_entries(bits: __m512i, table: *const u16) -> __m256i {
    // SAFETY: callers run with this file's instruction set enabled.
    unsafe {
        let mantissa = _mm512_and_si512(_mm512_srli_epi64::<37>(bits), _mm512_set1_epi64(0x7FFF));
        let index = _mm512_or_si512(mantissa, _mm512_set1_epi64(0x8000));
        let entry = _mm512_i64gather_epi32::<2>(index, table.cast());
        _mm256_and_si256(entry, _mm256_set1_epi32(0xFFFF))
    }
}

/// `log2(a) - log2(b)` in fixed point per 64-bit lane, for doubles holding integers in
/// 2^15..2^53: the difference of the table entries plus 2048 per binary order.
#[inline(always)]
unsafe fn log2_difference(a: __m512d, b: __m512d, table: *const u16) -> __m512i {
    // SAFETY: callers run with this file's instruction set enabled.
    unsafe {
        let (a, b) = (_mm512_castpd_si512(a), _mm512_castpd_si512(b));
        let entries = _mm256_sub_epi32(log2_entries(a, table), log2_entries(b, table));
        let orders = _mm512_sub_epi64(_mm512_srli_epi64::<52>(a), _mm512_srli_epi64::<52>(b));
        _mm512_add_epi64(
            _mm512_cvtepi32_epi64(entries),
            _mm512_slli_epi64::<11>(orders),
        )
    }
}

/// The low (or, with `HIGH`, the high) eight 32-bit lanes.
#[inline(always)]
unsafe fn half<const HIGH: bool>(v: __m512i) -> __m256i {
    // SAFETY: callers run with this file's instruction set enabled.
    unsafe {
        if HIGH {
            _mm512_extracti64x4_epi64::<1>(v)
        } else {
            _mm512_castsi512_si256(v)
        }
    }
}

/// Numerator log terms of eight pixels (the low or high half of the vectors), per 64-bit
/// lane; lanes the caller masks off hold garbage. The double-precision steps are the
/// reference's, one by one.
#[inline(always)]
unsafe fn numerator_terms<const HIGH: bool>(
    sigma1_sq: __m512i,
    sigma2_sq: __m512i,
    sigma12: __m512i,
    c: &StatConsts,
) -> __m512i {
    // SAFETY: callers run with this file's instruction set enabled.
    unsafe {
        const EPS: f64 = 65536.0 * 1.0e-10;
        const TRUNCATE: i32 = _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC;
        let s1 = _mm512_cvtepi32_pd(half::<HIGH>(sigma1_sq));
        let s2 = _mm512_cvtepi32_pd(half::<HIGH>(sigma2_sq));
        let s12 = _mm512_cvtepi32_pd(half::<HIGH>(sigma12));
        let gain = _mm512_div_pd(s12, _mm512_add_pd(s1, _mm512_set1_pd(EPS)));
        let noise = _mm512_roundscale_pd::<TRUNCATE>(_mm512_sub_pd(s2, _mm512_mul_pd(gain, s12)));
        let noise = _mm512_max_pd(noise, _mm512_setzero_pd());
        let gain = _mm512_min_pd(gain, _mm512_set1_pd(c.gain_limit));
        let noise_total = _mm512_add_pd(noise, _mm512_set1_pd(f64::from(SIGMA_NSQ)));
        let signal = _mm512_mul_pd(_mm512_mul_pd(gain, gain), s1);
        let signal = _mm512_roundscale_pd::<TRUNCATE>(signal);
        let total = _mm512_add_pd(signal, noise_total);
        log2_difference(total, noise_total, c.log2)
    }
}

impl<const VNNI: bool> VifSimd for Avx512<VNNI> {
    type Acc = Acc;

    #[inline(always)]
    unsafe fn new_acc() -> Acc {
        // SAFETY: callers run with this file's instruction set enabled.
        unsafe {
            let zero = _mm512_setzero_si512();
            Acc {
                den_log: zero,
                num_log: zero,
                num_non_log: zero,
                den_non_log: 0,
            }
        }
    }

    #[inline(always)]
    unsafe fn statistics(acc: &mut Acc, m: &Moments<__m512i>, valid: usize, c: &StatConsts) {
        // SAFETY: callers run with this file's instruction set enabled.
        unsafe {
            let zero = _mm512_setzero_si512();
            let nsq = _mm512_set1_epi32(SIGMA_NSQ as i32);
            let sigma1_sq = _mm512_sub_epi32(m.xx, mul_q32(m.mu1, m.mu1));
            let sigma2_sq = _mm512_sub_epi32(m.yy, mul_q32(m.mu2, m.mu2));
            let sigma2_sq = _mm512_max_epi32(sigma2_sq, zero);
            let sigma12 = _mm512_sub_epi32(m.xy, mul_q32(m.mu1, m.mu2));

            let valid: __mmask16 = if valid >= 16 {
                0xFFFF
            } else {
                (1 << valid) - 1
            };
            let threshold = _mm512_set1_epi32(SIGMA_NSQ as i32 - 1);
            let log = _mm512_mask_cmpgt_epi32_mask(valid, sigma1_sq, threshold);
            let flat = valid & !log;

            if flat != 0 {
                acc.den_non_log += i64::from(flat.count_ones());
                let flat_var = _mm512_maskz_mov_epi32(flat, sigma2_sq);
                let even = _mm512_and_si512(flat_var, _mm512_set1_epi64(0xFFFF_FFFF));
                let odd = _mm512_srli_epi64::<32>(flat_var);
                acc.num_non_log = _mm512_add_epi64(acc.num_non_log, _mm512_add_epi64(even, odd));
            }
            if log == 0 {
                return;
            }

            let den = log2_u32(_mm512_add_epi32(sigma1_sq, nsq), log, c.log2);
            let den = _mm512_sub_epi32(den, _mm512_set1_epi32(2048 * 17));
            acc.den_log = _mm512_mask_add_epi32(acc.den_log, log, acc.den_log, den);

            let positive =
                _mm512_cmpgt_epi32_mask(sigma12, zero) & _mm512_cmpgt_epi32_mask(sigma2_sq, zero);
            let num = log & positive;
            let low = (num & 0xFF) as __mmask8;
            if low != 0 {
                let terms = numerator_terms::<false>(sigma1_sq, sigma2_sq, sigma12, c);
                acc.num_log = _mm512_mask_add_epi64(acc.num_log, low, acc.num_log, terms);
            }
            let high = (num >> 8) as __mmask8;
            if high != 0 {
                let terms = numerator_terms::<true>(sigma1_sq, sigma2_sq, sigma12, c);
                acc.num_log = _mm512_mask_add_epi64(acc.num_log, high, acc.num_log, terms);
            }
        }
    }

    #[inline(always)]
    unsafe fn flush(acc: &mut Acc, sums: &mut ScaleSums) {
        // SAFETY: callers run with this file's instruction set enabled.
        unsafe {
            sums.den_log += _mm512_reduce_add_epi64(_mm512_add_epi64(
                _mm512_cvtepi32_epi64(_mm512_castsi512_si256(acc.den_log)),
                _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64::<1>(acc.den_log)),
            ));
            sums.num_log += _mm512_reduce_add_epi64(acc.num_log);
            sums.num_non_log += _mm512_reduce_add_epi64(acc.num_non_log);
            sums.den_non_log += acc.den_non_log;
            *acc = Self::new_acc();
        }
    }
}
