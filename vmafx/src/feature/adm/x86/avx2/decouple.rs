//! AVX2 decoupling rows.
//!
//! The angle test compares in double precision like the scalar code, on the same `f32`
//! roundings of the integer dot products. The scalar code divides each by 4096 first:
//! scaling by powers of two commutes with every rounding here (no value comes near the
//! subnormal or overflow range), so the comparison is unchanged without it.

use std::arch::x86_64::*;

use super::{load, store, widen_unpacked};
use crate::feature::adm::decouple::DecoupleParams;
use crate::feature::adm::dwt::{D, H, V};
use crate::feature::adm::rows::{self, DecoupledRows};
use crate::feature::adm::tables::RECIPROCAL_ZERO;
use crate::feature::adm::x86::{block_starts, covered};

/// The enhancement gain limit, as an integer when it is one: `restored * gain` is then
/// an exact integer product, and clipping it equals the scalar code's clipping in doubles.
#[derive(Clone, Copy)]
pub(in crate::feature::adm::x86) struct Gain {
    /// The limit when it is an integer.
    pub integer: Option<i32>,
    /// The limit.
    pub factor: f64,
}

impl Gain {
    /// The gain of limit `limit` (1..=100).
    pub fn new(limit: f64) -> Self {
        let integer =
            (limit.fract() == 0.0 && (1.0..=100.0).contains(&limit)).then_some(limit as i32);
        Self {
            integer,
            factor: limit,
        }
    }
}

/// Converts the low (`upper == false`) or high four 32-bit lanes to doubles.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn half_pd(v: __m256i, upper: bool) -> __m256d {
    let half = if upper {
        _mm256_extracti128_si256::<1>(v)
    } else {
        _mm256_castsi256_si128(v)
    };
    _mm256_cvtepi32_pd(half)
}

/// Same as [`half_pd`] for single-precision lanes.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn half_ps_pd(v: __m256, upper: bool) -> __m256d {
    let half = if upper {
        _mm256_extractf128_ps::<1>(v)
    } else {
        _mm256_castps256_ps128(v)
    };
    _mm256_cvtps_pd(half)
}

/// Eight 32-bit lane masks from two four-lane double masks.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn join_masks(low: __m256d, high: __m256d) -> __m256i {
    let pick = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
    let low = _mm256_permutevar8x32_epi32(_mm256_castpd_si256(low), pick);
    let high = _mm256_permutevar8x32_epi32(_mm256_castpd_si256(high), pick);
    _mm256_permute2x128_si256::<0x20>(low, high)
}

/// `dot >= 0 && dot^2 >= cos_sq * o_mag * t_mag` for four lanes of doubles that hold
/// `f32` values.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn angle_test(dot: __m256d, o_mag: __m256d, t_mag: __m256d, cos_sq: __m256d) -> __m256d {
    let rhs = _mm256_mul_pd(_mm256_mul_pd(cos_sq, o_mag), t_mag);
    let close = _mm256_cmp_pd::<_CMP_GE_OQ>(_mm256_mul_pd(dot, dot), rhs);
    let forward = _mm256_cmp_pd::<_CMP_GE_OQ>(dot, _mm256_setzero_pd());
    _mm256_and_pd(close, forward)
}

/// The angle test of eight lanes of finest-level dot products in 32 bits. The only sum
/// past 32 bits is 2^31 (two products of -32768 by -32768), which wraps to `i32::MIN`; no
/// dot product is that negative, so such lanes mean +2^31.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn fine_angle(dot: __m256i, o_mag: __m256i, t_mag: __m256i, cos_sq: __m256d) -> __m256i {
    let sign = _mm256_set1_ps(-0.0);
    let wrapped = _mm256_cmpeq_epi32(dot, _mm256_set1_epi32(i32::MIN));
    let dot = _mm256_xor_ps(
        _mm256_cvtepi32_ps(dot),
        _mm256_and_ps(_mm256_castsi256_ps(wrapped), sign),
    );
    let o_mag = _mm256_andnot_ps(sign, _mm256_cvtepi32_ps(o_mag));
    let t_mag = _mm256_andnot_ps(sign, _mm256_cvtepi32_ps(t_mag));
    let test = |upper| {
        let d = half_ps_pd(dot, upper);
        angle_test(
            d,
            half_ps_pd(o_mag, upper),
            half_ps_pd(t_mag, upper),
            cos_sq,
        )
    };
    join_masks(test(false), test(true))
}

