//! A CUDA device as a [`ComputeDevice`]: its primary context, device memory, and the
//! kernel module, compiled and loaded once at the first queue.

use std::collections::HashMap;
use std::ffi::CString;
use std::sync::{Arc, OnceLock};

use cudarc::driver::{result, sys, CudaContext};

use super::compile::{self, Target};
use super::queue::CudaQueue;
use super::{driver_error, guarded, reason};
use crate::backend::compute::{check_launch, source, ComputeDevice, ComputeQueue, KernelArg};
use crate::backend::BackendKind;
use crate::error::{Error, Result};

/// One CUDA device.
#[derive(Debug)]
pub(super) struct CudaDevice {
    context: Arc<CudaContext>,
    name: String,
    /// Compute capability as `10 * major + minor`.
    capability: u32,
    /// The kernels, or why they cannot be had (kept so that every queue says it).
    kernels: OnceLock<std::result::Result<Arc<Kernels>, String>>,
}

impl CudaDevice {
    /// Device `ordinal`, which must exist; the driver is initialised.
    pub(super) fn open(ordinal: usize) -> Result<Self> {
        let context =
            CudaContext::new(ordinal).map_err(|e| driver_error("creating a context", e))?;
        let name = context
            .name()
            .map_err(|e| driver_error("cuDeviceGetName", e))?;
        let (major, minor) = context
            .compute_capability()
            .map_err(|e| driver_error("cuDeviceGetAttribute", e))?;
        let capability = u32::try_from(major * 10 + minor)
            .map_err(|_| Error::Backend(format!("cuda: odd compute capability {major}.{minor}")))?;
        Ok(Self {
            context,
            name,
            capability,
            kernels: OnceLock::new(),
        })
    }

    /// The kernel module, compiled and loaded at the first call.
    fn kernels(&self) -> Result<Arc<Kernels>> {
        self.kernels
            .get_or_init(|| {
                guarded("compiling the kernels", || {
                    Kernels::load(&self.context, self.capability)
                        .map(Arc::new)
                        .map_err(reason)
                })
            })
            .clone()
            .map_err(Error::Backend)
    }
}

impl ComputeDevice for CudaDevice {
    fn backend(&self) -> BackendKind {
        BackendKind::Cuda
    }

    fn name(&self) -> String {
        self.name.clone()
    }

    fn allocate(&self, bytes: usize) -> Result<u64> {
        self.context
            .bind_to_thread()
            .map_err(|e| driver_error("cuCtxSetCurrent", e))?;
        // SAFETY: allocates device memory in the current context.
        unsafe { result::malloc_sync(bytes.max(1)) }
            .map_err(|e| driver_error(&format!("cuMemAlloc of {bytes} bytes"), e))
    }

    fn release(&self, address: u64) {
        // Nothing to report to: a failure here leaks the memory, or the context is
        // already broken and will say so at the next call that can.
        if self.context.bind_to_thread().is_ok() {
            // SAFETY: `address` came from `allocate` and is freed once, unused by then
            // (the caller's promise).
            let _ = unsafe { result::free_sync(address) };
        }
    }

    fn queue(&self) -> Result<Box<dyn ComputeQueue>> {
        let kernels = self.kernels()?;
        Ok(Box::new(CudaQueue::new(
            Arc::clone(&self.context),
            kernels,
        )?))
    }
}

/// The loaded kernel module and its functions by name.
pub(super) struct Kernels {
    module: sys::CUmodule,
    functions: HashMap<&'static str, sys::CUfunction>,
    target: Target,
    /// Last, so that it is released after the module is unloaded.
    context: Arc<CudaContext>,
}

// SAFETY: module and function handles are plain driver handles, usable from any thread
// once the context is current (every user binds it first); they are never mutated.
unsafe impl Send for Kernels {}
// SAFETY: as above.
unsafe impl Sync for Kernels {}

impl Kernels {
    /// Compiles the kernel source for a device of `capability` and loads it.
    fn load(context: &Arc<CudaContext>, capability: u32) -> Result<Self> {
        let target = Target::for_device(capability, &compile::supported_archs()?)?;
        let unit = source::translation_unit();
        let image = compile::compile(&unit, target)?;
        context
            .bind_to_thread()
            .map_err(|e| driver_error("cuCtxSetCurrent", e))?;
        // SAFETY: a CUBIN or NUL-terminated PTX image that outlives the call.
        let module =
            unsafe { result::module::load_data(image.bytes.as_ptr().cast()) }.map_err(|e| {
                // A driver older than NVRTC rejects its PTX: say which NVRTC made it.
                let (major, minor) = compile::version().unwrap_or((0, 0));
                let what = format!(
                    "loading the {} module from NVRTC {major}.{minor}",
                    image.target.arch()
                );
                driver_error(&what, e)
            })?;
        let mut kernels = Self {
            module,
            functions: HashMap::new(),
            target,
            context: Arc::clone(context),
        };
        for name in source::kernel_names() {
            let c_name = CString::new(name)
                .map_err(|_| Error::Backend(format!("cuda: odd kernel name {name:?}")))?;
            // SAFETY: a loaded module (unloaded only when `kernels` drops).
            let function = unsafe { result::module::get_function(kernels.module, c_name) }
                .map_err(|e| driver_error(&format!("kernel {name}"), e))?;
            kernels.functions.insert(name, function);
        }
        Ok(kernels)
    }

    /// The function `name`, once `args` are checked against its declaration.
    pub(super) fn function(&self, name: &str, args: &[KernelArg<'_>]) -> Result<sys::CUfunction> {
        let kernel = self
            .functions
            .get(name)
            .ok_or_else(|| Error::Backend(format!("cuda: no kernel named {name}")))?;
        check_launch("cuda", name, args)?;
        Ok(*kernel)
    }
}

impl std::fmt::Debug for Kernels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kernels")
            .field("target", &self.target)
            .field("kernels", &self.functions.len())
            .finish_non_exhaustive()
    }
}

impl Drop for Kernels {
    fn drop(&mut self) {
        if self.context.bind_to_thread().is_ok() {
            // SAFETY: the module is unloaded once; no queue holding it is left.
            let _ = unsafe { result::module::unload(self.module) };
        }
    }
}
