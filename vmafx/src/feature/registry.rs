//! The catalogue of feature extractors: their libvmaf names, the features each
//! provides, their naming options, and how requested options become output names.
//!
//! libvmaf names a feature after the extractor's internal name, aliased to a short
//! form, plus one `_<alias>_<value>` suffix for each naming option that differs from its
//! default, sorted by option name (for example `integer_vif_scale0_egl_1` when
//! `vif_enhn_gain_limit=1`). Models look features up by the same rule, so
//! computing names here once keeps models, reports and extractors in step.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::report::format_option_value;

/// Every extractor VMAFX implements, by libvmaf's extractor name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ExtractorKind {
    /// `adm`: integer ADM.
    IntegerAdm,
    /// `motion`: integer motion (temporal).
    IntegerMotion,
    /// `vif`: integer VIF.
    IntegerVif,
    /// `float_adm`.
    FloatAdm,
    /// `float_motion` (temporal).
    FloatMotion,
    /// `float_vif`.
    FloatVif,
    /// `psnr`: integer PSNR on Y, Cb and Cr.
    Psnr,
    /// `float_ssim`.
    FloatSsim,
    /// `float_ms_ssim`.
    FloatMsSsim,
    /// `ciede`: CIEDE2000 colour difference.
    Ciede,
    /// `cambi`: banding.
    Cambi,
}

/// How a naming option's value is printed in a feature name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OptionKind {
    Bool,
    Int,
    Double,
}

/// A naming option: one whose non-default value changes the output names.
struct NamingOption {
    name: &'static str,
    alias: &'static str,
    kind: OptionKind,
    default: f64,
}

const fn opt(
    name: &'static str,
    alias: &'static str,
    kind: OptionKind,
    default: f64,
) -> NamingOption {
    NamingOption {
        name,
        alias,
        kind,
        default,
    }
}

use OptionKind::{Bool, Double, Int};