/// The restored value after the gain limit, for eight lanes in any order: where the
/// vectors are aligned and `k > 0`, `restored * gain` clipped to the distorted value.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn limit_gain(
    restored: __m256i,
    k: __m256i,
    o: __m256i,
    t: __m256i,
    aligned: __m256i,
    gain: Gain,
    integer_ok: bool,
) -> __m256i {
    let zero = _mm256_setzero_si256();
    let amplify = _mm256_and_si256(aligned, _mm256_cmpgt_epi32(k, zero));
    let up = _mm256_and_si256(amplify, _mm256_cmpgt_epi32(o, zero));
    let down = _mm256_and_si256(amplify, _mm256_cmpgt_epi32(zero, o));
    let (capped, floored) = match gain.integer {
        Some(g) if integer_ok => {
            let amplified = _mm256_mullo_epi32(restored, _mm256_set1_epi32(g));
            (
                _mm256_min_epi32(amplified, t),
                _mm256_max_epi32(amplified, t),
            )
        }
        _ => {
            let factor = _mm256_set1_pd(gain.factor);
            let bound = |upper| {
                let amplified = _mm256_mul_pd(half_pd(restored, upper), factor);
                let t = half_pd(t, upper);
                (
                    _mm256_cvttpd_epi32(_mm256_min_pd(amplified, t)),
                    _mm256_cvttpd_epi32(_mm256_max_pd(amplified, t)),
                )
            };
            let (low, high) = (bound(false), bound(true));
            (
                _mm256_set_m128i(high.0, low.0),
                _mm256_set_m128i(high.1, low.1),
            )
        }
    };
    let v = _mm256_blendv_epi8(restored, capped, up);
    _mm256_blendv_epi8(v, floored, down)
}

/// One orientation of eight finest-level lanes: the restored value.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn restore_fine<const INTEGER_GAIN: bool>(
    o: __m256i,
    t: __m256i,
    aligned: __m256i,
    recip: *const i32,
    gain: Gain,
) -> __m256i {
    // A zero reference gathers 0 instead of the scalar code's ratio of 1, but restores 0
    // and is never amplified either way.
    let r = _mm256_i32gather_epi32::<4>(recip, o);
    // (r * t + 2^14) >> 15 in 32 bits: r = 2^15 high + low splits off an exact part.
    let high = _mm256_srai_epi32::<15>(r);
    let low = _mm256_and_si256(r, _mm256_set1_epi32(0x7fff));
    let rounded = _mm256_add_epi32(_mm256_mullo_epi32(low, t), _mm256_set1_epi32(16384));
    let ratio = _mm256_add_epi32(
        _mm256_mullo_epi32(high, t),
        _mm256_srai_epi32::<15>(rounded),
    );
    let k = _mm256_min_epi32(
        _mm256_max_epi32(ratio, _mm256_setzero_si256()),
        _mm256_set1_epi32(32768),
    );
    let product = _mm256_add_epi32(_mm256_mullo_epi32(k, o), _mm256_set1_epi32(16384));
    let restored = _mm256_srai_epi32::<15>(product);
    limit_gain(restored, k, o, t, aligned, gain, INTEGER_GAIN)
}

