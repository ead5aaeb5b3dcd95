//! Feature options, declared once per metric and parsed by one parser.
//!
//! A metric lists its options as [`OptionSpec`]s (libvmaf's name, alias, type, default,
//! range). Values arrive as text (`--feature vif=vif_enhn_gain_limit=1.0`), as numbers
//! (the Rust API), or as a model file's JSON values; all three become typed
//! [`OptionValue`]s here, checked against the spec. An unknown name and a bad value are
//! different errors, each naming the feature and the option.

use std::borrow::Cow;
use std::fmt;

use crate::error::{Error, Result};
use crate::report::format_option_value;

/// The type of an option, with its valid range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum OptionKind {
    /// `true`/`false` (also `1`/`0`).
    Bool,
    /// A whole number in `min..=max`.
    Int {
        /// Smallest value accepted.
        min: i64,
        /// Largest value accepted.
        max: i64,
    },
    /// A finite number in `min..=max`.
    Double {
        /// Smallest value accepted.
        min: f64,
        /// Largest value accepted.
        max: f64,
    },
    /// One word out of a fixed list.
    Word {
        /// The words accepted.
        choices: &'static [&'static str],
    },
    /// Any non-empty text (a path, for instance).
    Text,
}

/// An option's value in its natural type.
#[derive(Debug, Clone, PartialEq)]
pub enum OptionValue {
    /// A switch.
    Bool(bool),
    /// A whole number.
    Int(i64),
    /// A real number.
    Double(f64),
    /// A word or text.
    Word(Cow<'static, str>),
}

impl fmt::Display for OptionValue {
    /// As libvmaf prints the value in a feature name (`%d`, `%g`, the word).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bool(b) => write!(f, "{b}"),
            Self::Int(n) => write!(f, "{n}"),
            Self::Double(x) => f.write_str(&format_option_value(*x)),
            Self::Word(w) => f.write_str(w),
        }
    }
}

/// One option as a metric declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionSpec {
    /// libvmaf's option name.
    pub name: &'static str,
    /// The short name libvmaf also accepts and prints in feature names.
    pub alias: Option<&'static str>,
    /// Whether a non-default value changes the output names (libvmaf's
    /// `VMAF_OPT_FLAG_FEATURE_PARAM`).
    pub names_output: bool,
    /// Type and range.
    pub kind: OptionKind,
    /// The value when the option is not given.
    pub default: OptionValue,
}

impl OptionSpec {
    const fn new(name: &'static str, kind: OptionKind, default: OptionValue) -> Self {
        Self {
            name,
            alias: None,
            names_output: false,
            kind,
            default,
        }
    }

    /// A switch.
    pub const fn bool(name: &'static str, default: bool) -> Self {
        Self::new(name, OptionKind::Bool, OptionValue::Bool(default))
    }

    /// A whole number in `min..=max`.
    pub const fn int(name: &'static str, default: i64, min: i64, max: i64) -> Self {
        Self::new(
            name,
            OptionKind::Int { min, max },
            OptionValue::Int(default),
        )
    }

    /// A real number in `min..=max`.
    pub const fn double(name: &'static str, default: f64, min: f64, max: f64) -> Self {
        Self::new(
            name,
            OptionKind::Double { min, max },
            OptionValue::Double(default),
        )
    }

