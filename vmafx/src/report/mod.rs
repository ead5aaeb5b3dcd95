//! Results of a scoring run and their libvmaf-compatible text layouts.

mod csv;
mod json;
mod merge;
mod number;
mod part;
mod subtitle;
mod xml;

use std::io::Write;

use crate::error::{Error, Result};
use crate::pool::{self, PoolMethod, Pooled};

pub use merge::merge;
pub use number::{format_option_value, format_score};
pub use part::{
    InputIdentity, Part, PartFrame, RunTotals, VideoIdentity, PART_FORMAT, PART_FORMAT_VERSION,
};

/// One scored frame: its index in the input and a value per metric.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameRecord {
    /// Zero-based frame number (after any skipped frames).
    pub index: u64,
    /// Values in the order of [`Report::metrics`].
    pub values: Vec<f64>,
}

/// Everything a run produced: per-frame values and pooled values of every metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Version string written into reports.
    pub version: String,
    /// Frames per second of the run (wall clock), for information.
    pub fps: f64,
    /// Luma width of the scored video.
    pub width: usize,
    /// Luma height of the scored video.
    pub height: usize,
    /// The backend and device that extracted the features, e.g. `cpu (avx2, 4 threads)`.
    pub backend: String,
    /// Metric names, libvmaf's output names (`integer_adm2`, `vmaf`, ...).
    pub metrics: Vec<String>,
    /// Scored frames in order.
    pub frames: Vec<FrameRecord>,
    /// Pooled values, one per metric, in the order of `metrics`.
    pub pooled: Vec<Pooled>,
    /// Whole-run values that are not pooled from frames (libvmaf's `aggregate_metrics`,
    /// such as `psnr`'s `apsnr_y` with `enable_apsnr`), in the order they were set.
    pub aggregate: Vec<(String, f64)>,
}

/// The text layouts a report can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// libvmaf's JSON layout.
    Json,
    /// libvmaf's XML layout.
    Xml,
    /// libvmaf's CSV layout.
    Csv,
    /// libvmaf's subtitle (`.sub`) layout.
    Sub,
}

impl std::str::FromStr for ReportFormat {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "json" => Ok(Self::Json),
            "xml" => Ok(Self::Xml),
            "csv" => Ok(Self::Csv),
            "sub" => Ok(Self::Sub),
            _ => Err(Error::InvalidOption(format!(
                "unknown report format {s:?} (expected json, xml, csv or sub)"
            ))),
        }
    }
}

impl Report {
    /// Builds a report, pooling every metric over `frames`.
    pub fn new(
        metrics: Vec<String>,
        frames: Vec<FrameRecord>,
        width: usize,
        height: usize,
        backend: String,
        fps: f64,
    ) -> Self {
        let pooled = (0..metrics.len())
            .map(|m| {
                Pooled::of(frames.iter().map(|f| f.values[m])).unwrap_or(Pooled {
                    min: f64::NAN,
                    max: f64::NAN,
                    mean: f64::NAN,
                    harmonic_mean: f64::NAN,
                })
            })
            .collect();
        Self {
            version: crate::VERSION.to_string(),
            fps,
            width,
            height,
            backend,
            metrics,
            frames,
            pooled,
            aggregate: Vec::new(),
        }
    }

    /// Sets a whole-run value, as libvmaf's feature collector does: the first setting of a
    /// name keeps its place in the list, and setting it again to another value is an
    /// error (libvmaf refuses that too).
    pub fn set_aggregate(&mut self, name: &str, value: f64) -> Result<()> {
        match self.aggregate.iter().find(|(n, _)| n == name) {
            None => {
                self.aggregate.push((name.to_string(), value));
                Ok(())
            }
            Some((_, old)) if *old == value => Ok(()),
            Some((_, old)) => Err(Error::InvalidInput(format!(
                "aggregate metric {name:?} is already {old}, cannot set it to {value}"
            ))),
        }
    }

    /// Column index of a metric.
    pub fn metric_index(&self, name: &str) -> Option<usize> {
        self.metrics.iter().position(|m| m == name)
    }

    /// Pooled value of a metric, e.g. `report.pooled_score("vmaf", PoolMethod::Mean)`;
    /// percentiles are computed from the frames (see [`pool::percentile`]). `None` when
    /// there is no such metric.
    pub fn pooled_score(&self, name: &str, method: PoolMethod) -> Option<f64> {
        let i = self.metric_index(name)?;
        match method {
            PoolMethod::Percentile(p) => Some(
                pool::percentile(self.frames.iter().map(|f| f.values[i]), p).unwrap_or(f64::NAN),
            ),
            other => self.pooled[i].get(other),
        }
    }

    /// Value of a metric on the `n`-th scored frame.
    pub fn frame_score(&self, n: usize, name: &str) -> Option<f64> {
        let i = self.metric_index(name)?;
        self.frames.get(n).map(|f| f.values[i])
    }

    /// Writes the report in the given layout.
    pub fn write(&self, format: ReportFormat, out: &mut dyn Write) -> Result<()> {
        let written = match format {
            ReportFormat::Json => json::write(self, out),
            ReportFormat::Xml => xml::write(self, out),
            ReportFormat::Csv => csv::write(self, out),
            ReportFormat::Sub => subtitle::write(self, out),
        };
        written
            .and_then(|()| out.flush())
            .map_err(|e| Error::io("cannot write report", e))
    }

    /// The report as a string in the given layout.
    pub fn to_string(&self, format: ReportFormat) -> String {
        let mut buf = Vec::new();
        // Writing to a Vec cannot fail.
        let _ = self.write(format, &mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    }
}

#[cfg(test)]
mod order_conformance_tests;

#[cfg(test)]
mod aggregate_tests;
