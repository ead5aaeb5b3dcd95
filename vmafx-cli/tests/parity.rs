//! Parity with libvmaf, run as users run it: every `parity_outputs` entry of the
//! conformance manifest (VMAF v1 and its HFR and 2160 variants, the 4K NEG model, the
//! `--aom_ctc` and `--nflx_ctc` presets, and the extra extractors) is scored by the
//! `vmafx` binary with libvmaf's exact command-line arguments, and every per-frame,
//! pooled and aggregate value is compared with libvmaf's JSON. Where libvmaf refused the input, we
//! must refuse it too, with a message.
//!
//! The corpus is `VMAFX_CONFORMANCE_DIR`, else `shared/conformance` beside the
//! repository; without it the test passes, unless `VMAFX_REQUIRE_CONFORMANCE=1`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("VMAFX_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"));
    dir.join("manifest.json").is_file().then_some(dir)
}

/// Largest |ours - libvmaf| allowed: integer features and PSNR-type values to the
/// printed digits, float metrics and model scores to 1e-4.
fn tolerance(metric: &str) -> f64 {
    let exact = metric.starts_with("integer_")
        || metric.starts_with("VMAF_integer")
        || (metric.starts_with("psnr") && !metric.starts_with("psnr_hvs"))
        || metric.starts_with("mse_")
        || metric.starts_with("apsnr");
    if exact {
        1e-9
    } else {
        1e-4
    }
}

#[derive(Default)]
struct Worst {
    delta: f64,
    count: usize,
    place: String,
}

/// libvmaf's arguments with our output file in place of theirs, and raw `.yuv` inputs
/// (which the corpus keeps as Y4M) written out under `scratch`.
fn our_arguments(
    command: &str,
    output: &Path,
    pair: &Value,
    dir: &Path,
    scratch: &Path,
) -> Vec<String> {
    let mut words: Vec<String> = command
        .split_whitespace()
        .skip(1)
        .map(String::from)
        .collect();
    if let Some(i) = words.iter().position(|w| w == "--output" || w == "-o") {
        words[i + 1] = output.display().to_string();
    }
    for word in &mut words {
        if let Some(stem) = word.strip_suffix(".yuv") {
            let raw = scratch.join(Path::new(word.as_str()).file_name().unwrap());
            if !raw.is_file() {
                write_raw(&dir.join(format!("{stem}.y4m")), &raw, pair);
            }
            *word = raw.display().to_string();
        }
    }
    words
}

/// Writes the planes of a Y4M file without its header and frame markers.
fn write_raw(y4m: &Path, raw: &Path, pair: &Value) {
    let bytes = std::fs::read(y4m).unwrap();
    let (w, h) = (
        pair["width"].as_u64().unwrap(),
        pair["height"].as_u64().unwrap(),
    );
    let (sx, sy) = match pair["chroma_subsampling"].as_str().unwrap() {
        "420" => (1, 1),
        "422" => (1, 0),
        _ => (0, 0),
    };
    let sample = if pair["bitdepth"].as_u64().unwrap() > 8 {
        2
    } else {
        1
    };
    let chroma = ((w + sx) >> sx) * ((h + sy) >> sy);
    let frame = ((w * h + 2 * chroma) * sample) as usize;
    let mut at = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut out = Vec::new();
    while at < bytes.len() {
        at += bytes[at..].iter().position(|&b| b == b'\n').unwrap() + 1;
        out.extend_from_slice(&bytes[at..at + frame]);
        at += frame;
    }
    std::fs::write(raw, out).unwrap();
}

struct Comparison<'a> {
    output: &'a str,
    unreliable: Vec<String>,
    worst: &'a mut BTreeMap<String, Worst>,
    failures: &'a mut Vec<String>,
}

impl Comparison<'_> {
    fn check(&mut self, metric: &str, place: String, theirs: &Value, mine: Option<&Value>) {
        if self
            .unreliable
            .iter()
            .any(|m| metric.starts_with(m.as_str()))
        {
            return;
        }
        let (Some(theirs), Some(mine)) = (theirs.as_f64(), mine.and_then(Value::as_f64)) else {
            // libvmaf prints null for non-finite values; so must we.
            if !(theirs.is_null() && mine.is_some_and(Value::is_null)) {
                self.failures
                    .push(format!("{place}: {metric} ours {mine:?} libvmaf {theirs}"));
            }
            return;
        };
        let delta = (mine - theirs).abs();
        let key = if metric.starts_with("vmaf") {
            format!("{metric} [{}]", self.output)
        } else {
            metric.to_string()
        };
        let w = self.worst.entry(key).or_default();
        w.count += 1;
        if delta > w.delta || w.place.is_empty() {
            w.delta = delta;
            w.place = place.clone();
        }
        if delta > tolerance(metric) {
            self.failures.push(format!(
                "{place}: {metric} ours {mine} libvmaf {theirs} (|delta| {delta:.3e})"
            ));
        }
    }
}

/// The names in a report's `aggregate_metrics`, in the order printed (serde_json's
/// maps are sorted, so read them from the text).
fn aggregate_names(text: &str) -> Vec<String> {
    let Some(start) = text.find("\"aggregate_metrics\"") else {
        return Vec::new();
    };
    let block = &text[start..];
    let block = &block[..block.find('}').unwrap_or(block.len())];
    block
        .lines()
        .skip(1)
        .filter_map(|line| line.trim().strip_prefix('"'))
        .filter_map(|rest| rest.split_once('"').map(|(name, _)| name.to_string()))
        .collect()
}

