//! `ciede2000`: colour difference between pictures, equal to libvmaf's `ciede` extractor.
//!
//! Every pixel of both pictures is converted to CIELAB (limited-range BT.709, sRGB
//! curve, D65), the CIEDE2000 difference ΔE00 is taken with weights
//! `k_L = 0.65, k_C = 1, k_H = 4`, and the frame scores
//! `45 − 20·log10(mean ΔE00)`. Identical pictures therefore score `+∞`.
//!
//! Chroma is brought to luma size by nearest-neighbour upsampling: luma `(i, j)` uses
//! chroma `(i >> ssy, j >> ssx)`. How this relates to libvmaf:
//! - 4:4:4 and even-sized 4:2:0: identical.
//! - Odd-sized 4:2:0: libvmaf reads one column and one row past its floor-sized chroma
//!   plane (memory outside the picture, so its value changes from run to run). Here the
//!   last luma column and row use the ceil-sized chroma that Y4M carries for them; a
//!   view with floor-sized chroma repeats its last column and row instead. No golden
//!   value exists to compare with.
//! - 4:2:2: libvmaf swaps its two subsampling flags, so luma row `i` reads chroma row
//!   `i / 2`, and columns `j >= w / 2` run on into the next chroma row. By default this
//!   crate upsamples 4:2:2 correctly. Set [`CiedeOptions::libvmaf_422_quirk`] to
//!   reproduce libvmaf's values; it models libvmaf's plane as packed (`w / 2` samples per
//!   row), which is what libvmaf reads whenever its result is deterministic (when the
//!   chroma row length is a multiple of its 32-byte alignment, as at 320×240), and it
//!   repeats the last chroma row where libvmaf would run past the plane. The option has
//!   no effect on other layouts.
//! - 4:0:0 has no colour and is rejected.
//! - libvmaf accepts only 8, 10, 12 and 16 bits; other depths from 9 to 15 use the same
//!   formulas with their own scale.
//!
//! The per-pixel work runs on four (AVX2) or eight (AVX-512) pixels at once where the
//! processor allows ([`crate::cpu::level`], or per extractor with
//! [`CiedeExtractor::with_cpu_level`]); every level gives the scalar reference's
//! per-pixel values bit for bit (see [`vector`]).

mod descriptor;
mod chroma_map;
mod color;
mod delta_e;
mod vector;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use crate::cpu::CpuLevel;
use crate::error::{Error, Result};
use crate::feature::frame_check::{check_pair, plane_pair, PlanePair};
use crate::feature::options::OptionValues;
use crate::frame::{ChromaSubsampling, FrameFormat, FrameView, Plane, Sample};

pub use descriptor::DESCRIPTOR;

use chroma_map::ChromaMap;
use color::YuvToLab;
use delta_e::{delta_e_2000, LIBVMAF_WEIGHTS};

/// Options of the `ciede` feature. libvmaf has none; this one is ours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CiedeOptions {
    /// `libvmaf_422_quirk` (default false): on 4:2:2, index chroma as libvmaf does (see
    /// the module docs) instead of upsampling it correctly.
    pub libvmaf_422_quirk: bool,
}

impl CiedeOptions {
    /// Reads the options from their parsed values (see [`DESCRIPTOR`]).
    pub fn from_options(values: &OptionValues) -> Self {
        Self {
            libvmaf_422_quirk: values.bool("libvmaf_422_quirk"),
        }
    }

    /// Reads options by libvmaf name (switches as 0/1) over the defaults.
    pub fn from_dict(dict: &BTreeMap<String, f64>) -> Result<Self> {
        Ok(Self::from_options(&DESCRIPTOR.values_from_numbers(dict)?))
    }
}

/// Scores frame pairs of one format with libvmaf's `ciede2000`.
#[derive(Debug, Clone)]
pub struct CiedeExtractor {
    format: FrameFormat,
    options: CiedeOptions,
    to_lab: YuvToLab,
    /// The instruction-set level of the per-pixel work.
    level: CpuLevel,
    /// Built on the first frame, when the chroma planes' actual size is known.
    chroma_map: Option<(ChromaMap, (usize, usize))>,
}

impl CiedeExtractor {
    /// Prepares an extractor for frames of `format`, at the process-wide
    /// [`crate::cpu::level`]; 4:0:0 is rejected.
    pub fn new(format: &FrameFormat, options: CiedeOptions) -> Result<Self> {
        Self::with_cpu_level(format, options, crate::cpu::level())
    }

