//! Report flags as libvmaf's `vmaf` treats them: of several layout flags the last one
//! wins, and `-n` computes the models' features without scoring the models.

use std::path::Path;
use std::process::{Command, Output};

const REF: &str = "samples/testsrc2_352x288.ref.y4m";
const DIST: &str = "samples/testsrc2_352x288.x265_crf32.dist.y4m";

fn vmafx(flags: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vmafx"))
        .args(["-r", REF, "-d", DIST, "--frame_cnt", "3"])
        .args(flags)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .output()
        .expect("the vmafx binary runs")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn csv_header(flags: &[&str]) -> String {
    let mut all = flags.to_vec();
    all.extend(["--csv", "-o", "-"]);
    stdout(&vmafx(&all))
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

#[test]
fn the_last_layout_flag_wins() {
    let csv = stdout(&vmafx(&["--json", "--xml", "--csv", "-o", "-"]));
    assert!(csv.starts_with("Frame,"), "{csv}");
    let json = stdout(&vmafx(&["--csv", "--json", "-o", "-"]));
    assert!(json.starts_with("{\n  \"version\""), "{json}");
    let xml = stdout(&vmafx(&["--sub", "--json", "--xml", "-o", "-"]));
    assert!(xml.starts_with("<VMAF version="), "{xml}");
    let sub = stdout(&vmafx(&["--xml", "--sub", "-o", "-"]));
    assert!(sub.starts_with("{0}{1}frame: 0|"), "{sub}");
}

#[test]
fn no_prediction_keeps_the_models_features_and_drops_their_scores() {
    let scored = csv_header(&["--feature", "psnr"]);
    let features_only = csv_header(&["-n", "--feature", "psnr"]);
    assert_eq!(features_only, "Frame,psnr_y,psnr_cb,psnr_cr,");
    let with_model = csv_header(&["-n", "-m", "version=vmaf_v0.6.1", "--feature", "psnr"]);
    // Every column of the scored run but the model's, in the same order.
    assert_eq!(format!("{with_model}vmaf,"), scored);
    let neg = csv_header(&["--no_prediction", "-m", "version=vmaf_v0.6.1neg"]);
    assert!(neg.contains("integer_vif_scale0_egl_1,"), "{neg}");
    assert!(!neg.contains("vmaf"), "{neg}");
    // The summary names no model score.
    let summary = stdout(&vmafx(&["-n", "--feature", "psnr"]));
    assert!(!summary.contains("vmaf:"), "{summary}");
    assert!(summary.contains("psnr_y: "), "{summary}");
}

#[test]
fn a_repeated_extractor_keeps_its_first_request() {
    // libvmaf registers an extractor once per output naming: the second psnr (same names,
    // other options) is dropped, so no mse columns appear; a new naming is a new extractor.
    let header = csv_header(&[
        "-n",
        "--feature",
        "psnr",
        "--feature",
        "psnr=enable_mse=true",
    ]);
    assert_eq!(header, "Frame,psnr_y,psnr_cb,psnr_cr,");
    let header = csv_header(&[
        "-n",
        "--feature",
        "motion",
        "--feature",
        "motion=motion_max_val=18",
    ]);
    assert!(header.contains(",integer_motion2,"), "{header}");
    assert!(header.contains(",integer_motion2_mmxv_18,"), "{header}");
}

#[test]
fn no_prediction_with_nothing_to_compute_is_an_error() {
    let out = vmafx(&["-n"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("computes nothing"), "{stderr}");
}

/// The summary's `vmaf (METHOD): VALUE`.
fn summary_score(flags: &[&str], json: &Path) -> (String, f64) {
    let mut all = flags.to_vec();
    all.extend(["--json", "-o", json.to_str().unwrap()]);
    let text = stdout(&vmafx(&all));
    let line = text
        .lines()
        .find(|l| l.starts_with("vmaf"))
        .unwrap()
        .to_string();
    let value = line.rsplit(' ').next().unwrap().parse().unwrap();
    (line, value)
}

#[test]
fn pool_flag_picks_the_summary_pooling() {
    let json = std::env::temp_dir().join(format!("vmafx-pool-{}.json", std::process::id()));
    let (line, mean) = summary_score(&[], &json);
    assert!(line.starts_with("vmaf_v0.6.1: "), "{line}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let pooled = &report["pooled_metrics"]["vmaf"];
    assert_eq!(mean, pooled["mean"].as_f64().unwrap());
    let (line, p0) = summary_score(&["--pool", "p0"], &json);
    assert!(line.starts_with("vmaf_v0.6.1 (p0): "), "{line}");
    assert_eq!(p0, pooled["min"].as_f64().unwrap());
    let (_, p100) = summary_score(&["--pool", "p100"], &json);
    assert_eq!(p100, pooled["max"].as_f64().unwrap());
    let (_, harmonic) = summary_score(&["--pool", "harmonic_mean"], &json);
    assert_eq!(harmonic, pooled["harmonic_mean"].as_f64().unwrap());
    // Three frames: the median is the middle one, p25 halfway between the lower two.
    let mut frames: Vec<f64> = report["frames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["metrics"]["vmaf"].as_f64().unwrap())
        .collect();
    frames.sort_by(f64::total_cmp);
    let (_, p50) = summary_score(&["--pool", "p50"], &json);
    assert!((p50 - frames[1]).abs() <= 1e-6, "{p50} {frames:?}");
    let (_, p25) = summary_score(&["--pool", "p25"], &json);
    assert!(
        (p25 - (frames[0] + frames[1]) / 2.0).abs() <= 2e-6,
        "{p25} {frames:?}"
    );
    let _ = std::fs::remove_file(&json);
    for bad in ["p101", "median", "p"] {
        let out = vmafx(&["--pool", bad]);
        assert!(!out.status.success(), "--pool {bad}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("--pool"), "{stderr}");
    }
}
