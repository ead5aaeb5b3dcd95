//! `--aom_ctc` and `--nflx_ctc` against libvmaf's golden runs of the same presets: the
//! metric order of the report, every per-frame value and every pooled value. Presets
//! that need an extractor this build lacks must fail with an error naming it.
//!
//! The corpus is found through `VMAFX_CONFORMANCE_DIR`; without it the test says so and
//! passes. Debug builds are slow, so the pairs are the two smallest that every preset's
//! features accept (`cambi` needs 216 pixels on one side).

use std::path::{Path, PathBuf};
use std::process::Command;

const PAIRS: [&str; 2] = [
    "smptehdbars_240x176_yuv420p__x264_crf40",
    "testsrc2_320x240_yuv444p__x264_crf35",
];
const PRESETS: [(&str, &str, &str); 3] = [
    ("aom_ctc_v1.0", "--aom_ctc", "v1.0"),
    ("aom_ctc_v7.0", "--aom_ctc", "v7.0"),
    ("nflx_ctc_v1.0", "--nflx_ctc", "v1.0"),
];
/// libvmaf prints six decimals; float metrics may differ by this much.
const TOLERANCE: f64 = 1e-4;

fn corpus() -> Option<PathBuf> {
    std::env::var_os("VMAFX_CONFORMANCE_DIR").map(PathBuf::from)
}

/// Names in the order a JSON report lists them in its first frame.
fn frame_key_order(text: &str) -> Vec<String> {
    text.lines()
        .skip_while(|l| !l.contains("\"metrics\": {"))
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('}'))
        .filter_map(|l| l.split('"').nth(1).map(str::to_string))
        .collect()
}

fn pair_entry<'a>(manifest: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    manifest["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap()
}

/// Checks one preset run; returns the worst |delta| of each compared metric.
fn check(
    corpus: &Path,
    pair: &serde_json::Value,
    preset: (&str, &str, &str),
) -> Vec<(String, f64)> {
    let (output, flag, version) = preset;
    let name = pair["name"].as_str().unwrap();
    let parity = pair["parity_outputs"].as_array().unwrap();
    let golden_entry = parity.iter().find(|o| o["output"] == output).unwrap();
    let Some(golden_path) = golden_entry["json"].as_str() else {
        return Vec::new();
    };
    let out = std::env::temp_dir().join(format!(
        "vmafx-preset-{}-{name}-{output}.json",
        std::process::id()
    ));
    let run = Command::new(env!("CARGO_BIN_EXE_vmafx"))
        .current_dir(corpus)
        .args(["-r", pair["ref"].as_str().unwrap()])
        .args(["-d", pair["dist"].as_str().unwrap()])
        .args([flag, version, "--threads", "1", "--json", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    if !run.status.success() {
        // Until the extractor lands the preset must say what is missing.
        assert!(
            stderr.contains("unknown feature \"psnr_hvs\""),
            "{name} {output}: {stderr}"
        );
        return Vec::new();
    }
    let golden_text = std::fs::read_to_string(corpus.join(golden_path)).unwrap();
    let ours_text = std::fs::read_to_string(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    assert_eq!(
        frame_key_order(&ours_text),
        frame_key_order(&golden_text),
        "{name} {output}: metric order"
    );
    let golden: serde_json::Value = serde_json::from_str(&golden_text).unwrap();
    let ours: serde_json::Value = serde_json::from_str(&ours_text).unwrap();
    let unreliable = golden_entry["unreliable_metrics"].as_object();
    let skip = |metric: &str| unreliable.is_some_and(|u| u.contains_key(metric));
    let mut worst: Vec<(String, f64)> = Vec::new();
    let mut note = |metric: &str, delta: f64, at: &str| {
        assert!(
            delta <= TOLERANCE,
            "{name} {output} {at} {metric}: |delta| {delta}"
        );
        match worst.iter_mut().find(|(m, _)| m == metric) {
            Some((_, w)) => *w = w.max(delta),
            None => worst.push((metric.to_string(), delta)),
        }
    };
    let frames = golden["frames"].as_array().unwrap();
    assert_eq!(ours["frames"].as_array().unwrap().len(), frames.len());
    for (n, frame) in frames.iter().enumerate() {
        for (metric, value) in frame["metrics"].as_object().unwrap() {
            if skip(metric) {
                continue;
            }
            let mine = ours["frames"][n]["metrics"][metric].as_f64().unwrap();
            note(
                metric,
                (mine - value.as_f64().unwrap()).abs(),
                &format!("frame {n}"),
            );
        }
    }
    for (metric, pooled) in golden["pooled_metrics"].as_object().unwrap() {
        if skip(metric) {
            continue;
        }
        for (method, value) in pooled.as_object().unwrap() {
            let mine = ours["pooled_metrics"][metric][method].as_f64().unwrap();
            note(metric, (mine - value.as_f64().unwrap()).abs(), method);
        }
    }
    // apsnr_y, apsnr_cb, apsnr_cr: whole-run values, once psnr reports them.
    let aggregate = golden["aggregate_metrics"].as_object().unwrap();
    let ours_aggregate = ours["aggregate_metrics"].as_object().unwrap();
    if ours_aggregate.is_empty() {
        eprintln!("{name} {output}: no aggregate metrics yet (libvmaf has {aggregate:?})");
    } else {
        let names =
            |m: &serde_json::Map<String, serde_json::Value>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(
            names(ours_aggregate),
            names(aggregate),
            "{name} {output}: aggregate metrics"
        );
        for (metric, value) in aggregate {
            let mine = ours_aggregate[metric].as_f64().unwrap();
            note(metric, (mine - value.as_f64().unwrap()).abs(), "aggregate");
        }
    }
    worst
}

#[test]
fn presets_score_like_libvmaf_or_name_what_is_missing() {
    let Some(corpus) = corpus() else {
        eprintln!("conformance corpus not found; set VMAFX_CONFORMANCE_DIR");
        return;
    };
    let text = std::fs::read_to_string(corpus.join("manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut compared = 0;
    for name in PAIRS {
        for preset in PRESETS {
            let worst = check(&corpus, pair_entry(&manifest, name), preset);
            if !worst.is_empty() {
                compared += 1;
                eprintln!("{name} {}: worst |delta| {worst:?}", preset.0);
            }
        }
    }
    // nflx_ctc v1.0 needs nothing new, so it is compared on every pair.
    assert!(
        compared >= PAIRS.len(),
        "only {compared} preset runs compared"
    );
}
