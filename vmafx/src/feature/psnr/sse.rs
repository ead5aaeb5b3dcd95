//! Sum of squared differences over the top-left corner of two planes.

use crate::frame::{Plane, Sample};
use crate::simd::auto::per_level;

per_level! {
    /// [`sum_squared_error`] of 8-bit planes, compiled for `level`.
    pub(super) fn sum_squared_error_u8(
        reference: &Plane<'_, u8>,
        distorted: &Plane<'_, u8>,
        width: usize,
        height: usize,
    ) -> u64 {
        scalar: sum_squared_error::<u8>,
        vector: sum_squared_error::<u8>,
    }
}

per_level! {
    /// [`sum_squared_error`] of 9- to 16-bit planes, compiled for `level`.
    pub(super) fn sum_squared_error_u16(
        reference: &Plane<'_, u16>,
        distorted: &Plane<'_, u16>,
        width: usize,
        height: usize,
    ) -> u64 {
        scalar: sum_squared_error::<u16>,
        vector: sum_squared_error::<u16>,
    }
}

/// Σ (reference − distorted)² over the top-left `width` × `height` samples.
///
/// Exact integer arithmetic: a squared difference of 16-bit samples fits in `u32`, and
/// a frame's sum fits in `u64`, so the result equals libvmaf's whatever the order (and
/// at every vector width).
#[inline(always)]
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
    fn every_level_sums_the_same() {
        use crate::cpu::CpuLevel;
        // Random and extreme samples on odd sizes, both sample types.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for (w, h) in [(11, 11), (13, 17), (33, 19), (1921, 3), (1, 1)] {
            for max in [255u32, 1023, 4095, 65535] {
                let mut next = |extreme: bool| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    let v = (state % (u64::from(max) + 1)) as u32;
                    if extreme {
                        if v & 1 == 0 {
                            0
                        } else {
                            max
                        }
                    } else {
                        v
                    }
                };
                for extreme in [false, true] {
                    let a: Vec<u32> = (0..w * h).map(|_| next(extreme)).collect();
                    let b: Vec<u32> = (0..w * h).map(|_| next(extreme)).collect();
                    let wide = |v: &[u32]| v.iter().map(|&s| s as u16).collect::<Vec<_>>();
                    let (a16, b16) = (wide(&a), wide(&b));
                    let pa = Plane::new(&a16, w, h, w).unwrap();
                    let pb = Plane::new(&b16, w, h, w).unwrap();
                    let expected = sum_squared_error(&pa, &pb, w, h);
                    for level in CpuLevel::supported() {
                        assert_eq!(sum_squared_error_u16(level, &pa, &pb, w, h), expected);
                    }
                    if max == 255 {
                        let narrow = |v: &[u32]| v.iter().map(|&s| s as u8).collect::<Vec<_>>();
                        let (a8, b8) = (narrow(&a), narrow(&b));
                        let pa = Plane::new(&a8, w, h, w).unwrap();
                        let pb = Plane::new(&b8, w, h, w).unwrap();
                        let expected = sum_squared_error(&pa, &pb, w, h);
                        for level in CpuLevel::supported() {
                            assert_eq!(sum_squared_error_u8(level, &pa, &pb, w, h), expected);
                        }
                    }
                }
            }
        }
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
