//! SpEED's statistics of one prepared plane and the score of a pair of them,
//! following libvmaf's `est_params` and `get_speed_score`.
//!
//! The plane is cut into 5x5 blocks. The 25x25 covariance of the samples at each
//! offset within a block is estimated over the plane; each block's variance scale `S`
//! comes from solving that covariance against the block's samples, and its entropy
//! from the covariance's eigenvalues. Where the covariance is singular the scales
//! are 0 and the plane is flagged.

use super::covariance::covariance_matrix;
use super::dimensions::{SpeedDimensions, BLOCK_ELEMENTS, BLOCK_SIZE};
use super::eigen::symmetric_eigenvalues;
use super::solve::solve;

/// Eigenvalues below this make the covariance count as singular.
const EIGENVALUE_EPS: f64 = 1e-6;

/// `log2(2 pi e)`: added to `log2(variance)` it gives twice a Gaussian's entropy in bits.
fn log2_two_pi_e() -> f64 {
    (2.0 * std::f64::consts::PI * std::f64::consts::E).log2()
}

/// Per-block statistics of one plane.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct BlockStatistics {
    /// Entropy of each block, row by row.
    pub entropies: Vec<f32>,
    /// Variance scale `S` of each block.
    pub variances: Vec<f32>,
    /// Whether the covariance could not be inverted (the variances are then 0).
    pub singular: bool,
}

/// The samples of every block as columns: row `offset` holds, for each block in
/// raster order, its sample at that offset.
fn block_samples(d: &SpeedDimensions, data: &[f32]) -> Vec<f32> {
    let stride = d.operating_width;
    let blocks = d.blocks();
    let mut samples = vec![0.0f32; BLOCK_ELEMENTS * blocks];
    for si in 0..BLOCK_SIZE {
        for sj in 0..BLOCK_SIZE {
            let row = &mut samples[(si * BLOCK_SIZE + sj) * blocks..][..blocks];
            for bi in 0..d.blocks_down {
                for bj in 0..d.blocks_across {
                    row[bi * d.blocks_across + bj] =
                        data[(bi * BLOCK_SIZE + si) * stride + bj * BLOCK_SIZE + sj];
                }
            }
        }
    }
    samples
}

/// The statistics of one prepared (operating-size, packed) plane.
pub(super) fn block_statistics(
    d: &SpeedDimensions,
    data: &[f32],
    sigma_nn: f32,
) -> BlockStatistics {
    let blocks = d.blocks();
    let covariance = covariance_matrix(d, data);
    let eigenvalues = symmetric_eigenvalues(&covariance, BLOCK_ELEMENTS);
    let samples = block_samples(d, data);
    let regular = eigenvalues.iter().all(|&l| f64::from(l) >= EIGENVALUE_EPS);
    let mut solution = vec![0.0f32; BLOCK_ELEMENTS * blocks];
    let singular =
        !regular || solve(&covariance, BLOCK_ELEMENTS, &samples, blocks, &mut solution).is_err();
    if singular {
        solution.fill(0.0);
    }
    // S of each block: sum over offsets of solution * sample / 25.
    let denominator = BLOCK_ELEMENTS as f32;
    let mut variances: Vec<f32> = solution[..blocks]
        .iter()
        .zip(&samples[..blocks])
        .map(|(&x, &y)| (x * y) / denominator)
        .collect();
    for offset in 1..BLOCK_ELEMENTS {
        let xs = &solution[offset * blocks..][..blocks];
        let ys = &samples[offset * blocks..][..blocks];
        for ((s, &x), &y) in variances.iter_mut().zip(xs).zip(ys) {
            *s += (x * y) / denominator;
        }
    }
    let constant = log2_two_pi_e();
    let mut entropies = vec![0.0f32; blocks];
    for &eigenvalue in &eigenvalues {
        let l = if eigenvalue < 0.0 { 0.0 } else { eigenvalue };
        for (e, &s) in entropies.iter_mut().zip(&variances) {
            *e = (f64::from(*e) + (f64::from(l * s + sigma_nn).log2() + constant)) as f32;
        }
    }
    BlockStatistics {
        entropies,
        variances,
        singular,
    }
}

/// How the block variances weight the entropies (`speed_weight_var_mode`): the
/// log-variance factors of the reference and the distorted entropy.
fn weights(mode: i32, reference: f32, distorted: f32) -> (f64, f64) {
    let own = |v: f32| f64::from(1.0 + v).log2();
    let mean = || (1.0 + f64::from(reference + distorted) / 2.0).log2();
    let blend =
        |r: f64, d: f64| (1.0 + (r * f64::from(reference) + d * f64::from(distorted))).log2();
    match mode {
        0 => (own(reference), own(distorted)),
        1 => (own(reference), own(reference)),
        2 => (own(distorted), own(distorted)),
        3 => (mean(), mean()),
        4 => (own(reference), mean()),
        5 => (own(reference), blend(0.75, 0.25)),
        _ => (own(reference), blend(0.25, 0.75)),
    }
}

/// The SpEED score of a reference and a distorted plane's statistics: the mean over
/// blocks of the absolute difference of variance-weighted entropies, skipping blocks
/// where both entropies are below the noise floor's.
pub(super) fn speed_score(
    reference: &BlockStatistics,
    distorted: &BlockStatistics,
    sigma_nn: f32,
    nn_floor: f32,
    weight_var_mode: i32,
) -> f32 {
    let blocks = reference.entropies.len();
    let base = (BLOCK_ELEMENTS as f64
        * (f64::from((1.0 + nn_floor) * sigma_nn).log2() + log2_two_pi_e())) as f32;
    let mut score = 0.0f32;
    for i in 0..blocks {
        let (er, ed) = (reference.entropies[i], distorted.entropies[i]);
        if er < base && ed < base {
            continue;
        }
        let (wr, wd) = weights(
            weight_var_mode,
            reference.variances[i],
            distorted.variances[i],
        );
        let spatial_reference = (f64::from(er) * wr) as f32;
        let spatial_distorted = (f64::from(ed) * wd) as f32;
        score += (spatial_reference - spatial_distorted).abs();
    }
    score / blocks as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statistics(entropies: &[f32], variances: &[f32]) -> BlockStatistics {
        BlockStatistics {
            entropies: entropies.to_vec(),
            variances: variances.to_vec(),
            singular: false,
        }
    }

    #[test]
    fn equal_statistics_score_zero_in_every_mode() {
        let s = statistics(&[80.0, 95.5], &[3.0, 40.0]);
        for mode in 0..=6 {
            assert_eq!(speed_score(&s, &s, 0.29, 0.0, mode), 0.0, "mode {mode}");
        }
    }

    #[test]
    fn blocks_below_the_noise_entropy_are_skipped() {
        // 25 * (log2(0.29) + log2(2 pi e)) is about 57.7.
        let r = statistics(&[10.0, 100.0], &[1.0, 1.0]);
        let d = statistics(&[20.0, 90.0], &[1.0, 1.0]);
        // Block 0 is below in both; block 1 differs by 10 * log2(2), over 2 blocks.
        assert_eq!(speed_score(&r, &d, 0.29, 0.0, 0), 5.0);
        // Mode 5 weights the distorted entropy by the blended variance.
        let d = statistics(&[20.0, 90.0], &[1.0, 5.0]);
        let blended = (1.0f64 + (0.75 + 0.25 * 5.0)).log2();
        let want = (100.0f32 - (90.0 * blended) as f32).abs() / 2.0;
        assert_eq!(speed_score(&r, &d, 0.29, 0.0, 5), want);
    }
}
