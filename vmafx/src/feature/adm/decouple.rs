//! Decoupling: splits each distorted detail coefficient into the part restored from the
//! reference (`k * ref`, `0 <= k <= 1`) and the additive impairment (the rest).
//!
//! Where the reference and distorted (h, v) vectors point within one degree of each other
//! the distortion is treated as a contrast change, and an enhancement may be kept up to the
//! enhancement gain limit.

use std::f64::consts::PI;

use super::dwt::{Bands, D, H, V};
use super::region::Region;
use super::tables::{reciprocals, RECIPROCAL_ZERO};

/// Restored and additive detail bands of one level, by orientation.
pub(crate) struct Decoupled<T> {
    /// `k * reference`, possibly amplified up to the distorted value.
    pub restored: [Vec<T>; 3],
    /// `distorted - restored`.
    pub additive: [Vec<T>; 3],
}

impl<T: Copy + Default> Decoupled<T> {
    /// Buffers with room for `capacity` samples per band.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            restored: std::array::from_fn(|_| Vec::with_capacity(capacity)),
            additive: std::array::from_fn(|_| Vec::with_capacity(capacity)),
        }
    }

    /// Sizes every band to `len` samples; keeps the memory.
    pub fn resize(&mut self, len: usize) {
        for band in self.restored.iter_mut().chain(&mut self.additive) {
            band.resize(len, T::default());
        }
    }
}

/// `cos(1 degree)^2`, rounded to `f32` as libvmaf keeps it.
pub(crate) fn cos_one_degree_squared() -> f32 {
    let c = (PI / 180.0).cos();
    (c * c) as f32
}

/// Whether the distorted (h, v) vector lies within one degree of the reference one. The
/// products are compared in floating point after a rounding through `f32`.
#[inline]
pub(crate) fn within_one_degree(o: (i64, i64), t: (i64, i64), cos_sq: f32) -> bool {
    // Only -2^31 squared twice could leave 64 bits; wrap as C would there.
    let dot2 = |a: (i64, i64), b: (i64, i64)| a.0.wrapping_mul(b.0).wrapping_add(a.1 * b.1);
    let dot = dot2(o, t);
    let o_mag = dot2(o, o);
    let t_mag = dot2(t, t);
    let scaled = |x: i64| f64::from(x as f32) / 4096.0;
    let dot_f = scaled(dot);
    dot_f >= 0.0 && dot_f * dot_f >= f64::from(cos_sq) * scaled(o_mag) * scaled(t_mag)
}

/// The restored value after the enhancement gain limit: inside one degree, a positive
/// restored part may grow to `gain * restored` but not past the distorted value (and
/// symmetrically for negative ones).
#[inline]
pub(crate) fn limit_gain(
    restored: i64,
    k: i64,
    reference: i64,
    distorted: i64,
    aligned: bool,
    gain: f64,
) -> f64 {
    let amplified = restored as f64 * gain;
    let t = distorted as f64;
    if aligned && k > 0 && reference > 0 {
        amplified.min(t)
    } else if aligned && k > 0 && reference < 0 {
        amplified.max(t)
    } else {
        restored as f64
    }
}

/// Per-level constants of the decoupling step.
#[derive(Clone, Copy)]
pub(crate) struct DecoupleParams {
    /// `2^30 / d` by `d + RECIPROCAL_ZERO`.
    pub recip: &'static [i32],
    /// `cos(1 degree)^2` in `f32`.
    pub cos_sq: f32,
    /// Enhancement gain limit.
    pub gain_limit: f64,
}

impl DecoupleParams {
    /// The constants for `gain_limit`.
    pub fn new(gain_limit: f64) -> Self {
        Self {
            recip: reciprocals(),
            cos_sq: cos_one_degree_squared(),
            gain_limit,
        }
    }
}

/// Decouples one sample of the finest level from the reference (`o`) and distorted (`t`)
/// coefficients by orientation: (restored, additive).
#[inline(always)]
pub(crate) fn decouple_fine_sample(
    o: [i32; 3],
    t: [i32; 3],
    params: &DecoupleParams,
) -> ([i16; 3], [i16; 3]) {
    let aligned = within_one_degree(
        (i64::from(o[H]), i64::from(o[V])),
        (i64::from(t[H]), i64::from(t[V])),
        params.cos_sq,
    );
    let mut restored_out = [0i16; 3];
    let mut additive_out = [0i16; 3];
    for b in [H, V, D] {
        let ratio = if o[b] == 0 {
            32768
        } else {
            let r = i64::from(params.recip[(o[b] + RECIPROCAL_ZERO as i32) as usize]);
            ((r * i64::from(t[b]) + 16384) >> 15) as i32
        };
        let k = ratio.clamp(0, 32768);
        let restored = ((k * o[b] + 16384) >> 15) as i16;
        let restored = limit_gain(
            i64::from(restored),
            i64::from(k),
            i64::from(o[b]),
            i64::from(t[b]),
            aligned,
            params.gain_limit,
        ) as i16;
        restored_out[b] = restored;
        additive_out[b] = (t[b] - i32::from(restored)) as i16;
    }
    (restored_out, additive_out)
}

