//! `float_vif`: Visual Information Fidelity on floats, at four scales, equal to
//! libvmaf's `float_vif` extractor (`vif_scale0..3`).
//!
//! Each scale low-passes both pictures with a Gaussian (17, 9, 5, 3 taps), measures how
//! much of the reference's local information survives in the distorted picture, and
//! halves the resolution for the next scale. Pictures are first converted to floats
//! (`sample / 2^(bpc-8) - 128`) and optionally resampled (`vif_prescale`).

mod descriptor;
mod filter;
pub(crate) mod kernel;
mod statistic;

use std::collections::BTreeMap;

use self::filter::{decimate, information_sums, Picture, RowScratch};
use self::statistic::Statistic;
use crate::error::{Error, Result};
use crate::feature::float_common::picture::{check_bit_depth, check_plane_size, plane_to_float};
use crate::feature::float_common::resample::{resample, Image, BILINEAR_MAX_WIDTH};
use crate::feature::float_common::ResampleMethod;
use crate::feature::options::OptionValues;
use crate::frame::PlaneRef;

pub use descriptor::DESCRIPTOR;

const FEATURE: &str = "float_vif";

/// Options of the float VIF extractor, named as libvmaf names them.
#[derive(Debug, Clone, PartialEq)]
pub struct FloatVifOptions {
    /// Cap on the enhancement gain, 1.0..=100.0 (1.0 disables enhancement). Default 100.
    pub vif_enhn_gain_limit: f64,
    /// Gaussian kernel scale, 0.1..=4.0 and one of libvmaf's supported factors. Default 1.
    pub vif_kernelscale: f64,
    /// Resampling factor applied to both pictures first, 0.1..=4.0. Default 1.
    pub vif_prescale: f64,
    /// How `vif_prescale` resamples. Default nearest. (A text option: set it here or
    /// through [`DESCRIPTOR`]; [`FloatVifOptions::from_dict`] reads numbers only.)
    pub vif_prescale_method: ResampleMethod,
    /// Lower bound of `vif_scale1`, 0..=1. Default 0.
    pub vif_scale1_min_val: f64,
    /// Lower bound of `vif_scale2`, 0..=1. Default 0.
    pub vif_scale2_min_val: f64,
    /// Lower bound of `vif_scale3`, 0..=1. Default 0.
    pub vif_scale3_min_val: f64,
    /// Neural noise variance, 0..=5. Default 2.
    pub vif_sigma_nsq: f64,
    /// Skip scale 0 (its score is then 0). Default false.
    pub vif_skip_scale0: bool,
    /// `debug`: also report the summed information terms ([`FloatVifScores::debug`]).
    /// Default false.
    pub debug: bool,
}

const DEFAULT_GAIN_LIMIT: f64 = 100.0;
const DEFAULT_KERNELSCALE: f64 = 1.0;
const DEFAULT_PRESCALE: f64 = 1.0;
const DEFAULT_SIGMA_NSQ: f64 = 2.0;

impl Default for FloatVifOptions {
    fn default() -> Self {
        Self {
            vif_enhn_gain_limit: DEFAULT_GAIN_LIMIT,
            vif_kernelscale: DEFAULT_KERNELSCALE,
            vif_prescale: DEFAULT_PRESCALE,
            vif_prescale_method: ResampleMethod::Nearest,
            vif_scale1_min_val: 0.0,
            vif_scale2_min_val: 0.0,
            vif_scale3_min_val: 0.0,
            vif_sigma_nsq: DEFAULT_SIGMA_NSQ,
            vif_skip_scale0: false,
            debug: false,
        }
    }
}

impl FloatVifOptions {
    /// Reads the options from their parsed values (see [`DESCRIPTOR`]).
    pub fn from_options(values: &OptionValues) -> Result<Self> {
        Ok(Self {
            vif_enhn_gain_limit: values.double("vif_enhn_gain_limit"),
            vif_kernelscale: values.double("vif_kernelscale"),
            vif_prescale: values.double("vif_prescale"),
            vif_prescale_method: ResampleMethod::from_name(values.word("vif_prescale_method"))?,
            vif_scale1_min_val: values.double("vif_scale1_min_val"),
            vif_scale2_min_val: values.double("vif_scale2_min_val"),
            vif_scale3_min_val: values.double("vif_scale3_min_val"),
            vif_sigma_nsq: values.double("vif_sigma_nsq"),
            vif_skip_scale0: values.bool("vif_skip_scale0"),
            debug: values.bool("debug"),
        })
    }

    /// Reads options by libvmaf name (switches as 0/1) over the defaults.
    pub fn from_dict(dict: &BTreeMap<String, f64>) -> Result<Self> {
        Self::from_options(&DESCRIPTOR.values_from_numbers(dict)?)
    }
}

/// The four VIF scores of one frame pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FloatVifScores {
    /// `vif_scale0` .. `vif_scale3`: information kept, finest scale first.
    pub scale: [f64; 4],
    /// The `debug` outputs, present when [`FloatVifOptions::debug`] is set.
    pub debug: Option<FloatVifDebug>,
}

