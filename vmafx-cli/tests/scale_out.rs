//! `vmafx --frames START..END -o PART` in separate processes, then `vmafx merge`: the
//! merged JSON, XML and CSV are the bytes of one run over the whole sample (but for the
//! wall-clock `fps`), retried parts count once and a missing one is named.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const REF: &str = "samples/testsrc2_352x288.ref.y4m";
const DIST: &str = "samples/testsrc2_352x288.x265_crf32.dist.y4m";
/// vmaf_v0.6.1, the HFR model (five-frame motion window) and psnr's whole-run aggregate.
const SCORING: [&str; 6] = [
    "--model",
    "version=vmaf_v0.6.1",
    "--model",
    "version=vmaf_v1.0.16_hfr_3d0h:name=vmaf_hfr",
    "--feature",
    "psnr=enable_apsnr=true",
];

fn vmafx(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vmafx"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .output()
        .expect("the vmafx binary runs")
}

fn ok(output: Output) -> Output {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vmafx-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The report with its wall-clock `fps` (different in every run) blanked.
fn without_fps(text: &str) -> String {
    text.lines()
        .map(|line| {
            if line.trim_start().starts_with("\"fps\":") {
                "  \"fps\": _,".to_string()
            } else if let Some(at) = line.find("fps=\"") {
                let end = line[at + 5..].find('"').map_or(line.len(), |e| at + 5 + e);
                format!("{}fps=\"_{}", &line[..at], &line[end..])
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn score_part(dir: &Path, frames: &str) -> PathBuf {
    let part = dir.join(format!("part-{}.json", frames.replace("..", "-")));
    let mut args = vec!["-r", REF, "-d", DIST, "-q", "--frames", frames];
    args.extend(SCORING);
    args.extend(["-o", path(&part)]);
    ok(vmafx(&args));
    part
}

#[test]
fn parts_from_separate_processes_merge_to_the_single_run() {
    let dir = scratch("scale-out");
    // The sample has 10 frames; the last segment asks past its end.
    let parts: Vec<PathBuf> = ["5..7", "0..3", "7..50", "3..5"]
        .iter()
        .map(|frames| score_part(&dir, frames))
        .collect();
    // Segment 3..5 is scored again; its part is replaced whole.
    score_part(&dir, "3..5");
    for (flag, ext) in [("--json", "json"), ("--xml", "xml"), ("--csv", "csv")] {
        let single = dir.join(format!("single.{ext}"));
        let mut args = vec!["-r", REF, "-d", DIST, "-q", flag, "-o", path(&single)];
        args.extend(SCORING);
        ok(vmafx(&args));
        let merged = dir.join(format!("merged.{ext}"));
        let mut args = vec!["merge", flag, "-o", path(&merged)];
        args.extend(parts.iter().map(|p| path(p)));
        // A part given twice counts once.
        args.push(path(&parts[0]));
        ok(vmafx(&args));
        let single = std::fs::read_to_string(&single).unwrap();
        let merged = std::fs::read_to_string(&merged).unwrap();
        assert!(single.lines().count() > 10, "{single}");
        assert_eq!(without_fps(&merged), without_fps(&single), "{flag}");
    }
    // Frame 5 straddles the 3..5 / 5..7 boundary: its motion2 is the whole run's.
    let json = std::fs::read_to_string(dir.join("merged.json")).unwrap();
    let frame_5 = &json[json.find("\"frameNum\": 5,").unwrap()..];
    let frame_5 = &frame_5[..frame_5.find("frameNum\": 6").unwrap()];
    assert!(
        frame_5.contains("\"integer_motion2\": 2.270187"),
        "{frame_5}"
    );
    assert!(frame_5.contains("\"vmaf\": 91.020472"), "{frame_5}");

    let out = path(&dir.join("x.json")).to_string();
    let missing = vmafx(&[
        "merge",
        "-o",
        &out,
        path(&parts[1]),
        path(&parts[0]),
        path(&parts[2]),
    ]);
    assert!(!missing.status.success());
    let error = String::from_utf8_lossy(&missing.stderr);
    assert!(error.contains("frames 3..5 missing"), "{error}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn frames_needs_a_part_file_and_a_range() {
    let out = vmafx(&["-r", REF, "-d", DIST, "--frames", "0..5"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("-o"));
    let out = vmafx(&["-r", REF, "-d", DIST, "--frames", "5..5", "-o", "x.json"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("empty"));
}
