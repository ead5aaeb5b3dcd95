//! A segment's partial report ("part"): what scoring frames `start..end` of a video
//! produced, at full precision, with what merging needs to rebuild a single run's
//! report: the video's identity, the settings, and the whole-run counters behind
//! aggregate metrics. docs/scale-out.md describes the JSON document.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::io::text::{read_text_at_most, TextReadError};

/// The `format` field of every part.
pub const PART_FORMAT: &str = "vmafx-part";

/// The layout version parts are written in; merging refuses other versions.
pub const PART_FORMAT_VERSION: u32 = 1;

/// Largest part file read: 4 GiB, far above a part of a long 4K video with every
/// metric (a few hundred bytes per frame), so that `/dev/zero` or an unrelated huge file
/// named as a part is refused instead of read whole.
pub const MAX_PART_BYTES: u64 = 4 << 30;

/// One extractor's whole-run counters (such as `psnr`'s summed squared errors) and the
/// request, in `--feature` syntax, that rebuilds the extractor to turn them into
/// aggregate metrics.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunTotals {
    /// The extractor, e.g. `psnr=enable_apsnr=true`.
    pub feature: String,
    /// Its counters, summed over the frames scored.
    pub totals: Vec<u64>,
}

/// One input file as a part records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputIdentity {
    /// The path as given to the scoring run.
    pub path: String,
    /// The file's size in bytes; `None` for standard input or a non-regular file.
    pub bytes: Option<u64>,
}

impl InputIdentity {
    /// The file name without its directory: segments scored on different machines may
    /// mount the same video under different directories.
    pub fn file_name(&self) -> &str {
        self.path.rsplit(['/', '\\']).next().unwrap_or(&self.path)
    }

    fn same_file(&self, other: &Self) -> bool {
        self.file_name() == other.file_name() && self.bytes == other.bytes
    }
}

/// What identifies the scored video and how it was scored; every part of one run
/// carries the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VideoIdentity {
    /// The reference input.
    pub reference: InputIdentity,
    /// The distorted input.
    pub distorted: InputIdentity,
    /// How the inputs were read: `y4m`, or `raw` and the format.
    pub input: String,
    /// Luma width.
    pub width: usize,
    /// Luma height.
    pub height: usize,
    /// Chroma subsampling, `420`, `422`, `444` or `400`.
    pub chroma: String,
    /// Bits per sample.
    pub bit_depth: u8,
    /// Frames dropped from the start of the reference before frame 0.
    pub skip_reference: u64,
    /// Frames dropped from the start of the distorted input before frame 0.
    pub skip_distorted: u64,
    /// The scoring settings that decide values: models, features with their options,
    /// subsampling, report order.
    pub settings: BTreeMap<String, String>,
}

impl VideoIdentity {
    /// Whether two parts describe the same video scored the same way (input paths are
    /// compared by file name and size); on a difference, what differs.
    pub fn difference(&self, other: &Self) -> Option<String> {
        if !self.reference.same_file(&other.reference) {
            return Some(format!(
                "reference {:?} vs {:?}",
                self.reference, other.reference
            ));
        }
        if !self.distorted.same_file(&other.distorted) {
            return Some(format!(
                "distorted {:?} vs {:?}",
                self.distorted, other.distorted
            ));
        }
        let format = |v: &Self| {
            format!(
                "{} {}x{} {} {}-bit, skipping {}/{}",
                v.input,
                v.width,
                v.height,
                v.chroma,
                v.bit_depth,
                v.skip_reference,
                v.skip_distorted
            )
        };
        if format(self) != format(other) {
            return Some(format!("{} vs {}", format(self), format(other)));
        }
        if self.settings != other.settings {
            return Some(format!(
                "settings {:?} vs {:?}",
                self.settings, other.settings
            ));
        }
        None
    }
}

/// One reported frame of a part: its number in the whole video and its values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartFrame {
    /// Frame number in the whole video.
    pub index: u64,
    /// Values in the order of [`Part::metrics`], exact (non-finite ones as the strings
    /// `NaN`, `inf`, `-inf`).
    #[serde(with = "exact_values")]
    pub values: Vec<f64>,
}

/// A segment's partial report. Serialise with [`Part::to_json`], write with
/// [`Part::write_atomically`], combine with [`crate::report::merge`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Part {
    /// Always [`PART_FORMAT`].
    pub format: String,
    /// The layout version, [`PART_FORMAT_VERSION`].
    pub format_version: u32,
    /// The scoring program's version ([`crate::VERSION`]); merged parts must agree.
    pub vmafx_version: String,
    /// The video and the settings.
    pub identity: VideoIdentity,
    /// Output names in report order.
    pub metrics: Vec<String>,
    /// First frame of the segment, numbered in the whole video.
    pub start: u64,
    /// One past the segment's last frame; the video's length when it ends inside the
    /// segment asked for.
    pub end: u64,
    /// Whether the video ends at `end` (the last segment).
    pub video_ends: bool,
    /// What extracted the features, as reports print it.
    pub backend: String,
    /// Wall-clock seconds the scoring took (informative; it feeds the merged `fps`).
    pub seconds: f64,
    /// Every frame the segment reports (all of `start..end`, or every `n`-th of the
    /// whole video's numbering under subsampling).
    pub frames: Vec<PartFrame>,
    /// Whole-run counters of extractors with aggregate metrics, for this segment.
    pub run_totals: Vec<RunTotals>,
}