/// libvmaf's `debug` outputs of `float_vif`: the information sums behind the scores.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FloatVifDebug {
    /// `vif`: `num / den`, or 1 when `den` is 0.
    pub vif: f64,
    /// `vif_num`: the numerators of the scored scales, summed.
    pub num: f64,
    /// `vif_den`: the denominators of the scored scales, summed.
    pub den: f64,
    /// `vif_num_scale0..3`; 0 for a skipped scale 0.
    pub num_scale: [f64; 4],
    /// `vif_den_scale0..3`; -1 for a skipped scale 0, as libvmaf reports it.
    pub den_scale: [f64; 4],
}

impl FloatVifDebug {
    /// libvmaf's names of the debug outputs, in its order.
    pub const NAMES: [&'static str; 11] = [
        "vif",
        "vif_num",
        "vif_den",
        "vif_num_scale0",
        "vif_den_scale0",
        "vif_num_scale1",
        "vif_den_scale1",
        "vif_num_scale2",
        "vif_den_scale2",
        "vif_num_scale3",
        "vif_den_scale3",
    ];

    /// From the per-scale `(numerator, denominator)` sums; scales before `first_scale`
    /// are left out of the totals.
    fn from_sums(sums: &[(f32, f32); 4], first_scale: usize) -> Self {
        let (mut num, mut den) = (0.0f64, 0.0f64);
        for &(n, d) in &sums[first_scale..] {
            num += f64::from(n);
            den += f64::from(d);
        }
        let mut num_scale = sums.map(|(n, _)| f64::from(n));
        let mut den_scale = sums.map(|(_, d)| f64::from(d));
        if first_scale > 0 {
            num_scale[0] = 0.0;
            den_scale[0] = -1.0;
        }
        Self {
            vif: if den == 0.0 { 1.0 } else { num / den },
            num,
            den,
            num_scale,
            den_scale,
        }
    }

    /// The values with their libvmaf names, in libvmaf's order.
    pub fn named(&self) -> [(&'static str, f64); 11] {
        let (n, d) = (self.num_scale, self.den_scale);
        let values = [
            self.vif, self.num, self.den, n[0], d[0], n[1], d[1], n[2], d[2], n[3], d[3],
        ];
        std::array::from_fn(|i| (Self::NAMES[i], values[i]))
    }
}

impl FloatVifScores {
    /// libvmaf's names of the scores (before any option suffix).
    pub const NAMES: [&'static str; 4] = ["vif_scale0", "vif_scale1", "vif_scale2", "vif_scale3"];

    /// The scores with their libvmaf names.
    pub fn named(&self) -> [(&'static str, f64); 4] {
        std::array::from_fn(|i| (Self::NAMES[i], self.scale[i]))
    }
}

/// One picture's float copy, its resampled copy and the coarser scales.
#[derive(Debug, Default)]
struct Pyramid {
    frame: Vec<f32>,
    prescaled: Vec<f32>,
    levels: [Vec<f32>; 2],
}

impl Pyramid {
    fn base(&self, prescaled: bool) -> &[f32] {
        if prescaled {
            &self.prescaled
        } else {
            &self.frame
        }
    }

    /// Scale `scale` (>= 1) lives in `levels[(scale - 1) % 2]`; scale 0 is the base.
    fn picture(&self, scale: usize, prescaled: bool, width: usize, height: usize) -> Picture<'_> {
        let data = if scale == 0 {
            self.base(prescaled)
        } else {
            &self.levels[(scale - 1) % 2]
        };
        Picture {
            data: &data[..width * height],
            width,
            height,
        }
    }

    /// The picture of scale `scale - 1` and the buffer for scale `scale`.
    fn step(&mut self, scale: usize, prescaled: bool) -> (&[f32], &mut Vec<f32>) {
        let [odd, even] = &mut self.levels;
        match scale {
            1 => {
                let base = if prescaled {
                    &self.prescaled
                } else {
                    &self.frame
                };
                (base, odd)
            }
            2 => (odd, even),
            _ => (even, odd),
        }
    }
}

/// Computes float VIF for frame pairs of one size. Keeps its buffers between frames.
#[derive(Debug)]
pub struct FloatVifExtractor {
    width: usize,
    height: usize,
    bit_depth: u8,
    options: FloatVifOptions,
    scaled_width: usize,
    scaled_height: usize,
    filters: [Vec<f32>; 4],
    statistic: Statistic,
    reference: Pyramid,
    distorted: Pyramid,
    scratch: RowScratch,
}

impl FloatVifExtractor {
    /// Sets up for `width` x `height` luma at `bit_depth` (8, 10, 12 or 16).
    ///
    /// Fails for sizes too small for the filters at every scale (about 16x16 with the
    /// default kernel), where libvmaf would read outside its buffers.
    pub fn new(
        width: usize,
        height: usize,
        bit_depth: u8,
        options: FloatVifOptions,
    ) -> Result<Self> {
        check_bit_depth(FEATURE, bit_depth)?;
        let kernelscale = options.vif_kernelscale as f32;
        if !kernel::is_valid_kernelscale(kernelscale) {
            return Err(Error::InvalidOption(format!(
                "{FEATURE}: unsupported vif_kernelscale {}",
                options.vif_kernelscale
            )));
        }
        let scaled_width = (width as f64 * options.vif_prescale + 0.5) as usize;
        let scaled_height = (height as f64 * options.vif_prescale + 0.5) as usize;
        if options.vif_prescale_method == ResampleMethod::Bilinear
            && scaled_width > BILINEAR_MAX_WIDTH
        {
            return Err(Error::InvalidInput(format!(
                "{FEATURE}: bilinear prescaling supports widths up to {BILINEAR_MAX_WIDTH}"
            )));
        }
        let filters: [Vec<f32>; 4] =
            std::array::from_fn(|s| kernel::gaussian_filter(s as u32, kernelscale));
        check_size(
            &filters,
            scaled_width,
            scaled_height,
            options.vif_skip_scale0,
        )?;

        let pyramid = || Pyramid {
            frame: vec![0.0; width * height],
            prescaled: if (scaled_width, scaled_height) != (width, height) {
                vec![0.0; scaled_width * scaled_height]
            } else {
                Vec::new()
            },
            levels: [
                vec![0.0; (scaled_width / 2) * (scaled_height / 2)],
                vec![0.0; (scaled_width / 4) * (scaled_height / 4)],
            ],
        };
        Ok(Self {
            width,
            height,
            bit_depth,
            statistic: Statistic::new(options.vif_sigma_nsq, options.vif_enhn_gain_limit),
            options,
            scaled_width,
            scaled_height,
            filters,
            reference: pyramid(),
            distorted: pyramid(),
            scratch: RowScratch::default(),
        })
    }

