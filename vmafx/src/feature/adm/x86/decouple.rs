//! Decoupling rows, written once over the vector vocabulary.
//!
//! The angle test compares in double precision like the scalar code, on the same `f32`
//! roundings of the integer dot products; each instruction set converts in its own way
//! ([`AdmVectors::fine_angle`], [`AdmVectors::coarse_angle`]). The scalar code divides
//! each product by 4096 first: scaling by powers of two commutes with every rounding here
//! (no value comes near the subnormal or overflow range), so the comparison is unchanged
//! without it.

use super::dwt::load_rows;
use super::{block_starts, covered, AdmVectors};
use crate::feature::adm::decouple::DecoupleParams;
use crate::feature::adm::dwt::{D, H, V};
use crate::feature::adm::fused::scalar_rows::{self, DecoupledRows};
use crate::feature::adm::tables::RECIPROCAL_ZERO;

/// The enhancement gain limit, as an integer when it is one: `restored * gain` is then
/// an exact integer product, and clipping it equals the scalar code's clipping in doubles.
#[derive(Clone, Copy)]
struct Gain {
    /// The limit when it is an integer.
    integer: Option<i32>,
    /// The limit.
    factor: f64,
}

impl Gain {
    /// The gain of limit `limit` (1..=100).
    fn new(limit: f64) -> Self {
        let integer =
            (limit.fract() == 0.0 && (1.0..=100.0).contains(&limit)).then_some(limit as i32);
        Self {
            integer,
            factor: limit,
        }
    }
}

/// The restored value after the gain limit, for `LANES` lanes in any order: where the
/// vectors are aligned and `k > 0`, `restored * gain` clipped to the distorted value.
/// `integer_ok` says whether the 32-bit product of an integer gain cannot overflow.
#[inline(always)]
unsafe fn limit_gain<S: AdmVectors>(
    [restored, k, o, t]: [S::V; 4],
    aligned: S::Mask,
    gain: Gain,
    integer_ok: bool,
) -> S::V {
    // SAFETY: the caller has `S` enabled.
    unsafe {
        let zero = S::zero();
        let amplify = S::both(aligned, S::gt(k, zero));
        let up = S::both(amplify, S::gt(o, zero));
        let down = S::both(amplify, S::gt(zero, o));
        let (capped, floored) = match gain.integer {
            Some(g) if integer_ok => {
                let amplified = S::mul_lo(restored, S::splat(g));
                (S::min(amplified, t), S::max(amplified, t))
            }
            _ => S::gain_f64(restored, t, gain.factor),
        };
        S::select(down, S::select(up, restored, capped), floored)
    }
}

/// One orientation of `LANES` finest-level lanes: the restored value.
#[inline(always)]
unsafe fn restore_fine<S: AdmVectors, const INTEGER_GAIN: bool>(
    o: S::V,
    t: S::V,
    aligned: S::Mask,
    recip: *const i32,
    gain: Gain,
) -> S::V {
    // SAFETY: the caller has `S` enabled and `recip` valid for every 16-bit index.
    unsafe {
        // A zero reference gathers 0 instead of the scalar code's ratio of 1, but restores
        // 0 and is never amplified either way.
        let r = S::gather(recip, o);
        // (r * t + 2^14) >> 15 in 32 bits: r = 2^15 high + low splits off an exact part.
        let high = S::srai::<15>(r);
        let low = S::and(r, S::splat(0x7fff));
        let rounded = S::add(S::mul_lo(low, t), S::splat(16384));
        let ratio = S::add(S::mul_lo(high, t), S::srai::<15>(rounded));
        let k = S::min(S::max(ratio, S::zero()), S::splat(32768));
        let product = S::add(S::mul_lo(k, o), S::splat(16384));
        let restored = S::srai::<15>(product);
        limit_gain::<S>([restored, k, o, t], aligned, gain, INTEGER_GAIN)
    }
}

/// Sign-extends 16-bit lanes to 32 bits in unpack order; `pack_signed` of the two
/// restores the order.
#[inline(always)]
unsafe fn widen_unpacked<S: AdmVectors>(v: S::V) -> (S::V, S::V) {
    // SAFETY: the caller has `S` enabled.
    unsafe {
        (
            S::srai::<16>(S::interleave_lo(v, v)),
            S::srai::<16>(S::interleave_hi(v, v)),
        )
    }
}

