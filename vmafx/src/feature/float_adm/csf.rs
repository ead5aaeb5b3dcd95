//! Contrast sensitivity: the weight each scale's detail bands get before masking.
//!
//! Three models, as libvmaf's `adm_csf_mode` selects them: Watson's wavelet quantisation
//! thresholds (the default), Barten's CSF (mode 1) and the DLM paper's CSF (mode 2).
//! Intermediate precision (float vs double) follows libvmaf, since the factors feed
//! every score.

use std::f64::consts::PI;

use super::masking::Region;

/// Which contrast sensitivity model weights the bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CsfModel {
    /// Watson et al. 1997 wavelet thresholds (modes 0 and 3..=9).
    Watson,
    /// Barten's CSF as used in HDR-VDP-2 (mode 1).
    Barten,
    /// The CSF of the DLM paper (mode 2).
    Dlm,
}

impl CsfModel {
    pub(super) fn from_mode(mode: i32) -> Self {
        match mode {
            1 => Self::Barten,
            2 => Self::Dlm,
            _ => Self::Watson,
        }
    }
}

/// Viewing conditions and overrides that decide the factors.
#[derive(Debug, Clone, Copy)]
pub(super) struct CsfParams {
    pub model: CsfModel,
    pub norm_view_dist: f64,
    pub ref_display_height: i32,
    pub csf_scale: f64,
    pub csf_diag_scale: f64,
    /// Per-scale overrides of the horizontal/vertical factor (used when >= 0).
    pub factor1: [f64; 4],
    /// Per-scale overrides of the diagonal factor (used when >= 0).
    pub factor2: [f64; 4],
}

/// Luminance (cd/m2) the Barten CSF is evaluated at.
const LUMINANCE_LEVEL: f64 = 100.0;

/// Display resolution in pixels per degree of visual angle.
fn pixels_per_degree(p: &CsfParams) -> f32 {
    (p.norm_view_dist * f64::from(p.ref_display_height) * PI / 180.0) as f32
}

/// Band weights `[horizontal, vertical, diagonal]` of scale `scale` (0 = finest).
pub(super) fn band_factors(p: &CsfParams, scale: usize) -> [f32; 3] {
    let (mut f1, mut f2) = match p.model {
        CsfModel::Watson => (
            1.0 / watson_quant_step(p, scale, 1),
            1.0 / watson_quant_step(p, scale, 2),
        ),
        CsfModel::Barten => (
            barten_csf(p, scale, p.csf_scale),
            barten_csf(p, scale, p.csf_diag_scale),
        ),
        CsfModel::Dlm => (dlm_csf(p, scale, false), dlm_csf(p, scale, true)),
    };
    if p.factor1[scale] >= 0.0 {
        f1 = p.factor1[scale] as f32;
    }
    if p.factor2[scale] >= 0.0 {
        f2 = p.factor2[scale] as f32;
    }
    [f1, f1, f2]
}

/// Watson's model parameters for luma: a, k, f0 and g per orientation.
const WATSON_A: f32 = 0.495_f64 as f32;
const WATSON_K: f32 = 0.466_f64 as f32;
const WATSON_F0: f32 = 0.401_f64 as f32;
const WATSON_G: [f32; 4] = [1.501_f64 as f32, 1.0, 0.534_f64 as f32, 1.0];

/// Basis function amplitudes A(lambda, theta) of the 7-9 biorthogonal wavelet. The
/// tables below are kept in double and rounded to single at use, as C initialises its
/// float tables from double literals.
const BASIS_AMPLITUDES: [[f64; 4]; 6] = [
    [0.62171, 0.67234, 0.72709, 0.67234],
    [0.34537, 0.41317, 0.49428, 0.41317],
    [0.18004, 0.22727, 0.28688, 0.22727],
    [0.091401, 0.11792, 0.15214, 0.11792],
    [0.045943, 0.059758, 0.077727, 0.059758],
    [0.023013, 0.030018, 0.039156, 0.030018],
];

/// Watson's visibility threshold (quantisation step) of a band; theta 1 is
/// horizontal/vertical, 2 diagonal.
fn watson_quant_step(p: &CsfParams, lambda: usize, theta: usize) -> f32 {
    let r = pixels_per_degree(p);
    let frequency =
        2f64.powf((lambda + 1) as f64) * f64::from(WATSON_F0) * f64::from(WATSON_G[theta])
            / f64::from(r);
    let temp = frequency.log10() as f32;
    let exponent = WATSON_K * temp * temp;
    (2.0 * f64::from(WATSON_A) * 10f64.powf(f64::from(exponent))
        / f64::from(BASIS_AMPLITUDES[lambda][theta] as f32)) as f32
}

/// Nominal spatial frequency of scale `lambda`: half the display resolution at scale 0.
fn spatial_frequency(p: &CsfParams, lambda: usize) -> f32 {
    (f64::from(pixels_per_degree(p)) / 2f64.powf((lambda + 1) as f64)) as f32
}

/// The DLM paper's CSF; `diagonal` applies the oblique effect.
fn dlm_csf(p: &CsfParams, lambda: usize, diagonal: bool) -> f32 {
    let mut f = spatial_frequency(p, lambda);
    if diagonal {
        f = (f64::from(f) / 0.7) as f32;
    }
    let f = f64::from(f);
    ((0.31 + 0.69 * f) * (-0.29 * f).exp()) as f32
}

