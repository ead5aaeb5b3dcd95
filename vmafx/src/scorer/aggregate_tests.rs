//! `aggregate_metrics` of a run: psnr's `apsnr_*` equal libvmaf's golden values
//! whatever the thread count, and cover every frame under subsampling as libvmaf's do.

use crate::backend::BackendKind;
use crate::io::{self, InputKind};
use crate::report::{format_score, Report, ReportFormat};
use crate::test_support::corpus_dir;
use crate::test_support::parity_runs::{parity_runs, ParityRun};

use super::ScorerBuilder;

fn score(run: &ParityRun, spec: &str, threads: usize, subsample: u64) -> Report {
    let mut reference = io::open(&run.reference, InputKind::Y4m).expect("reference opens");
    let mut distorted = io::open(&run.distorted, InputKind::Y4m).expect("distorted opens");
    let mut scorer = ScorerBuilder::new()
        .backend(BackendKind::Cpu)
        .feature_spec(spec)
        .expect("the request parses")
        .threads(threads)
        .subsample(subsample)
        .build(*reference.format())
        .expect("the scorer builds");
    while let Some(r) = reference.read_frame().expect("reference reads") {
        let d = distorted
            .read_frame()
            .expect("distorted reads")
            .expect("as many distorted frames");
        scorer.push_frames(r, d).expect("frames score");
    }
    scorer.finish().expect("the run finishes")
}

fn golden_aggregates(run: &ParityRun) -> Vec<(String, Option<f64>)> {
    let text = std::fs::read_to_string(&run.golden).expect("golden JSON reads");
    // Key order matters: libvmaf prints aggregates in the order it set them.
    let json: serde_json::Value = serde_json::from_str(&text).expect("golden JSON parses");
    let block = &text[text.find("\"aggregate_metrics\"").expect("aggregate block")..];
    let mut names: Vec<&str> = ["apsnr_y", "apsnr_cb", "apsnr_cr"]
        .into_iter()
        .filter(|n| block.contains(&format!("\"{n}\"")))
        .collect();
    names.sort_by_key(|n| block.find(&format!("\"{n}\"")));
    names
        .into_iter()
        .map(|n| (n.to_string(), json["aggregate_metrics"][n].as_f64()))
        .collect()
}

fn printed(report: &Report) -> Vec<(String, Option<f64>)> {
    report
        .aggregate
        .iter()
        .map(|(name, value)| (name.clone(), format_score(*value).parse().ok()))
        .collect()
}

#[test]
fn apsnr_equals_libvmaf_for_any_thread_count_and_subsampling() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("conformance corpus not found; set VMAFX_CONFORMANCE_DIR to run this test");
        return;
    };
    let runs = parity_runs(&corpus, "extra_features");
    assert!(!runs.is_empty(), "no extra_features golden JSON");
    let spec = "psnr=enable_apsnr=true:enable_mse=true";
    for run in &runs {
        let want = golden_aggregates(run);
        assert_eq!(want.len(), 3, "{}: golden lacks apsnr", run.pair);
        for (threads, subsample) in [(1, 1), (3, 1), (1, 4), (2, 3)] {
            let report = score(run, spec, threads, subsample);
            assert_eq!(
                printed(&report),
                want,
                "{} with {threads} threads, subsample {subsample}",
                run.pair
            );
        }
    }
}

#[test]
fn apsnr_without_chroma_prints_null_chroma_like_libvmaf() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("conformance corpus not found; set VMAFX_CONFORMANCE_DIR to run this test");
        return;
    };
    let runs = parity_runs(&corpus, "extra_features");
    let run = runs.first().expect("an extra_features run");
    let want = golden_aggregates(run);
    let report = score(run, "psnr=enable_apsnr=true:enable_chroma=false", 2, 1);
    let names: Vec<&str> = report.aggregate.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["apsnr_y", "apsnr_cb", "apsnr_cr"]);
    assert_eq!(printed(&report)[0], want[0]);
    let json = report.to_string(ReportFormat::Json);
    assert!(
        json.contains("\"apsnr_cb\": null,\n    \"apsnr_cr\": null\n"),
        "{json}"
    );
}

#[test]
fn runs_without_apsnr_have_no_aggregates() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("conformance corpus not found; set VMAFX_CONFORMANCE_DIR to run this test");
        return;
    };
    let runs = parity_runs(&corpus, "extra_features");
    let run = runs.first().expect("an extra_features run");
    assert!(score(run, "psnr=enable_mse=true", 2, 2)
        .aggregate
        .is_empty());
}