    /// One of `choices`.
    pub const fn word(
        name: &'static str,
        default: &'static str,
        choices: &'static [&'static str],
    ) -> Self {
        Self::new(
            name,
            OptionKind::Word { choices },
            OptionValue::Word(Cow::Borrowed(default)),
        )
    }

    /// Free text; the default is empty (not set).
    pub const fn text(name: &'static str) -> Self {
        Self::new(name, OptionKind::Text, OptionValue::Word(Cow::Borrowed("")))
    }

    /// Marks the option as one that names outputs, printed as `alias`.
    pub const fn naming(mut self, alias: &'static str) -> Self {
        self.alias = Some(alias);
        self.names_output = true;
        self
    }

    /// An alias that does not name outputs.
    pub const fn alias(mut self, alias: &'static str) -> Self {
        self.alias = Some(alias);
        self
    }

    /// The key printed in feature names: the alias, else the name.
    pub fn name_key(&self) -> &'static str {
        self.alias.unwrap_or(self.name)
    }

    /// Reads a value from its text form, as libvmaf's command line gives it.
    pub fn parse_text(&self, text: &str) -> std::result::Result<OptionValue, String> {
        let value = match self.kind {
            OptionKind::Bool => match text {
                "true" | "1" => OptionValue::Bool(true),
                "false" | "0" => OptionValue::Bool(false),
                _ => return Err(format!("{text:?} is not true or false")),
            },
            OptionKind::Int { .. } => {
                let n: f64 = parse_number(text)?;
                whole(n)?
            }
            OptionKind::Double { .. } => OptionValue::Double(parse_number(text)?),
            OptionKind::Word { .. } | OptionKind::Text => {
                OptionValue::Word(Cow::Owned(text.to_string()))
            }
        };
        self.check(value)
    }

    /// Reads a value given as a number (booleans as 0 or 1).
    pub fn parse_number(&self, number: f64) -> std::result::Result<OptionValue, String> {
        let value = match self.kind {
            OptionKind::Bool if number == 0.0 => OptionValue::Bool(false),
            OptionKind::Bool if number == 1.0 => OptionValue::Bool(true),
            OptionKind::Bool => return Err(format!("takes true or false (1 or 0), got {number}")),
            OptionKind::Int { .. } => whole(number)?,
            OptionKind::Double { .. } => OptionValue::Double(number),
            OptionKind::Word { .. } | OptionKind::Text => {
                return Err(format!("takes a word, not the number {number}"))
            }
        };
        self.check(value)
    }

    /// Reads a switch value (a model file's `true`/`false`).
    pub fn parse_bool(&self, flag: bool) -> std::result::Result<OptionValue, String> {
        match self.kind {
            OptionKind::Bool => Ok(OptionValue::Bool(flag)),
            _ => Err(format!("is not a switch, got {flag}")),
        }
    }

    /// Checks a value of the right type against the range or the word list.
    fn check(&self, value: OptionValue) -> std::result::Result<OptionValue, String> {
        match (&self.kind, &value) {
            (OptionKind::Int { min, max }, OptionValue::Int(n)) if !(min..=max).contains(&n) => {
                Err(format!("{n} is outside {min}..={max}"))
            }
            // Written so that NaN fails too.
            (OptionKind::Double { min, max }, OptionValue::Double(x))
                if !(x.is_finite() && *x >= *min && *x <= *max) =>
            {
                Err(format!("{x} is outside {min}..={max}"))
            }
            (OptionKind::Word { choices }, OptionValue::Word(w)) if !choices.contains(&&**w) => {
                Err(format!("{w:?} is not one of {}", choices.join(", ")))
            }
            (OptionKind::Text, OptionValue::Word(w)) if w.is_empty() => {
                Err("needs a non-empty value".to_string())
            }
            _ => Ok(value),
        }
    }
}

fn parse_number(text: &str) -> std::result::Result<f64, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("{text:?} is not a number"))
}

fn whole(number: f64) -> std::result::Result<OptionValue, String> {
    if number.fract() != 0.0 || !number.is_finite() || number.abs() > 1e15 {
        return Err(format!("needs a whole number, got {number}"));
    }
    // Exact: `number` is integral and well inside the i64 range.
    Ok(OptionValue::Int(number as i64))
}

/// A value for every option of one metric: the defaults, with what the caller set.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionValues {
    feature: &'static str,
    specs: &'static [OptionSpec],
    values: Vec<OptionValue>,
}

impl OptionValues {
    /// Every option at its default.
    pub fn defaults(feature: &'static str, specs: &'static [OptionSpec]) -> Self {
        Self {
            feature,
            specs,
            values: specs.iter().map(|s| s.default.clone()).collect(),
        }
    }

    /// Sets an option from its text form. Options are found by libvmaf's name only, as
    /// libvmaf finds them; aliases are what feature names print.
    pub fn set_text(&mut self, key: &str, text: &str) -> Result<()> {
        let index = self.find(key)?;
        let value = self.specs[index]
            .parse_text(text)
            .map_err(|reason| self.bad_value(index, reason))?;
        self.values[index] = value;
        Ok(())
    }

    /// Sets an option from a number; switches take 0 or 1.
    pub fn set_number(&mut self, key: &str, number: f64) -> Result<()> {
        let index = self.find(key)?;
        let value = self.specs[index]
            .parse_number(number)
            .map_err(|reason| self.bad_value(index, reason))?;
        self.values[index] = value;
        Ok(())
    }

    /// Sets a switch from a boolean.
    pub fn set_bool(&mut self, key: &str, flag: bool) -> Result<()> {
        let index = self.find(key)?;
        let value = self.specs[index]
            .parse_bool(flag)
            .map_err(|reason| self.bad_value(index, reason))?;
        self.values[index] = value;
        Ok(())
    }

