//! One SYCL GPU as a [`ComputeDevice`]: a context of the kernel library, USM device
//! memory, and in-order queues.

use std::ffi::{c_int, c_void};
use std::sync::Arc;

use super::ffi::{library, Api};
use super::queue::SyclQueue;
use crate::backend::compute::{ComputeDevice, ComputeQueue, PinnedAllocator};
use crate::backend::BackendKind;
use crate::error::{Error, Result};

/// A GPU the SYCL runtime lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct GpuInfo {
    /// Position in the library's list.
    pub(super) index: usize,
    /// Name and SYCL backend, e.g. `Intel(R) Data Center GPU Max 1100 (level_zero)`.
    pub(super) name: String,
    /// Whether it has what the kernels need (doubles, 64-bit atomics, USM).
    pub(super) usable: bool,
}

/// Every GPU the SYCL runtime lists.
pub(super) fn gpus(api: &Api) -> Result<Vec<GpuInfo>> {
    let mut count = 0usize;
    // SAFETY: valid out pointer.
    let status = unsafe { (api.vmafx_sycl_device_count)(&mut count) };
    api.check(status, "listing GPUs").map_err(backend_error)?;
    (0..count)
        .map(|index| {
            let mut name = [0u8; 256];
            let mut usable: c_int = 0;
            // SAFETY: the buffer holds 256 bytes; the library writes a NUL-terminated
            // name of at most that many.
            let status = unsafe {
                (api.vmafx_sycl_device_info)(
                    index,
                    name.as_mut_ptr().cast(),
                    name.len(),
                    &mut usable,
                )
            };
            api.check(status, "describing a GPU")
                .map_err(backend_error)?;
            let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
            Ok(GpuInfo {
                index,
                name: String::from_utf8_lossy(&name[..end]).into_owned(),
                usable: usable != 0,
            })
        })
        .collect()
}

/// What a device and its queues share: the library's device handle.
pub(super) struct Shared {
    pub(super) api: &'static Api,
    pub(super) handle: *mut c_void,
    name: String,
}

// SAFETY: the handle is a SYCL device and context, which SYCL lets any thread use.
unsafe impl Send for Shared {}
// SAFETY: as above.
unsafe impl Sync for Shared {}

impl Shared {
    /// `Err(Error::Backend("sycl: <what>: <message>"))` unless `status` is success.
    pub(super) fn check(&self, status: c_int, what: &str) -> Result<()> {
        self.api.check(status, what).map_err(backend_error)
    }
}

impl Drop for Shared {
    fn drop(&mut self) {
        // SAFETY: opened once by `SyclDevice::open`; every queue and buffer holding
        // this shared state is gone.
        unsafe { (self.api.vmafx_sycl_close)(self.handle) };
    }
}

/// An open SYCL GPU.
pub(super) struct SyclDevice {
    shared: Arc<Shared>,
}

impl SyclDevice {
    /// Opens the GPU at `index` of the library's list.
    pub(super) fn open(gpu: &GpuInfo) -> Result<Self> {
        let api = library().map_err(Error::Backend)?;
        let mut handle: *mut c_void = std::ptr::null_mut();
        // SAFETY: valid out pointer; the index came from the library's list.
        let status = unsafe { (api.vmafx_sycl_open)(gpu.index, &mut handle) };
        api.check(status, &format!("opening {}", gpu.name))
            .map_err(backend_error)?;
        Ok(Self {
            shared: Arc::new(Shared {
                api,
                handle,
                name: gpu.name.clone(),
            }),
        })
    }
}

impl std::fmt::Debug for SyclDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyclDevice")
            .field("name", &self.shared.name)
            .finish_non_exhaustive()
    }
}

impl ComputeDevice for SyclDevice {
    fn backend(&self) -> BackendKind {
        BackendKind::Sycl
    }

    fn name(&self) -> String {
        self.shared.name.clone()
    }

    fn allocate(&self, bytes: usize) -> Result<u64> {
        let mut address = 0u64;
        // SAFETY: live device handle, valid out pointer.
        let status = unsafe {
            (self.shared.api.vmafx_sycl_malloc_device)(self.shared.handle, bytes, &mut address)
        };
        self.shared.check(status, "malloc_device")?;
        Ok(address)
    }

    fn release(&self, address: u64) {
        // Nothing to report to: a failed free leaks at worst. Buffers are released
        // only once the queues that used them have finished with them.
        // SAFETY: `address` came from malloc_device on this device and is freed once.
        unsafe { (self.shared.api.vmafx_sycl_free)(self.shared.handle, address) };
    }

    fn queue(&self) -> Result<Box<dyn ComputeQueue>> {
        Ok(Box::new(SyclQueue::new(Arc::clone(&self.shared))?))
    }
}

/// A library error as the crate reports it.
pub(super) fn backend_error(message: String) -> Error {
    Error::Backend(format!("sycl: {message}"))
}

impl PinnedAllocator for Shared {
    fn allocate(&self, bytes: usize) -> Result<*mut u8> {
        let mut memory: *mut c_void = std::ptr::null_mut();
        // SAFETY: live device handle, valid out pointer.
        let status = unsafe { (self.api.vmafx_sycl_malloc_host)(self.handle, bytes, &mut memory) };
        self.check(status, "malloc_host")?;
        Ok(memory.cast())
    }

    unsafe fn free(&self, block: *mut u8) {
        // SAFETY: allocated by malloc_host on this device; the caller's promise that no
        // copy uses it.
        unsafe { (self.api.vmafx_sycl_free_host)(self.handle, block.cast()) };
    }
}
