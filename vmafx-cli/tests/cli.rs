//! The `vmafx` command end to end: the sample pair, report layouts, raw input, errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn vmafx(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vmafx"))
        .args(args)
        .current_dir(repo_root())
        .output()
        .expect("the vmafx binary runs")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

const REF: &str = "samples/testsrc2_352x288.ref.y4m";
const DIST: &str = "samples/testsrc2_352x288.x265_crf32.dist.y4m";

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vmafx-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn sample_pair_scores_like_libvmaf() {
    let out = vmafx(&["-r", REF, "-d", DIST]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("vmaf_v0.6.1: 89.570779"),
        "{}",
        stdout(&out)
    );
    // Not a terminal: no progress output.
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}

#[test]
fn reports_in_every_layout() {
    let dir = scratch("layouts");
    let json = dir.join("out.json");
    let out = vmafx(&[
        "-r",
        REF,
        "-d",
        DIST,
        "--feature",
        "psnr",
        "--json",
        "-o",
        json.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let parsed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(parsed["frames"].as_array().unwrap().len(), 10);
    assert_eq!(
        parsed["pooled_metrics"]["vmaf"]["mean"].as_f64(),
        Some(89.570779)
    );
    assert!(parsed["frames"][0]["metrics"]["psnr_y"].as_f64().is_some());

    let out = vmafx(&["-r", REF, "-d", DIST, "--csv", "-o", "-"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = stdout(&out);
    assert!(csv.starts_with("Frame,integer_adm2,"), "{csv}");
    assert_eq!(csv.lines().count(), 11);

    let out = vmafx(&["-r", REF, "-d", DIST, "-o", "-"]);
    let xml = stdout(&out);
    assert!(xml.starts_with("<VMAF version="), "{xml}");
    assert!(xml
        .contains("<metric name=\"vmaf\" min=\"87.455338\" max=\"92.986078\" mean=\"89.570779\""));
}

#[test]
fn raw_yuv_input_matches_y4m() {
    let dir = scratch("raw");
    for (name, y4m) in [("ref.yuv", REF), ("dist.yuv", DIST)] {
        let bytes = std::fs::read(repo_root().join(y4m)).unwrap();
        let header_end = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
        let frame_bytes = 352 * 288 * 3 / 2;
        let mut raw = Vec::new();
        let mut at = header_end;
        while at < bytes.len() {
            at += b"FRAME\n".len();
            raw.extend_from_slice(&bytes[at..at + frame_bytes]);
            at += frame_bytes;
        }
        std::fs::write(dir.join(name), raw).unwrap();
    }
    let r = dir.join("ref.yuv");
    let d = dir.join("dist.yuv");
    let out = vmafx(&[
        "-r",
        r.to_str().unwrap(),
        "-d",
        d.to_str().unwrap(),
        "-w",
        "352",
        "-h",
        "288",
        "-p",
        "420",
        "-b",
        "8",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("vmaf_v0.6.1: 89.570779"),
        "{}",
        stdout(&out)
    );

    let out = vmafx(&["-r", r.to_str().unwrap(), "-d", d.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--width"), "{}", stderr(&out));
}

#[test]
fn frame_selection_and_models() {
    let out = vmafx(&[
        "-r",
        REF,
        "-d",
        DIST,
        "--frame_cnt",
        "3",
        "--csv",
        "-o",
        "-",
    ]);
    assert_eq!(stdout(&out).lines().count(), 4);
    let out = vmafx(&[
        "-r",
        REF,
        "-d",
        DIST,
        "--subsample",
        "4",
        "--csv",
        "-o",
        "-",
    ]);
    let rows: Vec<_> = stdout(&out)
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(rows, ["0", "4", "8"]);
    let out = vmafx(&[
        "-r",
        REF,
        "-d",
        DIST,
        "-m",
        "version=vmaf_v0.6.1:name=plain",
        "-m",
        "version=vmaf_v0.6.1neg:name=neg",
        "-m",
        "version=vmaf_b_v0.6.3:name=boot",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("vmaf_v0.6.1: 89.570779"), "{text}");
    assert!(text.contains("vmaf_v0.6.1neg: 88.070310"), "{text}");
    assert!(
        text.contains("vmaf_b_v0.6.3: ") && text.contains("ci.p95: ["),
        "{text}"
    );
    let out = vmafx(&["--list-models"]);
    assert!(stdout(&out).lines().any(|l| l == "vmaf_4k_v0.6.1"));
}

#[test]
fn bad_input_exits_non_zero_with_a_message() {
    let dir = scratch("bad");
    let truncated = dir.join("cut.y4m");
    let bytes = std::fs::read(repo_root().join(REF)).unwrap();
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "-r".into(),
                truncated.display().to_string(),
                "-d".into(),
                DIST.into(),
            ],
            "truncated",
        ),
        (
            vec!["-r".into(), "missing.y4m".into(), "-d".into(), DIST.into()],
            "missing.y4m",
        ),
        (
            vec![
                "-r".into(),
                REF.into(),
                "-d".into(),
                DIST.into(),
                "--feature".into(),
                "nope".into(),
            ],
            "unknown feature",
        ),
        (
            vec![
                "-r".into(),
                REF.into(),
                "-d".into(),
                DIST.into(),
                "-m".into(),
                "version=vmaf_v9".into(),
            ],
            "unknown built-in model",
        ),
        (
            vec![
                "-r".into(),
                REF.into(),
                "-d".into(),
                DIST.into(),
                "--subsample".into(),
                "0".into(),
            ],
            "subsample",
        ),
    ];
    for (args, expect) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = vmafx(&args);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(stderr(&out).contains(expect), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn backends_are_listed_and_honoured() {
    let out = vmafx(&["--list-backends"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.lines()
            .any(|l| l.starts_with("cpu") && l.contains("available")),
        "{text}"
    );
    assert!(text.contains("auto    -> "), "{text}");
    let out = vmafx(&[
        "-r",
        REF,
        "-d",
        DIST,
        "--backend",
        "cpu",
        "--json",
        "-o",
        "-",
    ]);
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(parsed["backend"].as_str().unwrap().starts_with("cpu ("));
    let out = Command::new(env!("CARGO_BIN_EXE_vmafx"))
        .args(["-r", REF, "-d", DIST])
        .env("VMAFX_BACKEND", "hip")
        .current_dir(repo_root())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("hip"), "{}", stderr(&out));
}