/// The per-row constants of the finest level's decoupling.
struct FineConstants {
    recip: *const i32,
    cos_sq: f64,
    gain: Gain,
}

/// Decouples one orientation of `BLOCK` finest-level samples at `j`: stores the restored
/// and additive parts.
#[inline(always)]
unsafe fn fine_band<S: AdmVectors, const INTEGER_GAIN: bool>(
    (o, t): (S::V, S::V),
    aligned: [S::Mask; 2],
    c: &FineConstants,
    (restored, additive): (&mut [i16], &mut [i16]),
    j: usize,
) {
    // SAFETY: `S` is enabled; the caller's block lies inside both rows.
    unsafe {
        let (o_a, o_b) = widen_unpacked::<S>(o);
        let (t_a, t_b) = widen_unpacked::<S>(t);
        let r_a = restore_fine::<S, INTEGER_GAIN>(o_a, t_a, aligned[0], c.recip, c.gain);
        let r_b = restore_fine::<S, INTEGER_GAIN>(o_b, t_b, aligned[1], c.recip, c.gain);
        // Restored values stay within 16 bits; the difference wraps as in C.
        let packed = S::pack_signed(r_a, r_b);
        S::store(restored.as_mut_ptr().add(j), packed);
        S::store(additive.as_mut_ptr().add(j), S::sub16(t, packed));
    }
}

/// The angle test of `BLOCK` finest-level samples, in unpack order.
#[inline(always)]
unsafe fn fine_aligned<S: AdmVectors>(
    o: (S::V, S::V),
    t: (S::V, S::V),
    cos_sq: f64,
) -> [S::Mask; 2] {
    // SAFETY: the caller has `S` enabled.
    unsafe {
        // (h, v) pairs: madd gives the dot products and squared norms.
        let po = [S::interleave_lo(o.0, o.1), S::interleave_hi(o.0, o.1)];
        let pt = [S::interleave_lo(t.0, t.1), S::interleave_hi(t.0, t.1)];
        [
            pair_angle::<S>(po[0], pt[0], cos_sq),
            pair_angle::<S>(po[1], pt[1], cos_sq),
        ]
    }
}

/// The angle test of (h, v) pairs of 16-bit samples.
#[inline(always)]
unsafe fn pair_angle<S: AdmVectors>(o: S::V, t: S::V, cos_sq: f64) -> S::Mask {
    // SAFETY: the caller has `S` enabled.
    unsafe { S::fine_angle(S::madd(o, t), S::madd(o, o), S::madd(t, t), cos_sq) }
}

/// The vector blocks of [`decouple_fine`], for one gain mode; returns the samples done.
#[inline(always)]
unsafe fn fine_blocks<S: AdmVectors, const INTEGER_GAIN: bool>(
    reference: [&[i16]; 3],
    distorted: [&[i16]; 3],
    c: &FineConstants,
    [r_h, r_v, r_d]: [&mut [i16]; 3],
    [a_h, a_v, a_d]: [&mut [i16]; 3],
) -> usize {
    let n = reference[0].len();
    // SAFETY: `S` is enabled; blocks lie inside rows of `n` samples.
    unsafe {
        for j in block_starts(n, S::BLOCK) {
            let [oh, ov, od] = load_rows::<S, _, 3>(reference, j);
            let [th, tv, td] = load_rows::<S, _, 3>(distorted, j);
            let aligned = fine_aligned::<S>((oh, ov), (th, tv), c.cos_sq);
            fine_band::<S, INTEGER_GAIN>((oh, th), aligned, c, (&mut *r_h, &mut *a_h), j);
            fine_band::<S, INTEGER_GAIN>((ov, tv), aligned, c, (&mut *r_v, &mut *a_v), j);
            fine_band::<S, INTEGER_GAIN>((od, td), aligned, c, (&mut *r_d, &mut *a_d), j);
        }
    }
    covered(n, S::BLOCK)
}

