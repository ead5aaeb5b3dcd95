//! Every kind of bad option is refused with an error that names the feature and the
//! option and says why: an unknown name is [`Error::UnknownOption`], a value the option
//! cannot take is [`Error::OptionValue`], an unknown metric is [`Error::Feature`].

use std::collections::BTreeMap;

use crate::error::Error;
use crate::feature::registry;
use crate::feature::request::FeatureRequest;

/// Parses `spec`, which must fail with a bad value of `option`, the reason containing
/// `why`.
fn bad_value(spec: &str, option: &str, why: &str) {
    match FeatureRequest::parse(spec) {
        Err(error @ Error::OptionValue { .. }) => {
            let Error::OptionValue {
                feature,
                option: named,
                reason,
            } = &error
            else {
                unreachable!()
            };
            assert_eq!(named, option, "{spec}");
            assert!(spec.starts_with(feature.as_str()), "{spec}: {feature}");
            assert!(reason.contains(why), "{spec}: {reason}");
            let text = error.to_string();
            assert!(
                text.contains(option) && text.contains(why),
                "{spec}: {text}"
            );
        }
        other => panic!("{spec}: expected a bad value of {option}, got {other:?}"),
    }
}

#[test]
fn bad_values_of_each_type_name_the_option_and_the_reason() {
    bad_value(
        "psnr=enable_chroma=yes",
        "enable_chroma",
        "\"yes\" is not true or false",
    );
    bad_value(
        "float_ssim=scale=2.5",
        "scale",
        "needs a whole number, got 2.5",
    );
    bad_value("float_ssim=scale=11", "scale", "11 is outside 0..=10");
    bad_value("float_ssim=scale=-1", "scale", "-1 is outside 0..=10");
    bad_value(
        "vif=vif_enhn_gain_limit=nan",
        "vif_enhn_gain_limit",
        "\"nan\" is not a number",
    );
    bad_value(
        "vif=vif_enhn_gain_limit=inf",
        "vif_enhn_gain_limit",
        "\"inf\" is not a number",
    );
    bad_value(
        "vif=vif_enhn_gain_limit=0.5",
        "vif_enhn_gain_limit",
        "0.5 is outside 1..=100",
    );
    bad_value(
        "cambi=eotf=linear",
        "eotf",
        "\"linear\" is not one of bt1886, pq",
    );
    bad_value(
        "cambi=heatmaps_path=",
        "heatmaps_path",
        "needs a non-empty value",
    );
    bad_value("psnr=enable_mse", "enable_mse", "lacks '=value'");
}

#[test]
fn unknown_option_names_are_their_own_error() {
    for (spec, feature, option, known) in [
        (
            "psnr=enable_apsnrr=true",
            "psnr",
            "enable_apsnrr",
            "enable_apsnr",
        ),
        // libvmaf's aliases name outputs; options are set by their names only.
        ("vif=egl=1", "vif", "egl", "vif_enhn_gain_limit"),
        (
            "float_psnr=enable_chroma=true",
            "float_psnr",
            "enable_chroma",
            "none",
        ),
        ("psnr_hvs=x=1", "psnr_hvs", "x", "none"),
    ] {
        match FeatureRequest::parse(spec) {
            Err(error @ Error::UnknownOption { .. }) => {
                let text = error.to_string();
                assert!(text.contains(feature) && text.contains(option), "{text}");
                assert!(text.contains(known), "{text}");
            }
            other => panic!("{spec}: expected an unknown option, got {other:?}"),
        }
    }
}

#[test]
fn unknown_metrics_are_refused_with_the_known_names() {
    for spec in ["nonsense", "nonsense=x=1", "", "PSNR"] {
        match FeatureRequest::parse(spec) {
            Err(Error::Feature(text)) => assert!(text.contains("vif") && text.contains("psnr")),
            other => panic!("{spec:?}: expected an unknown feature, got {other:?}"),
        }
    }
}

#[test]
fn numeric_options_from_the_library_are_checked_alike() {
    let psnr = registry::metric("psnr").expect("psnr is registered");
    let ssim = registry::metric("float_ssim").expect("float_ssim is registered");
    let cambi = registry::metric("cambi").expect("cambi is registered");
    let with = |metric, key: &str, value: f64| {
        FeatureRequest::with_options(metric, &BTreeMap::from([(key.to_string(), value)]))
    };
    for (result, option) in [
        (with(psnr, "enable_chroma", 0.5), "enable_chroma"),
        (with(psnr, "min_sse", f64::NAN), "min_sse"),
        (with(psnr, "min_sse", -1.0), "min_sse"),
        (with(ssim, "scale", 1.5), "scale"),
        (with(ssim, "scale", 12.0), "scale"),
        (with(cambi, "eotf", 1.0), "eotf"),
    ] {
        match result {
            Err(Error::OptionValue { option: named, .. }) => assert_eq!(named, option),
            other => panic!("{option}: expected a bad value, got {other:?}"),
        }
    }
    assert!(matches!(
        with(psnr, "nope", 1.0),
        Err(Error::UnknownOption { .. })
    ));
}
