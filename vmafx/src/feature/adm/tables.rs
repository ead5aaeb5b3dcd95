//! Numeric constants of the integer ADM: wavelet taps, CSF model parameters and
//! fixed-point reciprocals.
//!
//! Float parameters are written as `f64` literals narrowed with `as f32`, which is how a C
//! compiler turns a double constant into a `float` initialiser (decimal -> double -> float).

use std::sync::OnceLock;

/// Daubechies-2 low-pass analysis taps in Q15.
pub(crate) const DB2_LO: [i32; 4] = [15826, 27411, 7345, -4240];
/// Daubechies-2 high-pass analysis taps in Q15.
pub(crate) const DB2_HI: [i32; 4] = [-4240, -7345, 27411, -15826];
/// Sum of the low-pass taps, used to centre unsigned samples around zero.
pub(crate) const DB2_LO_SUM: i32 = 46342;

/// Share of the picture ignored on each side when scoring.
pub(crate) const BORDER_FACTOR: f64 = 0.1;

/// Luminance (cd/m²) at which the Barten CSF is evaluated.
pub(crate) const CSF_LUMINANCE: f64 = 100.0;

/// Narrows `f64` literals to `f32` as C narrows a double constant in a `float`
/// initialiser (decimal -> double -> float; a plain `0.1 as f32` would parse as `f32`).
macro_rules! narrow {
    ($($v:expr),* $(,)?) => { [$({ let wide: f64 = $v; wide as f32 }),*] };
}

/// Watson et al. (1997) luma threshold model: amplitude `a`, slope `k`, peak frequency `f0`
/// and the per-orientation gains `g` (ll, lh, hh, hl).
pub(crate) struct WatsonParams {
    pub a: f32,
    pub k: f32,
    pub f0: f32,
    pub g: [f32; 4],
}

/// Watson's luma ("Y") row of the 7-9 biorthogonal threshold table.
pub(crate) const WATSON_LUMA: WatsonParams = {
    let [a, k, f0] = narrow![0.495, 0.466, 0.401];
    WatsonParams {
        a,
        k,
        f0,
        g: narrow![1.501, 1.0, 0.534, 1.0],
    }
};

/// Basis function amplitudes `A[lambda][theta]` of the 7-9 biorthogonal wavelet (Watson,
/// Table V, transposed); only the four finest levels are used.
pub(crate) const WATSON_AMPLITUDES: [[f32; 4]; 4] = [
    narrow![0.62171, 0.67234, 0.72709, 0.67234],
    narrow![0.34537, 0.41317, 0.49428, 0.41317],
    narrow![0.18004, 0.22727, 0.28688, 0.22727],
    narrow![0.091401, 0.11792, 0.15214, 0.11792],
];

/// Luminance anchors (cd/m²) of the Barten CSF parameter table.
pub(crate) const BARTEN_ANCHORS: [f32; 6] = narrow![0.002, 0.02, 0.2, 2.0, 20.0, 150.0];

/// Barten CSF parameters per luminance anchor (HDR-VDP 2.2.1).
pub(crate) const BARTEN_PARAMS: [[f32; 5]; 6] = [
    narrow![0.0160737, 0.991265, 3.74038, 0.50722, 4.46044],
    narrow![0.383873, 0.800889, 3.54104, 0.682505, 4.94958],
    narrow![0.929301, 0.476505, 4.37453, 0.750315, 5.28678],
    narrow![1.29776, 0.405782, 4.40602, 0.935314, 5.61425],
    narrow![1.49222, 0.334278, 3.79542, 1.07327, 6.4635],
    narrow![1.46213, 0.394533, 2.7755, 1.16577, 7.45665],
];

/// Rod/cone sensitivity parameters of the Barten CSF (p5..p8).
pub(crate) const BARTEN_SA: [f32; 4] = narrow![30.162, 4.0627, 1.6596, 0.2712];

/// Weights of the four exponentials of the eye's MTF.
pub(crate) const BARTEN_MTF_A: [f32; 4] = narrow![
    0.424838596301290,
    0.572435103936480,
    0.000167576239164937,
    0.00255872352306433,
];

/// Decay rates of the four exponentials of the eye's MTF.
pub(crate) const BARTEN_MTF_B: [f32; 4] = narrow![0.028, 0.37, 37.0, 360.0];

/// One viewing condition of the blended Barten/Watson CSF: reference display height,
/// normalised viewing distance, and the weights `[theta][scale]` (theta 0: h/v, 1: diagonal).
pub(crate) type BlendEntry = (i32, f64, [[f32; 4]; 2]);