const VIF_OPTIONS: &[NamingOption] = &[
    opt("vif_enhn_gain_limit", "egl", Double, 100.0),
    opt("vif_skip_scale0", "ssclz", Bool, 0.0),
];
const ADM_OPTIONS: &[NamingOption] = &[
    opt("adm_csf_scale", "scf", Double, 1.0),
    opt("adm_csf_diag_scale", "scfd", Double, 1.0),
    opt("adm_dlm_weight", "dlmw", Double, 0.5),
    opt("adm_enhn_gain_limit", "egl", Double, 100.0),
    opt("adm_norm_view_dist", "nvd", Double, 3.0),
    opt("adm_ref_display_height", "rdh", Int, 1080.0),
    opt("adm_csf_mode", "csf", Int, 0.0),
    opt("adm_noise_weight", "nw", Double, 0.03125),
    opt("adm_skip_scale0", "ssz", Bool, 0.0),
    opt("adm_min_val", "min", Double, 0.0),
];
const MOTION_OPTIONS: &[NamingOption] = &[
    opt("motion_force_zero", "force_0", Bool, 0.0),
    opt("motion_blend_factor", "mbf", Double, 1.0),
    opt("motion_blend_offset", "mbo", Double, 40.0),
    opt("motion_fps_weight", "mfw", Double, 1.0),
    opt("motion_max_val", "mmxv", Double, 10000.0),
    opt("motion_five_frame_window", "mffw", Bool, 0.0),
    opt("motion_moving_average", "mma", Bool, 0.0),
];
const FLOAT_VIF_OPTIONS: &[NamingOption] = &[
    opt("vif_enhn_gain_limit", "egl", Double, 100.0),
    opt("vif_kernelscale", "ks", Double, 1.0),
    opt("vif_prescale", "ps", Double, 1.0),
    opt("vif_scale1_min_val", "s1miv", Double, 0.0),
    opt("vif_scale2_min_val", "s2miv", Double, 0.0),
    opt("vif_scale3_min_val", "s3miv", Double, 0.0),
    opt("vif_sigma_nsq", "snsq", Double, 2.0),
    opt("vif_skip_scale0", "ssclz", Bool, 0.0),
];
const FLOAT_ADM_OPTIONS: &[NamingOption] = &[
    opt("adm_enhn_gain_limit", "egl", Double, 100.0),
    opt("adm_norm_view_dist", "nvd", Double, 3.0),
    opt("adm_noise_weight", "nw", Double, 0.03125),
    opt("adm_csf_scale", "scf", Double, 1.0),
    opt("adm_csf_diag_scale", "scfd", Double, 1.0),
    opt("adm_ref_display_height", "rdf", Int, 1080.0),
    opt("adm_csf_mode", "csf", Int, 0.0),
    opt("adm_bypass_cm", "bcm", Int, 0.0),
    opt("adm_adm3_apply_hm", "aah", Bool, 0.0),
    opt("adm_p_norm", "apn", Double, 3.0),
    opt("adm_dlm_weight", "dlmw", Double, 0.5),
    opt("adm_min_val", "min", Double, 0.0),
    opt("adm_f1s0", "f1s0", Double, -1.0),
    opt("adm_f1s1", "f1s1", Double, -1.0),
    opt("adm_f1s2", "f1s2", Double, -1.0),
    opt("adm_f1s3", "f1s3", Double, -1.0),
    opt("adm_f2s0", "f2s0", Double, -1.0),
    opt("adm_f2s1", "f2s1", Double, -1.0),
    opt("adm_f2s2", "f2s2", Double, -1.0),
    opt("adm_f2s3", "f2s3", Double, -1.0),
    opt("adm_skip_aim_scale", "sasc", Int, -1.0),
    opt("adm_skip_scale0", "ssz", Bool, 0.0),
];
const FLOAT_MOTION_OPTIONS: &[NamingOption] = &[
    opt("motion_force_zero", "force_0", Bool, 0.0),
    opt("motion_fps_weight", "mfw", Double, 1.0),
    opt("motion_blend_factor", "mbf", Double, 1.0),
    opt("motion_blend_offset", "mbo", Double, 40.0),
    opt("motion_add_scale1", "mdc", Bool, 0.0),
    opt("motion_filter_size", "mfs", Int, 5.0),
    opt("motion_add_uv", "mau", Bool, 0.0),
    opt("motion_max_val", "mmxv", Double, 10000.0),
];
const CAMBI_OPTIONS: &[NamingOption] = &[
    opt("cambi_max_val", "cmxv", Double, 1000.0),
    opt("enc_width", "encw", Int, 0.0),
    opt("enc_height", "ench", Int, 0.0),
    opt("enc_bitdepth", "encbd", Int, 0.0),
    opt("src_width", "srcw", Int, 0.0),
    opt("src_height", "srch", Int, 0.0),
    opt("window_size", "ws", Int, 65.0),
    opt("topk", "topk", Double, 0.6),
    opt("cambi_topk", "ctpk", Double, 0.6),
    opt("tvi_threshold", "tvit", Double, 0.019),
    opt("cambi_vis_lum_threshold", "vlt", Double, 0.0),
    opt("max_log_contrast", "mlc", Int, 2.0),
    opt("cambi_high_res_speedup", "hrs", Int, 0.0),
];

/// Internal feature names and the short names reports use for them.
const ALIASES: &[(&str, &str)] = &[
    ("VMAF_feature_adm2_score", "adm2"),
    ("VMAF_feature_aim_score", "aim"),
    ("VMAF_feature_adm3_score", "adm3"),
    ("VMAF_feature_adm_scale0_score", "adm_scale0"),
    ("VMAF_feature_adm_scale1_score", "adm_scale1"),
    ("VMAF_feature_adm_scale2_score", "adm_scale2"),
    ("VMAF_feature_adm_scale3_score", "adm_scale3"),
    ("VMAF_feature_motion_score", "motion"),
    ("VMAF_feature_motion2_score", "motion2"),
    ("VMAF_feature_motion3_score", "motion3"),
    ("VMAF_feature_vif_scale0_score", "vif_scale0"),
    ("VMAF_feature_vif_scale1_score", "vif_scale1"),
    ("VMAF_feature_vif_scale2_score", "vif_scale2"),
    ("VMAF_feature_vif_scale3_score", "vif_scale3"),
    ("VMAF_integer_feature_adm2_score", "integer_adm2"),
    ("VMAF_integer_feature_aim_score", "integer_aim"),
    ("VMAF_integer_feature_adm3_score", "integer_adm3"),
    ("VMAF_integer_feature_motion_score", "integer_motion"),
    ("VMAF_integer_feature_motion2_score", "integer_motion2"),
    ("VMAF_integer_feature_motion3_score", "integer_motion3"),
    (
        "VMAF_integer_feature_vif_scale0_score",
        "integer_vif_scale0",
    ),
    (
        "VMAF_integer_feature_vif_scale1_score",
        "integer_vif_scale1",
    ),
    (
        "VMAF_integer_feature_vif_scale2_score",
        "integer_vif_scale2",
    ),
    (
        "VMAF_integer_feature_vif_scale3_score",
        "integer_vif_scale3",
    ),
    ("Cambi_feature_cambi_score", "cambi"),
];

