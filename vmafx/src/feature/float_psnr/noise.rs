//! Mean squared error of two luma planes, in libvmaf's mixed single/double precision.

use crate::frame::{Plane, Sample};

/// Σ (r − d)² / (width · height) over the top-left `width` × `height` samples, each sample
/// divided by `divisor` first.
///
/// Each difference is squared in `f32` (which rounds above 12 significant bits, so
/// matters at 16 bits) and the squares are summed in `f64` in raster order, as libvmaf does.
pub(super) fn mean_squared_error<T: Sample>(
    reference: &Plane<'_, T>,
    distorted: &Plane<'_, T>,
    width: usize,
    height: usize,
    divisor: f32,
) -> f64 {
    let scaled = |v: T| {
        let v: u32 = v.into();
        v as f32 / divisor
    };
    let mut sum = 0.0f64;
    for y in 0..height {
        let r = &reference.row(y)[..width];
        let d = &distorted.row(y)[..width];
        for (&a, &b) in r.iter().zip(d) {
            let diff = scaled(a) - scaled(b);
            sum += f64::from(diff * diff);
        }
    }
    sum / (width * height) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_the_squared_differences() {
        let a = [10u8, 20, 30, 40];
        let b = [12u8, 20, 27, 40];
        let pa = Plane::new(&a, 2, 2, 2).unwrap();
        let pb = Plane::new(&b, 2, 2, 2).unwrap();
        assert_eq!(mean_squared_error(&pa, &pb, 2, 2, 1.0), (4.0 + 9.0) / 4.0);
    }

    #[test]
    fn squares_in_single_precision() {
        // 16-bit difference 65535 / 256: its square needs 32 significant bits.
        let a = [65535u16];
        let b = [0u16];
        let pa = Plane::new(&a, 1, 1, 1).unwrap();
        let pb = Plane::new(&b, 1, 1, 1).unwrap();
        let diff = 65535.0f32 / 256.0;
        let single = f64::from(diff * diff);
        assert_ne!(single, f64::from(diff) * f64::from(diff));
        assert_eq!(mean_squared_error(&pa, &pb, 1, 1, 256.0), single);
    }
}
