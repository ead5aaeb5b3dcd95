//! `vmaf_write_output`: the session's report in libvmaf's XML, JSON, CSV or subtitle
//! layout, written by the core library's report writers.

use std::ffi::c_char;
use std::fs::File;
use std::io::BufWriter;

use vmafx::ReportFormat;

use crate::context::{with_context, VmafContext};
use crate::dictionary::text;
use crate::errno::{Failure, Outcome};

/// The layout of a `VMAF_OUTPUT_FORMAT_*` value.
fn layout(fmt: u32) -> Outcome<ReportFormat> {
    match fmt {
        1 => Ok(ReportFormat::Xml),
        2 => Ok(ReportFormat::Json),
        3 => Ok(ReportFormat::Csv),
        4 => Ok(ReportFormat::Sub),
        other => Err(Failure::invalid(format!("unknown output format {other}"))),
    }
}

/// Writes every feature and model score of every completed frame, and the pooled
/// values, to `output_path` in the layout `fmt` (a `VMAF_OUTPUT_FORMAT_*` value other
/// than NONE). Call it after the flush for the whole run. Returns 0, or -EINVAL (NULL
/// arguments, a bad format, no picture read, a file that cannot be written).
///
/// # Safety
/// `vmaf` NULL or live; `output_path` NULL or a string.
#[no_mangle]
pub unsafe extern "C" fn vmaf_write_output(
    vmaf: *mut VmafContext,
    output_path: *const c_char,
    fmt: u32,
) -> i32 {
    // SAFETY: as the caller promises.
    unsafe {
        with_context(vmaf, |context| {
            let path = text(output_path, "output_path")?;
            let layout = layout(fmt)?;
            let report = context.report()?;
            let file = File::create(path)
                .map_err(|e| Failure::invalid(format!("could not open file: {path}: {e}")))?;
            report.write(layout, &mut BufWriter::new(file))?;
            Ok(())
        })
    }
}
