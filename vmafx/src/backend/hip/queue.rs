//! A HIP stream as a [`ComputeQueue`], with pinned host memory for its copies.

use std::ffi::c_void;
use std::sync::Arc;

use super::device::Shared;
use super::ffi::Handle;
use crate::backend::compute::{
    check_launch, ComputeQueue, DeviceBuffer, KernelArg, LaunchShape, StagingArena,
};
use crate::error::{Error, Result};

/// The most parameters a kernel takes (the kernels have far fewer).
const MAX_ARGS: usize = 32;

/// One stream and the pinned memory its copies go through.
///
/// Uploads are copied into the staging memory, one after another, and the device
/// copies them from there asynchronously; a region is reused only after the stream has
/// been synchronised (at every download, or when the memory is full), so `upload`'s
/// caller may reuse its data at once without waiting for the device.
pub(super) struct HipQueue {
    shared: Arc<Shared>,
    stream: Handle,
    staging: StagingArena,
}

// SAFETY: a stream and pinned memory may be used from any thread; the queue is used
// by one thread at a time (`&mut self`).
unsafe impl Send for HipQueue {}
// SAFETY: every method that touches the stream or staging takes `&mut self`; a shared
// reference gives access to nothing.
unsafe impl Sync for HipQueue {}

impl HipQueue {
    /// A new stream on the device.
    pub(super) fn new(shared: Arc<Shared>) -> Result<Self> {
        shared.select()?;
        let mut stream: Handle = std::ptr::null_mut();
        // SAFETY: valid out pointer.
        let status = unsafe { (shared.runtime.hip.hipStreamCreate)(&mut stream) };
        shared.check(status, "hipStreamCreate")?;
        Ok(Self {
            shared,
            stream,
            staging: StagingArena::default(),
        })
    }

    /// Waits for everything queued; the staging memory is free again afterwards.
    fn synchronize(&mut self) -> Result<()> {
        // SAFETY: live stream.
        let status = unsafe { (self.shared.runtime.hip.hipStreamSynchronize)(self.stream) };
        self.shared.check(status, "hipStreamSynchronize")?;
        self.staging.reset();
        Ok(())
    }

    /// A place for `bytes` in the staging memory that no queued copy uses.
    fn stage(&mut self, bytes: usize) -> Result<*mut u8> {
        if let Some(region) = self.staging.take(bytes) {
            return Ok(region);
        }
        self.synchronize()?;
        // SAFETY: synchronised: no queued copy uses the staging memory.
        unsafe { self.staging.grow(bytes, self.shared.as_ref()) }
    }
}

impl ComputeQueue for HipQueue {
    fn upload(&mut self, target: &DeviceBuffer, data: &[u8]) -> Result<()> {
        target.check_fits(data.len(), "hip")?;
        if data.is_empty() {
            return Ok(());
        }
        let staged = self.stage(data.len())?;
        // SAFETY: `staged` has room for `data.len()` bytes and is not `data`.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), staged, data.len()) };
        // SAFETY: the target holds at least `data.len()` bytes (checked); the staged
        // bytes stay untouched until the stream has been synchronised.
        let status = unsafe {
            (self.shared.runtime.hip.hipMemcpyHtoDAsync)(
                target.address() as *mut c_void,
                staged.cast(),
                data.len(),
                self.stream,
            )
        };
        self.shared.check(status, "hipMemcpyHtoDAsync")
    }

    fn zero(&mut self, target: &DeviceBuffer) -> Result<()> {
        // SAFETY: the buffer holds `bytes()` bytes of device memory.
        let status = unsafe {
            (self.shared.runtime.hip.hipMemsetD8Async)(
                target.address() as *mut c_void,
                0,
                target.bytes(),
                self.stream,
            )
        };
        self.shared.check(status, "hipMemsetD8Async")
    }

    fn launch(
        &mut self,
        name: &'static str,
        shape: LaunchShape,
        args: &[KernelArg<'_>],
    ) -> Result<()> {
        check_launch("hip", name, args)?;
        if args.len() > MAX_ARGS {
            return Err(Error::Backend(format!(
                "hip: kernel {name}: {} arguments, at most {MAX_ARGS}",
                args.len()
            )));
        }
        let function = self.shared.kernels()?.function(name)?;
        // Each parameter's value in a 64-bit word; HIP reads the parameter's own size
        // from the word's start, which on little-endian hosts is the low bytes.
        let mut words = [0u64; MAX_ARGS];
        let mut pointers = [std::ptr::null_mut::<c_void>(); MAX_ARGS];
        for (i, arg) in args.iter().enumerate() {
            words[i] = arg.word();
        }
        for (pointer, word) in pointers.iter_mut().zip(words.iter_mut()) {
            *pointer = (word as *mut u64).cast();
        }
        let [gx, gy, gz] = shape.grid;
        let [bx, by, bz] = shape.block;
        // SAFETY: the function belongs to this device's loaded module; `pointers` holds
        // one pointer per parameter, each to a live word, read during the call.
        let status = unsafe {
            (self.shared.runtime.hip.hipModuleLaunchKernel)(
                function,
                gx,
                gy,
                gz,
                bx,
                by,
                bz,
                0,
                self.stream,
                pointers.as_mut_ptr(),
                std::ptr::null_mut(),
            )
        };
        self.shared
            .check(status, &format!("hipModuleLaunchKernel({name})"))
    }

    fn download(&mut self, source: &DeviceBuffer, out: &mut [u8]) -> Result<()> {
        source.check_fits(out.len(), "hip")?;
        if out.is_empty() {
            return self.synchronize();
        }
        let staged = self.stage(out.len())?;
        // SAFETY: the source holds at least `out.len()` bytes (checked) and the staged
        // region as many.
        let status = unsafe {
            (self.shared.runtime.hip.hipMemcpyDtoHAsync)(
                staged.cast(),
                source.address() as *mut c_void,
                out.len(),
                self.stream,
            )
        };
        self.shared.check(status, "hipMemcpyDtoHAsync")?;
        self.synchronize()?;
        // SAFETY: the copy has completed; `staged` holds `out.len()` bytes.
        unsafe { std::ptr::copy_nonoverlapping(staged, out.as_mut_ptr(), out.len()) };
        Ok(())
    }
}

impl Drop for HipQueue {
    fn drop(&mut self) {
        // Errors cannot be reported from here; the stream is drained so that no copy
        // still reads the staging memory when it is freed.
        let _ = self.synchronize();
        // SAFETY: drained above (a failed drain leaves a broken stream that copies nothing).
        unsafe { self.staging.release(self.shared.as_ref()) };
        // SAFETY: the stream was created by this queue and is destroyed once.
        unsafe { (self.shared.runtime.hip.hipStreamDestroy)(self.stream) };
    }
}
