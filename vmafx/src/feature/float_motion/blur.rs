//! The low-pass filter float motion compares frames through, and the mean absolute
//! difference of two blurred pictures.

use crate::feature::float_common::mirror::{pad_row, reflect};
use crate::feature::float_common::resample::{resample, Image, ResampleMethod};

/// 5-tap Gaussian-like blur (the default).
const FILTER_5: [f32; 5] = [
    0.054488685_f64 as f32,
    0.244201342_f64 as f32,
    0.402619947_f64 as f32,
    0.244201342_f64 as f32,
    0.054488685_f64 as f32,
];
/// 3-tap blur (`motion_filter_size = 3`).
const FILTER_3: [f32; 3] = [
    0.166378498_f64 as f32,
    0.667243004_f64 as f32,
    0.166378498_f64 as f32,
];
/// 5 taps that pass the picture through (`motion_filter_size = 1`).
const FILTER_IDENTITY: [f32; 5] = [0.0, 0.0, 1.0, 0.0, 0.0];

/// The filter for libvmaf's `motion_filter_size` (1, 3, anything else means 5).
pub(super) fn filter_for_size(size: i32) -> &'static [f32] {
    match size {
        1 => &FILTER_IDENTITY,
        3 => &FILTER_3,
        _ => &FILTER_5,
    }
}

/// Blurs the packed `width` x `height` picture `src` into `dst`: columns first, then rows,
/// borders mirrored. `column_pass` (whole picture) and `padded` (one row) are scratch.
pub(super) fn blur(
    filter: &[f32],
    src: &[f32],
    width: usize,
    height: usize,
    dst: &mut [f32],
    column_pass: &mut Vec<f32>,
    padded: &mut Vec<f32>,
) {
    let radius = filter.len() / 2;
    column_pass.resize(width * height, 0.0);
    for (i, out) in column_pass.chunks_exact_mut(width).enumerate() {
        out.fill(0.0);
        for (k, &f) in filter.iter().enumerate() {
            let row = reflect(i as isize + k as isize - radius as isize, height);
            for (o, &v) in out.iter_mut().zip(&src[row * width..][..width]) {
                *o += f * v;
            }
        }
    }
    padded.resize(width + 2 * radius, 0.0);
    for (row, out) in column_pass
        .chunks_exact(width)
        .zip(dst.chunks_exact_mut(width))
    {
        padded[radius..radius + width].copy_from_slice(row);
        pad_row(padded, radius);
        out.fill(0.0);
        for (k, &f) in filter.iter().enumerate() {
            for (o, &p) in out.iter_mut().zip(&padded[k..]) {
                *o += f * p;
            }
        }
    }
}

/// Mean absolute difference of two packed pictures of `width` x `height`
/// (row sums first, all in single precision).
pub(super) fn mean_abs_difference(a: &[f32], b: &[f32], width: usize, height: usize) -> f32 {
    let mut total = 0.0f32;
    for (ra, rb) in a
        .chunks_exact(width)
        .zip(b.chunks_exact(width))
        .take(height)
    {
        let mut row = 0.0f32;
        for (&x, &y) in ra.iter().zip(rb) {
            row += (x - y).abs();
        }
        total += row;
    }
    total / (width * height) as f32
}

/// Size of the half-resolution copy `motion_add_scale1` compares.
pub(super) fn half_size(width: usize, height: usize) -> (usize, usize) {
    (
        (width as f64 * 0.5 + 0.5) as usize,
        (height as f64 * 0.5 + 0.5) as usize,
    )
}

/// Row pitch, in floats, of libvmaf's float buffers for rows of `width` samples
/// (rows padded to 32 bytes).
pub(super) fn float_pitch(width: usize) -> usize {
    (width * 4).div_ceil(32) * 32 / 4
}

/// The picture libvmaf's half-scale step actually reads for a chroma plane.
///
/// libvmaf stores blurred chroma rows `buffer_pitch` floats apart (the luma pitch) but
/// has the scaler read them `float_pitch(width)` apart; where the two differ, the rows it
/// sees are slices of the stored rows and of their never-written padding (zero in a
/// fresh allocation, which is assumed here).
pub(super) fn as_misread(
    src: &[f32],
    width: usize,
    height: usize,
    buffer_pitch: usize,
    out: &mut Vec<f32>,
) {
    let read_pitch = float_pitch(width);
    out.clear();
    out.extend((0..height).flat_map(|y| {
        (0..width).map(move |x| {
            let k = y * read_pitch + x;
            let (row, column) = (k / buffer_pitch, k % buffer_pitch);
            if column < width {
                src[row * width + column]
            } else {
                0.0
            }
        })
    }));
}

/// Bilinear half-resolution copy of a blurred picture.
pub(super) fn halve(src: &[f32], width: usize, height: usize, dst: &mut [f32]) {
    let (hw, hh) = half_size(width, height);
    let image = Image {
        data: src,
        width,
        height,
    };
    resample(ResampleMethod::Bilinear, image, dst, hw, hh);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_filter_passes_through() {
        let src: Vec<f32> = (0..20).map(|v| v as f32).collect();
        let mut dst = vec![0.0; 20];
        blur(
            filter_for_size(1),
            &src,
            5,
            4,
            &mut dst,
            &mut Vec::new(),
            &mut Vec::new(),
        );
        assert_eq!(src, dst);
    }

    #[test]
    fn blur_keeps_flat_pictures() {
        let src = vec![7.0f32; 6 * 3];
        let mut dst = vec![0.0; 18];
        blur(
            filter_for_size(5),
            &src,
            6,
            3,
            &mut dst,
            &mut Vec::new(),
            &mut Vec::new(),
        );
        assert!(dst.iter().all(|v| (v - 7.0).abs() < 1e-5));
    }

    #[test]
    fn mean_difference() {
        let a = [1.0f32, 2.0, 3.0, 4.0];
        let b = [2.0f32, 2.0, 1.0, 4.0];
        assert_eq!(mean_abs_difference(&a, &b, 2, 2), 0.75);
    }
}