    /// The metric these values belong to, by libvmaf's name.
    pub fn feature(&self) -> &'static str {
        self.feature
    }

    /// Each option with its value, in declaration order.
    pub fn iter(&self) -> impl Iterator<Item = (&'static OptionSpec, &OptionValue)> + '_ {
        self.specs.iter().zip(&self.values)
    }

    /// The options whose value differs from their default.
    pub fn changed(&self) -> impl Iterator<Item = (&'static OptionSpec, &OptionValue)> + '_ {
        self.iter().filter(|(spec, value)| spec.default != **value)
    }

    /// A switch's value. Panics when the metric declares no such switch, a mistake that
    /// every build of the metric would hit at once.
    pub fn bool(&self, name: &str) -> bool {
        match self.get(name) {
            OptionValue::Bool(b) => *b,
            other => self.wrong_type(name, other),
        }
    }

    /// A whole-number option's value (see [`Self::bool`] on undeclared names).
    pub fn int(&self, name: &str) -> i64 {
        match self.get(name) {
            OptionValue::Int(n) => *n,
            other => self.wrong_type(name, other),
        }
    }

    /// A real option's value (see [`Self::bool`] on undeclared names).
    pub fn double(&self, name: &str) -> f64 {
        match self.get(name) {
            OptionValue::Double(x) => *x,
            other => self.wrong_type(name, other),
        }
    }

    /// A word or text option's value (see [`Self::bool`] on undeclared names).
    pub fn word(&self, name: &str) -> &str {
        match self.get(name) {
            OptionValue::Word(w) => w,
            other => self.wrong_type(name, other),
        }
    }

    /// Whether the option called `name` was given a value other than its default.
    pub fn is_set(&self, name: &str) -> bool {
        self.changed().any(|(spec, _)| spec.name == name)
    }

    fn get(&self, name: &str) -> &OptionValue {
        let index = self.specs.iter().position(|s| s.name == name);
        match index {
            Some(i) => &self.values[i],
            None => panic!("{} declares no option {name}", self.feature),
        }
    }

    fn wrong_type(&self, name: &str, value: &OptionValue) -> ! {
        panic!(
            "{}: option {name} read as the wrong type ({value:?})",
            self.feature
        )
    }

    fn find(&self, key: &str) -> Result<usize> {
        self.specs
            .iter()
            .position(|s| s.name == key)
            .ok_or_else(|| Error::UnknownOption {
                feature: self.feature.to_string(),
                option: key.to_string(),
                known: if self.specs.is_empty() {
                    "none".to_string()
                } else {
                    self.specs
                        .iter()
                        .map(|s| s.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            })
    }

    fn bad_value(&self, index: usize, reason: String) -> Error {
        Error::OptionValue {
            feature: self.feature.to_string(),
            option: self.specs[index].name.to_string(),
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[OptionSpec] = &[
        OptionSpec::bool("flag", false).naming("f"),
        OptionSpec::int("count", 5, 1, 10),
        OptionSpec::double("gain", 100.0, 1.0, 100.0).naming("egl"),
        OptionSpec::word("curve", "bt1886", &["bt1886", "pq"]),
        OptionSpec::text("path"),
    ];

    fn values() -> OptionValues {
        OptionValues::defaults("demo", SPECS)
    }

    #[test]
    fn defaults_come_from_the_specs() {
        let v = values();
        assert!(!v.bool("flag"));
        assert_eq!(v.int("count"), 5);
        assert_eq!(v.double("gain"), 100.0);
        assert_eq!(v.word("curve"), "bt1886");
        assert_eq!(v.changed().count(), 0);
    }

    #[test]
    fn text_numbers_and_switches_parse_by_type() {
        let mut v = values();
        v.set_text("flag", "true").unwrap();
        v.set_text("count", "7").unwrap();
        v.set_number("gain", 1.0).unwrap();
        assert!(v.set_number("egl", 1.0).is_err());
        v.set_text("curve", "pq").unwrap();
        v.set_text("path", "/tmp/x").unwrap();
        assert!(v.bool("flag"));
        assert_eq!(v.int("count"), 7);
        assert_eq!(v.double("gain"), 1.0);
        assert_eq!(v.word("curve"), "pq");
        assert_eq!(v.word("path"), "/tmp/x");
        assert_eq!(v.changed().count(), 5);
        v.set_bool("flag", false).unwrap();
        assert!(!v.bool("flag"));
    }

    #[test]
    fn unknown_names_and_bad_values_are_different_errors() {
        let mut v = values();
        let unknown = v.set_text("nope", "1").unwrap_err();
        assert!(matches!(unknown, Error::UnknownOption { .. }), "{unknown}");
        assert!(unknown.to_string().contains("nope"));
        for (key, text) in [
            ("flag", "yes"),
            ("count", "3.5"),
            ("count", "11"),
            ("gain", "0.5"),
            ("gain", "nan"),
            ("curve", "linear"),
            ("path", ""),
        ] {
            let err = v.set_text(key, text).unwrap_err();
            match &err {
                Error::OptionValue { option, .. } => assert!(key.starts_with(&option[..1])),
                other => panic!("{key}={text}: {other}"),
            }
        }
        assert!(v.set_number("curve", 1.0).is_err());
        assert!(v.set_number("flag", 0.5).is_err());
        assert!(v.set_bool("count", true).is_err());
    }

    #[test]
    fn values_print_as_libvmaf_names_them() {
        assert_eq!(OptionValue::Double(1.0).to_string(), "1");
        assert_eq!(OptionValue::Double(0.25).to_string(), "0.25");
        assert_eq!(OptionValue::Int(1080).to_string(), "1080");
        assert_eq!(OptionValue::Word("pq".into()).to_string(), "pq");
    }
}
