//! Options of the integer ADM extractor, with libvmaf's names, aliases, defaults and ranges.

use std::collections::BTreeMap;

use crate::error::{Error, Result};

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

/// The kind of value an option holds.
#[derive(Clone, Copy)]
enum Kind {
    Bool,
    Int,
    Double,
}

/// One option as libvmaf declares it: name, alias, kind and inclusive range.
struct Spec {
    name: &'static str,
    alias: Option<&'static str>,
    kind: Kind,
    min: f64,
    max: f64,
}

const fn spec(
    name: &'static str,
    alias: Option<&'static str>,
    kind: Kind,
    min: f64,
    max: f64,
) -> Spec {
    Spec {
        name,
        alias,
        kind,
        min,
        max,
    }
}

const SPECS: [Spec; 12] = [
    spec("debug", None, Kind::Bool, 0.0, 1.0),
    spec("adm_csf_scale", Some("scf"), Kind::Double, 0.0, 50.0),
    spec("adm_csf_diag_scale", Some("scfd"), Kind::Double, 0.0, 50.0),
    spec("adm_dlm_weight", Some("dlmw"), Kind::Double, 0.0, 1.0),
    spec("adm_enhn_gain_limit", Some("egl"), Kind::Double, 1.0, 100.0),
    spec("adm_norm_view_dist", Some("nvd"), Kind::Double, 0.75, 24.0),
    spec(
        "adm_ref_display_height",
        Some("rdh"),
        Kind::Int,
        1.0,
        4320.0,
    ),
    spec("adm_csf_mode", Some("csf"), Kind::Int, 0.0, 3.0),
    spec("adm_noise_weight", Some("nw"), Kind::Double, 0.0, 1500.0),
    spec("adm_skip_aim", None, Kind::Bool, 0.0, 1.0),
    spec("adm_skip_scale0", Some("ssz"), Kind::Bool, 0.0, 1.0),
    spec("adm_min_val", Some("min"), Kind::Double, 0.0, 1.0),
];

impl AdmOptions {
    /// Builds options from libvmaf option names (or their aliases, e.g. `egl`) and values.
    /// Booleans are 0 or 1; integer options must hold whole numbers. Missing keys keep
    /// their defaults. An unknown key, a value outside the option's range, or a
    /// combination the extractor cannot score gives [`Error::Feature`].
    pub fn from_dict(opts: &BTreeMap<String, f64>) -> Result<Self> {
        let mut out = Self::default();
        for (key, &value) in opts {
            let spec = SPECS
                .iter()
                .find(|s| s.name == key || s.alias == Some(key.as_str()))
                .ok_or_else(|| Error::Feature(format!("adm has no option {key:?}")))?;
            check_value(spec, value)?;
            out.set(spec.name, value);
        }
        out.validate()?;
        Ok(out)
    }

    fn set(&mut self, name: &str, value: f64) {
        let flag = value != 0.0;
        match name {
            "debug" => self.debug = flag,
            "adm_csf_scale" => self.csf_scale = value,
            "adm_csf_diag_scale" => self.csf_diag_scale = value,
            "adm_dlm_weight" => self.dlm_weight = value,
            "adm_enhn_gain_limit" => self.enhn_gain_limit = value,
            "adm_norm_view_dist" => self.norm_view_dist = value,
            "adm_ref_display_height" => self.ref_display_height = value as i32,
            "adm_csf_mode" => {
                self.csf_mode = CsfMode::from_code(value as i32).unwrap_or_default();
            }
            "adm_noise_weight" => self.noise_weight = value,
            "adm_skip_aim" => self.skip_aim = flag,
            "adm_skip_scale0" => self.skip_scale0 = flag,
            "adm_min_val" => self.min_val = value,
            _ => unreachable!("every option spec has a setter"),
        }
    }

