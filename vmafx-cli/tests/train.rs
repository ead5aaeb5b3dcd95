//! `vmafx train` and `vmafx evaluate` from the command line: a model trained on the
//! conformance pairs loads in the scoring command, and bad datasets are refused with
//! messages that say what is wrong.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

const SAMPLE_REF: &str = "samples/testsrc2_352x288.ref.y4m";
const SAMPLE_DIST: &str = "samples/testsrc2_352x288.x265_crf32.dist.y4m";

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn vmafx(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vmafx"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("the vmafx binary runs")
}

/// A scratch folder removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("vmafx-cli-train-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }

    fn dataset(&self, name: &str, pairs: Value) -> String {
        let path = self.file(name);
        std::fs::write(&path, json!({ "pairs": pairs }).to_string()).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn sample(name: &str) -> String {
    repo().join(name).to_string_lossy().into_owned()
}

fn refusal(args: &[&str]) -> String {
    let out = vmafx(args);
    assert!(!out.status.success(), "{args:?} was accepted");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn bad_datasets_are_refused_with_the_reason() {
    let dir = Scratch::new("bad");
    let model = dir.file("model.json");
    let missing = dir.dataset(
        "missing.json",
        json!([{"reference": sample(SAMPLE_REF), "distorted": "nowhere.y4m", "score": 50}]),
    );
    let message = refusal(&["train", "--dataset", &missing, "-o", &model]);
    assert!(
        message.contains("distorted file") && message.contains("nowhere.y4m does not exist"),
        "{message}"
    );

    let wordy = dir.dataset(
        "wordy.json",
        json!([{"reference": sample(SAMPLE_REF), "distorted": sample(SAMPLE_DIST), "score": "excellent"}]),
    );
    let message = refusal(&["train", "--dataset", &wordy, "-o", &model]);
    assert!(
        message.contains("score \"excellent\" is not a number"),
        "{message}"
    );

    let twice = json!([
        {"reference": sample(SAMPLE_REF), "distorted": sample(SAMPLE_DIST), "score": 50, "group": "a"},
        {"reference": sample(SAMPLE_REF), "distorted": sample(SAMPLE_DIST), "score": 60, "group": "b"}
    ]);
    let two = dir.dataset("two.json", twice);
    let message = refusal(&[
        "train",
        "--dataset",
        &two,
        "-o",
        &model,
        "--grid-search",
        "--folds",
        "5",
    ]);
    assert!(
        message.contains("2 pairs in 2 content groups cannot fill 5 folds"),
        "{message}"
    );

    let message = refusal(&[
        "train",
        "--dataset",
        &two,
        "-o",
        &model,
        "--feature",
        "psnr_y",
    ]);
    assert!(
        message.contains("feature \"psnr_y\" is not one of model vmaf_v0.6.1's"),
        "{message}"
    );

    if let Err(error) = vmafx_train::libsvm::available() {
        assert!(
            std::env::var("VMAFX_REQUIRE_LIBSVM").as_deref() != Ok("1"),
            "{error}"
        );
        eprintln!("skipped the cases past extraction: {error}");
        return;
    }

    // The same pair twice: every feature is the same for both, so none can be rescaled.
    let message = refusal(&["train", "--dataset", &two, "-o", &model, "--no-cache"]);
    assert!(
        message.contains("feature VMAF_integer_feature_adm2_score is constant"),
        "{message}"
    );
    assert!(
        !Path::new(&model).exists(),
        "no model is written on failure"
    );

    let broken = dir.file("broken.y4m");
    std::fs::write(&broken, "not a video\n").unwrap();
    let unreadable = dir.dataset(
        "unreadable.json",
        json!([{"reference": sample(SAMPLE_REF), "distorted": broken, "score": 50}]),
    );
    let message = refusal(&[
        "train",
        "--dataset",
        &unreadable,
        "-o",
        &model,
        "--no-cache",
    ]);
    assert!(
        message.contains("feature extraction failed: pair 0 (") && message.contains("broken.y4m"),
        "{message}"
    );
}

/// The conformance pairs as a dataset, libvmaf's vmaf_v0.6.1 scores as the scores.
fn conformance_dataset(dir: &Scratch) -> Option<String> {
    let corpus = std::env::var_os("VMAFX_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/conformance"));
    let Ok(text) = std::fs::read_to_string(corpus.join("manifest.json")) else {
        assert!(
            std::env::var("VMAFX_REQUIRE_CONFORMANCE").as_deref() != Ok("1"),
            "the conformance corpus is required"
        );
        eprintln!("skipped: no conformance corpus at {}", corpus.display());
        return None;
    };
    let manifest: Value = serde_json::from_str(&text).unwrap();
    let pairs: Vec<Value> = manifest["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| {
            let output = pair["outputs"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["model"] == "vmaf_v0.6.1")
                .unwrap();
            let reference = pair["ref"].as_str().unwrap();
            let mut record = json!({
                "reference": corpus.join(reference),
                "distorted": corpus.join(pair["dist"].as_str().unwrap()),
                "score": output["pooled_vmaf_mean"],
                "group": pair["name"].as_str().unwrap().split("__").next().unwrap(),
            });
            if reference.ends_with(".yuv") {
                record["width"] = pair["width"].clone();
                record["height"] = pair["height"].clone();
                record["pixel_format"] = pair["chroma_subsampling"].clone();
                record["bit_depth"] = pair["bitdepth"].clone();
            }
            record
        })
        .collect();
    Some(dir.dataset("conformance.json", Value::Array(pairs)))
}