/// Decouples one orientation of 16 finest-level samples at `j`: stores the restored
/// and additive parts.
#[inline]
#[target_feature(enable = "avx2")]
#[allow(clippy::too_many_arguments)]
unsafe fn fine_band<const INTEGER_GAIN: bool>(
    o: __m256i,
    t: __m256i,
    aligned: [__m256i; 2],
    recip: *const i32,
    gain: Gain,
    restored: &mut [i16],
    additive: &mut [i16],
    j: usize,
) {
    let (o_a, o_b) = widen_unpacked(o);
    let (t_a, t_b) = widen_unpacked(t);
    let r_a = restore_fine::<INTEGER_GAIN>(o_a, t_a, aligned[0], recip, gain);
    let r_b = restore_fine::<INTEGER_GAIN>(o_b, t_b, aligned[1], recip, gain);
    // Restored values stay within 16 bits; the difference wraps as in C.
    let packed = _mm256_packs_epi32(r_a, r_b);
    store(restored.as_mut_ptr().add(j), packed);
    store(additive.as_mut_ptr().add(j), _mm256_sub_epi16(t, packed));
}

/// The angle test of 16 finest-level samples, in unpack order.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn fine_aligned(
    o: (__m256i, __m256i),
    t: (__m256i, __m256i),
    cos_sq: __m256d,
) -> [__m256i; 2] {
    // (h, v) pairs: madd gives the dot products and squared norms.
    let po = [
        _mm256_unpacklo_epi16(o.0, o.1),
        _mm256_unpackhi_epi16(o.0, o.1),
    ];
    let pt = [
        _mm256_unpacklo_epi16(t.0, t.1),
        _mm256_unpackhi_epi16(t.0, t.1),
    ];
    let mut aligned = [_mm256_setzero_si256(); 2];
    for h in 0..2 {
        let dot = _mm256_madd_epi16(po[h], pt[h]);
        let o_mag = _mm256_madd_epi16(po[h], po[h]);
        let t_mag = _mm256_madd_epi16(pt[h], pt[h]);
        aligned[h] = fine_angle(dot, o_mag, t_mag, cos_sq);
    }
    aligned
}

/// The vector blocks of [`decouple_fine`], for one gain mode; returns the samples done.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn fine_blocks<const INTEGER_GAIN: bool>(
    reference: [&[i16]; 3],
    distorted: [&[i16]; 3],
    params: &DecoupleParams,
    [r_h, r_v, r_d]: [&mut [i16]; 3],
    [a_h, a_v, a_d]: [&mut [i16]; 3],
) -> usize {
    let n = reference[0].len();
    let recip = params.recip.as_ptr().add(RECIPROCAL_ZERO);
    let cos_sq = _mm256_set1_pd(f64::from(params.cos_sq));
    let gain = Gain::new(params.gain_limit);
    for j in block_starts(n, 16) {
        let [oh, ov, od] = reference.map(|r| load(r.as_ptr().add(j)));
        let [th, tv, td] = distorted.map(|r| load(r.as_ptr().add(j)));
        let aligned = fine_aligned((oh, ov), (th, tv), cos_sq);
        fine_band::<INTEGER_GAIN>(oh, th, aligned, recip, gain, r_h, a_h, j);
        fine_band::<INTEGER_GAIN>(ov, tv, aligned, recip, gain, r_v, a_v, j);
        fine_band::<INTEGER_GAIN>(od, td, aligned, recip, gain, r_d, a_d, j);
    }
    covered(n, 16)
}

/// Finest-level decoupling of one row.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub(in crate::feature::adm::x86) unsafe fn decouple_fine(
    reference: [&[i16]; 3],
    distorted: [&[i16]; 3],
    params: &DecoupleParams,
    mut out: DecoupledRows<'_, i16>,
) {
    let n = reference[0].len();
    assert!(reference.iter().chain(&distorted).all(|r| r.len() == n));
    assert!(out
        .restored
        .iter()
        .chain(&out.additive)
        .all(|r| r.len() == n));
    assert_eq!(params.recip.len(), 2 * RECIPROCAL_ZERO + 1);
    let outputs = out.restored.each_mut().map(|r| &mut **r);
    let differences = out.additive.each_mut().map(|r| &mut **r);
    let j = if Gain::new(params.gain_limit).integer.is_some() {
        fine_blocks::<true>(reference, distorted, params, outputs, differences)
    } else {
        fine_blocks::<false>(reference, distorted, params, outputs, differences)
    };
    rows::decouple_fine(reference, distorted, params, out, j);
}

