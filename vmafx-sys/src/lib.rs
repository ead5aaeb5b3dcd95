//! The C ABI of VMAFX: `libvmafx.so` / `libvmafx.a` with the header `include/vmafx.h`.
//!
//! Two ways in:
//! - `vmafx_score` scores a pair of files in one call;
//! - `vmafx_stream_*` scores frames the caller decodes itself (FFmpeg-style), one pair
//!   at a time, with per-frame results as they complete.
//!
//! Both end in a `VmafxReport` read with the `vmafx_report_*` accessors. Every fallible
//! call returns a `VmafxStatus` (0 or a negative code) and leaves a message for
//! `vmafx_last_error`. No panic crosses the boundary: every entry point catches them.
//!
//! The header is generated from this crate by cbindgen (`cbindgen.toml`); the test in
//! `tests/header.rs` fails when the committed header is stale and rewrites it when run
//! with `VMAFX_BLESS_HEADER=1`.
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

mod ffi_util;
mod options;
mod picture;
mod report;
mod score;
mod status;
mod stream;

pub use ffi_util::{vmafx_last_error, vmafx_version};
pub use options::{
    vmafx_options_init, VmafxChroma, VmafxFrameFormat, VmafxOptions, VmafxPoolMethod,
    VMAFX_CHROMA_400, VMAFX_CHROMA_420, VMAFX_CHROMA_422, VMAFX_CHROMA_444,
    VMAFX_FLAG_ALLOW_LENGTH_MISMATCH, VMAFX_FLAG_NO_PREDICTION, VMAFX_POOL_HARMONIC_MEAN,
    VMAFX_POOL_MAX, VMAFX_POOL_MEAN, VMAFX_POOL_MIN, VMAFX_POOL_PERCENTILE,
};
pub use picture::VmafxPicture;
pub use report::{
    vmafx_report_frame_count, vmafx_report_frame_index, vmafx_report_frame_value,
    vmafx_report_free, vmafx_report_metric_count, vmafx_report_metric_name,
    vmafx_report_percentile, vmafx_report_pooled, vmafx_report_write, VmafxReport,
    VmafxReportFormat, VmafxResult, VMAFX_REPORT_CSV, VMAFX_REPORT_JSON, VMAFX_REPORT_SUB,
    VMAFX_REPORT_XML,
};
pub use score::vmafx_score;
pub use status::{vmafx_status_str, VmafxStatus};
pub use stream::{
    vmafx_stream_finish, vmafx_stream_frame_value, vmafx_stream_free, vmafx_stream_metric_count,
    vmafx_stream_metric_name, vmafx_stream_new, vmafx_stream_next_frame, vmafx_stream_push,
    VmafxStream,
};
