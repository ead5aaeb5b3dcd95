//! CAMBI's options: libvmaf's names, defaults and ranges, and the output name they give.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::feature::options::OptionValues;

/// Transfer function that turns 10-bit code values into light when the visibility
/// thresholds are derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Eotf {
    /// ITU-R BT.1886 (gamma 2.4, 0.01 to 300 cd/m²), libvmaf's default.
    #[default]
    Bt1886,
    /// SMPTE ST 2084 perceptual quantiser, up to 10000 cd/m².
    Pq,
}

impl Eotf {
    /// The name libvmaf's `eotf` option takes: `bt1886` or `pq`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Bt1886 => "bt1886",
            Self::Pq => "pq",
        }
    }
}

impl FromStr for Eotf {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "bt1886" => Ok(Self::Bt1886),
            "pq" => Ok(Self::Pq),
            _ => Err(Error::Feature(format!(
                "cambi: unknown eotf {s:?} (expected bt1886 or pq)"
            ))),
        }
    }
}

impl fmt::Display for Eotf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Options of the CAMBI banding metric, named as libvmaf names them.
///
/// A size of 0 means "the input's own size" and a bit depth of 0 "the input's bit depth",
/// as in libvmaf. Where libvmaf has two spellings of one setting (`topk` and `cambi_topk`,
/// `eotf` and `cambi_eotf`) both are kept and resolved the same way: `topk` wins when it is
/// not its default, `cambi_eotf` wins when it is not its default.
#[derive(Debug, Clone, PartialEq)]
pub struct CambiOptions {
    /// Scores above this are clipped to it (0..=1000, default 1000).
    pub cambi_max_val: f64,
    /// Width the video was encoded at (180..=7680, 0 = input width). Ignored, with
    /// `enc_height`, when larger than the input.
    pub enc_width: u32,
    /// Height the video was encoded at (150..=7680, 0 = input height).
    pub enc_height: u32,
    /// Bit depth the video was encoded at (6..=16, 0 = input bit depth); below 10 the
    /// picture is smoothed against dithering first.
    pub enc_bitdepth: u32,
    /// Width the full-reference source is scored at (320..=7680, 0 = input width).
    pub src_width: u32,
    /// Height the full-reference source is scored at (200..=4320, 0 = input height).
    pub src_height: u32,
    /// Window size at 4K, scaled to the picture size (15..=127, default 65).
    pub window_size: u32,
    /// Share of the largest per-pixel values averaged per scale (0.0001..=1, default 0.6).
    pub topk: f64,
    /// Same as `topk`, used when `topk` keeps its default (0.0001..=1, default 0.6).
    pub cambi_topk: f64,
    /// Visibility threshold: a step is visible when ΔL > tvi_threshold · L
    /// (0.0001..=1, default 0.019).
    pub tvi_threshold: f64,
    /// Luminance in cd/m² below which banding is taken as invisible (0..=300, default 0).
    pub cambi_vis_lum_threshold: f64,
    /// log2 of the largest step, in 10-bit code values, counted as a band (0..=5, default 2).
    pub max_log_contrast: u32,
    /// Also score the reference and report `cambi_source` and `cambi_full_reference`.
    pub full_ref: bool,
    /// Transfer function for the visibility thresholds (default BT.1886).
    pub eotf: Eotf,
    /// Same as `eotf`; takes precedence when it is not BT.1886.
    pub cambi_eotf: Eotf,
    /// Halve the resolution right after the spatial mask (faster, less accurate): 1080,
    /// 1440 or 2160 turn it on for encodes of at least 1920x1080, 2560x1440 or 3840x2160
    /// pixels (by count); 0 (default) or any other value in 0..=2160 leaves it off.
    pub cambi_high_res_speedup: u32,
    /// `heatmaps_path`: a folder (created if missing) that receives the c-values of every
    /// scale of every distorted picture, as libvmaf writes them. Default none.
    pub heatmaps_path: Option<std::path::PathBuf>,
}

