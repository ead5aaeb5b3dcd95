//! Scoring a video as independent segments and merging their parts gives, byte for
//! byte, the JSON, XML and CSV reports of one run over the whole video: on the longest
//! pairs of the conformance corpus and on a synthetic 300-frame pair, split into 1, 2,
//! 3 and 7 segments, with vmaf_v0.6.1, its NEG variant and the VMAF v1 / HFR models
//! (whose motion uses the five-frame window).

mod common;

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde_json::Value;
use vmafx::io::InputKind;
use vmafx::report::{merge, Part};
use vmafx::{Frame, FrameFormat, Model, Report, ReportFormat, ScoreJob, ScorerBuilder};

const SPLITS: [u64; 4] = [1, 2, 3, 7];

/// The classic models with whole-run psnr aggregates, as one run computes them.
fn classic_scorer() -> ScorerBuilder {
    ScorerBuilder::new()
        .named_model("vmaf", Model::builtin("vmaf_v0.6.1").unwrap())
        .named_model("vmaf_neg", Model::builtin("vmaf_v0.6.1neg").unwrap())
        .feature_spec("psnr=enable_apsnr=true:enable_mse=true")
        .unwrap()
        .feature_spec("float_ssim")
        .unwrap()
        .threads(2)
}

/// VMAF v1 and its HFR variant (five-frame motion window with moving average).
fn v1_scorer() -> ScorerBuilder {
    ScorerBuilder::new()
        .named_model("vmaf_v1", Model::builtin("vmaf_v1.0.16_3d0h").unwrap())
        .named_model("vmaf_hfr", Model::builtin("vmaf_v1.0.16_hfr_3d0h").unwrap())
        .threads(2)
}

/// Segment `n` of `count` over `frames` frames, as even as whole frames allow.
fn segment(frames: u64, count: u64, n: u64) -> Range<u64> {
    n * frames / count..(n + 1) * frames / count
}

fn whole_run(reference: &Path, distorted: &Path, scorer: ScorerBuilder) -> Report {
    ScoreJob::new(reference, distorted, InputKind::Y4m)
        .run(scorer, |_| {})
        .unwrap_or_else(|e| panic!("{}: {e}", reference.display()))
        .report
}

fn part(reference: &Path, distorted: &Path, scorer: ScorerBuilder, frames: Range<u64>) -> Part {
    let mut job = ScoreJob::new(reference, distorted, InputKind::Y4m);
    job.frames = Some(frames.clone());
    job.run_part(scorer, |_| {})
        .unwrap_or_else(|e| panic!("{} {frames:?}: {e}", reference.display()))
}

/// The reports written in every layout, with the wall-clock `fps` (which no two runs
/// share) set alike.
fn layouts(report: &Report, fps: f64) -> Vec<(ReportFormat, String)> {
    let mut report = report.clone();
    report.fps = fps;
    [ReportFormat::Json, ReportFormat::Xml, ReportFormat::Csv]
        .into_iter()
        .map(|f| (f, report.to_string(f)))
        .collect()
}

/// Splits the pair every way and checks the merged reports equal the whole run's.
fn check_splits(reference: &Path, distorted: &Path, frames: u64, scorer: fn() -> ScorerBuilder) {
    check_split_counts(reference, distorted, frames, scorer, &SPLITS);
}

/// As [`check_splits`], into each of `counts` segments.
fn check_split_counts(
    reference: &Path,
    distorted: &Path,
    frames: u64,
    scorer: fn() -> ScorerBuilder,
    counts: &[u64],
) {
    let single = whole_run(reference, distorted, scorer());
    assert!(!single.frames.is_empty());
    let expected = layouts(&single, 0.0);
    for &count in counts {
        // Given out of order: merging sorts them.
        let parts: Vec<Part> = (0..count)
            .rev()
            .map(|n| part(reference, distorted, scorer(), segment(frames, count, n)))
            .collect();
        let merged = merge(&parts).unwrap_or_else(|e| panic!("{count} segments: {e}"));
        for ((format, want), (_, got)) in expected.iter().zip(layouts(&merged, 0.0)) {
            assert!(
                *want == got,
                "{} in {count} segments: merged {format:?} differs from one run\n{}",
                reference.display(),
                first_difference(want, &got)
            );
        }
    }
}

fn first_difference(want: &str, got: &str) -> String {
    want.lines()
        .zip(got.lines())
        .find(|(a, b)| a != b)
        .map(|(a, b)| format!("one run: {a}\nmerged:  {b}"))
        .unwrap_or_else(|| "lengths differ".into())
}

