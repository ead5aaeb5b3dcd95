//! Integer VIF (visual information fidelity), the `integer_vif_scale0..3` features.
//!
//! VIF compares, at four scales, how much of the reference's local signal survives in the
//! distorted picture under a Gaussian noise model. Everything runs in libvmaf's fixed-point
//! arithmetic, so the scores equal libvmaf's integer VIF bit for bit:
//!
//! 1. Scale 0 is the luma plane. Each later scale is the previous one low-pass filtered
//!    with that scale's Gaussian and decimated by two in both directions (sizes round down).
//! 2. At each scale, separable Gaussian filtering gives local means, variances and the
//!    covariance of every pixel; borders are mirrored without repeating the edge sample.
//! 3. Per pixel, the information terms are summed in fixed-point log2 (or a linear
//!    stand-in where the reference is too flat), giving a numerator and a denominator.
//! 4. The score of a scale is `num / den`, divided in single precision.
//!
//! The enhancement gain limit (`vif_enhn_gain_limit`) caps how much an apparently
//! sharpened distortion can score above 1; the `neg` models set it to 1.
//!
//! `scalar.rs` is the reference. On x86_64, `x86/` runs the same arithmetic with AVX2 or
//! AVX-512 (chosen once per extractor from [`crate::cpu::level`]), fusing the filtering,
//! the statistics and the decimation into one pass over the rows; its sums are the
//! reference's bit for bit, which the tests check on random frames at every level.
//!
//! A GPU backend implements [`VifDevice`] (`device.rs`): it returns the same four sums
//! of every scale for a [`VifPlan`], and the plan finishes them with the CPU
//! extractor's own arithmetic ([`VifScores`] from the sums).

#[cfg(test)]
mod conformance_tests;
mod descriptor;
mod device;
mod dispatch;
pub(crate) mod scalar;
#[cfg(test)]
mod simd_tests;
pub(crate) mod tables;
#[cfg(test)]
mod tests;
#[cfg(target_arch = "x86_64")]
mod x86;

use std::collections::BTreeMap;

use crate::cpu::CpuLevel;
use crate::error::{Error, Result};
use crate::feature::options::OptionValues;
use crate::frame::{Plane, PlaneRef, MAX_DIMENSION};
use dispatch::{Engine, KernelSample, Step};
use scalar::{ScaleSums, StatParams, VerticalRounding};
use tables::{Log2Table, SCALES};

pub use descriptor::DESCRIPTOR;
pub(crate) use device::{VifDevice, VifOnDevice};
pub use device::{VifPlan, VifSums};

/// Options of the integer VIF extractor, named after libvmaf's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VifOptions {
    /// `vif_enhn_gain_limit`: the largest gain credited to a distortion that enhances
    /// the reference, 1.0..=100.0. 1.0 disables enhancement gain; 100.0 is the default.
    pub enhn_gain_limit: f64,
    /// `vif_skip_scale0`: when set, scale 0 is not computed and reported as 0.
    pub skip_scale0: bool,
    /// `debug`: libvmaf then also reports `integer_vif`, `integer_vif_num`,
    /// `integer_vif_den` and the per-scale sums; [`VifScores`] always carries them.
    pub debug: bool,
}

impl VifOptions {
    /// libvmaf's default enhancement gain limit, also its largest accepted value.
    pub const DEFAULT_ENHN_GAIN_LIMIT: f64 = 100.0;

    /// Reads the options from their parsed values (see [`DESCRIPTOR`]).
    pub fn from_options(values: &OptionValues) -> Result<Self> {
        Ok(Self {
            enhn_gain_limit: values.double("vif_enhn_gain_limit"),
            skip_scale0: values.bool("vif_skip_scale0"),
            debug: values.bool("debug"),
        })
    }

    /// Builds options from libvmaf option names and numbers (switches as 0 or 1).
    pub fn from_dict(opts: &BTreeMap<String, f64>) -> Result<Self> {
        Self::from_options(&DESCRIPTOR.values_from_numbers(opts)?)
    }
}

impl Default for VifOptions {
    fn default() -> Self {
        Self {
            enhn_gain_limit: Self::DEFAULT_ENHN_GAIN_LIMIT,
            skip_scale0: false,
            debug: false,
        }
    }
}

/// Refuses a setup the VIF extractors cannot score: a side outside
/// [`MIN_DIMENSION`]`..=`[`MAX_DIMENSION`], a bit depth outside 8..=16, or a gain limit
/// outside 1.0..=100.0.
pub(crate) fn check_setup(
    width: usize,
    height: usize,
    bit_depth: u8,
    options: &VifOptions,
) -> Result<()> {
    let fits = |d: usize| (MIN_DIMENSION..=MAX_DIMENSION).contains(&d);
    if !fits(width) || !fits(height) {
        return Err(Error::InvalidInput(format!(
            "VIF needs frames of at least {MIN_DIMENSION}x{MIN_DIMENSION} \
             (and at most {MAX_DIMENSION}x{MAX_DIMENSION}), got {width}x{height}"
        )));
    }
    if !(8..=16).contains(&bit_depth) {
        return Err(Error::InvalidInput(format!(
            "VIF bit depth {bit_depth} is outside 8..=16"
        )));
    }
    if !(1.0..=VifOptions::DEFAULT_ENHN_GAIN_LIMIT).contains(&options.enhn_gain_limit) {
        return Err(Error::Feature(format!(
            "vif_enhn_gain_limit {} is outside 1.0..=100.0",
            options.enhn_gain_limit
        )));
    }
    Ok(())
}

