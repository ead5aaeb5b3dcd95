use super::*;
use crate::args::Args;
use crate::model_spec::ModelSource;

fn parse(flags: &[&str]) -> Args {
    let mut argv = vec!["vmafx", "-r", "ref.y4m", "-d", "dis.y4m"];
    argv.extend_from_slice(flags);
    Args::from_argv(&argv).unwrap()
}

fn request(flags: &[&str]) -> Result<Request> {
    parse(flags).request()
}

/// (built-in version, report name) of each model.
fn models(request: &Request) -> Vec<(String, String)> {
    request
        .models
        .iter()
        .map(|m| match &m.source {
            ModelSource::Builtin(version) => (version.clone(), m.name.clone()),
            ModelSource::File(path) => (path.display().to_string(), m.name.clone()),
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

// The expansions below are those of libvmaf's `tools/cli_parse.c` at the reference
// commit; its `test_cli_parse.c` checks the same counts and `common_bitdepth` flags.
const AOM_V1_FEATURES: [&str; 5] = [
    "psnr=reduced_hbd_peak=true:enable_apsnr=true:min_sse=0.5",
    "ciede",
    "float_ssim=enable_db=true:clip_db=true",
    "float_ms_ssim=enable_db=true:clip_db=true",
    "psnr_hvs",
];

#[test]
fn aom_ctc_presets_expand_like_libvmaf() {
    for (version, cambi, common_bitdepth, full_scale_ssim) in [
        ("v1.0", false, false, false),
        ("v2.0", false, false, false),
        ("v3.0", true, false, false),
        ("v4.0", true, false, false),
        ("v5.0", true, false, false),
        ("v6.0", true, true, false),
        ("v7.0", true, true, true),
    ] {
        let request = request(&["--aom_ctc", version]).unwrap();
        assert_eq!(
            models(&request),
            pairs(&[("vmaf_v0.6.1", "vmaf"), ("vmaf_v0.6.1neg", "vmaf_neg")]),
            "{version}"
        );
        let mut features: Vec<&str> = AOM_V1_FEATURES.to_vec();
        if full_scale_ssim {
            features[2] = "float_ssim=scale=1:enable_db=true:clip_db=true";
        }
        if cambi {
            features.push("cambi");
        }
        assert_eq!(request.features, features, "{version}");
        assert_eq!(request.common_bitdepth, common_bitdepth, "{version}");
    }
}

#[test]
fn nflx_ctc_preset_expands_like_libvmaf() {
    let request = request(&["--nflx_ctc", "v1.0"]).unwrap();
    assert_eq!(
        models(&request),
        pairs(&[
            ("vmaf_4k_v0.6.1", "vmaf"),
            ("vmaf_4k_v0.6.1neg", "vmaf_neg")
        ])
    );
    assert_eq!(
        request.features,
        [
            "psnr=enable_chroma=true:enable_apsnr=true",
            "float_ssim=enable_db=true:clip_db=true",
            "cambi"
        ]
    );
    assert!(!request.common_bitdepth);
}

#[test]
fn flags_apply_in_command_line_order() {
    let request = request(&[
        "--feature",
        "float_ssim=scale=2",
        "-m",
        "version=vmaf_4k_v0.6.1:name=four_k",
        "--aom_ctc",
        "v7.0",
        "--feature",
        "cambi=window_size=63",
    ])
    .unwrap();
    assert_eq!(
        models(&request),
        pairs(&[
            ("vmaf_4k_v0.6.1", "four_k"),
            ("vmaf_v0.6.1", "vmaf"),
            ("vmaf_v0.6.1neg", "vmaf_neg")
        ])
    );
    // v7.0 replaces the first float_ssim, even the user's, in its place.
    assert_eq!(
        request.features[0],
        "float_ssim=scale=1:enable_db=true:clip_db=true"
    );
    assert_eq!(request.features[1], AOM_V1_FEATURES[0]);
    assert_eq!(request.features.last().unwrap(), "cambi=window_size=63");
    assert_eq!(request.features.len(), 8);
}

#[test]
fn bad_presets_and_clashing_names_are_refused() {
    let proposed = request(&["--aom_ctc", "proposed"]).unwrap_err();
    assert!(proposed.to_string().contains("deprecated"), "{proposed}");
    let unknown = request(&["--aom_ctc", "v8.0"]).unwrap_err();
    assert!(
        unknown.to_string().contains("bad aom_ctc version"),
        "{unknown}"
    );
    let unknown = request(&["--nflx_ctc", "v2.0"]).unwrap_err();
    assert!(
        unknown.to_string().contains("bad nflx_ctc version"),
        "{unknown}"
    );
    let twice = request(&["-m", "version=vmaf_v0.6.1", "--aom_ctc", "v1.0"]).unwrap_err();
    assert!(
        twice.to_string().contains("two models are named \"vmaf\""),
        "{twice}"
    );
}

#[test]
fn default_model_unless_no_prediction() {
    assert_eq!(
        models(&request(&[]).unwrap()),
        pairs(&[("vmaf_v0.6.1", "vmaf")])
    );
    let features_only = request(&["-n", "--feature", "psnr"]).unwrap();
    assert!(features_only.models.is_empty());
    assert!(features_only.model_names(true).is_empty());
    let nothing = request(&["-n"]).unwrap_err();
    assert!(
        nothing.to_string().contains("computes nothing"),
        "{nothing}"
    );
}

#[test]
fn the_last_layout_flag_wins() {
    use vmafx::ReportFormat::{Csv, Json, Sub, Xml};
    assert_eq!(parse(&[]).report_format(), Xml);
    assert_eq!(parse(&["--json", "--csv"]).report_format(), Csv);
    assert_eq!(parse(&["--csv", "--json"]).report_format(), Json);
    assert_eq!(
        parse(&["--sub", "--xml", "--json", "--sub"]).report_format(),
        Sub
    );
    assert_eq!(parse(&["--json", "--xml"]).report_format(), Xml);
}
