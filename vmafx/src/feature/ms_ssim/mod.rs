//! `float_ms_ssim`: multi-scale SSIM of the luma plane (Wang, Simoncelli and Bovik's
//! five-scale form), equal to libvmaf's `float_ms_ssim` extractor.
//!
//! - Scale 0 is the luma plane as `f32` on the 8-bit scale (as in [`crate::feature::ssim`]).
//!   Each further scale low-passes the previous one with the 9×9 filter of the 9/7
//!   biorthogonal wavelet, mirrored at the edges, and keeps every second sample; a side
//!   of `n` becomes `n / 2`, plus one when `n` is odd.
//! - At every scale the SSIM map with the 11×11 Gaussian window gives the means of its
//!   luminance, contrast and structure terms, each rounded to `f32`.
//! - The score is `Π l_i^α_i · c_i^β_i · s_i^γ_i` in `f64`, with α = (0, 0, 0, 0, 0.1333)
//!   and β = γ = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333).
//! - Every scale must be at least 11×11 when sides are halved rounding down, so both
//!   sides must be at least 176 pixels; smaller formats are rejected with
//!   [`crate::Error::InvalidInput`], as libvmaf fails on them ("scale below 1x1").
//! - Identical pictures score 1 up to `f32` rounding of the window terms.
//!
//! The filters run compiled for AVX2 or AVX-512 where the processor has them, chosen
//! from [`crate::cpu::level`] (or per extractor with `with_cpu_level`); every level gives
//! the scalar reference's bits.

mod descriptor;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use crate::cpu::CpuLevel;
use crate::error::{Error, Result};
use crate::feature::frame_check::check_pair;
use crate::feature::options::OptionValues;
use crate::feature::ssim::filter::WINDOW;
use crate::feature::ssim::map::SsimScratch;
use crate::feature::ssim::vector::{decimate, luma_to_f32, ssim_means, DecimateScratch};
use crate::feature::ssim::{max_db, to_db};
use crate::frame::{FrameFormat, FrameView};

pub use descriptor::DESCRIPTOR;

/// Number of scales.
pub const SCALES: usize = 5;

/// Smallest width and height accepted: `11 · 2^(SCALES − 1)`.
pub const MIN_SIDE: usize = WINDOW << (SCALES - 1);

/// 9×9 low-pass filter applied before each halving (9/7 biorthogonal wavelet).
const LOW_PASS_SIDE: usize = 9;
#[rustfmt::skip]
const LOW_PASS: [f32; LOW_PASS_SIDE * LOW_PASS_SIDE] = [
     0.000714, -0.000450, -0.002090,  0.007132,  0.016114,  0.007132, -0.002090, -0.000450,  0.000714,
    -0.000450,  0.000283,  0.001316, -0.004490, -0.010146, -0.004490,  0.001316,  0.000283, -0.000450,
    -0.002090,  0.001316,  0.006115, -0.020867, -0.047149, -0.020867,  0.006115,  0.001316, -0.002090,
     0.007132, -0.004490, -0.020867,  0.071207,  0.160885,  0.071207, -0.020867, -0.004490,  0.007132,
     0.016114, -0.010146, -0.047149,  0.160885,  0.363505,  0.160885, -0.047149, -0.010146,  0.016114,
     0.007132, -0.004490, -0.020867,  0.071207,  0.160885,  0.071207, -0.020867, -0.004490,  0.007132,
    -0.002090,  0.001316,  0.006115, -0.020867, -0.047149, -0.020867,  0.006115,  0.001316, -0.002090,
    -0.000450,  0.000283,  0.001316, -0.004490, -0.010146, -0.004490,  0.001316,  0.000283, -0.000450,
     0.000714, -0.000450, -0.002090,  0.007132,  0.016114,  0.007132, -0.002090, -0.000450,  0.000714,
];

/// Exponents of the luminance, contrast and structure terms per scale.
const ALPHAS: [f32; SCALES] = [0.0, 0.0, 0.0, 0.0, 0.1333];
const BETAS: [f32; SCALES] = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333];
const GAMMAS: [f32; SCALES] = BETAS;

/// Options of the `float_ms_ssim` feature, under libvmaf's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MsSsimOptions {
    /// `enable_lcs` (default false): the caller also reports the per-scale terms
    /// (`float_ms_ssim_l_scale0` ...) from [`MsSsimExtractor::extract_components`].
    pub enable_lcs: bool,
    /// `enable_db` (default false): report `−10·log10(1 − ms_ssim)` instead.
    pub enable_db: bool,
    /// `clip_db` (default false): cap the dB value at `ceil(10·log10(peak² · 2wh))`.
    pub clip_db: bool,
}

impl MsSsimOptions {
    /// Reads the options from their parsed values (see [`DESCRIPTOR`]).
    pub fn from_options(values: &OptionValues) -> Self {
        Self {
            enable_lcs: values.bool("enable_lcs"),
            enable_db: values.bool("enable_db"),
            clip_db: values.bool("clip_db"),
        }
    }

