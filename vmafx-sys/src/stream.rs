//! `VmafxStream`: scoring frames the caller decodes itself, one pair at a time.

use std::collections::VecDeque;
use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

use vmafx::{FrameFormat, FrameRecord, PoolMethod, Scorer};

use crate::ffi_util::{c_text, guard, guard_status, handle, handle_mut, write_out};
use crate::options::{RunOptions, VmafxFrameFormat, VmafxOptions};
use crate::picture::{self, VmafxPicture};
use crate::report::{c_string, VmafxResult};
use crate::status::{FfiError, VmafxStatus};

/// A scoring session fed with frames the caller holds in memory.
///
/// Opaque; made by `vmafx_stream_new`, freed with `vmafx_stream_free`. Not safe to use
/// from two threads at once, but it may move between threads.
pub struct VmafxStream {
    state: State,
    format: FrameFormat,
    primary_metric: Option<String>,
    pool_method: PoolMethod,
    metrics: Vec<String>,
    metric_names: Vec<CString>,
    /// Completed frames not yet taken by `vmafx_stream_next_frame`.
    ready: VecDeque<FrameRecord>,
    /// Frames moved from the scorer to `ready` so far.
    collected: usize,
    /// The frame `vmafx_stream_next_frame` returned last.
    current: Option<FrameRecord>,
}

enum State {
    Scoring(Box<Scorer>),
    Finished,
    /// A panic left the scorer in an unknown state.
    Broken,
}

impl VmafxStream {
    fn scorer(&mut self) -> Result<&mut Scorer, FfiError> {
        match &mut self.state {
            State::Scoring(scorer) => Ok(scorer),
            State::Finished => Err(finished()),
            State::Broken => Err(broken()),
        }
    }

    /// Moves the scorer out, leaving the stream finished (or broken, if it was).
    fn take_scorer(&mut self) -> Result<Box<Scorer>, FfiError> {
        match std::mem::replace(&mut self.state, State::Finished) {
            State::Scoring(scorer) => Ok(scorer),
            State::Finished => Err(finished()),
            State::Broken => {
                self.state = State::Broken;
                Err(broken())
            }
        }
    }

    fn collect_new_records(&mut self) -> Result<(), FfiError> {
        let records = self.scorer()?.new_records().to_vec();
        self.collected += records.len();
        self.ready.extend(records);
        Ok(())
    }

    fn metric(&self, name: &str) -> Result<usize, FfiError> {
        self.metrics.iter().position(|m| m == name).ok_or_else(|| {
            FfiError::new(
                VmafxStatus::NotFound,
                format!(
                    "no metric {name:?} in this stream (it has {})",
                    self.metrics.join(", ")
                ),
            )
        })
    }
}

fn finished() -> FfiError {
    FfiError::new(
        VmafxStatus::InvalidState,
        "the stream is finished; no more frames can be pushed",
    )
}

fn broken() -> FfiError {
    FfiError::new(
        VmafxStatus::InvalidState,
        "an earlier internal error left the stream unusable; free it",
    )
}

/// Runs `body` on a stream; a panic inside marks the stream broken.
///
/// # Safety
/// `stream` is NULL or a live stream used by no one else meanwhile.
unsafe fn with_stream(
    stream: *mut VmafxStream,
    body: impl FnOnce(&mut VmafxStream) -> Result<(), FfiError>,
) -> VmafxStatus {
    guard_status(|| {
        // SAFETY: the caller promises a live, unaliased stream or NULL.
        let stream = unsafe { handle_mut(stream, "stream") }?;
        match catch_unwind(AssertUnwindSafe(|| body(stream))) {
            Ok(outcome) => outcome,
            Err(payload) => {
                stream.state = State::Broken;
                std::panic::resume_unwind(payload)
            }
        }
    })
}

/// Creates a stream for frames of `format`, scored with `options` (NULL for the
/// defaults; the `vmafx_score`-only fields are ignored), into `*stream`.
///
/// Errors: `VMAFX_STATUS_NULL_POINTER`, `VMAFX_STATUS_INVALID_ARGUMENT` (bad options or
/// format, or frames too small for a feature: VMAF needs at least 33x33),
/// `VMAFX_STATUS_BACKEND_UNAVAILABLE`, `VMAFX_STATUS_MODEL`,
/// `VMAFX_STATUS_FEATURE`. `*stream` is set to NULL on failure.
///
/// # Safety
/// `options` is NULL or an initialised `VmafxOptions` with valid pointers; `format` is
/// NULL or readable; `stream` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmafx_stream_new(
    options: *const VmafxOptions,
    format: *const VmafxFrameFormat,
    stream: *mut *mut VmafxStream,
) -> VmafxStatus {
    guard_status(|| {
        // SAFETY: the caller promises `stream` is NULL or writable.
        unsafe { write_out(stream, std::ptr::null_mut(), "stream") }?;
        // SAFETY: the caller promises `format` is NULL or readable.
        let format = unsafe { handle(format, "format") }?.to_format("format")?;
        // SAFETY: the caller promises NULL or an initialised VmafxOptions.
        let run = unsafe { RunOptions::from_c(options) }?;
        // Here the format is an argument, not a file: a size the features cannot take
        // is a bad argument.
        let scorer = run.builder.build(format).map_err(|e| match e {
            vmafx::Error::InvalidInput(m) => FfiError::invalid(format!("format: {m}")),
            other => other.into(),
        })?;
        let metrics = scorer.metrics().to_vec();
        let value = VmafxStream {
            state: State::Scoring(Box::new(scorer)),
            format,
            primary_metric: run.primary_metric,
            pool_method: run.pool_method,
            metric_names: metrics.iter().map(|m| c_string(m)).collect(),
            metrics,
            ready: VecDeque::new(),
            collected: 0,
            current: None,
        };
        let raw = Box::into_raw(Box::new(value));
        // SAFETY: checked writable by the first write above.
        unsafe { write_out(stream, raw, "stream") }
    })
}

