//! CAMBI's options: libvmaf's names, defaults and ranges, and the output name they give.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

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

/// How an option's value is checked, and how libvmaf prints it in a feature name.
#[derive(Clone, Copy)]
enum Kind {
    Int {
        min: i64,
        max: i64,
    },
    /// An integer whose default, 0, means "take it from the input"; libvmaf refuses an
    /// explicit 0 all the same.
    FromInput {
        min: i64,
        max: i64,
    },
    Double {
        min: f64,
        max: f64,
    },
    Bool,
    Eotf,
}

/// One option: libvmaf's name, the short alias used in feature names (`None` when the
/// option does not change the name), and its kind.
struct Spec {
    name: &'static str,
    alias: Option<&'static str>,
    kind: Kind,
}

/// Every option, in libvmaf's alphabetical order of names (the order feature names use).
const SPECS: &[Spec] = &[
    spec("cambi_eotf", Some("ceot"), Kind::Eotf),
    spec("cambi_high_res_speedup", Some("hrs"), int(0, 2160)),
    spec("cambi_max_val", Some("cmxv"), double(0.0, 1000.0)),
    spec("cambi_topk", Some("ctpk"), double(0.0001, 1.0)),
    spec("cambi_vis_lum_threshold", Some("vlt"), double(0.0, 300.0)),
    spec("enc_bitdepth", Some("encbd"), from_input(6, 16)),
    spec("enc_height", Some("ench"), from_input(150, 7680)),
    spec("enc_width", Some("encw"), from_input(180, 7680)),
    spec("eotf", Some("eotf"), Kind::Eotf),
    spec("full_ref", None, Kind::Bool),
    spec("max_log_contrast", Some("mlc"), int(0, 5)),
    spec("src_height", Some("srch"), from_input(200, 4320)),
    spec("src_width", Some("srcw"), from_input(320, 7680)),
    spec("topk", Some("topk"), double(0.0001, 1.0)),
    spec("tvi_threshold", Some("tvit"), double(0.0001, 1.0)),
    spec("window_size", Some("ws"), int(15, 127)),
];

const fn spec(name: &'static str, alias: Option<&'static str>, kind: Kind) -> Spec {
    Spec { name, alias, kind }
}

const fn int(min: i64, max: i64) -> Kind {
    Kind::Int { min, max }
}

const fn from_input(min: i64, max: i64) -> Kind {
    Kind::FromInput { min, max }
}

const fn double(min: f64, max: f64) -> Kind {
    Kind::Double { min, max }
}

/// An option's value in its natural type.
#[derive(Clone, Copy, PartialEq)]
enum Value {
    Int(i64),
    Double(f64),
    Bool(bool),
    Eotf(Eotf),
}

fn find_spec(name: &str) -> Result<&'static Spec> {
    SPECS.iter().find(|s| s.name == name).ok_or_else(|| {
        let known: Vec<&str> = SPECS.iter().map(|s| s.name).collect();
        Error::Feature(format!(
            "cambi: unknown option {name:?} (known: {})",
            known.join(", ")
        ))
    })
}

fn out_of_range(
    name: &str,
    value: impl fmt::Display,
    lo: impl fmt::Display,
    hi: impl fmt::Display,
) -> Error {
    Error::Feature(format!(
        "cambi: option {name} = {value} is outside {lo}..={hi}"
    ))
}

impl CambiOptions {
    /// Builds options from libvmaf option names and numeric values (as a model's
    /// `feature_opts_dicts` gives them); `full_ref` takes 0 or 1. Options left out keep
    /// their defaults. The string options `eotf` and `cambi_eotf` are set through
    /// [`CambiOptions::set`] or the fields.
    ///
    /// Errors with [`Error::Feature`] for an unknown name, a value out of range, or a
    /// fractional value for an integer option.
    pub fn from_dict(opts: &BTreeMap<String, f64>) -> Result<Self> {
        let mut options = Self::default();
        for (name, &number) in opts {
            let spec = find_spec(name)?;
            let value = match spec.kind {
                Kind::Int { .. } | Kind::FromInput { .. } => {
                    if number.fract() != 0.0 || !number.is_finite() {
                        return Err(Error::Feature(format!(
                            "cambi: option {name} needs an integer, got {number}"
                        )));
                    }
                    Value::Int(number as i64)
                }
                Kind::Double { .. } => Value::Double(number),
                Kind::Bool if number == 0.0 || number == 1.0 => Value::Bool(number == 1.0),
                Kind::Bool => {
                    return Err(Error::Feature(format!(
                        "cambi: option {name} takes 0 or 1, got {number}"
                    )))
                }
                Kind::Eotf => {
                    return Err(Error::Feature(format!(
                        "cambi: option {name} takes a name (bt1886 or pq), not a number"
                    )))
                }
            };
            options.assign(spec, value)?;
        }
        Ok(options)
    }

