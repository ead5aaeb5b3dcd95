//! Options of the integer ADM extractor, with libvmaf's names, aliases, defaults and ranges.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::feature::options::OptionValues;

/// The contrast sensitivity function that weights the wavelet bands (`adm_csf_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum CsfMode {
    /// Watson et al. (1997) wavelet quantisation thresholds (mode 0, the default).
    #[default]
    Watson97,
    /// Barten's CSF as simplified in HDR-VDP 2 (mode 1).
    Barten,
    /// Tabulated Barten/Watson blend (mode 2); only for the tabulated viewing conditions.
    BartenWatsonBlend,
    /// Tabulated Barten/Watson blend with the corrected L1 fit (mode 3).
    BartenWatsonBlendMae,
}

impl CsfMode {
    /// The mode for libvmaf's integer code `0..=3`.
    pub fn from_code(code: i32) -> Option<Self> {
        match code {
            0 => Some(Self::Watson97),
            1 => Some(Self::Barten),
            2 => Some(Self::BartenWatsonBlend),
            3 => Some(Self::BartenWatsonBlendMae),
            _ => None,
        }
    }

    /// libvmaf's integer code of this mode.
    pub fn code(self) -> i32 {
        match self {
            Self::Watson97 => 0,
            Self::Barten => 1,
            Self::BartenWatsonBlend => 2,
            Self::BartenWatsonBlendMae => 3,
        }
    }
}

/// Parameters of the integer ADM extractor. [`Default`] gives libvmaf's defaults.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdmOptions {
    /// `adm_enhn_gain_limit` (`egl`): cap on the gain an enhancement may earn, 1..=100;
    /// 1 disables enhancement gain (the NEG models).
    pub enhn_gain_limit: f64,
    /// `adm_norm_view_dist` (`nvd`): viewing distance over display height, 0.75..=24.
    pub norm_view_dist: f64,
    /// `adm_ref_display_height` (`rdh`): display height in pixels, 1..=4320.
    pub ref_display_height: i32,
    /// `adm_csf_mode` (`csf`): the contrast sensitivity function.
    pub csf_mode: CsfMode,
    /// `adm_csf_scale` (`scf`): Barten CSF scale for the horizontal/vertical bands, 0..=50.
    pub csf_scale: f64,
    /// `adm_csf_diag_scale` (`scfd`): Barten CSF scale for the diagonal band, 0..=50.
    pub csf_diag_scale: f64,
    /// `adm_noise_weight` (`nw`): weight of the noise floor term, 0..=1500.
    pub noise_weight: f64,
    /// `adm_dlm_weight` (`dlmw`): DLM share of `adm3` (the rest is `1 - aim`), 0..=1.
    pub dlm_weight: f64,
    /// `adm_min_val` (`min`): lower clip of `adm3`, 0..=1.
    pub min_val: f64,
    /// `adm_skip_aim`: do not compute AIM (then `aim` is 0).
    pub skip_aim: bool,
    /// `adm_skip_scale0` (`ssz`): leave the finest scale out of the score.
    pub skip_scale0: bool,
    /// `debug`: libvmaf then also reports the numerators and denominators.
    pub debug: bool,
}

impl Default for AdmOptions {
    fn default() -> Self {
        Self {
            enhn_gain_limit: 100.0,
            norm_view_dist: 3.0,
            ref_display_height: 1080,
            csf_mode: CsfMode::Watson97,
            csf_scale: 1.0,
            csf_diag_scale: 1.0,
            noise_weight: 0.03125,
            dlm_weight: 0.5,
            min_val: 0.0,
            skip_aim: false,
            skip_scale0: false,
            debug: false,
        }
    }
}

impl AdmOptions {
    /// Reads the options from their parsed values (see [`super::DESCRIPTOR`]) and
    /// checks the combination.
    pub fn from_options(values: &OptionValues) -> Result<Self> {
        let csf_code = values.int("adm_csf_mode");
        let options = Self {
            enhn_gain_limit: values.double("adm_enhn_gain_limit"),
            norm_view_dist: values.double("adm_norm_view_dist"),
            ref_display_height: narrow(values.int("adm_ref_display_height")),
            csf_mode: CsfMode::from_code(narrow(csf_code)).unwrap_or_default(),
            csf_scale: values.double("adm_csf_scale"),
            csf_diag_scale: values.double("adm_csf_diag_scale"),
            noise_weight: values.double("adm_noise_weight"),
            dlm_weight: values.double("adm_dlm_weight"),
            min_val: values.double("adm_min_val"),
            skip_aim: values.bool("adm_skip_aim"),
            skip_scale0: values.bool("adm_skip_scale0"),
            debug: values.bool("debug"),
        };
        options.validate()?;
        Ok(options)
    }

    /// Builds options from libvmaf option names (or their aliases, e.g. `egl`) and
    /// numbers, switches as 0 or 1; missing keys keep their defaults.
    pub fn from_dict(opts: &BTreeMap<String, f64>) -> Result<Self> {
        Self::from_options(&super::DESCRIPTOR.values_from_numbers(opts)?)
    }

