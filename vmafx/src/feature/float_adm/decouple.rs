//! Splits the distorted detail into what is left of the reference ("restored", the
//! detail loss part) and what was added ("additive" impairment), per band sample.

use super::masking::Region;

/// `n / d` the way libvmaf divides here on x86: multiplication by a refined hardware
/// reciprocal estimate. Elsewhere libvmaf divides, and so do we.
#[inline]
fn divide(n: f32, d: f32) -> f32 {
    n * reciprocal(d)
}

#[cfg(target_arch = "x86_64")]
#[inline]
fn reciprocal(x: f32) -> f32 {
    use std::arch::x86_64::{_mm_cvtss_f32, _mm_rcp_ss, _mm_set_ss};
    // SAFETY: SSE is part of the x86_64 baseline, so these intrinsics are always available.
    let estimate = unsafe { _mm_cvtss_f32(_mm_rcp_ss(_mm_set_ss(x))) };
    // One Newton-Raphson step, as libvmaf refines the estimate.
    estimate + estimate * (1.0 - x * estimate)
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn reciprocal(x: f32) -> f32 {
    1.0 / x
}

/// Restored (`r`) and additive (`a`) detail of one scale, over `region`.
///
/// Per orientation, the restored value is the reference detail scaled by the clamped
/// distorted/reference ratio; where the (horizontal, vertical) detail direction changed
/// by less than one degree, enhancement up to `gain_limit` counts as restored too.
#[allow(clippy::too_many_arguments)]
pub(super) fn decouple(
    reference: &[Vec<f32>; 3],
    distorted: &[Vec<f32>; 3],
    width: usize,
    region: Region,
    gain_limit: f64,
    restored: &mut [Vec<f32>; 3],
    additive: &mut [Vec<f32>; 3],
) {
    let cos_1deg = (1.0 * std::f64::consts::PI / 180.0).cos();
    let cos_1deg_sq = (cos_1deg * cos_1deg) as f32;
    let eps = 1e-30_f64 as f32;
    for i in region.top..region.bottom {
        for j in region.left..region.right {
            let idx = i * width + j;
            let o = [reference[0][idx], reference[1][idx], reference[2][idx]];
            let t = [distorted[0][idx], distorted[1][idx], distorted[2][idx]];

            let dot = o[0] * t[0] + o[1] * t[1];
            let o_mag_sq = o[0] * o[0] + o[1] * o[1];
            let t_mag_sq = t[0] * t[0] + t[1] * t[1];
            let same_angle = dot >= 0.0 && dot * dot >= cos_1deg_sq * o_mag_sq * t_mag_sq;

            for b in 0..3 {
                let k = divide(t[b], o[b] + eps).clamp(0.0, 1.0);
                let mut rst = k * o[b];
                if same_angle {
                    let (boosted, target) = (f64::from(rst) * gain_limit, f64::from(t[b]));
                    if rst > 0.0 {
                        rst = (if boosted < target { boosted } else { target }) as f32;
                    }
                    let boosted = f64::from(rst) * gain_limit;
                    if rst < 0.0 {
                        rst = (if boosted > target { boosted } else { target }) as f32;
                    }
                }
                restored[b][idx] = rst;
                additive[b][idx] = t[b] - rst;
            }
        }
    }
}
