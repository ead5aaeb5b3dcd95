//! Storage buffers and their memory, through gpu-allocator.

use std::sync::Arc;

use ash::vk;
use gpu_allocator::vulkan::{Allocation, AllocationCreateDesc, AllocationScheme};
use gpu_allocator::MemoryLocation;

use super::device::VulkanDevice;
use super::{gpu_error, VkContext};
use crate::error::Result;

/// Where a buffer lives, by who reads and writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BufferRole {
    /// Written and read only by kernels: device-local memory.
    Device,
    /// Written by the host, copied to the device: host-visible, write-combined.
    Upload,
    /// Written by kernels, read by the host: host-visible, cached where possible.
    Readback,
}

/// A storage buffer with its own memory, freed on drop.
pub(crate) struct GpuBuffer {
    device: Arc<VulkanDevice>,
    buffer: vk::Buffer,
    allocation: Option<Allocation>,
    size: u64,
}

impl GpuBuffer {
    /// A buffer of at least `size` bytes (rounded up to whole 32-bit words).
    pub fn new(
        device: &Arc<VulkanDevice>,
        size: usize,
        role: BufferRole,
        name: &str,
    ) -> Result<Self> {
        let size = (size.max(4) as u64).next_multiple_of(4);
        if size > device.max_storage_buffer_range() {
            return Err(gpu_error(format!(
                "{name} needs a {size}-byte buffer, more than the device's limit of {} bytes",
                device.max_storage_buffer_range()
            )));
        }
        let usage = vk::BufferUsageFlags::STORAGE_BUFFER
            | vk::BufferUsageFlags::TRANSFER_SRC
            | vk::BufferUsageFlags::TRANSFER_DST;
        let info = vk::BufferCreateInfo::default()
            .size(size)
            .usage(usage)
            .sharing_mode(vk::SharingMode::EXCLUSIVE);
        let raw = device.raw();
        // SAFETY: a valid create info on a live device.
        let buffer = unsafe { raw.create_buffer(&info, None) }.vk("create a buffer")?;
        // SAFETY: `buffer` was just created on this device.
        let requirements = unsafe { raw.get_buffer_memory_requirements(buffer) };
        let location = match role {
            BufferRole::Device => MemoryLocation::GpuOnly,
            BufferRole::Upload => MemoryLocation::CpuToGpu,
            BufferRole::Readback => MemoryLocation::GpuToCpu,
        };
        let allocation = device.allocator().allocate(&AllocationCreateDesc {
            name,
            requirements,
            location,
            linear: true,
            allocation_scheme: AllocationScheme::GpuAllocatorManaged,
        });
        let allocation = match allocation {
            Ok(a) => a,
            Err(e) => {
                // SAFETY: the buffer is unused and has no memory bound.
                unsafe { raw.destroy_buffer(buffer, None) };
                return Err(gpu_error(format!(
                    "cannot allocate {size} bytes for {name}: {e}"
                )));
            }
        };
        let made = Self {
            device: device.clone(),
            buffer,
            allocation: Some(allocation),
            size,
        };
        let bound = made.allocation.as_ref().expect("just allocated");
        // SAFETY: the allocation satisfies the buffer's requirements and is not bound
        // to anything else.
        unsafe { raw.bind_buffer_memory(buffer, bound.memory(), bound.offset()) }
            .vk("bind buffer memory")?;
        Ok(made)
    }

    /// The Vulkan handle.
    pub fn handle(&self) -> vk::Buffer {
        self.buffer
    }

    /// Size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The mapped bytes of a host-visible buffer. Only call while no submitted work
    /// writes the buffer (after its fence).
    pub fn bytes(&self) -> &[u8] {
        self.allocation
            .as_ref()
            .and_then(Allocation::mapped_slice)
            .expect("only host-visible buffers are read by the host")
    }

    /// The mapped bytes of a host-visible buffer, for writing. Only call while no
    /// submitted work reads the buffer.
    pub fn bytes_mut(&mut self) -> &mut [u8] {
        self.allocation
            .as_mut()
            .and_then(Allocation::mapped_slice_mut)
            .expect("only host-visible buffers are written by the host")
    }

    /// The buffer's contents as little-endian 32-bit words.
    pub fn words_u32(&self) -> impl Iterator<Item = u32> + '_ {
        self.bytes()
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
    }

    /// The buffer's contents as little-endian 64-bit words.
    pub fn words_u64(&self) -> impl Iterator<Item = u64> + '_ {
        self.bytes()
            .chunks_exact(8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
    }
}

impl Drop for GpuBuffer {
    fn drop(&mut self) {
        if let Some(allocation) = self.allocation.take() {
            // Freeing only fails for allocations of another allocator; nothing to do.
            let _ = self.device.allocator().free(allocation);
        }
        // SAFETY: callers wait for the work that uses a buffer before dropping it (the
        // extractors wait on their fences in their own Drop).
        unsafe { self.device.raw().destroy_buffer(self.buffer, None) };
    }
}
