//! `NativeReport`: a finished run's report, read by the Python `Report` class.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use pyo3::prelude::*;
use vmafx::{PoolMethod, Report, ReportFormat};

use crate::errors::{error, invalid, IntoPyResult, Kind};

/// A report and what the run noticed besides it.
#[pyclass(frozen, module = "vmafx._native")]
pub(crate) struct NativeReport {
    report: Report,
    length_mismatch: Option<String>,
}

impl NativeReport {
    pub(crate) fn new(report: Report, length_mismatch: Option<String>) -> Self {
        Self {
            report,
            length_mismatch,
        }
    }
}

fn report_format(name: &str) -> PyResult<ReportFormat> {
    name.parse()
        .map_err(|e: vmafx::Error| invalid(e.to_string()))
}

#[pymethods]
impl NativeReport {
    /// Metric names in report order.
    #[getter]
    fn metrics(&self) -> Vec<String> {
        self.report.metrics.clone()
    }

    /// Each scored frame's index in the input.
    #[getter]
    fn frame_indices(&self) -> Vec<u64> {
        self.report.frames.iter().map(|f| f.index).collect()
    }

    /// Each scored frame's values, in metric order.
    #[getter]
    fn frame_values(&self) -> Vec<Vec<f64>> {
        self.report
            .frames
            .iter()
            .map(|f| f.values.clone())
            .collect()
    }

    /// libvmaf's pooled values per metric: (min, max, mean, harmonic_mean).
    #[getter]
    fn pooled(&self) -> Vec<(f64, f64, f64, f64)> {
        self.report
            .pooled
            .iter()
            .map(|p| (p.min, p.max, p.mean, p.harmonic_mean))
            .collect()
    }

    /// Whole-run values that are not pooled from frames, in the order they were set.
    #[getter]
    fn aggregate(&self) -> Vec<(String, f64)> {
        self.report.aggregate.clone()
    }

    #[getter]
    fn width(&self) -> usize {
        self.report.width
    }

    #[getter]
    fn height(&self) -> usize {
        self.report.height
    }

    #[getter]
    fn fps(&self) -> f64 {
        self.report.fps
    }

    #[getter]
    fn backend(&self) -> String {
        self.report.backend.clone()
    }

    #[getter]
    fn version(&self) -> String {
        self.report.version.clone()
    }

    /// Which input was longer, when `allow_length_mismatch` let a run end early.
    #[getter]
    fn length_mismatch(&self) -> Option<String> {
        self.length_mismatch.clone()
    }

    /// One metric pooled with `method` (`mean`, `min`, `max`, `harmonic_mean`, `p5`...);
    /// `None` for an unknown metric.
    fn pool(&self, metric: &str, method: &str) -> PyResult<Option<f64>> {
        let method: PoolMethod = method
            .parse()
            .map_err(|e: vmafx::Error| invalid(e.to_string()))?;
        Ok(self.report.pooled_score(metric, method))
    }

    /// The report in one of libvmaf's layouts (`json`, `xml`, `csv`, `sub`).
    fn to_string(&self, format: &str) -> PyResult<String> {
        Ok(self.report.to_string(report_format(format)?))
    }

    /// Writes the report to `path` in a libvmaf layout, byte for byte as the CLI does.
    fn write(&self, py: Python<'_>, path: PathBuf, format: &str) -> PyResult<()> {
        let format = report_format(format)?;
        py.detach(|| {
            let cannot = |e: std::io::Error| {
                error(Kind::Io, format!("cannot write {}: {e}", path.display()))
            };
            let file = File::create(&path).map_err(cannot)?;
            let mut out = BufWriter::new(file);
            self.report.write(format, &mut out).py_err()?;
            out.flush().map_err(cannot)
        })
    }
}