impl Default for CambiOptions {
    fn default() -> Self {
        Self {
            cambi_max_val: 1000.0,
            enc_width: 0,
            enc_height: 0,
            enc_bitdepth: 0,
            src_width: 0,
            src_height: 0,
            window_size: 65,
            topk: DEFAULT_TOPK,
            cambi_topk: DEFAULT_TOPK,
            tvi_threshold: 0.019,
            cambi_vis_lum_threshold: 0.0,
            max_log_contrast: 2,
            full_ref: false,
            eotf: Eotf::Bt1886,
            cambi_eotf: Eotf::Bt1886,
            cambi_high_res_speedup: 0,
            heatmaps_path: None,
        }
    }
}

const DEFAULT_TOPK: f64 = 0.6;

impl CambiOptions {
    /// Reads the options from their parsed values (see [`super::DESCRIPTOR`]).
    pub fn from_options(values: &OptionValues) -> Result<Self> {
        let size = |name| u32::try_from(values.int(name)).unwrap_or(0);
        let eotf = |name| values.word(name).parse::<Eotf>();
        let options = Self {
            cambi_max_val: values.double("cambi_max_val"),
            enc_width: size("enc_width"),
            enc_height: size("enc_height"),
            enc_bitdepth: size("enc_bitdepth"),
            src_width: size("src_width"),
            src_height: size("src_height"),
            window_size: size("window_size"),
            topk: values.double("topk"),
            cambi_topk: values.double("cambi_topk"),
            tvi_threshold: values.double("tvi_threshold"),
            cambi_vis_lum_threshold: values.double("cambi_vis_lum_threshold"),
            max_log_contrast: size("max_log_contrast"),
            full_ref: values.bool("full_ref"),
            eotf: eotf("eotf")?,
            cambi_eotf: eotf("cambi_eotf")?,
            cambi_high_res_speedup: size("cambi_high_res_speedup"),
            heatmaps_path: Some(values.word("heatmaps_path"))
                .filter(|path| !path.is_empty())
                .map(std::path::PathBuf::from),
        };
        Ok(options)
    }

    /// Builds options from libvmaf option names and numbers (as a model's
    /// `feature_opts_dicts` gives them); `full_ref` takes 0 or 1. Options left out keep
    /// their defaults.
    pub fn from_dict(opts: &BTreeMap<String, f64>) -> Result<Self> {
        Self::from_options(&super::DESCRIPTOR.values_from_numbers(opts)?)
    }

    /// Checks every field against libvmaf's ranges (the descriptor's); a size or bit
    /// depth of 0 means "from the input" and is accepted.
    pub fn validate(&self) -> Result<()> {
        let mut check = super::DESCRIPTOR.default_values();
        let numbers = [
            ("cambi_max_val", self.cambi_max_val),
            ("window_size", f64::from(self.window_size)),
            ("topk", self.topk),
            ("cambi_topk", self.cambi_topk),
            ("tvi_threshold", self.tvi_threshold),
            ("cambi_vis_lum_threshold", self.cambi_vis_lum_threshold),
            ("max_log_contrast", f64::from(self.max_log_contrast)),
            ("cambi_high_res_speedup", f64::from(self.cambi_high_res_speedup)),
        ];
        let from_input = [
            ("enc_width", self.enc_width),
            ("enc_height", self.enc_height),
            ("enc_bitdepth", self.enc_bitdepth),
            ("src_width", self.src_width),
            ("src_height", self.src_height),
        ];
        for (name, value) in numbers {
            check.set_number(name, value)?;
        }
        for (name, value) in from_input.into_iter().filter(|(_, v)| *v != 0) {
            check.set_number(name, f64::from(value))?;
        }
        Ok(())
    }

    /// The transfer function in effect: `cambi_eotf` unless it is the default, else `eotf`.
    pub fn effective_eotf(&self) -> Eotf {
        if self.cambi_eotf != Eotf::default() {
            self.cambi_eotf
        } else {
            self.eotf
        }
    }

