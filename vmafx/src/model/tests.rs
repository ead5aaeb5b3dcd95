//! Unit tests of model loading, validation and post-processing.

use std::path::Path;

use super::{Model, ModelOptions};
use crate::Error;

/// A small valid model: two features, two support vectors, clip and transform.
fn tiny_json() -> String {
    r#"{
      "model_dict": {
        "model_type": "LIBSVMNUSVR",
        "norm_type": "linear_rescale",
        "feature_names": ["VMAF_feature_a_score", "VMAF_feature_b_score"],
        "feature_opts_dicts": [{"gain": 1.0, "mode": "fast", "on": true}, {}],
        "slopes": [0.01, 1.0, 2.0],
        "intercepts": [-0.3, 0.0, -1.0],
        "score_clip": [0.0, 100.0],
        "score_transform": {"p0": 1.0, "p1": 1.5, "p2": null, "out_gte_in": "true"},
        "model": "svm_type nu_svr\nkernel_type rbf\ngamma 0.05\nnr_class 2\ntotal_sv 2\nrho -1.0\nSV\n4 1:0.5 2:0.25 \n-4 1:1 2:1 \n"
      }
    }"#
    .to_owned()
}

fn reason(result: crate::Result<Model>) -> String {
    match result {
        Err(Error::Model { reason, .. }) => reason,
        other => panic!("expected a model error, got {other:?}"),
    }
}

#[test]
fn every_builtin_parses() {
    for version in Model::builtin_versions() {
        let model = Model::builtin(version).unwrap_or_else(|e| panic!("{version}: {e}"));
        assert_eq!(model.name(), *version);
        let expected = if version.starts_with("vmaf_v1.0.16") {
            4
        } else {
            6
        };
        assert_eq!(model.features().len(), expected, "{version}");
        assert_eq!(model.is_bootstrap(), version.contains("_b_"), "{version}");
        let values = vec![0.5; model.features().len()];
        let prediction = model.predict(&values).expect("prediction");
        assert!(prediction.score.is_finite(), "{version}");
        if let Some(bootstrap) = prediction.bootstrap {
            assert_eq!(bootstrap.models.len(), 20, "{version}");
        }
    }
}

#[test]
fn builtin_features_and_options() {
    let model = Model::builtin("vmaf_v0.6.1neg").expect("built in");
    let adm = &model.features()[0];
    assert_eq!(adm.name, "VMAF_integer_feature_adm2_score");
    assert_eq!(adm.options.get("adm_enhn_gain_limit"), Some(&1.0));
    assert!(model.features()[1].options.is_empty());

    let hfr = Model::builtin("vmaf_v1.0.16_hfr_5d0h").expect("built in");
    let speed = &hfr.features()[1];
    assert_eq!(speed.options.get("speed_prescale"), Some(&0.6));
    assert_eq!(speed.text_options["speed_prescale_method"], "bilinear");
    assert_eq!(
        hfr.features()[3].text_options["motion_five_frame_window"],
        "true"
    );
}

#[test]
fn unknown_builtin() {
    match Model::builtin("vmaf_v9") {
        Err(Error::UnknownModel(name, known)) => {
            assert_eq!(name, "vmaf_v9");
            assert!(known.contains("vmaf_v0.6.1"));
        }
        other => panic!("expected UnknownModel, got {other:?}"),
    }
}

#[test]
fn from_path_matches_builtin() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("models/vmaf_b_v0.6.3.json");
    let file = Model::from_path(&path).expect("model file");
    let builtin = Model::builtin("vmaf_b_v0.6.3").expect("built in");
    assert_eq!(file.name(), "vmaf_b_v0.6.3");
    let values = [0.93, 2.5, 0.6, 0.85, 0.9, 0.93];
    assert_eq!(
        file.predict(&values).expect("predicts"),
        builtin.predict(&values).expect("predicts")
    );
    let missing = Model::from_path(Path::new("/nonexistent/model.json"));
    assert!(matches!(missing, Err(Error::ModelFile { .. })));
}

#[test]
fn options_parse_and_normalise() {
    let model = Model::from_json_str("tiny", &tiny_json()).expect("valid");
    let a = &model.features()[0];
    assert_eq!(a.options["gain"], 1.0);
    assert_eq!(a.text_options["mode"], "fast");
    assert_eq!(a.text_options["on"], "true");
    // libvmaf keeps six significant digits of a single-precision value.
    let precise = tiny_json().replace("\"gain\": 1.0", "\"gain\": 0.123456789");
    let model = Model::from_json_str("tiny", &precise).expect("valid");
    assert_eq!(model.features()[0].options["gain"], 0.123457);
}

