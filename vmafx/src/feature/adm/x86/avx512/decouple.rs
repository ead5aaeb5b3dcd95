//! AVX-512 decoupling rows. As in `avx2::decouple`, the angle test compares doubles of
//! the same `f32` roundings as the scalar code, without its exact power-of-two scaling.
//! AVX-512 DQ converts 64-bit integers to floats directly, so the coarse test needs no
//! fallback.

use std::arch::x86_64::*;

use super::{half, join, load, store, store_half, widen_unpacked};
use crate::feature::adm::decouple::DecoupleParams;
use crate::feature::adm::dwt::{D, H, V};
use crate::feature::adm::rows::DecoupledRows;
use crate::feature::adm::tables::RECIPROCAL_ZERO;
use crate::feature::adm::x86::avx2::decouple::Gain;
use crate::feature::adm::x86::{avx2, block_starts, covered};

/// `dot >= 0 && dot^2 >= cos_sq * o_mag * t_mag` for eight lanes of `f32` values.
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn angle_test(dot: __m256, o_mag: __m256, t_mag: __m256, cos_sq: __m512d) -> __mmask8 {
    let dot = _mm512_cvtps_pd(dot);
    let rhs = _mm512_mul_pd(
        _mm512_mul_pd(cos_sq, _mm512_cvtps_pd(o_mag)),
        _mm512_cvtps_pd(t_mag),
    );
    let close = _mm512_cmp_pd_mask::<_CMP_GE_OQ>(_mm512_mul_pd(dot, dot), rhs);
    close & _mm512_cmp_pd_mask::<_CMP_GE_OQ>(dot, _mm512_setzero_pd())
}

/// The low or high eight lanes of sixteen floats.
#[inline]
#[target_feature(enable = "avx512f,avx512dq")]
unsafe fn half_ps(v: __m512, upper: bool) -> __m256 {
    if upper {
        _mm512_extractf32x8_ps::<1>(v)
    } else {
        _mm512_castps512_ps256(v)
    }
}

