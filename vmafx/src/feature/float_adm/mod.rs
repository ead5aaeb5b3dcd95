//! `float_adm`: the Additive Detail Model (detail loss metric) on floats, equal to
//! libvmaf's `float_adm` extractor (`adm2`, `adm3`, `aim`, `adm_scale0..3`).
//!
//! Both pictures go through four levels of a Daubechies-2 wavelet transform. At each
//! level the distorted detail is split into restored reference detail and additive
//! impairment; both are weighted by a contrast sensitivity function, masked by local
//! activity and pooled with a p-norm. `adm2` is the restored energy over the reference
//! energy; `aim` the additive energy over it; `adm3` blends the two.

mod csf;
mod descriptor;
mod decouple;
mod dwt;
mod masking;

use std::collections::BTreeMap;

use self::csf::{band_factors, weight_bands, CsfModel, CsfParams};
use self::dwt::{transform, Bands, DwtScratch};
use self::masking::{masked_energy, reference_energy, Masker, Pooling, Region};
use crate::error::{Error, Result};
use crate::feature::float_common::picture::{check_bit_depth, check_plane_size, plane_to_float};
use crate::feature::options::OptionValues;
use crate::frame::PlaneRef;

pub use descriptor::DESCRIPTOR;

const FEATURE: &str = "float_adm";

/// Options of the float ADM extractor, named as libvmaf names them.
#[derive(Debug, Clone, PartialEq)]
pub struct FloatAdmOptions {
    /// Cap on the enhancement gain, 1.0..=100.0 (1.0 disables enhancement). Default 100.
    pub adm_enhn_gain_limit: f64,
    /// Viewing distance over display height, 0.75..=24. Default 3.
    pub adm_norm_view_dist: f64,
    /// Weight of the noise floor, 0..=1500. Default 0.03125.
    pub adm_noise_weight: f64,
    /// Scale of the Barten CSF (horizontal/vertical), 0..=50. Default 1.
    pub adm_csf_scale: f64,
    /// Scale of the Barten CSF (diagonal), 0..=50. Default 1.
    pub adm_csf_diag_scale: f64,
    /// Reference display height in pixels, 1..=4320. Default 1080.
    pub adm_ref_display_height: i32,
    /// CSF: 0 Watson (default), 1 Barten, 2 DLM; 3..=9 behave as 0.
    pub adm_csf_mode: i32,
    /// 1 turns contrast masking off, 0..=1. Default 0.
    pub adm_bypass_cm: i32,
    /// Combine DLM and AIM into `adm3` with a harmonic mean. Default false.
    pub adm_adm3_apply_hm: bool,
    /// p of the pooling p-norm, 1..=20. Default 3.
    pub adm_p_norm: f64,
    /// Weight of DLM against AIM in `adm3`, 0..=1. Default 0.5.
    pub adm_dlm_weight: f64,
    /// Lower bound of `adm3`, 0..=1. Default 0.
    pub adm_min_val: f64,
    /// Horizontal/vertical CSF factor overrides per scale (`adm_f1s0..3`), -1..=10;
    /// negative keeps the model's factor. Default -1.
    pub adm_f1s: [f64; 4],
    /// Diagonal CSF factor overrides per scale (`adm_f2s0..3`), as `adm_f1s`.
    pub adm_f2s: [f64; 4],
    /// Scale (0..=3) left out of `aim`; -1 (the default) keeps all.
    pub adm_skip_aim_scale: i32,
    /// Skip scale 0 (its score is then 0). Default false.
    pub adm_skip_scale0: bool,
    /// `debug`: also report the pooled energies ([`FloatAdmScores::debug`]). Default false.
    pub debug: bool,
}

impl Default for FloatAdmOptions {
    fn default() -> Self {
        Self {
            adm_enhn_gain_limit: 100.0,
            adm_norm_view_dist: 3.0,
            adm_noise_weight: 0.03125,
            adm_csf_scale: 1.0,
            adm_csf_diag_scale: 1.0,
            adm_ref_display_height: 1080,
            adm_csf_mode: 0,
            adm_bypass_cm: 0,
            adm_adm3_apply_hm: false,
            adm_p_norm: 3.0,
            adm_dlm_weight: 0.5,
            adm_min_val: 0.0,
            adm_f1s: [-1.0; 4],
            adm_f2s: [-1.0; 4],
            adm_skip_aim_scale: -1,
            adm_skip_scale0: false,
            debug: false,
        }
    }
}

