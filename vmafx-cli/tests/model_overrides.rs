//! `--model version=...:EXTRACTOR.OPTION=VALUE` against libvmaf: vmaf_v0.6.1 with
//! `vif.vif_enhn_gain_limit=1.0` and `adm.adm_enhn_gain_limit=1.0` runs the same
//! extractors with the same options as the 4K NEG model, so its feature columns must be
//! the NEG golden JSON's `_egl_1` columns, names, order and values; its score is
//! vmaf_v0.6.1's prediction from those values.
//!
//! The corpus is `VMAFX_CONFORMANCE_DIR`, else `shared/conformance` beside the
//! repository; without it the test passes, unless `VMAFX_REQUIRE_CONFORMANCE=1`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use vmafx::{FeatureRequest, Model};

const OVERRIDES: &str = "vif.vif_enhn_gain_limit=1.0:adm.adm_enhn_gain_limit=1.0";

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("VMAFX_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"));
    dir.join("manifest.json").is_file().then_some(dir)
}

/// Metric names of a report's first frame, in the order printed.
fn frame_metric_names(text: &str) -> Vec<String> {
    let start = text.find("\"metrics\": {").expect("a frame");
    let block = &text[start + "\"metrics\": {".len()..];
    let block = &block[..block.find('}').expect("end of the frame")];
    block
        .lines()
        .filter_map(|line| line.trim().strip_prefix('"'))
        .filter_map(|rest| rest.split_once('"').map(|(name, _)| name.to_string()))
        .collect()
}

/// The overridden model's input columns, by report name, in the model's order.
fn model_columns(model: &Model) -> Vec<String> {
    model
        .features()
        .iter()
        .map(|f| {
            FeatureRequest::for_model_feature(f)
                .and_then(|r| {
                    r.feature_name(&f.name)
                        .ok_or(vmafx::Error::Feature(f.name.clone()))
                })
                .expect("the model's features have extractors")
        })
        .collect()
}

#[test]
fn egl_overrides_give_the_neg_models_feature_columns() {
    let Some(dir) = corpus_dir() else {
        assert!(
            std::env::var_os("VMAFX_REQUIRE_CONFORMANCE").is_none(),
            "conformance corpus not found (set VMAFX_CONFORMANCE_DIR)"
        );
        return;
    };
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let model = Model::builtin("vmaf_v0.6.1")
        .unwrap()
        .with_feature_option("vif", "vif_enhn_gain_limit", "1.0")
        .unwrap()
        .with_feature_option("adm", "adm_enhn_gain_limit", "1.0")
        .unwrap();
    let inputs = model_columns(&model);
    assert!(inputs.contains(&"integer_vif_scale0_egl_1".to_string()));
    assert!(inputs.contains(&"integer_adm2_egl_1".to_string()));
    let scratch = std::env::temp_dir().join(format!("vmafx-overrides-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let (mut runs, mut worst_feature, mut worst_score) = (0, 0.0f64, 0.0f64);
    for pair in manifest["pairs"].as_array().unwrap() {
        let Some(golden) = pair["parity_outputs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|o| o["output"] == "vmaf_4k_v0.6.1neg")
            .find_map(|o| o["json"].as_str())
        else {
            continue;
        };
        let name = pair["name"].as_str().unwrap();
        let output = scratch.join(format!("{name}.json"));
        let run = Command::new(env!("CARGO_BIN_EXE_vmafx"))
            .args(["--reference", pair["ref"].as_str().unwrap()])
            .args(["--distorted", pair["dist"].as_str().unwrap()])
            .args(["--model", &format!("version=vmaf_v0.6.1:{OVERRIDES}")])
            .args(["--threads", "1", "--json", "--output"])
            .arg(&output)
            .current_dir(&dir)
            .output()
            .expect("the vmafx binary runs");
        assert!(
            run.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let golden_text = std::fs::read_to_string(dir.join(golden)).unwrap();
        let our_text = std::fs::read_to_string(&output).unwrap();
        // The same extractors with the same options: the same columns in the same order.
        assert_eq!(
            frame_metric_names(&our_text),
            frame_metric_names(&golden_text),
            "{name}"
        );
        let golden: Value = serde_json::from_str(&golden_text).unwrap();
        let ours: Value = serde_json::from_str(&our_text).unwrap();
        let (golden, ours) = (
            golden["frames"].as_array().unwrap(),
            ours["frames"].as_array().unwrap(),
        );
        assert_eq!(golden.len(), ours.len(), "{name}");
        for (g, o) in golden.iter().zip(ours) {
            let (g, o) = (&g["metrics"], &o["metrics"]);
            for (metric, value) in g.as_object().unwrap() {
                if metric == "vmaf" {
                    continue;
                }
                let delta = (value.as_f64().unwrap() - o[metric].as_f64().unwrap()).abs();
                assert!(delta <= 1e-9, "{name} {metric}: {} vs {value}", o[metric]);
                worst_feature = worst_feature.max(delta);
            }
            let features: Vec<f64> = inputs.iter().map(|c| g[c].as_f64().unwrap()).collect();
            let expected = model.predict(&features).unwrap().score;
            let delta = (o["vmaf"].as_f64().unwrap() - expected).abs();
            // The expectation is predicted from inputs printed to six decimals.
            assert!(delta <= 1e-3, "{name} vmaf: {} vs {expected}", o["vmaf"]);
            worst_score = worst_score.max(delta);
        }
        runs += 1;
    }
    let _ = std::fs::remove_dir_all(&scratch);
    eprintln!(
        "{runs} runs; worst |delta|: egl_1 features {worst_feature:.3e}, vmaf {worst_score:.3e}"
    );
    assert!(runs > 0, "no 4K NEG golden JSON in the manifest");
}
