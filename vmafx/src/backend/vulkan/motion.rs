//! Motion's SAD on the GPU: the same raw sum as [`MotionSad`](crate::feature::motion::MotionSad).
//!
//! Pass 1 filters the difference vertically per pixel; pass 2 filters horizontally and
//! sums absolute values per row in workgroup partials. The host adds each row's partials
//! in 32 bits (wrapping, as the reference's row total does) and the rows in 64 bits.

use std::sync::Arc;

use super::commands::{groups, kernels, FrameStream, Recording, Step, SLOTS};
use super::device::VulkanDevice;
use super::memory::{BufferRole, GpuBuffer};
use super::pipelines::{DescriptorArena, KernelId};
use crate::error::Result;
use crate::feature::motion::MIN_DIMENSION;
use crate::frame::PlaneRef;

const TILE: usize = 16;
/// Workgroup shape of the row-summing pass: 64 columns of 4 rows.
const ROW_GROUP: usize = 64;
const ROWS: usize = 4;

/// The GPU work of one SAD, recorded into both frame slots.
struct MotionEngine {
    width: usize,
    height: usize,
    groups_x: usize,
    partials: Vec<GpuBuffer>,
    _filtered: GpuBuffer,
    _sets: DescriptorArena,
}

impl MotionEngine {
    fn new(
        device: &Arc<VulkanDevice>,
        stream: &FrameStream,
        width: usize,
        height: usize,
    ) -> Result<(Self, Recording)> {
        let [vertical, sad] = kernels(device, [KernelId::MotionVertical, KernelId::MotionSad])?;
        let groups_x = width.div_ceil(ROW_GROUP);
        let filtered = GpuBuffer::new(
            device,
            width * height * 4,
            BufferRole::Device,
            "motion filtered",
        )?;
        let partials = (0..SLOTS)
            .map(|_| {
                GpuBuffer::new(
                    device,
                    height * groups_x * 4,
                    BufferRole::Readback,
                    "motion sums",
                )
            })
            .collect::<Result<Vec<_>>>()?;
        let sets = DescriptorArena::new(device, 2 * SLOTS as u32, 5 * SLOTS as u32)?;
        let (w, h) = (width as u32, height as u32);
        let kind = stream.sample_kind();
        let depth = u32::from(stream.bit_depth());
        let mut steps = Vec::new();
        for (slot, partial) in partials.iter().enumerate() {
            let [earlier, current] = stream.inputs(slot);
            steps.push(vec![
                Step {
                    kernel: KernelId::MotionVertical,
                    set: sets.bind(&vertical, &[earlier, current, &filtered])?,
                    push: vec![w, h, kind, depth],
                    groups: [groups(width, TILE), groups(height, TILE), 1],
                },
                Step {
                    kernel: KernelId::MotionSad,
                    set: sets.bind(&sad, &[&filtered, partial])?,
                    push: vec![w, h, groups_x as u32],
                    groups: [groups_x as u32, groups(height, ROWS), 1],
                },
            ]);
        }
        let engine = Self {
            width,
            height,
            groups_x,
            partials,
            _filtered: filtered,
            _sets: sets,
        };
        Ok((engine, Recording::new(steps)))
    }

    /// The raw SAD from `slot`'s partial sums.
    fn read(&self, slot: usize) -> u64 {
        let sums: Vec<u32> = self.partials[slot].words_u32().collect();
        sums.chunks_exact(self.groups_x)
            .take(self.height)
            .map(|row| u64::from(row.iter().fold(0u32, |a, &s| a.wrapping_add(s))))
            .sum()
    }
}

/// Motion SADs on a Vulkan device, equal to [`MotionSad::sad`](crate::feature::motion::MotionSad::sad).
/// The tracker that turns SADs into `motion2`/`motion3` stays on the CPU.
pub struct VulkanMotion {
    /// Declared first so that it drops first: its drop waits for work in flight.
    stream: FrameStream,
    engine: MotionEngine,
}

impl VulkanMotion {
    /// A kernel for `width x height` luma planes of `bit_depth` (8..=16) bits, at least
    /// [`MIN_DIMENSION`] on each side.
    pub fn new(
        device: Arc<VulkanDevice>,
        width: usize,
        height: usize,
        bit_depth: u8,
    ) -> Result<Self> {
        // The CPU kernel's checks decide what is accepted.
        crate::feature::motion::MotionSad::new(width, height, bit_depth)?;
        debug_assert!(width >= MIN_DIMENSION && height >= MIN_DIMENSION);
        let mut stream = FrameStream::new(&device, width, height, bit_depth)?;
        let (engine, recording) = MotionEngine::new(&device, &stream, width, height)?;
        stream.record(|slot, rec| recording.record(&device, slot, rec))?;
        Ok(Self { stream, engine })
    }

    /// Width of the planes compared.
    pub fn width(&self) -> usize {
        self.engine.width
    }

    /// Height of the planes compared.
    pub fn height(&self) -> usize {
        self.engine.height
    }

    /// The raw SAD of the blurred difference `earlier - current`.
    pub fn sad(&mut self, earlier: PlaneRef<'_>, current: PlaneRef<'_>) -> Result<u64> {
        let engine = &self.engine;
        self.stream
            .run_one([earlier, current], |slot| Ok(engine.read(slot)))
    }

    /// The raw SADs of many `(earlier, current)` pairs, keeping the device busy.
    pub fn sad_batch(&mut self, pairs: &[(PlaneRef<'_>, PlaneRef<'_>)]) -> Result<Vec<u64>> {
        let engine = &self.engine;
        self.stream.run_batch(pairs, |slot| Ok(engine.read(slot)))
    }
}

impl std::fmt::Debug for VulkanMotion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VulkanMotion")
            .field("width", &self.engine.width)
            .field("height", &self.engine.height)
            .finish()
    }
}

impl crate::feature::motion::GpuSad for VulkanMotion {
    fn sad(&mut self, earlier: PlaneRef<'_>, current: PlaneRef<'_>) -> Result<u64> {
        VulkanMotion::sad(self, earlier, current)
    }
}
