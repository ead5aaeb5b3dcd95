//! One HIP device as a [`ComputeDevice`]: its memory, its queues, and the kernels,
//! compiled with hiprtc for the device's architecture the first time a queue launches
//! one and kept for the device's lifetime.

use std::collections::HashMap;
use std::ffi::{c_int, c_void, CString};
use std::sync::{Arc, OnceLock};

use super::compile;
use super::ffi::{c_string, runtime, Handle, Runtime};
use super::queue::HipQueue;
use crate::backend::compute::{source, ComputeDevice, ComputeQueue, PinnedAllocator};
use crate::backend::BackendKind;
use crate::error::{Error, Result};

/// What a device and its queues share.
pub(super) struct Shared {
    pub(super) runtime: &'static Runtime,
    ordinal: c_int,
    name: String,
    arch: String,
    kernels: OnceLock<std::result::Result<Kernels, String>>,
}

/// The loaded code object and every kernel in it, by name.
pub(super) struct Kernels {
    module: Handle,
    functions: HashMap<&'static str, Handle>,
}

impl Kernels {
    /// The kernel `name`.
    pub(super) fn function(&self, name: &str) -> Result<Handle> {
        self.functions
            .get(name)
            .copied()
            .ok_or_else(|| Error::Backend(format!("hip: no kernel named {name}")))
    }
}

// SAFETY: module and function handles are process-wide and usable from any thread.
unsafe impl Send for Kernels {}
// SAFETY: as above; the map is never changed after it is built.
unsafe impl Sync for Kernels {}

impl Shared {
    /// Makes this device current on the calling thread: HIP keeps the current device per
    /// thread, and a device is used from whichever thread holds its queues.
    pub(super) fn select(&self) -> Result<()> {
        // SAFETY: the ordinal was valid when the device was opened.
        let status = unsafe { (self.runtime.hip.hipSetDevice)(self.ordinal) };
        self.check(status, "hipSetDevice")
    }

    /// `Err(Error::Backend("hip: <what>: <error>"))` unless `status` is success.
    pub(super) fn check(&self, status: c_int, what: &str) -> Result<()> {
        self.runtime
            .check(status, what)
            .map_err(|e| Error::Backend(format!("hip: {e}")))
    }

    /// The kernels, compiled and loaded on first use. A failure is kept too: it
    /// would fail the same way again.
    pub(super) fn kernels(&self) -> Result<&Kernels> {
        self.kernels
            .get_or_init(|| self.build_kernels().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| Error::Backend(e.clone()))
    }

    fn build_kernels(&self) -> Result<Kernels> {
        let rtc = self
            .runtime
            .rtc()
            .map_err(|e| Error::Backend(format!("hip: {e}")))?;
        let code = compile::compile(rtc, &source::translation_unit(), &self.arch)?;
        self.select()?;
        let hip = &self.runtime.hip;
        let mut module: Handle = std::ptr::null_mut();
        // SAFETY: `code` is a complete code object and outlives the call.
        let status = unsafe { (hip.hipModuleLoadData)(&mut module, code.as_ptr().cast()) };
        self.check(status, "hipModuleLoadData")?;
        let mut kernels = Kernels {
            module,
            functions: HashMap::new(),
        };
        for name in source::kernel_names() {
            let c_name = CString::new(name)
                .map_err(|_| Error::Backend(format!("hip: bad kernel name {name:?}")))?;
            let mut function: Handle = std::ptr::null_mut();
            // SAFETY: live module, NUL-terminated name, valid out pointer.
            let status =
                unsafe { (hip.hipModuleGetFunction)(&mut function, module, c_name.as_ptr()) };
            // On failure `kernels` drops here and unloads the module.
            self.check(status, &format!("hipModuleGetFunction({name})"))?;
            kernels.functions.insert(name, function);
        }
        Ok(kernels)
    }
}

impl Drop for Kernels {
    fn drop(&mut self) {
        if let Ok(runtime) = runtime() {
            // SAFETY: the module was loaded once and no queue uses it any more (queues
            // hold the device's shared state, which owns these kernels).
            unsafe { (runtime.hip.hipModuleUnload)(self.module) };
        }
    }
}

/// An open HIP device.
pub(super) struct HipDevice {
    shared: Arc<Shared>,
}

