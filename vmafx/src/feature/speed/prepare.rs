//! Turns a plane into what SpEED's statistics read: optionally resized, low-pass
//! filtered, decimated 16x and stripped of its local mean, as libvmaf's
//! `filter_and_downscale` does.
//!
//! libvmaf filters the whole plane and then keeps every 16th sample; only the kept
//! samples are computed here, each with the same taps in the same order (vertical sum
//! from tap 0, then horizontal sum of those), so the values are identical.

use super::dimensions::{is_unit_prescale, SpeedDimensions, NUM_SCALES};
use crate::cpu::CpuLevel;
use crate::feature::float_common::mirror::reflect;
use crate::feature::float_common::resample::{resample, Image};
use crate::feature::float_common::ResampleMethod;
use crate::feature::float_vif::kernel::{filter_size, gaussian_filter, gaussian_kernel};

/// The filters and buffers of one SpEED plane size.
#[derive(Debug)]
pub(super) struct PlanePreparer {
    dims: SpeedDimensions,
    resize: Option<ResampleMethod>,
    antialias: Vec<f32>,
    local_mean: Vec<f32>,
    scaled: Vec<f32>,
    decimated: Vec<f32>,
    mean: Vec<f32>,
    column: Vec<f32>,
    /// The level the filters are compiled for.
    level: CpuLevel,
}

impl PlanePreparer {
    /// Filters for `kernelscale` (already validated); resizes with `method` unless the
    /// prescale counts as 1.
    pub fn new(
        dims: SpeedDimensions,
        kernelscale: f64,
        prescale: f64,
        method: ResampleMethod,
    ) -> Self {
        let kernelscale = kernelscale as f32;
        Self {
            dims,
            resize: (!is_unit_prescale(prescale)).then_some(method),
            antialias: antialias_filter(kernelscale),
            local_mean: gaussian_filter(NUM_SCALES, kernelscale),
            scaled: Vec::new(),
            decimated: Vec::new(),
            mean: Vec::new(),
            column: Vec::new(),
            level: crate::cpu::level(),
        }
    }

    /// Prepares `input` (packed, the original size) into `out` (packed, the operating
    /// size).
    pub fn prepare(&mut self, input: &[f32], out: &mut Vec<f32>) {
        let d = self.dims;
        let source: &[f32] = match self.resize {
            Some(method) => {
                self.scaled.resize(d.scaled_width * d.scaled_height, 0.0);
                let image = Image {
                    data: input,
                    width: d.original_width,
                    height: d.original_height,
                };
                resample(
                    method,
                    image,
                    &mut self.scaled,
                    d.scaled_width,
                    d.scaled_height,
                );
                &self.scaled
            }
            None => input,
        };
        let step = 1 << NUM_SCALES;
        filter_at(
            self.level,
            &self.antialias,
            source,
            d.scaled_width,
            d.scaled_height,
            step,
            &mut self.decimated,
            &mut self.column,
        );
        let (w, h) = (d.operating_width, d.operating_height);
        filter_at(
            self.level,
            &self.local_mean,
            &self.decimated,
            w,
            h,
            1,
            &mut self.mean,
            &mut self.column,
        );
        out.clear();
        out.extend(self.decimated.iter().zip(&self.mean).map(|(&v, &m)| v - m));
    }
}

/// The low-pass filter applied before decimating: the size of VIF's scale-1 filter with
/// the spread of its scale-4 one (libvmaf's `speed_get_antialias_filter`).
fn antialias_filter(kernelscale: f32) -> Vec<f32> {
    let size = filter_size(1, kernelscale);
    let spread = f64::from(NUM_SCALES).sqrt();
    gaussian_kernel(size, (spread * size as f64 / 5.0) as f32)
}

crate::simd::auto::per_level! {
    /// [`separable_filter`] compiled for `level` (lowered to what this processor
    /// supports); every level gives the same floats, as no operation is fused or
    /// reordered.
    fn filter_at(
        filter: &[f32],
        src: &[f32],
        width: usize,
        height: usize,
        step: usize,
        dst: &mut Vec<f32>,
        column: &mut Vec<f32>,
    ) {
        scalar: separable_filter,
        vector: separable_filter,
    }
}