/// Decouples the finest level's 16-bit bands over `region`.
pub(crate) fn decouple_fine(
    reference: &Bands<i16>,
    distorted: &Bands<i16>,
    region: Region,
    gain_limit: f64,
    out: &mut Decoupled<i16>,
) {
    let params = DecoupleParams::new(gain_limit);
    let stride = reference.width;
    for i in region.rows() {
        for j in region.cols() {
            let at = i * stride + j;
            let o = [H, V, D].map(|b| i32::from(reference.detail[b][at]));
            let t = [H, V, D].map(|b| i32::from(distorted.detail[b][at]));
            let (restored, additive) = decouple_fine_sample(o, t, &params);
            for b in [H, V, D] {
                out.restored[b][at] = restored[b];
                out.additive[b][at] = additive[b];
            }
        }
    }
}

/// A 32-bit magnitude reduced to at most 15 significant bits (rounded), with the number
/// of bits dropped. The result may reach 32768 when rounding carries.
#[inline]
pub(crate) fn best_15_bits(magnitude: u32) -> (u32, u32) {
    if magnitude < 32768 {
        return (magnitude, 0);
    }
    let dropped = 17 - magnitude.leading_zeros();
    let reduced = magnitude.wrapping_add(1 << (dropped - 1)) >> dropped;
    (reduced & 0xffff, dropped)
}

/// `distorted / reference` in Q15, through the reciprocal table on the reference's 15
/// most significant bits.
#[inline]
pub(crate) fn coarse_ratio(reference: i32, distorted: i32, recip: &[i32]) -> i64 {
    if reference == 0 {
        return 32768;
    }
    let (top_bits, dropped) = best_15_bits(reference.unsigned_abs());
    let sign: i64 = if reference < 0 { -1 } else { 1 };
    let r = i64::from(recip[top_bits as usize + RECIPROCAL_ZERO]);
    let round = i64::from(1i32.wrapping_shl(14 + dropped));
    (r * i64::from(distorted) * sign + round) >> (15 + dropped)
}

/// Decouples one sample of a coarse level: (restored, additive) by orientation.
#[inline(always)]
pub(crate) fn decouple_coarse_sample(
    o: [i32; 3],
    t: [i32; 3],
    params: &DecoupleParams,
) -> ([i32; 3], [i32; 3]) {
    let aligned = within_one_degree(
        (i64::from(o[H]), i64::from(o[V])),
        (i64::from(t[H]), i64::from(t[V])),
        params.cos_sq,
    );
    let mut restored_out = [0i32; 3];
    let mut additive_out = [0i32; 3];
    for b in [H, V, D] {
        let k = coarse_ratio(o[b], t[b], params.recip).clamp(0, 32768);
        let restored = ((k * i64::from(o[b]) + 16384) >> 15) as i32;
        let restored = limit_gain(
            i64::from(restored),
            k,
            i64::from(o[b]),
            i64::from(t[b]),
            aligned,
            params.gain_limit,
        ) as i32;
        restored_out[b] = restored;
        additive_out[b] = t[b].wrapping_sub(restored);
    }
    (restored_out, additive_out)
}

/// Decouples a coarse level's 32-bit bands over `region`.
pub(crate) fn decouple_coarse(
    reference: &Bands<i32>,
    distorted: &Bands<i32>,
    region: Region,
    gain_limit: f64,
    out: &mut Decoupled<i32>,
) {
    let params = DecoupleParams::new(gain_limit);
    let stride = reference.width;
    for i in region.rows() {
        for j in region.cols() {
            let at = i * stride + j;
            let o = [H, V, D].map(|b| reference.detail[b][at]);
            let t = [H, V, D].map(|b| distorted.detail[b][at]);
            let (restored, additive) = decouple_coarse_sample(o, t, &params);
            for b in [H, V, D] {
                out.restored[b][at] = restored[b];
                out.additive[b][at] = additive[b];
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_15_bits_rounds_and_carries() {
        assert_eq!(best_15_bits(1234), (1234, 0));
        assert_eq!(best_15_bits(32768), (16384, 1));
        assert_eq!(best_15_bits(65535), (32768, 1));
        assert_eq!(best_15_bits(1 << 20), (16384, 6));
    }

    #[test]
    fn equal_coefficients_restore_fully() {
        let recip = reciprocals();
        for v in [-70000, -3, 1, 5, 40000, 1 << 24] {
            assert_eq!(coarse_ratio(v, v, recip).clamp(0, 32768), 32768, "{v}");
        }
    }

    #[test]
    fn angle_test() {
        let c = cos_one_degree_squared();
        assert!(within_one_degree((100, 0), (200, 1), c));
        assert!(!within_one_degree((100, 0), (100, 10), c));
        assert!(!within_one_degree((100, 0), (-100, 0), c));
    }
}
