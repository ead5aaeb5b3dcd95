//! Luma samples as `f32` on the 8-bit scale, the input of the float SSIM metrics.

use crate::frame::{Plane, PlaneRef, Sample};

/// Copies the luma plane into `dst` (packed, `width × height`), dividing samples above
/// 8 bits by `2^(bpc − 8)` so that every depth lands on the 0..=255 scale.
#[inline(always)]
pub(crate) fn luma_to_f32(luma: &PlaneRef<'_>, bit_depth: u8, dst: &mut Vec<f32>) {
    dst.clear();
    match luma {
        PlaneRef::U8(p) => extend_rows(p, dst, f32::from),
        PlaneRef::U16(p) => {
            // A power of two: the division is exact.
            let scale = (1u32 << (bit_depth - 8)) as f32;
            extend_rows(p, dst, |v| f32::from(v) / scale);
        }
    }
}

#[inline(always)]
fn extend_rows<T: Sample>(plane: &Plane<'_, T>, dst: &mut Vec<f32>, convert: impl Fn(T) -> f32) {
    dst.reserve(plane.width() * plane.height());
    for y in 0..plane.height() {
        dst.extend(plane.row(y).iter().map(|&v| convert(v)));
    }
}