/// Filters packed `width` x `height` `src` with `filter` vertically then horizontally,
/// mirroring at the borders, and writes every `step`-th row and column of the result
/// into `dst` (`width / step` x `height / step`, packed).
#[inline(always)]
fn separable_filter(
    filter: &[f32],
    src: &[f32],
    width: usize,
    height: usize,
    step: usize,
    dst: &mut Vec<f32>,
    column: &mut Vec<f32>,
) {
    let radius = filter.len() / 2;
    let (out_width, out_height) = (width / step, height / step);
    dst.clear();
    dst.reserve(out_width * out_height);
    column.resize(width, 0.0);
    for i in 0..out_height {
        let y = i * step;
        column.fill(0.0);
        for (k, &f) in filter.iter().enumerate() {
            let row = reflect((y + k) as isize - radius as isize, height);
            for (c, &v) in column.iter_mut().zip(&src[row * width..][..width]) {
                *c += f * v;
            }
        }
        for jj in 0..out_width {
            let x = jj * step;
            let mut acc = 0.0f32;
            for (k, &f) in filter.iter().enumerate() {
                acc += f * column[reflect((x + k) as isize - radius as isize, width)];
            }
            dst.push(acc);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(width: usize, height: usize) -> Vec<f32> {
        (0..width * height)
            .map(|i| ((i * 7919 % 251) as f32 - 128.0) * 0.75)
            .collect()
    }

    #[test]
    fn decimated_filter_equals_full_filter_then_decimation() {
        let (w, h) = (83, 50);
        let src = picture(w, h);
        let filter = antialias_filter(1.0);
        let (mut full, mut dec, mut column) = (Vec::new(), Vec::new(), Vec::new());
        separable_filter(&filter, &src, w, h, 1, &mut full, &mut column);
        separable_filter(&filter, &src, w, h, 16, &mut dec, &mut column);
        assert_eq!(dec.len(), (w / 16) * (h / 16));
        for i in 0..h / 16 {
            for j in 0..w / 16 {
                assert_eq!(dec[i * (w / 16) + j], full[i * 16 * w + j * 16]);
            }
        }
    }

    #[test]
    fn every_level_filters_as_the_scalar_reference() {
        for (w, h, step) in [(83, 50, 16), (17, 9, 1), (33, 19, 1), (257, 5, 1), (257, 40, 16)] {
            let src = picture(w, h);
            for filter in [antialias_filter(1.0), antialias_filter(0.5), vec![0.25, 0.5, 0.25]] {
                let run = |level| {
                    let (mut out, mut column) = (Vec::new(), Vec::new());
                    filter_at(level, &filter, &src, w, h, step, &mut out, &mut column);
                    out.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
                };
                let expected = run(CpuLevel::Scalar);
                for level in CpuLevel::supported() {
                    assert_eq!(run(level), expected, "{level:?} {w}x{h}/{step}");
                }
            }
        }
    }

    #[test]
    fn filter_mirrors_without_repeating_the_edge() {
        // Three equal rows [1, 2, 3]: the left edge reads 2, 1, 2 and the right 2, 3, 2.
        let filter = [0.25f32, 0.5, 0.25];
        let src3: Vec<f32> = [1.0f32, 2.0, 3.0].iter().cycle().take(9).copied().collect();
        let (mut out, mut column) = (Vec::new(), Vec::new());
        separable_filter(&filter, &src3, 3, 3, 1, &mut out, &mut column);
        assert_eq!(&out[..3], &[1.5, 2.0, 2.5]);
    }

    #[test]
    fn antialias_filter_has_the_scale_one_size() {
        let f = antialias_filter(1.0);
        assert_eq!(f.len(), 9);
        let sum: f32 = f.iter().sum();
        assert!((sum - 1.0).abs() < 1e-6);
        // Its spread is that of a 9-tap filter with sigma 3.6: the ends are far from 0.
        assert!(f[0] / f[4] > 0.5);
    }

    #[test]
    fn prepared_plane_has_no_local_mean_on_flat_input() {
        let dims = SpeedDimensions::new("t", 96, 96, 1.0).unwrap();
        let mut p = PlanePreparer::new(dims, 1.0, 1.0, ResampleMethod::Nearest);
        let mut out = Vec::new();
        p.prepare(&vec![42.0; 96 * 96], &mut out);
        assert_eq!(out.len(), 36);
        assert!(out.iter().all(|&v| v.abs() < 1e-4), "{out:?}");
    }
}
