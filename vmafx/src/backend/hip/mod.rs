//! The HIP compute backend, for AMD GPUs: the kernels of `vmafx/kernels/cuda/` compiled with
//! hiprtc for the device's architecture at first use, run on HIP streams.
//!
//! `libamdhip64` and hiprtc are opened at run time (ROCm 5 or later), so a build with
//! the `hip` feature starts anywhere and says why HIP is unavailable where it is.

mod compile;
mod device;
mod ffi;
mod queue;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use super::compute::ComputeDevice;
use crate::error::{Error, Result};

/// Names of the usable devices, or why there are none.
pub fn devices() -> std::result::Result<Vec<String>, String> {
    let runtime = ffi::runtime()?;
    runtime
        .initialised()
        .map_err(|e| format!("hip: no usable device ({e})"))?;
    let count = device::device_count(runtime).map_err(message)?;
    (0..count)
        .map(|ordinal| device::device_name(runtime, ordinal as i32).map_err(message))
        .collect()
}

/// Opens device `ordinal` (in the order of [`devices`]).
pub fn open(ordinal: usize) -> Result<Arc<dyn ComputeDevice>> {
    Ok(Arc::new(device::HipDevice::open(ordinal)?))
}

/// The reason inside a backend error, without the "backend unavailable" prefix.
fn message(error: Error) -> String {
    match error {
        Error::Backend(reason) => reason,
        other => other.to_string(),
    }
}
