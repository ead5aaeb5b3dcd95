//! Training datasets: scored reference/distorted pairs from a JSON or CSV file.
//!
//! JSON: `{"pairs": [{"reference": "ref.y4m", "distorted": "dist.y4m", "score": 73.2,
//! "group": "bbb"}]}`. CSV: a header row naming the same columns. Paths are relative to
//! the dataset file. Raw YUV inputs add `width`, `height`, `pixel_format` (`420`, `422`,
//! `444`) and `bit_depth`; `group` names the content (pairs of one source share it) and
//! defaults to the reference path; `score_std`, where known, is the standard deviation
//! of the subjective score, used by the outlier ratio.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use vmafx::io::text::{read_text_at_most, TextReadError};
use vmafx::io::InputKind;
use vmafx::{ChromaSubsampling, FrameFormat};

use crate::error::{Error, Result};

/// One scored pair of the dataset.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    /// The reference video, resolved against the dataset's folder.
    pub reference: PathBuf,
    /// The distorted video, resolved against the dataset's folder.
    pub distorted: PathBuf,
    /// The subjective score (e.g. a MOS or DMOS).
    pub score: f64,
    /// The content the pair belongs to; cross-validation keeps a group in one fold.
    pub group: String,
    /// How to read both inputs.
    pub input: InputKind,
    /// Standard deviation of the subjective score, where the dataset gives it.
    pub score_std: Option<f64>,
}

/// A whole dataset, in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// The file it was read from.
    pub path: PathBuf,
    /// The pairs.
    pub pairs: Vec<Pair>,
}

/// One record as written in either file format.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Record {
    reference: String,
    distorted: String,
    score: ScoreField,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    width: Option<usize>,
    #[serde(default)]
    height: Option<usize>,
    #[serde(default)]
    pixel_format: Option<String>,
    #[serde(default)]
    bit_depth: Option<u8>,
    #[serde(default)]
    score_std: Option<ScoreField>,
}

/// A number, or text holding one (CSV has only text; JSON writers sometimes quote).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ScoreField {
    Number(f64),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonFile {
    pairs: Vec<Record>,
}

/// Largest dataset file read: 256 MiB (a million pairs of long paths), so that a
/// device or an unrelated huge file is refused instead of read whole.
pub const MAX_DATASET_BYTES: u64 = 256 << 20;

impl Dataset {
    /// Reads a dataset: CSV when the name ends in `.csv`, JSON otherwise. Every input
    /// file must exist; scores must be finite numbers.
    pub fn load(path: &Path) -> Result<Dataset> {
        let fail = |reason: String| Error::Dataset {
            path: path.to_owned(),
            reason,
        };
        let text = read_text_at_most(path, MAX_DATASET_BYTES).map_err(|error| match error {
            TextReadError::Io(e) => Error::io(format!("cannot read dataset {}", path.display()), e),
            TextReadError::Directory => fail("is a directory".to_owned()),
            TextReadError::TooLarge => fail(format!(
                "is larger than {} MiB, more than a dataset of file names holds",
                MAX_DATASET_BYTES >> 20
            )),
            TextReadError::NotUtf8 => fail("is not UTF-8 text".to_owned()),
        })?;
        let is_csv = path
            .extension()
            .is_some_and(|ext| ext.eq_ignore_ascii_case("csv"));
        let records = if is_csv {
            parse_csv(&text).map_err(fail)?
        } else {
            serde_json::from_str::<JsonFile>(&text)
                .map_err(|e| fail(format!("not a dataset JSON file: {e}")))?
                .pairs
        };
        let base = path.parent().unwrap_or(Path::new(""));
        let pairs = records
            .into_iter()
            .enumerate()
            .map(|(i, record)| resolve(record, base).map_err(|e| fail(format!("pair {i}: {e}"))))
            .collect::<Result<Vec<_>>>()?;
        if pairs.is_empty() {
            return Err(fail("no pairs".to_owned()));
        }
        Ok(Dataset {
            path: path.to_owned(),
            pairs,
        })
    }

