//! Page-locked host memory: what asynchronous copies need to be asynchronous, and to
//! run at full bus speed.

use std::ffi::c_void;

use cudarc::driver::{result, sys};

use super::driver_error;
use crate::error::Result;

/// A page-locked host buffer that grows on demand and is kept for reuse. Its context
/// must be current on the calling thread for every call.
#[derive(Debug)]
pub(super) struct Pinned {
    pointer: *mut u8,
    capacity: usize,
    flags: u32,
}

// SAFETY: the buffer is plain host memory owned by this value alone.
unsafe impl Send for Pinned {}

impl Pinned {
    /// An empty buffer; `write_combined` suits memory the host only writes (uploads).
    pub(super) fn new(write_combined: bool) -> Self {
        Self {
            pointer: std::ptr::null_mut(),
            capacity: 0,
            flags: if write_combined {
                sys::CU_MEMHOSTALLOC_WRITECOMBINED
            } else {
                0
            },
        }
    }

    /// Makes room for `bytes`, dropping the contents when it must grow. No copy into or
    /// out of the buffer may be in flight.
    pub(super) fn reserve(&mut self, bytes: usize) -> Result<()> {
        if bytes <= self.capacity {
            return Ok(());
        }
        self.free();
        // SAFETY: allocates `bytes` of host memory.
        let pointer = unsafe { result::malloc_host(bytes, self.flags) }
            .map_err(|e| driver_error("cuMemHostAlloc", e))?;
        self.pointer = pointer.cast();
        // SAFETY: the fresh allocation holds `bytes` bytes; zeroed so that every byte
        // the slices show is initialised.
        unsafe { std::ptr::write_bytes(self.pointer, 0, bytes) };
        self.capacity = bytes;
        Ok(())
    }

    /// The first `bytes` (at most the reserved size).
    pub(super) fn slice(&self, bytes: usize) -> &[u8] {
        if self.pointer.is_null() {
            return &[];
        }
        // SAFETY: `pointer` holds `capacity` initialised bytes.
        unsafe { std::slice::from_raw_parts(self.pointer, bytes.min(self.capacity)) }
    }

    /// The first `bytes` (at most the reserved size), to write.
    pub(super) fn slice_mut(&mut self, bytes: usize) -> &mut [u8] {
        if self.pointer.is_null() {
            return &mut [];
        }
        // SAFETY: as in `slice`, and `&mut self` makes the access exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.pointer, bytes.min(self.capacity)) }
    }

    fn free(&mut self) {
        if !self.pointer.is_null() {
            // SAFETY: allocated by cuMemHostAlloc and freed once; no copy is in flight.
            let _ = unsafe { result::free_host(self.pointer.cast::<c_void>()) };
            self.pointer = std::ptr::null_mut();
            self.capacity = 0;
        }
    }
}

impl Drop for Pinned {
    fn drop(&mut self) {
        self.free();
    }
}