    /// The options in use.
    pub fn options(&self) -> &FloatVifOptions {
        &self.options
    }

    /// Scores one frame pair (luma planes of the configured size and depth).
    pub fn extract(
        &mut self,
        reference: PlaneRef<'_>,
        distorted: PlaneRef<'_>,
    ) -> Result<FloatVifScores> {
        let (w, h, depth) = (self.width, self.height, self.bit_depth);
        for (plane, p) in [
            (reference, &mut self.reference),
            (distorted, &mut self.distorted),
        ] {
            check_plane_size(FEATURE, &plane, w, h)?;
            plane_to_float(FEATURE, plane, depth, w, h, &mut p.frame)?;
        }

        let prescaled = !self.reference.prescaled.is_empty();
        if prescaled {
            for p in [&mut self.reference, &mut self.distorted] {
                let src = Image {
                    data: &p.frame,
                    width: w,
                    height: h,
                };
                let method = self.options.vif_prescale_method;
                resample(
                    method,
                    src,
                    &mut p.prescaled,
                    self.scaled_width,
                    self.scaled_height,
                );
            }
        }

        let first_scale = usize::from(self.options.vif_skip_scale0);
        let (mut sw, mut sh) = (self.scaled_width, self.scaled_height);
        let mut sums = [(0.0f32, 0.0f32); 4];
        for (scale, sum) in sums.iter_mut().enumerate().skip(first_scale) {
            let filter = &self.filters[scale];
            if scale > 0 {
                for p in [&mut self.reference, &mut self.distorted] {
                    let (src, dst) = p.step(scale, prescaled);
                    let src = Picture {
                        data: src,
                        width: sw,
                        height: sh,
                    };
                    decimate(filter, src, dst, &mut self.scratch);
                }
                sw /= 2;
                sh /= 2;
            }
            *sum = information_sums(
                filter,
                self.reference.picture(scale, prescaled, sw, sh),
                self.distorted.picture(scale, prescaled, sw, sh),
                &self.statistic,
                &mut self.scratch,
            );
        }

        let ratio = |s: usize| f64::from(sums[s].0) / f64::from(sums[s].1);
        let o = &self.options;
        Ok(FloatVifScores {
            scale: [
                if o.vif_skip_scale0 { 0.0 } else { ratio(0) },
                ratio(1).max(o.vif_scale1_min_val),
                ratio(2).max(o.vif_scale2_min_val),
                ratio(3).max(o.vif_scale3_min_val),
            ],
            debug: o
                .debug
                .then(|| FloatVifDebug::from_sums(&sums, first_scale)),
        })
    }
}

/// Fails unless every filter pass sees a picture larger than its radius (one mirror
/// reflection must land inside the picture).
fn check_size(
    filters: &[Vec<f32>; 4],
    width: usize,
    height: usize,
    skip_scale0: bool,
) -> Result<()> {
    let (mut w, mut h) = (width, height);
    let fits = |w: usize, h: usize, radius: usize| w > radius && h > radius;
    let mut ok = true;
    for (scale, filter) in filters.iter().enumerate().skip(usize::from(skip_scale0)) {
        let radius = filter.len() / 2;
        if scale > 0 {
            ok &= fits(w, h, radius);
            w /= 2;
            h /= 2;
        }
        ok &= fits(w, h, radius);
    }
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidInput(format!(
            "{FEATURE}: {width}x{height} is too small for the VIF filters"
        )))
    }
}

#[cfg(test)]
pub(crate) mod tests;
