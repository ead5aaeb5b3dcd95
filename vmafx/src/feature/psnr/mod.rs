//! `psnr`: peak signal-to-noise ratio per plane (`psnr_y`, `psnr_cb`, `psnr_cr`), equal to
//! libvmaf's integer `psnr` extractor.
//!
//! - The squared error is summed exactly in integers, then
//!   `psnr = min(10·log10(peak² / max(mse, 1e-16)), cap)`.
//! - `peak` is `2^bpc − 1`, or `255·2^(bpc−8)` with `reduced_hbd_peak`.
//! - The cap is `6·bpc + 12` dB (60 dB at 8 bits, 72 dB at 10 bits), so identical
//!   planes score the cap. With `min_sse > 0` the cap becomes
//!   `ceil(10·log10(peak² / (min_sse / pixels)))` instead.
//! - Chroma is measured over the top-left `(w >> ssx) × (h >> ssy)` samples, libvmaf's
//!   floor-sized chroma geometry. For odd sizes this leaves out the last chroma column
//!   and row that Y4M files carry (169×96 is measured as 168×95 for 337×191 4:2:0).
//!   When that region is empty (a 1-pixel-wide 4:2:0 frame), the plane scores the cap.
//! - libvmaf accepts only 8, 10, 12 and 16 bits; other depths from 9 to 15 use the same
//!   rules with their own `bpc`.

mod descriptor;
#[cfg(test)]
mod conformance_tests;
mod sse;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use crate::cpu::CpuLevel;
use crate::error::Result;
use crate::feature::frame_check::{check_pair, plane_pair, PlanePair};
use crate::feature::options::OptionValues;
use crate::frame::{ChromaSubsampling, FrameFormat, FrameView};

pub use descriptor::DESCRIPTOR;

/// Options of the `psnr` feature, under libvmaf's names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PsnrOptions {
    /// `enable_chroma` (default true): also score Cb and Cr. Ignored for 4:0:0.
    pub enable_chroma: bool,
    /// `enable_mse` (default false): also report each plane's mean squared error.
    pub enable_mse: bool,
    /// `enable_apsnr` (default false): accumulate errors for [`PsnrExtractor::apsnr`].
    pub enable_apsnr: bool,
    /// `reduced_hbd_peak` (default false): use `255·2^(bpc−8)` as the peak above 8 bits,
    /// so that upshifted 8-bit content scores as it did at 8 bits.
    pub reduced_hbd_peak: bool,
    /// `min_sse` (default 0): the smallest squared-error sum assumed per plane, which sets
    /// the PSNR cap; 0 keeps the fixed `6·bpc + 12` dB cap.
    pub min_sse: f64,
}

impl Default for PsnrOptions {
    fn default() -> Self {
        Self {
            enable_chroma: true,
            enable_mse: false,
            enable_apsnr: false,
            reduced_hbd_peak: false,
            min_sse: 0.0,
        }
    }
}

impl PsnrOptions {
    /// Reads the options from their parsed values (see [`DESCRIPTOR`]).
    pub fn from_options(values: &OptionValues) -> Self {
        Self {
            enable_chroma: values.bool("enable_chroma"),
            enable_mse: values.bool("enable_mse"),
            enable_apsnr: values.bool("enable_apsnr"),
            reduced_hbd_peak: values.bool("reduced_hbd_peak"),
            min_sse: values.double("min_sse"),
        }
    }

    /// Reads options by libvmaf name (switches as 0/1) over the defaults.
    pub fn from_dict(dict: &BTreeMap<String, f64>) -> Result<Self> {
        Ok(Self::from_options(&DESCRIPTOR.values_from_numbers(dict)?))
    }
}

/// One frame's PSNR values in dB, and optionally its mean squared errors.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PsnrScores {
    /// `psnr_y`.
    pub y: f64,
    /// `psnr_cb`, when chroma is scored.
    pub cb: Option<f64>,
    /// `psnr_cr`, when chroma is scored.
    pub cr: Option<f64>,
    /// `mse_y`, with `enable_mse`.
    pub mse_y: Option<f64>,
    /// `mse_cb`, with `enable_mse` and chroma.
    pub mse_cb: Option<f64>,
    /// `mse_cr`, with `enable_mse` and chroma.
    pub mse_cr: Option<f64>,
}

/// PSNR over all frames seen so far (`apsnr_y`, `apsnr_cb`, `apsnr_cr`): the summed
/// squared error of every frame against the summed pixel count, in dB.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ApsnrScores {
    /// `apsnr_y`.
    pub y: f64,
    /// `apsnr_cb`, when chroma is scored.
    pub cb: Option<f64>,
    /// `apsnr_cr`, when chroma is scored.
    pub cr: Option<f64>,
}

/// Scores frame pairs of one format with libvmaf's integer PSNR.
#[derive(Debug, Clone)]
pub struct PsnrExtractor {
    format: FrameFormat,
    options: PsnrOptions,
    /// `peak²`, as the exact 32-bit product libvmaf uses.
    peak_squared: u32,
    /// Per-plane cap in dB.
    psnr_max: [f64; 3],
    /// Width × height measured per plane.
    regions: [(usize, usize); 3],
    /// Planes scored: 1 (luma) or 3.
    plane_count: usize,
    /// Running `(sse, pixels)` per plane for APSNR.
    totals: [(u64, u64); 3],
    /// Instruction-set level of the squared-error sums.
    level: CpuLevel,
}

