//! `psnr_hvs`: PSNR-HVS-M, PSNR of DCT coefficients weighted by contrast sensitivity
//! and relieved by contrast masking, equal to libvmaf's `psnr_hvs` extractor (Xiph's
//! implementation): `psnr_hvs_y`, `psnr_hvs_cb`, `psnr_hvs_cr` and `psnr_hvs`.
//!
//! - Each plane is cut into 8×8 blocks that start every 7 samples, over libvmaf's
//!   floor-sized chroma (`(w >> ssx) × (h >> ssy)`; for odd sizes the last chroma column
//!   and row of a Y4M frame are left out). Blocks are transformed with Daala's integer
//!   DCT; the error of every coefficient is weighted by its sensitivity, and AC errors
//!   are reduced by a masking threshold taken from the busier of the two blocks.
//! - A plane's score is the mean weighted squared error over `(2^bpc − 1)²`, in single
//!   precision as libvmaf computes it, and is reported as `−10·log10(score)`.
//! - `psnr_hvs` combines the planes' scores before the logarithm: `0.8·Y + 0.1·(Cb + Cr)`.
//! - Chroma uses the same 4:2:0 sensitivity tables for every layout, as libvmaf does.
//! - A plane narrower or lower than 8 samples has no block: its score is 0/0, NaN, as in
//!   libvmaf (whose JSON prints it as `null`); so is `psnr_hvs` then.
//! - libvmaf refuses more than 12 bits and 4:0:0 pictures, and so does this extractor.

mod descriptor;
mod blocks;
mod csf;
mod dct;
#[cfg(test)]
mod tests;

use self::csf::Weights;
use crate::error::{Error, Result};
use crate::feature::frame_check::{check_pair, plane_pair, PlanePair};
use crate::frame::{ChromaSubsampling, FrameFormat, FrameView};

pub use descriptor::DESCRIPTOR;

const FEATURE: &str = "psnr_hvs";

/// Deepest samples libvmaf's `psnr_hvs` accepts.
const MAX_BIT_DEPTH: u8 = 12;

/// Options of the `psnr_hvs` feature. libvmaf's extractor takes none; the type exists so
/// that every extractor is built the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PsnrHvsOptions {}

impl PsnrHvsOptions {
    /// Always succeeds: there is nothing to check.
    pub fn validate(&self) -> Result<()> {
        Ok(())
    }
}

/// One frame's PSNR-HVS-M values, in dB.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PsnrHvsScores {
    /// `psnr_hvs_y`.
    pub y: f64,
    /// `psnr_hvs_cb`.
    pub cb: f64,
    /// `psnr_hvs_cr`.
    pub cr: f64,
    /// `psnr_hvs`: the planes combined, 0.8 luma and 0.1 each chroma plane.
    pub combined: f64,
}

impl PsnrHvsScores {
    /// The scores under libvmaf's feature names, in the order libvmaf reports them.
    pub fn named(&self) -> [(&'static str, f64); 4] {
        [
            ("psnr_hvs_y", self.y),
            ("psnr_hvs_cb", self.cb),
            ("psnr_hvs_cr", self.cr),
            ("psnr_hvs", self.combined),
        ]
    }
}

/// Scores frame pairs of one format with libvmaf's PSNR-HVS-M.
#[derive(Debug, Clone)]
pub struct PsnrHvsExtractor {
    format: FrameFormat,
    /// Width × height measured per plane.
    regions: [(usize, usize); 3],
    weights: [Weights; 3],
}

impl PsnrHvsExtractor {
    /// Prepares an extractor for frames of `format`. Fails, as libvmaf does, above 12 bits
    /// and for 4:0:0.
    pub fn new(format: &FrameFormat, options: PsnrHvsOptions) -> Result<Self> {
        options.validate()?;
        if format.bit_depth() > MAX_BIT_DEPTH {
            return Err(Error::InvalidInput(format!(
                "{FEATURE} supports bit depths up to {MAX_BIT_DEPTH}, not {}",
                format.bit_depth()
            )));
        }
        let chroma = format.chroma();
        if chroma == ChromaSubsampling::Yuv400 {
            return Err(Error::InvalidInput(format!(
                "{FEATURE} scores chroma and cannot take 4:0:0 (gray) pictures"
            )));
        }
        let (w, h) = (format.width(), format.height());
        let chroma_region = (w >> chroma.shift_x(), h >> chroma.shift_y());
        Ok(Self {
            format: *format,
            regions: [(w, h), chroma_region, chroma_region],
            weights: std::array::from_fn(Weights::for_plane),
        })
    }

    /// Scores one frame pair. Both views must have the extractor's format.
    pub fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
    ) -> Result<PsnrHvsScores> {
        check_pair(&self.format, reference, distorted)?;
        let bpc = self.format.bit_depth();
        let mut errors = [0.0f64; 3];
        for (p, error) in errors.iter_mut().enumerate() {
            let (w, h) = self.regions[p];
            let weights = &self.weights[p];
            *error = match plane_pair(reference, distorted, p)? {
                PlanePair::U8(r, d) => blocks::masked_error(&r, &d, w, h, bpc, weights),
                PlanePair::U16(r, d) => blocks::masked_error(&r, &d, w, h, bpc, weights),
            };
        }
        let [y, cb, cr] = errors;
        let combined = y * 0.8 + 0.1 * (cb + cr);
        Ok(PsnrHvsScores {
            y: to_db(y),
            cb: to_db(cb),
            cr: to_db(cr),
            combined: to_db(combined),
        })
    }
}

/// A normalised error as dB, the way libvmaf converts it.
fn to_db(error: f64) -> f64 {
    10.0 * -error.log10()
}