#[test]
fn a_trained_model_scores_evaluates_and_plots() {
    let dir = Scratch::new("good");
    let Some(dataset) = conformance_dataset(&dir) else {
        return;
    };
    let model = dir.file("model.json");
    let out = Command::new(env!("CARGO_BIN_EXE_vmafx"))
        .args(["train", "--dataset", &dataset, "-o", &model])
        .env("VMAFX_LIBSVM", "/nonexistent/libsvm.so.3")
        .output()
        .unwrap();
    let message = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "trained without libsvm");
    assert!(
        message.contains("libsvm: cannot be loaded") && message.contains("apt-get install libsvm3"),
        "{message}"
    );
    match vmafx_train::libsvm::available() {
        Ok(()) => {}
        Err(error) => {
            assert!(
                std::env::var("VMAFX_REQUIRE_LIBSVM").as_deref() != Ok("1"),
                "{error}"
            );
            eprintln!("skipped: {error}");
            return;
        }
    }
    let plot = dir.file("fit.png");
    let out = vmafx(&[
        "train",
        "--dataset",
        &dataset,
        "-o",
        &model,
        "--grid-search",
        "--folds",
        "3",
        "--plot",
        &plot,
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("grid search (224 settings, 3 folds by content)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("trained on 15 pairs (6 features"),
        "{stdout}"
    );
    let png = std::fs::read(&plot).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let cache = dir.0.join("model.json.features");
    assert_eq!(
        std::fs::read_dir(cache).unwrap().count(),
        15,
        "one cached file per pair"
    );

    let out = vmafx(&[
        "evaluate",
        "--dataset",
        &dataset,
        "-m",
        &format!("path={model}"),
    ]);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let overall = table.lines().find(|l| l.starts_with("overall")).unwrap();
    let plcc: f64 = overall.split_whitespace().nth(2).unwrap().parse().unwrap();
    assert!(plcc > 0.95, "{table}");

    let out = vmafx(&[
        "-r",
        SAMPLE_REF,
        "-d",
        SAMPLE_DIST,
        "-m",
        &format!("path={model}"),
        "-q",
    ]);
    let summary = String::from_utf8_lossy(&out.stdout);
    // Named by its path, as libvmaf's tool names a model given by path.
    assert!(
        out.status.success() && summary.contains(&format!("{model}: ")),
        "{summary}"
    );

    let boot = dir.file("boot.json");
    let out = vmafx(&[
        "train",
        "--dataset",
        &dataset,
        "-o",
        &boot,
        "--bootstrap",
        "4",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = vmafx(&[
        "-r",
        SAMPLE_REF,
        "-d",
        SAMPLE_DIST,
        "-m",
        &format!("path={boot}"),
        "-q",
    ]);
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("ci.p95: [") && summary.contains("stddev: "),
        "{summary}"
    );
}
