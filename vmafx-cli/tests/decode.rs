//! The `vmafx` command on compressed and mismatched input: ffmpeg decoding, the notes
//! on stderr, `--scale`, `--sync auto`, interlaced input, and the refusals (missing
//! ffmpeg, both inputs on stdin, different sizes).
//!
//! Tests that need ffmpeg skip with a note where it is missing, and fail instead when
//! `VMAFX_REQUIRE_FFMPEG` is set (CI sets it).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const REF: &str = "samples/testsrc2_352x288.ref.y4m";
const DIST: &str = "samples/testsrc2_352x288.x265_crf32.dist.y4m";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn vmafx_with(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vmafx"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .output()
        .expect("the vmafx binary runs")
}

fn vmafx(args: &[&str]) -> Output {
    vmafx_with(args, &[])
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vmafx-cli-decode-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// ffmpeg on PATH, or `None` with a note (a failure when it is required).
fn ffmpeg() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("ffmpeg"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("VMAFX_REQUIRE_FFMPEG").is_none(),
            "VMAFX_REQUIRE_FFMPEG is set but ffmpeg is not on PATH"
        );
        eprintln!("ffmpeg is not on PATH: skipped (install Debian's ffmpeg to run this test)");
    }
    found
}

fn run_ffmpeg(ffmpeg: &Path, args: &[&str]) {
    let output = Command::new(ffmpeg)
        .args(["-nostdin", "-hide_banner", "-loglevel", "error", "-y"])
        .args(args)
        .current_dir(repo_root())
        .output()
        .expect("ffmpeg starts");
    assert!(
        output.status.success(),
        "ffmpeg {args:?}: {}",
        text(&output.stderr)
    );
}

