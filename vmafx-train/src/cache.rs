//! A folder of per-pair feature files, so an interrupted extraction resumes where it
//! stopped and a second training run over the same inputs extracts nothing.
//!
//! A pair's file is named after a hash of everything its values depend on: both inputs'
//! absolute paths, sizes and modification times, how they are read, and the features
//! with their options. The file repeats that description and is used only when it
//! matches, so a hash collision costs an extraction, never wrong values.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::dataset::Pair;
use crate::error::{Error, Result};

/// Where per-pair feature files live.
#[derive(Clone, Debug)]
pub struct FeatureCache {
    dir: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    key: String,
    features: Vec<String>,
    frames: Vec<Vec<f64>>,
}

impl FeatureCache {
    /// A cache in `dir`, created when missing.
    pub fn open(dir: &Path) -> Result<FeatureCache> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::io(format!("cannot create cache folder {}", dir.display()), e))?;
        Ok(FeatureCache {
            dir: dir.to_owned(),
        })
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The per-frame values stored for this key, if any (a damaged file counts as none).
    pub fn get(&self, key: &str) -> Option<Vec<Vec<f64>>> {
        let text = std::fs::read_to_string(self.file(key)).ok()?;
        let entry: Entry = serde_json::from_str(&text).ok()?;
        (entry.key == key).then_some(entry.frames)
    }

    /// Stores per-frame values under a key; written whole to a temporary file first and
    /// renamed, so an interruption never leaves half a file under the real name.
    pub fn put(&self, key: &str, features: &[String], frames: &[Vec<f64>]) -> Result<()> {
        let entry = Entry {
            key: key.to_owned(),
            features: features.to_vec(),
            frames: frames.to_vec(),
        };
        let path = self.file(key);
        let partial = path.with_extension(format!("partial-{}", std::process::id()));
        let text = serde_json::to_string(&entry)
            .map_err(|e| Error::Training(format!("cannot encode cached features: {e}")))?;
        let write = || -> std::io::Result<()> {
            let mut file = std::fs::File::create(&partial)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            std::fs::rename(&partial, &path)
        };
        write().map_err(|e| Error::io(format!("cannot write {}", path.display()), e))
    }

    fn file(&self, key: &str) -> PathBuf {
        self.dir
            .join(format!("{:016x}.json", fnv1a(key.as_bytes())))
    }
}

/// The description of everything a pair's feature values depend on.
pub fn pair_key(pair: &Pair, features: &str) -> Result<String> {
    let mut key = String::from("vmafx-train features v1\n");
    for path in [&pair.reference, &pair.distorted] {
        let absolute = std::fs::canonicalize(path)
            .map_err(|e| Error::io(format!("cannot resolve {}", path.display()), e))?;
        let meta = std::fs::metadata(&absolute)
            .map_err(|e| Error::io(format!("cannot stat {}", absolute.display()), e))?;
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        key.push_str(&format!(
            "{}\t{}\t{modified}\n",
            absolute.display(),
            meta.len()
        ));
    }
    key.push_str(&format!("{:?}\n{features}\n", pair.input));
    Ok(key)
}

/// 64-bit FNV-1a: stable across builds and platforms, unlike std's hasher.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn stored_values_come_back_only_under_their_key() {
        let dir = std::env::temp_dir().join(format!("vmafx-train-cache-{}", std::process::id()));
        let cache = FeatureCache::open(&dir).unwrap();
        let frames = vec![vec![1.5, 2.0], vec![0.25, -3.0]];
        cache
            .put("key one", &["a".into(), "b".into()], &frames)
            .unwrap();
        assert_eq!(cache.get("key one"), Some(frames));
        assert_eq!(cache.get("key two"), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
