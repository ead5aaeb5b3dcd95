//! Page-locked host memory through which a queue's copies go, handed out front to back
//! and reused once the queue has finished them. Shared by the backends whose runtime
//! gives plain allocation calls (HIP, SYCL).

use crate::error::Result;

/// Alignment of each region.
const ALIGN: usize = 256;
/// The first block's size; a block that overflows is replaced by one twice as large, so
/// that a frame's copies soon all fit and nothing is allocated per frame.
const FIRST_BLOCK: usize = 1 << 20;

/// A backend's page-locked host memory calls.
pub trait PinnedAllocator {
    /// `bytes` of page-locked host memory, aligned to at least 256 bytes.
    fn allocate(&self, bytes: usize) -> Result<*mut u8>;

    /// Frees a block [`allocate`](Self::allocate) returned.
    ///
    /// # Safety
    /// No copy may still read or write the block.
    unsafe fn free(&self, block: *mut u8);
}

/// One block of staging memory and how much of it queued copies use.
#[derive(Debug)]
pub struct StagingArena {
    block: *mut u8,
    capacity: usize,
    used: usize,
}

impl Default for StagingArena {
    fn default() -> Self {
        Self {
            block: std::ptr::null_mut(),
            capacity: 0,
            used: 0,
        }
    }
}

impl StagingArena {
    /// Marks the whole block free again; call once the queue has finished every copy.
    pub fn reset(&mut self) {
        self.used = 0;
    }

    /// A region of `bytes` that no queued copy uses, or `None` when the block is full:
    /// the caller then waits for its queue and calls [`grow`](Self::grow).
    pub fn take(&mut self, bytes: usize) -> Option<*mut u8> {
        let start = self.used.next_multiple_of(ALIGN);
        if self.block.is_null() || start + bytes > self.capacity {
            return None;
        }
        self.used = start + bytes;
        // SAFETY: `start + bytes` lies within the block.
        Some(unsafe { self.block.add(start) })
    }

    /// Replaces the block with one of at least twice the size (and at least `bytes`)
    /// and takes `bytes` from it.
    ///
    /// # Safety
    /// No queued copy may use the current block (the queue has been waited for).
    pub unsafe fn grow(
        &mut self,
        bytes: usize,
        allocator: &impl PinnedAllocator,
    ) -> Result<*mut u8> {
        let capacity = bytes.max(self.capacity * 2).max(FIRST_BLOCK);
        // SAFETY: the caller's promise.
        unsafe { self.release(allocator) };
        self.block = allocator.allocate(capacity)?;
        self.capacity = capacity;
        self.used = bytes;
        Ok(self.block)
    }

    /// Frees the block.
    ///
    /// # Safety
    /// As for [`grow`](Self::grow).
    pub unsafe fn release(&mut self, allocator: &impl PinnedAllocator) {
        if !self.block.is_null() {
            // SAFETY: allocated by `allocator`; the caller's promise.
            unsafe { allocator.free(self.block) };
        }
        *self = Self::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::{alloc, dealloc, Layout};
    use std::cell::RefCell;

    /// Host memory standing in for pinned memory, remembering sizes and frees.
    #[derive(Default)]
    struct HostMemory {
        live: RefCell<Vec<(usize, usize)>>,
        freed: RefCell<usize>,
    }

    impl PinnedAllocator for HostMemory {
        fn allocate(&self, bytes: usize) -> Result<*mut u8> {
            let layout = Layout::from_size_align(bytes, ALIGN).unwrap();
            // SAFETY: a non-zero size.
            let block = unsafe { alloc(layout) };
            self.live.borrow_mut().push((block as usize, bytes));
            Ok(block)
        }

        unsafe fn free(&self, block: *mut u8) {
            let mut live = self.live.borrow_mut();
            let at = live.iter().position(|&(b, _)| b == block as usize).unwrap();
            let (_, bytes) = live.remove(at);
            // SAFETY: allocated above with this layout.
            unsafe { dealloc(block, Layout::from_size_align(bytes, ALIGN).unwrap()) };
            *self.freed.borrow_mut() += 1;
        }
    }

    #[test]
    fn regions_are_aligned_disjoint_and_reused_after_a_reset() {
        let memory = HostMemory::default();
        let mut arena = StagingArena::default();
        assert!(arena.take(10).is_none(), "no block yet");
        // SAFETY: nothing is queued in this test.
        let first = unsafe { arena.grow(10, &memory) }.unwrap();
        let second = arena.take(1000).unwrap();
        assert_eq!(second as usize - first as usize, 256);
        assert_eq!(second as usize % ALIGN, 0);
        arena.reset();
        assert_eq!(arena.take(5).unwrap(), first);
        // SAFETY: as above.
        unsafe { arena.release(&memory) };
        assert!(memory.live.borrow().is_empty());
    }

    #[test]
    fn a_full_block_is_replaced_by_one_twice_as_large() {
        let memory = HostMemory::default();
        let mut arena = StagingArena::default();
        // SAFETY: nothing is queued in this test.
        unsafe { arena.grow(FIRST_BLOCK, &memory) }.unwrap();
        assert!(arena.take(1).is_none(), "full");
        // SAFETY: as above.
        unsafe { arena.grow(1, &memory) }.unwrap();
        assert_eq!(memory.live.borrow()[0].1, 2 * FIRST_BLOCK);
        assert_eq!(*memory.freed.borrow(), 1);
        // SAFETY: as above.
        unsafe { arena.grow(5 * FIRST_BLOCK, &memory) }.unwrap();
        assert_eq!(memory.live.borrow()[0].1, 5 * FIRST_BLOCK);
        // SAFETY: as above.
        unsafe { arena.release(&memory) };
        assert_eq!(*memory.freed.borrow(), 3);
    }
}
