//! A CUDA stream as a [`ComputeQueue`].
//!
//! Uploads are copied into page-locked staging memory (one buffer per target buffer,
//! kept for reuse) and sent with asynchronous copies, so the caller's bytes are free as
//! soon as `upload` returns and the copy overlaps whatever the host does next. A staging
//! buffer is written again only once its previous copy is done: the queue counts its
//! synchronisations, and a buffer last used since the latest one makes `upload` wait.
//! Downloads land in page-locked memory too, then the stream is synchronised and the
//! bytes copied out.

use std::collections::HashMap;
use std::ffi::c_void;
use std::sync::Arc;

use cudarc::driver::{result, sys, CudaContext};

use super::device::Kernels;
use super::driver_error;
use super::pinned::Pinned;
use crate::backend::compute::{ComputeQueue, DeviceBuffer, KernelArg, LaunchShape};
use crate::error::Result;

/// One stream on one device.
pub(super) struct CudaQueue {
    stream: sys::CUstream,
    /// Upload staging by target buffer address.
    staging: HashMap<u64, Staging>,
    /// Where downloads land.
    readback: Pinned,
    /// Synchronisations of the stream so far.
    syncs: u64,
    /// Launch parameter values and the pointers to them, kept to launch without
    /// allocating.
    values: Vec<[u8; 8]>,
    pointers: Vec<*mut c_void>,
    kernels: Arc<Kernels>,
    /// Last, so that the staging memory is freed while the context lives.
    context: Arc<CudaContext>,
}

/// The staging memory of one target buffer.
struct Staging {
    memory: Pinned,
    /// The value of `syncs` when a copy from it was last queued.
    queued_at: Option<u64>,
}

// SAFETY: the stream and the staging memory belong to this queue alone, and every
// method makes the context current on the calling thread before using them; the
// parameter pointers are rebuilt at each launch.
unsafe impl Send for CudaQueue {}
// SAFETY: every method that touches the stream or staging takes `&mut self`; a shared
// reference gives access to nothing.
unsafe impl Sync for CudaQueue {}

impl CudaQueue {
    /// A new non-blocking stream in `context`.
    pub(super) fn new(context: Arc<CudaContext>, kernels: Arc<Kernels>) -> Result<Self> {
        bind(&context)?;
        let stream = result::stream::create(result::stream::StreamKind::NonBlocking)
            .map_err(|e| driver_error("cuStreamCreate", e))?;
        Ok(Self {
            stream,
            staging: HashMap::new(),
            readback: Pinned::new(false),
            syncs: 0,
            values: Vec::new(),
            pointers: Vec::new(),
            kernels,
            context,
        })
    }

    /// Waits for everything queued.
    fn synchronize(&mut self) -> Result<()> {
        // SAFETY: a live stream of the current context.
        unsafe { result::stream::synchronize(self.stream) }
            .map_err(|e| driver_error("cuStreamSynchronize", e))?;
        self.syncs += 1;
        Ok(())
    }
}

impl ComputeQueue for CudaQueue {
    fn upload(&mut self, target: &DeviceBuffer, data: &[u8]) -> Result<()> {
        target.check_fits(data.len(), "cuda")?;
        if data.is_empty() {
            return Ok(());
        }
        bind(&self.context)?;
        let address = target.address();
        let busy = self
            .staging
            .get(&address)
            .is_some_and(|s| s.queued_at == Some(self.syncs));
        if busy {
            self.synchronize()?;
        }
        let staging = self.staging.entry(address).or_insert_with(|| Staging {
            memory: Pinned::new(true),
            queued_at: None,
        });
        staging.memory.reserve(data.len())?;
        staging.memory.slice_mut(data.len()).copy_from_slice(data);
        // SAFETY: `target` holds at least `data.len()` bytes (checked) and the staging
        // memory is left untouched until this copy is known to be done.
        unsafe {
            result::memcpy_htod_async(address, staging.memory.slice(data.len()), self.stream)
        }
        .map_err(|e| driver_error("cuMemcpyHtoDAsync", e))?;
        staging.queued_at = Some(self.syncs);
        Ok(())
    }