/// The legacy blended CSF weights.
#[rustfmt::skip]
pub(crate) const BLEND_CSF: [BlendEntry; 9] = [
    (1080, 3.0, [narrow![0.01183, 0.025026, 0.04295, 0.058621], narrow![0.004302, 0.011778, 0.023918, 0.035901]]),
    (1080, 5.0, [narrow![0.004212, 0.014809, 0.029642, 0.047464], narrow![0.000984, 0.005852, 0.0146, 0.027574]]),
    // 2160 rows at 1.5H see the same pixels per degree as 1080 rows at 3H.
    (2160, 1.5, [narrow![0.01183, 0.025026, 0.04295, 0.058621], narrow![0.004302, 0.011778, 0.023918, 0.035901]]),
    (2160, 3.0, [narrow![0.00226, 0.01183, 0.025026, 0.04295], narrow![0.000479, 0.004302, 0.011778, 0.023918]]),
    (2160, 5.0, [narrow![0.000092, 0.004212, 0.014809, 0.029642], narrow![0.000050, 0.000984, 0.005852, 0.0146]]),
    (720, 3.0, [narrow![0.018715, 0.035637, 0.052798, 0.061509], narrow![0.007999, 0.018396, 0.031851, 0.037718]]),
    (720, 5.0, [narrow![0.010144, 0.022561, 0.040309, 0.05672], narrow![0.003463, 0.010282, 0.021839, 0.034641]]),
    (480, 3.0, [narrow![0.027961, 0.045875, 0.060275, 0.056234], narrow![0.013572, 0.026277, 0.036959, 0.034511]]),
    (480, 5.0, [narrow![0.016781, 0.032822, 0.05032, 0.061594], narrow![0.00691, 0.016545, 0.029917, 0.037777]]),
];

/// The blended CSF weights with the corrected L1 fit (models v1.0.17 and later).
#[rustfmt::skip]
pub(crate) const BLEND_CSF_MAE: [BlendEntry; 9] = [
    (1080, 3.0, [narrow![0.011249, 0.022606, 0.035930, 0.045673], narrow![0.004097, 0.010921, 0.021430, 0.031313]]),
    (1080, 5.0, [narrow![0.004052, 0.013939, 0.026298, 0.038833], narrow![0.000927, 0.005544, 0.013415, 0.024515]]),
    (2160, 1.5, [narrow![0.011249, 0.022606, 0.035930, 0.045673], narrow![0.004097, 0.010921, 0.021430, 0.031313]]),
    (2160, 3.0, [narrow![0.002166, 0.011249, 0.022606, 0.035930], narrow![0.000447, 0.004097, 0.010921, 0.021430]]),
    (2160, 5.0, [narrow![0.000077, 0.004052, 0.013939, 0.026298], narrow![0.000045, 0.000927, 0.005544, 0.013415]]),
    (720, 3.0, [narrow![0.017329, 0.030870, 0.042134, 0.047410], narrow![0.007509, 0.016707, 0.028072, 0.032722]]),
    (720, 5.0, [narrow![0.009689, 0.020577, 0.034162, 0.044523], narrow![0.003302, 0.009579, 0.019661, 0.030318]]),
    (480, 3.0, [narrow![0.024969, 0.037825, 0.046676, 0.043974], narrow![0.012511, 0.023424, 0.032139, 0.030166]]),
    (480, 5.0, [narrow![0.015665, 0.028766, 0.040612, 0.047483], narrow![0.006514, 0.015107, 0.026476, 0.032776]]),
];

/// Offset of the zero entry in [`reciprocals`].
pub(crate) const RECIPROCAL_ZERO: usize = 32768;

/// `2^30 / d` for `d` in `-32768..=32768` at index `d + 32768` (0 for `d = 0`), truncated
/// toward zero: the decoupling step divides by multiplying with these.
pub(crate) fn reciprocals() -> &'static [i32] {
    static TABLE: OnceLock<Vec<i32>> = OnceLock::new();
    TABLE.get_or_init(|| {
        const ONE_Q30: i32 = 1 << 30;
        let mut table = vec![0; 2 * RECIPROCAL_ZERO + 1];
        for d in 1..=RECIPROCAL_ZERO {
            let r = ONE_Q30 / d as i32;
            table[RECIPROCAL_ZERO + d] = r;
            table[RECIPROCAL_ZERO - d] = -r;
        }
        table
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reciprocal_table_ends() {
        let t = reciprocals();
        assert_eq!(t.len(), 65537);
        assert_eq!(t[RECIPROCAL_ZERO + 1], 1 << 30);
        assert_eq!(t[0], -32768);
        assert_eq!(t[65536], 32768);
        assert_eq!(t[RECIPROCAL_ZERO + 3], (1 << 30) / 3);
        assert_eq!(t[RECIPROCAL_ZERO - 3], -((1 << 30) / 3));
    }
}