    /// Reads options by libvmaf name (switches as 0/1) over the defaults.
    pub fn from_dict(dict: &BTreeMap<String, f64>) -> Result<Self> {
        Ok(Self::from_options(&DESCRIPTOR.values_from_numbers(dict)?))
    }
}

/// One frame's MS-SSIM and the per-scale means of its three terms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MsSsimComponents {
    /// `float_ms_ssim` (in dB with `enable_db`).
    pub ms_ssim: f64,
    /// `float_ms_ssim_l_scale0..4`: mean luminance term per scale.
    pub l: [f64; SCALES],
    /// `float_ms_ssim_c_scale0..4`: mean contrast term per scale.
    pub c: [f64; SCALES],
    /// `float_ms_ssim_s_scale0..4`: mean structure term per scale.
    pub s: [f64; SCALES],
}

/// Scores frame pairs of one format with libvmaf's `float_ms_ssim`.
#[derive(Debug, Clone)]
pub struct MsSsimExtractor {
    format: FrameFormat,
    options: MsSsimOptions,
    max_db: f64,
    /// Scales 0..5 of each picture, packed.
    reference: [Vec<f32>; SCALES],
    distorted: [Vec<f32>; SCALES],
    taps: DecimateScratch,
    scratch: SsimScratch,
    /// Instruction-set level of the kernels.
    level: CpuLevel,
}

impl MsSsimExtractor {
    /// Prepares an extractor for frames of `format` with the process-wide
    /// [`crate::cpu::level`]; fails when either side is below [`MIN_SIDE`] (176) pixels.
    pub fn new(format: &FrameFormat, options: MsSsimOptions) -> Result<Self> {
        Self::with_cpu_level(format, options, crate::cpu::level())
    }

    /// As [`MsSsimExtractor::new`], with kernels of `level` lowered to what this
    /// processor supports ([`CpuLevel::capped`]). Every level gives the same scores.
    pub fn with_cpu_level(
        format: &FrameFormat,
        options: MsSsimOptions,
        level: CpuLevel,
    ) -> Result<Self> {
        let (w, h) = (format.width(), format.height());
        // libvmaf's test: halving (rounding down) four times still leaves the window.
        if (0..SCALES).any(|i| (w >> i) < WINDOW || (h >> i) < WINDOW) {
            return Err(Error::InvalidInput(format!(
                "float_ms_ssim needs at least {MIN_SIDE} pixels on each side \
                 ({SCALES} scales of at least {WINDOW}), got {w}x{h}"
            )));
        }
        Ok(Self {
            format: *format,
            options,
            max_db: max_db(format, options.clip_db),
            reference: Default::default(),
            distorted: Default::default(),
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
    pub fn options(&self) -> &MsSsimOptions {
        &self.options
    }

    /// Scores one frame pair: `float_ms_ssim`.
    pub fn extract(&mut self, reference: &FrameView<'_>, distorted: &FrameView<'_>) -> Result<f64> {
        Ok(self.extract_components(reference, distorted)?.ms_ssim)
    }

    /// Scores one frame pair, with the per-scale luminance, contrast and structure means.
    pub fn extract_components(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
    ) -> Result<MsSsimComponents> {
        check_pair(&self.format, reference, distorted)?;
        let bpc = self.format.bit_depth();
        luma_to_f32(self.level, &reference.luma(), bpc, &mut self.reference[0]);
        luma_to_f32(self.level, &distorted.luma(), bpc, &mut self.distorted[0]);

        let mut sizes = [(self.format.width(), self.format.height()); SCALES];
        for i in 1..SCALES {
            let (w, h) = sizes[i - 1];
            for pyramid in [&mut self.reference, &mut self.distorted] {
                let (finer, coarser) = pyramid.split_at_mut(i);
                let (src, dst) = (&finer[i - 1], &mut coarser[0]);
                sizes[i] = decimate(
                    self.level,
                    src,
                    w,
                    h,
                    2,
                    &LOW_PASS,
                    LOW_PASS_SIDE,
                    dst,
                    &mut self.taps,
                );
            }
        }

        let mut out = MsSsimComponents {
            ms_ssim: 1.0,
            l: [0.0; SCALES],
            c: [0.0; SCALES],
            s: [0.0; SCALES],
        };
        for (i, &(w, h)) in sizes.iter().enumerate() {
            let m = ssim_means(
                self.level,
                &self.reference[i],
                &self.distorted[i],
                w,
                h,
                &mut self.scratch,
            );
            let (l, c, s) = (f64::from(m.l), f64::from(m.c), f64::from(m.s));
            out.ms_ssim *= l.powf(f64::from(ALPHAS[i]))
                * c.powf(f64::from(BETAS[i]))
                * s.powf(f64::from(GAMMAS[i]));
            (out.l[i], out.c[i], out.s[i]) = (l, c, s);
            if out.ms_ssim == f64::INFINITY {
                return Err(Error::InvalidInput(format!(
                    "float_ms_ssim is infinite at scale {i}"
                )));
            }
        }
        if self.options.enable_db {
            out.ms_ssim = to_db(out.ms_ssim, self.max_db);
        }
        Ok(out)
    }
}
