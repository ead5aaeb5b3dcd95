//! The conformance corpus as a training dataset: libvmaf's own vmaf_v0.6.1 scores of
//! each pair stand in for subjective scores.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde_json::{json, Value};

/// One conformance pair and libvmaf's golden per-frame output for it.
pub struct GoldenPair {
    /// The pair's name in the manifest.
    pub name: String,
    /// The dataset record (absolute paths).
    pub record: Value,
    /// libvmaf's per-frame `metrics` objects.
    pub frames: Vec<Value>,
    /// libvmaf's pooled mean VMAF.
    pub pooled_vmaf: f64,
}

/// The corpus: `VMAFX_CONFORMANCE_DIR`, else `shared/conformance` beside the repository.
/// `None` (after saying so) when it is absent, unless `VMAFX_REQUIRE_CONFORMANCE=1`,
/// where its absence fails the test.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("VMAFX_CONFORMANCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/conformance"));
    if dir.join("manifest.json").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var("VMAFX_REQUIRE_CONFORMANCE").as_deref() != Ok("1"),
        "the conformance corpus is required but {} has no manifest.json",
        dir.display()
    );
    eprintln!("skipped: no conformance corpus at {}", dir.display());
    None
}

/// Every pair of the corpus with its vmaf_v0.6.1 golden output.
pub fn golden_pairs(dir: &Path) -> Vec<GoldenPair> {
    let read = |path: &Path| -> Value {
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    };
    let manifest = read(&dir.join("manifest.json"));
    manifest["pairs"]
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
            let golden = read(&dir.join(output["json"].as_str().unwrap()));
            let name = pair["name"].as_str().unwrap().to_owned();
            let reference = dir.join(pair["ref"].as_str().unwrap());
            let mut record = json!({
                "reference": reference,
                "distorted": dir.join(pair["dist"].as_str().unwrap()),
                "score": output["pooled_vmaf_mean"],
                "group": name.split("__").next().unwrap(),
            });
            if reference.extension().is_some_and(|e| e == "yuv") {
                record["width"] = pair["width"].clone();
                record["height"] = pair["height"].clone();
                record["pixel_format"] = pair["chroma_subsampling"].clone();
                record["bit_depth"] = pair["bitdepth"].clone();
            }
            GoldenPair {
                name,
                record,
                frames: golden["frames"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| f["metrics"].clone())
                    .collect(),
                pooled_vmaf: output["pooled_vmaf_mean"].as_f64().unwrap(),
            }
        })
        .collect()
}

/// A scratch folder removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("vmafx-train-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes a dataset JSON file of these records.
pub fn write_dataset(path: &Path, records: &[Value]) {
    std::fs::write(path, json!({ "pairs": records }).to_string()).unwrap();
}

/// Whether libsvm can be loaded; its absence fails when `VMAFX_REQUIRE_LIBSVM=1`.
pub fn libsvm_present() -> bool {
    match vmafx_train::libsvm::available() {
        Ok(()) => true,
        Err(error) => {
            assert!(
                std::env::var("VMAFX_REQUIRE_LIBSVM").as_deref() != Ok("1"),
                "{error}"
            );
            eprintln!("skipped: {error}");
            false
        }
    }
}