/// Refuses a pair the VIF extractors cannot score: planes of another size than
/// `width x height`, or samples of the wrong width for `bit_depth`.
pub(crate) fn check_pair(
    width: usize,
    height: usize,
    bit_depth: u8,
    reference: &PlaneRef<'_>,
    distorted: &PlaneRef<'_>,
) -> Result<()> {
    for (what, plane) in [("reference", reference), ("distorted", distorted)] {
        if plane.width() != width || plane.height() != height {
            return Err(Error::InvalidInput(format!(
                "{what} plane is {}x{}, the VIF extractor was made for {width}x{height}",
                plane.width(),
                plane.height(),
            )));
        }
    }
    let wide = bit_depth > 8;
    match (reference, distorted) {
        (PlaneRef::U8(_), PlaneRef::U8(_)) if !wide => Ok(()),
        (PlaneRef::U16(_), PlaneRef::U16(_)) if wide => Ok(()),
        _ => Err(Error::InvalidInput(format!(
            "VIF at bit depth {bit_depth} needs {} planes on both sides",
            if wide { "16-bit" } else { "8-bit" }
        ))),
    }
}

/// The VIF results of one frame pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VifScores {
    /// `integer_vif_scale0..3`: per-scale scores, as libvmaf emits them.
    pub scale: [f64; 4],
    /// Per-scale numerators (`integer_vif_num_scaleN`); 0 for a skipped scale 0.
    pub num: [f32; 4],
    /// Per-scale denominators (`integer_vif_den_scaleN`); -1 for a skipped scale 0.
    pub den: [f32; 4],
}

impl VifScores {
    /// libvmaf's names of the `debug` outputs, in its order.
    pub const DEBUG_NAMES: [&'static str; 11] = [
        "integer_vif",
        "integer_vif_num",
        "integer_vif_den",
        "integer_vif_num_scale0",
        "integer_vif_den_scale0",
        "integer_vif_num_scale1",
        "integer_vif_den_scale1",
        "integer_vif_num_scale2",
        "integer_vif_den_scale2",
        "integer_vif_num_scale3",
        "integer_vif_den_scale3",
    ];

    /// The `debug` outputs with their libvmaf names, in libvmaf's order. The totals
    /// leave out a skipped scale 0, whose numerator reads 0 and denominator -1.
    pub fn debug_named(&self) -> [(&'static str, f64); 11] {
        let (num, den) = self.totals();
        let (n, d) = (self.num.map(f64::from), self.den.map(f64::from));
        let values = [
            self.combined(),
            num,
            den,
            n[0],
            d[0],
            n[1],
            d[1],
            n[2],
            d[2],
            n[3],
            d[3],
        ];
        std::array::from_fn(|i| (Self::DEBUG_NAMES[i], values[i]))
    }

    /// The scores of the four scales' sums, formed as the reference forms them; a
    /// skipped scale 0 reads 0 with a denominator of -1, as in libvmaf.
    pub(crate) fn from_sums(sums: &[ScaleSums; SCALES], skip_scale0: bool) -> Self {
        let mut scores = Self {
            scale: [0.0; SCALES],
            num: [0.0; SCALES],
            den: [0.0; SCALES],
        };
        for (scale, sums) in sums.iter().enumerate() {
            if scale == 0 && skip_scale0 {
                scores.den[0] = -1.0;
                continue;
            }
            let (num, den) = sums.num_den();
            scores.num[scale] = num;
            scores.den[scale] = den;
            // The reference divides in single precision.
            scores.scale[scale] = f64::from(num / den);
        }
        scores
    }

    /// `integer_vif_num` and `integer_vif_den`: the sums over the scales computed (a
    /// skipped scale 0, marked by its denominator of -1, left out).
    fn totals(&self) -> (f64, f64) {
        let used = |i: &usize| self.den[*i] >= 0.0;
        let num: f64 = (0..SCALES)
            .filter(used)
            .map(|i| f64::from(self.num[i]))
            .sum();
        let den: f64 = (0..SCALES)
            .filter(used)
            .map(|i| f64::from(self.den[i]))
            .sum();
        (num, den)
    }

    /// `integer_vif`: all numerators over all denominators (a skipped scale 0 left out),
    /// 1.0 when the denominators sum to zero.
    pub fn combined(&self) -> f64 {
        let (num, den) = self.totals();
        if den == 0.0 {
            1.0
        } else {
            num / den
        }
    }
}

/// Smallest width and height accepted: every scale must keep at least two samples in
/// each direction for the mirrored borders to be defined.
pub const MIN_DIMENSION: usize = 2 << (SCALES - 1);

/// Computes integer VIF for frame pairs of one size and bit depth, reusing its buffers.
pub struct VifExtractor {
    width: usize,
    height: usize,
    bit_depth: u8,
    options: VifOptions,
    log2: &'static Log2Table,
    /// Scales 1..=3 of the reference, packed (stride = width of that scale).
    reference_levels: [Vec<u16>; SCALES - 1],
    /// Scales 1..=3 of the distorted picture.
    distorted_levels: [Vec<u16>; SCALES - 1],
    /// The kernels, chosen once, and their buffers.
    engine: Engine,
}

impl VifExtractor {
    /// An extractor for `width x height` luma planes of `bit_depth` (8..=16) bits.
    /// Both sides must be at least [`MIN_DIMENSION`]; the gain limit must be 1.0..=100.0.
    pub fn new(width: usize, height: usize, bit_depth: u8, options: VifOptions) -> Result<Self> {
        Self::with_cpu_level(width, height, bit_depth, options, crate::cpu::level())
    }