/// The short report name of an internal feature name (itself when it has none).
pub fn alias(internal: &str) -> &str {
    ALIASES
        .iter()
        .find(|(name, _)| *name == internal)
        .map_or(internal, |(_, short)| short)
}

impl ExtractorKind {
    /// Every extractor.
    pub const ALL: [ExtractorKind; 11] = [
        Self::IntegerAdm,
        Self::IntegerMotion,
        Self::IntegerVif,
        Self::FloatAdm,
        Self::FloatMotion,
        Self::FloatVif,
        Self::Psnr,
        Self::FloatSsim,
        Self::FloatMsSsim,
        Self::Ciede,
        Self::Cambi,
    ];

    /// libvmaf's extractor name, as `--feature` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::IntegerAdm => "adm",
            Self::IntegerMotion => "motion",
            Self::IntegerVif => "vif",
            Self::FloatAdm => "float_adm",
            Self::FloatMotion => "float_motion",
            Self::FloatVif => "float_vif",
            Self::Psnr => "psnr",
            Self::FloatSsim => "float_ssim",
            Self::FloatMsSsim => "float_ms_ssim",
            Self::Ciede => "ciede",
            Self::Cambi => "cambi",
        }
    }

    /// Looks an extractor up by libvmaf's name (`integer_adm` etc. are accepted too).
    pub fn from_name(name: &str) -> Option<Self> {
        let name = match name {
            "integer_adm" => "adm",
            "integer_vif" => "vif",
            "integer_motion" => "motion",
            other => other,
        };
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    /// Internal names of the features this extractor writes, in output order.
    pub fn provided_features(self) -> &'static [&'static str] {
        match self {
            Self::IntegerAdm => &[
                "VMAF_integer_feature_adm2_score",
                "VMAF_integer_feature_aim_score",
                "VMAF_integer_feature_adm3_score",
                "integer_adm_scale0",
                "integer_adm_scale1",
                "integer_adm_scale2",
                "integer_adm_scale3",
            ],
            Self::IntegerMotion => &[
                "VMAF_integer_feature_motion_sad_score",
                "VMAF_integer_feature_motion2_score",
                "VMAF_integer_feature_motion3_score",
            ],
            Self::IntegerVif => &[
                "VMAF_integer_feature_vif_scale0_score",
                "VMAF_integer_feature_vif_scale1_score",
                "VMAF_integer_feature_vif_scale2_score",
                "VMAF_integer_feature_vif_scale3_score",
            ],
            Self::FloatAdm => &[
                "VMAF_feature_adm2_score",
                "VMAF_feature_aim_score",
                "VMAF_feature_adm3_score",
                "VMAF_feature_adm_scale0_score",
                "VMAF_feature_adm_scale1_score",
                "VMAF_feature_adm_scale2_score",
                "VMAF_feature_adm_scale3_score",
            ],
            Self::FloatMotion => &[
                "VMAF_feature_motion_score",
                "VMAF_feature_motion2_score",
                "VMAF_feature_motion3_score",
            ],
            Self::FloatVif => &[
                "VMAF_feature_vif_scale0_score",
                "VMAF_feature_vif_scale1_score",
                "VMAF_feature_vif_scale2_score",
                "VMAF_feature_vif_scale3_score",
            ],
            Self::Psnr => &["psnr_y", "psnr_cb", "psnr_cr"],
            Self::FloatSsim => &["float_ssim"],
            Self::FloatMsSsim => &["float_ms_ssim"],
            Self::Ciede => &["ciede2000"],
            Self::Cambi => &["Cambi_feature_cambi_score"],
        }
    }

    /// Whether the extractor needs frames in order (it keeps state between frames).
    pub fn is_temporal(self) -> bool {
        matches!(self, Self::IntegerMotion | Self::FloatMotion)
    }

    fn naming_options(self) -> &'static [NamingOption] {
        match self {
            Self::IntegerVif => VIF_OPTIONS,
            Self::IntegerAdm => ADM_OPTIONS,
            Self::IntegerMotion => MOTION_OPTIONS,
            Self::FloatVif => FLOAT_VIF_OPTIONS,
            Self::FloatAdm => FLOAT_ADM_OPTIONS,
            Self::FloatMotion => FLOAT_MOTION_OPTIONS,
            Self::Cambi => CAMBI_OPTIONS,
            Self::Psnr | Self::FloatSsim | Self::FloatMsSsim | Self::Ciede => &[],
        }
    }

    /// The extractor that provides an internal feature name, as models name them.
    pub fn providing(feature: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.provided_features().contains(&feature))
    }
}