    /// As [`CiedeExtractor::new`], with the per-pixel work at `level`, lowered to what
    /// this processor supports ([`CpuLevel::capped`]). Every level gives the same
    /// scores.
    pub fn with_cpu_level(
        format: &FrameFormat,
        options: CiedeOptions,
        level: CpuLevel,
    ) -> Result<Self> {
        if format.chroma() == ChromaSubsampling::Yuv400 {
            return Err(Error::InvalidInput(
                "ciede2000 needs chroma planes; 4:0:0 has none".into(),
            ));
        }
        Ok(Self {
            format: *format,
            options,
            to_lab: YuvToLab::new(format.bit_depth()),
            level: CpuLevel::capped(level),
            chroma_map: None,
        })
    }

    /// Scores one frame pair: `ciede2000` (`+∞` when the pictures are identical).
    pub fn extract(&mut self, reference: &FrameView<'_>, distorted: &FrameView<'_>) -> Result<f64> {
        check_pair(&self.format, reference, distorted)?;
        self.prepare_chroma_map(reference, distorted)?;
        let map = &self.chroma_map.as_ref().expect("prepared above").0;
        let pairs = [0, 1, 2].map(|p| plane_pair(reference, distorted, p));
        let [y, u, v] = pairs;
        let sum = match (y?, u?, v?) {
            (PlanePair::U8(ry, dy), PlanePair::U8(ru, du), PlanePair::U8(rv, dv)) => {
                self.sum(map, [ry, ru, rv], [dy, du, dv])
            }
            (PlanePair::U16(ry, dy), PlanePair::U16(ru, du), PlanePair::U16(rv, dv)) => {
                self.sum(map, [ry, ru, rv], [dy, du, dv])
            }
            _ => return Err(Error::Mismatch("planes of mixed sample widths".into())),
        };
        let (w, h) = (self.format.width(), self.format.height());
        Ok(45.0 - 20.0 * (sum / (w * h) as f64).log10())
    }

    /// Σ ΔE00 at the extractor's level.
    fn sum<T: Sample>(
        &self,
        map: &ChromaMap,
        reference: [Plane<'_, T>; 3],
        distorted: [Plane<'_, T>; 3],
    ) -> f64 {
        vector::delta_e_sum(self.level, &self.to_lab, map, reference, distorted)
            .unwrap_or_else(|| delta_e_sum(&self.to_lab, map, reference, distorted))
    }

    /// Builds the chroma map for the views' chroma size (ceil- or floor-sized), once.
    fn prepare_chroma_map(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
    ) -> Result<()> {
        let mut sizes = [reference, distorted]
            .into_iter()
            .flat_map(|view| [view.plane(1), view.plane(2)])
            .map(|plane| plane.map(|p| (p.width(), p.height())));
        let size = sizes
            .next()
            .flatten()
            .ok_or_else(|| Error::InvalidInput("ciede2000 needs chroma planes".into()))?;
        if sizes.any(|s| s != Some(size)) {
            return Err(Error::Mismatch("chroma planes differ in size".into()));
        }
        if self.chroma_map.as_ref().map(|(_, s)| *s) != Some(size) {
            let (w, chroma) = (self.format.width(), self.format.chroma());
            let map = if self.options.libvmaf_422_quirk && chroma == ChromaSubsampling::Yuv422 {
                ChromaMap::libvmaf_422(w, size.1)
            } else {
                ChromaMap::nearest(w, chroma, size.0, size.1)
            };
            self.chroma_map = Some((map, size));
        }
        Ok(())
    }
}

/// Σ ΔE00 over all pixels, summed in `f64` in raster order.
fn delta_e_sum<T: Sample>(
    to_lab: &YuvToLab,
    map: &ChromaMap,
    reference: [Plane<'_, T>; 3],
    distorted: [Plane<'_, T>; 3],
) -> f64 {
    let (w, h) = (reference[0].width(), reference[0].height());
    let sample = |plane: &Plane<'_, T>, row: usize, col: usize| -> f64 {
        let v: u32 = plane.row(row)[col].into();
        f64::from(v)
    };
    let mut sum = 0.0f64;
    for i in 0..h {
        for j in 0..w {
            let (ci, cj) = map.position(i, j);
            let lab = |p: &[Plane<'_, T>; 3]| {
                to_lab.lab(
                    sample(&p[0], i, j),
                    sample(&p[1], ci, cj),
                    sample(&p[2], ci, cj),
                )
            };
            sum += f64::from(delta_e_2000(
                lab(&reference),
                lab(&distorted),
                LIBVMAF_WEIGHTS,
            ));
        }
    }
    sum
}
