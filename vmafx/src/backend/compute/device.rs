//! What a compute backend (CUDA, HIP, SYCL or the host emulator) provides: device
//! memory, an ordered queue of copies and kernel launches, and kernels found by name.

use std::sync::Arc;

use crate::backend::BackendKind;
use crate::error::Result;

/// A device that runs the kernels of `vmafx/kernels/cuda/` (one context, shared by threads).
pub trait ComputeDevice: Send + Sync + std::fmt::Debug {
    /// The backend this device belongs to.
    fn backend(&self) -> BackendKind;

    /// The device's name, as reports print it.
    fn name(&self) -> String;

    /// `bytes` of device memory (at least one byte is reserved); its address.
    fn allocate(&self, bytes: usize) -> Result<u64>;

    /// Frees memory [`allocate`](Self::allocate) returned, once no queue uses it.
    fn release(&self, address: u64);

    /// A new in-order queue (a stream) on this device.
    fn queue(&self) -> Result<Box<dyn ComputeQueue>>;
}

/// An in-order queue of work on one device. Work may run asynchronously;
/// [`download`](Self::download) waits for everything queued before it.
pub trait ComputeQueue: Send + Sync {
    /// Copies `data` into the start of `target`. `data` may be reused as soon as this
    /// returns (implementations stage it in pinned host memory).
    fn upload(&mut self, target: &DeviceBuffer, data: &[u8]) -> Result<()>;

    /// Sets every byte of `target` to zero.
    fn zero(&mut self, target: &DeviceBuffer) -> Result<()>;

    /// Runs kernel `name` over `shape` with `args`, in the order of its parameters.
    fn launch(
        &mut self,
        name: &'static str,
        shape: LaunchShape,
        args: &[KernelArg<'_>],
    ) -> Result<()>;

    /// Waits for the queued work, then copies the first `out.len()` bytes of `source`.
    fn download(&mut self, source: &DeviceBuffer, out: &mut [u8]) -> Result<()>;
}

/// Device memory, freed when dropped.
#[derive(Debug)]
pub struct DeviceBuffer {
    address: u64,
    bytes: usize,
    device: Arc<dyn ComputeDevice>,
}

impl DeviceBuffer {
    /// `bytes` of memory on `device`.
    pub fn new(device: &Arc<dyn ComputeDevice>, bytes: usize) -> Result<Self> {
        let address = device.allocate(bytes.max(1))?;
        Ok(Self {
            address,
            bytes,
            device: Arc::clone(device),
        })
    }

    /// The device address kernels receive.
    pub fn address(&self) -> u64 {
        self.address
    }

    /// Size in bytes.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// An error naming `backend` unless `bytes` fit this buffer.
    pub fn check_fits(&self, bytes: usize, backend: &str) -> Result<()> {
        if bytes > self.bytes {
            return Err(crate::Error::Backend(format!(
                "{backend}: {bytes} bytes do not fit a {}-byte buffer",
                self.bytes
            )));
        }
        Ok(())
    }
}

impl Drop for DeviceBuffer {
    fn drop(&mut self) {
        self.device.release(self.address);
    }
}

/// One kernel parameter.
#[derive(Debug, Clone, Copy)]
pub enum KernelArg<'a> {
    /// A pointer parameter: the buffer's address.
    Buffer(&'a DeviceBuffer),
    /// `uint32_t`.
    U32(u32),
    /// `int32_t`.
    I32(i32),
    /// `uint64_t`.
    U64(u64),
    /// `int64_t`.
    I64(i64),
    /// `double`.
    F64(f64),
}

impl KernelArg<'_> {
    /// The parameter's bits, zero-extended to 64: what a launch passes by value.
    pub fn word(&self) -> u64 {
        match *self {
            Self::Buffer(b) => b.address(),
            Self::U32(v) => u64::from(v),
            Self::I32(v) => u64::from(v as u32),
            Self::U64(v) => v,
            Self::I64(v) => v as u64,
            Self::F64(v) => v.to_bits(),
        }
    }

    /// The parameter's size in bytes, as the kernel declares it.
    pub fn size(&self) -> usize {
        match self {
            Self::U32(_) | Self::I32(_) => 4,
            _ => 8,
        }
    }
}

/// Grid and block sizes of one launch, in threads per dimension `[x, y, z]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LaunchShape {
    /// Blocks in each dimension.
    pub grid: [u32; 3],
    /// Threads per block in each dimension.
    pub block: [u32; 3],
}

impl LaunchShape {
    /// Enough `block`-sized blocks to give one thread to each of `width x height` items.
    pub fn covering(width: usize, height: usize, block: [u32; 2]) -> Self {
        let blocks = |n: usize, b: u32| (n.div_ceil(b as usize)).max(1) as u32;
        Self {
            grid: [blocks(width, block[0]), blocks(height, block[1]), 1],
            block: [block[0], block[1], 1],
        }
    }

    /// Threads in one block.
    pub fn threads_per_block(&self) -> u32 {
        self.block.iter().product()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covering_rounds_up_and_never_launches_nothing() {
        let shape = LaunchShape::covering(1921, 1080, [32, 8]);
        assert_eq!(shape.grid, [61, 135, 1]);
        assert_eq!(shape.threads_per_block(), 256);
        assert_eq!(LaunchShape::covering(0, 0, [16, 16]).grid, [1, 1, 1]);
    }

    #[test]
    fn words_keep_the_bits() {
        assert_eq!(KernelArg::I32(-1).word(), 0xFFFF_FFFF);
        assert_eq!(KernelArg::I64(-1).word(), u64::MAX);
        assert_eq!(KernelArg::F64(1.5).word(), 1.5f64.to_bits());
        assert_eq!(KernelArg::U32(7).size(), 4);
        assert_eq!(KernelArg::F64(0.0).size(), 8);
    }
}
