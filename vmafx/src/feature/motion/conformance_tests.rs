//! Holds every frame of every conformance pair equal to libvmaf's golden JSON.
//!
//! The corpus is found through `VMAFX_CONFORMANCE_DIR`, else `shared/conformance` in or
//! next to the workspace; without it the test says so and passes.

use std::path::{Path, PathBuf};

use super::{MotionExtractor, MotionOptions, MotionScores};
use crate::io::{self, InputKind};
use crate::test_support::{as_printed, corpus_dir};

/// libvmaf prints `%.6f`, so a correct value is within half a unit of the 6th decimal.
const TOLERANCE: f64 = 1e-6;

fn motion_of(reference: &Path) -> Vec<MotionScores> {
    let mut reader = io::open(reference, InputKind::Y4m).expect("reference clip opens");
    let format = *reader.format();
    let mut extractor = MotionExtractor::new(
        format.width(),
        format.height(),
        format.bit_depth(),
        MotionOptions::default(),
    )
    .expect("clip size is valid for motion");
    let mut out = Vec::new();
    let mut frame = crate::frame::Frame::zeroed(format);
    while reader.read_into(&mut frame).expect("clip reads") {
        out.extend(extractor.push(frame.plane(0)).expect("plane matches"));
        while let Some(r) = extractor.pop() {
            out.push(r);
        }
    }
    while let Some(r) = extractor.flush() {
        out.push(r);
    }
    for (expected, (index, _)) in out.iter().enumerate() {
        assert_eq!(*index, expected as u64);
    }
    out.into_iter().map(|(_, s)| s).collect()
}

#[test]
fn motion_equals_libvmaf_on_every_conformance_frame() {
    let Some(dir) = corpus_dir() else {
        eprintln!("conformance corpus not found; set VMAFX_CONFORMANCE_DIR to run this test");
        return;
    };
    let clips = dir.join("clips");
    let mut goldens: Vec<PathBuf> = std::fs::read_dir(&clips)
        .expect("clips folder lists")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".vmaf_v0.6.1.json"))
        .collect();
    goldens.sort();
    assert!(!goldens.is_empty(), "no golden JSON in {}", clips.display());

    let names = [
        "VMAF_integer_feature_motion_sad_score",
        "integer_motion2",
        "integer_motion3",
    ];
    let mut worst = [0.0f64; 3];
    let mut frames = 0;
    for golden in &goldens {
        let file = golden.file_name().expect("file name").to_string_lossy();
        let pair = file.trim_end_matches(".vmaf_v0.6.1.json");
        let source = pair.split("__").next().expect("pair name has a source");
        let ours = motion_of(&clips.join(format!("{source}.ref.y4m")));
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(golden).expect("golden reads"))
                .expect("golden parses");
        let expected = json["frames"].as_array().expect("frames array");
        assert_eq!(ours.len(), expected.len(), "{pair}: frame count");
        for (i, (scores, frame)) in ours.iter().zip(expected).enumerate() {
            let got = [scores.sad, scores.motion2, scores.motion3];
            for (m, name) in names.iter().enumerate() {
                let want = frame["metrics"][name].as_f64().expect("metric present");
                let delta = (got[m] - want).abs();
                worst[m] = worst[m].max(delta);
                assert!(
                    delta <= TOLERANCE && as_printed(got[m]) == want,
                    "{pair} frame {i} {name}: ours {} libvmaf {want}",
                    got[m]
                );
            }
            frames += 1;
        }
    }
    for (name, delta) in names.iter().zip(worst) {
        eprintln!("motion conformance: {name} worst |delta| {delta:.3e} over {frames} frames");
    }
}
