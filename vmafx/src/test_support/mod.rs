//! What the unit tests that read the conformance corpus share: finding it, reading
//! libvmaf's golden JSON, and printing our values the way libvmaf prints them; and
//! synthetic test pictures.

#[cfg(any(feature = "vulkan", feature = "compute"))]
pub(crate) mod adm_cases;
pub(crate) mod outputs;
pub(crate) mod parity_runs;
#[cfg(any(feature = "vulkan", feature = "compute"))]
pub(crate) mod pictures;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The conformance corpus: `VMAFX_CONFORMANCE_DIR`, else `shared/conformance` in a folder
/// at or above the crate. `None` when absent: the tests then say so and pass, and the
/// integration test in `tests/conformance.rs` (which CI requires) does the gatekeeping.
pub(crate) fn corpus_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("VMAFX_CONFORMANCE_DIR") {
        return Some(PathBuf::from(dir));
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("shared/conformance"))
        .find(|dir| dir.join("clips").is_dir())
}

/// The corpus's `clips` folder.
pub(crate) fn clips_dir() -> Option<PathBuf> {
    corpus_dir().map(|dir| dir.join("clips"))
}

/// Golden JSON files in `clips` for one model (`<pair>.<model>.json`), sorted.
pub(crate) fn golden_files(clips: &Path, model: &str) -> Vec<PathBuf> {
    let suffix = format!(".{model}.json");
    let mut files: Vec<PathBuf> = std::fs::read_dir(clips)
        .expect("conformance clips folder is readable")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.to_string_lossy().ends_with(&suffix))
        .collect();
    files.sort();
    files
}

/// Per-frame golden values of one JSON file, by metric name.
pub(crate) fn golden_frames(path: &Path) -> Vec<BTreeMap<String, f64>> {
    let text = std::fs::read_to_string(path).expect("golden JSON reads");
    let json: serde_json::Value = serde_json::from_str(&text).expect("golden JSON parses");
    json["frames"]
        .as_array()
        .expect("frames array")
        .iter()
        .map(|f| {
            f["metrics"]
                .as_object()
                .expect("metrics object")
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_f64()?)))
                .collect()
        })
        .collect()
}

/// Our value as libvmaf's JSON writer prints it, read back: golden numbers are such
/// printed values, so equality after printing is the strict check.
pub(crate) fn as_printed(value: f64) -> f64 {
    crate::report::format_score(value)
        .parse()
        .expect("a formatted number parses")
}
