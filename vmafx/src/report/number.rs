//! Number formatting identical to libvmaf's reports and feature names.

/// Formats a score as libvmaf prints it: six decimals, or sixteen when the fraction has
/// more than six leading zeros (so tiny values do not print as zero). Non-finite values
/// print as `null`.
pub fn format_score(value: f64) -> String {
    if !value.is_finite() {
        return "null".to_string();
    }
    if fraction_leading_zeros(value) <= 6 {
        format!("{value:.6}")
    } else {
        format!("{value:.16}")
    }
}

/// Zeros between the decimal point and the first non-zero digit of the fraction.
fn fraction_leading_zeros(value: f64) -> u32 {
    let magnitude = value.abs();
    let mut fraction = magnitude - magnitude.trunc();
    let mut zeros = 0;
    while fraction < 1.0 && fraction != 0.0 {
        fraction *= 10.0;
        zeros += 1;
    }
    zeros
}

/// Formats an option value like C's `%g`, as libvmaf does in feature-name suffixes
/// (`1.0` becomes `1`, `0.5` stays `0.5`, `1e-07` keeps its exponent).
pub fn format_option_value(value: f64) -> String {
    const PRECISION: i32 = 6;
    if value == 0.0 {
        return "0".to_string();
    }
    if !value.is_finite() {
        return if value.is_nan() {
            "nan".into()
        } else if value > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    // The exponent after rounding to six significant digits decides the style.
    let scientific = format!("{:.*e}", (PRECISION - 1) as usize, value);
    let (mantissa, exponent) = scientific
        .split_once('e')
        .expect("exponent formatting always has an 'e'");
    let exponent: i32 = exponent.parse().expect("exponent is an integer");
    if !(-4..PRECISION).contains(&exponent) {
        let mantissa = trim_fraction(mantissa);
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.abs())
    } else {
        let decimals = (PRECISION - 1 - exponent).max(0) as usize;
        trim_fraction(&format!("{value:.decimals$}")).to_string()
    }
}

fn trim_fraction(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_print_like_printf() {
        assert_eq!(format_score(0.0), "0.000000");
        assert_eq!(format_score(92.289438123), "92.289438");
        assert_eq!(format_score(0.000001), "0.000001");
        assert_eq!(format_score(1.5e-7), "0.0000001500000000");
        assert_eq!(format_score(-3.25), "-3.250000");
        assert_eq!(format_score(f64::NAN), "null");
        assert_eq!(format_score(f64::INFINITY), "null");
    }

    #[test]
    fn option_values_print_like_percent_g() {
        assert_eq!(format_option_value(1.0), "1");
        assert_eq!(format_option_value(100.0), "100");
        assert_eq!(format_option_value(0.5), "0.5");
        assert_eq!(format_option_value(1.2), "1.2");
        assert_eq!(format_option_value(3.0), "3");
        assert_eq!(format_option_value(1080.0), "1080");
        assert_eq!(format_option_value(1234567.0), "1.23457e+06");
        assert_eq!(format_option_value(0.0001), "0.0001");
        assert_eq!(format_option_value(0.00001), "1e-05");
        assert_eq!(format_option_value(-2.5), "-2.5");
        assert_eq!(format_option_value(0.0), "0");
    }
}
