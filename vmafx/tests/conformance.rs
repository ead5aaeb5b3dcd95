//! Conformance with libvmaf: scores every pair of the shared corpus with every model
//! it has golden output for, and compares every per-frame and pooled value.
//!
//! The corpus lives in `../shared/conformance` next to the repository (or where
//! `VMAFX_CONFORMANCE_DIR` points). Without it the test says so and passes, unless
//! `VMAFX_REQUIRE_CONFORMANCE=1` (set in CI) makes its absence a failure.

mod common;

use std::collections::BTreeMap;

use serde_json::Value;
use vmafx::io::InputKind;
use vmafx::{Model, ReportFormat, ScoreJob, ScorerBuilder};

/// Largest |ours - libvmaf| allowed, by metric family, comparing the values both sides
/// print (six decimals): 0 means the same digits.
fn tolerance(metric: &str) -> f64 {
    let printed = 1e-9;
    if metric.starts_with("integer_")
        || metric.starts_with("VMAF_integer")
        || metric.starts_with("psnr")
    {
        printed
    } else {
        // VMAF scores and the float features: the bound is 1e-4.
        1e-4
    }
}

#[derive(Default)]
struct Worst {
    delta: f64,
    where_: String,
    count: usize,
}

#[test]
fn every_pair_and_model_matches_libvmaf() {
    let Some(dir) = common::corpus_dir() else {
        assert!(
            std::env::var_os("VMAFX_REQUIRE_CONFORMANCE").is_none(),
            "conformance corpus not found (set VMAFX_CONFORMANCE_DIR)"
        );
        eprintln!("conformance corpus not found; skipped");
        return;
    };
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let mut worst: BTreeMap<String, Worst> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut runs = 0;
    for pair in manifest["pairs"].as_array().unwrap() {
        let name = pair["name"].as_str().unwrap();
        for output in pair["outputs"].as_array().unwrap() {
            let model_name = output["model"].as_str().unwrap();
            let golden: Value = serde_json::from_str(
                &std::fs::read_to_string(dir.join(output["json"].as_str().unwrap())).unwrap(),
            )
            .unwrap();
            let mut scorer = ScorerBuilder::new()
                .model(Model::builtin(model_name).unwrap())
                .threads(2);
            for feature in output["extra_features"].as_array().into_iter().flatten() {
                let mut spec = feature.as_str().unwrap().to_string();
                // libvmaf's CIEDE misreads 4:2:2 chroma; by default we upsample it
                // correctly, and this option reproduces libvmaf (docs/exactness.md).
                if spec == "ciede" && pair["chroma_subsampling"] == "422" {
                    spec.push_str("=libvmaf_422_quirk=true");
                }
                scorer = scorer.feature_spec(&spec).unwrap();
            }
            let job = ScoreJob::new(
                dir.join(pair["ref"].as_str().unwrap()),
                dir.join(pair["dist"].as_str().unwrap()),
                InputKind::Y4m,
            );
            let report = job
                .run(scorer, |_| {})
                .unwrap_or_else(|e| panic!("{name} / {model_name}: {e}"))
                .report;
            if let Ok(wanted) = std::env::var("VMAFX_BACKEND") {
                assert!(
                    report.backend.starts_with(wanted.trim()),
                    "{name}: ran on {}, not {wanted}",
                    report.backend
                );
            }
            // Compare through our own JSON writer, so the layout is checked too.
            let ours: Value = serde_json::from_str(&report.to_string(ReportFormat::Json))
                .unwrap_or_else(|e| panic!("{name}: our JSON does not parse: {e}"));
            runs += 1;
            let mut check = |metric: &str, place: String, theirs: &Value, mine: Option<&Value>| {
                let theirs = theirs.as_f64().unwrap();
                let Some(mine) = mine.and_then(Value::as_f64) else {
                    failures.push(format!("{place}: {metric} missing"));
                    return;
                };
                let delta = (mine - theirs).abs();
                // Model scores are listed per model, features across models.
                let key = if metric.starts_with("vmaf") {
                    format!("{metric} [{model_name}]")
                } else {
                    metric.to_string()
                };
                let w = worst.entry(key).or_default();
                w.count += 1;
                if delta > w.delta || w.where_.is_empty() {
                    w.delta = delta;
                    w.where_ = place.clone();
                }
                if delta > tolerance(metric) {
                    failures.push(format!(
                        "{place}: {metric} ours {mine} libvmaf {theirs} (|delta| {delta:.3e})"
                    ));
                }
            };
            let golden_frames = golden["frames"].as_array().unwrap();
            let our_frames = ours["frames"].as_array().unwrap();
            assert_eq!(
                golden_frames.len(),
                our_frames.len(),
                "{name} / {model_name}: frame count"
            );
            for (g, o) in golden_frames.iter().zip(our_frames) {
                let n = g["frameNum"].as_u64().unwrap();
                assert_eq!(o["frameNum"].as_u64(), Some(n));
                for (metric, value) in g["metrics"].as_object().unwrap() {
                    let place = format!("{name} / {model_name} frame {n}");
                    check(metric, place, value, o["metrics"].get(metric));
                }
            }
            for (metric, pooled) in golden["pooled_metrics"].as_object().unwrap() {
                for (method, value) in pooled.as_object().unwrap() {
                    let place = format!("{name} / {model_name} pooled {method}");
                    let mine = ours["pooled_metrics"]
                        .get(metric)
                        .and_then(|m| m.get(method));
                    check(&format!("{metric} (pooled)"), place, value, mine);
                }
            }
        }
    }
    eprintln!("\n{runs} runs; worst |delta| per metric:");
    eprintln!("{:<46} {:>12} {:>7}  where", "metric", "|delta|", "values");
    for (metric, w) in &worst {
        eprintln!(
            "{metric:<46} {:>12.3e} {:>7}  {}",
            w.delta, w.count, w.where_
        );
    }
    assert!(runs > 0, "the manifest lists no outputs");
    assert!(
        failures.is_empty(),
        "{} values differ from libvmaf:\n{}",
        failures.len(),
        failures[..failures.len().min(40)].join("\n")
    );
}