/// The doubles nearest to four signed 64-bit lanes (AVX2 has no such conversion): the
/// high and low halves convert exactly through exponent tricks (2^84 and 2^52), and their
/// sum rounds once.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn i64_to_f64(x: __m256i) -> __m256d {
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

/// The `f32` rounding of four 64-bit integer lanes, as doubles, and a mask of the lanes
/// where rounding through the double may differ from rounding the integer directly: an
/// earlier rounding can only matter when it lands exactly halfway between two floats.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn i64_to_f32_pd(x: __m256i) -> (__m256d, __m256i) {
    let wide = i64_to_f64(x);
    let low_bits = _mm256_and_si256(_mm256_castpd_si256(wide), _mm256_set1_epi64x(0x1fff_ffff));
    let halfway = _mm256_cmpeq_epi64(low_bits, _mm256_set1_epi64x(0x1000_0000));
    (_mm256_cvtps_pd(_mm256_cvtpd_ps(wide)), halfway)
}

/// The angle test of the even 32-bit lanes of coarse (h, v) vectors, as 64-bit lane
/// masks, and a mask of lanes the vector code cannot decide.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn coarse_angle_even(
    (oh, ov): (__m256i, __m256i),
    (th, tv): (__m256i, __m256i),
    cos_sq: __m256d,
) -> (__m256d, __m256i) {
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

/// The angle test of eight coarse lanes, or `None` when the vector code cannot decide
/// one of them (the scalar code then handles the block).
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn coarse_angle(o: &[__m256i; 3], t: &[__m256i; 3], cos_sq: __m256d) -> Option<__m256i> {
    let (even, even_undecided) = coarse_angle_even((o[H], o[V]), (t[H], t[V]), cos_sq);
    let odd = |v: __m256i| _mm256_srli_epi64::<32>(v);
    let (odd_mask, odd_undecided) =
        coarse_angle_even((odd(o[H]), odd(o[V])), (odd(t[H]), odd(t[V])), cos_sq);
    let undecided = _mm256_or_si256(even_undecided, odd_undecided);
    if _mm256_testz_si256(undecided, undecided) == 0 {
        return None;
    }
    Some(_mm256_blend_epi32::<0b1010_1010>(
        _mm256_castpd_si256(even),
        _mm256_castpd_si256(odd_mask),
    ))
}

/// One orientation of eight coarse lanes: the restored value.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn restore_coarse(
    o: __m256i,
    t: __m256i,
    aligned: __m256i,
    recip: *const i32,
    gain: Gain,
) -> __m256i {
    let zero = _mm256_setzero_si256();
    let one = _mm256_set1_epi32(1);
    // The reference magnitude's 15 leading bits, rounded: 2^31 - 1 >> 8 is exact in f32,
    // so its exponent is floor(log2 m) - 8.
    let m = _mm256_abs_epi32(o);
    let exponent = _mm256_srli_epi32::<23>(_mm256_castps_si256(_mm256_cvtepi32_ps(
        _mm256_srli_epi32::<8>(m),
    )));
    let dropped = _mm256_max_epi32(_mm256_sub_epi32(exponent, _mm256_set1_epi32(133)), zero);
    let half = _mm256_srli_epi32::<1>(_mm256_sllv_epi32(one, dropped));
    let top = _mm256_srlv_epi32(_mm256_add_epi32(m, half), dropped);
    // The table is odd: the signed index gives the reciprocal times the sign.
    let r = _mm256_i32gather_epi32::<4>(recip, _mm256_sign_epi32(top, o));
    // (r * t + (int32)(1 << (14 + dropped))) >> (15 + dropped), clamped to 0..=32768.
    // Negative numerators clamp to 0 whatever the shift, so a logical shift will do.
    let round = _mm256_sllv_epi32(one, _mm256_add_epi32(dropped, _mm256_set1_epi32(14)));
    let shift = _mm256_add_epi32(dropped, _mm256_set1_epi32(15));
    let low_dword = _mm256_set1_epi64x(0xffff_ffff);
    let limit = _mm256_set1_epi64x(32768);
    let ratio = |r: __m256i, t: __m256i, round: __m256i, shift: __m256i| {
        let num = _mm256_add_epi64(_mm256_mul_epi32(r, t), _mm256_mul_epi32(round, one));
        let q = _mm256_srlv_epi64(num, _mm256_and_si256(shift, low_dword));
        let q = _mm256_blendv_epi8(q, limit, _mm256_cmpgt_epi64(q, limit));
        _mm256_andnot_si256(_mm256_cmpgt_epi64(zero, num), q)
    };
    let odd = |v: __m256i| _mm256_srli_epi64::<32>(v);
    let k_even = ratio(r, t, round, shift);
    let k_odd = ratio(odd(r), odd(t), odd(round), odd(shift));
    let k = _mm256_or_si256(k_even, _mm256_slli_epi64::<32>(k_odd));
    // (k * o + 2^14) >> 15 fits 32 bits: its low bits are those of the logical shift.
    let bias = _mm256_set1_epi64x(16384);
    let even = _mm256_srli_epi64::<15>(_mm256_add_epi64(_mm256_mul_epi32(k, o), bias));
    let odd = _mm256_srli_epi64::<15>(_mm256_add_epi64(_mm256_mul_epi32(odd(k), odd(o)), bias));
    let restored = _mm256_blend_epi32::<0b1010_1010>(even, _mm256_slli_epi64::<32>(odd));
    limit_gain(restored, k, o, t, aligned, gain, false)
}