/// Scores the next reference/distorted picture pair. Frames whose scores are complete
/// become readable with `vmafx_stream_next_frame` (temporal features make a frame's
/// scores complete one frame later; with several threads, frames are scored in batches).
///
/// Errors: `VMAFX_STATUS_NULL_POINTER` (also for a NULL plane the format needs),
/// `VMAFX_STATUS_INVALID_ARGUMENT` (bad stride or misaligned plane),
/// `VMAFX_STATUS_INVALID_STATE` (after `vmafx_stream_finish`).
///
/// # Safety
/// `stream` is NULL or a live stream; `reference` and `distorted` are NULL or point to
/// pictures whose planes are readable as `VmafxPicture` describes.
#[no_mangle]
pub unsafe extern "C" fn vmafx_stream_push(
    stream: *mut VmafxStream,
    reference: *const VmafxPicture,
    distorted: *const VmafxPicture,
) -> VmafxStatus {
    let body = |stream: &mut VmafxStream| {
        // SAFETY: the caller promises readable pictures or NULL.
        let (reference, distorted) = unsafe {
            (
                handle(reference, "reference")?,
                handle(distorted, "distorted")?,
            )
        };
        let format = stream.format;
        stream.scorer()?;
        // SAFETY: the caller promises the planes are readable for this call.
        let (reference, distorted) = unsafe {
            (
                picture::view(reference, &format, "reference")?,
                picture::view(distorted, &format, "distorted")?,
            )
        };
        stream.scorer()?.push(&reference, &distorted)?;
        stream.collect_new_records()
    };
    // SAFETY: the caller promises a live stream or NULL.
    unsafe { with_stream(stream, body) }
}

/// Takes the oldest frame whose scores are complete and not yet taken.
///
/// Sets `*ready` to true and `*frame_index` to its input frame number (0-based), and
/// makes it the frame `vmafx_stream_frame_value` reads; or sets `*ready` to false when
/// no frame is complete yet. Works before and after `vmafx_stream_finish`, which
/// completes the remaining frames.
///
/// Errors: `VMAFX_STATUS_NULL_POINTER`.
///
/// # Safety
/// `stream` is NULL or a live stream; `ready` and `frame_index` are NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmafx_stream_next_frame(
    stream: *mut VmafxStream,
    ready: *mut bool,
    frame_index: *mut u64,
) -> VmafxStatus {
    let body = |stream: &mut VmafxStream| {
        if ready.is_null() || frame_index.is_null() {
            let which = if ready.is_null() {
                "ready"
            } else {
                "frame_index"
            };
            return Err(FfiError::null(which));
        }
        let next = stream.ready.pop_front();
        let index = next.as_ref().map_or(0, |record| record.index);
        // SAFETY: checked non-NULL; the caller promises both are writable.
        unsafe {
            write_out(ready, next.is_some(), "ready")?;
            write_out(frame_index, index, "frame_index")?;
        }
        if next.is_some() {
            stream.current = next;
        }
        Ok(())
    };
    // SAFETY: the caller promises a live stream or NULL.
    unsafe { with_stream(stream, body) }
}

/// The value of metric `metric` on the frame `vmafx_stream_next_frame` returned last,
/// into `*value`.
///
/// Errors: `VMAFX_STATUS_NULL_POINTER`, `VMAFX_STATUS_NOT_FOUND` (no such metric),
/// `VMAFX_STATUS_INVALID_STATE` (no frame taken yet).
///
/// # Safety
/// `stream` is NULL or a live stream; `metric` is NULL or a NUL-terminated string;
/// `value` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmafx_stream_frame_value(
    stream: *const VmafxStream,
    metric: *const c_char,
    value: *mut f64,
) -> VmafxStatus {
    guard_status(|| {
        // SAFETY: the caller promises live or NULL arguments.
        let (stream, metric) = unsafe { (handle(stream, "stream")?, c_text(metric, "metric")?) };
        if value.is_null() {
            return Err(FfiError::null("value"));
        }
        let column = stream.metric(metric)?;
        let record = stream.current.as_ref().ok_or_else(|| {
            FfiError::new(
                VmafxStatus::InvalidState,
                "no frame taken yet; call vmafx_stream_next_frame first",
            )
        })?;
        // SAFETY: checked non-NULL; the caller promises it is writable.
        unsafe { write_out(value, record.values[column], "value") }
    })
}

