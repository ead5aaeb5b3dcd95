//! The CIEDE2000 colour difference ΔE00 between two L*a*b* colours, in the precision
//! libvmaf computes it: most named quantities are rounded to `f32`, while the
//! expressions between them are evaluated in `f64` (or `f32` where libvmaf does).
//!
//! Two details follow libvmaf rather than the CIE text, because scores must match:
//! the mean hue adds 2π whenever the hues are more than π apart (the standard
//! subtracts 2π when their sum is already 2π or more), and the hue difference is zero
//! when either *unadjusted* chroma C*ab is zero.

use std::f64::consts::PI;

use super::color::Lab;

/// Parametric weights `k_L`, `k_C`, `k_H`.
pub(super) type Weights = [f32; 3];

/// The weights libvmaf uses: `k_L = 0.65`, `k_C = 1`, `k_H = 4`.
pub(super) const LIBVMAF_WEIGHTS: Weights = [0.65, 1.0, 4.0];

/// `25^7` rounded to `f32`, as the single-precision R_T term uses it.
const TWENTY_FIVE_POW_7_F32: f32 = 6_103_515_625.0;
/// `25^7`, exact in `f64`.
const TWENTY_FIVE_POW_7: f64 = 6_103_515_625.0;

/// ΔE00 between `c1` and `c2`.
pub(super) fn delta_e_2000(c1: Lab, c2: Lab, [k_l, k_c, k_h]: Weights) -> f32 {
    let delta_l = c2.l - c1.l;
    let l_bar = (c1.l + c2.l) / 2.0;

    let chroma_1 = hypot(f64::from(c1.a), f64::from(c1.b));
    let chroma_2 = hypot(f64::from(c2.a), f64::from(c2.b));
    let chroma_bar = f64::from((chroma_1 + chroma_2) / 2.0);
    let g = 1.0 - (chroma_bar.powf(7.0) / (chroma_bar.powf(7.0) + TWENTY_FIVE_POW_7)).sqrt();
    let a_prime_1 = (f64::from(c1.a) + f64::from(c1.a / 2.0) * g) as f32;
    let a_prime_2 = (f64::from(c2.a) + f64::from(c2.a / 2.0) * g) as f32;

    let c_prime_1 = hypot(f64::from(a_prime_1), f64::from(c1.b));
    let c_prime_2 = hypot(f64::from(a_prime_2), f64::from(c2.b));
    let c_bar_prime = (c_prime_1 + c_prime_2) / 2.0;
    let delta_c_prime = c_prime_2 - c_prime_1;

    let l_offset = f64::from(l_bar - 50.0);
    let l_offset_sq = l_offset * l_offset;
    let s_l = (1.0 + (0.015 * l_offset_sq) / (20.0 + l_offset_sq).sqrt()) as f32;
    let s_c = (1.0 + 0.045 * f64::from(c_bar_prime)) as f32;

    let h_prime_1 = hue_angle(c1.b, a_prime_1);
    let h_prime_2 = hue_angle(c2.b, a_prime_2);
    let delta_h_prime = hue_difference(chroma_1, chroma_2, h_prime_1, h_prime_2);
    let delta_big_h = (2.0
        * f64::from(c_prime_1 * c_prime_2).sqrt()
        * (f64::from(delta_h_prime) / 2.0).sin()) as f32;
    let h_bar_prime = mean_hue(h_prime_1, h_prime_2);
    let t = hue_weighting(h_bar_prime);
    let s_h = (1.0 + 0.015 * f64::from(c_bar_prime) * f64::from(t)) as f32;
    let r_t = rotation(c_bar_prime, h_bar_prime);

    let lightness = delta_l / (k_l * s_l);
    let chroma = delta_c_prime / (k_c * s_c);
    let hue = delta_big_h / (k_h * s_h);
    let (lf, cf, hf) = (f64::from(lightness), f64::from(chroma), f64::from(hue));
    (lf * lf + cf * cf + hf * hf + f64::from(r_t * chroma * hue)).sqrt() as f32
}

/// `sqrt(x² + y²)` evaluated plainly in `f64` (not `f64::hypot`, which rounds
/// differently), then rounded to `f32`.
#[inline]
fn hypot(x: f64, y: f64) -> f32 {
    (x * x + y * y).sqrt() as f32
}

/// Hue angle `atan2(b, a′)` in `0..2π`; zero for the achromatic point.
fn hue_angle(b: f32, a_prime: f32) -> f32 {
    if b == 0.0 && a_prime == 0.0 {
        return 0.0;
    }
    let h = f64::from(b).atan2(f64::from(a_prime)) as f32;
    if h < 0.0 {
        (f64::from(h) + 2.0 * PI) as f32
    } else {
        h
    }
}

