//! The CUDA compute backend: NVIDIA GPUs through the CUDA driver API, with the kernels
//! of `vmafx/kernels/cuda/` compiled by NVRTC at first use (see [`compile`]).
//!
//! Both libraries (`libcuda`, `libnvrtc`) are opened at run time, so the backend builds
//! and its probing works on machines without them: [`devices`] and [`open`] then say
//! which library is missing. cudarc's loader panics when a library or a symbol is
//! absent; every entry point here checks for the libraries first and also turns any
//! panic from below into an error, so that nothing panics into the caller.
//!
//! A device is the device's primary context; each queue is a CUDA stream with its own
//! page-locked staging memory (see [`queue`]).

mod compile;
mod device;
mod pinned;
mod queue;
#[cfg(test)]
mod tests;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use cudarc::driver::{result as driver, sys as driver_sys, DriverError};
use cudarc::nvrtc::result::NvrtcError;

use super::compute::ComputeDevice;
use crate::error::{Error, Result};

/// Names of the usable devices, or why there are none.
pub fn devices() -> std::result::Result<Vec<String>, String> {
    guarded("listing devices", || {
        let count = device_count()?;
        // A device the kernels cannot be compiled for is of no use.
        compile::nvrtc_ready()?;
        (0..count)
            .map(|ordinal| {
                let device = driver::device::get(ordinal)
                    .map_err(|e| reason(driver_error("cuDeviceGet", e)))?;
                driver::device::get_name(device)
                    .map_err(|e| reason(driver_error("cuDeviceGetName", e)))
            })
            .collect()
    })
}

/// Opens device `ordinal` (in the order of [`devices`]).
pub fn open(ordinal: usize) -> Result<Arc<dyn ComputeDevice>> {
    let device = guarded("opening a device", || {
        let count = device_count()?;
        compile::nvrtc_ready()?;
        if ordinal >= count as usize {
            return Err(format!(
                "cuda: no device {ordinal} (found {count} device{})",
                if count == 1 { "" } else { "s" }
            ));
        }
        device::CudaDevice::open(ordinal).map_err(reason)
    })
    .map_err(Error::Backend)?;
    Ok(Arc::new(device))
}

/// The number of devices (at least one), after initialising the driver; or why none.
fn device_count() -> std::result::Result<i32, String> {
    // SAFETY: only tries to open the library by its candidate names.
    if !unsafe { driver_sys::is_culib_present() } {
        return Err(library_missing("driver", "cuda"));
    }
    match driver::init() {
        Ok(()) => {}
        Err(e) if e.0 == driver_sys::CUresult::CUDA_ERROR_NO_DEVICE => {
            return Err("cuda: no device".to_string());
        }
        Err(e) => return Err(reason(driver_error("cuInit", e))),
    }
    match driver::device::get_count() {
        Ok(count) if count > 0 => Ok(count),
        Ok(_) => Err("cuda: no device".to_string()),
        Err(e) => Err(reason(driver_error("cuDeviceGetCount", e))),
    }
}

/// Runs `f`, turning a panic (cudarc's, when a library or symbol is missing) into the
/// reason it gives.
fn guarded<T>(
    what: &str,
    f: impl FnOnce() -> std::result::Result<T, String>,
) -> std::result::Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|payload| {
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        Err(format!("cuda: {what} failed: {message}"))
    })
}

/// "cuda: <what> library libX.so not found (...)".
fn library_missing(what: &str, name: &str) -> String {
    let mut tried: Vec<String> = Vec::new();
    for candidate in cudarc::get_lib_name_candidates(name) {
        // The Windows-style names with a pointer width never exist on Linux.
        if !candidate.contains("64") && !tried.contains(&candidate) {
            tried.push(candidate);
        }
    }
    format!(
        "cuda: {what} library lib{name}.so not found (tried {}; set LD_LIBRARY_PATH to its \
         folder)",
        tried.join(", ")
    )
}

/// The reason an error gives, without the "backend unavailable" prefix.
fn reason(error: Error) -> String {
    match error {
        Error::Backend(reason) => reason,
        other => other.to_string(),
    }
}

/// A failed driver call as an error: "cuda: <what>: CUDA_ERROR_... (<description>)".
fn driver_error(what: &str, error: DriverError) -> Error {
    let description = error
        .error_string()
        .map(|s| format!(" ({})", s.to_string_lossy()))
        .unwrap_or_default();
    Error::Backend(format!("cuda: {what}: {:?}{description}", error.0))
}

/// NVRTC's name of an error, e.g. `NVRTC_ERROR_COMPILATION`.
fn nvrtc_error_name(error: NvrtcError) -> String {
    format!("{:?}", error.0)
}

/// A failed NVRTC call as an error: "cuda: <what>: NVRTC_ERROR_...".
fn nvrtc_error(what: &str, error: NvrtcError) -> Error {
    Error::Backend(format!("cuda: {what}: {}", nvrtc_error_name(error)))
}
