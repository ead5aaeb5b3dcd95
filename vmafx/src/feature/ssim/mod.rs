//! `float_ssim`: the structural similarity index of the luma plane, equal to libvmaf's
//! `float_ssim` extractor.
//!
//! - Samples are converted to `f32` on the 8-bit scale (divided by `2^(bpc − 8)`), so the
//!   constants use a dynamic range of 255 at every bit depth.
//! - Large pictures are first shrunk by `scale = max(1, round(min(w, h) / 256))` (or the
//!   `scale` option): a `scale × scale` box average taken at every `scale`-th sample,
//!   mirrored at the edges. The shrunk size is `n / scale`, plus one when `n` is odd.
//! - Local means, variances and covariance use the separable 11×11 Gaussian window
//!   (σ = 1.5), only where it fits inside the picture, and the result is the mean of the
//!   SSIM map over those `(w − 10) × (h − 10)` positions, rounded to `f32`.
//! - Pictures whose (shrunk) size is below 11×11 are rejected with
//!   [`crate::Error::InvalidInput`]; libvmaf returns a meaningless value for them.
//! - Identical pictures score 1 up to `f32` rounding of the window terms.
//!
//! The filters and the SSIM map are shared with [`crate::feature::ms_ssim`]. They run
//! compiled for AVX2 or AVX-512 where the processor has them, chosen from
//! [`crate::cpu::level`] (or per extractor with `with_cpu_level`); every level gives the
//! scalar reference's bits.

mod descriptor;
pub(crate) mod filter;
pub(crate) mod luma;
pub(crate) mod map;
#[cfg(test)]
mod simd_tests;
#[cfg(test)]
mod tests;
pub(crate) mod vector;

use std::collections::BTreeMap;

use crate::cpu::CpuLevel;
use crate::error::{Error, Result};
use crate::feature::frame_check::check_pair;
use crate::feature::options::OptionValues;
use crate::frame::{FrameFormat, FrameView};

pub use descriptor::DESCRIPTOR;

use filter::{decimated_len, WINDOW};
use map::SsimScratch;
use vector::{decimate, luma_to_f32, ssim_means, DecimateScratch};

/// Options of the `float_ssim` feature, under libvmaf's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SsimOptions {
    /// `enable_lcs` (default false): the caller also reports `float_ssim_l`, `_c`, `_s`
    /// from [`SsimExtractor::extract_components`].
    pub enable_lcs: bool,
    /// `enable_db` (default false): report `−10·log10(1 − ssim)` instead of the index.
    pub enable_db: bool,
    /// `clip_db` (default false): cap the dB value at `ceil(10·log10(peak² · 2wh))`.
    pub clip_db: bool,
    /// `scale` (default 0): shrink factor, 0 for automatic, 1 for none, 2..=10 explicit.
    pub scale: u32,
}

impl SsimOptions {
    /// Reads the options from their parsed values (see [`DESCRIPTOR`]).
    pub fn from_options(values: &OptionValues) -> Self {
        Self {
            enable_lcs: values.bool("enable_lcs"),
            enable_db: values.bool("enable_db"),
            clip_db: values.bool("clip_db"),
            scale: u32::try_from(values.int("scale")).unwrap_or(0),
        }
    }

    /// Reads options by libvmaf name (switches as 0/1) over the defaults.
    pub fn from_dict(dict: &BTreeMap<String, f64>) -> Result<Self> {
        Ok(Self::from_options(&DESCRIPTOR.values_from_numbers(dict)?))
    }
}

/// One frame's SSIM and the means of its three factors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SsimComponents {
    /// `float_ssim` (in dB with `enable_db`).
    pub ssim: f64,
    /// `float_ssim_l`: mean luminance term.
    pub l: f64,
    /// `float_ssim_c`: mean contrast term.
    pub c: f64,
    /// `float_ssim_s`: mean structure term.
    pub s: f64,
}

/// Scores frame pairs of one format with libvmaf's `float_ssim`.
#[derive(Debug, Clone)]
pub struct SsimExtractor {
    format: FrameFormat,
    options: SsimOptions,
    /// Shrink factor actually used (1 = none).
    scale: usize,
    /// dB cap (infinite without `clip_db`).
    max_db: f64,
    /// `scale × scale` box of weights `1 / scale²`.
    box_kernel: Vec<f32>,
    reference: Vec<f32>,
    distorted: Vec<f32>,
    reference_small: Vec<f32>,
    distorted_small: Vec<f32>,
    taps: DecimateScratch,
    scratch: SsimScratch,
    /// Instruction-set level of the kernels.
    level: CpuLevel,
}