/// The angle test of sixteen lanes of finest-level dot products in 32 bits; a wrapped
/// `i32::MIN` means +2^31 (see `avx2::decouple`).
#[inline]
#[target_feature(enable = "avx512f,avx512dq")]
unsafe fn fine_angle(dot: __m512i, o_mag: __m512i, t_mag: __m512i, cos_sq: __m512d) -> __mmask16 {
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

/// `restored * gain` clipped to the distorted value where `up` (positive side) or `down`,
/// in doubles as the scalar code computes it, for sixteen 32-bit lanes.
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn gain_f64(
    restored: __m512i,
    t: __m512i,
    up: __mmask16,
    down: __mmask16,
    factor: __m512d,
) -> __m512i {
    let bound = |upper: bool| {
        let amplified = _mm512_mul_pd(_mm512_cvtepi32_pd(half(restored, upper)), factor);
        let t = _mm512_cvtepi32_pd(half(t, upper));
        (
            _mm512_cvttpd_epi32(_mm512_min_pd(amplified, t)),
            _mm512_cvttpd_epi32(_mm512_max_pd(amplified, t)),
        )
    };
    let (low, high) = (bound(false), bound(true));
    let v = _mm512_mask_mov_epi32(restored, up, join(low.0, high.0));
    _mm512_mask_mov_epi32(v, down, join(low.1, high.1))
}

/// One orientation of sixteen finest-level lanes: the restored value (see
/// `avx2::decouple` for the 32-bit ratio).
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn restore_fine<const INTEGER_GAIN: bool>(
    o: __m512i,
    t: __m512i,
    aligned: __mmask16,
    recip: *const i32,
    gain: Gain,
) -> __m512i {
    let zero = _mm512_setzero_si512();
    let r = _mm512_i32gather_epi32::<4>(o, recip.cast());
    let high = _mm512_srai_epi32::<15>(r);
    let low = _mm512_and_si512(r, _mm512_set1_epi32(0x7fff));
    let rounded = _mm512_add_epi32(_mm512_mullo_epi32(low, t), _mm512_set1_epi32(16384));
    let ratio = _mm512_add_epi32(
        _mm512_mullo_epi32(high, t),
        _mm512_srai_epi32::<15>(rounded),
    );
    let k = _mm512_min_epi32(_mm512_max_epi32(ratio, zero), _mm512_set1_epi32(32768));
    let product = _mm512_add_epi32(_mm512_mullo_epi32(k, o), _mm512_set1_epi32(16384));
    let restored = _mm512_srai_epi32::<15>(product);
    let amplify = aligned & _mm512_cmpgt_epi32_mask(k, zero);
    let up = amplify & _mm512_cmpgt_epi32_mask(o, zero);
    let down = amplify & _mm512_cmplt_epi32_mask(o, zero);
    if INTEGER_GAIN {
        let amplified = _mm512_mullo_epi32(restored, _mm512_set1_epi32(gain.integer.unwrap_or(1)));
        let v = _mm512_mask_mov_epi32(restored, up, _mm512_min_epi32(amplified, t));
        _mm512_mask_mov_epi32(v, down, _mm512_max_epi32(amplified, t))
    } else {
        gain_f64(restored, t, up, down, _mm512_set1_pd(gain.factor))
    }
}

/// Decouples one orientation of 32 finest-level samples at `j`: stores the restored
/// and additive parts.
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
#[allow(clippy::too_many_arguments)]
unsafe fn fine_band<const INTEGER_GAIN: bool>(
    o: __m512i,
    t: __m512i,
    aligned: [__mmask16; 2],
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
    let packed = _mm512_packs_epi32(r_a, r_b);
    store(restored.as_mut_ptr().add(j), packed);
    store(additive.as_mut_ptr().add(j), _mm512_sub_epi16(t, packed));
}

/// The vector blocks of [`decouple_fine`], for one gain mode.
#[inline]
#[target_feature(enable = "avx512f,avx512bw,avx512dq")]
unsafe fn fine_blocks<const INTEGER_GAIN: bool>(
    reference: [&[i16]; 3],
    distorted: [&[i16]; 3],
    params: &DecoupleParams,
    [r_h, r_v, r_d]: [&mut [i16]; 3],
    [a_h, a_v, a_d]: [&mut [i16]; 3],
) {
    let n = reference[0].len();
    let recip = params.recip.as_ptr().add(RECIPROCAL_ZERO);
    let cos_sq = _mm512_set1_pd(f64::from(params.cos_sq));
    let gain = Gain::new(params.gain_limit);
    for j in block_starts(n, 32) {
        let [oh, ov, od] = reference.map(|r| load(r.as_ptr().add(j)));
        let [th, tv, td] = distorted.map(|r| load(r.as_ptr().add(j)));
        let po = [_mm512_unpacklo_epi16(oh, ov), _mm512_unpackhi_epi16(oh, ov)];
        let pt = [_mm512_unpacklo_epi16(th, tv), _mm512_unpackhi_epi16(th, tv)];
        let angle = |h: usize| {
            let dot = _mm512_madd_epi16(po[h], pt[h]);
            let o_mag = _mm512_madd_epi16(po[h], po[h]);
            let t_mag = _mm512_madd_epi16(pt[h], pt[h]);
            fine_angle(dot, o_mag, t_mag, cos_sq)
        };
        let aligned = [angle(0), angle(1)];
        fine_band::<INTEGER_GAIN>(oh, th, aligned, recip, gain, r_h, a_h, j);
        fine_band::<INTEGER_GAIN>(ov, tv, aligned, recip, gain, r_v, a_v, j);
        fine_band::<INTEGER_GAIN>(od, td, aligned, recip, gain, r_d, a_d, j);
    }
}

/// Finest-level decoupling of one row.
///
/// # Safety
/// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
pub(in crate::feature::adm::x86) unsafe fn decouple_fine(
    reference: [&[i16]; 3],
    distorted: [&[i16]; 3],
    params: &DecoupleParams,
    out: DecoupledRows<'_, i16>,
) {
    let n = reference[0].len();
    assert!(reference.iter().chain(&distorted).all(|r| r.len() == n));
    assert!(out
        .restored
        .iter()
        .chain(&out.additive)
        .all(|r| r.len() == n));
    assert_eq!(params.recip.len(), 2 * RECIPROCAL_ZERO + 1);
    let DecoupledRows {
        mut restored,
        mut additive,
    } = out;
    let outputs = restored.each_mut().map(|r| &mut **r);
    let differences = additive.each_mut().map(|r| &mut **r);
    if Gain::new(params.gain_limit).integer.is_some() {
        fine_blocks::<true>(reference, distorted, params, outputs, differences);
    } else {
        fine_blocks::<false>(reference, distorted, params, outputs, differences);
    }
    let j = covered(n, 32);
    let rest = DecoupledRows {
        restored: restored.map(|r| &mut r[j..]),
        additive: additive.map(|r| &mut r[j..]),
    };
    avx2::decouple::decouple_fine(
        reference.map(|r| &r[j..]),
        distorted.map(|r| &r[j..]),
        params,
        rest,
    );
}

/// Eight 32-bit lanes (the low or high half) sign-extended to 64 bits.
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn wide(v: __m512i, upper: bool) -> __m512i {
    _mm512_cvtepi32_epi64(half(v, upper))
}

/// The angle test of eight coarse lanes: exact 64-bit dot products (only (-2^31)^2 twice
/// wraps, as in the scalar code), each rounded once to `f32`.
#[inline]
#[target_feature(enable = "avx512f,avx512dq")]
unsafe fn coarse_angle(
    o: &[__m512i; 3],
    t: &[__m512i; 3],
    upper: bool,
    cos_sq: __m512d,
) -> __mmask8 {
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

/// Per-lane constants of sixteen coarse references: the reciprocal of their 15 leading
/// bits (signed like the reference), the ratio's rounding `(int32)(1 << (14 + dropped))`
/// and its shift `15 + dropped`.
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn coarse_reciprocals(o: __m512i, recip: *const i32) -> [__m512i; 3] {
    let zero = _mm512_setzero_si512();
    let one = _mm512_set1_epi32(1);
    let m = _mm512_abs_epi32(o);
    // m >> 8 is exact in f32, so its exponent is floor(log2 m) - 8.
    let float = _mm512_cvtepi32_ps(_mm512_srli_epi32::<8>(m));
    let exponent = _mm512_srli_epi32::<23>(_mm512_castps_si512(float));
    let dropped = _mm512_max_epi32(_mm512_sub_epi32(exponent, _mm512_set1_epi32(133)), zero);
    let half = _mm512_srli_epi32::<1>(_mm512_sllv_epi32(one, dropped));
    let top = _mm512_srlv_epi32(_mm512_add_epi32(m, half), dropped);
    let negative = _mm512_cmplt_epi32_mask(o, zero);
    let index = _mm512_mask_sub_epi32(top, negative, zero, top);
    let round = _mm512_sllv_epi32(one, _mm512_add_epi32(dropped, _mm512_set1_epi32(14)));
    let shift = _mm512_add_epi32(dropped, _mm512_set1_epi32(15));
    [
        _mm512_i32gather_epi32::<4>(index, recip.cast()),
        round,
        shift,
    ]
}

/// One orientation of eight coarse lanes (a half of `o`, `t` and the constants): the
/// restored value after the gain limit.
#[inline]
#[target_feature(enable = "avx512f,avx512dq")]
unsafe fn restore_coarse<const INTEGER_GAIN: bool>(
    (o, t): (__m512i, __m512i),
    [r, round, shift]: [__m512i; 3],
    upper: bool,
    aligned: __mmask8,
    gain: Gain,
) -> __m256i {
    let zero = _mm512_setzero_si512();
    let (o, t, r) = (wide(o, upper), wide(t, upper), wide(r, upper));
    let (round, shift) = (wide(round, upper), wide(shift, upper));
    // (r * t + round) >> shift, clamped to 0..=32768.
    let ratio = _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(r, t), round), shift);
    let k = _mm512_min_epi64(_mm512_max_epi64(ratio, zero), _mm512_set1_epi64(32768));
    let product = _mm512_add_epi64(_mm512_mul_epi32(k, o), _mm512_set1_epi64(16384));
    let restored = _mm512_srai_epi64::<15>(product);
    let amplify = aligned & _mm512_cmpgt_epi64_mask(k, zero);
    let up = amplify & _mm512_cmpgt_epi64_mask(o, zero);
    let down = amplify & _mm512_cmplt_epi64_mask(o, zero);
    let (capped, floored) = if INTEGER_GAIN {
        // Exact in doubles too (below 2^38), so the integer bounds are the scalar ones.
        let g = _mm512_set1_epi64(i64::from(gain.integer.unwrap_or(1)));
        let amplified = _mm512_mul_epi32(restored, g);
        (
            _mm512_min_epi64(amplified, t),
            _mm512_max_epi64(amplified, t),
        )
    } else {
        let amplified = _mm512_mul_pd(_mm512_cvtepi64_pd(restored), _mm512_set1_pd(gain.factor));
        let t = _mm512_cvtepi64_pd(t);
        (
            _mm512_cvttpd_epi64(_mm512_min_pd(amplified, t)),
            _mm512_cvttpd_epi64(_mm512_max_pd(amplified, t)),
        )
    };
    let v = _mm512_mask_mov_epi64(restored, up, capped);
    _mm512_cvtepi64_epi32(_mm512_mask_mov_epi64(v, down, floored))
}