/// Number of metrics each frame carries: features, then model scores.
///
/// Returns 0 when `stream` is NULL (and sets `vmafx_last_error()`).
///
/// # Safety
/// `stream` is NULL or a live stream.
#[no_mangle]
pub unsafe extern "C" fn vmafx_stream_metric_count(stream: *const VmafxStream) -> usize {
    guard(0, || {
        // SAFETY: the caller promises a live stream or NULL.
        let stream = unsafe { handle(stream, "stream") }?;
        Ok(stream.metrics.len())
    })
    .0
}

/// Name of metric `index` (0 to `vmafx_stream_metric_count() - 1`).
///
/// Returns NULL (and sets `vmafx_last_error()`) when `stream` is NULL or `index` is out
/// of range. The string belongs to the stream and lives as long as it.
///
/// # Safety
/// `stream` is NULL or a live stream.
#[no_mangle]
pub unsafe extern "C" fn vmafx_stream_metric_name(
    stream: *const VmafxStream,
    index: usize,
) -> *const c_char {
    guard(std::ptr::null(), || {
        // SAFETY: the caller promises a live stream or NULL.
        let stream = unsafe { handle(stream, "stream") }?;
        let name = stream.metric_names.get(index).ok_or_else(|| {
            FfiError::new(
                VmafxStatus::NotFound,
                format!(
                    "metric index {index} is out of range (the stream has {})",
                    stream.metric_names.len()
                ),
            )
        })?;
        Ok(name.as_ptr())
    })
    .0
}

/// Ends the stream: scores what is still buffered, pools every metric and fills
/// `*result` (its `score` pooled with `options->pool_method`). The caller owns
/// `result->report` and frees it with `vmafx_report_free`. Frames completed by finishing
/// can still be taken with `vmafx_stream_next_frame`; pushing is no longer allowed. The
/// stream itself must still be freed with `vmafx_stream_free`.
///
/// Errors: `VMAFX_STATUS_NULL_POINTER`, `VMAFX_STATUS_NO_FRAMES` (nothing was pushed),
/// `VMAFX_STATUS_INVALID_STATE` (already finished). On failure `*result` holds a NaN
/// score, 0 frames and a NULL report; after any failure but a NULL argument the stream
/// is finished.
///
/// # Safety
/// `stream` is NULL or a live stream; `result` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmafx_stream_finish(
    stream: *mut VmafxStream,
    result: *mut VmafxResult,
) -> VmafxStatus {
    let body = |stream: &mut VmafxStream| {
        // SAFETY: the caller promises `result` is NULL or writable.
        unsafe { write_out(result, VmafxResult::empty(), "result") }?;
        let report = stream.take_scorer()?.finish()?;
        let late = report.frames.iter().skip(stream.collected).cloned();
        stream.ready.extend(late);
        stream.collected = report.frames.len();
        let value =
            VmafxResult::from_report(report, stream.primary_metric.as_deref(), stream.pool_method);
        // SAFETY: checked writable by the first write above.
        unsafe { write_out(result, value, "result") }
    };
    // SAFETY: the caller promises a live stream or NULL.
    unsafe { with_stream(stream, body) }
}

/// Frees a stream, finished or not. NULL is allowed and does nothing.
///
/// # Safety
/// `stream` is NULL or a live stream, which must not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn vmafx_stream_free(stream: *mut VmafxStream) {
    guard((), || {
        if !stream.is_null() {
            // SAFETY: the caller hands back a pointer made by Box::into_raw in this crate.
            drop(unsafe { Box::from_raw(stream) });
        }
        Ok(())
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::VMAFX_CHROMA_420;

    #[test]
    fn a_panic_breaks_the_stream_but_not_the_caller() {
        let format = VmafxFrameFormat {
            width: 64,
            height: 64,
            chroma: VMAFX_CHROMA_420,
            bit_depth: 8,
        };
        let mut stream = std::ptr::null_mut();
        // SAFETY: valid format and output pointers; NULL options mean the defaults.
        let status = unsafe { vmafx_stream_new(std::ptr::null(), &format, &mut stream) };
        assert_eq!(status, VmafxStatus::Ok);
        // SAFETY: `stream` is live and used by this thread only.
        let status = unsafe { with_stream(stream, |_| panic!("simulated bug")) };
        assert_eq!(status, VmafxStatus::Internal);
        let mut result = VmafxResult::empty();
        // SAFETY: `stream` is still a live handle; `result` is writable.
        let status = unsafe { vmafx_stream_finish(stream, &mut result) };
        assert_eq!(status, VmafxStatus::InvalidState);
        assert!(result.report.is_null());
        // SAFETY: `stream` came from vmafx_stream_new and is not used afterwards.
        unsafe { vmafx_stream_free(stream) };
    }
}