/// Naming options whose values are words, with libvmaf's aliases and defaults.
const TEXT_OPTIONS: &[(ExtractorKind, &str, &str, &str)] = &[
    (
        ExtractorKind::FloatVif,
        "vif_prescale_method",
        "pm",
        "nearest",
    ),
    (ExtractorKind::Cambi, "eotf", "eotf", "bt1886"),
    (ExtractorKind::Cambi, "cambi_eotf", "ceot", "bt1886"),
];

/// One extractor with its options, as a model or the user asks for it.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureRequest {
    /// Which extractor.
    pub kind: ExtractorKind,
    /// Numeric option values by libvmaf option name; booleans are 0 or 1.
    pub options: BTreeMap<String, f64>,
    /// Options whose values are words (`eotf=pq`, `vif_prescale_method=bilinear`).
    pub text_options: BTreeMap<String, String>,
}

impl FeatureRequest {
    /// A request with default options.
    pub fn new(kind: ExtractorKind) -> Self {
        Self {
            kind,
            options: BTreeMap::new(),
            text_options: BTreeMap::new(),
        }
    }

    /// A request with numeric options.
    pub fn with_options(kind: ExtractorKind, options: BTreeMap<String, f64>) -> Self {
        Self {
            options,
            ..Self::new(kind)
        }
    }

    /// Parses libvmaf's `--feature` syntax: `name` or `name=opt=value:opt=value`.
    pub fn parse(spec: &str) -> Result<Self> {
        let (name, rest) = spec.split_once('=').unwrap_or((spec, ""));
        let kind = ExtractorKind::from_name(name).ok_or_else(|| {
            let known: Vec<_> = ExtractorKind::ALL.iter().map(|k| k.name()).collect();
            Error::Feature(format!(
                "unknown feature {name:?} (known: {})",
                known.join(", ")
            ))
        })?;
        let mut request = Self::new(kind);
        for pair in rest.split(':').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').ok_or_else(|| {
                Error::Feature(format!("option {pair:?} of feature {name} lacks '=value'"))
            })?;
            if text_option(kind, key).is_some() {
                request
                    .text_options
                    .insert(key.to_string(), value.to_string());
            } else {
                let number = parse_option_value(name, key, value)?;
                request.options.insert(key.to_string(), number);
            }
        }
        Ok(request)
    }

    /// The request with options equal to their defaults removed, so that two requests
    /// that compute the same thing compare equal.
    pub fn normalized(&self) -> Self {
        let mut options = self.options.clone();
        for spec in self.kind.naming_options() {
            if options.get(spec.name) == Some(&spec.default) {
                options.remove(spec.name);
            }
        }
        let mut text_options = self.text_options.clone();
        text_options.retain(|key, value| {
            text_option(self.kind, key).is_none_or(|(_, default)| value != default)
        });
        Self {
            kind: self.kind,
            options,
            text_options,
        }
    }

    /// The name under which a provided feature is reported with these options.
    pub fn output_name(&self, internal: &str) -> String {
        let mut name = alias(internal).to_string();
        // (option name, suffix), sorted by option name as libvmaf sorts its dictionary.
        let mut suffixes: Vec<(&str, String)> = self
            .kind
            .naming_options()
            .iter()
            .filter_map(|spec| {
                let value = *self.options.get(spec.name)?;
                (value != spec.default).then(|| {
                    let suffix = match spec.kind {
                        Bool => format!("_{}", spec.alias),
                        Int => format!("_{}_{}", spec.alias, value as i64),
                        Double => format!("_{}_{}", spec.alias, format_option_value(value)),
                    };
                    (spec.name, suffix)
                })
            })
            .collect();
        for (key, value) in &self.text_options {
            if let Some((alias, default)) = text_option(self.kind, key) {
                if value != default {
                    suffixes.push((key.as_str(), format!("_{alias}_{value}")));
                }
            }
        }
        suffixes.sort_by(|a, b| a.0.cmp(b.0));
        for (_, suffix) in suffixes {
            name.push_str(&suffix);
        }
        name
    }
}

