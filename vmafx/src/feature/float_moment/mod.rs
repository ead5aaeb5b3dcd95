//! `float_moment`: the first and second moments (mean and mean square) of the reference
//! and distorted luma, equal to libvmaf's `float_moment` extractor.
//!
//! - Samples are scaled to the 8-bit range (divided by 4, 16 or 256 above 8 bits), with
//!   no offset, in single precision.
//! - The first moment sums the samples in double precision; the second squares each in
//!   single precision, then sums in double precision; both divide by `width · height`.
//! - libvmaf scales only 8, 10, 12 and 16 bits; at other depths it would read the 16-bit
//!   samples as bytes, so this extractor refuses them.

mod descriptor;
mod moments;
#[cfg(test)]
mod tests;

use crate::error::Result;
use crate::feature::float_common::picture::{check_bit_depth, eight_bit_divisor};
use crate::feature::frame_check::check_pair;
use crate::frame::{FrameFormat, FrameView, PlaneRef};

pub use descriptor::DESCRIPTOR;

const FEATURE: &str = "float_moment";

/// Options of the `float_moment` feature. libvmaf's extractor takes none; the type exists
/// so that every extractor is built the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FloatMomentOptions {}

impl FloatMomentOptions {
    /// Always succeeds: there is nothing to check.
    pub fn validate(&self) -> Result<()> {
        Ok(())
    }
}

/// One frame's luma moments, in 8-bit units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FloatMomentScores {
    /// `float_moment_ref1st`: mean of the reference.
    pub ref1st: f64,
    /// `float_moment_dis1st`: mean of the distorted picture.
    pub dis1st: f64,
    /// `float_moment_ref2nd`: mean square of the reference.
    pub ref2nd: f64,
    /// `float_moment_dis2nd`: mean square of the distorted picture.
    pub dis2nd: f64,
}

impl FloatMomentScores {
    /// The scores under libvmaf's feature names, in the order libvmaf reports them.
    pub fn named(&self) -> [(&'static str, f64); 4] {
        [
            ("float_moment_ref1st", self.ref1st),
            ("float_moment_dis1st", self.dis1st),
            ("float_moment_ref2nd", self.ref2nd),
            ("float_moment_dis2nd", self.dis2nd),
        ]
    }
}

/// Scores frame pairs of one format with libvmaf's float moments.
#[derive(Debug, Clone)]
pub struct FloatMomentExtractor {
    format: FrameFormat,
    divisor: f32,
}

impl FloatMomentExtractor {
    /// Prepares an extractor for frames of `format`. Fails for bit depths other than 8,
    /// 10, 12 and 16.
    pub fn new(format: &FrameFormat, options: FloatMomentOptions) -> Result<Self> {
        options.validate()?;
        check_bit_depth(FEATURE, format.bit_depth())?;
        Ok(Self {
            format: *format,
            divisor: eight_bit_divisor(format.bit_depth()),
        })
    }

    /// Scores one frame pair. Both views must have the extractor's format.
    pub fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
    ) -> Result<FloatMomentScores> {
        check_pair(&self.format, reference, distorted)?;
        let [ref1st, ref2nd] = self.moments(reference.luma());
        let [dis1st, dis2nd] = self.moments(distorted.luma());
        Ok(FloatMomentScores {
            ref1st,
            dis1st,
            ref2nd,
            dis2nd,
        })
    }

    fn moments(&self, plane: PlaneRef<'_>) -> [f64; 2] {
        let (w, h) = (self.format.width(), self.format.height());
        match plane {
            PlaneRef::U8(p) => moments::first_and_second(&p, w, h, self.divisor),
            PlaneRef::U16(p) => moments::first_and_second(&p, w, h, self.divisor),
        }
    }
}