/// The vector blocks of [`decouple_coarse`], for one gain mode.
#[inline]
#[target_feature(enable = "avx512f,avx512dq")]
unsafe fn coarse_blocks<const INTEGER_GAIN: bool>(
    reference: [&[i32]; 3],
    distorted: [&[i32]; 3],
    params: &DecoupleParams,
    restored: [&mut [i32]; 3],
    additive: [&mut [i32]; 3],
) {
    let n = reference[0].len();
    let recip = params.recip.as_ptr().add(RECIPROCAL_ZERO);
    let cos_sq = _mm512_set1_pd(f64::from(params.cos_sq));
    let gain = Gain::new(params.gain_limit);
    for j in block_starts(n, 16) {
        let o = reference.map(|r| load(r.as_ptr().add(j)));
        let t = distorted.map(|r| load(r.as_ptr().add(j)));
        let aligned = [
            coarse_angle(&o, &t, false, cos_sq),
            coarse_angle(&o, &t, true, cos_sq),
        ];
        for b in [H, V, D] {
            let constants = coarse_reciprocals(o[b], recip);
            for (part, upper) in [(0, false), (8, true)] {
                let value = restore_coarse::<INTEGER_GAIN>(
                    (o[b], t[b]),
                    constants,
                    upper,
                    aligned[part / 8],
                    gain,
                );
                store_half(restored[b].as_mut_ptr().add(j + part), value);
                let difference = _mm256_sub_epi32(half(t[b], upper), value);
                store_half(additive[b].as_mut_ptr().add(j + part), difference);
            }
        }
    }
}