impl FloatAdmOptions {
    /// Reads the options from their parsed values (see [`DESCRIPTOR`]).
    pub fn from_options(values: &OptionValues) -> Self {
        let int = |name| i32::try_from(values.int(name)).unwrap_or(i32::MAX);
        let per_scale = |prefix: &str| {
            [0, 1, 2, 3].map(|scale| values.double(&format!("{prefix}{scale}")))
        };
        Self {
            adm_enhn_gain_limit: values.double("adm_enhn_gain_limit"),
            adm_norm_view_dist: values.double("adm_norm_view_dist"),
            adm_noise_weight: values.double("adm_noise_weight"),
            adm_csf_scale: values.double("adm_csf_scale"),
            adm_csf_diag_scale: values.double("adm_csf_diag_scale"),
            adm_ref_display_height: int("adm_ref_display_height"),
            adm_csf_mode: int("adm_csf_mode"),
            adm_bypass_cm: int("adm_bypass_cm"),
            adm_adm3_apply_hm: values.bool("adm_adm3_apply_hm"),
            adm_p_norm: values.double("adm_p_norm"),
            adm_dlm_weight: values.double("adm_dlm_weight"),
            adm_min_val: values.double("adm_min_val"),
            adm_f1s: per_scale("adm_f1s"),
            adm_f2s: per_scale("adm_f2s"),
            adm_skip_aim_scale: int("adm_skip_aim_scale"),
            adm_skip_scale0: values.bool("adm_skip_scale0"),
            debug: values.bool("debug"),
        }
    }

    /// Reads options by libvmaf name (switches as 0/1) over the defaults.
    pub fn from_dict(dict: &BTreeMap<String, f64>) -> Result<Self> {
        Ok(Self::from_options(&DESCRIPTOR.values_from_numbers(dict)?))
    }

    fn csf_params(&self) -> CsfParams {
        CsfParams {
            model: CsfModel::from_mode(self.adm_csf_mode),
            norm_view_dist: self.adm_norm_view_dist,
            ref_display_height: self.adm_ref_display_height,
            csf_scale: self.adm_csf_scale,
            csf_diag_scale: self.adm_csf_diag_scale,
            factor1: self.adm_f1s,
            factor2: self.adm_f2s,
        }
    }
}

/// The ADM scores of one frame pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FloatAdmScores {
    /// `adm2`: detail preserved, pooled over the four scales (1 is perfect).
    pub adm2: f64,
    /// `adm3`: `adm2` and `1 - aim` blended (or their harmonic mean).
    pub adm3: f64,
    /// `aim`: additive impairment relative to the reference detail, at most 1.
    pub aim: f64,
    /// `adm_scale0` .. `adm_scale3`: detail preserved per scale, finest first.
    pub scale: [f64; 4],
    /// The `debug` outputs, present when [`FloatAdmOptions::debug`] is set.
    pub debug: Option<FloatAdmDebug>,
}

/// libvmaf's `debug` outputs of `float_adm`: the energies behind `adm2` and the scales.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FloatAdmDebug {
    /// `adm`: the same value as `adm2`.
    pub adm: f64,
    /// `adm_num`: the summed numerators, 0 below the size-relative floor.
    pub num: f64,
    /// `adm_den`: the summed denominators, 0 below the size-relative floor.
    pub den: f64,
    /// `adm_num_scale0..3`.
    pub num_scale: [f64; 4],
    /// `adm_den_scale0..3`.
    pub den_scale: [f64; 4],
}

impl FloatAdmDebug {
    /// libvmaf's names of the debug outputs, in its order.
    pub const NAMES: [&'static str; 11] = [
        "adm",
        "adm_num",
        "adm_den",
        "adm_num_scale0",
        "adm_den_scale0",
        "adm_num_scale1",
        "adm_den_scale1",
        "adm_num_scale2",
        "adm_den_scale2",
        "adm_num_scale3",
        "adm_den_scale3",
    ];