#[test]
fn clip_and_transform_follow_options() {
    let model = Model::builtin("vmaf_v0.6.1").expect("built in");
    // libvmaf's own unit test feeds 60.0 for every feature and expects 100 after clipping.
    let high = [60.0; 6];
    assert_eq!(model.predict(&high).expect("predicts").score, 100.0);
    let unclipped = model.clone().with_options(ModelOptions {
        disable_clip: true,
        ..ModelOptions::default()
    });
    assert!(unclipped.predict(&high).expect("predicts").score > 100.0);

    let values = [0.9, 3.0, 0.5, 0.8, 0.85, 0.9];
    let plain = model.predict(&values).expect("predicts").score;
    let transformed = model
        .clone()
        .with_options(ModelOptions {
            enable_transform: true,
            ..ModelOptions::default()
        })
        .predict(&values)
        .expect("predicts")
        .score;
    let polynomial = 0.0 + 1.70674692 + 1.72643844 * plain + -0.00705305 * plain * plain;
    assert_eq!(transformed, polynomial.max(plain).min(100.0));
}

#[test]
fn transform_enabled_by_the_file() {
    let json = tiny_json().replace("\"p0\": 1.0", "\"enabled\": true, \"p0\": 1.0");
    let on = Model::from_json_str("on", &json).expect("valid");
    let off = Model::from_json_str("off", &tiny_json()).expect("valid");
    let values = [0.2, 0.4];
    let raw = off
        .clone()
        .with_options(ModelOptions {
            disable_clip: true,
            enable_transform: false,
        })
        .predict(&values)
        .expect("predicts")
        .score;
    let expected = (0.0 + 1.0 + 1.5 * raw).max(raw).clamp(0.0, 100.0);
    assert_eq!(on.predict(&values).expect("predicts").score, expected);
}

#[test]
fn bootstrap_statistics_are_consistent() {
    let model = Model::builtin("vmaf_b_v0.6.3").expect("built in");
    let prediction = model
        .predict(&[0.93, 2.5, 0.6, 0.85, 0.9, 0.93])
        .expect("predicts");
    let b = prediction.bootstrap.expect("bootstrap scores");
    let mean = b.models.iter().sum::<f64>() / b.models.len() as f64;
    assert!((b.bagging - mean).abs() < 1e-9, "{} vs {mean}", b.bagging);
    assert!(b.ci_p95_lo <= b.bagging && b.bagging <= b.ci_p95_hi);
    assert!(b.stddev > 0.0);
    let names: Vec<String> = b.named("vmaf").into_iter().map(|(n, _)| n).collect();
    assert_eq!(names[0], "vmaf_0001");
    assert_eq!(names[19], "vmaf_0020");
    assert_eq!(
        names[20..],
        [
            "vmaf_bagging",
            "vmaf_stddev",
            "vmaf_ci_p95_lo",
            "vmaf_ci_p95_hi"
        ]
    );
}

#[test]
fn chroma_correction_replaces_zero_speed_chroma() {
    let model = Model::builtin("vmaf_v1.0.16_3d0h").expect("built in");
    let names: Vec<&str> = model.features().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names[1], "Speed_chroma_feature_speed_chroma_uv_score");
    assert_eq!(names[2], "VMAF_integer_feature_adm3_score");
    let adm3 = 0.95;
    let zero = model
        .predict(&[1.0, 0.0, adm3, 2.0])
        .expect("predicts")
        .score;
    let corrected = -120.0 * adm3 + 120.0;
    let explicit = model
        .predict(&[1.0, corrected, adm3, 2.0])
        .expect("predicts")
        .score;
    assert!((zero - explicit).abs() < 1e-9, "{zero} vs {explicit}");
}

