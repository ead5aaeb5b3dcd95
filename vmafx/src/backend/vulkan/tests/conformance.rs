//! Every frame of every conformance pair: the Vulkan features equal the CPU ones exactly
//! (default options and the `neg` models' gain limit of 1), and, printed as libvmaf
//! prints them, equal the golden JSON.
//!
//! The corpus is found through `VMAFX_CONFORMANCE_DIR`, else `shared/conformance` next to
//! the workspace; without it (or without a device) the test says so and passes.

use std::collections::BTreeMap;
use std::path::Path;

use super::device;
use crate::backend::vulkan::{VulkanFrameScorer, VulkanMotion};
use crate::feature::adm::{AdmExtractor, AdmOptions, AdmPlan, AdmScores};
use crate::feature::motion::{MotionOptions, MotionSad, MotionTracker};
use crate::feature::vif::{VifExtractor, VifOptions, VifPlan, VifScores};
use crate::frame::Frame;
use crate::io::{self, InputKind};

fn read_all(path: &Path) -> Vec<Frame> {
    let mut reader = io::open(path, InputKind::Y4m).expect("clip opens");
    let mut frames = Vec::new();
    let mut frame = Frame::zeroed(*reader.format());
    while reader.read_into(&mut frame).expect("clip reads") {
        frames.push(frame.clone());
    }
    frames
}

/// The values one run prints, by golden-JSON key (without the `_egl_1` suffix).
fn printed(vif: &VifScores, adm: &AdmScores) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = (0..4)
        .map(|s| (format!("integer_vif_scale{s}"), vif.scale[s]))
        .collect();
    out.extend((0..4).map(|s| (format!("integer_adm_scale{s}"), adm.scale[s])));
    out.extend([
        ("integer_adm2".to_string(), adm.adm2),
        ("integer_adm3".to_string(), adm.adm3),
        ("integer_aim".to_string(), adm.aim),
    ]);
    out
}

#[derive(Default)]
struct Tally {
    frames: usize,
    values: usize,
    mismatches: usize,
    /// Worst |ours - golden| per key.
    worst: BTreeMap<String, f64>,
}

impl Tally {
    fn golden(&mut self, key: String, ours: f64, golden: &serde_json::Value) {
        let want = golden
            .as_f64()
            .unwrap_or_else(|| panic!("golden {key} is a number"));
        let delta = (ours - want).abs();
        let entry = self.worst.entry(key).or_insert(0.0);
        *entry = entry.max(delta);
    }
}

fn bits_vif(s: &VifScores) -> Vec<u64> {
    s.scale
        .iter()
        .map(|v| v.to_bits())
        .chain(s.num.iter().chain(&s.den).map(|v| u64::from(v.to_bits())))
        .collect()
}

fn bits_adm(s: &AdmScores) -> Vec<u64> {
    let mut v = vec![s.adm2, s.adm3, s.aim, s.num, s.den];
    v.extend(s.scale.iter().chain(&s.scale_num).chain(&s.scale_den));
    v.into_iter().map(f64::to_bits).collect()
}

