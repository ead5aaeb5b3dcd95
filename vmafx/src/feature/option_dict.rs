//! Reading feature options from a name → number dictionary.
//!
//! Options use libvmaf's names. Booleans are given as `0` or `1`, integers as whole
//! numbers; anything else, and any name an extractor does not know, is an error, so a
//! typo never silently falls back to a default.

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// Walks a dictionary once, handing each entry to `apply`; `apply` returns `Ok(false)`
/// for a name it does not know, which becomes an [`Error::Feature`] naming `feature`.
pub(crate) fn for_each_option(
    feature: &str,
    dict: &BTreeMap<String, f64>,
    mut apply: impl FnMut(&str, f64) -> Result<bool>,
) -> Result<()> {
    for (name, &value) in dict {
        if !apply(name, value)? {
            return Err(Error::Feature(format!(
                "unknown option {name:?} for feature {feature:?}"
            )));
        }
    }
    Ok(())
}

/// A boolean option: exactly `0` (false) or `1` (true).
pub(crate) fn parse_bool(name: &str, value: f64) -> Result<bool> {
    if value == 0.0 {
        Ok(false)
    } else if value == 1.0 {
        Ok(true)
    } else {
        Err(Error::InvalidOption(format!(
            "{name} is a boolean option (0 or 1), got {value}"
        )))
    }
}

/// A whole-number option within `min..=max`.
pub(crate) fn parse_int(name: &str, value: f64, min: i32, max: i32) -> Result<i32> {
    let in_range = value >= f64::from(min) && value <= f64::from(max);
    if value.fract() != 0.0 || !in_range {
        return Err(Error::InvalidOption(format!(
            "{name} must be a whole number in {min}..={max}, got {value}"
        )));
    }
    // Exact: `value` is integral and inside the i32 range checked above.
    Ok(value as i32)
}

/// A finite floating-point option within `min..=max`.
pub(crate) fn parse_double(name: &str, value: f64, min: f64, max: f64) -> Result<f64> {
    if !value.is_finite() || value < min || value > max {
        return Err(Error::InvalidOption(format!(
            "{name} must be in {min}..={max}, got {value}"
        )));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans_are_zero_or_one() {
        assert!(!parse_bool("b", 0.0).unwrap());
        assert!(parse_bool("b", 1.0).unwrap());
        assert!(parse_bool("b", 0.5).is_err());
        assert!(parse_bool("b", f64::NAN).is_err());
    }

    #[test]
    fn integers_must_be_whole_and_in_range() {
        assert_eq!(parse_int("i", 3.0, 0, 10).unwrap(), 3);
        assert!(parse_int("i", 3.5, 0, 10).is_err());
        assert!(parse_int("i", 11.0, 0, 10).is_err());
        assert!(parse_int("i", f64::NAN, 0, 10).is_err());
    }

    #[test]
    fn unknown_names_are_feature_errors() {
        let dict = BTreeMap::from([("nope".to_string(), 1.0)]);
        let err = for_each_option("x", &dict, |_, _| Ok(false)).unwrap_err();
        assert!(matches!(err, Error::Feature(_)));
    }
}
