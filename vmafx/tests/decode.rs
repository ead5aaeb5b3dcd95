//! Compressed input through ffmpeg: scores from an mp4/mkv/webm/ivf equal the scores
//! of the same frames decoded to Y4M by ffmpeg itself, scaling equals ffmpeg's own
//! `scale` filter, and `find_offset` finds known frame shifts on conformance clips.
//!
//! Tests that need ffmpeg (or one of its encoders) skip with a note where it is missing,
//! and fail instead when `VMAFX_REQUIRE_FFMPEG` is set (CI sets it).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{corpus_dir, scratch_dir, write_file, y4m_bytes};
use vmafx::io::decode::{DecodeOptions, ScaleAlgorithm, Scaling};
use vmafx::io::sync::find_offset;
use vmafx::io::{self, InputKind};
use vmafx::{Error, Frame, Model, Report, ScoreJob, ScorerBuilder};

/// Frames encoded per test clip: enough for the temporal features, quick to encode.
const FRAMES: &str = "6";

/// Whether tests must not skip for want of ffmpeg.
fn ffmpeg_required() -> bool {
    std::env::var_os("VMAFX_REQUIRE_FFMPEG").is_some_and(|v| v != "0")
}

/// ffmpeg on PATH, or `None` with a note (a failure when it is required).
fn ffmpeg() -> Option<PathBuf> {
    let found = vmafx::io::decode::find_ffmpeg(None).ok();
    if found.is_none() {
        assert!(
            !ffmpeg_required(),
            "VMAFX_REQUIRE_FFMPEG is set but ffmpeg cannot be found"
        );
        eprintln!("ffmpeg is not installed: skipped (install Debian's ffmpeg to run this test)");
    }
    found
}

