//! The host emulator as a [`ComputeDevice`]: the kernels of `vmafx/kernels/cuda/`, compiled as
//! C++ by the build script (feature `gpu-emulator`), run on the CPU. "Device" memory is
//! host memory and every queue runs its work at once. It exists so that tests can hold
//! the kernels and the host code around them equal to the CPU extractors without a GPU;
//! it is never chosen as a backend.

use std::collections::HashMap;
use std::ffi::CString;
use std::sync::{Arc, Mutex};

use super::device::{ComputeDevice, ComputeQueue, DeviceBuffer, KernelArg, LaunchShape};
use super::signature::check_launch;
use crate::backend::BackendKind;
use crate::error::{Error, Result};

extern "C" {
    fn vmafx_emulator_launch(
        name: *const std::ffi::c_char,
        grid: *const u32,
        block: *const u32,
        args: *const u64,
        arg_count: usize,
    ) -> i32;
}

/// The emulated device. Allocations are 8-byte aligned host memory.
#[derive(Debug, Default)]
pub struct EmulatedDevice {
    memory: Mutex<HashMap<u64, Box<[u64]>>>,
}

impl EmulatedDevice {
    /// A new emulated device.
    pub fn open() -> Arc<dyn ComputeDevice> {
        Arc::new(Self::default())
    }

    fn with_memory<T>(&self, f: impl FnOnce(&mut HashMap<u64, Box<[u64]>>) -> T) -> T {
        let mut memory = self
            .memory
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut memory)
    }
}

impl ComputeDevice for EmulatedDevice {
    fn backend(&self) -> BackendKind {
        BackendKind::Cpu
    }

    fn name(&self) -> String {
        "host emulator".to_string()
    }

    fn allocate(&self, bytes: usize) -> Result<u64> {
        let block = vec![0u64; bytes.div_ceil(8).max(1)].into_boxed_slice();
        let address = block.as_ptr() as u64;
        self.with_memory(|m| m.insert(address, block));
        Ok(address)
    }

    fn release(&self, address: u64) {
        self.with_memory(|m| m.remove(&address));
    }

    fn queue(&self) -> Result<Box<dyn ComputeQueue>> {
        Ok(Box::new(EmulatedQueue))
    }
}

/// Runs each command as it is queued.
struct EmulatedQueue;

impl ComputeQueue for EmulatedQueue {
    fn upload(&mut self, target: &DeviceBuffer, data: &[u8]) -> Result<()> {
        target.check_fits(data.len(), "emulator")?;
        // SAFETY: emulated buffers are host memory of `target.bytes()` bytes, which
        // outlives `target`; `data` fits (checked) and is not that memory.
        unsafe {
            std::ptr::copy_nonoverlapping(data.as_ptr(), target.address() as *mut u8, data.len())
        };
        Ok(())
    }

    fn zero(&mut self, target: &DeviceBuffer) -> Result<()> {
        // SAFETY: as in `upload`.
        unsafe { std::ptr::write_bytes(target.address() as *mut u8, 0, target.bytes()) };
        Ok(())
    }

    fn launch(
        &mut self,
        name: &'static str,
        shape: LaunchShape,
        args: &[KernelArg<'_>],
    ) -> Result<()> {
        check_launch("emulator", name, args)?;
        let words: Vec<u64> = args.iter().map(KernelArg::word).collect();
        // SAFETY: the arguments match the declaration (checked) and buffer arguments are
        // `DeviceBuffer`s of this device, alive for the call.
        unsafe { launch_words(name, shape, &words) }
    }

    fn download(&mut self, source: &DeviceBuffer, out: &mut [u8]) -> Result<()> {
        source.check_fits(out.len(), "emulator")?;
        // SAFETY: as in `upload`, with `out` the destination.
        unsafe {
            std::ptr::copy_nonoverlapping(
                source.address() as *const u8,
                out.as_mut_ptr(),
                out.len(),
            )
        };
        Ok(())
    }
}

/// Runs kernel `name` over `shape` with its parameters as 64-bit words, unchecked
/// (the C++ side still refuses unknown kernels and wrong parameter counts).
///
/// # Safety
/// Every pointer parameter must be the address of live emulated memory large enough
/// for what the kernel touches.
pub(crate) unsafe fn launch_words(name: &str, shape: LaunchShape, words: &[u64]) -> Result<()> {
    let c_name = CString::new(name).map_err(|_| emulator_error(name, "bad kernel name"))?;
    // SAFETY: the name is NUL-terminated, the arrays have 3 and `words.len()` entries;
    // the pointer parameters are the caller's promise.
    let status = unsafe {
        vmafx_emulator_launch(
            c_name.as_ptr(),
            shape.grid.as_ptr(),
            shape.block.as_ptr(),
            words.as_ptr(),
            words.len(),
        )
    };
    match status {
        0 => Ok(()),
        1 => Err(emulator_error(name, "no such kernel")),
        _ => Err(emulator_error(name, "wrong number of arguments")),
    }
}

fn emulator_error(kernel: &str, what: &str) -> Error {
    Error::Backend(format!("emulator: kernel {kernel}: {what}"))
}
