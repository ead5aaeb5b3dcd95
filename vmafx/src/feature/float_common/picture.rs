//! Turning integer samples into the floats the float extractors work on.
//!
//! Samples are scaled to the 8-bit range (divided by 4, 16 or 256 for 10, 12 and 16
//! bits) and shifted by -128, in single precision, as libvmaf does.

use crate::cpu::CpuLevel;
use crate::error::{Error, Result};
use crate::frame::{Plane, PlaneRef, Sample};

/// The offset added to every sample after scaling.
const SAMPLE_OFFSET: f32 = -128.0;

/// Fails for bit depths the float extractors cannot scale to 8 bits.
///
/// libvmaf only scales 8, 10, 12 and 16 bits; other depths would be read as 8-bit
/// bytes there, which no caller can want.
pub(crate) fn check_bit_depth(feature: &str, bit_depth: u8) -> Result<()> {
    match bit_depth {
        8 | 10 | 12 | 16 => Ok(()),
        _ => Err(Error::InvalidInput(format!(
            "{feature} supports bit depths 8, 10, 12 and 16, not {bit_depth}"
        ))),
    }
}

/// What libvmaf divides samples of `bit_depth` by to bring them to the 8-bit range
/// (1, 4, 16 or 256). Only meaningful for depths [`check_bit_depth`] accepts.
pub(crate) fn eight_bit_divisor(bit_depth: u8) -> f32 {
    f32::from(1u16 << bit_depth.saturating_sub(8).min(8))
}

/// Fails unless `plane` is exactly `width` x `height`.
pub(crate) fn check_plane_size(
    feature: &str,
    plane: &PlaneRef<'_>,
    width: usize,
    height: usize,
) -> Result<()> {
    if plane.width() == width && plane.height() == height {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "{feature} was set up for {width}x{height}, got a {}x{} plane",
            plane.width(),
            plane.height()
        )))
    }
}

/// Converts the top-left `width` x `height` samples of `plane` into `dst` (packed rows).
pub(crate) fn plane_to_float(
    feature: &str,
    plane: PlaneRef<'_>,
    bit_depth: u8,
    width: usize,
    height: usize,
    dst: &mut [f32],
) -> Result<()> {
    plane_to_float_at(
        crate::cpu::level(),
        feature,
        plane,
        bit_depth,
        width,
        height,
        dst,
    )
}

/// [`plane_to_float`] with the code compiled for `level`, lowered to what this processor
/// supports; every level gives the same floats.
fn plane_to_float_at(
    level: CpuLevel,
    feature: &str,
    plane: PlaneRef<'_>,
    bit_depth: u8,
    width: usize,
    height: usize,
    dst: &mut [f32],
) -> Result<()> {
    if plane.width() < width || plane.height() < height || dst.len() < width * height {
        return Err(Error::InvalidInput(format!(
            "{feature}: a {}x{} plane cannot fill {width}x{height} samples",
            plane.width(),
            plane.height()
        )));
    }
    convert_at(level, feature, plane, bit_depth, width, height, dst)
}

crate::simd::auto::per_level! {
    /// [`convert`] compiled for `level` (lowered to what this processor supports).
    fn convert_at(
        feature: &str,
        plane: PlaneRef<'_>,
        bit_depth: u8,
        width: usize,
        height: usize,
        dst: &mut [f32],
    ) -> Result<()> {
        scalar: convert,
        vector: convert,
    }
}

/// The conversion of [`plane_to_float`] once sizes are checked; every level compiles
/// this same code.
#[inline(always)]
fn convert(
    feature: &str,
    plane: PlaneRef<'_>,
    bit_depth: u8,
    width: usize,
    height: usize,
    dst: &mut [f32],
) -> Result<()> {
    match (plane, bit_depth) {
        (PlaneRef::U8(p), 8) => {
            copy_rows(p, width, height, dst, |v| v as f32 + SAMPLE_OFFSET);
        }
        (PlaneRef::U16(p), 10 | 12 | 16) => {
            let divisor = eight_bit_divisor(bit_depth);
            copy_rows(p, width, height, dst, |v| {
                v as f32 / divisor + SAMPLE_OFFSET
            });
        }
        _ => {
            return Err(Error::InvalidInput(format!(
                "{feature}: plane sample type does not match bit depth {bit_depth}"
            )))
        }
    }
    Ok(())
}

#[inline(always)]
fn copy_rows<T: Sample>(
    plane: Plane<'_, T>,
    width: usize,
    height: usize,
    dst: &mut [f32],
    convert: impl Fn(u32) -> f32,
) {
    for (y, out) in dst.chunks_exact_mut(width).take(height).enumerate() {
        for (d, &s) in out.iter_mut().zip(&plane.row(y)[..width]) {
            *d = convert(s.into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_and_offsets() {
        let data8 = [0u8, 128, 255, 7];
        let plane = PlaneRef::U8(Plane::new(&data8, 2, 2, 2).unwrap());
        let mut out = [0.0f32; 4];
        plane_to_float("t", plane, 8, 2, 2, &mut out).unwrap();
        assert_eq!(out, [-128.0, 0.0, 127.0, -121.0]);

        let data10 = [0u16, 512, 1023, 3];
        let plane = PlaneRef::U16(Plane::new(&data10, 2, 2, 2).unwrap());
        plane_to_float("t", plane, 10, 2, 2, &mut out).unwrap();
        assert_eq!(out, [-128.0, 0.0, 127.75, -127.25]);
        assert!(plane_to_float("t", plane, 8, 2, 2, &mut out).is_err());
    }

    proptest::proptest! {
        #[test]
        fn every_level_converts_as_the_scalar_reference(
            width in 1usize..70,
            height in 1usize..9,
            bit_depth in proptest::prop_oneof![
                proptest::strategy::Just(8u8),
                proptest::strategy::Just(10u8),
                proptest::strategy::Just(12u8),
                proptest::strategy::Just(16u8),
            ],
            seed in proptest::prelude::any::<u32>(),
        ) {
            let stride = width + 3;
            let max = if bit_depth == 16 { u16::MAX } else { (1u16 << bit_depth) - 1 };
            let wide: Vec<u16> = (0..stride * height)
                .map(|i| {
                    let r = (i as u32 ^ seed).wrapping_mul(2_654_435_761) >> 7;
                    // Every third sample an extreme, the rest spread over the range.
                    match r % 3 {
                        0 => if r & 8 == 0 { 0 } else { max },
                        _ => (r % (u32::from(max) + 1)) as u16,
                    }
                })
                .collect();
            let narrow: Vec<u8> = wide.iter().map(|&v| v as u8).collect();
            let plane = if bit_depth == 8 {
                PlaneRef::U8(Plane::new(&narrow, width, height, stride).unwrap())
            } else {
                PlaneRef::U16(Plane::new(&wide, width, height, stride).unwrap())
            };
            let convert = |level| {
                let mut out = vec![0.0f32; width * height];
                plane_to_float_at(level, "t", plane, bit_depth, width, height, &mut out).unwrap();
                out.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
            };
            let expected = convert(CpuLevel::Scalar);
            for level in CpuLevel::supported() {
                proptest::prop_assert_eq!(convert(level), expected.clone(), "{:?}", level);
            }
        }
    }

    #[test]
    fn rejects_unscalable_depths() {
        assert!(check_bit_depth("t", 9).is_err());
        assert!(check_bit_depth("t", 12).is_ok());
    }
}
