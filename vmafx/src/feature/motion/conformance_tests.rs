//! Holds every frame of every conformance pair equal to libvmaf's golden JSON, with the
//! default options and with the VMAF v1 models' options.
//!
//! The corpus is found through `VMAFX_CONFORMANCE_DIR`, else `shared/conformance` in or
//! next to the workspace; without it the test says so and passes.

use std::path::Path;

use super::{MotionExtractor, MotionOptions, MotionScores};
use crate::io::{self, InputKind};
use crate::test_support::{as_printed, clips_dir, golden_files, golden_frames};

/// libvmaf prints `%.6f`, so a correct value is within half a unit of the 6th decimal.
const TOLERANCE: f64 = 1e-6;

fn motion_of(reference: &Path, options: MotionOptions) -> Vec<MotionScores> {
    let mut reader = io::open(reference, InputKind::Y4m).expect("reference clip opens");
    let format = *reader.format();
    let mut extractor =
        MotionExtractor::new(format.width(), format.height(), format.bit_depth(), options)
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

/// Compares our scores with every `<pair>.<model>.json` golden file, whose motion columns
/// carry libvmaf's option `suffix` (`""` for default options). Returns the frame count.
fn check_model(model: &str, options: MotionOptions, suffix: &str) -> usize {
    let Some(clips) = clips_dir() else {
        eprintln!("conformance corpus not found; set VMAFX_CONFORMANCE_DIR to run this test");
        return 0;
    };
    let goldens = golden_files(&clips, model);
    assert!(
        !goldens.is_empty(),
        "no {model} golden JSON in {}",
        clips.display()
    );
    let names = [
        "VMAF_integer_feature_motion_sad_score",
        "integer_motion2",
        "integer_motion3",
    ]
    .map(|name| format!("{name}{suffix}"));
    let mut worst = [0.0f64; 3];
    let mut frames = 0;
    for golden in &goldens {
        let file = golden.file_name().expect("file name").to_string_lossy();
        let pair = file.trim_end_matches(&format!(".{model}.json")).to_string();
        let source = pair.split("__").next().expect("pair name has a source");
        let ours = motion_of(&clips.join(format!("{source}.ref.y4m")), options);
        let expected = golden_frames(golden);
        assert_eq!(ours.len(), expected.len(), "{pair}: frame count");
        for (i, (scores, frame)) in ours.iter().zip(&expected).enumerate() {
            let got = [scores.sad, scores.motion2, scores.motion3];
            for (m, name) in names.iter().enumerate() {
                let want = *frame
                    .get(name)
                    .unwrap_or_else(|| panic!("{pair} frame {i}: no {name}"));
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
        eprintln!("motion {model}: {name} worst |delta| {delta:.3e} over {frames} frames");
    }
    frames
}

#[test]
fn motion_equals_libvmaf_on_every_conformance_frame() {
    check_model("vmaf_v0.6.1", MotionOptions::default(), "");
}

/// `vmaf_v1.0.16_3d0h` asks for `motion_max_val 18` only.
#[test]
fn clipped_motion_equals_libvmaf_v1() {
    let options = MotionOptions {
        max_val: 18.0,
        ..Default::default()
    };
    check_model("vmaf_v1.0.16_3d0h", options, "_mmxv_18");
}

/// `vmaf_v1.0.16_hfr_3d0h` adds the five-frame window and the moving average.
#[test]
fn five_frame_window_moving_average_equals_libvmaf_hfr() {
    let options = MotionOptions {
        max_val: 18.0,
        five_frame_window: true,
        moving_average: true,
        ..Default::default()
    };
    check_model("vmaf_v1.0.16_hfr_3d0h", options, "_mffw_mmxv_18_mma");
}
