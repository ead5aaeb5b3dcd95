//! The two smoothing filters of ANSNR and the way they extend the picture at its borders.

/// Weights of the 3×3 filter applied to the reference, over 16.
const REFERENCE_WEIGHTS: [[u16; 3]; 3] = [[1, 2, 1], [2, 4, 2], [1, 2, 1]];

/// Weights of the 5×5 filter applied to the distorted picture, over 571.
const DISTORTED_WEIGHTS: [[u16; 5]; 5] = [
    [2, 7, 12, 7, 2],
    [7, 31, 52, 31, 7],
    [12, 52, 127, 52, 12],
    [7, 31, 52, 31, 7],
    [2, 7, 12, 7, 2],
];

/// A square filter with single-precision coefficients.
#[derive(Debug, Clone)]
pub(super) struct Filter {
    size: usize,
    /// Row-major `size × size` coefficients.
    coefficients: Vec<f32>,
}

impl Filter {
    /// The reference filter: the weights divided by 16 in double precision, then rounded
    /// to single, as libvmaf's table is written.
    pub(super) fn reference() -> Self {
        Self::from_weights(&REFERENCE_WEIGHTS.concat(), 3, 16.0)
    }

    /// The distorted-picture filter: the weights divided by 571, the same way.
    pub(super) fn distorted() -> Self {
        Self::from_weights(&DISTORTED_WEIGHTS.concat(), 5, 571.0)
    }

    fn from_weights(weights: &[u16], size: usize, total: f64) -> Self {
        let coefficients = weights
            .iter()
            .map(|&w| (f64::from(w) / total) as f32)
            .collect();
        Self { size, coefficients }
    }

    /// Taps on each side of the centre.
    pub(super) fn radius(&self) -> usize {
        self.size / 2
    }

    /// Filters the packed `width × height` picture `src` into `dst`.
    ///
    /// Each output sums one filter row at a time in `f32`, then adds the row sums in
    /// order, as libvmaf does. Callers guarantee `width` and `height` exceed the radius.
    pub(super) fn apply(&self, src: &[f32], dst: &mut [f32], width: usize, height: usize) {
        let r = self.radius();
        let rows = border_indices(height, r);
        let columns = border_indices(width, r);
        for (i, out_row) in dst.chunks_exact_mut(width).take(height).enumerate() {
            for (j, out) in out_row.iter_mut().enumerate() {
                let mut sum = 0.0f32;
                for (fi, taps) in self.coefficients.chunks_exact(self.size).enumerate() {
                    let row = &src[rows[i + fi] * width..][..width];
                    let mut row_sum = 0.0f32;
                    for (fj, &c) in taps.iter().enumerate() {
                        row_sum += c * row[columns[j + fj]];
                    }
                    sum += row_sum;
                }
                *out = sum;
            }
        }
    }
}

/// For positions `-radius .. len + radius`, the sample each reads (index `p + radius`).
///
/// Before the start the picture is mirrored without repeating the edge (`-1 → 1`); past
/// the end it is mirrored repeating it (`len → len − 1`), libvmaf's ANSNR border rule.
fn border_indices(len: usize, radius: usize) -> Vec<usize> {
    (0..len + 2 * radius)
        .map(|k| {
            if k < radius {
                radius - k
            } else if k - radius >= len {
                2 * len + radius - k - 1
            } else {
                k - radius
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn borders_mirror_asymmetrically() {
        assert_eq!(border_indices(4, 2), [2, 1, 0, 1, 2, 3, 3, 2]);
        assert_eq!(border_indices(3, 1), [1, 0, 1, 2, 2]);
    }

    #[test]
    fn coefficients_are_rounded_from_double() {
        let f = Filter::distorted();
        assert_eq!(f.coefficients[12], (127.0f64 / 571.0) as f32);
        assert_eq!(Filter::reference().coefficients[4], 0.25);
    }

    #[test]
    fn flat_pictures_stay_flat_under_the_reference_filter() {
        let src = [8.0f32; 12];
        let mut dst = [0.0f32; 12];
        Filter::reference().apply(&src, &mut dst, 4, 3);
        assert_eq!(dst, [8.0; 12]);
    }

    #[test]
    fn filters_an_impulse() {
        // An impulse at the centre of a 3x3 picture. The top and left borders mirror it
        // back in (twice at the corner); the bottom and right ones repeat the edge instead.
        let mut src = [0.0f32; 9];
        src[4] = 16.0;
        let mut dst = [0.0f32; 9];
        Filter::reference().apply(&src, &mut dst, 3, 3);
        assert_eq!(dst, [4.0, 4.0, 2.0, 4.0, 4.0, 2.0, 2.0, 2.0, 1.0]);
    }
}
