//! Predictions against libvmaf's own.
//!
//! `testdata/libvmaf_predictions.txt` holds scores libvmaf computed for unrounded feature
//! vectors: those must come out bit for bit. The conformance corpus's golden JSON prints
//! every value with six decimals, so feeding its feature values back reproduces libvmaf's
//! scores only to about 1e-4. That corpus lives in `shared/conformance` beside the
//! repository; without it the second test says so and passes.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::{Model, ModelFeature, ModelOptions};
use crate::feature::request::FeatureRequest;
use crate::test_support::{clips_dir, golden_files};

/// Largest |delta| accepted on any score, given inputs rounded to 1e-6.
const TOLERANCE: f64 = 1e-3;

const MODELS: [&str; 4] = [
    "vmaf_v0.6.1",
    "vmaf_v0.6.1neg",
    "vmaf_b_v0.6.3",
    "vmaf_float_v0.6.1",
];

/// The golden JSON's key for a model feature: the name the registry gives it.
fn golden_key(feature: &ModelFeature) -> String {
    FeatureRequest::for_model_feature(feature)
        .ok()
        .and_then(|request| request.feature_name(&feature.name))
        .expect("built-in models use known features")
}

/// Compares every frame of one golden file; records the worst |delta| per output.
fn check_file(model: &Model, path: &Path, worst: &mut BTreeMap<String, f64>) {
    let text = std::fs::read_to_string(path).expect("golden JSON is readable");
    let golden: Value = serde_json::from_str(&text).expect("golden JSON parses");
    let frames = golden["frames"].as_array().expect("frames array");
    let keys: Vec<String> = model.features().iter().map(golden_key).collect();
    for frame in frames {
        let metrics = &frame["metrics"];
        let value = |key: &str| {
            metrics[key]
                .as_f64()
                .unwrap_or_else(|| panic!("{}: no metric {key}", path.display()))
        };
        let features: Vec<f64> = keys.iter().map(|k| value(k)).collect();
        let prediction = model.predict(&features).expect("prediction");
        let mut outputs = vec![("vmaf".to_owned(), prediction.score)];
        if let Some(bootstrap) = &prediction.bootstrap {
            outputs.extend(bootstrap.named("vmaf"));
        }
        for (key, ours) in outputs {
            let delta = (ours - value(&key)).abs();
            let entry = worst.entry(key).or_insert(0.0);
            *entry = entry.max(delta);
        }
    }
}

#[test]
fn predictions_match_golden_output() {
    let Some(clips) = clips_dir() else {
        eprintln!("golden model test skipped: shared/conformance/clips not found");
        return;
    };
    let mut failures = Vec::new();
    for version in MODELS {
        let model = Model::builtin(version).expect("built-in model");
        let files = golden_files(&clips, version);
        assert!(!files.is_empty(), "no golden output for {version}");
        let mut worst = BTreeMap::new();
        for file in &files {
            check_file(&model, file, &mut worst);
        }
        for (key, delta) in &worst {
            eprintln!(
                "{version:>18} {key:<16} worst |delta| {delta:.3e} ({} files)",
                files.len()
            );
            if *delta > TOLERANCE {
                failures.push(format!("{version} {key}: {delta:e}"));
            }
        }
    }
    assert!(failures.is_empty(), "beyond {TOLERANCE}: {failures:?}");
}

#[test]
fn predictions_equal_libvmaf_bit_for_bit() {
    let data = include_str!("testdata/libvmaf_predictions.txt");
    let mut checked = 0;
    for line in data.lines().filter(|l| !l.starts_with('#')) {
        let (inputs, expected) = line.split_once(" | ").expect("line has inputs | outputs");
        let mut inputs = inputs.split(' ');
        let version = inputs.next().expect("version");
        let flags: u32 = inputs.next().expect("flags").parse().expect("flags number");
        let parse = |t: &str| t.parse::<f64>().expect("number");
        let features: Vec<f64> = inputs.map(parse).collect();
        let expected: Vec<f64> = expected.split(' ').map(parse).collect();

        let options = ModelOptions {
            disable_clip: flags & 1 != 0,
            enable_transform: flags & 2 != 0,
        };
        let model = Model::builtin(version)
            .expect("built-in model")
            .with_options(options);
        let prediction = model.predict(&features).expect("prediction");
        let mut ours = vec![prediction.score];
        if let Some(b) = prediction.bootstrap {
            ours.extend(b.models);
            ours.extend([b.bagging, b.stddev, b.ci_p95_lo, b.ci_p95_hi]);
        }
        assert_eq!(ours.len(), expected.len(), "{line}");
        for (i, (a, e)) in ours.iter().zip(&expected).enumerate() {
            assert_eq!(
                a.to_bits(),
                e.to_bits(),
                "output {i}: {a:e} vs {e:e} in {line}"
            );
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} values checked");
}
