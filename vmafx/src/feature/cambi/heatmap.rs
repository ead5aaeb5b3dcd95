//! CAMBI heatmaps: the per-pixel c-values of every scale of the distorted picture,
//! written as libvmaf's `heatmaps_path` option writes them.
//!
//! One raw file per scale, `cambi_heatmap_scale_<s>_<w>x<h>_16b.gray`, holds every frame
//! in turn: frame `n` starts `n` frames' worth of samples into the file, rows top to
//! bottom, one little-endian `u16` per pixel (libvmaf writes its native order, which is
//! little-endian where it runs). A c-value `c` is stored as `trunc(c · 65535 / max_c)`,
//! where `max_c = max_weight · window² / 4` (integer arithmetic) is the largest c-value
//! the window can produce.
//!
//! The size in a file's name is the encoding size halved once per scale, as libvmaf names
//! it, even with `cambi_high_res_speedup`, where the samples of every scale are already
//! halved once more.

use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Number of CAMBI scales, hence of heatmap files.
const SCALES: usize = 5;

/// Where the heatmaps of one extractor go, and how c-values become samples.
///
/// Files are reopened for every write, so that clones of an extractor (one per worker)
/// can each write their frames into the same files.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Heatmaps {
    files: [PathBuf; SCALES],
    scaling: f64,
}

impl Heatmaps {
    /// Creates `dir` if needed and empties (or creates) the five files for an encoding
    /// size of `width` x `height`, with c-values from windows of `window` pixels and
    /// contrast weights up to `max_weight`.
    pub(super) fn create(
        dir: &Path,
        width: usize,
        height: usize,
        window: usize,
        max_weight: i64,
    ) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            context: format!("cambi: creating heatmaps_path {}", dir.display()),
            source,
        })?;
        let (mut w, mut h) = (width, height);
        let files = std::array::from_fn(|scale| {
            let path = dir.join(format!("cambi_heatmap_scale_{scale}_{w}x{h}_16b.gray"));
            w = w.div_ceil(2);
            h = h.div_ceil(2);
            path
        });
        for path in &files {
            File::create(path).map_err(|source| io_error(path, source))?;
        }
        let window = i64::try_from(window).unwrap_or(i64::MAX);
        let max_c_value = max_weight.saturating_mul(window.saturating_mul(window)) / 4;
        Ok(Self {
            files,
            scaling: f64::from(u16::MAX) / max_c_value as f64,
        })
    }

    /// Writes the `width` x `height` c-values of `scale` as frame `frame` of its file.
    pub(super) fn write(
        &self,
        scale: usize,
        frame: u64,
        values: &[f32],
        width: usize,
        height: usize,
    ) -> Result<()> {
        let path = &self.files[scale];
        let bytes: Vec<u8> = values[..width * height]
            .iter()
            .flat_map(|&c| self.sample(c).to_le_bytes())
            .collect();
        let frame_bytes = (width * height * 2) as u64;
        let mut file = OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|source| io_error(path, source))?;
        file.seek(SeekFrom::Start(frame * frame_bytes))
            .and_then(|_| file.write_all(&bytes))
            .map_err(|source| io_error(path, source))
    }

    /// The stored sample of c-value `c`: scaled, then truncated as C converts to `u16`.
    fn sample(&self, c: f32) -> u16 {
        (self.scaling * f64::from(c)) as u16
    }
}

fn io_error(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        context: format!("cambi: writing heatmap {}", path.display()),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_named_per_scale_and_frames_land_at_their_offset() {
        let dir = std::env::temp_dir().join(format!("vmafx_heatmap_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        // max_c = 4 * 5 * 5 / 4 = 25, so c-values are scaled by 65535 / 25.
        let maps = Heatmaps::create(&dir, 7, 3, 5, 4).unwrap();
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        for name in [
            "cambi_heatmap_scale_0_7x3_16b.gray",
            "cambi_heatmap_scale_1_4x2_16b.gray",
            "cambi_heatmap_scale_2_2x1_16b.gray",
            "cambi_heatmap_scale_3_1x1_16b.gray",
            "cambi_heatmap_scale_4_1x1_16b.gray",
        ] {
            assert!(names.iter().any(|n| n == name), "{name} in {names:?}");
        }
        // Frame 1 written before frame 0: each lands at its own offset.
        maps.write(1, 1, &[25.0, 12.5, 0.0, 1.0], 2, 2).unwrap();
        maps.write(1, 0, &[0.1, 0.0, 0.0, 0.0], 2, 2).unwrap();
        let bytes = std::fs::read(dir.join("cambi_heatmap_scale_1_4x2_16b.gray")).unwrap();
        let samples: Vec<u16> = bytes
            .chunks(2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
            .collect();
        let scaled = |c: f32| (65535.0 / 25.0 * f64::from(c)) as u16;
        assert_eq!(
            samples,
            vec![scaled(0.1), 0, 0, 0, 65535, scaled(12.5), 0, scaled(1.0)]
        );
        assert_eq!(scaled(12.5), 32767);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_unwritable_path_is_an_error() {
        let file = std::env::temp_dir().join(format!("vmafx_heatmap_file_{}", std::process::id()));
        std::fs::write(&file, b"not a folder").unwrap();
        let err = Heatmaps::create(&file.join("below"), 8, 8, 5, 4).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err:?}");
        std::fs::remove_file(&file).unwrap();
    }
}
