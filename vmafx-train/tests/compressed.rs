//! A dataset may name compressed encodes: their features are those of the same frames
//! decoded to Y4M by ffmpeg, bit for bit.

mod common;

use std::path::Path;
use std::process::Command;

use common::{write_dataset, Scratch};
use serde_json::json;
use vmafx::Model;
use vmafx_train::{extract, Dataset, ExtractOptions, FeatureSet};

/// Whether ffmpeg runs here; its absence fails when `VMAFX_REQUIRE_FFMPEG=1`.
fn ffmpeg_present() -> bool {
    let found = Command::new("ffmpeg")
        .arg("-version")
        .output()
        .is_ok_and(|out| out.status.success());
    if !found {
        assert!(
            std::env::var("VMAFX_REQUIRE_FFMPEG").as_deref() != Ok("1"),
            "ffmpeg is required"
        );
        eprintln!("skipped: ffmpeg is not installed");
    }
    found
}

fn ffmpeg(args: &[&str]) {
    let status = Command::new("ffmpeg")
        .args(["-nostdin", "-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "ffmpeg {args:?}");
}

#[test]
fn an_mp4_encode_extracts_as_its_decoded_frames() {
    if !ffmpeg_present() {
        return;
    }
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples");
    let scratch = Scratch::new("compressed");
    // Six frames of each: the reference cut losslessly (Y4M to Y4M), the encode from
    // the distorted sample.
    let reference = scratch.path("ref.y4m");
    ffmpeg(&[
        "-i",
        samples.join("testsrc2_352x288.ref.y4m").to_str().unwrap(),
        "-frames:v",
        "6",
        "-f",
        "yuv4mpegpipe",
        "-pix_fmt",
        "yuv420p",
        reference.to_str().unwrap(),
    ]);
    let (encode, decoded) = (scratch.path("dist.mp4"), scratch.path("dist.y4m"));
    let source = samples.join("testsrc2_352x288.x265_crf32.dist.y4m");
    ffmpeg(&[
        "-i",
        source.to_str().unwrap(),
        "-frames:v",
        "6",
        "-c:v",
        "libx264",
        "-crf",
        "30",
        "-pix_fmt",
        "yuv420p",
        encode.to_str().unwrap(),
    ]);
    ffmpeg(&[
        "-i",
        encode.to_str().unwrap(),
        "-f",
        "yuv4mpegpipe",
        "-pix_fmt",
        "yuv420p",
        decoded.to_str().unwrap(),
    ]);
    write_dataset(
        &scratch.path("data.json"),
        &[
            json!({"reference": "ref.y4m", "distorted": "dist.mp4", "score": 50.0, "group": "a"}),
            json!({"reference": "ref.y4m", "distorted": "dist.y4m", "score": 50.0, "group": "a"}),
        ],
    );
    let dataset = Dataset::load(&scratch.path("data.json")).unwrap();
    let features = FeatureSet::of_model(Model::builtin("vmaf_v0.6.1").unwrap()).unwrap();
    let options = ExtractOptions {
        cache: None,
        jobs: 1,
    };
    let values = extract(&dataset, &features, &options, &|_| {}).unwrap();
    assert_eq!(values[0].frames.len(), 6);
    assert_eq!(
        values[0], values[1],
        "the mp4 and its decoded Y4M extract alike"
    );
}
