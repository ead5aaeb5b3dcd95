//! From the input's luma to CAMBI's working picture: range check, nearest-neighbour
//! resampling to the scored size, conversion to 10 bits, and the anti-dithering average.

use crate::error::{Error, Result};
use crate::frame::{Plane, PlaneRef, Sample};

use super::canvas::Canvas;

/// Fails when a luma sample exceeds what `bit_depth` bits can hold, as libvmaf does
/// before scoring (only possible above 8 bits, where samples are stored in 16).
pub(super) fn check_sample_range(luma: &PlaneRef<'_>, bit_depth: u8) -> Result<()> {
    let PlaneRef::U16(plane) = luma else {
        return Ok(());
    };
    if bit_depth >= 16 {
        return Ok(());
    }
    let max = (1u16 << bit_depth) - 1;
    for y in 0..plane.height() {
        if let Some(&bad) = plane.row(y).iter().find(|&&v| v > max) {
            return Err(Error::InvalidInput(format!(
                "luma sample {bad} exceeds the {bit_depth}-bit maximum {max}"
            )));
        }
    }
    Ok(())
}

/// Writes the luma, resampled to `width` x `height` and converted to 10 bits, into the top
/// left of `canvas`. Below 10 bits samples are shifted up; above, rounded down.
#[inline(always)]
pub(super) fn load_10bit(
    luma: &PlaneRef<'_>,
    bit_depth: u8,
    canvas: &mut Canvas,
    width: usize,
    height: usize,
) {
    match luma {
        PlaneRef::U8(plane) => {
            let shift = 10 - u32::from(bit_depth.min(8));
            resample(plane, canvas, width, height, |v| u16::from(v) << shift);
        }
        PlaneRef::U16(plane) if bit_depth < 10 => {
            let shift = 10 - u32::from(bit_depth);
            resample(plane, canvas, width, height, |v| v << shift);
        }
        PlaneRef::U16(plane) => {
            let shift = u32::from(bit_depth) - 10;
            let half = if shift == 0 { 0 } else { 1u32 << (shift - 1) };
            // A 16-bit 65535 rounds up to 1024, one past 10 bits, as in libvmaf.
            resample(plane, canvas, width, height, |v| {
                ((u32::from(v) + half) >> shift) as u16
            });
        }
    }
}

/// Nearest-neighbour resampling with libvmaf's single-precision stepping, so that the
/// same source samples are picked (the positions accumulate in `f32`).
#[inline(always)]
fn resample<T: Sample>(
    plane: &Plane<'_, T>,
    canvas: &mut Canvas,
    width: usize,
    height: usize,
    convert: impl Fn(T) -> u16,
) {
    let (in_width, in_height) = (plane.width(), plane.height());
    if (in_width, in_height) == (width, height) {
        for y in 0..height {
            let out = &mut canvas.row_mut(y)[..width];
            for (o, &v) in out.iter_mut().zip(plane.row(y)) {
                *o = convert(v);
            }
        }
        return;
    }
    let ratio_x = in_width as f32 / width as f32;
    let ratio_y = in_height as f32 / height as f32;
    let start_x = (f64::from(ratio_x / 2.0) - 0.5) as f32;
    let start_y = (f64::from(ratio_y / 2.0) - 0.5) as f32;
    // Rounding drift could in principle step past the last sample (libvmaf would read
    // out of bounds there); clamping keeps the index inside.
    let nearest = |pos: f32, len: usize| ((f64::from(pos) + 0.5) as usize).min(len - 1);
    let mut y_pos = start_y;
    for y in 0..height {
        let source = plane.row(nearest(y_pos, in_height));
        let out = &mut canvas.row_mut(y)[..width];
        let mut x_pos = start_x;
        for o in out.iter_mut() {
            *o = convert(source[nearest(x_pos, in_width)]);
            x_pos += ratio_x;
        }
        y_pos += ratio_y;
    }
}

/// Replaces each sample by the mean of the 2x2 block it starts (rounded down), which
/// removes dithering patterns of low-bit-depth encodes. The last row and column average
/// the two samples they have; the bottom-right sample stays. Each average reads only
/// samples to the right and below, which are still unchanged when it is taken.
pub(super) fn smooth_dither(canvas: &mut Canvas, width: usize, height: usize) {
    for y in 0..height - 1 {
        let (top, bottom) = canvas.row_and_next(y);
        for x in 0..width - 1 {
            let sum = u32::from(top[x])
                + u32::from(top[x + 1])
                + u32::from(bottom[x])
                + u32::from(bottom[x + 1]);
            top[x] = (sum >> 2) as u16;
        }
        let x = width - 1;
        top[x] = ((u32::from(top[x]) + u32::from(bottom[x])) >> 1) as u16;
    }
    let last = &mut canvas.row_mut(height - 1)[..width];
    for x in 0..width - 1 {
        last[x] = ((u32::from(last[x]) + u32::from(last[x + 1])) >> 1) as u16;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plane_u16(data: &[u16], width: usize) -> PlaneRef<'_> {
        PlaneRef::U16(Plane::new(data, width, data.len() / width, width).unwrap())
    }

    fn loaded(luma: PlaneRef<'_>, bit_depth: u8, width: usize, height: usize) -> Vec<u16> {
        let mut c = Canvas::new(width, height);
        load_10bit(&luma, bit_depth, &mut c, width, height);
        (0..height).flat_map(|y| c.row(y).to_vec()).collect()
    }

    #[test]
    fn bit_depth_conversion() {
        let data8 = [2u8, 100, 2, 100];
        let p8 = PlaneRef::U8(Plane::new(&data8, 2, 2, 2).unwrap());
        assert_eq!(loaded(p8, 8, 2, 2), [8, 400, 8, 400]);
        assert_eq!(
            loaded(plane_u16(&[2, 100, 2, 100], 2), 9, 2, 2),
            [4, 200, 4, 200]
        );
        assert_eq!(
            loaded(plane_u16(&[2, 100, 2, 100], 2), 10, 2, 2),
            [2, 100, 2, 100]
        );
        assert_eq!(
            loaded(plane_u16(&[5, 98, 5, 98], 2), 12, 2, 2),
            [1, 25, 1, 25]
        );
        assert_eq!(
            loaded(plane_u16(&[65535, 0, 0, 0], 2), 16, 2, 2),
            [1024, 0, 0, 0]
        );
    }

    #[test]
    fn decimation_picks_the_nearest_sample() {
        // 4x4 to 2x2 picks the samples at odd coordinates (1 and 3).
        let data: Vec<u16> = (0..16).collect();
        assert_eq!(loaded(plane_u16(&data, 4), 10, 2, 2), [5, 7, 13, 15]);
    }

    #[test]
    fn range_check() {
        let ok = [1023u16, 0];
        let bad = [1024u16, 0];
        assert!(check_sample_range(&plane_u16(&ok, 2), 10).is_ok());
        assert!(matches!(
            check_sample_range(&plane_u16(&bad, 2), 10),
            Err(Error::InvalidInput(_))
        ));
        assert!(check_sample_range(&plane_u16(&bad, 2), 16).is_ok());
    }

    #[test]
    fn anti_dithering_average() {
        let mut c = Canvas::new(3, 2);
        c.row_mut(0).copy_from_slice(&[4, 8, 1]);
        c.row_mut(1).copy_from_slice(&[0, 3, 6]);
        smooth_dither(&mut c, 3, 2);
        assert_eq!(c.row(0), &[3, 4, 3]);
        assert_eq!(c.row(1), &[1, 4, 6]);
    }
}