    /// Sets one option from its text form, as libvmaf's command line gives it: numbers,
    /// `true`/`false` for `full_ref`, `bt1886`/`pq` for `eotf` and `cambi_eotf`.
    pub fn set(&mut self, name: &str, text: &str) -> Result<()> {
        if name == "heatmaps_path" {
            self.heatmaps_path = Some(text.into());
            return Ok(());
        }
        let spec = find_spec(name)?;
        let bad = || Error::Feature(format!("cambi: option {name} cannot take {text:?}"));
        let value = match spec.kind {
            Kind::Int { .. } | Kind::FromInput { .. } => {
                Value::Int(text.trim().parse().map_err(|_| bad())?)
            }
            Kind::Double { .. } => Value::Double(text.trim().parse().map_err(|_| bad())?),
            Kind::Bool => match text {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => return Err(bad()),
            },
            Kind::Eotf => Value::Eotf(text.parse()?),
        };
        self.assign(spec, value)
    }

    /// Checks every field against libvmaf's ranges; a size or bit depth of 0 means
    /// "from the input" and is accepted.
    pub fn validate(&self) -> Result<()> {
        for spec in SPECS {
            let value = self.get(spec);
            let unset = matches!((spec.kind, value), (Kind::FromInput { .. }, Value::Int(0)));
            if !unset {
                check_range(spec, value)?;
            }
        }
        Ok(())
    }

