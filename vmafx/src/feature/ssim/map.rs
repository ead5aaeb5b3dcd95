//! The SSIM map of two equal-sized float images and its means, in libvmaf's mix of
//! `f32` and `f64` arithmetic.

use super::filter::{filter_valid, GAUSSIAN_11, WINDOW};

/// Means of the SSIM map and of its three factors over the valid window positions,
/// each rounded to `f32` as libvmaf returns them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SsimMeans {
    /// Mean of luminance × contrast × structure: the SSIM index.
    pub ssim: f32,
    /// Mean luminance term.
    pub l: f32,
    /// Mean contrast term.
    pub c: f32,
    /// Mean structure term.
    pub s: f32,
}

/// Buffers reused from frame to frame.
#[derive(Debug, Default, Clone)]
pub(crate) struct SsimScratch {
    pub(super) mu_ref: Vec<f32>,
    pub(super) mu_cmp: Vec<f32>,
    pub(super) var_ref: Vec<f32>,
    pub(super) var_cmp: Vec<f32>,
    pub(super) covar: Vec<f32>,
    pub(super) product: Vec<f32>,
    pub(super) cache: Vec<f32>,
    pub(super) acc: Vec<f64>,
}

/// Stabilising constants for a dynamic range of 255 (images are scaled to 8 bits).
pub(super) fn constants() -> (f32, f32, f32) {
    let k1l = 0.01f32 * 255.0;
    let k2l = 0.03f32 * 255.0;
    let c2 = k2l * k2l;
    (k1l * k1l, c2, c2 / 2.0)
}

/// SSIM of `reference` against `distorted` (both `w` × `h`, packed) with the 11×11
/// Gaussian window, averaged over the `(w − 10) × (h − 10)` positions where the
/// window fits. Requires `w, h >= 11`.
pub(crate) fn ssim_means(
    reference: &[f32],
    distorted: &[f32],
    w: usize,
    h: usize,
    scratch: &mut SsimScratch,
) -> SsimMeans {
    debug_assert!(w >= WINDOW && h >= WINDOW, "caller checks the window fits");
    let SsimScratch {
        mu_ref,
        mu_cmp,
        var_ref,
        var_cmp,
        covar,
        product,
        cache,
        acc,
    } = scratch;
    let k = &GAUSSIAN_11;
    let (dw, dh) = filter_valid(reference, w, h, k, mu_ref, cache, acc);
    filter_valid(distorted, w, h, k, mu_cmp, cache, acc);
    let mut second_moment = |f: fn(f32, f32) -> f32, out: &mut Vec<f32>| {
        product.clear();
        product.extend(reference.iter().zip(distorted).map(|(&a, &b)| f(a, b)));
        filter_valid(product, w, h, k, out, cache, acc);
    };
    second_moment(|a, _| a * a, var_ref);
    second_moment(|_, b| b * b, var_cmp);
    second_moment(|a, b| a * b, covar);

    let (c1, c2, c3) = (constants().0, constants().1, constants().2);
    let (mut ssim_sum, mut l_sum, mut c_sum, mut s_sum) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for i in 0..dw * dh {
        let (l, c, s) = window_terms(
            [mu_ref[i], mu_cmp[i], var_ref[i], var_cmp[i], covar[i]],
            (c1, c2, c3),
        );
        ssim_sum += l * c * s;
        l_sum += l;
        c_sum += c;
        s_sum += s;
    }
    let n = (dw * dh) as f64;
    SsimMeans {
        ssim: (ssim_sum / n) as f32,
        l: (l_sum / n) as f32,
        c: (c_sum / n) as f32,
        s: (s_sum / n) as f32,
    }
}

/// Luminance, contrast and structure terms of one window from its filtered statistics
/// `[μ_ref, μ_cmp, E[ref²], E[cmp²], E[ref·cmp]]` and the constants `(C1, C2, C3)`.
#[inline(always)]
pub(super) fn window_terms(stats: [f32; 5], (c1, c2, c3): (f32, f32, f32)) -> (f64, f64, f64) {
    let [mr, mc, var_ref, var_cmp, covar] = stats;
    let sr = non_negative(var_ref - mr * mr);
    let sc = non_negative(var_cmp - mc * mc);
    let src = covar - mr * mc;
    let sigma_product = f64::from(sr * sc).sqrt() as f32;

    let l = (2.0 * f64::from(mr) * f64::from(mc) + f64::from(c1))
        / f64::from(mr * mr + mc * mc + c1);
    let c = (2.0 * f64::from(sigma_product) + f64::from(c2)) / f64::from(sr + sc + c2);
    // Flat, identical windows can leave a tiny negative covariance from rounding;
    // treat it as zero so that such windows score exactly 1.
    let covariance = if src < 0.0 && sigma_product <= 0.0 {
        0.0
    } else {
        src
    };
    let s = f64::from((covariance + c3) / (sigma_product + c3));
    (l, c, s)
}

/// `max(0, v)`, keeping NaN as C's `0.0 > v ? 0.0 : v` does.
#[inline(always)]
fn non_negative(v: f32) -> f32 {
    if 0.0 > v {
        0.0
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constants_match_k1_k2_of_8_bit_range() {
        let (c1, c2, c3) = constants();
        assert!((c1 - 6.5025).abs() < 1e-4);
        assert!((c2 - 58.5225).abs() < 1e-3);
        assert_eq!(c3, c2 / 2.0);
    }

    #[test]
    fn identical_images_score_one() {
        let img: Vec<f32> = (0..20 * 16).map(|i| ((i * 37) % 251) as f32).collect();
        let mut scratch = SsimScratch::default();
        let m = ssim_means(&img, &img, 20, 16, &mut scratch);
        assert_eq!(m.ssim, 1.0);
        assert_eq!((m.l, m.c, m.s), (1.0, 1.0, 1.0));
    }
}