fn compare_pair(clips: &Path, pair: &serde_json::Value, tally: &mut Tally) {
    let Some(device) = device() else { return };
    let name = pair["name"].as_str().expect("pair name");
    let root = clips.parent().expect("clips has a parent");
    let refs = read_all(&root.join(pair["ref"].as_str().expect("ref path")));
    let dists = read_all(&root.join(pair["dist"].as_str().expect("dist path")));
    let format = *refs[0].format();
    let (w, h, depth) = (format.width(), format.height(), format.bit_depth());
    let pairs: Vec<_> = refs
        .iter()
        .zip(&dists)
        .map(|(r, d)| (r.plane(0), d.plane(0)))
        .collect();

    for (model, egl, suffix) in [
        ("vmaf_v0.6.1", 100.0, ""),
        ("vmaf_v0.6.1neg", 1.0, "_egl_1"),
    ] {
        let text = std::fs::read_to_string(clips.join(format!("{name}.{model}.json")))
            .expect("golden reads");
        let golden: serde_json::Value = serde_json::from_str(&text).expect("golden parses");
        let vif_options = VifOptions {
            enhn_gain_limit: egl,
            ..VifOptions::default()
        };
        let adm_options = AdmOptions {
            enhn_gain_limit: egl,
            ..AdmOptions::default()
        };
        let vif_plan = VifPlan::new(w, h, depth, vif_options).expect("VIF plan");
        let adm_plan = AdmPlan::new(w, h, depth, adm_options).expect("ADM plan");
        let mut gpu = VulkanFrameScorer::new(device.clone(), &vif_plan, &adm_plan)
            .expect("scorer for the clip size");
        let got: Vec<_> = (gpu.sums_batch(&pairs).expect("GPU sums").iter())
            .map(|(v, a)| (vif_plan.finish(v), adm_plan.finish(a)))
            .collect();
        let mut vif = VifExtractor::new(w, h, depth, vif_options).expect("cpu vif");
        let mut adm = AdmExtractor::new(w, h, depth, adm_options).expect("cpu adm");
        for (index, ((r, d), (gv, ga))) in pairs.iter().zip(&got).enumerate() {
            let (cv, ca) = (
                vif.extract(*r, *d).expect("cpu vif"),
                adm.extract(*r, *d).expect("cpu adm"),
            );
            tally.frames += 1;
            tally.values += bits_vif(gv).len() + bits_adm(ga).len();
            if bits_vif(gv) != bits_vif(&cv) || bits_adm(ga) != bits_adm(&ca) {
                tally.mismatches += 1;
                eprintln!(
                    "MISMATCH {name} frame {index} ({model}): {gv:?} {ga:?} vs {cv:?} {ca:?}"
                );
            }
            let metrics = &golden["frames"][index]["metrics"];
            for (key, ours) in printed(gv, ga) {
                let key = format!("{key}{suffix}");
                tally.golden(key.clone(), ours, &metrics[&key]);
            }
        }
    }

    // Motion: SADs of consecutive reference frames, then the CPU tracker.
    let mut gpu = VulkanMotion::new(device, w, h, depth).expect("motion for the clip size");
    let consecutive: Vec<_> = refs
        .windows(2)
        .map(|f| (f[0].plane(0), f[1].plane(0)))
        .collect();
    let sads = gpu.sad_batch(&consecutive).expect("GPU SADs");
    let mut cpu = MotionSad::new(w, h, depth).expect("cpu motion");
    for ((a, b), sad) in consecutive.iter().zip(&sads) {
        tally.values += 1;
        if cpu.sad(*a, *b).expect("cpu sad") != *sad {
            tally.mismatches += 1;
            eprintln!("MISMATCH {name}: motion SAD");
        }
    }
    let options = MotionOptions::default();
    let mut tracker = MotionTracker::new(options);
    let mut scores = Vec::new();
    for i in 0..refs.len() {
        let sad = if i == 0 {
            0.0
        } else {
            options.sad_score(sads[i - 1], w, h)
        };
        scores.extend(tracker.push(sad));
        while let Some(s) = tracker.pop() {
            scores.push(s);
        }
    }
    while let Some(s) = tracker.flush() {
        scores.push(s);
    }
    let text = std::fs::read_to_string(clips.join(format!("{name}.vmaf_v0.6.1.json")))
        .expect("golden reads");
    let golden: serde_json::Value = serde_json::from_str(&text).expect("golden parses");
    for (index, s) in scores {
        let metrics = &golden["frames"][index as usize]["metrics"];
        tally.golden(
            "integer_motion2".into(),
            s.motion2,
            &metrics["integer_motion2"],
        );
        tally.golden(
            "VMAF_integer_feature_motion_sad_score".into(),
            s.sad,
            &metrics["VMAF_integer_feature_motion_sad_score"],
        );
    }
}

/// Every frame of every conformance pair, Vulkan against CPU and golden values.
#[test]
fn vulkan_equals_cpu_on_conformance_clips() {
    let Some(corpus) = crate::test_support::corpus_dir() else {
        eprintln!("skipped: shared/conformance not found");
        return;
    };
    if device().is_none() {
        return;
    }
    let text = std::fs::read_to_string(corpus.join("manifest.json")).expect("manifest reads");
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("manifest parses");
    let mut tally = Tally::default();
    let pairs = manifest["pairs"].as_array().expect("pair list");
    for pair in pairs {
        compare_pair(&corpus.join("clips"), pair, &mut tally);
    }
    eprintln!(
        "Vulkan vs CPU: {} pairs, {} frame scorings (2 option sets), {} values, {} mismatches",
        pairs.len(),
        tally.frames,
        tally.values,
        tally.mismatches
    );
    for (key, delta) in &tally.worst {
        eprintln!("worst |delta| vs golden {key}: {delta:.3e}");
    }
    assert_eq!(tally.mismatches, 0, "Vulkan features differ from the CPU's");
    // Golden values are printed with 6 decimals.
    for (key, delta) in &tally.worst {
        assert!(
            *delta <= 5.000001e-7,
            "{key} is {delta} from the golden value"
        );
    }
}
