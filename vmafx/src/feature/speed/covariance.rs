//! The 25x25 covariance SpEED models each 5x5 block with: entry (x, y) is the
//! covariance between the windows of the plane that start at block offsets x and y.
//!
//! Each entry is a double-precision sum over its window pair in raster order, as
//! libvmaf's scalar kernel sums it. Here each window's deviations from its mean are
//! computed once (the same subtraction gives the same double every time), and
//! several entries are summed side by side, each in its own accumulator and order,
//! so the results equal the one-entry reference bit for bit.

use super::dimensions::{SpeedDimensions, BLOCK_ELEMENTS, BLOCK_SIZE};

/// Entries summed side by side.
const LANES: usize = 4;

/// Row and column of block offset `index`.
fn offset(index: usize) -> (usize, usize) {
    (index / BLOCK_SIZE, index % BLOCK_SIZE)
}

/// Mean of the window starting at `start`, summed in single precision.
fn window_mean(d: &SpeedDimensions, data: &[f32], start: usize) -> f32 {
    let stride = d.operating_width;
    let mut sum = 0.0f32;
    for i in 0..d.window_height() {
        for &v in &data[start + i * stride..][..d.window_width()] {
            sum += v;
        }
    }
    sum / (d.window_width() * d.window_height()) as f32
}

/// A window: where it starts in the plane and its mean.
#[derive(Debug, Clone, Copy)]
struct Window {
    start: usize,
    mean: f64,
}

/// Reference: the sum over a window pair of the products of deviations from the
/// means, in double, in raster order.
#[cfg(test)]
fn deviation_product_sum(d: &SpeedDimensions, data: &[f32], x: Window, y: Window) -> f64 {
    let stride = d.operating_width;
    let width = d.window_width();
    let mut sum = 0.0f64;
    for i in 0..d.window_height() {
        let xs = &data[x.start + i * stride..][..width];
        let ys = &data[y.start + i * stride..][..width];
        for (&a, &b) in xs.iter().zip(ys) {
            sum += (f64::from(a) - x.mean) * (f64::from(b) - y.mean);
        }
    }
    sum
}

/// A window's deviations from its mean, in double, packed in raster order.
fn deviations(d: &SpeedDimensions, data: &[f32], window: Window, out: &mut Vec<f64>) {
    let stride = d.operating_width;
    let width = d.window_width();
    out.clear();
    for i in 0..d.window_height() {
        let row = &data[window.start + i * stride..][..width];
        out.extend(row.iter().map(|&v| f64::from(v) - window.mean));
    }
}

/// Dot products, in order, of `x` with each of `ys` at once.
fn dot_products(x: &[f64], ys: [&[f64]; LANES]) -> [f64; LANES] {
    let mut sums = [0.0f64; LANES];
    let [y0, y1, y2, y3] = ys;
    for ((((&a, &b0), &b1), &b2), &b3) in x.iter().zip(y0).zip(y1).zip(y2).zip(y3) {
        sums[0] += a * b0;
        sums[1] += a * b1;
        sums[2] += a * b2;
        sums[3] += a * b3;
    }
    sums
}

/// The covariance matrix of a prepared (operating-size, packed) plane, row-major.
pub(super) fn covariance_matrix(d: &SpeedDimensions, data: &[f32]) -> Vec<f32> {
    let stride = d.operating_width;
    let deviation_planes: Vec<Vec<f64>> = (0..BLOCK_ELEMENTS)
        .map(|index| {
            let (row, col) = offset(index);
            let start = row * stride + col;
            let window = Window {
                start,
                mean: f64::from(window_mean(d, data, start)),
            };
            let mut plane = Vec::new();
            deviations(d, data, window, &mut plane);
            plane
        })
        .collect();
    let count = (d.window_width() * d.window_height()) as f64;
    let mut covariance = vec![0.0f32; BLOCK_ELEMENTS * BLOCK_ELEMENTS];
    for x in 0..BLOCK_ELEMENTS {
        for first in (0..=x).step_by(LANES) {
            // Lanes past x repeat the last entry and are discarded.
            let ys = std::array::from_fn(|k| deviation_planes[(first + k).min(x)].as_slice());
            let sums = dot_products(&deviation_planes[x], ys);
            for (k, &sum) in sums.iter().enumerate().take(x + 1 - first) {
                let y = first + k;
                let value = (sum / count) as f32;
                covariance[x * BLOCK_ELEMENTS + y] = value;
                covariance[y * BLOCK_ELEMENTS + x] = value;
            }
        }
    }
    covariance
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn side_by_side_sums_equal_the_reference() {
        for (w, h) in [(20, 15), (37, 11), (80, 45)] {
            let d = SpeedDimensions::new("t", w * 16, h * 16, 1.0).unwrap();
            let data: Vec<f32> = (0..w * h)
                .map(|i| ((i * 2654435761usize) % 1000) as f32 / 37.0 - 13.5)
                .collect();
            let cov = covariance_matrix(&d, &data);
            let count = (d.window_width() * d.window_height()) as f64;
            for x in 0..BLOCK_ELEMENTS {
                for y in 0..BLOCK_ELEMENTS {
                    let window = |index: usize| {
                        let (r, c) = offset(index);
                        let start = r * w + c;
                        Window {
                            start,
                            mean: f64::from(window_mean(&d, &data, start)),
                        }
                    };
                    let want =
                        (deviation_product_sum(&d, &data, window(x), window(y)) / count) as f32;
                    assert_eq!(
                        cov[x * BLOCK_ELEMENTS + y].to_bits(),
                        want.to_bits(),
                        "{w}x{h} ({x}, {y})"
                    );
                }
            }
        }
    }

    #[test]
    fn covariance_of_a_constant_plane_is_zero() {
        let d = SpeedDimensions::new("t", 160, 160, 1.0).unwrap();
        let cov = covariance_matrix(&d, &[3.25; 100]);
        assert!(cov.iter().all(|&v| v == 0.0));
    }
}
