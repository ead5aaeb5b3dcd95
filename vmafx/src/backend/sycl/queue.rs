//! An in-order SYCL queue as a [`ComputeQueue`], with pinned (USM host) memory for its
//! copies.

use std::ffi::c_void;
use std::sync::Arc;

use super::device::Shared;
use super::ffi::{UNKNOWN_KERNEL, WRONG_ARGUMENTS};
use crate::backend::compute::{
    check_launch, ComputeQueue, DeviceBuffer, KernelArg, LaunchShape, StagingArena,
};
use crate::error::{Error, Result};

/// The most parameters a kernel takes (the kernels have far fewer).
const MAX_ARGS: usize = 32;
/// The longest kernel name, NUL included.
const MAX_NAME: usize = 64;

/// One queue and the pinned memory its copies go through.
///
/// Uploads are copied into the staging memory, one after another, and the device
/// copies them from there asynchronously; a region is reused only after the queue has
/// been waited for (at every download, or when the memory is full), so `upload`'s
/// caller may reuse its data at once without waiting for the device.
pub(super) struct SyclQueue {
    shared: Arc<Shared>,
    handle: *mut c_void,
    staging: StagingArena,
}

// SAFETY: a SYCL queue and USM host memory may be used from any thread; the queue is
// used by one thread at a time (`&mut self`).
unsafe impl Send for SyclQueue {}
// SAFETY: every method that touches the stream or staging takes `&mut self`; a shared
// reference gives access to nothing.
unsafe impl Sync for SyclQueue {}

impl SyclQueue {
    /// A new in-order queue on the device.
    pub(super) fn new(shared: Arc<Shared>) -> Result<Self> {
        let mut handle: *mut c_void = std::ptr::null_mut();
        // SAFETY: live device handle, valid out pointer.
        let status = unsafe { (shared.api.vmafx_sycl_queue_create)(shared.handle, &mut handle) };
        shared.check(status, "creating a queue")?;
        Ok(Self {
            shared,
            handle,
            staging: StagingArena::default(),
        })
    }

    /// Waits for everything queued; the staging memory is free again afterwards.
    fn wait(&mut self) -> Result<()> {
        // SAFETY: live queue.
        let status = unsafe { (self.shared.api.vmafx_sycl_wait)(self.handle) };
        self.shared.check(status, "waiting for the queue")?;
        self.staging.reset();
        Ok(())
    }

    /// A place for `bytes` in the staging memory that no queued copy uses.
    fn stage(&mut self, bytes: usize) -> Result<*mut u8> {
        if let Some(region) = self.staging.take(bytes) {
            return Ok(region);
        }
        self.wait()?;
        // SAFETY: waited for: no queued copy uses the staging memory.
        unsafe { self.staging.grow(bytes, self.shared.as_ref()) }
    }

    fn copy(&mut self, to: *mut c_void, from: *const c_void, bytes: usize) -> Result<()> {
        // SAFETY: live queue; both regions hold `bytes` bytes (checked by the callers)
        // and stay valid until the queue is next waited for.
        let status = unsafe { (self.shared.api.vmafx_sycl_memcpy)(self.handle, to, from, bytes) };
        self.shared.check(status, "memcpy")
    }
}

impl ComputeQueue for SyclQueue {
    fn upload(&mut self, target: &DeviceBuffer, data: &[u8]) -> Result<()> {
        target.check_fits(data.len(), "sycl")?;
        if data.is_empty() {
            return Ok(());
        }
        let staged = self.stage(data.len())?;
        // SAFETY: `staged` has room for `data.len()` bytes and is not `data`.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), staged, data.len()) };
        self.copy(target.address() as *mut c_void, staged.cast(), data.len())
    }

    fn zero(&mut self, target: &DeviceBuffer) -> Result<()> {
        // SAFETY: live queue; the buffer holds `bytes()` bytes of device memory.
        let status = unsafe {
            (self.shared.api.vmafx_sycl_memset)(self.handle, target.address(), 0, target.bytes())
        };
        self.shared.check(status, "memset")
    }

    fn launch(
        &mut self,
        name: &'static str,
        shape: LaunchShape,
        args: &[KernelArg<'_>],
    ) -> Result<()> {
        check_launch("sycl", name, args)?;
        if args.len() > MAX_ARGS || name.len() >= MAX_NAME || name.contains('\0') {
            return Err(Error::Backend(format!(
                "sycl: kernel {name:?}: bad name or more than {MAX_ARGS} arguments"
            )));
        }
        // The name NUL-terminated without allocating: launches happen every frame.
        let mut c_name = [0u8; MAX_NAME];
        c_name[..name.len()].copy_from_slice(name.as_bytes());
        let mut words = [0u64; MAX_ARGS];
        for (word, arg) in words.iter_mut().zip(args) {
            *word = arg.word();
        }
        // SAFETY: live queue; NUL-terminated name; arrays of 3, 3 and `args.len()`
        // entries; every buffer address is live device memory of this device.
        let status = unsafe {
            (self.shared.api.vmafx_sycl_launch)(
                self.handle,
                c_name.as_ptr().cast(),
                shape.grid.as_ptr(),
                shape.block.as_ptr(),
                words.as_ptr(),
                args.len(),
            )
        };
        match status {
            UNKNOWN_KERNEL => Err(Error::Backend(format!("sycl: no kernel named {name}"))),
            WRONG_ARGUMENTS => Err(Error::Backend(format!(
                "sycl: kernel {name}: wrong number of arguments ({})",
                args.len()
            ))),
            _ => self.shared.check(status, &format!("launching {name}")),
        }
    }

    fn download(&mut self, source: &DeviceBuffer, out: &mut [u8]) -> Result<()> {
        source.check_fits(out.len(), "sycl")?;
        if out.is_empty() {
            return self.wait();
        }
        let staged = self.stage(out.len())?;
        self.copy(staged.cast(), source.address() as *const c_void, out.len())?;
        self.wait()?;
        // SAFETY: the copy has completed; `staged` holds `out.len()` bytes.
        unsafe { std::ptr::copy_nonoverlapping(staged, out.as_mut_ptr(), out.len()) };
        Ok(())
    }
}

impl Drop for SyclQueue {
    fn drop(&mut self) {
        // Errors cannot be reported from here; the queue is drained so that no copy
        // still reads the staging memory when it is freed.
        let _ = self.wait();
        // SAFETY: drained above (a failed wait leaves a broken queue that copies nothing).
        unsafe { self.staging.release(self.shared.as_ref()) };
        // SAFETY: created by this queue and destroyed once.
        unsafe { (self.shared.api.vmafx_sycl_queue_destroy)(self.handle) };
    }
}
