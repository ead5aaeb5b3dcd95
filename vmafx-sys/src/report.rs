//! `VmafxReport`: the results of a finished run, behind an opaque handle, and
//! `VmafxResult`, the summary `vmafx_score` and `vmafx_stream_finish` fill.

use std::ffi::{c_char, CString};
use std::fs::File;
use std::io::BufWriter;

use vmafx::{PoolMethod, Report, ReportFormat};

use crate::ffi_util::{c_path, c_text, guard, guard_status, handle, write_out};
use crate::options::{percentile_method, pool_method, VmafxPoolMethod};
use crate::status::{FfiError, VmafxStatus};

/// Layout of a written report: one of the `VMAFX_REPORT_*` values.
pub type VmafxReportFormat = u32;
/// libvmaf's JSON layout.
pub const VMAFX_REPORT_JSON: VmafxReportFormat = 0;
/// libvmaf's XML layout.
pub const VMAFX_REPORT_XML: VmafxReportFormat = 1;
/// libvmaf's CSV layout.
pub const VMAFX_REPORT_CSV: VmafxReportFormat = 2;
/// libvmaf's subtitle (`.sub`) layout.
pub const VMAFX_REPORT_SUB: VmafxReportFormat = 3;

/// The results of a finished run: every metric's per-frame and pooled values.
///
/// Opaque; made by `vmafx_score` and `vmafx_stream_finish`, read with the
/// `vmafx_report_*` functions, freed with `vmafx_report_free`. A report is never
/// changed after it is made, so several threads may read one at once.
pub struct VmafxReport {
    report: Report,
    metric_names: Vec<CString>,
}

/// What a finished run produced.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VmafxResult {
    /// The first model's score pooled with `VmafxOptions.pool_method` (for the default
    /// options: the mean VMAF). NaN when no model was scored.
    pub score: f64,
    /// Number of frames scored (after subsampling and frame selection).
    pub frame_count: u64,
    /// Every metric's values; the caller owns it and frees it with `vmafx_report_free`.
    /// NULL when the call failed.
    pub report: *mut VmafxReport,
}

impl VmafxResult {
    /// The value output arguments hold after a failure.
    pub(crate) fn empty() -> Self {
        Self {
            score: f64::NAN,
            frame_count: 0,
            report: std::ptr::null_mut(),
        }
    }

    /// Wraps a finished report into a result that owns it.
    pub(crate) fn from_report(
        report: Report,
        primary_metric: Option<&str>,
        method: PoolMethod,
    ) -> Self {
        let score = primary_metric
            .and_then(|name| report.pooled_score(name, method))
            .unwrap_or(f64::NAN);
        let frame_count = report.frames.len() as u64;
        let handle = VmafxReport::new(report);
        Self {
            score,
            frame_count,
            report: Box::into_raw(Box::new(handle)),
        }
    }
}

impl VmafxReport {
    fn new(report: Report) -> Self {
        let metric_names = report.metrics.iter().map(|m| c_string(m)).collect();
        Self {
            report,
            metric_names,
        }
    }

    fn metric(&self, name: &str) -> Result<usize, FfiError> {
        self.report.metric_index(name).ok_or_else(|| {
            FfiError::new(
                VmafxStatus::NotFound,
                format!(
                    "no metric {name:?} in the report (it has {})",
                    self.report.metrics.join(", ")
                ),
            )
        })
    }

    fn frame(&self, n: u64) -> Result<&vmafx::FrameRecord, FfiError> {
        usize::try_from(n)
            .ok()
            .and_then(|n| self.report.frames.get(n))
            .ok_or_else(|| {
                FfiError::new(
                    VmafxStatus::NotFound,
                    format!(
                        "frame {n} is out of range (the report has {} frames)",
                        self.report.frames.len()
                    ),
                )
            })
    }
}

/// A C copy of a metric name; names never hold NUL, but stay safe if one did.
pub(crate) fn c_string(text: &str) -> CString {
    CString::new(text.replace('\0', " ")).unwrap_or_default()
}

/// Number of metrics (columns) in the report: features, then model scores.
///
/// Returns 0 when `report` is NULL (and sets `vmafx_last_error()`).
///
/// # Safety
/// `report` is NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn vmafx_report_metric_count(report: *const VmafxReport) -> usize {
    guard(0, || {
        // SAFETY: the caller promises a live report or NULL.
        let report = unsafe { handle(report, "report") }?;
        Ok(report.metric_names.len())
    })
    .0
}

/// Name of metric `index` (0 to `vmafx_report_metric_count() - 1`), in libvmaf's
/// naming: "vmaf", "integer_adm2", "psnr_y", ...
///
/// Returns NULL (and sets `vmafx_last_error()`) when `report` is NULL or `index` is
/// out of range. The string belongs to the report and lives as long as it.
///
/// # Safety
/// `report` is NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn vmafx_report_metric_name(
    report: *const VmafxReport,
    index: usize,
) -> *const c_char {
    guard(std::ptr::null(), || {
        // SAFETY: the caller promises a live report or NULL.
        let report = unsafe { handle(report, "report") }?;
        let name = report.metric_names.get(index).ok_or_else(|| {
            FfiError::new(
                VmafxStatus::NotFound,
                format!(
                    "metric index {index} is out of range (the report has {})",
                    report.metric_names.len()
                ),
            )
        })?;
        Ok(name.as_ptr())
    })
    .0
}