/// Finest-level decoupling of one row.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
pub(super) unsafe fn decouple_fine<S: AdmVectors>(
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
    let c = FineConstants {
        // The table's middle: every index -RECIPROCAL_ZERO..=RECIPROCAL_ZERO reads it.
        recip: params.recip.as_ptr().wrapping_add(RECIPROCAL_ZERO),
        cos_sq: f64::from(params.cos_sq),
        gain: Gain::new(params.gain_limit),
    };
    let outputs = out.restored.each_mut().map(|r| &mut **r);
    let differences = out.additive.each_mut().map(|r| &mut **r);
    // SAFETY: `S` is enabled; the sizes are checked above.
    let j = unsafe {
        if c.gain.integer.is_some() {
            fine_blocks::<S, true>(reference, distorted, &c, outputs, differences)
        } else {
            fine_blocks::<S, false>(reference, distorted, &c, outputs, differences)
        }
    };
    scalar_rows::decouple_fine(reference, distorted, params, out, j);
}

/// Per-lane constants of coarse references: the reciprocal of their 15 leading bits
/// (signed like the reference), the ratio's rounding `(int32)(1 << (14 + dropped))` and
/// its shift `15 + dropped`.
#[inline(always)]
unsafe fn coarse_reciprocals<S: AdmVectors>(o: S::V, recip: *const i32) -> [S::V; 3] {
    // SAFETY: the caller has `S` enabled and `recip` valid for every 16-bit index.
    unsafe {
        let zero = S::zero();
        let one = S::splat(1);
        let m = S::abs(o);
        // 2^31 - 1 >> 8 is exact in f32, so its exponent is floor(log2 m) - 8.
        let exponent = S::srli::<23>(S::float_bits(S::srli::<8>(m)));
        let dropped = S::max(S::sub(exponent, S::splat(133)), zero);
        let half = S::srli::<1>(S::sllv(one, dropped));
        let top = S::srlv(S::add(m, half), dropped);
        // The table is odd: the signed index gives the reciprocal times the sign.
        let r = S::gather(recip, S::apply_sign(top, o));
        let round = S::sllv(one, S::add(dropped, S::splat(14)));
        let shift = S::add(dropped, S::splat(15));
        [r, round, shift]
    }
}

/// Coarse decoupling of one row. Blocks the vector angle test cannot decide (a product
/// rounding exactly halfway between two floats, which is very rare) take the scalar path.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
pub(super) unsafe fn decouple_coarse<S: AdmVectors>(
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
    let recip = params.recip.as_ptr().wrapping_add(RECIPROCAL_ZERO);
    let cos_sq = f64::from(params.cos_sq);
    let gain = Gain::new(params.gain_limit);
    for j in block_starts(n, S::LANES) {
        // SAFETY: `S` is enabled; blocks lie inside rows of `n` samples.
        let done = unsafe {
            let o = load_rows::<S, _, 3>(reference, j);
            let t = load_rows::<S, _, 3>(distorted, j);
            let aligned = S::coarse_angle(&o, &t, cos_sq);
            if let Some(aligned) = aligned {
                for b in [H, V, D] {
                    let constants = coarse_reciprocals::<S>(o[b], recip);
                    let (k, restored) = S::coarse_restore(o[b], t[b], constants);
                    // Products of an integer gain may pass 32 bits here: clip in doubles.
                    let value = limit_gain::<S>([restored, k, o[b], t[b]], aligned, gain, false);
                    S::store(out.restored[b].as_mut_ptr().add(j), value);
                    S::store(out.additive[b].as_mut_ptr().add(j), S::sub(t[b], value));
                }
            }
            aligned.is_some()
        };
        if !done {
            let block = j..j + S::LANES;
            let sub = DecoupledRows {
                restored: out.restored.each_mut().map(|r| &mut r[block.clone()]),
                additive: out.additive.each_mut().map(|r| &mut r[block.clone()]),
            };
            let reference = reference.map(|r| &r[block.clone()]);
            let distorted = distorted.map(|r| &r[block.clone()]);
            scalar_rows::decouple_coarse(reference, distorted, params, sub, 0);
        }
    }
    let j = covered(n, S::LANES);
    scalar_rows::decouple_coarse(reference, distorted, params, out, j);
}
