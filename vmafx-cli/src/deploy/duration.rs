//! Deadlines as people write them: `600`, `90s`, `10m`, `1h30m`.

use anyhow::{bail, Result};

/// Seconds in `text`: a plain number of seconds, or numbers each followed by `h`, `m`
/// or `s`, largest unit first.
pub fn seconds(text: &str) -> Result<f64> {
    let text = text.trim();
    if let Ok(plain) = text.parse::<f64>() {
        return positive(plain, text);
    }
    let mut total = 0.0;
    let mut number = String::new();
    let mut last_unit = f64::INFINITY;
    for c in text.chars() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600.0,
            'm' => 60.0,
            's' => 1.0,
            _ => bail!("{text:?} is not a duration such as 90s, 10m or 1h30m"),
        };
        let Ok(value) = number.parse::<f64>() else {
            bail!("{text:?} is not a duration such as 90s, 10m or 1h30m");
        };
        if unit >= last_unit {
            bail!("{text:?}: give the units largest first, each once (1h30m)");
        }
        total += value * unit;
        last_unit = unit;
        number.clear();
    }
    if !number.is_empty() {
        bail!("{text:?} ends in a number without its unit (h, m or s)");
    }
    positive(total, text)
}

fn positive(seconds: f64, text: &str) -> Result<f64> {
    if seconds.is_finite() && seconds > 0.0 {
        Ok(seconds)
    } else {
        bail!("the deadline {text:?} must be above 0 seconds")
    }
}

#[cfg(test)]
mod tests {
    use super::seconds;

    #[test]
    fn reads_plain_and_unit_durations() {
        assert_eq!(seconds("600").unwrap(), 600.0);
        assert_eq!(seconds("90s").unwrap(), 90.0);
        assert_eq!(seconds("10m").unwrap(), 600.0);
        assert_eq!(seconds("1h30m").unwrap(), 5400.0);
        assert_eq!(seconds("1.5m").unwrap(), 90.0);
    }

    #[test]
    fn refuses_nonsense() {
        for bad in ["", "0", "-5", "10x", "m", "5m1h", "1m1m", "10m5"] {
            assert!(seconds(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