/// Coarse decoupling of one row. Blocks the vector angle test cannot decide (a product
/// rounding exactly halfway between two floats, which is very rare) take the scalar path.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub(in crate::feature::adm::x86) unsafe fn decouple_coarse(
    reference: [&[i32]; 3],
    distorted: [&[i32]; 3],
    params: &DecoupleParams,
    mut out: DecoupledRows<'_, i32>,
) {
    let n = reference[0].len();
    assert!(reference.iter().chain(&distorted).all(|r| r.len() == n));
    assert!(out
        .restored
        .iter()
        .chain(&out.additive)
        .all(|r| r.len() == n));
    assert_eq!(params.recip.len(), 2 * RECIPROCAL_ZERO + 1);
    let recip = params.recip.as_ptr().add(RECIPROCAL_ZERO);
    let cos_sq = _mm256_set1_pd(f64::from(params.cos_sq));
    let gain = Gain::new(params.gain_limit);
    for j in block_starts(n, 8) {
        let o = reference.map(|r| load(r.as_ptr().add(j)));
        let t = distorted.map(|r| load(r.as_ptr().add(j)));
        let Some(aligned) = coarse_angle(&o, &t, cos_sq) else {
            let block = j..j + 8;
            let sub = DecoupledRows {
                restored: out.restored.each_mut().map(|r| &mut r[block.clone()]),
                additive: out.additive.each_mut().map(|r| &mut r[block.clone()]),
            };
            let reference = reference.map(|r| &r[block.clone()]);
            let distorted = distorted.map(|r| &r[block.clone()]);
            rows::decouple_coarse(reference, distorted, params, sub, 0);
            continue;
        };
        for b in [H, V, D] {
            let restored = restore_coarse(o[b], t[b], aligned, recip, gain);
            store(out.restored[b].as_mut_ptr().add(j), restored);
            store(
                out.additive[b].as_mut_ptr().add(j),
                _mm256_sub_epi32(t[b], restored),
            );
        }
    }
    let j = covered(n, 8);
    rows::decouple_coarse(reference, distorted, params, out, j);
}
