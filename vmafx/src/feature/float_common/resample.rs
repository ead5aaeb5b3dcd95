//! Picture resampling used by the VIF prescale option and the motion half-scale term.
//!
//! Arithmetic follows libvmaf's scalar scalers: sample positions in double precision
//! rounded to single, weights and sums in single precision, borders mirrored with
//! `-x` / `2 * last - x`.

use crate::error::{Error, Result};

/// Widest output the bilinear scaler accepts (libvmaf keeps its column tables on the stack).
pub const BILINEAR_MAX_WIDTH: usize = 7680;

/// How a picture is resampled to another size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResampleMethod {
    /// Nearest neighbour (the top-left source sample of each output cell).
    #[default]
    Nearest,
    /// Bilinear interpolation between the two closest rows and columns.
    Bilinear,
    /// Bicubic interpolation (Keys kernel, a = -0.75) over 4x4 samples.
    Bicubic,
    /// Lanczos interpolation (a = 4) over 9x9 samples, normalised by the weight sum.
    Lanczos4,
}

impl ResampleMethod {
    /// Parses libvmaf's names: `nearest`, `bilinear`, `bicubic`, `lanczos4`.
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "nearest" => Ok(Self::Nearest),
            "bilinear" => Ok(Self::Bilinear),
            "bicubic" => Ok(Self::Bicubic),
            "lanczos4" => Ok(Self::Lanczos4),
            _ => Err(Error::InvalidOption(format!(
                "unknown scaling method {name:?} (expected nearest, bilinear, bicubic or lanczos4)"
            ))),
        }
    }

    /// libvmaf's name of the method.
    pub fn name(self) -> &'static str {
        match self {
            Self::Nearest => "nearest",
            Self::Bilinear => "bilinear",
            Self::Bicubic => "bicubic",
            Self::Lanczos4 => "lanczos4",
        }
    }
}

/// A packed picture of `width` x `height` floats.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Image<'a> {
    pub data: &'a [f32],
    pub width: usize,
    pub height: usize,
}

/// Resamples `src` into `dst` (packed, `dst_width` x `dst_height`). Equal sizes copy.
///
/// Sources must be at least 2x2 where the method interpolates (callers check).
pub(crate) fn resample(
    method: ResampleMethod,
    src: Image<'_>,
    dst: &mut [f32],
    dst_width: usize,
    dst_height: usize,
) {
    let n = dst_width * dst_height;
    if src.width == dst_width && src.height == dst_height {
        dst[..n].copy_from_slice(&src.data[..n]);
        return;
    }
    match method {
        ResampleMethod::Nearest => nearest(src, dst, dst_width, dst_height),
        ResampleMethod::Bilinear => bilinear(src, dst, dst_width, dst_height),
        ResampleMethod::Bicubic => {
            interpolate(src, dst, dst_width, dst_height, 1, bicubic_weight, false)
        }
        ResampleMethod::Lanczos4 => {
            interpolate(src, dst, dst_width, dst_height, 4, lanczos4_weight, true)
        }
    }
}

/// Mirror of a (float) position about the picture's first and last sample, as an index.
///
/// The final clamp only matters for pictures too small for one reflection, where
/// libvmaf would read outside the picture; it keeps such input from panicking.
fn mirror(i: f32, last: f32) -> usize {
    let m = if i < 0.0 {
        -i
    } else if i > last {
        2.0 * last - i
    } else {
        i
    };
    m.clamp(0.0, last) as usize
}

/// Source coordinate of output sample `index` at ratio `ratio` (pixel centres aligned).
fn source_position(index: usize, ratio: f32) -> f32 {
    ((index as f64 + 0.5) * f64::from(ratio) - 0.5) as f32
}

fn nearest(src: Image<'_>, dst: &mut [f32], dst_width: usize, dst_height: usize) {
    let ratio_x = src.width as f32 / dst_width as f32;
    let ratio_y = src.height as f32 / dst_height as f32;
    for (y, out) in dst.chunks_exact_mut(dst_width).take(dst_height).enumerate() {
        let sy = ((y as f32 * ratio_y) as usize).min(src.height - 1);
        let row = &src.data[sy * src.width..][..src.width];
        for (x, d) in out.iter_mut().enumerate() {
            *d = row[((x as f32 * ratio_x) as usize).min(src.width - 1)];
        }
    }
}

fn bilinear(src: Image<'_>, dst: &mut [f32], dst_width: usize, dst_height: usize) {
    let ratio_x = src.width as f32 / dst_width as f32;
    let ratio_y = src.height as f32 / dst_height as f32;
    let last_x = (src.width - 1) as f32;
    let last_y = (src.height - 1) as f32;
    let columns: Vec<(usize, usize, f32)> = (0..dst_width)
        .map(|x| {
            let xx = source_position(x, ratio_x);
            let x1 = mirror(f64::from(xx).floor() as f32, last_x);
            let x2 = mirror(f64::from(xx).ceil() as f32, last_x);
            (x1, x2, xx - x1 as f32)
        })
        .collect();
    for (y, out) in dst.chunks_exact_mut(dst_width).take(dst_height).enumerate() {
        let yy = source_position(y, ratio_y);
        let y1 = mirror(f64::from(yy).floor() as f32, last_y);
        let y2 = mirror(f64::from(yy).ceil() as f32, last_y);
        let dy = yy - y1 as f32;
        let r1 = &src.data[y1 * src.width..][..src.width];
        let r2 = &src.data[y2 * src.width..][..src.width];
        for (d, &(x1, x2, dx)) in out.iter_mut().zip(&columns) {
            *d = (1.0 - dy) * (1.0 - dx) * r1[x1]
                + (1.0 - dy) * dx * r1[x2]
                + dy * (1.0 - dx) * r2[x1]
                + dy * dx * r2[x2];
        }
    }
}

