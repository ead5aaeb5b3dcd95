//! `float_ansnr`: anti-noise SNR of the luma, equal to libvmaf's `float_ansnr` extractor
//! (`float_ansnr` and `float_anpsnr`).
//!
//! - Samples are scaled to the 8-bit range and shifted by −128, in single precision.
//! - The reference is smoothed with a 3×3 filter and the distorted picture with a 5×5
//!   one. Borders mirror: before the start without repeating the edge sample, past the
//!   end repeating it, as libvmaf does.
//! - `signal = Σ r²` and `noise = Σ (r − d)²` over the filtered pictures, in single
//!   precision, one row at a time.
//! - `float_ansnr = 10·log10(signal / noise)` (the quotient in single precision), or the
//!   cap when the noise is 0.
//! - `float_anpsnr = min(10·log10(peak² · w · h / max(noise, 1e-10)), cap)`, with
//!   float_psnr's peak and cap (255 and 60 dB at 8 bits).
//! - Like libvmaf, only 8, 10, 12 and 16 bits are accepted. Pictures narrower or lower
//!   than 3 samples are refused: the 5×5 filter would reach past the mirrored border,
//!   where libvmaf reads memory outside the picture.

mod descriptor;
mod energy;
mod filter;
#[cfg(test)]
mod tests;

use self::filter::Filter;
use crate::error::{Error, Result};
use crate::feature::float_common::picture::{check_bit_depth, eight_bit_divisor, plane_to_float};
use crate::feature::frame_check::check_pair;
use crate::frame::{FrameFormat, FrameView};

pub use descriptor::DESCRIPTOR;

const FEATURE: &str = "float_ansnr";

/// Smallest width and height whose mirrored borders stay inside the picture.
const MIN_SIZE: usize = 3;

/// Options of the `float_ansnr` feature. libvmaf's extractor takes none; the type exists
/// so that every extractor is built the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FloatAnsnrOptions {}

impl FloatAnsnrOptions {
    /// Always succeeds: there is nothing to check.
    pub fn validate(&self) -> Result<()> {
        Ok(())
    }
}

/// One frame's ANSNR values, in dB.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FloatAnsnrScores {
    /// `float_ansnr`: filtered signal over filtered noise.
    pub ansnr: f64,
    /// `float_anpsnr`: peak over filtered noise.
    pub anpsnr: f64,
}

impl FloatAnsnrScores {
    /// The scores under libvmaf's feature names, in the order libvmaf reports them.
    pub fn named(&self) -> [(&'static str, f64); 2] {
        [("float_ansnr", self.ansnr), ("float_anpsnr", self.anpsnr)]
    }
}

/// Scores frame pairs of one format with libvmaf's ANSNR.
#[derive(Debug, Clone)]
pub struct FloatAnsnrExtractor {
    format: FrameFormat,
    peak: f64,
    psnr_max: f64,
    reference_filter: Filter,
    distorted_filter: Filter,
    /// Reference and distorted luma, converted.
    converted: [Vec<f32>; 2],
    /// The same, filtered.
    filtered: [Vec<f32>; 2],
}

impl FloatAnsnrExtractor {
    /// Prepares an extractor for frames of `format`. Fails for bit depths other than 8,
    /// 10, 12 and 16, and for pictures under 3×3.
    pub fn new(format: &FrameFormat, options: FloatAnsnrOptions) -> Result<Self> {
        options.validate()?;
        let bpc = format.bit_depth();
        check_bit_depth(FEATURE, bpc)?;
        let (w, h) = (format.width(), format.height());
        if w < MIN_SIZE || h < MIN_SIZE {
            return Err(Error::InvalidInput(format!(
                "{FEATURE} needs at least {MIN_SIZE}x{MIN_SIZE} samples, got {w}x{h}"
            )));
        }
        let peak = f64::from((1u32 << bpc) - 1) / f64::from(eight_bit_divisor(bpc));
        Ok(Self {
            format: *format,
            peak,
            psnr_max: f64::from(6 * u32::from(bpc) + 12),
            reference_filter: Filter::reference(),
            distorted_filter: Filter::distorted(),
            converted: [vec![0.0; w * h], vec![0.0; w * h]],
            filtered: [vec![0.0; w * h], vec![0.0; w * h]],
        })
    }

    /// Scores one frame pair. Both views must have the extractor's format.
    pub fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
    ) -> Result<FloatAnsnrScores> {
        check_pair(&self.format, reference, distorted)?;
        let (w, h) = (self.format.width(), self.format.height());
        let bpc = self.format.bit_depth();
        let [ref_in, dis_in] = &mut self.converted;
        plane_to_float(FEATURE, reference.luma(), bpc, w, h, ref_in)?;
        plane_to_float(FEATURE, distorted.luma(), bpc, w, h, dis_in)?;
        let [ref_out, dis_out] = &mut self.filtered;
        self.reference_filter.apply(ref_in, ref_out, w, h);
        self.distorted_filter.apply(dis_in, dis_out, w, h);
        let (signal, noise) = energy::signal_and_noise(ref_out, dis_out, w);

        let ansnr = if noise == 0.0 {
            self.psnr_max
        } else {
            10.0 * f64::from(signal / noise).log10()
        };
        let noise = f64::from(noise);
        let floor = if noise > 1e-10 { noise } else { 1e-10 };
        let db = 10.0 * (self.peak * self.peak * w as f64 * h as f64 / floor).log10();
        let anpsnr = if db < self.psnr_max {
            db
        } else {
            self.psnr_max
        };
        Ok(FloatAnsnrScores { ansnr, anpsnr })
    }
}