/// Number of frames in the report.
///
/// Returns 0 when `report` is NULL (and sets `vmafx_last_error()`).
///
/// # Safety
/// `report` is NULL or a live report.
#[no_mangle]
pub unsafe extern "C" fn vmafx_report_frame_count(report: *const VmafxReport) -> u64 {
    guard(0, || {
        // SAFETY: the caller promises a live report or NULL.
        let report = unsafe { handle(report, "report") }?;
        Ok(report.report.frames.len() as u64)
    })
    .0
}

/// Pools metric `metric` over all frames with `method` (a `VMAFX_POOL_*` value other
/// than `VMAFX_POOL_PERCENTILE`, which `vmafx_report_percentile` takes) into `*value`.
///
/// Errors: `VMAFX_STATUS_NULL_POINTER`, `VMAFX_STATUS_INVALID_ARGUMENT` (unknown
/// method, or `VMAFX_POOL_PERCENTILE`), `VMAFX_STATUS_NOT_FOUND` (no such metric).
/// `*value` is left alone on error.
///
/// # Safety
/// `report` is NULL or a live report; `metric` is NULL or a NUL-terminated string;
/// `value` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmafx_report_pooled(
    report: *const VmafxReport,
    metric: *const c_char,
    method: VmafxPoolMethod,
    value: *mut f64,
) -> VmafxStatus {
    guard_status(|| {
        // SAFETY: the caller promises live or NULL arguments.
        let (report, metric) = unsafe { (handle(report, "report")?, c_text(metric, "metric")?) };
        if value.is_null() {
            return Err(FfiError::null("value"));
        }
        let method = pool_method(method, None)?;
        report.metric(metric)?;
        let pooled = report
            .report
            .pooled_score(metric, method)
            .unwrap_or(f64::NAN);
        // SAFETY: checked non-NULL above; the caller promises it is writable.
        unsafe { write_out(value, pooled, "value") }
    })
}

/// The `percentile`-th percentile (0 to 100) of metric `metric` over all frames into
/// `*value`, interpolated linearly between the sorted values as numpy's `percentile`
/// does by default: the fractional rank is `percentile / 100 * (frames - 1)`. So 0 gives
/// the minimum, 100 the maximum, 50 the median. Not one of libvmaf's pooling methods.
///
/// Errors: `VMAFX_STATUS_NULL_POINTER`, `VMAFX_STATUS_INVALID_ARGUMENT` (`percentile`
/// not within 0 to 100), `VMAFX_STATUS_NOT_FOUND` (no such metric). `*value` is left
/// alone on error.
///
/// # Safety
/// `report` is NULL or a live report; `metric` is NULL or a NUL-terminated string;
/// `value` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmafx_report_percentile(
    report: *const VmafxReport,
    metric: *const c_char,
    percentile: f64,
    value: *mut f64,
) -> VmafxStatus {
    guard_status(|| {
        // SAFETY: the caller promises live or NULL arguments.
        let (report, metric) = unsafe { (handle(report, "report")?, c_text(metric, "metric")?) };
        if value.is_null() {
            return Err(FfiError::null("value"));
        }
        let method = percentile_method(percentile)?;
        report.metric(metric)?;
        let pooled = report
            .report
            .pooled_score(metric, method)
            .unwrap_or(f64::NAN);
        // SAFETY: checked non-NULL above; the caller promises it is writable.
        unsafe { write_out(value, pooled, "value") }
    })
}

/// The input frame number of the report's `n`-th frame (0-based) into `*frame_index`.
/// It differs from `n` when frames were subsampled.
///
/// Errors: `VMAFX_STATUS_NULL_POINTER`, `VMAFX_STATUS_NOT_FOUND` (`n` out of range).
///
/// # Safety
/// `report` is NULL or a live report; `frame_index` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmafx_report_frame_index(
    report: *const VmafxReport,
    n: u64,
    frame_index: *mut u64,
) -> VmafxStatus {
    guard_status(|| {
        // SAFETY: the caller promises a live report or NULL.
        let report = unsafe { handle(report, "report") }?;
        if frame_index.is_null() {
            return Err(FfiError::null("frame_index"));
        }
        let index = report.frame(n)?.index;
        // SAFETY: checked non-NULL above; the caller promises it is writable.
        unsafe { write_out(frame_index, index, "frame_index") }
    })
}