fn bicubic_weight(t: f32) -> f32 {
    const A: f32 = -0.75;
    let t = if t < 0.0 { -t } else { t };
    if t < 1.0 {
        ((A + 2.0) * t - (A + 3.0)) * t * t + 1.0
    } else if t < 2.0 {
        (((t - 5.0) * t + 8.0) * t - 4.0) * A
    } else {
        0.0
    }
}

fn lanczos4_weight(x: f32) -> f32 {
    const A: f32 = 4.0;
    if x == 0.0 {
        return 1.0;
    }
    if x > -A && x < A {
        let pi = std::f64::consts::PI;
        let x = f64::from(x);
        let a = f64::from(A);
        return (a * (pi * x).sin() * (pi * x / a).sin() / (pi * pi * x * x)) as f32;
    }
    0.0
}

/// Separable-weight interpolation over a `(2 * reach)`-ish window: taps `-reach..=reach`
/// for Lanczos, `-1..=2` for bicubic (`reach == 1`). `normalise` divides by the weight sum.
fn interpolate(
    src: Image<'_>,
    dst: &mut [f32],
    dst_width: usize,
    dst_height: usize,
    reach: i32,
    weight: fn(f32) -> f32,
    normalise: bool,
) {
    let ratio_x = src.width as f32 / dst_width as f32;
    let ratio_y = src.height as f32 / dst_height as f32;
    let last_x = (src.width - 1) as f32;
    let last_y = (src.height - 1) as f32;
    // Bicubic spans -1..=2, Lanczos4 spans -4..=4.
    let taps: Vec<i32> = if normalise {
        (-reach..=reach).collect()
    } else {
        (-reach..=reach + 1).collect()
    };
    let mut wx = vec![0.0f32; taps.len()];
    let mut wy = vec![0.0f32; taps.len()];
    for (y, out) in dst.chunks_exact_mut(dst_width).take(dst_height).enumerate() {
        let yy = source_position(y, ratio_y);
        let y0 = f64::from(yy).floor() as i32;
        let dy = yy - y0 as f32;
        for (x, d) in out.iter_mut().enumerate() {
            let xx = source_position(x, ratio_x);
            let x0 = f64::from(xx).floor() as i32;
            let dx = xx - x0 as f32;
            for (k, &t) in taps.iter().enumerate() {
                wx[k] = weight(t as f32 - dx);
                wy[k] = weight(t as f32 - dy);
            }
            let mut value = 0.0f32;
            let mut weight_sum = 0.0f32;
            for (ky, &ty) in taps.iter().enumerate() {
                let sy = mirror((y0 + ty) as f32, last_y);
                let row = &src.data[sy * src.width..][..src.width];
                for (kx, &tx) in taps.iter().enumerate() {
                    let w = wx[kx] * wy[ky];
                    weight_sum += w;
                    let sx = mirror((x0 + tx) as f32, last_x);
                    value += row[sx] * w;
                }
            }
            *d = if normalise { value / weight_sum } else { value };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names() {
        for m in [
            ResampleMethod::Nearest,
            ResampleMethod::Bilinear,
            ResampleMethod::Bicubic,
            ResampleMethod::Lanczos4,
        ] {
            assert_eq!(ResampleMethod::from_name(m.name()).unwrap(), m);
        }
        assert!(ResampleMethod::from_name("area").is_err());
    }

    #[test]
    fn flat_pictures_stay_flat() {
        let data = vec![3.0f32; 7 * 5];
        let src = Image {
            data: &data,
            width: 7,
            height: 5,
        };
        for m in [
            ResampleMethod::Nearest,
            ResampleMethod::Bilinear,
            ResampleMethod::Bicubic,
            ResampleMethod::Lanczos4,
        ] {
            let mut out = vec![0.0f32; 4 * 3];
            resample(m, src, &mut out, 4, 3);
            for v in out {
                assert!((v - 3.0).abs() < 1e-5, "{m:?} gave {v}");
            }
        }
    }

    #[test]
    fn bilinear_halves_by_averaging() {
        let mut out = [0.0f32; 2];
        let src = Image {
            data: &[0.0, 2.0, 4.0, 6.0, 0.0, 2.0, 4.0, 6.0],
            width: 4,
            height: 2,
        };
        resample(ResampleMethod::Bilinear, src, &mut out, 2, 1);
        assert_eq!(out, [1.0, 5.0]);
    }
}