impl Part {
    /// The part as a JSON document.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(self)
            .map_err(|e| Error::InvalidInput(format!("cannot write part: {e}")))
    }

    /// Reads a part from its JSON document, refusing other formats and versions.
    pub fn from_json(text: &str) -> Result<Self> {
        #[derive(Deserialize)]
        struct Header {
            format: String,
            format_version: u32,
        }
        let header: Header = serde_json::from_str(text)
            .map_err(|e| Error::InvalidInput(format!("not a vmafx part: {e}")))?;
        if header.format != PART_FORMAT {
            return Err(Error::InvalidInput(format!(
                "not a vmafx part: format is {:?}",
                header.format
            )));
        }
        if header.format_version != PART_FORMAT_VERSION {
            return Err(Error::InvalidInput(format!(
                "part format version {} is not supported (this is version {PART_FORMAT_VERSION})",
                header.format_version
            )));
        }
        serde_json::from_str(text).map_err(|e| Error::InvalidInput(format!("broken part: {e}")))
    }

    /// Reads the part at `path`.
    pub fn read(path: &Path) -> Result<Self> {
        let refused =
            |reason: &str| Error::InvalidInput(format!("part {}: {reason}", path.display()));
        let text = read_text_at_most(path, MAX_PART_BYTES).map_err(|error| match error {
            TextReadError::Io(e) => Error::io(format!("cannot read part {}", path.display()), e),
            TextReadError::Directory => refused("is a directory"),
            TextReadError::TooLarge => refused("is larger than 4 GiB, more than any part holds"),
            TextReadError::NotUtf8 => refused("is not UTF-8 text"),
        })?;
        Self::from_json(&text).map_err(|e| match e {
            Error::InvalidInput(m) => Error::InvalidInput(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    /// Writes the part to `path` so that readers see the whole document or none: it
    /// goes to a temporary file beside `path`, is flushed to disk, then renamed over
    /// `path`. A process killed midway leaves at most a stray temporary file, never a
    /// half part; writing the same part twice leaves one whole copy.
    pub fn write_atomically(&self, path: &Path) -> Result<()> {
        let text = self.to_json()?;
        let name = path.file_name().ok_or_else(|| {
            Error::InvalidOption(format!("{} is not a file path", path.display()))
        })?;
        let mut temporary_name = std::ffi::OsString::from(".");
        temporary_name.push(name);
        temporary_name.push(format!(".{}.tmp", std::process::id()));
        let temporary = path.with_file_name(temporary_name);
        let written = (|| {
            let mut file = File::create(&temporary)?;
            file.write_all(text.as_bytes())?;
            file.write_all(b"\n")?;
            file.sync_all()?;
            fs::rename(&temporary, path)
        })();
        written.map_err(|e| {
            let _ = fs::remove_file(&temporary);
            Error::io(format!("cannot write part {}", path.display()), e)
        })
    }

    /// Whether `other` reports the same segment with the same values: a retried
    /// segment's second part (timing and backend may differ).
    pub fn same_results(&self, other: &Self) -> bool {
        self.start == other.start
            && self.end == other.end
            && self.video_ends == other.video_ends
            && self.metrics == other.metrics
            && self.run_totals == other.run_totals
            && self.frames.len() == other.frames.len()
            && self.frames.iter().zip(&other.frames).all(|(a, b)| {
                a.index == b.index
                    && a.values.len() == b.values.len()
                    && a.values
                        .iter()
                        .zip(&b.values)
                        .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
            })
    }
}

/// Frame values as JSON numbers that read back bit for bit (serde_json's
/// `float_roundtrip`), and the non-finite ones JSON has no number for as strings.
mod exact_values {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Value {
        Number(f64),
        Word(String),
    }

    pub fn serialize<S: Serializer>(values: &[f64], out: S) -> Result<S::Ok, S::Error> {
        let values: Vec<Value> = values
            .iter()
            .map(|&v| match v {
                v if v.is_finite() => Value::Number(v),
                v if v.is_nan() => Value::Word("NaN".into()),
                v if v > 0.0 => Value::Word("inf".into()),
                _ => Value::Word("-inf".into()),
            })
            .collect();
        values.serialize(out)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(input: D) -> Result<Vec<f64>, D::Error> {
        Vec::<Value>::deserialize(input)?
            .into_iter()
            .map(|v| match v {
                Value::Number(x) => Ok(x),
                Value::Word(w) => match w.as_str() {
                    "NaN" => Ok(f64::NAN),
                    "inf" => Ok(f64::INFINITY),
                    "-inf" => Ok(f64::NEG_INFINITY),
                    _ => Err(D::Error::custom(format!("{w:?} is not a number"))),
                },
            })
            .collect()
    }
}
