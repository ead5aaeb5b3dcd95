//! `vmafx_score`: a reference/distorted pair of files in, a result out.

use std::ffi::c_char;
use std::path::Path;

use vmafx::io::InputKind;
use vmafx::ScoreJob;

use crate::ffi_util::{c_path, guard_status, write_out};
use crate::options::{RunOptions, VmafxOptions, VMAFX_FLAG_ALLOW_LENGTH_MISMATCH};
use crate::report::VmafxResult;
use crate::status::{FfiError, VmafxStatus};

/// Scores the distorted video at `distorted_path` against the reference at
/// `reference_path` and fills `*result`.
///
/// With `options->raw_format` set (non-zero width and height), both inputs are raw
/// planar YUV of that geometry (`.yuv` files need it); two `.y4m` files are still read
/// as Y4M, and a `.y4m` beside a raw input is `VMAFX_STATUS_MISMATCH`. Otherwise each input is read by
/// its content: Y4M as it is, any other video (mp4, mkv, webm, ivf, ...) decoded by an
/// `ffmpeg` child process found through `VMAFX_FFMPEG` or `PATH`, keeping its pixel
/// format and bit depth. "-" reads standard input (at most one of the two). `options`
/// may be NULL for the defaults (VMAF with `vmaf_v0.6.1`, all cores); otherwise
/// initialise it with `vmafx_options_init()`.
///
/// On success the caller owns `result->report` and frees it with
/// `vmafx_report_free()`. On failure `*result` (when `result` is not NULL) holds a NaN
/// score, 0 frames and a NULL report, and `vmafx_last_error()` says what went wrong.
///
/// Errors: `VMAFX_STATUS_NULL_POINTER`, `VMAFX_STATUS_INVALID_ARGUMENT` (bad options),
/// `VMAFX_STATUS_BACKEND_UNAVAILABLE`, `VMAFX_STATUS_MODEL`, `VMAFX_STATUS_FEATURE`,
/// `VMAFX_STATUS_IO` (a file cannot be read, or ffmpeg is needed and cannot be found),
/// `VMAFX_STATUS_INVALID_INPUT` (malformed, truncated or undecodable video),
/// `VMAFX_STATUS_MISMATCH` (different formats or lengths), `VMAFX_STATUS_NO_FRAMES`.
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

/// Raw YUV of the options' geometry when one is given, else each input by its content.
/// A `.y4m` file carries its own geometry: two of them are read as Y4M even with a
/// geometry given, and one beside a raw input is a mismatch, as it always was here.
fn input_kind(reference: &Path, distorted: &Path, run: &RunOptions) -> Result<InputKind, FfiError> {
    if reference.as_os_str() == "-" && distorted.as_os_str() == "-" {
        return Err(FfiError::invalid(
            "the reference and the distorted video cannot both be standard input (\"-\")",
        ));
    }
    let geometry = &run.raw.raw_format;
    let raw_name = |p: &Path| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("yuv"))
    };
    if geometry.width == 0 && geometry.height == 0 {
        if raw_name(reference) || raw_name(distorted) {
            return Err(FfiError::invalid(
                "raw .yuv input needs options->raw_format: width, height, chroma and bit_depth",
            ));
        }
        return Ok(InputKind::Auto);
    }
    if geometry.width == 0 || geometry.height == 0 {
        return Err(FfiError::invalid(
            "options->raw_format needs both width and height (or neither, to read Y4M or \
             compressed video)",
        ));
    }
    let y4m_name = |p: &Path| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("y4m"))
    };
    match (y4m_name(reference), y4m_name(distorted)) {
        (true, true) => Ok(InputKind::Auto),
        (false, false) => Ok(InputKind::Raw(geometry.to_format("options->raw_format")?)),
        _ => Err(FfiError::new(
            VmafxStatus::Mismatch,
            format!(
                "{} and {}: one is Y4M, the other raw YUV of options->raw_format; give both \
                 in one form",
                reference.display(),
                distorted.display()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> RunOptions {
        // SAFETY: NULL asks for the defaults.
        unsafe { RunOptions::from_c(std::ptr::null()) }.unwrap()
    }

    #[test]
    fn inputs_are_read_by_content_unless_a_geometry_is_given() {
        let mut run = defaults();
        let kind = |run: &RunOptions, r: &str, d: &str| input_kind(Path::new(r), Path::new(d), run);
        assert_eq!(kind(&run, "a.mp4", "b.y4m").unwrap(), InputKind::Auto);
        assert_eq!(kind(&run, "-", "b.mkv").unwrap(), InputKind::Auto);
        let both_stdin = kind(&run, "-", "-").unwrap_err();
        assert_eq!(both_stdin.status, VmafxStatus::InvalidArgument);
        let raw_without_geometry = kind(&run, "a.yuv", "b.yuv").unwrap_err();
        assert!(raw_without_geometry.message.contains("raw_format"));
        run.raw.raw_format.width = 352;
        assert!(kind(&run, "a.yuv", "b.yuv").is_err(), "height is missing");
        run.raw.raw_format.height = 288;
        assert!(matches!(
            kind(&run, "a.yuv", "b.yuv").unwrap(),
            InputKind::Raw(_)
        ));
        assert_eq!(kind(&run, "a.y4m", "b.y4m").unwrap(), InputKind::Auto);
        let mixed = kind(&run, "a.y4m", "b.yuv").unwrap_err();
        assert_eq!(mixed.status, VmafxStatus::Mismatch);
    }
}