impl PsnrExtractor {
    /// Prepares an extractor for frames of `format` with the process-wide
    /// [`crate::cpu::level`].
    pub fn new(format: &FrameFormat, options: PsnrOptions) -> Result<Self> {
        Self::with_cpu_level(format, options, crate::cpu::level())
    }

    /// As [`PsnrExtractor::new`], with sums compiled for `level` lowered to what this
    /// processor supports ([`CpuLevel::capped`]). Every level gives the same scores.
    pub fn with_cpu_level(
        format: &FrameFormat,
        options: PsnrOptions,
        level: CpuLevel,
    ) -> Result<Self> {
        let bpc = u32::from(format.bit_depth());
        let peak: u32 = if options.reduced_hbd_peak {
            255 << (bpc - 8)
        } else {
            (1 << bpc) - 1
        };
        let peak_squared = peak * peak;
        let chroma = format.chroma();
        let plane_count = if options.enable_chroma && chroma != ChromaSubsampling::Yuv400 {
            3
        } else {
            1
        };
        let (w, h) = (format.width(), format.height());
        let chroma_region = (w >> chroma.shift_x(), h >> chroma.shift_y());
        let regions = [(w, h), chroma_region, chroma_region];
        let psnr_max = regions.map(|(rw, rh)| {
            if options.min_sse != 0.0 {
                let mse = options.min_sse / (rw * rh) as f64;
                (10.0 * (f64::from(peak_squared) / mse).log10()).ceil()
            } else {
                f64::from(6 * bpc + 12)
            }
        });
        Ok(Self {
            format: *format,
            options,
            peak_squared,
            psnr_max,
            regions,
            plane_count,
            totals: [(0, 0); 3],
            level: CpuLevel::capped(level),
        })
    }

    /// The instruction-set level whose sums run.
    pub fn cpu_level(&self) -> CpuLevel {
        self.level
    }

    /// Scores one frame pair. Both views must have the extractor's format.
    pub fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
    ) -> Result<PsnrScores> {
        check_pair(&self.format, reference, distorted)?;
        let mut psnr = [None; 3];
        let mut mse = [None; 3];
        for p in 0..self.plane_count {
            let (w, h) = self.regions[p];
            let sse = match plane_pair(reference, distorted, p)? {
                PlanePair::U8(r, d) => sse::sum_squared_error_u8(self.level, &r, &d, w, h),
                PlanePair::U16(r, d) => sse::sum_squared_error_u16(self.level, &r, &d, w, h),
            };
            let pixels = (w * h) as u64;
            if self.options.enable_apsnr {
                let total = &mut self.totals[p];
                total.0 = total.0.saturating_add(sse);
                total.1 = total.1.saturating_add(pixels);
            }
            let plane_mse = sse as f64 / pixels as f64;
            psnr[p] = Some(self.psnr_from_mse(plane_mse, p));
            mse[p] = Some(plane_mse);
        }
        let with_mse = |v: Option<f64>| v.filter(|_| self.options.enable_mse);
        Ok(PsnrScores {
            y: psnr[0].expect("luma is always scored"),
            cb: psnr[1],
            cr: psnr[2],
            mse_y: with_mse(mse[0]),
            mse_cb: with_mse(mse[1]),
            mse_cr: with_mse(mse[2]),
        })
    }

    /// PSNR of everything extracted so far, when `enable_apsnr` is on (else `None`).
    pub fn apsnr(&self) -> Option<ApsnrScores> {
        if !self.options.enable_apsnr {
            return None;
        }
        let plane = |p: usize| self.apsnr_of(self.totals[p].0, self.totals[p].1);
        let chroma = |p: usize| (self.plane_count == 3).then(|| plane(p));
        Some(ApsnrScores {
            y: plane(0),
            cb: chroma(1),
            cr: chroma(2),
        })
    }

    /// The `(sse, pixels)` summed per plane so far for APSNR; zeros for planes not
    /// scored, and all zeros without `enable_apsnr`.
    pub fn run_totals(&self) -> [(u64, u64); 3] {
        self.totals
    }

    /// Whether whole-run totals are kept (`enable_apsnr`).
    pub fn keeps_run_totals(&self) -> bool {
        self.options.enable_apsnr
    }

    /// libvmaf's whole-run PSNR of one plane from its summed squared error and pixel
    /// count. A plane never scored (no chroma) has both at zero and comes out as −∞,
    /// which reports print as libvmaf does (`null` in JSON).
    pub fn apsnr_of(&self, sse: u64, pixels: u64) -> f64 {
        let pp = f64::from(self.peak_squared);
        let value = 10.0 * (pp.log10() + (pixels as f64).log10() - (sse as f64).log10());
        // Exact in 128 bits, where libvmaf's 64-bit product could wrap.
        let ceiling = u128::from(self.peak_squared) * u128::from(pixels) * 2;
        let cap = (10.0 * (ceiling as f64).log10()).ceil();
        c_min(value, cap)
    }

    fn psnr_from_mse(&self, mse: f64, plane: usize) -> f64 {
        // C-style max/min: a NaN mse (empty region) falls to the floor, then the cap.
        let mse = if mse > 1e-16 { mse } else { 1e-16 };
        let db = 10.0 * (f64::from(self.peak_squared) / mse).log10();
        c_min(db, self.psnr_max[plane])
    }
}

/// `a < b ? a : b`, which keeps `b` when `a` is NaN.
fn c_min(a: f64, b: f64) -> f64 {
    if a < b {
        a
    } else {
        b
    }
}