    /// The name libvmaf gives the main score under these options: `cambi` at the
    /// defaults, else `cambi` followed by `_<alias>_<value>` for every option that
    /// differs from its default (libvmaf prints doubles with `%g`).
    pub fn output_name(&self) -> String {
        let defaults = Self::default();
        let mut name = String::from("cambi");
        for spec in SPECS {
            let Some(alias) = spec.alias else { continue };
            let value = self.get(spec);
            if value == defaults.get(spec) {
                continue;
            }
            name.push('_');
            name.push_str(alias);
            name.push('_');
            match value {
                Value::Int(n) => name.push_str(&n.to_string()),
                Value::Double(x) => name.push_str(&format_g(x)),
                Value::Bool(b) => name.push_str(if b { "true" } else { "false" }),
                Value::Eotf(e) => name.push_str(e.name()),
            }
        }
        name
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

    fn assign(&mut self, spec: &Spec, value: Value) -> Result<()> {
        check_range(spec, value)?;
        let int = |v: Value| match v {
            Value::Int(n) => u32::try_from(n).expect("checked against a non-negative range"),
            _ => unreachable!("integer option given a non-integer value"),
        };
        let double = |v: Value| match v {
            Value::Double(x) => x,
            _ => unreachable!("double option given a non-double value"),
        };
        let eotf = |v: Value| match v {
            Value::Eotf(e) => e,
            _ => unreachable!("eotf option given a non-eotf value"),
        };
        match spec.name {
            "cambi_eotf" => self.cambi_eotf = eotf(value),
            "cambi_high_res_speedup" => self.cambi_high_res_speedup = int(value),
            "cambi_max_val" => self.cambi_max_val = double(value),
            "cambi_topk" => self.cambi_topk = double(value),
            "cambi_vis_lum_threshold" => self.cambi_vis_lum_threshold = double(value),
            "enc_bitdepth" => self.enc_bitdepth = int(value),
            "enc_height" => self.enc_height = int(value),
            "enc_width" => self.enc_width = int(value),
            "eotf" => self.eotf = eotf(value),
            "full_ref" => {
                self.full_ref = matches!(value, Value::Bool(true));
            }
            "max_log_contrast" => self.max_log_contrast = int(value),
            "src_height" => self.src_height = int(value),
            "src_width" => self.src_width = int(value),
            "topk" => self.topk = double(value),
            "tvi_threshold" => self.tvi_threshold = double(value),
            "window_size" => self.window_size = int(value),
            other => unreachable!("option table and setter disagree on {other}"),
        }
        Ok(())
    }

    fn get(&self, spec: &Spec) -> Value {
        let int = |n: u32| Value::Int(i64::from(n));
        match spec.name {
            "cambi_eotf" => Value::Eotf(self.cambi_eotf),
            "cambi_high_res_speedup" => int(self.cambi_high_res_speedup),
            "cambi_max_val" => Value::Double(self.cambi_max_val),
            "cambi_topk" => Value::Double(self.cambi_topk),
            "cambi_vis_lum_threshold" => Value::Double(self.cambi_vis_lum_threshold),
            "enc_bitdepth" => int(self.enc_bitdepth),
            "enc_height" => int(self.enc_height),
            "enc_width" => int(self.enc_width),
            "eotf" => Value::Eotf(self.eotf),
            "full_ref" => Value::Bool(self.full_ref),
            "max_log_contrast" => int(self.max_log_contrast),
            "src_height" => int(self.src_height),
            "src_width" => int(self.src_width),
            "topk" => Value::Double(self.topk),
            "tvi_threshold" => Value::Double(self.tvi_threshold),
            "window_size" => int(self.window_size),
            other => unreachable!("option table and getter disagree on {other}"),
        }
    }
}

fn check_range(spec: &Spec, value: Value) -> Result<()> {
    match (spec.kind, value) {
        (Kind::Int { min, max } | Kind::FromInput { min, max }, Value::Int(n))
            if !(min..=max).contains(&n) =>
        {
            Err(out_of_range(spec.name, n, min, max))
        }
        // Written so that NaN fails too.
        (Kind::Double { min, max }, Value::Double(x)) if !(x >= min && x <= max) => {
            Err(out_of_range(spec.name, x, min, max))
        }
        _ => Ok(()),
    }
}

/// Formats `x` as C's `printf("%g")` does: 6 significant digits, trailing zeros dropped,
/// exponent form outside 1e-4..1e6.
fn format_g(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    let sci = format!("{x:.5e}");
    let (mantissa, exponent) = sci.split_once('e').expect("exponent format has an 'e'");
    let exponent: i32 = exponent.parse().expect("exponent is an integer");
    if (-4..6).contains(&exponent) {
        let decimals = usize::try_from(5 - exponent).expect("exponent below 6");
        trim_fraction(&format!("{x:.decimals$}")).to_string()
    } else {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", trim_fraction(mantissa), exponent.abs())
    }
}

fn trim_fraction(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dict(pairs: &[(&str, f64)]) -> BTreeMap<String, f64> {
        pairs.iter().map(|&(k, v)| (k.to_string(), v)).collect()
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
        assert_eq!(o.output_name(), "cambi");
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
                matches!(CambiOptions::from_dict(&bad), Err(Error::Feature(_))),
                "{bad:?} should be refused"
            );
        }
    }

    #[test]
    fn text_options_and_precedence() {
        let mut o = CambiOptions::default();
        o.set("eotf", "pq").unwrap();
        assert_eq!(o.effective_eotf(), Eotf::Pq);
        o.set("cambi_eotf", "bt1886").unwrap();
        assert_eq!(
            o.effective_eotf(),
            Eotf::Pq,
            "default cambi_eotf defers to eotf"
        );
        o.set("topk", "0.3").unwrap();
        o.set("cambi_topk", "0.9").unwrap();
        assert_eq!(o.effective_topk(), 0.3, "non-default topk wins");
        assert!(o.set("eotf", "hlg").is_err());
        assert!(o.set("full_ref", "yes").is_err());
        o.set("heatmaps_path", "/tmp/maps").unwrap();
        assert_eq!(o.heatmaps_path, Some("/tmp/maps".into()));
    }

    #[test]
    fn output_name_follows_libvmaf() {
        let o = CambiOptions::from_dict(&dict(&[
            ("cambi_high_res_speedup", 1080.0),
            ("cambi_vis_lum_threshold", 0.06),
            ("cambi_max_val", 17.0),
        ]))
        .unwrap();
        assert_eq!(o.output_name(), "cambi_hrs_1080_cmxv_17_vlt_0.06");
        let o =
            CambiOptions::from_dict(&dict(&[("window_size", 65.0), ("full_ref", 1.0)])).unwrap();
        assert_eq!(o.output_name(), "cambi");
        // Names printed by libvmaf's `vmaf` tool for these option strings.
        for (text, expected) in [
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
            let mut o = CambiOptions::default();
            for pair in text.split(':') {
                let (k, v) = pair.split_once('=').unwrap();
                o.set(k, v).unwrap();
            }
            assert_eq!(o.output_name(), expected, "{text}");
        }
    }

    #[test]
    fn format_g_matches_printf() {
        for (x, s) in [
            (17.0, "17"),
            (0.06, "0.06"),
            (0.019, "0.019"),
            (1000.0, "1000"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1234567.0, "1.23457e+06"),
            (123456.0, "123456"),
            (0.333333333, "0.333333"),
            (2.5, "2.5"),
        ] {
            assert_eq!(format_g(x), s);
        }
    }
}