#[test]
fn wrong_feature_count_is_an_error() {
    let model = Model::builtin("vmaf_v0.6.1").expect("built in");
    assert!(matches!(
        model.predict(&[0.5; 5]),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn invalid_files_are_rejected_with_reasons() {
    let tiny = tiny_json();
    let cases = [
        ("{\"model_dict\": ", "not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        ("{\"param_dict\": {}}", "neither"),
        ("{\"model_dict\": {\"slopes\": NaN}}", "not valid JSON"),
        (
            &tiny.replace("\"feature_names\"", "\"names\""),
            "missing field \"feature_names\"",
        ),
        (
            &tiny.replace("\"model\":", "\"svm\":"),
            "missing field \"model\"",
        ),
        (
            &tiny.replace(
                "\"norm_type\": \"linear_rescale\"",
                "\"norm_type\": \"zscore\"",
            ),
            "unknown norm_type",
        ),
        (
            &tiny.replace("[0.01, 1.0, 2.0]", "[0.01, 1.0]"),
            "slopes has 2 values",
        ),
        (
            &tiny.replace("[-0.3, 0.0, -1.0]", "[-0.3, 0.0, -1.0, 4.0]"),
            "intercepts has 4 values",
        ),
        (
            &tiny.replace("[0.01, 1.0, 2.0]", "[0.0, 1.0, 2.0]"),
            "slope",
        ),
        (
            &tiny.replace("[0.01, 1.0, 2.0]", "[0.01, \"x\", 2.0]"),
            "slopes:",
        ),
        (
            &tiny.replace("[0.01, 1.0, 2.0]", "[0.01, 1e999, 2.0]"),
            "not valid JSON",
        ),
        (
            &tiny.replace("\"LIBSVMNUSVR\"", "\"RANDOMFOREST\""),
            "unknown model_type",
        ),
        (&tiny.replace("[0.0, 100.0]", "[0.0]"), "score_clip"),
        (&tiny.replace("[0.0, 100.0]", "[100.0, 0.0]"), "score_clip"),
        (
            &tiny.replace("\"p2\": null", "\"knots\": [[0, 0], [0, 1]]"),
            "knots",
        ),
        (
            &tiny.replace("\"p2\": null", "\"knots\": [[0, 0, 1]]"),
            "knot",
        ),
        (
            &tiny.replace("\"out_gte_in\": \"true\"", "\"out_gte_in\": true"),
            "out_gte_in",
        ),
        (&tiny.replace(", {}]", ", {}, {}]"), "feature_opts_dicts"),
        (&tiny.replace("\"on\": true", "\"on\": [1]"), "option on"),
        (
            &tiny.replace("kernel_type rbf", "kernel_type fancy"),
            "libsvm model",
        ),
        (&tiny.replace("total_sv 2", "total_sv 3"), "libsvm model"),
        (&tiny.replace("2:0.25", "3:0.25"), "feature index 3"),
        (
            &tiny.replace(
                "\"model_type\"",
                "\"chroma_correction_parameter\": 120, \"model_type\"",
            ),
            "adm3",
        ),
    ];
    for (json, needle) in cases {
        let why = reason(Model::from_json_str("bad", json));
        assert!(why.contains(needle), "{why:?} should mention {needle:?}");
    }
}

#[test]
fn collections_need_bootstrap_members() {
    let tiny = tiny_json();
    let member = |t: &str| tiny.replace("\"LIBSVMNUSVR\"", &format!("\"{t}\""));
    let only_main = format!("{{\"0\": {tiny}}}");
    assert!(reason(Model::from_json_str("c", &only_main)).contains("model \"1\""));
    let plain_member = format!("{{\"0\": {tiny}, \"1\": {tiny}}}");
    assert!(reason(Model::from_json_str("c", &plain_member)).contains("BOOTSTRAP"));
    let mixed = format!(
        "{{\"0\": {tiny}, \"1\": {}, \"2\": {}}}",
        member("BOOTSTRAP_LIBSVMNUSVR"),
        member("RESIDUEBOOTSTRAP_LIBSVMNUSVR")
    );
    assert!(reason(Model::from_json_str("c", &mixed)).contains("model 2"));
    let broken = format!("{{\"0\": {tiny}, \"1\": {{\"x\": 1}}}}");
    assert!(reason(Model::from_json_str("c", &broken)).contains("model 1: missing"));
    let good = format!(
        "{{\"0\": {tiny}, \"1\": {}, \"2\": {}}}",
        member("BOOTSTRAP_LIBSVMNUSVR"),
        member("BOOTSTRAP_LIBSVMNUSVR")
    );
    let model = Model::from_json_str("c", &good).expect("valid collection");
    let prediction = model.predict(&[0.2, 0.4]).expect("predicts");
    assert_eq!(prediction.bootstrap.expect("bootstrap").models.len(), 2);
}

#[test]
fn model_is_send_sync_clone() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<Model>();
}

#[test]
fn json_numbers_are_parsed_correctly_rounded() {
    // serde_json rounds this one wrongly unless its `float_roundtrip` feature is on.
    let model = Model::builtin("vmaf_4k_v0.6.1").expect("built in");
    let super::predict::Normalisation::LinearRescale {
        feature_intercepts, ..
    } = &model.data.main.normalisation
    else {
        panic!("vmaf_4k_v0.6.1 uses linear_rescale");
    };
    let exact: f64 = "-0.09603743694887917".parse().expect("number");
    assert_eq!(feature_intercepts[2].to_bits(), exact.to_bits());
}