    /// Checks every field against libvmaf's ranges and the limits of the integer pipeline:
    /// the viewing condition must be at least 3 heights of a 1080-line display
    /// (`norm_view_dist * ref_display_height >= 3240`), and the blended CSF modes only
    /// know their tabulated viewing conditions.
    pub fn validate(&self) -> Result<()> {
        let doubles = [
            ("adm_csf_scale", self.csf_scale),
            ("adm_csf_diag_scale", self.csf_diag_scale),
            ("adm_dlm_weight", self.dlm_weight),
            ("adm_enhn_gain_limit", self.enhn_gain_limit),
            ("adm_norm_view_dist", self.norm_view_dist),
            ("adm_ref_display_height", f64::from(self.ref_display_height)),
            ("adm_noise_weight", self.noise_weight),
            ("adm_min_val", self.min_val),
        ];
        for (name, value) in doubles {
            let spec = SPECS
                .iter()
                .find(|s| s.name == name)
                .expect("every checked field has a spec");
            check_value(spec, value)?;
        }
        let view = self.norm_view_dist * f64::from(self.ref_display_height);
        if view < 3.0 * 1080.0 {
            return Err(Error::Feature(format!(
                "adm needs adm_norm_view_dist * adm_ref_display_height >= 3240 \
                 (its 16-bit pipeline cannot go coarser), got {view}"
            )));
        }
        if matches!(
            self.csf_mode,
            CsfMode::BartenWatsonBlend | CsfMode::BartenWatsonBlendMae
        ) && super::csf::blend_entry(self).is_none()
        {
            return Err(Error::Feature(format!(
                "adm_csf_mode {} has no weights for adm_ref_display_height {} at \
                 adm_norm_view_dist {}",
                self.csf_mode.code(),
                self.ref_display_height,
                self.norm_view_dist
            )));
        }
        Ok(())
    }
}

fn check_value(spec: &Spec, value: f64) -> Result<()> {
    let whole = value.fract() == 0.0;
    let kind_ok = match spec.kind {
        Kind::Bool => value == 0.0 || value == 1.0,
        Kind::Int => whole,
        Kind::Double => value.is_finite(),
    };
    if !kind_ok || !(spec.min..=spec.max).contains(&value) {
        let what = match spec.kind {
            Kind::Bool => "0 or 1",
            Kind::Int => "a whole number",
            Kind::Double => "a number",
        };
        return Err(Error::Feature(format!(
            "adm option {} must be {what} in {}..={}, got {value}",
            spec.name, spec.min, spec.max
        )));
    }
    Ok(())
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
    fn names_and_aliases_are_accepted() {
        let o = AdmOptions::from_dict(&dict(&[
            ("adm_enhn_gain_limit", 1.0),
            ("nvd", 5.0),
            ("rdh", 2160.0),
            ("adm_csf_mode", 1.0),
            ("scf", 2.0),
            ("adm_skip_aim", 1.0),
            ("ssz", 1.0),
            ("min", 0.25),
        ]))
        .unwrap();
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
            ("egl", f64::NAN),
            ("adm_ref_display_height", 1080.5),
            ("adm_csf_mode", 4.0),
            ("adm_skip_aim", 2.0),
            ("adm_dlm_weight", -0.1),
        ] {
            let err = AdmOptions::from_dict(&dict(&[bad])).unwrap_err();
            assert!(matches!(err, Error::Feature(_)), "{bad:?}: {err}");
        }
    }

    #[test]
    fn too_close_viewing_is_rejected() {
        assert!(AdmOptions::from_dict(&dict(&[("nvd", 2.0)])).is_err());
        assert!(AdmOptions::from_dict(&dict(&[("nvd", 1.5), ("rdh", 2160.0)])).is_ok());
    }

    #[test]
    fn blend_modes_need_a_tabulated_condition() {
        assert!(AdmOptions::from_dict(&dict(&[("csf", 2.0)])).is_ok());
        assert!(AdmOptions::from_dict(&dict(&[("csf", 3.0), ("nvd", 4.0)])).is_err());
    }
}
