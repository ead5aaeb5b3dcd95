//! PSNR-HVS-M's masked error of one plane: overlapping 8×8 blocks, seven samples apart,
//! compared in the DCT domain after contrast masking, in libvmaf's single precision.

use super::csf::Weights;
use super::dct::fdct8x8;
use crate::frame::{Plane, Sample};

/// Blocks start every `STEP` samples, so neighbours share a row or column.
const STEP: usize = 7;

/// Mean weighted squared DCT error over all blocks of the top-left `width` × `height`
/// samples, normalised by the squared peak `(2^bit_depth − 1)²`.
///
/// Without a single whole block (width or height below 8) the mean is 0/0, NaN, as in
/// libvmaf.
pub(super) fn masked_error<T: Sample>(
    reference: &Plane<'_, T>,
    distorted: &Plane<'_, T>,
    width: usize,
    height: usize,
    bit_depth: u8,
    weights: &Weights,
) -> f64 {
    let mut total = 0.0f32;
    let mut coefficients = 0u32;
    for y in (0..height.saturating_sub(7)).step_by(STEP) {
        for x in (0..width.saturating_sub(7)).step_by(STEP) {
            let r = Block::read(reference, x, y);
            let d = Block::read(distorted, x, y);
            total = block_error(&r, &d, weights, total);
            coefficients += 64;
        }
    }
    let mean = total / coefficients as f32;
    let peak = (1i64 << bit_depth) - 1;
    f64::from(mean / (peak * peak) as f32)
}

/// One 8×8 block's samples and its masking activity.
struct Block {
    samples: [i32; 64],
    /// How busy the block is: the summed variances of its four 4×4 quadrants over the
    /// variance of the whole block (0 for a flat block).
    activity: f32,
}

impl Block {
    fn read<T: Sample>(plane: &Plane<'_, T>, x: usize, y: usize) -> Self {
        let mut samples = [0i32; 64];
        for (i, row) in samples.chunks_exact_mut(8).enumerate() {
            for (s, &v) in row.iter_mut().zip(&plane.row(y + i)[x..x + 8]) {
                *s = v.into();
            }
        }
        let activity = activity(&samples);
        Self { samples, activity }
    }
}

/// Which 4×4 quadrant sample `k` of a block lies in (0 top-left, 1 bottom-left,
/// 2 top-right, 3 bottom-right).
fn quadrant(k: usize) -> usize {
    usize::from(k / 8 >= 4) + 2 * usize::from(k % 8 >= 4)
}

fn activity(samples: &[i32; 64]) -> f32 {
    let mut mean = 0.0f32;
    let mut quadrant_means = [0.0f32; 4];
    for (k, &s) in samples.iter().enumerate() {
        mean += s as f32;
        quadrant_means[quadrant(k)] += s as f32;
    }
    mean /= 64.0;
    for m in &mut quadrant_means {
        *m /= 16.0;
    }
    let mut variance = 0.0f32;
    let mut quadrant_variances = [0.0f32; 4];
    for (k, &s) in samples.iter().enumerate() {
        let s = s as f32;
        variance += (s - mean) * (s - mean);
        let m = quadrant_means[quadrant(k)];
        quadrant_variances[quadrant(k)] += (s - m) * (s - m);
    }
    // Unbiased estimates, with the scale factors rounded the way libvmaf writes them.
    variance *= 1.0f32 / 63.0 * 64.0;
    for v in &mut quadrant_variances {
        *v *= 1.0f32 / 15.0 * 16.0;
    }
    if variance > 0.0 {
        let [a, b, c, d] = quadrant_variances;
        variance = (a + b + c + d) / variance;
    }
    variance
}

/// The masking threshold of one block's coefficients: `sqrt(Σ AC² · mask · activity) / 32`.
fn masking(coefficients: &[i32; 64], activity: f32, mask: &[f32; 64]) -> f32 {
    let mut energy = 0.0f32;
    for (k, &c) in coefficients.iter().enumerate().skip(1) {
        energy += (c * c) as f32 * mask[k];
    }
    (f64::from(energy * activity).sqrt() / 32.0) as f32
}

/// Adds one block pair's weighted squared errors to `total`, coefficient by coefficient,
/// and returns the new total. AC errors below the masking threshold are ignored; larger
/// ones are reduced by it.
fn block_error(reference: &Block, distorted: &Block, weights: &Weights, mut total: f32) -> f32 {
    let r = fdct8x8(&reference.samples);
    let d = fdct8x8(&distorted.samples);
    let reference_threshold = masking(&r, reference.activity, &weights.mask);
    let distorted_threshold = masking(&d, distorted.activity, &weights.mask);
    let threshold = if distorted_threshold > reference_threshold {
        distorted_threshold
    } else {
        reference_threshold
    };
    for k in 0..64 {
        let mut err = (r[k] - d[k]).unsigned_abs() as f32;
        if k != 0 {
            let allowance = threshold / weights.mask[k];
            err = if err < allowance {
                0.0
            } else {
                err - allowance
            };
        }
        let weighted = err * weights.csf[k];
        total += weighted * weighted;
    }
    total
}
