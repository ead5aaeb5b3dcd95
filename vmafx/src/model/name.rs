//! Report names of models (`--model ...:name=LABEL`): they become XML attribute names,
//! CSV column headers and JSON keys, so only the characters libvmaf's own names use are
//! accepted.

use crate::{Error, Result};

/// Longest model name accepted; libvmaf's longest built-in name is under 40 bytes.
pub const MAX_NAME_LEN: usize = 256;

/// Checks that `name` can label a model's score: 1 to [`MAX_NAME_LEN`] characters, each
/// an ASCII letter, digit, `_`, `-` or `.` (what libvmaf's model names use).
pub fn check_name(name: &str) -> Result<()> {
    let refuse = |why: &str| {
        Err(Error::InvalidOption(format!(
            "model name {name:?} {why}; use letters, digits, '_', '-' and '.'"
        )))
    };
    if name.is_empty() {
        return refuse("is empty");
    }
    if name.len() > MAX_NAME_LEN {
        return refuse(&format!("is longer than {MAX_NAME_LEN} bytes"));
    }
    if let Some(bad) = name.chars().find(|c| !is_name_char(*c)) {
        return refuse(&format!("contains {bad:?}"));
    }
    Ok(())
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libvmaf_names_pass() {
        for name in [
            "vmaf",
            "vmaf_neg",
            "vmaf_4k_v0.6.1",
            "vmaf_b_v0.6.3",
            "A-1.b_2",
        ] {
            assert!(check_name(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn markup_and_separators_are_refused() {
        for name in [
            "a\"/><x", "a,b", "a b", "a\nb", "", "<", "a&b", "é", "a:b", "a=b",
        ] {
            let error = check_name(name).unwrap_err().to_string();
            assert!(error.contains("letters, digits"), "{name}: {error}");
        }
        assert!(check_name(&"a".repeat(MAX_NAME_LEN)).is_ok());
        assert!(check_name(&"a".repeat(MAX_NAME_LEN + 1)).is_err());
    }
}