/// The value of metric `metric` on the report's `n`-th frame (0-based) into `*value`.
///
/// Errors: `VMAFX_STATUS_NULL_POINTER`, `VMAFX_STATUS_NOT_FOUND` (no such metric, or
/// `n` out of range).
///
/// # Safety
/// `report` is NULL or a live report; `metric` is NULL or a NUL-terminated string;
/// `value` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmafx_report_frame_value(
    report: *const VmafxReport,
    n: u64,
    metric: *const c_char,
    value: *mut f64,
) -> VmafxStatus {
    guard_status(|| {
        // SAFETY: the caller promises live or NULL arguments.
        let (report, metric) = unsafe { (handle(report, "report")?, c_text(metric, "metric")?) };
        if value.is_null() {
            return Err(FfiError::null("value"));
        }
        let column = report.metric(metric)?;
        let frame_value = report.frame(n)?.values[column];
        // SAFETY: checked non-NULL above; the caller promises it is writable.
        unsafe { write_out(value, frame_value, "value") }
    })
}

/// Writes the report to the file at `path` in `format` (a `VMAFX_REPORT_*` value),
/// replacing the file if it exists.
///
/// Errors: `VMAFX_STATUS_NULL_POINTER`, `VMAFX_STATUS_INVALID_ARGUMENT` (unknown format
/// or empty path), `VMAFX_STATUS_IO` (the file cannot be created or written).
///
/// # Safety
/// `report` is NULL or a live report; `path` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn vmafx_report_write(
    report: *const VmafxReport,
    format: VmafxReportFormat,
    path: *const c_char,
) -> VmafxStatus {
    guard_status(|| {
        // SAFETY: the caller promises live or NULL arguments.
        let (report, path) = unsafe { (handle(report, "report")?, c_path(path, "path")?) };
        let format = match format {
            VMAFX_REPORT_JSON => ReportFormat::Json,
            VMAFX_REPORT_XML => ReportFormat::Xml,
            VMAFX_REPORT_CSV => ReportFormat::Csv,
            VMAFX_REPORT_SUB => ReportFormat::Sub,
            other => {
                return Err(FfiError::invalid(format!(
                    "report format {other} is not a VMAFX_REPORT_* value"
                )))
            }
        };
        let file = File::create(&path).map_err(|e| {
            FfiError::new(
                VmafxStatus::Io,
                format!("cannot create {}: {e}", path.display()),
            )
        })?;
        let mut out = BufWriter::new(file);
        report
            .report
            .write(format, &mut out)
            .map_err(|e| FfiError::new(VmafxStatus::Io, format!("{}: {e}", path.display())))
    })
}

/// Frees a report. NULL is allowed and does nothing.
///
/// # Safety
/// `report` is NULL or a live report, which must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn vmafx_report_free(report: *mut VmafxReport) {
    guard((), || {
        if !report.is_null() {
            // SAFETY: the caller hands back a pointer made by Box::into_raw in this crate.
            drop(unsafe { Box::from_raw(report) });
        }
        Ok(())
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::{VMAFX_POOL_MAX, VMAFX_POOL_PERCENTILE};

    fn report(values: &[f64]) -> VmafxReport {
        let frames = values
            .iter()
            .enumerate()
            .map(|(i, &v)| vmafx::FrameRecord {
                index: i as u64,
                values: vec![v],
            })
            .collect();
        let report = Report::new(vec!["vmaf".into()], frames, 8, 8, "cpu".into(), 1.0);
        VmafxReport::new(report)
    }

    #[test]
    fn percentiles_through_the_c_abi() {
        let report = report(&[90.0, 70.0, 80.0, 100.0, 60.0]);
        let mut value = f64::NAN;
        for (p, expected) in [(0.0, 60.0), (5.0, 62.0), (50.0, 80.0), (100.0, 100.0)] {
            // SAFETY: live report, static string, writable value.
            let status =
                unsafe { vmafx_report_percentile(&report, c"vmaf".as_ptr(), p, &mut value) };
            assert_eq!(status, VmafxStatus::Ok);
            assert!((value - expected).abs() < 1e-12, "p{p}: {value}");
        }
        value = -1.0;
        for bad in [-1.0, 101.0, f64::NAN] {
            // SAFETY: as above.
            let status =
                unsafe { vmafx_report_percentile(&report, c"vmaf".as_ptr(), bad, &mut value) };
            assert_eq!(status, VmafxStatus::InvalidArgument);
        }
        // SAFETY: as above.
        let status = unsafe { vmafx_report_percentile(&report, c"psnr".as_ptr(), 5.0, &mut value) };
        assert_eq!(status, VmafxStatus::NotFound);
        // SAFETY: as above.
        let status = unsafe {
            vmafx_report_pooled(&report, c"vmaf".as_ptr(), VMAFX_POOL_PERCENTILE, &mut value)
        };
        assert_eq!(status, VmafxStatus::InvalidArgument);
        assert_eq!(value, -1.0, "left alone on error");
        // SAFETY: as above.
        let status =
            unsafe { vmafx_report_pooled(&report, c"vmaf".as_ptr(), VMAFX_POOL_MAX, &mut value) };
        assert_eq!(status, VmafxStatus::Ok);
        assert_eq!(value, 100.0);
    }
}