/// The alias and default of a word-valued naming option.
fn text_option(kind: ExtractorKind, key: &str) -> Option<(&'static str, &'static str)> {
    TEXT_OPTIONS
        .iter()
        .find(|(k, name, _, _)| *k == kind && *name == key)
        .map(|(_, _, alias, default)| (*alias, *default))
}

/// Reads an option value: a number, or `true`/`false` for switches.
pub fn parse_option_value(feature: &str, key: &str, value: &str) -> Result<f64> {
    match value {
        "true" => Ok(1.0),
        "false" => Ok(0.0),
        _ => value
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| {
                Error::Feature(format!(
                    "option {key} of feature {feature}: {value:?} is not a number or true/false"
                ))
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_libvmaf_rules() {
        let plain = FeatureRequest::new(ExtractorKind::IntegerVif);
        assert_eq!(
            plain.output_name("VMAF_integer_feature_vif_scale0_score"),
            "integer_vif_scale0"
        );
        let egl = FeatureRequest::parse("vif=vif_enhn_gain_limit=1.0").unwrap();
        assert_eq!(
            egl.output_name("VMAF_integer_feature_vif_scale2_score"),
            "integer_vif_scale2_egl_1"
        );
        let defaulted = FeatureRequest::parse("adm=adm_enhn_gain_limit=100").unwrap();
        assert_eq!(
            defaulted.output_name("integer_adm_scale0"),
            "integer_adm_scale0"
        );
        assert_eq!(
            defaulted.normalized(),
            FeatureRequest::new(ExtractorKind::IntegerAdm)
        );
        let two =
            FeatureRequest::parse("adm=adm_norm_view_dist=1.5:adm_enhn_gain_limit=1").unwrap();
        assert_eq!(
            two.output_name("VMAF_integer_feature_adm2_score"),
            "integer_adm2_egl_1_nvd_1.5"
        );
        let flag = FeatureRequest::parse("motion=motion_force_zero=true").unwrap();
        assert_eq!(
            flag.output_name("VMAF_integer_feature_motion2_score"),
            "integer_motion2_force_0"
        );
        assert_eq!(
            FeatureRequest::new(ExtractorKind::IntegerMotion)
                .output_name("VMAF_integer_feature_motion_sad_score"),
            "VMAF_integer_feature_motion_sad_score"
        );
    }

    #[test]
    fn word_options_name_like_libvmaf() {
        let pq = FeatureRequest::parse("cambi=eotf=pq:window_size=63").unwrap();
        assert_eq!(pq.text_options["eotf"], "pq");
        assert_eq!(
            pq.output_name("Cambi_feature_cambi_score"),
            "cambi_eotf_pq_ws_63"
        );
        let default = FeatureRequest::parse("cambi=eotf=bt1886").unwrap();
        assert_eq!(
            default.normalized(),
            FeatureRequest::new(ExtractorKind::Cambi)
        );
        assert!(FeatureRequest::parse("cambi=window_size=big").is_err());
    }

    #[test]
    fn bad_requests_are_errors() {
        assert!(FeatureRequest::parse("nonsense").is_err());
        assert!(FeatureRequest::parse("psnr=enable_chroma").is_err());
        assert!(FeatureRequest::parse("psnr=min_sse=abc").is_err());
    }

    #[test]
    fn model_features_find_their_extractor() {
        assert_eq!(
            ExtractorKind::providing("VMAF_integer_feature_motion2_score"),
            Some(ExtractorKind::IntegerMotion)
        );
        assert_eq!(
            ExtractorKind::providing("VMAF_feature_adm2_score"),
            Some(ExtractorKind::FloatAdm)
        );
        assert_eq!(ExtractorKind::providing("nothing"), None);
    }
}
