//! Contrast masking and pooling: the weighted band energies of the reference (the ADM
//! denominator) and of the restored or additive detail after masking (the numerators).
//!
//! Sums run row by row over the scored centre of the band, in single precision, and end
//! in a p-norm plus a noise floor, as libvmaf pools them.

/// Share of each side ADM leaves out of the scores.
const BORDER_FACTOR: f64 = 0.1;

/// A rectangle of band samples: rows `top..bottom`, columns `left..right`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Region {
    pub top: usize,
    pub bottom: usize,
    pub left: usize,
    pub right: usize,
}

impl Region {
    /// The scored centre of a `width` x `height` band.
    pub(super) fn scored(width: usize, height: usize) -> Self {
        let left = (width as f64 * BORDER_FACTOR - 0.5) as i64;
        let top = (height as f64 * BORDER_FACTOR - 0.5) as i64;
        let (left, top) = (left.max(0) as usize, top.max(0) as usize);
        Self {
            top,
            bottom: height - top.min(height),
            left,
            right: width - left.min(width),
        }
    }

    /// The scored centre grown by the masking neighbourhood (one sample, kept inside).
    pub(super) fn with_margin(width: usize, height: usize) -> Self {
        let left = (width as f64 * BORDER_FACTOR - 0.5 - 1.0) as i64;
        let top = (height as f64 * BORDER_FACTOR - 0.5 - 1.0) as i64;
        let right = width as i64 - left + 2;
        let bottom = height as i64 - top + 2;
        Self {
            top: top.max(0) as usize,
            bottom: bottom.min(height as i64) as usize,
            left: left.max(0) as usize,
            right: right.min(width as i64) as usize,
        }
    }

    fn area(&self) -> usize {
        (self.bottom - self.top) * (self.right - self.left)
    }
}

/// How band values are pooled: the p of the p-norm and the noise floor weight.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pooling {
    pub p_norm: f64,
    pub noise_weight: f64,
}

impl Pooling {
    #[inline]
    fn power(&self, x: f32) -> f32 {
        if self.p_norm == 3.0 {
            x * x * x
        } else {
            x.powf(self.p_norm as f32)
        }
    }

    /// The pooled value of one orientation: p-th root of the sum plus the noise floor.
    fn finish(&self, sum: f32, region: Region, noise_weight: f64) -> f32 {
        let root = (1.0 / self.p_norm) as f32;
        let noise = (region.area() as f64 * noise_weight) as f32;
        sum.powf(root) + noise.powf(root)
    }
}

/// The denominator of one scale: the reference's weighted detail energy.
pub(super) fn reference_energy(
    bands: &[Vec<f32>; 3],
    factors: [f32; 3],
    width: usize,
    height: usize,
    pooling: Pooling,
) -> f32 {
    let region = Region::scored(width, height);
    let mut sums = [0.0f32; 3];
    for i in region.top..region.bottom {
        let mut row_sums = [0.0f32; 3];
        for j in region.left..region.right {
            for o in 0..3 {
                row_sums[o] += pooling.power((factors[o] * bands[o][i * width + j]).abs());
            }
        }
        for o in 0..3 {
            sums[o] += row_sums[o];
        }
    }
    let pooled = sums.map(|s| pooling.finish(s, region, pooling.noise_weight));
    pooled[0] + pooled[1] + pooled[2]
}

/// A masker: the weighted bands of the masking signal and their `|.| / 30` copies.
pub(super) struct Masker<'a> {
    pub scaled: &'a [Vec<f32>; 3],
    pub filtered: &'a [Vec<f32>; 3],
}

/// The numerator-style energy of `bands` (weighted by `factors`) once each sample's
/// magnitude is reduced by the masker's local activity; `noise_weight` sets the floor
/// and `bypass` turns masking off.
#[allow(clippy::too_many_arguments)]
pub(super) fn masked_energy(
    bands: &[Vec<f32>; 3],
    factors: [f32; 3],
    masker: &Masker<'_>,
    width: usize,
    height: usize,
    pooling: Pooling,
    noise_weight: f64,
    bypass: bool,
) -> f32 {
    let region = Region::scored(width, height);
    let mut sums = [0.0f32; 3];
    for i in region.top..region.bottom {
        // The neighbourhood reflects at the first row/column and repeats the last.
        let up = if i == 0 { 1 } else { i - 1 };
        let down = if i == height - 1 { i } else { i + 1 };
        let rows = [up * width, i * width, down * width];
        let mut row_sums = [0.0f32; 3];
        for j in region.left..region.right {
            let left = if j == 0 { 1 } else { j - 1 };
            let right = if j == width - 1 { j } else { j + 1 };
            let threshold = if bypass {
                0.0
            } else {
                masking_threshold(masker, rows, [left, j, right])
            };
            for o in 0..3 {
                let x = (bands[o][i * width + j] * factors[o]).abs() - threshold;
                let x = if x < 0.0 { 0.0 } else { x };
                row_sums[o] += pooling.power(x);
            }
        }
        for o in 0..3 {
            sums[o] += row_sums[o];
        }
    }
    let pooled = sums.map(|s| pooling.finish(s, region, noise_weight));
    pooled[0] + pooled[1] + pooled[2]
}

/// The masker's activity around one sample: over the three orientations, the 3x3
/// neighbourhood of `|scaled| / 30` with the centre counted as `|scaled| / 15`.
#[inline]
fn masking_threshold(masker: &Masker<'_>, rows: [usize; 3], columns: [usize; 3]) -> f32 {
    const ONE_BY_15: f64 = 0.0666666701;
    let mut threshold = 0.0f32;
    for o in 0..3 {
        let filtered = &masker.filtered[o];
        let mut sum = 0.0f32;
        for (r, &row) in rows.iter().enumerate() {
            for (c, &column) in columns.iter().enumerate() {
                if r == 1 && c == 1 {
                    let centre = masker.scaled[o][row + column].abs();
                    sum = (f64::from(sum) + ONE_BY_15 * f64::from(centre)) as f32;
                } else {
                    sum += filtered[row + column];
                }
            }
        }
        threshold += sum;
    }
    threshold
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        assert_eq!(
            Region::scored(88, 72),
            Region {
                top: 6,
                bottom: 66,
                left: 8,
                right: 80
            }
        );
        assert_eq!(
            Region::with_margin(88, 72),
            Region {
                top: 5,
                bottom: 69,
                left: 7,
                right: 83
            }
        );
        assert_eq!(
            Region::scored(3, 2),
            Region {
                top: 0,
                bottom: 2,
                left: 0,
                right: 3
            }
        );
        let m = Region::with_margin(3, 2);
        assert_eq!((m.top, m.bottom, m.left, m.right), (0, 2, 0, 3));
    }
}
