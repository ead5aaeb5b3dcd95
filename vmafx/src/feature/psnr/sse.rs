//! Sum of squared differences over the top-left corner of two planes.

use crate::frame::{Plane, Sample};

/// Σ (reference − distorted)² over the top-left `width` × `height` samples.
///
/// Exact integer arithmetic: a squared difference of 16-bit samples fits in `u32`, and
/// a frame's sum fits in `u64`, so the result equals libvmaf's whatever the order.
pub(super) fn sum_squared_error<T: Sample>(
    reference: &Plane<'_, T>,
    distorted: &Plane<'_, T>,
    width: usize,
    height: usize,
) -> u64 {
    let mut total = 0u64;
    for y in 0..height {
        let r = &reference.row(y)[..width];
        let d = &distorted.row(y)[..width];
        total += r
            .iter()
            .zip(d)
            .map(|(&a, &b)| {
                let a: i32 = a.into();
                let b: i32 = b.into();
                u64::from((a - b).unsigned_abs().pow(2))
            })
            .sum::<u64>();
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_only_the_requested_corner() {
        let a = [0u8, 0, 9, 0, 0, 9, 9, 9, 9];
        let b = [1u8, 2, 0, 3, 4, 0, 0, 0, 0];
        let pa = Plane::new(&a, 3, 3, 3).unwrap();
        let pb = Plane::new(&b, 3, 3, 3).unwrap();
        assert_eq!(sum_squared_error(&pa, &pb, 2, 2), 1 + 4 + 9 + 16);
    }

    #[test]
    fn handles_full_16_bit_range() {
        let a = [u16::MAX; 4];
        let b = [0u16; 4];
        let pa = Plane::new(&a, 2, 2, 2).unwrap();
        let pb = Plane::new(&b, 2, 2, 2).unwrap();
        assert_eq!(sum_squared_error(&pa, &pb, 2, 2), 4 * 65535u64 * 65535);
    }
}
