//! Bad `--feature` and `--model` options of each kind are refused before any frame is
//! read, with a message that names the option and says what is wrong.

use std::path::Path;
use std::process::Command;

const REF: &str = "samples/testsrc2_352x288.ref.y4m";
const DIST: &str = "samples/testsrc2_352x288.x265_crf32.dist.y4m";

/// Runs the sample pair with extra arguments; returns the error message.
fn refusal(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_vmafx"))
        .args(["-r", REF, "-d", DIST])
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .output()
        .expect("the vmafx binary runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{args:?} was accepted");
    assert!(out.stdout.is_empty(), "{args:?} printed scores");
    stderr
}

fn assert_says(args: &[&str], parts: &[&str]) {
    let message = refusal(args);
    for part in parts {
        assert!(
            message.contains(part),
            "{args:?}: {message:?} lacks {part:?}"
        );
    }
}

#[test]
fn bad_feature_options_name_the_option_and_the_reason() {
    let cases: &[(&str, &[&str])] = &[
        (
            "psnr=enable_apsnrr=true",
            &["psnr", "no option \"enable_apsnrr\"", "enable_apsnr"],
        ),
        (
            "psnr=enable_chroma=yes",
            &["enable_chroma", "\"yes\" is not true or false"],
        ),
        (
            "float_ssim=scale=2.5",
            &["scale", "needs a whole number, got 2.5"],
        ),
        ("float_ssim=scale=11", &["scale", "11 is outside 0..=10"]),
        (
            "vif=vif_enhn_gain_limit=nan",
            &["vif_enhn_gain_limit", "\"nan\" is not a number"],
        ),
        (
            "vif=vif_enhn_gain_limit=0.5",
            &["vif_enhn_gain_limit", "0.5 is outside 1..=100"],
        ),
        (
            "cambi=eotf=linear",
            &["eotf", "\"linear\" is not one of bt1886, pq"],
        ),
        (
            "cambi=heatmaps_path=",
            &["heatmaps_path", "needs a non-empty value"],
        ),
        (
            "float_psnr=enable_chroma=1",
            &["float_psnr", "\"enable_chroma\"", "its options: none"],
        ),
        ("nonsense", &["unknown feature \"nonsense\"", "psnr"]),
    ];
    for (spec, parts) in cases {
        assert_says(&["--feature", spec], parts);
    }
}

#[test]
fn bad_model_overrides_name_the_option_and_the_reason() {
    let model = |text: &str| format!("version=vmaf_v0.6.1:{text}");
    let cases: &[(&str, &[&str])] = &[
        ("vif.no_such=1", &["vif.no_such=1", "no option \"no_such\""]),
        (
            "vif.vif_enhn_gain_limit=abc",
            &["vif_enhn_gain_limit", "\"abc\" is not a number"],
        ),
        (
            "adm.adm_enhn_gain_limit=0",
            &["adm_enhn_gain_limit", "0 is outside 1..=100"],
        ),
        ("nonsense.x=1", &["unknown feature \"nonsense\""]),
        (
            "float_vif.debug=true",
            &["float_vif", "none of its features"],
        ),
        ("vif.=1", &["EXTRACTOR.OPTION=VALUE"]),
    ];
    for (text, parts) in cases {
        assert_says(&["--model", &model(text)], parts);
    }
}