    /// Like [`VifExtractor::new`], with kernels of at most `level` (lowered to what this
    /// processor supports), so that tests and benchmarks can compare levels.
    pub fn with_cpu_level(
        width: usize,
        height: usize,
        bit_depth: u8,
        options: VifOptions,
        level: CpuLevel,
    ) -> Result<Self> {
        check_setup(width, height, bit_depth, &options)?;
        let buffer = |s: usize| vec![0u16; (width >> s) * (height >> s)];
        Ok(Self {
            width,
            height,
            bit_depth,
            options,
            log2: Log2Table::shared(),
            reference_levels: [buffer(1), buffer(2), buffer(3)],
            distorted_levels: [buffer(1), buffer(2), buffer(3)],
            engine: Engine::new(width, CpuLevel::capped(level)),
        })
    }

    /// The instruction-set level of the kernels this extractor runs.
    pub fn cpu_level(&self) -> CpuLevel {
        self.engine.level()
    }

    /// The options this extractor applies.
    pub fn options(&self) -> &VifOptions {
        &self.options
    }

    /// Scores one pair of luma planes, which must match the extractor's size and bit
    /// depth (8-bit samples as [`PlaneRef::U8`], deeper ones as [`PlaneRef::U16`]).
    pub fn extract(
        &mut self,
        reference: PlaneRef<'_>,
        distorted: PlaneRef<'_>,
    ) -> Result<VifScores> {
        let sums = self.sums(reference, distorted)?;
        Ok(VifScores::from_sums(&sums, self.options.skip_scale0))
    }

    /// The integer sums of every scale of one pair, as [`extract`](Self::extract) checks
    /// and scores it.
    pub(crate) fn sums(
        &mut self,
        reference: PlaneRef<'_>,
        distorted: PlaneRef<'_>,
    ) -> Result<VifSums> {
        check_pair(
            self.width,
            self.height,
            self.bit_depth,
            &reference,
            &distorted,
        )?;
        match (reference, distorted) {
            (PlaneRef::U8(r), PlaneRef::U8(d)) => Ok(self.run(r, d)),
            (PlaneRef::U16(r), PlaneRef::U16(d)) => Ok(self.run(r, d)),
            _ => unreachable!("check_pair accepts matching sample types only"),
        }
    }

    /// All four scales: statistics of each, and the next scale from it.
    fn run<T: KernelSample>(&mut self, reference: Plane<'_, T>, distorted: Plane<'_, T>) -> VifSums {
        let Self {
            width,
            height,
            bit_depth,
            options,
            log2,
            reference_levels,
            distorted_levels,
            engine,
        } = self;
        let bit_depth = *bit_depth;
        let params = |scale: usize| StatParams {
            scale,
            rounding: VerticalRounding::new(scale, bit_depth),
            gain_limit: options.enhn_gain_limit,
            log2,
        };
        let mut sums = [ScaleSums::default(); SCALES];
        sums[0] = engine.scale(Step {
            reference,
            distorted,
            params: params(0),
            statistics: !options.skip_scale0,
            next: Some((&mut reference_levels[0], &mut distorted_levels[0])),
        });
        for (scale, scale_sums) in sums.iter_mut().enumerate().skip(1) {
            let (w, h) = (*width >> scale, *height >> scale);
            let (done_ref, next_ref) = reference_levels.split_at_mut(scale);
            let (done_dis, next_dis) = distorted_levels.split_at_mut(scale);
            let next = next_ref.first_mut().zip(next_dis.first_mut());
            *scale_sums = engine.scale(Step {
                reference: packed_plane(&done_ref[scale - 1], w, h),
                distorted: packed_plane(&done_dis[scale - 1], w, h),
                params: params(scale),
                statistics: true,
                next: next.map(|(r, d)| (r.as_mut_slice(), d.as_mut_slice())),
            });
        }
        sums
    }
}

/// A packed scratch level viewed as a plane.
fn packed_plane(data: &[u16], width: usize, height: usize) -> Plane<'_, u16> {
    Plane::new(data, width, height, width)
        .expect("scale buffers are sized for their scale in new()")
}
