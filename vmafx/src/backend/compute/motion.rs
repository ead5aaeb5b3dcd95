//! Motion's SAD on a compute device: the same raw sum as
//! [`MotionSad::sad`](crate::feature::motion::MotionSad::sad).
//!
//! `motion_vertical` filters the difference vertically per pixel; `motion_sad` filters
//! horizontally and adds absolute values into one 32-bit total per row (wrapping, as
//! the reference's row totals do). The host adds the rows in 64 bits.

use std::sync::Arc;

use super::device::{ComputeDevice, ComputeQueue, DeviceBuffer, KernelArg, LaunchShape};
use super::planes::PlanePair;
use crate::error::Result;
use crate::feature::motion::MotionSad;
use crate::frame::PlaneRef;

/// Threads per block of the per-pixel pass.
const PIXEL_BLOCK: [u32; 2] = [32, 8];
/// Columns one `motion_sad` thread covers (`VMAFX_MOTION_STRIP`).
const STRIP: usize = 8;

/// Motion SADs on a compute device; the tracker turning SADs into scores stays on the
/// CPU.
pub struct ComputeMotion {
    queue: Box<dyn ComputeQueue>,
    /// The CPU kernel, kept for its input checks.
    cpu_checks: MotionSad,
    planes: PlanePair,
    filtered: DeviceBuffer,
    row_totals: DeviceBuffer,
    totals: Vec<u8>,
    width: usize,
    height: usize,
    bit_depth: u8,
}

impl ComputeMotion {
    /// SADs of `width x height` planes of `bit_depth` bits; accepts what
    /// [`MotionSad::new`] accepts.
    pub fn new(
        device: &Arc<dyn ComputeDevice>,
        width: usize,
        height: usize,
        bit_depth: u8,
    ) -> Result<Self> {
        Ok(Self {
            cpu_checks: MotionSad::new(width, height, bit_depth)?,
            queue: device.queue()?,
            planes: PlanePair::new(device, width, height, bit_depth)?,
            filtered: DeviceBuffer::new(device, width * height * 4)?,
            row_totals: DeviceBuffer::new(device, height * 4)?,
            totals: vec![0; height * 4],
            width,
            height,
            bit_depth,
        })
    }

    /// The raw SAD of the blurred difference `earlier - current`.
    pub fn sad(&mut self, earlier: PlaneRef<'_>, current: PlaneRef<'_>) -> Result<u64> {
        self.upload(earlier, current)?;
        self.sad_uploaded()
    }

    /// Queues the upload of a pair of planes (checked as [`MotionSad`] checks them).
    pub fn upload(&mut self, earlier: PlaneRef<'_>, current: PlaneRef<'_>) -> Result<()> {
        for plane in [&earlier, &current] {
            self.cpu_checks.check(plane)?;
        }
        self.planes.upload(self.queue.as_mut(), [earlier, current])
    }

    /// The SAD of the pair last uploaded: the device work alone, for measuring a device
    /// with frames already on it.
    pub fn sad_uploaded(&mut self) -> Result<u64> {
        let queue = self.queue.as_mut();
        let [a, b] = self.planes.buffers();
        let (w, h) = (self.width as u32, self.height as u32);
        queue.launch(
            "motion_vertical",
            LaunchShape::covering(self.width, self.height, PIXEL_BLOCK),
            &[
                KernelArg::Buffer(a),
                KernelArg::Buffer(b),
                KernelArg::Buffer(&self.filtered),
                KernelArg::U32(w),
                KernelArg::U32(h),
                KernelArg::U32(self.planes.sample_kind()),
                KernelArg::U32(u32::from(self.bit_depth)),
            ],
        )?;
        queue.zero(&self.row_totals)?;
        queue.launch(
            "motion_sad",
            LaunchShape::covering(self.width.div_ceil(STRIP), self.height, PIXEL_BLOCK),
            &[
                KernelArg::Buffer(&self.filtered),
                KernelArg::Buffer(&self.row_totals),
                KernelArg::U32(w),
                KernelArg::U32(h),
            ],
        )?;
        queue.download(&self.row_totals, &mut self.totals)?;
        Ok(self
            .totals
            .chunks_exact(4)
            .map(|t| u64::from(u32::from_le_bytes([t[0], t[1], t[2], t[3]])))
            .sum())
    }
}

impl std::fmt::Debug for ComputeMotion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComputeMotion")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

impl crate::feature::motion::GpuSad for ComputeMotion {
    fn sad(&mut self, earlier: PlaneRef<'_>, current: PlaneRef<'_>) -> Result<u64> {
        ComputeMotion::sad(self, earlier, current)
    }
}
