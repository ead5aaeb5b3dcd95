//! Scoring every pair of the conformance corpus that has a golden JSON for one parity
//! output (such as `extra_features`) and holding our per-frame and pooled values to it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{as_printed, corpus_dir, golden_frames};
use crate::frame::{FrameFormat, FrameView};
use crate::io::{self, InputKind};

/// One pair whose parity output has golden values.
pub(crate) struct ParityRun {
    /// The pair's name.
    pub(crate) pair: String,
    /// Reference clip.
    pub(crate) reference: PathBuf,
    /// Distorted clip.
    pub(crate) distorted: PathBuf,
    /// libvmaf's JSON for the output.
    pub(crate) golden: PathBuf,
}

/// Every pair of the manifest whose parity output `output` has a JSON (libvmaf did not
/// refuse it), in manifest order.
pub(crate) fn parity_runs(corpus: &Path, output: &str) -> Vec<ParityRun> {
    let text = std::fs::read_to_string(corpus.join("manifest.json")).expect("manifest reads");
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("manifest parses");
    let mut runs = Vec::new();
    for pair in manifest["pairs"].as_array().expect("pair list") {
        let path = |key: &str| corpus.join(pair[key].as_str().expect("clip path"));
        let outputs = pair["parity_outputs"].as_array().expect("parity outputs");
        let golden = outputs
            .iter()
            .filter(|o| o["output"] == output)
            .find_map(|o| o["json"].as_str());
        if let Some(json) = golden {
            runs.push(ParityRun {
                pair: pair["name"].as_str().expect("pair name").to_string(),
                reference: path("ref"),
                distorted: path("dist"),
                golden: corpus.join(json),
            });
        }
    }
    runs
}

/// Worst difference per metric over all compared values, and how many printed apart.
#[derive(Default)]
struct Agreement {
    worst: BTreeMap<&'static str, (f64, String)>,
    misprinted: BTreeMap<&'static str, usize>,
    compared: BTreeMap<&'static str, usize>,
}

impl Agreement {
    fn record(&mut self, name: &'static str, ours: f64, golden: f64, at: String) {
        let delta = (ours - golden).abs();
        *self.compared.entry(name).or_default() += 1;
        if as_printed(ours) != golden {
            *self.misprinted.entry(name).or_default() += 1;
        }
        let slot = self.worst.entry(name).or_insert((0.0, String::new()));
        // A NaN is kept too, and then fails the tolerance check.
        if delta > slot.0 || delta.is_nan() || slot.1.is_empty() {
            *slot = (delta, format!("{at}: {ours} vs {golden}"));
        }
    }
}

/// Scores every pair of the parity output `output` with a scorer made per format by
/// `new_scorer`, compares each named value with libvmaf's golden frame values and pooled
/// means, prints the worst `|delta|` per metric and asserts it is at most `tolerance`.
///
/// Returns false (after saying so) when the corpus is absent.
pub(crate) fn assert_matches_golden<S, F>(output: &str, tolerance: f64, mut new_scorer: F) -> bool
where
    F: FnMut(&FrameFormat) -> S,
    S: FnMut(&FrameView<'_>, &FrameView<'_>) -> Vec<(&'static str, f64)>,
{
    let Some(corpus) = corpus_dir() else {
        eprintln!("conformance corpus not found; set VMAFX_CONFORMANCE_DIR to run this test");
        return false;
    };
    let runs = parity_runs(&corpus, output);
    assert!(!runs.is_empty(), "no {output} golden JSON in the manifest");
    let mut frames_agreement = Agreement::default();
    let mut pooled_agreement = Agreement::default();
    for run in &runs {
        let expected = golden_frames(&run.golden);
        let text = std::fs::read_to_string(&run.golden).expect("golden JSON reads");
        let json: serde_json::Value = serde_json::from_str(&text).expect("golden JSON parses");
        let mut reference = io::open(&run.reference, InputKind::Y4m).expect("reference opens");
        let mut distorted = io::open(&run.distorted, InputKind::Y4m).expect("distorted opens");
        let mut scorer = new_scorer(reference.format());
        let mut sums: BTreeMap<&'static str, f64> = BTreeMap::new();
        let mut index = 0;
        while let Some(r) = reference.read_frame().expect("reference reads") {
            let d = distorted
                .read_frame()
                .expect("distorted reads")
                .expect("distorted has as many frames");
            let golden = &expected[index];
            for (name, ours) in scorer(&r.view(), &d.view()) {
                let want = *golden
                    .get(name)
                    .unwrap_or_else(|| panic!("{}: golden lacks {name}", run.pair));
                let at = format!("{} frame {index}", run.pair);
                frames_agreement.record(name, ours, want, at);
                *sums.entry(name).or_default() += ours;
            }
            index += 1;
        }
        assert_eq!(index, expected.len(), "{}: frame count", run.pair);
        for (name, sum) in sums {
            let mean = json["pooled_metrics"][name]["mean"]
                .as_f64()
                .unwrap_or_else(|| panic!("{}: no pooled {name}", run.pair));
            let at = format!("{} pooled mean", run.pair);
            pooled_agreement.record(name, sum / index as f64, mean, at);
        }
    }
    for (label, agreement) in [("frames", &frames_agreement), ("pooled", &pooled_agreement)] {
        for (name, (delta, at)) in &agreement.worst {
            let wrong = agreement.misprinted.get(name).copied().unwrap_or(0);
            let total = agreement.compared[name];
            eprintln!(
                "{label} {name:>20}: worst |delta| {delta:.3e}, {wrong}/{total} printed \
                 differently (worst at {at})"
            );
        }
    }
    for agreement in [&frames_agreement, &pooled_agreement] {
        for (name, (delta, at)) in &agreement.worst {
            assert!(*delta <= tolerance, "{name}: |delta| {delta:e} at {at}");
        }
    }
    true
}
