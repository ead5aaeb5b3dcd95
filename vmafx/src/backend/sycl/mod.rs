//! The SYCL compute backend, for Intel GPUs: the kernels of `vmafx/kernels/cuda/` compiled
//! by DPC++ into `libvmafx_sycl.so` (`vmafx/kernels/sycl/build.sh`), which this module loads
//! at run time — from `VMAFX_SYCL_LIBRARY` when set, else through the dynamic linker's
//! search path — and drives through its C ABI.

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
    let gpus = usable_gpus()?;
    Ok(gpus.into_iter().map(|gpu| gpu.name).collect())
}

/// Opens device `ordinal` (in the order of [`devices`]).
pub fn open(ordinal: usize) -> Result<Arc<dyn ComputeDevice>> {
    let gpus = usable_gpus().map_err(Error::Backend)?;
    let gpu = gpus.get(ordinal).ok_or_else(|| {
        Error::Backend(format!(
            "sycl: no device {ordinal} ({} usable found)",
            gpus.len()
        ))
    })?;
    Ok(Arc::new(device::SyclDevice::open(gpu)?))
}

/// The GPUs the kernels can run on; an error naming the GPUs that lack something
/// when there are GPUs but none of them is usable.
fn usable_gpus() -> std::result::Result<Vec<device::GpuInfo>, String> {
    let api = ffi::library()?;
    let gpus = device::gpus(api).map_err(|e| match e {
        Error::Backend(reason) => reason,
        other => other.to_string(),
    })?;
    let (usable, unusable): (Vec<_>, Vec<_>) = gpus.into_iter().partition(|gpu| gpu.usable);
    if usable.is_empty() && !unusable.is_empty() {
        let names: Vec<String> = unusable.into_iter().map(|gpu| gpu.name).collect();
        return Err(format!(
            "sycl: no usable GPU ({} lack doubles, 64-bit atomics or USM)",
            names.join(", ")
        ));
    }
    Ok(usable)
}
