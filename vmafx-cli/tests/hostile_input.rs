//! The command under hostile or careless use: closed pipes, headers and model files that
//! promise more than they hold, names that would break the reports, absurd options.
//! Each must end in a clear error (or a quiet stop), never a panic or a runaway.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

const REF: &str = "samples/testsrc2_352x288.ref.y4m";
const DIST: &str = "samples/testsrc2_352x288.x265_crf32.dist.y4m";

/// Exit status of a Rust panic.
const PANIC_STATUS: i32 = 101;

fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vmafx"));
    command
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .env_remove("VMAFX_CPU");
    command
}

fn vmafx(args: &[&str]) -> Output {
    command(args).output().expect("the vmafx binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vmafx-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary directory");
    dir
}

/// Fails the test when `vmafx` ran into a panic.
fn assert_no_panic(status: ExitStatus, stderr: &str) {
    assert_ne!(status.code(), Some(PANIC_STATUS), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Waits at most `limit` for `child`; kills it and fails the test when it runs longer.
fn wait_at_most(mut child: Child, limit: Duration) -> Output {
    let start = Instant::now();
    while start.elapsed() < limit {
        if child.try_wait().expect("the child can be polled").is_some() {
            return child.wait_with_output().expect("the child's output");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    panic!("vmafx still ran after {limit:?}");
}

/// Runs `vmafx` with its standard output a pipe whose reader is already gone.
fn with_closed_stdout(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    command(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("the vmafx binary runs")
}

#[test]
fn closed_stdout_stops_quietly() {
    for args in [
        &["--list-models"][..],
        &["--version"],
        &["--list-backends"],
        &["-r", REF, "-d", DIST, "--frame_cnt", "2"],
        &[
            "-r",
            REF,
            "-d",
            DIST,
            "--frame_cnt",
            "2",
            "--json",
            "-o",
            "-",
        ],
    ] {
        let out = with_closed_stdout(args);
        let text = stderr(&out);
        assert_no_panic(out.status, &text);
        assert_eq!(out.status.code(), Some(141), "{args:?}: {text}");
        assert!(text.is_empty(), "{args:?} said something: {text}");
    }
}

#[test]
fn closed_stderr_still_fails_cleanly() {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let out = command(&["-r", "missing.y4m", "-d", "missing.y4m"])
        .stderr(writer)
        .output()
        .expect("the vmafx binary runs");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn errors_are_said_once() {
    let out = vmafx(&["-r", "missing.y4m", "-d", "missing.y4m"]);
    let text = stderr(&out);
    assert!(!out.status.success());
    assert_eq!(text.matches("os error").count(), 1, "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
}

/// 38 bytes announcing 16384x16384 4:4:4 16-bit frames: 1.5 GiB each.
const HUGE_HEADER: &[u8] = b"YUV4MPEG2 W16384 H16384 C444p16\nFRAME\n";

#[cfg(target_os = "linux")]
#[test]
fn huge_y4m_header_fails_fast_in_little_memory() {
    let dir = scratch("huge");
    let huge = dir.join("huge.y4m");
    std::fs::write(&huge, HUGE_HEADER).expect("temporary file");
    let huge = huge.to_str().expect("a UTF-8 path");
    // 256 MiB of address space: far less than one promised frame.
    let script = format!("ulimit -v 262144 && exec \"$0\" -r {REF} -d {huge} -q",);
    let start = Instant::now();
    let out = Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_vmafx")])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .output()
        .expect("sh runs");
    let text = stderr(&out);
    assert_no_panic(out.status, &text);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("truncated"), "{text}");
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
}

/// The peak resident memory of a running process, from `/proc/PID/status`.
#[cfg(target_os = "linux")]
fn peak_rss_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .expect("a VmHWM line");
    let kib: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("a number of kB");
    kib * 1024
}

#[cfg(target_os = "linux")]
#[test]
fn huge_y4m_header_on_stdin_holds_only_what_arrived() {
    let dir = scratch("stdin");
    // The distorted file matches the promised format and is long enough (sparse), so the
    // run gets as far as reading the reference's first frame from the pipe.
    let distorted = dir.join("dist.y4m");
    let file = std::fs::File::create(&distorted).expect("temporary file");
    (&file).write_all(HUGE_HEADER).expect("header");
    let frame_bytes = 16384u64 * 16384 * 3 * 2;
    file.set_len(HUGE_HEADER.len() as u64 + frame_bytes)
        .expect("a sparse file");
    let mut child = command(&["-r", "-", "-d", distorted.to_str().expect("UTF-8"), "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the vmafx binary runs");
    let mut stdin = child.stdin.take().expect("piped stdin");
    stdin.write_all(HUGE_HEADER).expect("header written");
    stdin
        .write_all(&vec![7u8; 1 << 20])
        .expect("1 MiB of samples");
    // The reader now waits for the rest of a frame that will never come.
    std::thread::sleep(Duration::from_millis(1500));
    let peak = peak_rss_bytes(child.id());
    drop(stdin);
    let out = wait_at_most(child, Duration::from_secs(20));
    let text = stderr(&out);
    assert_no_panic(out.status, &text);
    assert!(text.contains("truncated"), "{text}");
    assert!(
        peak < 256 << 20,
        "{peak} bytes resident after 1 MiB of a promised 1.5 GiB frame"
    );
}

#[test]
fn endless_or_oversized_model_files_are_refused() {
    let dir = scratch("models");
    let big = dir.join("big.json");
    let file = std::fs::File::create(&big).expect("temporary file");
    file.set_len(300 << 20).expect("a sparse 300 MB file");
    let forged = dir.join("forged.json");
    std::fs::write(
        &forged,
        r#"{"model_dict": {"feature_names": ["VMAF_feature_adm2_score"], "norm_type": "none", "model": "svm_type nu_svr\nkernel_type linear\nnr_class 2\ntotal_sv 2147483647\nrho 0\nSV\n1 1:1\n"}}"#,
    )
    .expect("temporary file");
    let cases = [
        (format!("path={}", big.display()), "larger than 64 MiB"),
        ("path=/dev/zero".to_owned(), "larger than 64 MiB"),
        (format!("path={}", forged.display()), "total_sv"),
    ];
    for (spec, needle) in cases {
        if spec.contains("/dev/zero") && !Path::new("/dev/zero").exists() {
            continue;
        }
        let child = command(&["-r", REF, "-d", DIST, "-m", &spec])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the vmafx binary runs");
        let out = wait_at_most(child, Duration::from_secs(20));
        let text = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{spec}: {text}");
        assert!(text.contains(needle), "{spec}: {text}");
    }
}

#[test]
fn model_names_that_would_break_reports_are_refused() {
    for name in ["a\"/><x", "a,b", "a b"] {
        let spec = format!("version=vmaf_v0.6.1:name={name}");
        let out = vmafx(&["-r", REF, "-d", DIST, "-m", &spec, "--csv", "-o", "-"]);
        let text = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {text}");
        assert!(text.contains("model name"), "{name}: {text}");
        assert!(out.stdout.is_empty(), "{name}");
    }
}

#[test]
fn thread_count_is_capped() {
    let out = vmafx(&["-r", REF, "-d", DIST, "--threads", "100000"]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("more than 1024"), "{text}");
}

#[test]
fn unknown_cpu_level_is_an_error() {
    let out = command(&["-r", REF, "-d", DIST])
        .env("VMAFX_CPU", "junk")
        .output()
        .expect("the vmafx binary runs");
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("scalar, avx2 or avx512"), "{text}");
}

#[test]
fn unwritable_output_fails_before_reading_the_inputs() {
    // The reference is a pipe that never delivers a byte: only a check made before
    // reading can end this run.
    let child = command(&["-r", "-", "-d", DIST, "-o", "/nonexistent-dir/out.xml"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the vmafx binary runs");
    let out = wait_at_most(child, Duration::from_secs(20));
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("cannot create /nonexistent-dir/out.xml"),
        "{text}"
    );
}

#[test]
fn failed_run_leaves_no_new_report_file() {
    let dir = scratch("leftover");
    let report = dir.join("out.xml");
    let out = vmafx(&[
        "-r",
        "missing.y4m",
        "-d",
        DIST,
        "-o",
        report.to_str().expect("UTF-8"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!report.exists(), "a failed run left {}", report.display());
}

#[test]
fn both_inputs_on_stdin_are_refused() {
    let out = vmafx(&["-r", "-", "-d", "-"]);
    let text = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("cannot both be read from standard input"),
        "{text}"
    );
}