    /// The distinct groups, sorted.
    pub fn groups(&self) -> Vec<String> {
        let mut groups: Vec<String> = self.pairs.iter().map(|p| p.group.clone()).collect();
        groups.sort();
        groups.dedup();
        groups
    }
}

fn parse_csv(text: &str) -> std::result::Result<Vec<Record>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    reader
        .deserialize::<CsvRecord>()
        .enumerate()
        .map(|(i, row)| {
            row.map_err(|e| e.to_string())
                .and_then(CsvRecord::into_record)
                .map_err(|e| format!("CSV row {}: {e}", i + 2))
        })
        .collect()
}

/// A CSV row: every cell is text, and empty cells mean "not given".
#[derive(Debug, Deserialize)]
struct CsvRecord {
    reference: String,
    distorted: String,
    score: String,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    width: Option<String>,
    #[serde(default)]
    height: Option<String>,
    #[serde(default)]
    pixel_format: Option<String>,
    #[serde(default)]
    bit_depth: Option<String>,
    #[serde(default)]
    score_std: Option<String>,
}

impl CsvRecord {
    fn into_record(self) -> std::result::Result<Record, String> {
        let given = |cell: Option<String>| cell.filter(|s| !s.is_empty());
        fn whole<T: std::str::FromStr>(
            cell: Option<String>,
            what: &str,
        ) -> std::result::Result<Option<T>, String> {
            cell.filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<T>()
                        .map_err(|_| format!("{what} {s:?} is not a whole number"))
                })
                .transpose()
        }
        Ok(Record {
            width: whole(self.width, "width")?,
            height: whole(self.height, "height")?,
            bit_depth: whole(self.bit_depth, "bit_depth")?,
            reference: self.reference,
            distorted: self.distorted,
            score: ScoreField::Text(self.score),
            group: given(self.group),
            pixel_format: given(self.pixel_format),
            score_std: given(self.score_std).map(ScoreField::Text),
        })
    }
}

fn number(field: &ScoreField, what: &str) -> std::result::Result<f64, String> {
    let value = match field {
        ScoreField::Number(n) => *n,
        ScoreField::Text(s) => s
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("{what} {s:?} is not a number"))?,
    };
    if value.is_finite() {
        Ok(value)
    } else {
        Err(format!("{what} {value} is not a finite number"))
    }
}

fn resolve(record: Record, base: &Path) -> std::result::Result<Pair, String> {
    let score = number(&record.score, "score")?;
    let score_std = record
        .score_std
        .as_ref()
        .map(|s| number(s, "score_std"))
        .transpose()?;
    let input = input_kind(&record)?;
    let reference = base.join(&record.reference);
    let distorted = base.join(&record.distorted);
    for (what, path) in [("reference", &reference), ("distorted", &distorted)] {
        if !path.is_file() {
            return Err(format!("{what} file {} does not exist", path.display()));
        }
    }
    let group = record.group.unwrap_or(record.reference);
    Ok(Pair {
        reference,
        distorted,
        score,
        group,
        input,
        score_std,
    })
}

/// Read by content (Y4M natively, compressed video through ffmpeg) unless the record
/// gives raw geometry, which must then be complete.
fn input_kind(record: &Record) -> std::result::Result<InputKind, String> {
    let given = [
        record.width.is_some(),
        record.height.is_some(),
        record.pixel_format.is_some(),
    ];
    if given.iter().all(|g| !g) && record.bit_depth.is_none() {
        return Ok(InputKind::Auto);
    }
    let (Some(width), Some(height), Some(pixel_format)) =
        (record.width, record.height, record.pixel_format.as_deref())
    else {
        return Err("raw input needs width, height and pixel_format".to_owned());
    };
    let chroma: ChromaSubsampling = pixel_format
        .parse()
        .map_err(|e: vmafx::Error| e.to_string())?;
    let format = FrameFormat::new(width, height, chroma, record.bit_depth.unwrap_or(8))
        .map_err(|e| e.to_string())?;
    Ok(InputKind::Raw(format))
}

#[cfg(test)]
mod tests;
