//! Mean and mean square of one plane, in libvmaf's mixed single/double precision.

use crate::frame::{Plane, Sample};

/// `[Σ v, Σ v²] / (width · height)` over the top-left `width` × `height` samples, each
/// divided by `divisor` first.
///
/// Samples are summed in `f64`; each square is taken in `f32` (which rounds above 12
/// significant bits, so matters at 16 bits) before it is summed in `f64`, in raster order.
pub(super) fn first_and_second<T: Sample>(
    plane: &Plane<'_, T>,
    width: usize,
    height: usize,
    divisor: f32,
) -> [f64; 2] {
    let mut sum = 0.0f64;
    let mut sum_squares = 0.0f64;
    for y in 0..height {
        for &s in &plane.row(y)[..width] {
            let s: u32 = s.into();
            let v = s as f32 / divisor;
            sum += f64::from(v);
            sum_squares += f64::from(v * v);
        }
    }
    let count = (width * height) as f64;
    [sum / count, sum_squares / count]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_only_the_requested_corner() {
        let data = [1u8, 3, 200, 5, 7, 200, 200, 200, 200];
        let plane = Plane::new(&data, 3, 3, 3).unwrap();
        let [mean, square] = first_and_second(&plane, 2, 2, 1.0);
        assert_eq!(mean, 4.0);
        assert_eq!(square, (1.0 + 9.0 + 25.0 + 49.0) / 4.0);
    }

    #[test]
    fn squares_in_single_precision() {
        let data = [65535u16];
        let plane = Plane::new(&data, 1, 1, 1).unwrap();
        let v = 65535.0f32 / 256.0;
        let [mean, square] = first_and_second(&plane, 1, 1, 256.0);
        assert_eq!(mean, f64::from(v));
        assert_eq!(square, f64::from(v * v));
        assert_ne!(square, f64::from(v) * f64::from(v));
    }
}