/// Whether this ffmpeg has `encoder`.
fn has_encoder(ffmpeg: &Path, encoder: &str) -> bool {
    Command::new(ffmpeg)
        .args(["-hide_banner", "-encoders"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains(&format!(" {encoder} ")))
        .unwrap_or(false)
}

/// [`has_encoder`], with a note when it has not (a failure when ffmpeg is required).
fn usable_encoder(ffmpeg: &Path, encoder: &str) -> bool {
    let listed = has_encoder(ffmpeg, encoder);
    if !listed {
        assert!(
            !ffmpeg_required(),
            "VMAFX_REQUIRE_FFMPEG is set but ffmpeg lacks the {encoder} encoder"
        );
        eprintln!("ffmpeg has no {encoder} encoder: that case is skipped");
    }
    listed
}

/// Runs ffmpeg quietly; panics with its complaint when it fails.
fn run_ffmpeg(ffmpeg: &Path, args: &[&str]) {
    let output = Command::new(ffmpeg)
        .args(["-nostdin", "-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .output()
        .expect("ffmpeg starts");
    assert!(
        output.status.success(),
        "ffmpeg {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Decodes `input` to Y4M the way a user would, with ffmpeg's defaults.
fn ffmpeg_to_y4m(ffmpeg: &Path, input: &Path, filters: Option<&str>, out: &Path) {
    let mut args = vec!["-i", input.to_str().unwrap()];
    if let Some(filters) = filters {
        args.extend(["-vf", filters]);
    }
    args.extend(["-f", "yuv4mpegpipe", "-strict", "-1", out.to_str().unwrap()]);
    run_ffmpeg(ffmpeg, &args);
}

fn clip(name: &str) -> Option<PathBuf> {
    let path = corpus_dir()?.join("clips").join(name);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("conformance clip {name} is missing: skipped");
        None
    }
}

fn scorer() -> ScorerBuilder {
    ScorerBuilder::new()
        .model(Model::builtin("vmaf_v0.6.1").unwrap())
        .feature_spec("psnr")
        .unwrap()
        .threads(1)
}

fn score(job: &ScoreJob) -> Report {
    job.run(scorer(), |_| {}).expect("job scores").report
}

/// Every metric of every frame is bit for bit the same.
fn assert_same_scores(got: &Report, expected: &Report, what: &str) {
    assert_eq!(got.metrics, expected.metrics, "{what}");
    assert_eq!(got.frames.len(), expected.frames.len(), "{what}");
    assert!(!got.frames.is_empty(), "{what}: no frames");
    for (a, b) in got.frames.iter().zip(&expected.frames) {
        let (a_bits, b_bits): (Vec<u64>, Vec<u64>) = (
            a.values.iter().map(|v| v.to_bits()).collect(),
            b.values.iter().map(|v| v.to_bits()).collect(),
        );
        assert_eq!(a_bits, b_bits, "{what}: frame {}", a.index);
    }
}

#[test]
fn compressed_inputs_score_as_their_y4m_decodes() {
    let Some(ffmpeg) = ffmpeg() else { return };
    let (Some(clip8), Some(clip10)) = (
        clip("carphone_176x144_yuv420p.ref.y4m"),
        clip("carphone_176x144_yuv420p10le.ref.y4m"),
    ) else {
        return;
    };
    let dir = scratch_dir("decode-codecs");
    // (encoder, file, source, encoder options, bit depth of the decoded frames)
    let cases: [(&str, &str, &Path, &[&str], u8); 4] = [
        (
            "libx264",
            "h264.mp4",
            &clip8,
            &["-crf", "35", "-preset", "ultrafast"],
            8,
        ),
        (
            "libx265",
            "hevc10.mkv",
            &clip10,
            &[
                "-crf",
                "35",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p10le",
                "-x265-params",
                "log-level=none",
            ],
            10,
        ),
        (
            "libvpx-vp9",
            "vp9.webm",
            &clip8,
            &["-b:v", "100k", "-deadline", "realtime", "-cpu-used", "8"],
            8,
        ),
        (
            "libaom-av1",
            "av1.ivf",
            &clip8,
            &["-crf", "50", "-cpu-used", "8", "-b:v", "0"],
            8,
        ),
    ];
    let mut tested = 0;
    for (encoder, name, source, options, depth) in cases {
        // Either AV1 encoder will do; libaom is tried first.
        let svt = encoder == "libaom-av1"
            && !has_encoder(&ffmpeg, encoder)
            && has_encoder(&ffmpeg, "libsvtav1");
        let (encoder, options): (&str, &[&str]) = if svt {
            ("libsvtav1", &["-crf", "50", "-preset", "12"])
        } else {
            (encoder, options)
        };
        if !usable_encoder(&ffmpeg, encoder) {
            continue;
        }
        let encoded = dir.join(name);
        let mut args = vec![
            "-i",
            source.to_str().unwrap(),
            "-frames:v",
            FRAMES,
            "-c:v",
            encoder,
        ];
        args.extend_from_slice(options);
        args.push(encoded.to_str().unwrap());
        run_ffmpeg(&ffmpeg, &args);
        let decoded = dir.join(format!("{name}.y4m"));
        ffmpeg_to_y4m(&ffmpeg, &encoded, None, &decoded);

        let opened = io::open_input(
            &encoded,
            InputKind::Auto,
            &DecodeOptions::default(),
            None,
            name,
        )
        .expect("compressed input opens");
        assert_eq!(opened.reader.format().bit_depth(), depth, "{name}");
        assert!(opened.note.is_some(), "{name}: the decode is described");
        // ffprobe's count, or its estimate from the duration, for progress.
        assert_eq!(opened.reader.frames_hint(), Some(6), "{name}");
        drop(opened);

        let mut from_file = ScoreJob::new(source, &encoded, InputKind::Auto);
        from_file.require_equal_length = false;
        let mut from_y4m = ScoreJob::new(source, &decoded, InputKind::Auto);
        from_y4m.require_equal_length = false;
        let got = score(&from_file);
        assert_eq!(got.frames.len(), 6, "{name}");
        assert_same_scores(&got, &score(&from_y4m), name);
        // Compressed input works as the reference too.
        let mut reversed = ScoreJob::new(&encoded, &decoded, InputKind::Auto);
        reversed.require_equal_length = false;
        let same = score(&reversed);
        let vmaf = same.metrics.iter().position(|m| m == "vmaf").unwrap();
        assert!(same.frames.iter().all(|f| f.values[vmaf] > 90.0), "{name}");
        tested += 1;
    }
    assert!(
        tested > 0 || !ffmpeg_required(),
        "no encoder could be tested"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn scaling_equals_ffmpegs_scale_filter() {
    let Some(ffmpeg) = ffmpeg() else { return };
    let Some(reference) = clip("carphone_176x144_yuv420p.ref.y4m") else {
        return;
    };
    let dir = scratch_dir("decode-scale");
    let small_mp4 = dir.join("small.mp4");
    let small_y4m = dir.join("small.y4m");
    if usable_encoder(&ffmpeg, "libx264") {
        run_ffmpeg(
            &ffmpeg,
            &[
                "-i",
                reference.to_str().unwrap(),
                "-frames:v",
                FRAMES,
                "-vf",
                "scale=88:72",
                "-c:v",
                "libx264",
                "-crf",
                "30",
                "-preset",
                "ultrafast",
                small_mp4.to_str().unwrap(),
            ],
        );
    }
    run_ffmpeg(
        &ffmpeg,
        &[
            "-i",
            reference.to_str().unwrap(),
            "-frames:v",
            FRAMES,
            "-vf",
            "scale=88:72",
            "-f",
            "yuv4mpegpipe",
            small_y4m.to_str().unwrap(),
        ],
    );
    let mut smalls = vec![small_y4m.clone()];
    if small_mp4.is_file() {
        smalls.push(small_mp4);
    }

    // Refused without scaling, naming both sizes.
    let mut plain = ScoreJob::new(&reference, &small_y4m, InputKind::Auto);
    plain.require_equal_length = false;
    let error = plain.run(scorer(), |_| {}).unwrap_err();
    assert!(matches!(error, Error::Mismatch(_)), "{error}");
    let text = error.to_string();
    assert!(text.contains("176x144") && text.contains("88x72"), "{text}");

    for small in &smalls {
        for algorithm in [
            ScaleAlgorithm::Bicubic,
            ScaleAlgorithm::Lanczos,
            ScaleAlgorithm::Neighbor,
        ] {
            let what = format!("{} {algorithm}", small.display());
            let mut job = ScoreJob::new(&reference, small, InputKind::Auto);
            job.require_equal_length = false;
            job.decode.scaling = Scaling::DistortedToReference(algorithm);
            let upscaled = dir.join("upscaled.y4m");
            let filter = format!("scale=176:144:flags={algorithm}");
            ffmpeg_to_y4m(&ffmpeg, small, Some(&filter), &upscaled);
            let mut expected = ScoreJob::new(&reference, &upscaled, InputKind::Y4m);
            expected.require_equal_length = false;
            assert_same_scores(&score(&job), &score(&expected), &what);
        }
    }

    // Both inputs to a third size.
    let mut both = ScoreJob::new(&reference, &small_y4m, InputKind::Auto);
    both.require_equal_length = false;
    both.decode.scaling = Scaling::Both {
        width: 128,
        height: 96,
        algorithm: ScaleAlgorithm::Bilinear,
    };
    let (ref_scaled, dist_scaled) = (dir.join("r128.y4m"), dir.join("d128.y4m"));
    let filter = "scale=128:96:flags=bilinear";
    ffmpeg_to_y4m(&ffmpeg, &reference, Some(filter), &ref_scaled);
    ffmpeg_to_y4m(&ffmpeg, &small_y4m, Some(filter), &dist_scaled);
    let mut expected = ScoreJob::new(&ref_scaled, &dist_scaled, InputKind::Y4m);
    expected.require_equal_length = false;
    let got = score(&both);
    assert_eq!((got.width, got.height), (128, 96));
    assert_same_scores(&got, &score(&expected), "scale-to 128x96");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_missing_ffmpeg_is_named() {
    let dir = scratch_dir("decode-missing");
    let fake_mp4 = write_file(&dir, "clip.mp4", b"\0\0\0\x18ftypmp42 not really");
    let mut job = ScoreJob::new(&fake_mp4, &fake_mp4, InputKind::Auto);
    job.decode.ffmpeg = Some(PathBuf::from("/nonexistent/ffmpeg"));
    let error = job.run(scorer(), |_| {}).unwrap_err();
    assert!(matches!(error, Error::DecoderMissing { .. }), "{error}");
    let text = error.to_string();
    assert!(
        text.contains("/nonexistent/ffmpeg") && text.contains("install ffmpeg"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn ffmpegs_own_complaint_reaches_the_user() {
    let Some(_) = ffmpeg() else { return };
    let dir = scratch_dir("decode-garbage");
    let garbage = write_file(
        &dir,
        "clip.mkv",
        &[0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3, 4, 5, 6],
    );
    let error = ScoreJob::new(&garbage, &garbage, InputKind::Auto)
        .run(scorer(), |_| {})
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error}");
    assert!(
        error.to_string().contains("ffmpeg could not decode"),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// All frames of a Y4M clip.
fn frames_of(path: &Path) -> Vec<Frame> {
    let mut reader = io::open(path, InputKind::Y4m).expect("clip opens");
    std::iter::from_fn(|| reader.read_frame().expect("clip reads")).collect()
}

#[test]
fn y4m_files_know_their_frame_count() {
    let Some(path) = clip("carphone_176x144_yuv420p.ref.y4m") else {
        return;
    };
    let reader = io::open(&path, InputKind::Auto).unwrap();
    let count = frames_of(&path).len() as u64;
    assert_eq!(reader.frames_hint(), Some(count));
}

#[test]
fn sync_finds_known_offsets() {
    let (Some(reference), Some(distorted)) = (
        clip("carphone_176x144_yuv420p.ref.y4m"),
        clip("carphone_176x144_yuv420p__x264_crf35.dist.y4m"),
    ) else {
        return;
    };
    let dir = scratch_dir("decode-sync");
    let reference_frames = frames_of(&reference);
    let distorted_frames = frames_of(&distorted);
    for shift in [1usize, 2, 5] {
        // The distorted video starts `shift` frames late: skip as many reference frames.
        let late = write_file(&dir, "late.y4m", &y4m_bytes(&distorted_frames[shift..]));
        let found = find_offset(
            io::open(&reference, InputKind::Y4m).unwrap().as_mut(),
            io::open(&late, InputKind::Y4m).unwrap().as_mut(),
            10,
            5,
        )
        .unwrap();
        assert_eq!(
            (found.skip_reference, found.skip_distorted),
            (shift as u64, 0)
        );
        // The reference starts late: skip distorted frames.
        let early = write_file(&dir, "early.y4m", &y4m_bytes(&reference_frames[shift..]));
        let found = find_offset(
            io::open(&early, InputKind::Y4m).unwrap().as_mut(),
            io::open(&distorted, InputKind::Y4m).unwrap().as_mut(),
            10,
            5,
        )
        .unwrap();
        assert_eq!(
            (found.skip_reference, found.skip_distorted),
            (0, shift as u64)
        );
    }
    let aligned = find_offset(
        io::open(&reference, InputKind::Y4m).unwrap().as_mut(),
        io::open(&distorted, InputKind::Y4m).unwrap().as_mut(),
        10,
        5,
    )
    .unwrap();
    assert_eq!((aligned.skip_reference, aligned.skip_distorted), (0, 0));
    let _ = std::fs::remove_dir_all(dir);
}
