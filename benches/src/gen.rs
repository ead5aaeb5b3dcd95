//! Generating reference/distorted Y4M pairs, and keeping them in a cache directory so
//! that repeated harness runs reuse them.

use std::fs::{self, File};
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::synth::SyntheticVideo;
use crate::y4m::Y4mWriter;

/// Bumped whenever the synthetic content changes, so stale cached clips are not reused.
const CONTENT_VERSION: u32 = 1;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClipSpec {
    /// Width in pixels (even).
    pub width: usize,
    /// Height in pixels (even).
    pub height: usize,
    /// Number of frames.
    pub frames: u64,
    /// Bits per sample, 8..=16.
    pub bit_depth: u8,
}

/// The two files of a generated pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClipPair {
    /// The reference clip.
    pub reference: PathBuf,
    /// The distorted clip.
    pub distorted: PathBuf,
}

impl ClipSpec {
    /// A short name for file and directory names, e.g. `1920x1080-8bit-120f`.
    pub fn name(&self) -> String {
        format!(
            "{}x{}-{}bit-{}f",
            self.width, self.height, self.bit_depth, self.frames
        )
    }
}

/// Writes `ref.y4m` and `dist.y4m` for `spec` into `dir` (created if needed), one frame at
/// a time; `progress` is called after each frame with the number written.
pub fn generate_pair(
    spec: &ClipSpec,
    dir: &Path,
    mut progress: impl FnMut(u64),
) -> Result<ClipPair> {
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let video = SyntheticVideo::new(spec.width, spec.height, spec.bit_depth)?;
    let pair = ClipPair {
        reference: dir.join("ref.y4m"),
        distorted: dir.join("dist.y4m"),
    };
    let create = |path: &Path| -> Result<Y4mWriter<BufWriter<File>>> {
        let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
        Y4mWriter::new(BufWriter::with_capacity(1 << 20, file), video.format())
    };
    let (mut reference_out, mut distorted_out) =
        (create(&pair.reference)?, create(&pair.distorted)?);
    let (mut reference, mut distorted) = (video.blank_frame(), video.blank_frame());
    for index in 0..spec.frames {
        video.reference(index, &mut reference);
        video.distorted(index, &reference, &mut distorted);
        reference_out.write_frame(&reference)?;
        distorted_out.write_frame(&distorted)?;
        progress(index + 1);
    }
    reference_out.finish()?;
    distorted_out.finish()?;
    Ok(pair)
}

/// The pair for `spec` under `cache_root`, generated first unless a complete earlier
/// generation is there.
pub fn cached_pair(
    spec: &ClipSpec,
    cache_root: &Path,
    progress: impl FnMut(u64),
) -> Result<ClipPair> {
    let dir = cache_root.join(format!("{}-v{CONTENT_VERSION}", spec.name()));
    let done = dir.join("complete");
    if done.exists() {
        return Ok(ClipPair {
            reference: dir.join("ref.y4m"),
            distorted: dir.join("dist.y4m"),
        });
    }
    let pair = generate_pair(spec, &dir, progress)?;
    fs::write(&done, b"").with_context(|| format!("writing {}", done.display()))?;
    Ok(pair)
}

#[cfg(test)]
mod tests {
    use super::*;
    use vmafx::io::{open, InputKind};

    #[test]
    fn generated_pairs_read_back_with_every_frame() {
        let root = std::env::temp_dir().join(format!("vmafx-bench-test-{}", std::process::id()));
        for bit_depth in [8u8, 10] {
            let spec = ClipSpec {
                width: 48,
                height: 32,
                frames: 3,
                bit_depth,
            };
            let mut written = 0;
            let pair = cached_pair(&spec, &root, |n| written = n).unwrap();
            assert_eq!(written, 3);
            for path in [&pair.reference, &pair.distorted] {
                let mut reader = open(path, InputKind::Y4m).unwrap();
                assert_eq!(reader.format().bit_depth(), bit_depth);
                let mut frames = 0;
                while reader.read_frame().unwrap().is_some() {
                    frames += 1;
                }
                assert_eq!(frames, 3);
            }
            // A second call reuses the files.
            let again = cached_pair(&spec, &root, |_| panic!("regenerated")).unwrap();
            assert_eq!(again, pair);
        }
        fs::remove_dir_all(&root).unwrap();
    }
}