impl SsimExtractor {
    /// Prepares an extractor for frames of `format` with the process-wide
    /// [`crate::cpu::level`]; fails when the picture, once shrunk, is smaller than the
    /// 11×11 window.
    pub fn new(format: &FrameFormat, options: SsimOptions) -> Result<Self> {
        Self::with_cpu_level(format, options, crate::cpu::level())
    }

    /// As [`SsimExtractor::new`], with kernels of `level` lowered to what this processor
    /// supports ([`CpuLevel::capped`]). Every level gives the same scores.
    pub fn with_cpu_level(
        format: &FrameFormat,
        options: SsimOptions,
        level: CpuLevel,
    ) -> Result<Self> {
        let (w, h) = (format.width(), format.height());
        let scale = if options.scale > 0 {
            options.scale as usize
        } else {
            auto_scale(w, h)
        };
        let (sw, sh) = if scale > 1 {
            (decimated_len(w, scale), decimated_len(h, scale))
        } else {
            (w, h)
        };
        if sw < WINDOW || sh < WINDOW {
            return Err(Error::InvalidInput(format!(
                "float_ssim needs at least {WINDOW}x{WINDOW} pixels after shrinking by {scale}; \
                 {w}x{h} becomes {sw}x{sh}"
            )));
        }
        let box_weight = 1.0f32 / (scale * scale) as f32;
        Ok(Self {
            format: *format,
            options,
            scale,
            max_db: max_db(format, options.clip_db),
            box_kernel: vec![box_weight; scale * scale],
            reference: Vec::new(),
            distorted: Vec::new(),
            reference_small: Vec::new(),
            distorted_small: Vec::new(),
            taps: DecimateScratch::default(),
            scratch: SsimScratch::default(),
            level: CpuLevel::capped(level),
        })
    }

    /// The instruction-set level whose kernels run.
    pub fn cpu_level(&self) -> CpuLevel {
        self.level
    }

    /// The options this extractor was built with.
    pub fn options(&self) -> &SsimOptions {
        &self.options
    }

    /// Scores one frame pair: `float_ssim`.
    pub fn extract(&mut self, reference: &FrameView<'_>, distorted: &FrameView<'_>) -> Result<f64> {
        Ok(self.extract_components(reference, distorted)?.ssim)
    }

    /// Scores one frame pair, with the luminance, contrast and structure means.
    pub fn extract_components(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
    ) -> Result<SsimComponents> {
        check_pair(&self.format, reference, distorted)?;
        let bpc = self.format.bit_depth();
        luma_to_f32(self.level, &reference.luma(), bpc, &mut self.reference);
        luma_to_f32(self.level, &distorted.luma(), bpc, &mut self.distorted);
        let (mut w, mut h) = (self.format.width(), self.format.height());
        let (r, d) = if self.scale > 1 {
            let (s, k, taps) = (self.scale, &self.box_kernel, &mut self.taps);
            decimate(
                self.level,
                &self.reference,
                w,
                h,
                s,
                k,
                s,
                &mut self.reference_small,
                taps,
            );
            (w, h) = decimate(
                self.level,
                &self.distorted,
                w,
                h,
                s,
                k,
                s,
                &mut self.distorted_small,
                taps,
            );
            (&self.reference_small, &self.distorted_small)
        } else {
            (&self.reference, &self.distorted)
        };
        let means = ssim_means(self.level, r, d, w, h, &mut self.scratch);
        let ssim = f64::from(means.ssim);
        Ok(SsimComponents {
            ssim: if self.options.enable_db {
                to_db(ssim, self.max_db)
            } else {
                ssim
            },
            l: f64::from(means.l),
            c: f64::from(means.c),
            s: f64::from(means.s),
        })
    }
}

/// libvmaf's automatic shrink factor: `min(w, h) / 256` rounded half up, at least 1.
fn auto_scale(w: usize, h: usize) -> usize {
    let ratio = w.min(h) as f32 / 256.0;
    let whole = ratio.trunc();
    let rounded = if f64::from(ratio - whole) >= 0.5 {
        whole + 1.0
    } else {
        whole
    };
    (rounded as usize).max(1)
}

/// The dB cap of the SSIM-family `clip_db` option: `ceil(10·log10(peak² / (0.5 / wh)))`,
/// or infinity when clipping is off.
pub(crate) fn max_db(format: &FrameFormat, clip_db: bool) -> f64 {
    if !clip_db {
        return f64::INFINITY;
    }
    let peak = (1u32 << format.bit_depth()) - 1;
    let mse = 0.5 / (format.width() * format.height()) as f64;
    (10.0 * (f64::from(peak * peak) / mse).log10()).ceil()
}

/// `min(−10·log10(1 − score), max_db)`, with C's `a < b ? a : b`.
pub(crate) fn to_db(score: f64, max_db: f64) -> f64 {
    let db = -10.0 * (1.0 - score).log10();
    if db < max_db {
        db
    } else {
        max_db
    }
}