/// The per-frame `vmaf` values of a JSON report written to stdout.
fn frame_scores(output: &Output) -> Vec<f64> {
    assert!(output.status.success(), "{}", text(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    report["frames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["metrics"]["vmaf"].as_f64().unwrap())
        .collect()
}

#[test]
fn a_missing_ffmpeg_is_named_with_what_to_install() {
    let dir = scratch("missing");
    let fake = dir.join("clip.mp4");
    std::fs::write(&fake, b"\0\0\0\x18ftypmp42 not really").unwrap();
    let out = vmafx_with(
        &["-r", REF, "-d", fake.to_str().unwrap()],
        &[("VMAFX_FFMPEG", "/nonexistent")],
    );
    assert!(!out.status.success());
    let message = text(&out.stderr);
    assert!(message.contains("VMAFX_FFMPEG=/nonexistent"), "{message}");
    assert!(message.contains("install ffmpeg"), "{message}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn both_inputs_on_stdin_are_refused() {
    let out = vmafx(&["-r", "-", "-d", "-"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("standard input"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn different_sizes_are_refused_naming_both() {
    let dir = scratch("sizes");
    let small = dir.join("small.y4m");
    let mut bytes = b"YUV4MPEG2 W176 H144 F25:1 C420jpeg\n".to_vec();
    for _ in 0..2 {
        bytes.extend_from_slice(b"FRAME\n");
        bytes.extend(std::iter::repeat_n(128u8, 176 * 144 * 3 / 2));
    }
    std::fs::write(&small, bytes).unwrap();
    let out = vmafx(&["-r", REF, "-d", small.to_str().unwrap()]);
    assert!(!out.status.success());
    let message = text(&out.stderr);
    assert!(
        message.contains("352x288") && message.contains("176x144"),
        "{message}"
    );
    assert!(message.contains("--scale"), "{message}");
    let out = vmafx(&["-r", REF, "-d", DIST, "--scale", "--scale-to", "64x64"]);
    assert!(
        text(&out.stderr).contains("exclude each other"),
        "{}",
        text(&out.stderr)
    );
    let out = vmafx(&["-r", REF, "-d", DIST, "--scale-algorithm", "fancy"]);
    assert!(text(&out.stderr).contains("fancy"), "{}", text(&out.stderr));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn compressed_distorted_scores_as_its_decode_and_is_described() {
    let Some(ffmpeg) = ffmpeg() else { return };
    let dir = scratch("mp4");
    let mp4 = dir.join("dist.mp4");
    let y4m = dir.join("dist.y4m");
    run_ffmpeg(
        &ffmpeg,
        &[
            "-i",
            REF,
            "-c:v",
            "libx264",
            "-crf",
            "35",
            "-preset",
            "ultrafast",
            mp4.to_str().unwrap(),
        ],
    );
    run_ffmpeg(
        &ffmpeg,
        &[
            "-i",
            mp4.to_str().unwrap(),
            "-f",
            "yuv4mpegpipe",
            y4m.to_str().unwrap(),
        ],
    );
    let from_mp4 = vmafx(&["-r", REF, "-d", mp4.to_str().unwrap(), "--json", "-o", "-"]);
    assert!(
        text(&from_mp4.stderr).contains("distorted: decoded by ffmpeg (h264 yuv420p 352x288)"),
        "{}",
        text(&from_mp4.stderr)
    );
    let from_y4m = vmafx(&["-r", REF, "-d", y4m.to_str().unwrap(), "--json", "-o", "-"]);
    let scores = frame_scores(&from_mp4);
    assert_eq!(scores.len(), 10);
    assert_eq!(scores, frame_scores(&from_y4m));
    // Compressed video on standard input is piped into ffmpeg.
    let piped = Command::new(env!("CARGO_BIN_EXE_vmafx"))
        .args(["-r", REF, "-d", "-", "--json", "-o", "-"])
        .current_dir(repo_root())
        .stdin(std::fs::File::open(&mp4).unwrap())
        .output()
        .unwrap();
    assert_eq!(frame_scores(&piped), scores);
    // The summary names the model as libvmaf's tool does.
    let summary = vmafx(&["-r", REF, "-d", mp4.to_str().unwrap()]);
    assert!(
        text(&summary.stdout).contains("vmaf_v0.6.1: "),
        "{}",
        text(&summary.stdout)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn scale_upsamples_the_distorted_as_ffmpegs_filter_does() {
    let Some(ffmpeg) = ffmpeg() else { return };
    let dir = scratch("scale");
    let small = dir.join("small.y4m");
    let upscaled = dir.join("up.y4m");
    run_ffmpeg(
        &ffmpeg,
        &[
            "-i",
            DIST,
            "-vf",
            "scale=176:144",
            "-f",
            "yuv4mpegpipe",
            small.to_str().unwrap(),
        ],
    );
    run_ffmpeg(
        &ffmpeg,
        &[
            "-i",
            small.to_str().unwrap(),
            "-vf",
            "scale=352:288:flags=lanczos",
            "-f",
            "yuv4mpegpipe",
            upscaled.to_str().unwrap(),
        ],
    );
    let scaled = vmafx(&[
        "-r",
        REF,
        "-d",
        small.to_str().unwrap(),
        "--scale",
        "--scale-algorithm",
        "lanczos",
        "--json",
        "-o",
        "-",
    ]);
    assert!(
        text(&scaled.stderr).contains("scaled to 352x288 (lanczos)"),
        "{}",
        text(&scaled.stderr)
    );
    let expected = vmafx(&[
        "-r",
        REF,
        "-d",
        upscaled.to_str().unwrap(),
        "--json",
        "-o",
        "-",
    ]);
    assert_eq!(frame_scores(&scaled), frame_scores(&expected));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn sync_auto_finds_and_reports_the_shift() {
    let Some(ffmpeg) = ffmpeg() else { return };
    let dir = scratch("sync");
    let late = dir.join("late.y4m");
    // The distorted video without its first two frames.
    run_ffmpeg(
        &ffmpeg,
        &[
            "-i",
            DIST,
            "-vf",
            "trim=start_frame=2,setpts=PTS-STARTPTS",
            "-f",
            "yuv4mpegpipe",
            late.to_str().unwrap(),
        ],
    );
    let synced = vmafx(&[
        "-r",
        REF,
        "-d",
        late.to_str().unwrap(),
        "--sync",
        "auto",
        "--sync-window",
        "4",
        "--json",
        "-o",
        "-",
    ]);
    let message = text(&synced.stderr);
    assert!(
        message.contains("skipping 2 reference frame(s)"),
        "{message}"
    );
    let skipped = vmafx(&[
        "-r",
        REF,
        "-d",
        late.to_str().unwrap(),
        "--frame_skip_ref",
        "2",
        "--json",
        "-o",
        "-",
    ]);
    assert_eq!(frame_scores(&synced), frame_scores(&skipped));
    let out = vmafx(&[
        "-r",
        REF,
        "-d",
        DIST,
        "--sync",
        "auto",
        "--frame_skip_ref",
        "1",
    ]);
    assert!(!out.status.success());
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn interlaced_input_needs_deinterlace() {
    let Some(ffmpeg) = ffmpeg() else { return };
    let dir = scratch("interlaced");
    let interlaced = dir.join("tff.mkv");
    run_ffmpeg(
        &ffmpeg,
        &[
            "-i",
            REF,
            "-frames:v",
            "4",
            "-vf",
            "setfield=tff",
            "-flags",
            "+ildct+ilme",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            interlaced.to_str().unwrap(),
        ],
    );
    let path = interlaced.to_str().unwrap();
    let refused = vmafx(&["-r", path, "-d", path]);
    assert!(!refused.status.success());
    assert!(
        text(&refused.stderr).contains("--deinterlace"),
        "{}",
        text(&refused.stderr)
    );
    let scored = vmafx(&["-r", path, "-d", path, "--deinterlace", "--json", "-o", "-"]);
    assert!(
        text(&scored.stderr).contains("deinterlaced (yadif)"),
        "{}",
        text(&scored.stderr)
    );
    assert_eq!(frame_scores(&scored).len(), 4);
    let _ = std::fs::remove_dir_all(dir);
}