/// libvmaf's `aggregate_metrics` (psnr's `apsnr_*`): the same names in the same order,
/// and each value as libvmaf's.
fn compare_aggregates(
    comparison: &mut Comparison<'_>,
    place: &str,
    (golden_text, golden): (&str, &Value),
    (our_text, ours): (&str, &Value),
) {
    let (theirs, mine) = (aggregate_names(golden_text), aggregate_names(our_text));
    if theirs != mine {
        comparison.failures.push(format!(
            "{place}: aggregate metrics {mine:?}, libvmaf {theirs:?}"
        ));
    }
    for name in &theirs {
        let at = format!("{place} aggregate");
        comparison.check(
            name,
            at,
            &golden["aggregate_metrics"][name],
            ours["aggregate_metrics"].get(name),
        );
    }
}

/// Whether our refusal is the documented difference from libvmaf (docs/exactness.md):
/// libvmaf drops an extractor that cannot score the input and reports the rest, where
/// we refuse the run and name the extractor. The golden report must then lack that
/// extractor's values.
fn dropped_by_libvmaf(message: &str, golden: &Path) -> bool {
    let golden = std::fs::read_to_string(golden).unwrap_or_default();
    ["float_ms_ssim", "cambi", "psnr_hvs"]
        .into_iter()
        .any(|name| {
            message.contains(&format!("{name} needs")) && !golden.contains(&format!("\"{name}"))
        })
}

#[test]
fn libvmaf_commands_give_libvmaf_results() {
    let Some(dir) = corpus_dir() else {
        assert!(
            std::env::var_os("VMAFX_REQUIRE_CONFORMANCE").is_none(),
            "conformance corpus not found (set VMAFX_CONFORMANCE_DIR)"
        );
        return;
    };
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    let scratch = std::env::temp_dir().join(format!("vmafx-parity-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let mut worst = BTreeMap::new();
    let mut failures = Vec::new();
    let (mut scored, mut refused) = (0, 0);
    for pair in manifest["pairs"].as_array().unwrap() {
        let name = pair["name"].as_str().unwrap();
        for entry in pair["parity_outputs"].as_array().into_iter().flatten() {
            let output = entry["output"].as_str().unwrap();
            let command = entry["command"].as_str().unwrap();
            let json_path = scratch.join(format!("{name}.{output}.json"));
            let run = Command::new(env!("CARGO_BIN_EXE_vmafx"))
                .args(our_arguments(command, &json_path, pair, &dir, &scratch))
                .current_dir(&dir)
                .output()
                .expect("the vmafx binary runs");
            let place = format!("{name} / {output}");
            let Some(golden) = entry["json"].as_str() else {
                refused += 1;
                let message = String::from_utf8_lossy(&run.stderr);
                if run.status.success() || message.trim().is_empty() {
                    failures.push(format!(
                        "{place}: libvmaf refused ({}), we did not refuse with a message",
                        entry["libvmaf_failed"]
                    ));
                }
                continue;
            };
            if !run.status.success() {
                let message = String::from_utf8_lossy(&run.stderr);
                if dropped_by_libvmaf(&message, &dir.join(golden)) {
                    refused += 1;
                    continue;
                }
                failures.push(format!(
                    "{place}: failed: {}",
                    String::from_utf8_lossy(&run.stderr).trim()
                ));
                continue;
            }
            scored += 1;
            let golden_text = std::fs::read_to_string(dir.join(golden)).unwrap();
            let golden: Value = serde_json::from_str(&golden_text).unwrap();
            let our_text = std::fs::read_to_string(&json_path).unwrap();
            let ours: Value = serde_json::from_str(&our_text)
                .unwrap_or_else(|e| panic!("{place}: our JSON does not parse: {e}"));
            let unreliable = entry["unreliable_metrics"]
                .as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            let mut comparison = Comparison {
                output,
                unreliable,
                worst: &mut worst,
                failures: &mut failures,
            };
            let golden_frames = golden["frames"].as_array().unwrap();
            let our_frames = ours["frames"].as_array().unwrap();
            if golden_frames.len() != our_frames.len() {
                comparison.failures.push(format!(
                    "{place}: {} frames, libvmaf {}",
                    our_frames.len(),
                    golden_frames.len()
                ));
                continue;
            }
            for (g, o) in golden_frames.iter().zip(our_frames) {
                let n = g["frameNum"].as_u64().unwrap();
                for (metric, value) in g["metrics"].as_object().unwrap() {
                    let at = format!("{place} frame {n}");
                    comparison.check(metric, at, value, o["metrics"].get(metric));
                }
            }
            compare_aggregates(
                &mut comparison,
                &place,
                (&golden_text, &golden),
                (&our_text, &ours),
            );
            for (metric, pooled) in golden["pooled_metrics"].as_object().unwrap() {
                for (method, value) in pooled.as_object().unwrap() {
                    let mine = ours["pooled_metrics"]
                        .get(metric)
                        .and_then(|m| m.get(method));
                    let at = format!("{place} pooled {method}");
                    comparison.check(&format!("{metric} (pooled)"), at, value, mine);
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    eprintln!("\n{scored} runs compared, {refused} refusals checked; worst |delta| per metric:");
    for (metric, w) in &worst {
        eprintln!(
            "{metric:<60} {:>10.3e} {:>6}  {}",
            w.delta, w.count, w.place
        );
    }
    assert!(scored > 0, "the manifest lists no parity outputs");
    assert!(
        failures.is_empty(),
        "{} differences from libvmaf:\n{}",
        failures.len(),
        failures[..failures.len().min(60)].join("\n")
    );
}
