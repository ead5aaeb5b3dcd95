//! `vmafx_score`: a reference/distorted pair of files in, a result out.

use std::ffi::c_char;
use std::path::Path;

use vmafx::io::{is_y4m_path, InputKind};
use vmafx::ScoreJob;

use crate::ffi_util::{c_path, guard_status, write_out};
use crate::options::{RunOptions, VmafxOptions, VMAFX_FLAG_ALLOW_LENGTH_MISMATCH};
use crate::report::VmafxResult;
use crate::status::{FfiError, VmafxStatus};

/// Scores the distorted video at `distorted_path` against the reference at
/// `reference_path` and fills `*result`.
///
/// Inputs are Y4M files (paths ending in `.y4m`) or raw planar YUV files of the
/// geometry in `options->raw_format`; both must be of the same kind. "-" reads
/// standard input. `options` may be NULL for the defaults (VMAF with `vmaf_v0.6.1`, all
/// cores); otherwise initialise it with `vmafx_options_init()`.
///
/// On success the caller owns `result->report` and frees it with
/// `vmafx_report_free()`. On failure `*result` (when `result` is not NULL) holds a NaN
/// score, 0 frames and a NULL report, and `vmafx_last_error()` says what went wrong.
///
/// Errors: `VMAFX_STATUS_NULL_POINTER`, `VMAFX_STATUS_INVALID_ARGUMENT` (bad options),
/// `VMAFX_STATUS_BACKEND_UNAVAILABLE`, `VMAFX_STATUS_MODEL`, `VMAFX_STATUS_FEATURE`,
/// `VMAFX_STATUS_IO` (a file cannot be read), `VMAFX_STATUS_INVALID_INPUT` (malformed or
/// truncated video), `VMAFX_STATUS_MISMATCH` (different formats or lengths),
/// `VMAFX_STATUS_NO_FRAMES`.
///
/// # Safety
/// The paths are NULL or NUL-terminated strings; `options` is NULL or an initialised
/// `VmafxOptions` whose pointers are valid; `result` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmafx_score(
    reference_path: *const c_char,
    distorted_path: *const c_char,
    options: *const VmafxOptions,
    result: *mut VmafxResult,
) -> VmafxStatus {
    guard_status(|| {
        // SAFETY: the caller promises `result` is NULL or writable.
        unsafe { write_out(result, VmafxResult::empty(), "result") }?;
        // SAFETY: the caller promises NULL or NUL-terminated strings.
        let (reference, distorted) = unsafe {
            (
                c_path(reference_path, "reference_path")?,
                c_path(distorted_path, "distorted_path")?,
            )
        };
        // SAFETY: the caller promises NULL or an initialised VmafxOptions.
        let run = unsafe { RunOptions::from_c(options) }?;
        let input = input_kind(&reference, &distorted, &run)?;
        let job = ScoreJob {
            skip_reference: run.raw.skip_reference_frames,
            skip_distorted: run.raw.skip_distorted_frames,
            max_frames: (run.raw.max_frames > 0).then_some(run.raw.max_frames),
            require_equal_length: run.raw.flags & VMAFX_FLAG_ALLOW_LENGTH_MISMATCH == 0,
            frames: run.raw.frame_range()?,
            ..ScoreJob::new(&reference, &distorted, input)
        };
        let outcome = job.run(run.builder, |_| {})?;
        let value = VmafxResult::from_report(
            outcome.report,
            run.primary_metric.as_deref(),
            run.pool_method,
        );
        // SAFETY: checked writable by the first write above.
        unsafe { write_out(result, value, "result") }
    })
}

/// Y4M when both paths end in `.y4m`, raw YUV of the options' geometry when neither does.
fn input_kind(reference: &Path, distorted: &Path, run: &RunOptions) -> Result<InputKind, FfiError> {
    match (is_y4m_path(reference), is_y4m_path(distorted)) {
        (true, true) => Ok(InputKind::Y4m),
        (false, false) => {
            if run.raw.raw_format.width == 0 || run.raw.raw_format.height == 0 {
                return Err(FfiError::invalid(
                    "raw (non-.y4m) input needs options->raw_format: width, height, chroma \
                     and bit_depth",
                ));
            }
            Ok(InputKind::Raw(
                run.raw.raw_format.to_format("options->raw_format")?,
            ))
        }
        _ => Err(FfiError::new(
            VmafxStatus::Mismatch,
            format!(
                "{} and {} must both be .y4m or both raw .yuv",
                reference.display(),
                distorted.display()
            ),
        )),
    }
}
