//! Contrast sensitivity weights of the wavelet bands, per scale and orientation.
//!
//! The arithmetic mixes `f32` and `f64` exactly where libvmaf's C does (float variables,
//! double library calls), because the fixed-point weights are truncations of these values.

use std::f64::consts::PI;

use super::options::{AdmOptions, CsfMode};
use super::tables::{
    BlendEntry, BARTEN_ANCHORS, BARTEN_MTF_A, BARTEN_MTF_B, BARTEN_PARAMS, BARTEN_SA, BLEND_CSF,
    BLEND_CSF_MAE, CSF_LUMINANCE, WATSON_AMPLITUDES, WATSON_LUMA,
};

/// CSF weights of one scale, by orientation: horizontal, vertical, diagonal.
pub(crate) type BandWeights = [f32; 3];

/// The CSF weights of the four scales (finest first) for these options.
///
/// Options must have passed [`AdmOptions::validate`]: the blended modes then find their row.
pub(crate) fn scale_weights(options: &AdmOptions) -> [BandWeights; 4] {
    std::array::from_fn(|scale| {
        let (straight, diagonal) = match options.csf_mode {
            CsfMode::Watson97 => (
                1.0 / watson_quant_step(scale, 1, options),
                1.0 / watson_quant_step(scale, 2, options),
            ),
            CsfMode::Barten => (
                barten_csf(scale, options, options.csf_scale),
                barten_csf(scale, options, options.csf_diag_scale),
            ),
            CsfMode::BartenWatsonBlend | CsfMode::BartenWatsonBlendMae => {
                let weights = blend_entry(options).map_or([[0.0; 4]; 2], |entry| entry.2);
                (weights[0][scale], weights[1][scale])
            }
        };
        [straight, straight, diagonal]
    })
}

/// The finest scale's weights in fixed point: Q21 for h/v, Q23 for the diagonal.
///
/// At the default viewing condition with the Watson CSF these are fixed constants, as in
/// libvmaf; otherwise they are truncations of the float weights.
pub(crate) fn fine_fixed_weights(options: &AdmOptions, weights: &BandWeights) -> [u16; 3] {
    let view = options.norm_view_dist * f64::from(options.ref_display_height);
    if (view - 3.0 * 1080.0).abs() < 1.0e-8 && options.csf_mode == CsfMode::Watson97 {
        return [36453, 36453, 49417];
    }
    let q21 = 2f64.powf(21.0);
    let q23 = 2f64.powf(23.0);
    [
        c_double_to_u16(f64::from(weights[0]) * q21),
        c_double_to_u16(f64::from(weights[1]) * q21),
        c_double_to_u16(f64::from(weights[2]) * q23),
    ]
}

/// A coarse scale's weights in Q32.
pub(crate) fn coarse_fixed_weights(weights: &BandWeights) -> [u32; 3] {
    let q32 = 2f64.powf(32.0);
    weights.map(|w| c_double_to_u32(f64::from(w) * q32))
}

/// The table row of the blended CSF modes for these options, if tabulated.
pub(crate) fn blend_entry(options: &AdmOptions) -> Option<&'static BlendEntry> {
    let table: &[BlendEntry] = match options.csf_mode {
        CsfMode::BartenWatsonBlendMae => &BLEND_CSF_MAE,
        _ => &BLEND_CSF,
    };
    table.iter().find(|(height, dist, _)| {
        *height == options.ref_display_height && *dist == options.norm_view_dist
    })
}

/// Display visual resolution in pixels per degree of visual angle (56.55 by default).
fn pixels_per_degree(options: &AdmOptions) -> f32 {
    (options.norm_view_dist * f64::from(options.ref_display_height) * PI / 180.0) as f32
}

/// Watson's visibility threshold (quantisation step) of level `lambda`, orientation
/// `theta` (1: lh, 2: hh) for luma.
fn watson_quant_step(lambda: usize, theta: usize, options: &AdmOptions) -> f32 {
    let p = &WATSON_LUMA;
    let r = pixels_per_degree(options);
    let octave = 2f64.powf((lambda + 1) as f64);
    let temp = (octave * f64::from(p.f0) * f64::from(p.g[theta]) / f64::from(r)).log10() as f32;
    let exponent = p.k * temp * temp;
    (2.0 * f64::from(p.a) * 10f64.powf(f64::from(exponent))
        / f64::from(WATSON_AMPLITUDES[lambda][theta])) as f32
}