/// Δh′: the signed hue difference folded into `−π..=π`.
fn hue_difference(chroma_1: f32, chroma_2: f32, h1: f32, h2: f32) -> f32 {
    if chroma_1 == 0.0 || chroma_2 == 0.0 {
        return 0.0;
    }
    let diff = h2 - h1;
    if f64::from((h1 - h2).abs()) <= PI {
        diff
    } else if h2 <= h1 {
        (f64::from(diff) + 2.0 * PI) as f32
    } else {
        (f64::from(diff) - 2.0 * PI) as f32
    }
}

/// H̄′, the mean hue.
fn mean_hue(h1: f32, h2: f32) -> f32 {
    let sum = f64::from(h1 + h2);
    if f64::from(h1 - h2).abs() > PI {
        ((sum + 2.0 * PI) / 2.0) as f32
    } else {
        (sum / 2.0) as f32
    }
}

/// T, the hue-dependent weighting of S_H.
fn hue_weighting(h_bar: f32) -> f32 {
    let h = f64::from(h_bar);
    (1.0 - 0.17 * (h - PI / 6.0).cos()
        + 0.24 * (2.0 * h).cos()
        + 0.32 * (3.0 * h + PI / 30.0).cos()
        - 0.20 * (4.0 * h - 7.0 * PI / 20.0).cos()) as f32
}

/// R_T, the blue-region rotation term.
fn rotation(c_bar_prime: f32, h_bar: f32) -> f32 {
    let degrees = (f64::from(h_bar) * (180.0 / PI)) as f32;
    let offset = ((f64::from(degrees) - 275.0) * (1.0 / 25.0)) as f32;
    let c7 = c_bar_prime.powf(7.0);
    let weight = f64::from(c7 / (c7 + TWENTY_FIVE_POW_7_F32)).sqrt();
    let twice_delta_theta = (60.0 * f64::from(-(offset * offset)).exp()) as f32;
    let radians = (f64::from(twice_delta_theta) * (PI / 180.0)) as f32;
    (-2.0 * weight * f64::from(radians).sin()) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab(l: f32, a: f32, b: f32) -> Lab {
        Lab { l, a, b }
    }

    #[test]
    fn identical_colours_differ_by_zero() {
        let c = lab(52.0, -13.5, 40.25);
        assert_eq!(delta_e_2000(c, c, LIBVMAF_WEIGHTS), 0.0);
    }

    /// Pairs from Sharma, Wu and Dalal (2005), the CIEDE2000 test data, with unit
    /// weights. Pairs whose hues straddle 0 so that libvmaf's mean hue departs from the
    /// standard are left out.
    #[test]
    fn matches_published_test_data() {
        let cases: [([f32; 3], [f32; 3], f32); 12] = [
            ([50.0, 2.6772, -79.7751], [50.0, 0.0, -82.7485], 2.0425),
            ([50.0, 3.1571, -77.2803], [50.0, 0.0, -82.7485], 2.8615),
            ([50.0, 2.8361, -74.0200], [50.0, 0.0, -82.7485], 3.4412),
            ([50.0, 0.0, 0.0], [50.0, -1.0, 2.0], 2.3669),
            ([50.0, 2.5, 0.0], [50.0, 3.1736, 0.5854], 1.0000),
            ([50.0, 2.5, 0.0], [50.0, 3.2972, 0.0], 1.0000),
            (
                [60.2574, -34.0099, 36.2677],
                [60.4626, -34.1751, 39.4387],
                1.2644,
            ),
            (
                [63.0109, -31.0961, -5.8663],
                [62.8187, -29.7946, -4.0864],
                1.2630,
            ),
            (
                [35.0831, -44.1164, 3.7933],
                [35.0232, -40.0716, 1.5901],
                1.8645,
            ),
            (
                [22.7233, 20.0904, -46.6940],
                [23.0331, 14.9730, -42.5619],
                2.0373,
            ),
            (
                [36.4612, 47.8580, 18.3852],
                [36.2715, 50.5065, 21.2231],
                1.4146,
            ),
            (
                [90.9257, -0.5406, -0.9208],
                [88.6381, -0.8985, -0.7239],
                1.5381,
            ),
        ];
        for (a, b, expected) in cases {
            let got = delta_e_2000(lab(a[0], a[1], a[2]), lab(b[0], b[1], b[2]), [1.0; 3]);
            assert!(
                (got - expected).abs() < 2e-4,
                "{a:?} {b:?}: {got} vs {expected}"
            );
        }
    }
}