/// The corpus pairs with the most frames, with the models libvmaf scores them with.
fn longest_pairs() -> Option<Vec<(PathBuf, PathBuf, u64, bool)>> {
    let dir = common::corpus_dir()?;
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).ok()?).ok()?;
    let mut pairs: Vec<(PathBuf, PathBuf, u64, bool)> = manifest["pairs"]
        .as_array()?
        .iter()
        .map(|p| {
            // VMAF v1 needs cambi, which libvmaf refuses below 216 pixels both ways.
            let v1 = p["parity_outputs"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|o| o["output"] == "vmaf_v1.0.16_hfr_3d0h" && !o["json"].is_null());
            (
                dir.join(p["ref"].as_str().unwrap_or_default()),
                dir.join(p["dist"].as_str().unwrap_or_default()),
                p["frames"].as_u64().unwrap_or_default(),
                v1,
            )
        })
        .collect();
    pairs.sort_by_key(|p| std::cmp::Reverse(p.2));
    Some(pairs)
}

#[test]
fn longest_corpus_pairs_merge_to_the_single_run() {
    let Some(pairs) = longest_pairs() else {
        eprintln!("conformance corpus not found; skipped");
        return;
    };
    let classic: Vec<_> = pairs.iter().take(3).collect();
    let v1: Vec<_> = pairs.iter().filter(|p| p.3).take(2).collect();
    assert!(!v1.is_empty(), "the corpus has pairs VMAF v1 can score");
    for (reference, distorted, frames, _) in classic {
        check_splits(reference, distorted, *frames, classic_scorer);
    }
    for (reference, distorted, frames, _) in v1 {
        check_splits(reference, distorted, *frames, v1_scorer);
    }
}

/// One frame per segment: every frame is a first and a last frame, near the video's
/// start too, where the five-frame window's first frames wait for frame 2's motion.
#[test]
fn one_frame_segments_merge_to_the_single_run() {
    let Some(pairs) = longest_pairs() else {
        eprintln!("conformance corpus not found; skipped");
        return;
    };
    let classic = pairs.iter().find(|p| !p.3);
    let v1 = pairs.iter().filter(|p| p.3).min_by_key(|p| p.2);
    for (reference, distorted, frames, v1_ok) in classic.into_iter().chain(v1) {
        let scorer = if *v1_ok { v1_scorer } else { classic_scorer };
        check_split_counts(reference, distorted, *frames, scorer, &[*frames]);
    }
}

/// A pair of moving texture, the distorted one noisier: 224x160, the least that VMAF
/// v1's cambi (216 pixels one way) and speed_chroma (80 chroma rows at 4:2:0) accept.
fn synthetic_pair(dir: &Path, frames: u32) -> (PathBuf, PathBuf) {
    let format = FrameFormat::new(224, 160, vmafx::ChromaSubsampling::Yuv420, 8).unwrap();
    let clip = |noise| -> Vec<Frame> {
        (0..frames)
            .map(|i| common::textured_frame(format, i, noise))
            .collect()
    };
    (
        common::write_file(dir, "ref.y4m", &common::y4m_bytes(&clip(0))),
        common::write_file(dir, "dist.y4m", &common::y4m_bytes(&clip(24))),
    )
}

/// Every model at once: one pass per segment scores them all.
fn all_models() -> ScorerBuilder {
    classic_scorer()
        .named_model("vmaf_v1", Model::builtin("vmaf_v1.0.16_3d0h").unwrap())
        .named_model("vmaf_hfr", Model::builtin("vmaf_v1.0.16_hfr_3d0h").unwrap())
}

