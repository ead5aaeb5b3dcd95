//! `float_psnr`: luma PSNR on floats, equal to libvmaf's `float_psnr` extractor.
//!
//! - Samples are scaled to the 8-bit range (divided by 4, 16 or 256 above 8 bits) in
//!   single precision; each difference is squared in single precision and summed in
//!   double precision, row by row.
//! - `float_psnr = min(10·log10(peak² / max(mse, 1e-10)), cap)`, where the peak is the
//!   scaled maximum sample (255, 255.75, 255.9375 or 255.99609375) and the cap is
//!   `6·bpc + 12` dB (60, 72, 84 or 108).
//! - Only luma is measured. libvmaf knows the peaks of 8, 10, 12 and 16 bits alone and
//!   refuses other depths, and so does this extractor.

mod descriptor;
mod noise;
#[cfg(test)]
mod tests;

use crate::error::Result;
use crate::feature::float_common::picture::{check_bit_depth, eight_bit_divisor};
use crate::feature::frame_check::{check_pair, plane_pair, PlanePair};
use crate::frame::{FrameFormat, FrameView};

pub use descriptor::DESCRIPTOR;

const FEATURE: &str = "float_psnr";

/// Options of the `float_psnr` feature. libvmaf's extractor takes none; the type exists so
/// that every extractor is built the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FloatPsnrOptions {}

impl FloatPsnrOptions {
    /// Always succeeds: there is nothing to check.
    pub fn validate(&self) -> Result<()> {
        Ok(())
    }
}

/// One frame's float PSNR.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FloatPsnrScores {
    /// `float_psnr`, in dB.
    pub psnr: f64,
}

impl FloatPsnrScores {
    /// The score under libvmaf's feature name.
    pub fn named(&self) -> [(&'static str, f64); 1] {
        [("float_psnr", self.psnr)]
    }
}

/// Scores frame pairs of one format with libvmaf's float PSNR.
#[derive(Debug, Clone)]
pub struct FloatPsnrExtractor {
    format: FrameFormat,
    divisor: f32,
    peak: f64,
    psnr_max: f64,
}

impl FloatPsnrExtractor {
    /// Prepares an extractor for frames of `format`. Fails, as libvmaf does, for bit depths
    /// other than 8, 10, 12 and 16.
    pub fn new(format: &FrameFormat, options: FloatPsnrOptions) -> Result<Self> {
        options.validate()?;
        let bpc = format.bit_depth();
        check_bit_depth(FEATURE, bpc)?;
        let divisor = eight_bit_divisor(bpc);
        // (2^bpc - 1) / 2^(bpc - 8) is exact in f64 for every depth up to 16.
        let peak = f64::from((1u32 << bpc) - 1) / f64::from(divisor);
        let psnr_max = f64::from(6 * u32::from(bpc) + 12);
        Ok(Self {
            format: *format,
            divisor,
            peak,
            psnr_max,
        })
    }

    /// Scores one frame pair. Both views must have the extractor's format.
    pub fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
    ) -> Result<FloatPsnrScores> {
        check_pair(&self.format, reference, distorted)?;
        let (w, h) = (self.format.width(), self.format.height());
        let mse = match plane_pair(reference, distorted, 0)? {
            PlanePair::U8(r, d) => noise::mean_squared_error(&r, &d, w, h, self.divisor),
            PlanePair::U16(r, d) => noise::mean_squared_error(&r, &d, w, h, self.divisor),
        };
        let floor = if mse > 1e-10 { mse } else { 1e-10 };
        let db = 10.0 * (self.peak * self.peak / floor).log10();
        let psnr = if db < self.psnr_max {
            db
        } else {
            self.psnr_max
        };
        Ok(FloatPsnrScores { psnr })
    }
}
