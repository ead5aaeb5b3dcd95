//! The end of every ADM path: from a level's integer totals to its float numerator,
//! denominator and AIM numerator, in the reference's order. The CPU levels and the device
//! plan both finish here, so the float arithmetic exists once.

use super::csf;
use super::denominator::{coarse_denominator, fine_denominator, RowRounding};
use super::masking::{cube_root_sum, CoarseArithmetic, FineArithmetic};
use super::region::Region;
use super::{AdmOptions, LevelScores};

/// The CSF weights of the four levels, float and fixed-point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Weights {
    /// Float weights per level and orientation.
    pub float: [[f32; 3]; 4],
    /// Level 0: Q21 (h, v) and Q23 (d).
    pub fine: [u16; 3],
    /// Levels 1..=3: Q32.
    pub coarse: [[u32; 3]; 3],
}

impl Weights {
    /// The weights for validated `options`.
    pub fn new(options: &AdmOptions) -> Self {
        let float = csf::scale_weights(options);
        Self {
            fine: csf::fine_fixed_weights(options, &float[0]),
            coarse: std::array::from_fn(|s| csf::coarse_fixed_weights(&float[s + 1])),
            float,
        }
    }
}

/// Integer totals of one level, by orientation: each row's sum already rounded by the
/// level's row shift and accumulated (wrapping).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LevelTotals {
    /// Denominator.
    pub den: [u64; 3],
    /// Detail-loss numerator.
    pub loss: [i64; 3],
    /// AIM numerator (zero when skipped).
    pub aim: [i64; 3],
}

/// The finest level's scores from its totals.
pub(crate) fn fine_level_scores(
    arith: &FineArithmetic,
    scored: Region,
    totals: &LevelTotals,
    weights: &[f32; 3],
    options: &AdmOptions,
) -> LevelScores {
    let rounding = RowRounding::fine(scored);
    let den = fine_denominator(totals.den, rounding, scored, weights, options.noise_weight);
    let to_energy = |totals: [i64; 3]| -> [f32; 3] {
        std::array::from_fn(|o| {
            let divisor = 2f64.powf(f64::from(arith.energy_exponent(o)));
            (totals[o] as f64 / divisor) as f32
        })
    };
    numerators(scored, den, totals, options, to_energy)
}

/// A coarse level's scores at `scale` (1..=3) from its totals.
pub(crate) fn coarse_level_scores(
    scale: usize,
    arith: &CoarseArithmetic,
    scored: Region,
    totals: &LevelTotals,
    weights: &[f32; 3],
    options: &AdmOptions,
) -> LevelScores {
    let den = coarse_denominator(totals.den, scale, scored, weights, options.noise_weight);
    // libvmaf keeps this power of two in a float and divides in float.
    let divisor = 2f64.powf(f64::from(arith.energy_exponent(scale))) as f32;
    let to_energy = |totals: [i64; 3]| totals.map(|t| t as f32 / divisor);
    numerators(scored, den, totals, options, to_energy)
}

/// The cube-root sums of the numerators; AIM has no noise floor.
fn numerators(
    scored: Region,
    den: f32,
    totals: &LevelTotals,
    options: &AdmOptions,
    to_energy: impl Fn([i64; 3]) -> [f32; 3],
) -> LevelScores {
    let num = cube_root_sum(to_energy(totals.loss), scored, options.noise_weight);
    let aim_num = if options.skip_aim {
        0.0
    } else {
        cube_root_sum(to_energy(totals.aim), scored, 0.0)
    };
    LevelScores { num, den, aim_num }
}