/// 300 frames scored five times over (once whole, then in 1, 2, 3 and 7 segments) with
/// four models takes minutes unoptimised: run it with `cargo test --release`.
#[test]
#[cfg_attr(
    debug_assertions,
    ignore = "minutes without optimisation; run with --release"
)]
fn synthetic_300_frames_merge_to_the_single_run() {
    let dir = common::scratch_dir("segments-synthetic");
    let (reference, distorted) = synthetic_pair(&dir, 300);
    check_splits(&reference, &distorted, 300, all_models);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn subsampled_segments_keep_the_whole_videos_numbering() {
    let dir = common::scratch_dir("segments-subsample");
    let (reference, distorted) = synthetic_pair(&dir, 23);
    check_splits(&reference, &distorted, 23, || classic_scorer().subsample(3));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_retried_part_counts_once_and_a_missing_one_is_named() {
    let dir = common::scratch_dir("segments-retry");
    let (reference, distorted) = synthetic_pair(&dir, 12);
    let single = whole_run(&reference, &distorted, classic_scorer());
    let paths: Vec<PathBuf> = (0..3)
        .map(|n| {
            let path = dir.join(format!("part-{n}.json"));
            part(&reference, &distorted, classic_scorer(), segment(12, 3, n))
                .write_atomically(&path)
                .unwrap();
            path
        })
        .collect();
    // The segment of part 1 ran again: a second whole copy over the first, and one
    // under another name.
    let retried = part(&reference, &distorted, classic_scorer(), segment(12, 3, 1));
    retried.write_atomically(&paths[1]).unwrap();
    retried
        .write_atomically(&dir.join("part-1-retry.json"))
        .unwrap();
    let mut parts: Vec<Part> = paths.iter().map(|p| Part::read(p).unwrap()).collect();
    parts.push(Part::read(&dir.join("part-1-retry.json")).unwrap());
    parts.push(parts[0].clone());
    let merged = merge(&parts).unwrap();
    assert_eq!(layouts(&merged, 0.0), layouts(&single, 0.0));
    // No temporary file is left beside the parts.
    let stray: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(stray.is_empty(), "{stray:?}");

    let without_middle = [parts[0].clone(), parts[2].clone()];
    let error = merge(&without_middle).unwrap_err().to_string();
    assert!(error.contains("frames 4..8 missing"), "{error}");
    let without_last = [parts[0].clone(), parts[1].clone()];
    let error = merge(&without_last).unwrap_err().to_string();
    assert!(
        error.contains("frames 8.. (no part reaches the end"),
        "{error}"
    );

    // A part of the same segment with other values is not a retry.
    let mut changed = parts[1].clone();
    changed.frames[0].values[0] += 1.0;
    let error = merge(&[
        parts[0].clone(),
        parts[1].clone(),
        changed,
        parts[2].clone(),
    ])
    .unwrap_err()
    .to_string();
    assert!(error.contains("different results"), "{error}");
    // Nor is a part of another video.
    let mut other = parts[2].clone();
    other.identity.reference.bytes = Some(1);
    let error = merge(&[parts[0].clone(), parts[1].clone(), other])
        .unwrap_err()
        .to_string();
    assert!(error.contains("not of the same run"), "{error}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn parts_keep_values_bit_for_bit() {
    let dir = common::scratch_dir("segments-roundtrip");
    let (reference, distorted) = synthetic_pair(&dir, 6);
    let original = part(&reference, &distorted, classic_scorer(), 2..5);
    let mut with_specials = original.clone();
    with_specials.frames[0].values[0] = f64::NAN;
    with_specials.frames[0].values[1] = f64::INFINITY;
    let read = Part::from_json(&with_specials.to_json().unwrap()).unwrap();
    assert!(read.same_results(&with_specials));
    let read = Part::from_json(&original.to_json().unwrap()).unwrap();
    assert_eq!(read, original);
    assert_eq!((read.start, read.end, read.video_ends), (2, 5, false));
    assert_eq!(
        read.frames.iter().map(|f| f.index).collect::<Vec<_>>(),
        [2, 3, 4]
    );
    let last = part(&reference, &distorted, classic_scorer(), 4..100);
    assert_eq!((last.start, last.end, last.video_ends), (4, 6, true));
    let mut job = ScoreJob::new(&reference, &distorted, InputKind::Y4m);
    job.frames = Some(6..9);
    let error = job
        .run_part(classic_scorer(), |_| {})
        .unwrap_err()
        .to_string();
    assert!(error.contains("past the end of the video"), "{error}");
    // `max_frames` makes a shorter video: its end is known without reading past it.
    for (frames, expected) in [
        (3..4, (3, 4, false)),
        (2..5, (2, 5, true)),
        (3..9, (3, 5, true)),
    ] {
        let mut job = ScoreJob::new(&reference, &distorted, InputKind::Y4m);
        job.max_frames = Some(5);
        job.frames = Some(frames);
        let part = job.run_part(classic_scorer(), |_| {}).unwrap();
        assert_eq!((part.start, part.end, part.video_ends), expected);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_endless_device_named_as_a_part_is_refused_not_read_whole() {
    let error = Part::read(std::path::Path::new("/dev/zero")).unwrap_err();
    assert!(error.to_string().contains("larger than"), "{error}");
    let error = Part::read(&std::env::temp_dir()).unwrap_err();
    assert!(error.to_string().contains("directory"), "{error}");
}