impl HipDevice {
    /// Opens device `ordinal` of the HIP runtime.
    pub(super) fn open(ordinal: usize) -> Result<Self> {
        let runtime = runtime().map_err(Error::Backend)?;
        runtime
            .initialised()
            .map_err(|e| Error::Backend(format!("hip: {e}")))?;
        let count = device_count(runtime)?;
        if ordinal >= count {
            return Err(Error::Backend(format!(
                "hip: no device {ordinal} ({count} found)"
            )));
        }
        let ordinal = ordinal as c_int;
        let arch = runtime
            .arch_name(ordinal)
            .map_err(|e| Error::Backend(format!("hip: {e}")))?;
        let name = device_name(runtime, ordinal)?;
        let shared = Shared {
            runtime,
            ordinal,
            name: if name.is_empty() { arch.clone() } else { name },
            arch,
            kernels: OnceLock::new(),
        };
        shared.select()?;
        Ok(Self {
            shared: Arc::new(shared),
        })
    }
}

impl std::fmt::Debug for HipDevice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HipDevice")
            .field("ordinal", &self.shared.ordinal)
            .field("name", &self.shared.name)
            .field("arch", &self.shared.arch)
            .finish_non_exhaustive()
    }
}

impl ComputeDevice for HipDevice {
    fn backend(&self) -> BackendKind {
        BackendKind::Hip
    }

    fn name(&self) -> String {
        self.shared.name.clone()
    }

    fn allocate(&self, bytes: usize) -> Result<u64> {
        self.shared.select()?;
        let mut address: *mut c_void = std::ptr::null_mut();
        // SAFETY: valid out pointer; the size is at least one byte.
        let status = unsafe { (self.shared.runtime.hip.hipMalloc)(&mut address, bytes.max(1)) };
        self.shared
            .check(status, &format!("hipMalloc({bytes} bytes)"))?;
        Ok(address as u64)
    }

    fn release(&self, address: u64) {
        // Nothing to report to: a failed free leaks at worst. hipFree waits for the
        // device, so no queued work still uses the memory.
        if self.shared.select().is_ok() {
            // SAFETY: `address` came from hipMalloc on this device and is freed once.
            unsafe { (self.shared.runtime.hip.hipFree)(address as *mut c_void) };
        }
    }

    fn queue(&self) -> Result<Box<dyn ComputeQueue>> {
        Ok(Box::new(HipQueue::new(Arc::clone(&self.shared))?))
    }
}

/// How many devices the runtime sees.
pub(super) fn device_count(runtime: &Runtime) -> Result<usize> {
    let mut count: c_int = 0;
    // SAFETY: valid out pointer.
    let status = unsafe { (runtime.hip.hipGetDeviceCount)(&mut count) };
    runtime
        .check(status, "hipGetDeviceCount")
        .map_err(|e| Error::Backend(format!("hip: {e}")))?;
    Ok(count.max(0) as usize)
}

/// The marketing name of device `ordinal`.
pub(super) fn device_name(runtime: &Runtime, ordinal: c_int) -> Result<String> {
    let hip = &runtime.hip;
    let mut device: c_int = 0;
    // SAFETY: valid out pointer; the ordinal is below the device count.
    let status = unsafe { (hip.hipDeviceGet)(&mut device, ordinal) };
    runtime
        .check(status, "hipDeviceGet")
        .map_err(|e| Error::Backend(format!("hip: {e}")))?;
    let mut name = [0u8; 256];
    // SAFETY: the buffer holds `len` bytes; HIP writes a NUL-terminated name into it.
    let status = unsafe { (hip.hipDeviceGetName)(name.as_mut_ptr().cast(), 256, device) };
    runtime
        .check(status, "hipDeviceGetName")
        .map_err(|e| Error::Backend(format!("hip: {e}")))?;
    Ok(c_string(&name).trim().to_string())
}

impl PinnedAllocator for Shared {
    fn allocate(&self, bytes: usize) -> Result<*mut u8> {
        let mut memory: *mut c_void = std::ptr::null_mut();
        // SAFETY: valid out pointer; flags 0 is hipHostMallocDefault.
        let status = unsafe { (self.runtime.hip.hipHostMalloc)(&mut memory, bytes, 0) };
        self.check(status, &format!("hipHostMalloc({bytes} bytes)"))?;
        Ok(memory.cast())
    }

    unsafe fn free(&self, block: *mut u8) {
        // SAFETY: allocated by hipHostMalloc; the caller's promise that no copy uses it.
        unsafe { (self.runtime.hip.hipHostFree)(block.cast()) };
    }
}