/// Coarse decoupling of one row.
///
/// # Safety
/// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
pub(in crate::feature::adm::x86) unsafe fn decouple_coarse(
    reference: [&[i32]; 3],
    distorted: [&[i32]; 3],
    params: &DecoupleParams,
    out: DecoupledRows<'_, i32>,
) {
    let n = reference[0].len();
    assert!(reference.iter().chain(&distorted).all(|r| r.len() == n));
    assert!(out
        .restored
        .iter()
        .chain(&out.additive)
        .all(|r| r.len() == n));
    assert_eq!(params.recip.len(), 2 * RECIPROCAL_ZERO + 1);
    let DecoupledRows {
        mut restored,
        mut additive,
    } = out;
    let outputs = restored.each_mut().map(|r| &mut **r);
    let differences = additive.each_mut().map(|r| &mut **r);
    if Gain::new(params.gain_limit).integer.is_some() {
        coarse_blocks::<true>(reference, distorted, params, outputs, differences);
    } else {
        coarse_blocks::<false>(reference, distorted, params, outputs, differences);
    }
    let j = covered(n, 16);
    let rest = DecoupledRows {
        restored: restored.map(|r| &mut r[j..]),
        additive: additive.map(|r| &mut r[j..]),
    };
    avx2::decouple::decouple_coarse(
        reference.map(|r| &r[j..]),
        distorted.map(|r| &r[j..]),
        params,
        rest,
    );
}