    fn zero(&mut self, target: &DeviceBuffer) -> Result<()> {
        if target.bytes() == 0 {
            return Ok(());
        }
        bind(&self.context)?;
        // SAFETY: `target` is live device memory of `target.bytes()` bytes.
        unsafe { result::memset_d8_async(target.address(), 0, target.bytes(), self.stream) }
            .map_err(|e| driver_error("cuMemsetD8Async", e))
    }

    fn launch(
        &mut self,
        name: &'static str,
        shape: LaunchShape,
        args: &[KernelArg<'_>],
    ) -> Result<()> {
        let function = self.kernels.function(name, args)?;
        self.values.clear();
        self.values.extend(args.iter().map(parameter_value));
        self.pointers.clear();
        self.pointers.extend(
            self.values
                .iter_mut()
                .map(|v| v.as_mut_ptr().cast::<c_void>()),
        );
        bind(&self.context)?;
        let [gx, gy, gz] = shape.grid;
        let [bx, by, bz] = shape.block;
        // SAFETY: the function belongs to the loaded module; its parameters match the
        // declaration (checked when it could be read) and each pointer points at a
        // value of the parameter's size, which the driver copies before returning.
        unsafe {
            result::launch_kernel(
                function,
                (gx, gy, gz),
                (bx, by, bz),
                0,
                self.stream,
                &mut self.pointers,
            )
        }
        .map_err(|e| driver_error(&format!("launching {name}"), e))
    }

    fn download(&mut self, source: &DeviceBuffer, out: &mut [u8]) -> Result<()> {
        source.check_fits(out.len(), "cuda")?;
        bind(&self.context)?;
        if out.is_empty() {
            return self.synchronize();
        }
        // Nothing is in flight into `readback`: every download waits for its copy.
        self.readback.reserve(out.len())?;
        // SAFETY: `source` holds at least `out.len()` bytes (checked); the stream is
        // synchronised before `readback` is read or reused.
        unsafe {
            result::memcpy_dtoh_async(
                self.readback.slice_mut(out.len()),
                source.address(),
                self.stream,
            )
        }
        .map_err(|e| driver_error("cuMemcpyDtoHAsync", e))?;
        self.synchronize()?;
        out.copy_from_slice(self.readback.slice(out.len()));
        Ok(())
    }
}

impl Drop for CudaQueue {
    fn drop(&mut self) {
        // The staging memory is freed after this body: no copy may still read it, and
        // the context must be current for the frees.
        if bind(&self.context).is_ok() {
            // SAFETY: a live stream, destroyed once, after its work is done.
            unsafe {
                let _ = result::stream::synchronize(self.stream);
                let _ = result::stream::destroy(self.stream);
            }
        }
    }
}

/// A parameter's value as the kernel declares it, in the first `size()` bytes.
fn parameter_value(arg: &KernelArg<'_>) -> [u8; 8] {
    let mut value = [0u8; 8];
    if arg.size() == 4 {
        value[..4].copy_from_slice(&(arg.word() as u32).to_ne_bytes());
    } else {
        value = arg.word().to_ne_bytes();
    }
    value
}

fn bind(context: &CudaContext) -> Result<()> {
    context
        .bind_to_thread()
        .map_err(|e| driver_error("cuCtxSetCurrent", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameter_values_have_the_declared_size_and_bits() {
        let value = parameter_value(&KernelArg::I32(-2));
        assert_eq!(i32::from_ne_bytes(value[..4].try_into().unwrap()), -2);
        assert_eq!(value[4..], [0; 4]);
        let value = parameter_value(&KernelArg::F64(0.1));
        assert_eq!(f64::from_ne_bytes(value), 0.1);
        let value = parameter_value(&KernelArg::U64(u64::MAX - 1));
        assert_eq!(u64::from_ne_bytes(value), u64::MAX - 1);
    }
}