    /// Checks every field against libvmaf's ranges and the limits of the integer pipeline:
    /// the viewing condition must be at least 3 heights of a 1080-line display
    /// (`norm_view_dist * ref_display_height >= 3240`), and the blended CSF modes only
    /// know their tabulated viewing conditions.
    pub fn validate(&self) -> Result<()> {
        let ranged = [
            ("adm_csf_scale", self.csf_scale),
            ("adm_csf_diag_scale", self.csf_diag_scale),
            ("adm_dlm_weight", self.dlm_weight),
            ("adm_enhn_gain_limit", self.enhn_gain_limit),
            ("adm_norm_view_dist", self.norm_view_dist),
            ("adm_ref_display_height", f64::from(self.ref_display_height)),
            ("adm_noise_weight", self.noise_weight),
            ("adm_min_val", self.min_val),
        ];
        for (name, value) in ranged {
            super::DESCRIPTOR.default_values().set_number(name, value)?;
        }
        let view = self.norm_view_dist * f64::from(self.ref_display_height);
        if view < 3.0 * 1080.0 {
            return Err(Error::OptionValue {
                feature: "adm".into(),
                option: "adm_norm_view_dist".into(),
                reason: format!(
                    "adm_norm_view_dist * adm_ref_display_height must be at least 3240 \
                     (the 16-bit pipeline cannot go coarser), got {view}"
                ),
            });
        }
        if matches!(
            self.csf_mode,
            CsfMode::BartenWatsonBlend | CsfMode::BartenWatsonBlendMae
        ) && super::csf::blend_entry(self).is_none()
        {
            return Err(Error::OptionValue {
                feature: "adm".into(),
                option: "adm_csf_mode".into(),
                reason: format!(
                    "mode {} has no weights for adm_ref_display_height {} at \
                     adm_norm_view_dist {}",
                    self.csf_mode.code(),
                    self.ref_display_height,
                    self.norm_view_dist
                ),
            });
        }
        Ok(())
    }
}

/// An `int` option checked against a range inside `i32`.
fn narrow(value: i64) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn empty_dict_gives_defaults() {
        assert_eq!(
            AdmOptions::from_dict(&dict(&[])).unwrap(),
            AdmOptions::default()
        );
    }

    #[test]
    fn names_are_accepted_aliases_are_not() {
        let o = AdmOptions::from_dict(&dict(&[
            ("adm_enhn_gain_limit", 1.0),
            ("adm_norm_view_dist", 5.0),
            ("adm_ref_display_height", 2160.0),
            ("adm_csf_mode", 1.0),
            ("adm_csf_scale", 2.0),
            ("adm_skip_aim", 1.0),
            ("adm_skip_scale0", 1.0),
            ("adm_min_val", 0.25),
        ]))
        .unwrap();
        assert!(matches!(
            AdmOptions::from_dict(&dict(&[("nvd", 5.0)])),
            Err(Error::UnknownOption { .. })
        ));
        assert_eq!(o.enhn_gain_limit, 1.0);
        assert_eq!(o.norm_view_dist, 5.0);
        assert_eq!(o.ref_display_height, 2160);
        assert_eq!(o.csf_mode, CsfMode::Barten);
        assert_eq!(o.csf_scale, 2.0);
        assert!(o.skip_aim && o.skip_scale0);
        assert_eq!(o.min_val, 0.25);
    }

    #[test]
    fn bad_keys_and_values_are_rejected() {
        for bad in [
            ("adm_unknown", 1.0),
            ("adm_enhn_gain_limit", 0.5),
            ("adm_enhn_gain_limit", 101.0),
            ("adm_enhn_gain_limit", f64::NAN),
            ("adm_ref_display_height", 1080.5),
            ("adm_csf_mode", 4.0),
            ("adm_skip_aim", 2.0),
            ("adm_dlm_weight", -0.1),
        ] {
            let err = AdmOptions::from_dict(&dict(&[bad])).unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::UnknownOption { .. } | Error::OptionValue { .. }
                ),
                "{bad:?}: {err}"
            );
        }
    }

    #[test]
    fn too_close_viewing_is_rejected() {
        let view = |nvd, rdh| {
            AdmOptions::from_dict(&dict(&[
                ("adm_norm_view_dist", nvd),
                ("adm_ref_display_height", rdh),
            ]))
        };
        assert!(view(2.0, 1080.0).is_err());
        assert!(view(1.5, 2160.0).is_ok());
    }

    #[test]
    fn blend_modes_need_a_tabulated_condition() {
        let blend = |mode, nvd| {
            AdmOptions::from_dict(&dict(&[("adm_csf_mode", mode), ("adm_norm_view_dist", nvd)]))
        };
        assert!(blend(2.0, 3.0).is_ok());
        assert!(blend(3.0, 4.0).is_err());
    }
}
