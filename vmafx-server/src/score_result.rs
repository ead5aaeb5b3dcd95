//! Scores as the API returns them, and the lossless form a finished job keeps in the
//! database so that its report can be written later in any layout.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use vmafx::{FrameRecord, JobOutcome, PoolMethod, Pooled, Report};

/// The answer of a scoring run.
#[derive(Debug, Clone, Serialize)]
pub struct ScoreResult {
    /// The scoring library's version.
    pub version: String,
    /// Backend and device that extracted the features.
    pub backend: String,
    /// Luma width.
    pub width: usize,
    /// Luma height.
    pub height: usize,
    /// Frames scored.
    pub frames_scored: usize,
    /// Speed of the run, frames per second.
    pub fps: f64,
    /// Pooled mean of the `vmaf` metric, when a model of that name ran.
    pub vmaf: Option<f64>,
    /// Every metric pooled: min, max, mean, harmonic mean.
    pub pooled: BTreeMap<String, PooledView>,
    /// Per-frame values, when asked for with `frames=true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frames: Option<Vec<FrameView>>,
    /// Set when one input was longer than the other (the common frames were scored).
    pub length_mismatch: Option<String>,
}

/// One metric pooled over all frames.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PooledView {
    /// Smallest value.
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// Arithmetic mean (what libvmaf reports as the score).
    pub mean: f64,
    /// Harmonic mean.
    pub harmonic_mean: f64,
}

/// One frame's values.
#[derive(Debug, Clone, Serialize)]
pub struct FrameView {
    /// Frame number.
    pub frame: u64,
    /// Metric values.
    pub metrics: BTreeMap<String, f64>,
}

impl ScoreResult {
    /// The API view of a finished run.
    pub fn new(report: &Report, length_mismatch: Option<String>, with_frames: bool) -> Self {
        let pooled = report
            .metrics
            .iter()
            .zip(&report.pooled)
            .map(|(name, p)| {
                let view = PooledView {
                    min: p.min,
                    max: p.max,
                    mean: p.mean,
                    harmonic_mean: p.harmonic_mean,
                };
                (name.clone(), view)
            })
            .collect();
        let frames = with_frames.then(|| {
            report
                .frames
                .iter()
                .map(|f| FrameView {
                    frame: f.index,
                    metrics: report
                        .metrics
                        .iter()
                        .cloned()
                        .zip(f.values.iter().copied())
                        .collect(),
                })
                .collect()
        });
        ScoreResult {
            version: report.version.clone(),
            backend: report.backend.clone(),
            width: report.width,
            height: report.height,
            frames_scored: report.frames.len(),
            fps: report.fps,
            vmaf: report.pooled_score("vmaf", PoolMethod::Mean),
            pooled,
            frames,
            length_mismatch,
        }
    }
}

/// A report in a JSON form that gives back the very same doubles (NaN as null).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredReport {
    version: String,
    fps: Option<f64>,
    width: usize,
    height: usize,
    backend: String,
    metrics: Vec<String>,
    frames: Vec<(u64, Vec<Option<f64>>)>,
    pooled: Vec<[Option<f64>; 4]>,
    #[serde(default)]
    aggregate: Vec<(String, Option<f64>)>,
    length_mismatch: Option<String>,
}

fn keep(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}

fn restore(value: Option<f64>) -> f64 {
    value.unwrap_or(f64::NAN)
}

impl StoredReport {
    /// The storable form of a finished run.
    pub fn from_outcome(outcome: &JobOutcome) -> Self {
        let report = &outcome.report;
        StoredReport {
            version: report.version.clone(),
            fps: keep(report.fps),
            width: report.width,
            height: report.height,
            backend: report.backend.clone(),
            metrics: report.metrics.clone(),
            frames: report
                .frames
                .iter()
                .map(|f| (f.index, f.values.iter().copied().map(keep).collect()))
                .collect(),
            pooled: report
                .pooled
                .iter()
                .map(|p| {
                    [
                        keep(p.min),
                        keep(p.max),
                        keep(p.mean),
                        keep(p.harmonic_mean),
                    ]
                })
                .collect(),
            aggregate: report
                .aggregate
                .iter()
                .map(|(name, value)| (name.clone(), keep(*value)))
                .collect(),
            length_mismatch: outcome.length_mismatch.clone(),
        }
    }

    /// The report and the length warning back.
    pub fn into_report(self) -> (Report, Option<String>) {
        let report = Report {
            version: self.version,
            fps: restore(self.fps),
            width: self.width,
            height: self.height,
            backend: self.backend,
            metrics: self.metrics,
            frames: self
                .frames
                .into_iter()
                .map(|(index, values)| FrameRecord {
                    index,
                    values: values.into_iter().map(restore).collect(),
                })
                .collect(),
            pooled: self
                .pooled
                .into_iter()
                .map(|[min, max, mean, harmonic_mean]| Pooled {
                    min: restore(min),
                    max: restore(max),
                    mean: restore(mean),
                    harmonic_mean: restore(harmonic_mean),
                })
                .collect(),
            aggregate: self
                .aggregate
                .into_iter()
                .map(|(name, value)| (name, restore(value)))
                .collect(),
        };
        (report, self.length_mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_reports_keep_every_double() {
        let frames = vec![
            FrameRecord {
                index: 0,
                values: vec![0.1 + 0.2, 89.570_779_123_456_79],
            },
            FrameRecord {
                index: 1,
                values: vec![f64::NAN, 1e-300],
            },
        ];
        let report = Report::new(
            vec!["a".into(), "vmaf".into()],
            frames,
            64,
            48,
            "cpu (scalar)".into(),
            12.5,
        );
        let outcome = JobOutcome {
            report: report.clone(),
            length_mismatch: Some("x".into()),
        };
        let text = serde_json::to_string(&StoredReport::from_outcome(&outcome)).unwrap();
        let back: StoredReport = serde_json::from_str(&text).unwrap();
        let (restored, mismatch) = back.into_report();
        assert_eq!(mismatch.as_deref(), Some("x"));
        assert_eq!(restored.frames[0], report.frames[0]);
        assert!(restored.frames[1].values[0].is_nan());
        assert_eq!(restored.frames[1].values[1], 1e-300);
        assert_eq!(
            restored.pooled[1].mean.to_bits(),
            report.pooled[1].mean.to_bits()
        );
        let view = ScoreResult::new(&restored, None, true);
        assert_eq!(view.vmaf, Some(report.pooled[1].mean));
        assert_eq!(view.frames.unwrap().len(), 2);
    }
}