    /// The values with their libvmaf names, in libvmaf's order.
    pub fn named(&self) -> [(&'static str, f64); 11] {
        let (n, d) = (self.num_scale, self.den_scale);
        let values = [
            self.adm, self.num, self.den, n[0], d[0], n[1], d[1], n[2], d[2], n[3], d[3],
        ];
        std::array::from_fn(|i| (Self::NAMES[i], values[i]))
    }
}

impl FloatAdmScores {
    /// libvmaf's names, in the order of [`FloatAdmScores::named`].
    pub const NAMES: [&'static str; 7] = [
        "adm2",
        "aim",
        "adm3",
        "adm_scale0",
        "adm_scale1",
        "adm_scale2",
        "adm_scale3",
    ];

    /// The scores with their libvmaf names, in libvmaf's output order.
    pub fn named(&self) -> [(&'static str, f64); 7] {
        let values = [
            self.adm2,
            self.aim,
            self.adm3,
            self.scale[0],
            self.scale[1],
            self.scale[2],
            self.scale[3],
        ];
        std::array::from_fn(|i| (Self::NAMES[i], values[i]))
    }
}

/// Smallest width and height: every level's input and bands need two samples.
pub const MIN_DIMENSION: usize = 17;

/// One picture's float copy and its wavelet bands.
#[derive(Debug)]
struct Decomposition {
    frame: Vec<f32>,
    bands: Bands,
    /// The previous level's approximation while the next level is computed.
    previous: Vec<f32>,
}

/// Computes float ADM for frame pairs of one size. Keeps its buffers between frames.
#[derive(Debug)]
pub struct FloatAdmExtractor {
    width: usize,
    height: usize,
    bit_depth: u8,
    options: FloatAdmOptions,
    factors: [[f32; 3]; 4],
    reference: Decomposition,
    distorted: Decomposition,
    restored: [Vec<f32>; 3],
    additive: [Vec<f32>; 3],
    masker_scaled: [Vec<f32>; 3],
    masker_filtered: [Vec<f32>; 3],
    scratch: DwtScratch,
}

impl FloatAdmExtractor {
    /// Sets up for `width` x `height` luma (each at least [`MIN_DIMENSION`]) at
    /// `bit_depth` (8, 10, 12 or 16).
    pub fn new(
        width: usize,
        height: usize,
        bit_depth: u8,
        options: FloatAdmOptions,
    ) -> Result<Self> {
        check_bit_depth(FEATURE, bit_depth)?;
        if width < MIN_DIMENSION || height < MIN_DIMENSION {
            return Err(Error::InvalidInput(format!(
                "{FEATURE} needs at least {MIN_DIMENSION}x{MIN_DIMENSION}, got {width}x{height}"
            )));
        }
        let csf = options.csf_params();
        let factors = std::array::from_fn(|scale| band_factors(&csf, scale));
        let band_len = width.div_ceil(2) * height.div_ceil(2);
        let decomposition = || Decomposition {
            frame: vec![0.0; width * height],
            bands: Bands::for_picture(width, height),
            previous: vec![0.0; band_len],
        };
        let bands = || std::array::from_fn(|_| vec![0.0; band_len]);
        Ok(Self {
            width,
            height,
            bit_depth,
            options,
            factors,
            reference: decomposition(),
            distorted: decomposition(),
            restored: bands(),
            additive: bands(),
            masker_scaled: bands(),
            masker_filtered: bands(),
            scratch: DwtScratch::default(),
        })
    }

    /// The options in use.
    pub fn options(&self) -> &FloatAdmOptions {
        &self.options
    }

    /// Scores one frame pair (luma planes of the configured size and depth).
    pub fn extract(
        &mut self,
        reference: PlaneRef<'_>,
        distorted: PlaneRef<'_>,
    ) -> Result<FloatAdmScores> {
        let (w, h, depth) = (self.width, self.height, self.bit_depth);
        for (plane, d) in [
            (reference, &mut self.reference),
            (distorted, &mut self.distorted),
        ] {
            check_plane_size(FEATURE, &plane, w, h)?;
            plane_to_float(FEATURE, plane, depth, w, h, &mut d.frame)?;
        }

        // Per scale (numerator, denominator, additive numerator), finest first.
        let mut energies = [(0.0f32, 0.0f32, 0.0f32); 4];
        let (mut sw, mut sh) = (w, h);
        for (scale, energy) in energies.iter_mut().enumerate() {
            let approx_only = scale == 0 && self.options.adm_skip_scale0;
            for d in [&mut self.reference, &mut self.distorted] {
                let src = if scale == 0 {
                    &d.frame
                } else {
                    std::mem::swap(&mut d.previous, &mut d.bands.approx);
                    &d.previous
                };
                transform(src, sw, sh, &mut d.bands, approx_only, &mut self.scratch);
            }
            sw = sw.div_ceil(2);
            sh = sh.div_ceil(2);
            *energy = if approx_only {
                // A skipped scale counts with a negligible denominator.
                (0.0, 1e-10_f64 as f32, 0.0)
            } else {
                self.scale_energies(scale, sw, sh)
            };
        }
        Ok(self.combine(&energies))
    }