/// Barten's CSF (HDR-VDP 2 form) at the nominal frequency of level `lambda`, scaled.
fn barten_csf(lambda: usize, options: &AdmOptions, scale: f64) -> f32 {
    let r = pixels_per_degree(options);
    let frequency = (f64::from(r) / 2f64.powf((lambda + 1) as f64)) as f32;

    let low = f64::from(BARTEN_ANCHORS[0]);
    let high = f64::from(BARTEN_ANCHORS[5]);
    let lum = CSF_LUMINANCE.clamp(low, high);
    let (left, right) = (0..5)
        .find(|&i| lum >= f64::from(BARTEN_ANCHORS[i]) && lum <= f64::from(BARTEN_ANCHORS[i + 1]))
        .map_or((0, 0), |i| (i, i + 1));

    let left_pos = f64::from(BARTEN_ANCHORS[left]).log10() as f32;
    let right_pos = f64::from(BARTEN_ANCHORS[right]).log10() as f32;
    let sample_pos = lum.log10() as f32;
    let p: [f32; 4] = std::array::from_fn(|k| {
        let (lv, rv) = (BARTEN_PARAMS[left][k + 1], BARTEN_PARAMS[right][k + 1]);
        lv + ((rv - lv) / (right_pos - left_pos)) * (sample_pos - left_pos)
    });

    let a = (1.0 + f64::from(p[0] * frequency).powf(f64::from(p[1]))) as f32;
    let falloff = f64::from(frequency / 7.0);
    let b = (1.0 / (1.0 - (-(falloff * falloff)).exp()).powf(f64::from(p[2]))) as f32;
    let neural = (f64::from(p[3]) / f64::from(a * b).powf(0.5)) as f32;

    let product =
        neural * barten_mtf(frequency) * barten_rod_cone_sensitivity(CSF_LUMINANCE as f32);
    (f64::from(product) * scale) as f32
}

/// The eye's optical modulation transfer function.
fn barten_mtf(frequency: f32) -> f32 {
    let mut mtf = 0.0f32;
    for (a, b) in BARTEN_MTF_A.iter().zip(BARTEN_MTF_B) {
        mtf = (f64::from(mtf) + f64::from(*a) * f64::from(-b * frequency).exp()) as f32;
    }
    mtf
}

/// Luminance-dependent sensitivity of rods and cones.
fn barten_rod_cone_sensitivity(luminance: f32) -> f32 {
    let [peak, drop, slope, low_slope] = BARTEN_SA;
    let ratio = f64::from(drop / luminance).powf(f64::from(slope));
    (f64::from(peak) * (ratio + 1.0).powf(f64::from(-low_slope))) as f32
}

/// `(uint16_t)x` as x86-64 C compilers emit it: truncate to a 32-bit integer (the
/// "integer indefinite" 0x80000000 when out of range), keep the low 16 bits.
fn c_double_to_u16(x: f64) -> u16 {
    if x > -2_147_483_649.0 && x < 2_147_483_648.0 {
        x as i32 as u16
    } else {
        0
    }
}

/// `(uint32_t)x` as x86-64 C compilers emit it: truncate to a 64-bit integer (0 low bits
/// when out of range), keep the low 32 bits.
fn c_double_to_u32(x: f64) -> u32 {
    if x > -9.223_372_036_854_775e18 && x < 9.223_372_036_854_775e18 {
        x as i64 as u32
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_watson_weights_match_the_fixed_constants() {
        let options = AdmOptions::default();
        let weights = scale_weights(&options);
        let computed = [
            c_double_to_u16(f64::from(weights[0][0]) * 2f64.powf(21.0)),
            c_double_to_u16(f64::from(weights[0][2]) * 2f64.powf(23.0)),
        ];
        // libvmaf's constants sit a few units above the truncated float weights.
        assert_eq!(computed, [36451, 49414]);
        assert_eq!(
            fine_fixed_weights(&options, &weights[0]),
            [36453, 36453, 49417]
        );
        // Coarser scales are more visible, so their weights grow.
        assert!(weights[1][0] > weights[0][0] && weights[3][0] > weights[2][0]);
    }

    #[test]
    fn barten_and_blend_weights_are_positive() {
        for mode in [
            CsfMode::Barten,
            CsfMode::BartenWatsonBlend,
            CsfMode::BartenWatsonBlendMae,
        ] {
            let options = AdmOptions {
                csf_mode: mode,
                ..AdmOptions::default()
            };
            for w in scale_weights(&options).iter().flatten() {
                assert!(*w > 0.0 && w.is_finite(), "{mode:?}: {w}");
            }
        }
    }
}