const BARTEN_ANCHORS: [f64; 6] = [0.002, 0.02, 0.2, 2.0, 20.0, 150.0];
const BARTEN_PARAMS: [[f64; 5]; 6] = [
    [0.0160737, 0.991265, 3.74038, 0.50722, 4.46044],
    [0.383873, 0.800889, 3.54104, 0.682505, 4.94958],
    [0.929301, 0.476505, 4.37453, 0.750315, 5.28678],
    [1.29776, 0.405782, 4.40602, 0.935314, 5.61425],
    [1.49222, 0.334278, 3.79542, 1.07327, 6.4635],
    [1.46213, 0.394533, 2.7755, 1.16577, 7.45665],
];
const BARTEN_SA: [f64; 4] = [30.162, 4.0627, 1.6596, 0.2712];
const BARTEN_MTF_A: [f32; 4] = [
    0.424838596301290_f64 as f32,
    0.572435103936480_f64 as f32,
    0.000167576239164937_f64 as f32,
    0.00255872352306433_f64 as f32,
];
const BARTEN_MTF_B: [f64; 4] = [0.028, 0.37, 37.0, 360.0];

fn lerp(left_pos: f32, left: f32, right_pos: f32, right: f32, pos: f32) -> f32 {
    left + ((right - left) / (right_pos - left_pos)) * (pos - left_pos)
}

/// Luminance-dependent (rod/cone) sensitivity.
fn barten_rod_cone(luminance: f32) -> f32 {
    let sa = BARTEN_SA.map(|v| v as f32);
    let drop = f64::from(sa[1] / luminance);
    let inner = drop.powf(f64::from(sa[2])) + 1.0;
    (f64::from(sa[0]) * inner.powf(f64::from(-sa[3]))) as f32
}

/// Optical modulation transfer function.
fn barten_mtf(frequency: f32) -> f32 {
    let mut mtf = 0.0f32;
    for (a, b) in BARTEN_MTF_A.iter().zip(BARTEN_MTF_B) {
        let decay = f64::from(-(b as f32) * frequency).exp();
        mtf = (f64::from(mtf) + f64::from(*a) * decay) as f32;
    }
    mtf
}

/// Barten's CSF at scale `lambda`, times `scale_factor`.
fn barten_csf(p: &CsfParams, lambda: usize, scale_factor: f64) -> f32 {
    let frequency = spatial_frequency(p, lambda);
    let anchors = BARTEN_ANCHORS.map(|v| v as f32);
    let (low, high) = (f64::from(anchors[0]), f64::from(anchors[5]));
    let lum = if LUMINANCE_LEVEL > high {
        high
    } else if LUMINANCE_LEVEL < low {
        low
    } else {
        LUMINANCE_LEVEL
    };
    let (mut left, mut right) = (0, 0);
    for i in 0..5 {
        if lum >= f64::from(anchors[i]) && lum <= f64::from(anchors[i + 1]) {
            (left, right) = (i, i + 1);
            break;
        }
    }
    let left_pos = f64::from(anchors[left]).log10() as f32;
    let right_pos = f64::from(anchors[right]).log10() as f32;
    let pos = lum.log10() as f32;
    let param = |k: usize| {
        let (l, r) = (
            BARTEN_PARAMS[left][k] as f32,
            BARTEN_PARAMS[right][k] as f32,
        );
        lerp(left_pos, l, right_pos, r, pos)
    };
    let (p0, p1, p2, p3) = (param(1), param(2), param(3), param(4));

    let a = (1.0 + f64::from(p0 * frequency).powf(f64::from(p1))) as f32;
    let falloff = f64::from(frequency / 7.0).powf(2.0);
    let b = (1.0 / (1.0 - (-falloff).exp()).powf(f64::from(p2))) as f32;
    let csf = (f64::from(p3) / f64::from(a * b).powf(0.5)) as f32;
    let product = csf * barten_mtf(frequency) * barten_rod_cone(LUMINANCE_LEVEL as f32);
    (f64::from(product) * scale_factor) as f32
}

/// Weighted bands: `scaled = factor * band` and `filtered = |scaled| / 30` (the mask's
/// neighbourhood weight), over `region`.
pub(super) fn weight_bands(
    bands: &[Vec<f32>; 3],
    factors: [f32; 3],
    width: usize,
    region: Region,
    scaled: &mut [Vec<f32>; 3],
    filtered: &mut [Vec<f32>; 3],
) {
    const ONE_BY_30: f64 = 0.0333333351;
    for o in 0..3 {
        for i in region.top..region.bottom {
            let row = i * width;
            for j in region.left..region.right {
                let v = factors[o] * bands[o][row + j];
                scaled[o][row + j] = v;
                filtered[o][row + j] = (ONE_BY_30 * f64::from(v.abs())) as f32;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(model: CsfModel) -> CsfParams {
        CsfParams {
            model,
            norm_view_dist: 3.0,
            ref_display_height: 1080,
            csf_scale: 1.0,
            csf_diag_scale: 1.0,
            factor1: [-1.0; 4],
            factor2: [-1.0; 4],
        }
    }

    #[test]
    fn watson_factors_grow_with_scale() {
        let p = params(CsfModel::Watson);
        let f: Vec<[f32; 3]> = (0..4).map(|s| band_factors(&p, s)).collect();
        for s in 1..4 {
            assert!(f[s][0] > f[s - 1][0]);
        }
        assert!(f[0][2] < f[0][0]);
    }

    #[test]
    fn other_models_are_finite_and_overrides_win() {
        for model in [CsfModel::Barten, CsfModel::Dlm] {
            let p = params(model);
            for s in 0..4 {
                assert!(band_factors(&p, s)
                    .iter()
                    .all(|v| v.is_finite() && *v > 0.0));
            }
        }
        let mut p = params(CsfModel::Watson);
        p.factor2[1] = 0.25;
        assert_eq!(band_factors(&p, 1)[2], 0.25);
    }
}