    /// Numerator, denominator and additive numerator of one scale whose bands
    /// (`width` x `height`) are in place.
    fn scale_energies(&mut self, scale: usize, width: usize, height: usize) -> (f32, f32, f32) {
        let o = &self.options;
        let factors = self.factors[scale];
        let pooling = Pooling {
            p_norm: o.adm_p_norm,
            noise_weight: o.adm_noise_weight,
        };
        let bypass = o.adm_bypass_cm != 0;
        let margin = Region::with_margin(width, height);
        decouple::decouple(
            &self.reference.bands.detail,
            &self.distorted.bands.detail,
            width,
            margin,
            o.adm_enhn_gain_limit,
            &mut self.restored,
            &mut self.additive,
        );
        let den = reference_energy(
            &self.reference.bands.detail,
            factors,
            width,
            height,
            pooling,
        );

        // Restored detail, masked by the additive impairment.
        let (scaled, filtered) = (&mut self.masker_scaled, &mut self.masker_filtered);
        weight_bands(&self.additive, factors, width, margin, scaled, filtered);
        let masker = Masker { scaled, filtered };
        let num = masked_energy(
            &self.restored,
            factors,
            &masker,
            width,
            height,
            pooling,
            o.adm_noise_weight,
            bypass,
        );

        // Additive impairment, masked by the restored detail, without a noise floor.
        let (scaled, filtered) = (&mut self.masker_scaled, &mut self.masker_filtered);
        weight_bands(&self.restored, factors, width, margin, scaled, filtered);
        let masker = Masker { scaled, filtered };
        let aim = masked_energy(
            &self.additive,
            factors,
            &masker,
            width,
            height,
            pooling,
            0.0,
            bypass,
        );
        (num, den, aim)
    }

    /// Pools the per-scale energies into the scores.
    fn combine(&self, energies: &[(f32, f32, f32); 4]) -> FloatAdmScores {
        let o = &self.options;
        let (mut num, mut den, mut aim_num, mut aim_den) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        for (scale, &(n, d, a)) in energies.iter().enumerate() {
            num += f64::from(n);
            den += f64::from(d);
            if o.adm_skip_aim_scale != scale as i32 {
                aim_den += f64::from(d);
                aim_num += f64::from(a);
            }
        }
        // Totals below a size-relative floor count as zero.
        let limit = 1e-10 * (self.width * self.height) as f64 / (1920.0 * 1080.0);
        let num = if num < limit { 0.0 } else { num };
        let den = if den < limit { 0.0 } else { den };
        // libvmaf leaves `aim` unset when the reference has no detail at all (flat
        // pictures); 0 (no additive impairment) is the sensible value there.
        let (adm2, aim) = if den == 0.0 {
            (1.0, 0.0)
        } else {
            let aim = aim_num / aim_den;
            (num / den, if aim < 1.0 { aim } else { 1.0 })
        };
        let adm3 = if o.adm_adm3_apply_hm {
            2.0 * adm2 * aim / (adm2 + aim)
        } else {
            adm2 * o.adm_dlm_weight + (1.0 - aim) * (1.0 - o.adm_dlm_weight)
        };
        FloatAdmScores {
            adm2,
            adm3: if adm3 > o.adm_min_val {
                adm3
            } else {
                o.adm_min_val
            },
            aim,
            scale: energies.map(|(n, d, _)| f64::from(n) / f64::from(d)),
            debug: o.debug.then(|| FloatAdmDebug {
                adm: adm2,
                num,
                den,
                num_scale: energies.map(|(n, _, _)| f64::from(n)),
                den_scale: energies.map(|(_, d, _)| f64::from(d)),
            }),
        }
    }
}

#[cfg(test)]
mod tests;