    /// The pooling share in effect: `topk` unless it is the default, else `cambi_topk`.
    pub fn effective_topk(&self) -> f64 {
        if self.topk != DEFAULT_TOPK {
            self.topk
        } else {
            self.cambi_topk
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feature::request::FeatureRequest;

    fn dict(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs.iter().map(|&(k, v)| (k.to_string(), v)).collect()
    }

    fn parsed(text: &str) -> Result<CambiOptions> {
        let request = FeatureRequest::parse(&format!("cambi={text}"))?;
        CambiOptions::from_options(request.options())
    }

    #[test]
    fn defaults_match_libvmaf() {
        let o = CambiOptions::from_dict(&BTreeMap::new()).unwrap();
        assert_eq!(o, CambiOptions::default());
        assert_eq!(o.window_size, 65);
        assert_eq!(o.effective_topk(), 0.6);
        assert_eq!(o.tvi_threshold, 0.019);
        assert_eq!(o.max_log_contrast, 2);
        assert_eq!(o.cambi_max_val, 1000.0);
        assert_eq!(o.effective_eotf(), Eotf::Bt1886);
        o.validate().unwrap();
    }

    #[test]
    fn parses_known_options_and_rejects_bad_ones() {
        let o = CambiOptions::from_dict(&dict(&[
            ("window_size", 31.0),
            ("cambi_topk", 0.2),
            ("full_ref", 1.0),
            ("enc_width", 1920.0),
            ("enc_height", 1080.0),
        ]))
        .unwrap();
        assert_eq!(o.window_size, 31);
        assert_eq!(o.effective_topk(), 0.2);
        assert!(o.full_ref);
        assert_eq!((o.enc_width, o.enc_height), (1920, 1080));

        for bad in [
            dict(&[("no_such_option", 1.0)]),
            dict(&[("window_size", 14.0)]),
            dict(&[("window_size", 128.0)]),
            dict(&[("window_size", 31.5)]),
            dict(&[("topk", 0.0)]),
            dict(&[("tvi_threshold", f64::NAN)]),
            dict(&[("max_log_contrast", 6.0)]),
            dict(&[("enc_width", 0.0)]),
            dict(&[("full_ref", 2.0)]),
            dict(&[("eotf", 1.0)]),
            dict(&[("ws", 31.0)]),
        ] {
            assert!(
                matches!(
                    CambiOptions::from_dict(&bad),
                    Err(Error::UnknownOption { .. } | Error::OptionValue { .. })
                ),
                "{bad:?} should be refused"
            );
        }
    }

    #[test]
    fn text_options_and_precedence() {
        assert_eq!(parsed("eotf=pq").unwrap().effective_eotf(), Eotf::Pq);
        assert_eq!(
            parsed("eotf=pq:cambi_eotf=bt1886").unwrap().effective_eotf(),
            Eotf::Pq,
            "default cambi_eotf defers to eotf"
        );
        assert_eq!(
            parsed("topk=0.3:cambi_topk=0.9").unwrap().effective_topk(),
            0.3,
            "non-default topk wins"
        );
        assert!(parsed("eotf=hlg").is_err());
        assert!(parsed("full_ref=yes").is_err());
        assert_eq!(
            parsed("heatmaps_path=/tmp/maps").unwrap().heatmaps_path,
            Some("/tmp/maps".into())
        );
    }

    #[test]
    fn output_names_follow_libvmaf() {
        // Names printed by libvmaf's `vmaf` tool for these option strings.
        for (text, expected) in [
            (
                "cambi_high_res_speedup=1080:cambi_vis_lum_threshold=0.06:cambi_max_val=17",
                "cambi_hrs_1080_cmxv_17_vlt_0.06",
            ),
            ("window_size=65:full_ref=true", "cambi"),
            ("enc_width=640:enc_height=360", "cambi_ench_360_encw_640"),
            (
                "full_ref=true:src_width=1500:src_height=1000:enc_width=960:enc_height=540",
                "cambi_ench_540_encw_960_srch_1000_srcw_1500",
            ),
            ("topk=0.1", "cambi_topk_0.1"),
            ("cambi_topk=1.0", "cambi_ctpk_1"),
            ("tvi_threshold=0.005", "cambi_tvit_0.005"),
            ("max_log_contrast=0", "cambi_mlc_0"),
            ("eotf=pq", "cambi_eotf_pq"),
            (
                "cambi_eotf=pq:cambi_vis_lum_threshold=0.06",
                "cambi_ceot_pq_vlt_0.06",
            ),
            ("cambi_max_val=2:full_ref=true", "cambi_cmxv_2"),
            ("enc_bitdepth=8", "cambi_encbd_8"),
            ("window_size=127", "cambi_ws_127"),
        ] {
            let request = FeatureRequest::parse(&format!("cambi={text}")).unwrap();
            assert_eq!(
                request.feature_name("Cambi_feature_cambi_score").unwrap(),
                expected,
                "{text}"
            );
        }
    }
}
