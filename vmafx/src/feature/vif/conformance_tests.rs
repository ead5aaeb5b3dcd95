//! Holds every frame of every conformance pair equal to libvmaf's golden JSON, for the
//! default options (`integer_vif_scaleN`) and for `vif_enhn_gain_limit=1`
//! (`integer_vif_scaleN_egl_1`, from the `neg` model's run).
//!
//! The corpus is found through `VMAFX_CONFORMANCE_DIR`, else `shared/conformance` in or
//! next to the workspace; without it the test says so and passes.

use std::collections::BTreeMap;
use std::path::Path;

use super::{VifExtractor, VifOptions};
use crate::io::{self, InputKind};
use crate::test_support::corpus_dir;

/// Worst absolute difference per metric name, over every frame of every pair.
type Worst = BTreeMap<String, f64>;

fn compare_pair(clips: &Path, pair: &serde_json::Value, worst: &mut Worst) {
    let name = pair["name"].as_str().unwrap();
    let root = clips.parent().unwrap();
    let open = |key: &str| io::open(&root.join(pair[key].as_str().unwrap()), InputKind::Y4m);
    let (mut refs, mut dists) = (open("ref").unwrap(), open("dist").unwrap());
    let format = *refs.format();
    let (w, h, depth) = (format.width(), format.height(), format.bit_depth());
    let runs = [
        ("vmaf_v0.6.1", 100.0, ""),
        ("vmaf_v0.6.1neg", 1.0, "_egl_1"),
    ];
    let mut extractors: Vec<_> = runs
        .iter()
        .map(|&(model, egl, suffix)| {
            let path = clips.join(format!("{name}.{model}.json"));
            let text = std::fs::read_to_string(&path).unwrap();
            let golden: serde_json::Value = serde_json::from_str(&text).unwrap();
            let options = VifOptions {
                enhn_gain_limit: egl,
                ..VifOptions::default()
            };
            let sums = [0.0; 4];
            (
                VifExtractor::new(w, h, depth, options).unwrap(),
                golden,
                suffix,
                sums,
            )
        })
        .collect();
    let mut index = 0;
    while let (Some(r), Some(d)) = (refs.read_frame().unwrap(), dists.read_frame().unwrap()) {
        for (vif, golden, suffix, sums) in &mut extractors {
            let scores = vif.extract(r.plane(0), d.plane(0)).unwrap();
            let metrics = &golden["frames"][index]["metrics"];
            for (scale, ours) in scores.scale.iter().enumerate() {
                sums[scale] += ours;
                let key = format!("integer_vif_scale{scale}{suffix}");
                let expected = metrics[&key].as_f64().unwrap();
                let delta = (ours - expected).abs();
                let entry = worst.entry(key.clone()).or_insert(0.0);
                *entry = entry.max(delta);
                // Printed with %.6f: equal printed strings is the exactness we can see.
                let (got, want) = (format!("{ours:.6}"), format!("{expected:.6}"));
                assert_eq!(got, want, "{name} frame {index} {key}: {ours}");
            }
        }
        index += 1;
    }
    assert_eq!(index, pair["frames"].as_u64().unwrap() as usize, "{name}");
    // Pooled means are printed from libvmaf's unrounded per-frame values.
    for (_, golden, suffix, sums) in &extractors {
        for (scale, sum) in sums.iter().enumerate() {
            let key = format!("integer_vif_scale{scale}{suffix}");
            let mean = golden["pooled_metrics"][&key]["mean"].as_f64().unwrap();
            let ours = sum / index as f64;
            assert_eq!(
                format!("{ours:.6}"),
                format!("{mean:.6}"),
                "{name} pooled {key}"
            );
        }
    }
}

/// Every frame of every conformance pair equals libvmaf's printed values.
#[test]
fn matches_libvmaf_on_conformance_clips() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("vif conformance test skipped: shared/conformance not found");
        return;
    };
    let clips = corpus.join("clips");
    let text = std::fs::read_to_string(corpus.join("manifest.json")).expect("manifest reads");
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut worst = Worst::new();
    for pair in manifest["pairs"].as_array().unwrap() {
        compare_pair(&clips, pair, &mut worst);
    }
    for (key, delta) in &worst {
        eprintln!("worst |delta| {key}: {delta:.3e}");
    }
}
