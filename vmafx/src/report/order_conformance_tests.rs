//! Holds the metric order of our JSON, XML, CSV and subtitle reports equal to libvmaf's,
//! for every request of the conformance corpus that this build can compute: the classic
//! `outputs` and the `parity_outputs` given by `--model`, `--feature` and `--threads`
//! (the `--aom_ctc`/`--nflx_ctc` presets are the CLI's and are checked there).
//!
//! libvmaf's order depends on the request, not on the pixels, so each distinct request
//! is scored once, on the first pair libvmaf ran it on, over its first two frames (the
//! second frame is when `float_motion` first writes `motion3`).

use std::collections::BTreeSet;
use std::path::Path;

use super::ReportFormat;
use crate::io::InputKind;
use crate::test_support::corpus_dir;
use crate::{Error, FeatureRequest, Model, ReportOrder, ScoreJob, ScorerBuilder};

/// The per-frame and pooled metric names of a report, in the order it lists them.
#[derive(Debug, PartialEq)]
struct Order {
    frame: Vec<String>,
    pooled: Vec<String>,
}

/// Text between the first `"` pair of a line.
fn quoted(line: &str) -> Option<&str> {
    line.split('"').nth(1)
}

fn json_order(text: &str) -> Order {
    let frame = text
        .lines()
        .skip_while(|l| !l.contains("\"metrics\": {"))
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with('}'))
        .filter_map(|l| quoted(l).map(str::to_string))
        .collect();
    let pooled = text
        .lines()
        .skip_while(|l| !l.contains("\"pooled_metrics\": {"))
        .skip(1)
        .take_while(|l| !l.contains("\"aggregate_metrics\""))
        .filter(|l| l.starts_with("    \"") && l.ends_with('{'))
        .filter_map(|l| quoted(l).map(str::to_string))
        .collect();
    Order { frame, pooled }
}

fn xml_order(text: &str) -> Order {
    let frame_line = text
        .lines()
        .find(|l| l.trim_start().starts_with("<frame "))
        .unwrap_or("");
    let frame = frame_line
        .split_whitespace()
        .filter_map(|attr| attr.split_once("=\"").map(|(name, _)| name.to_string()))
        .filter(|name| name != "frameNum")
        .collect();
    let pooled = text
        .lines()
        .filter(|l| l.trim_start().starts_with("<metric name=\""))
        .filter_map(|l| quoted(l).map(str::to_string))
        .collect();
    Order { frame, pooled }
}

fn csv_order(text: &str) -> Vec<String> {
    let header = text.lines().next().unwrap_or("");
    header
        .split(',')
        .skip(1)
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect()
}

fn sub_order(text: &str) -> Vec<String> {
    let first = text.lines().next().unwrap_or("");
    first
        .split('|')
        .skip(1)
        .filter_map(|field| field.split_once(": ").map(|(name, _)| name.to_string()))
        .collect()
}

/// The parts of a libvmaf command that shape the report, or why this build skips it.
fn request(command: &str) -> Result<(ScorerBuilder, String), String> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let mut builder = ScorerBuilder::new();
    let mut key = Vec::new();
    let mut models = 0;
    let mut i = 1;
    while i < words.len() {
        let (flag, value) = (words[i], words.get(i + 1).copied().unwrap_or(""));
        i += 2;
        match flag {
            "--model" => {
                let mut version = None;
                let mut name = crate::DEFAULT_MODEL_NAME;
                for part in value.split(':') {
                    match part.split_once('=') {
                        Some(("version", v)) => version = Some(v),
                        Some(("name", n)) => name = n,
                        _ => return Err(format!("model option {part:?}")),
                    }
                }
                let model = Model::builtin(version.ok_or("model without version")?)
                    .map_err(|e| e.to_string())?;
                builder = builder.named_model(name, model);
                models += 1;
            }
            "--feature" => {
                let feature = FeatureRequest::parse(value).map_err(|e| e.to_string())?;
                builder = builder.feature(feature);
            }
            "--threads" => {
                let threads: usize = value.parse().map_err(|_| "threads")?;
                if threads > 0 {
                    builder = builder.report_order(ReportOrder::Threaded);
                }
            }
            "--aom_ctc" | "--nflx_ctc" => return Err("a CLI preset".into()),
            "--reference" | "--distorted" | "--output" | "--width" | "--height"
            | "--pixel_format" | "--bitdepth" => continue,
            "--json" => {
                i -= 1;
                continue;
            }
            other => return Err(format!("flag {other}")),
        }
        key.push(format!("{flag} {value}"));
    }
    if models == 0 {
        builder = builder.model(Model::builtin("vmaf_v0.6.1").map_err(|e| e.to_string())?);
    }
    Ok((builder, key.join(" ")))
}

#[test]
fn reports_list_metrics_in_libvmafs_order() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("conformance corpus not found; set VMAFX_CONFORMANCE_DIR");
        return;
    };
    let text = std::fs::read_to_string(corpus.join("manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut seen = BTreeSet::new();
    let (mut compared, mut skipped) = (Vec::new(), Vec::new());
    for pair in manifest["pairs"].as_array().unwrap() {
        let outputs = pair["outputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| (o, true));
        let parity = pair["parity_outputs"].as_array();
        let parity = parity.into_iter().flatten().map(|o| (o, false));
        for (output, classic) in outputs.chain(parity) {
            let Some(golden) = output["json"].as_str() else {
                continue;
            };
            let command = output["command"].as_str().unwrap();
            let (builder, key) = match request(command) {
                Ok(request) => request,
                Err(why) => {
                    assert!(!classic, "classic request {command} not understood: {why}");
                    skipped.push(format!("{golden}: {why}"));
                    continue;
                }
            };
            if !seen.insert(key.clone()) {
                continue;
            }
            let golden_text = std::fs::read_to_string(corpus.join(golden)).unwrap();
            let expected = json_order(&golden_text);
            let ours = match score(&corpus, pair, builder) {
                Ok(ours) => ours,
                // Extractors other parts of the project have yet to provide.
                Err(error @ (Error::Feature(_) | Error::Model { .. })) if !classic => {
                    skipped.push(format!("{golden}: {error}"));
                    continue;
                }
                Err(error) => panic!("{golden}: {error}"),
            };
            let [json, xml, csv, sub] = ours;
            assert_eq!(json_order(&json), expected, "JSON order, {golden}");
            assert_eq!(xml_order(&xml), expected, "XML order, {golden}");
            assert_eq!(csv_order(&csv), expected.frame, "CSV order, {golden}");
            assert_eq!(sub_order(&sub), expected.frame, "subtitle order, {golden}");
            compared.push(golden.to_string());
        }
    }
    eprintln!(
        "metric order equal to libvmaf's for {compared:#?}\nnot computable yet: {skipped:#?}"
    );
    assert!(
        compared.len() >= 7,
        "too few requests compared: {compared:?}"
    );
}

/// Scores the first two frames of a pair; the report in JSON, XML, CSV and subtitles.
fn score(
    corpus: &Path,
    pair: &serde_json::Value,
    builder: ScorerBuilder,
) -> crate::Result<[String; 4]> {
    let path = |key: &str| corpus.join(pair[key].as_str().unwrap());
    let mut job = ScoreJob::new(path("ref"), path("dist"), InputKind::Y4m);
    job.max_frames = Some(2);
    let report = job.run(builder, |_| {})?.report;
    Ok([
        ReportFormat::Json,
        ReportFormat::Xml,
        ReportFormat::Csv,
        ReportFormat::Sub,
    ]
    .map(|f| report.to_string(f)))
}
