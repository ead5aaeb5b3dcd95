//! Integer VIF's sums on the GPU, equal to those of
//! [`VifExtractor`](crate::feature::vif::VifExtractor).
//!
//! Per scale: a vertical pass (means and second moments), a horizontal pass that also
//! forms each pixel's information terms and sums them per workgroup, and the decimation
//! to the next scale. The workgroups' partials are added into the four sums of each
//! scale; [`VifPlan::finish`] turns them into scores.

use std::sync::Arc;

use super::commands::{
    constant_buffer, groups, kernels, FrameStream, Recording, Step, SAMPLES_U32, SLOTS,
};
use super::device::VulkanDevice;
use super::memory::{BufferRole, GpuBuffer};
use super::pipelines::{DescriptorArena, KernelId};
use crate::error::Result;
use crate::feature::vif::scalar::ScaleSums;
use crate::feature::vif::tables::SCALES;
use crate::feature::vif::{VifPlan, VifSums};
use crate::frame::PlaneRef;

const TILE: usize = 16;

/// The CPU extractor's log2 table, widened to the 32-bit words the shaders read.
fn log2_table() -> Vec<u32> {
    VifPlan::log2_table()
        .iter()
        .map(|&e| u32::from(e))
        .collect()
}

/// The GPU work of VIF on one frame pair, recorded into a slot's command buffer.
pub(crate) struct VifEngine {
    /// Whether scale 0's statistics run (its sums stay zero otherwise).
    scale0: bool,
    /// Per slot, per scale: four 64-bit partial sums per workgroup.
    partials: Vec<[GpuBuffer; SCALES]>,
    _buffers: Buffers,
    _sets: DescriptorArena,
}

/// The device buffers every slot shares.
struct Buffers {
    /// Pass-1 outputs (means, second moments), sized for scale 0. The first two also
    /// hold the vertically filtered rows of the decimation, once the scale's
    /// statistics are done with them.
    moments: Vec<GpuBuffer>,
    /// Scales 1..=3: `levels[2 * (s - 1)]` the reference, `[2 * s - 1]` the distorted.
    levels: Vec<GpuBuffer>,
    log2: GpuBuffer,
}

/// What one scale's dispatches read.
struct ScaleInput<'a> {
    scale: usize,
    width: usize,
    height: usize,
    planes: [&'a GpuBuffer; 2],
    sample_kind: u32,
}

impl VifEngine {
    /// Buffers and descriptor sets for the pairs of `plan` read from `stream`'s
    /// inputs, and the dispatches to record.
    pub fn new(
        device: &Arc<VulkanDevice>,
        stream: &FrameStream,
        plan: &VifPlan,
    ) -> Result<(Self, Recording)> {
        let (width, height) = (plan.width(), plan.height());
        let buffer = |bytes, role, name| GpuBuffer::new(device, bytes, role, name);
        let mut levels = Vec::new();
        for s in 1..SCALES {
            for _ in 0..2 {
                let bytes = (width >> s) * (height >> s) * 4;
                levels.push(buffer(bytes, BufferRole::Device, "vif level")?);
            }
        }
        let buffers = Buffers {
            moments: (0..5)
                .map(|_| buffer(width * height * 4, BufferRole::Device, "vif moments"))
                .collect::<Result<_>>()?,
            levels,
            log2: constant_buffer(device, &log2_table(), "vif log2 table")?,
        };
        let tiles = |s: usize| (width >> s).div_ceil(TILE) * (height >> s).div_ceil(TILE);
        let partials = (0..SLOTS)
            .map(|_| {
                let sums = |s: usize| buffer(tiles(s) * 32, BufferRole::Readback, "vif sums");
                Ok([sums(0)?, sums(1)?, sums(2)?, sums(3)?])
            })
            .collect::<Result<Vec<_>>>()?;
        let sets = DescriptorArena::new(
            device,
            (SLOTS * 4 * SCALES) as u32,
            (SLOTS * 22 * SCALES) as u32,
        )?;
        let mut steps = Vec::new();
        for (slot, slot_partials) in partials.iter().enumerate() {
            let mut list = Vec::new();
            for (s, sums) in slot_partials.iter().enumerate() {
                let input = if s == 0 {
                    ScaleInput {
                        scale: 0,
                        width,
                        height,
                        planes: stream.inputs(slot),
                        sample_kind: stream.sample_kind(),
                    }
                } else {
                    let level = &buffers.levels[2 * (s - 1)..2 * s];
                    ScaleInput {
                        scale: s,
                        width: width >> s,
                        height: height >> s,
                        planes: [&level[0], &level[1]],
                        sample_kind: SAMPLES_U32,
                    }
                };
                if plan.scores_scale(s) {
                    statistics_steps(device, &sets, &buffers, &input, sums, plan, &mut list)?;
                }
                if s + 1 < SCALES {
                    decimation_steps(device, &sets, &buffers, &input, plan, &mut list)?;
                }
            }
            steps.push(list);
        }
        let engine = Self {
            scale0: plan.scores_scale(0),
            partials,
            _buffers: buffers,
            _sets: sets,
        };
        Ok((engine, Recording::new(steps)))
    }

    /// The sums of the frame computed in `slot` (a skipped scale's stay zero).
    pub fn read(&self, slot: usize) -> VifSums {
        let mut sums = [ScaleSums::default(); SCALES];
        let scored = sums.iter_mut().zip(&self.partials[slot]);
        for (scale_sums, partials) in scored.skip(usize::from(!self.scale0)) {
            let words: Vec<u64> = partials.words_u64().collect();
            // Wrapping, as the CPU adds its i64 sums.
            for group in words.chunks_exact(4) {
                scale_sums.num_log = scale_sums.num_log.wrapping_add(group[0] as i64);
                scale_sums.den_log = scale_sums.den_log.wrapping_add(group[1] as i64);
                scale_sums.num_non_log = scale_sums.num_non_log.wrapping_add(group[2] as i64);
                scale_sums.den_non_log = scale_sums.den_non_log.wrapping_add(group[3] as i64);
            }
        }
        sums
    }
}

/// The statistics of one scale: pass 1 into the moment buffers, pass 2 into `sums`.
fn statistics_steps(
    device: &VulkanDevice,
    sets: &DescriptorArena,
    buffers: &Buffers,
    input: &ScaleInput<'_>,
    sums: &GpuBuffer,
    plan: &VifPlan,
    steps: &mut Vec<Step>,
) -> Result<()> {
    let scale = input.scale as u32;
    let [vertical, statistics] = kernels(
        device,
        [KernelId::VifVertical(scale), KernelId::VifStatistics(scale)],
    )?;
    let (w, h) = (input.width as u32, input.height as u32);
    let tiles = [groups(input.width, TILE), groups(input.height, TILE), 1];
    let (mean_shift, square_shift) = plan.vertical_shifts(input.scale);
    let mut bound: Vec<&GpuBuffer> = input.planes.to_vec();
    bound.extend(&buffers.moments);
    steps.push(Step {
        kernel: KernelId::VifVertical(scale),
        set: sets.bind(&vertical, &bound)?,
        push: vec![w, h, input.sample_kind, mean_shift, square_shift],
        groups: tiles,
    });
    let mut bound: Vec<&GpuBuffer> = buffers.moments.iter().collect();
    bound.extend([&buffers.log2, sums]);
    let gain = plan.options().enhn_gain_limit.to_bits();
    let eps = VifPlan::VARIANCE_GUARD.to_bits();
    let split = |bits: u64| [bits as u32, (bits >> 32) as u32];
    let mut push = vec![w, h, tiles[0]];
    push.extend(split(gain));
    push.extend(split(eps));
    steps.push(Step {
        kernel: KernelId::VifStatistics(scale),
        set: sets.bind(&statistics, &bound)?,
        push,
        groups: tiles,
    });
    Ok(())
}

/// The next scale from this one: every second row filtered vertically (into the first
/// two moment buffers), then every second column horizontally.
fn decimation_steps(
    device: &VulkanDevice,
    sets: &DescriptorArena,
    buffers: &Buffers,
    input: &ScaleInput<'_>,
    plan: &VifPlan,
    steps: &mut Vec<Step>,
) -> Result<()> {
    let next = input.scale as u32 + 1;
    let [down, across] = kernels(
        device,
        [
            KernelId::VifDecimateVertical(next),
            KernelId::VifDecimateHorizontal(next),
        ],
    )?;
    let (w, h) = (input.width as u32, input.height as u32);
    let (mean_shift, _) = plan.vertical_shifts(input.scale);
    let rows = [&buffers.moments[0], &buffers.moments[1]];
    let out = &buffers.levels[2 * input.scale..2 * input.scale + 2];
    steps.push(Step {
        kernel: KernelId::VifDecimateVertical(next),
        set: sets.bind(&down, &[input.planes[0], input.planes[1], rows[0], rows[1]])?,
        push: vec![w, h, input.sample_kind, mean_shift],
        groups: [groups(input.width, TILE), groups(input.height / 2, TILE), 1],
    });
    steps.push(Step {
        kernel: KernelId::VifDecimateHorizontal(next),
        set: sets.bind(&across, &[rows[0], rows[1], &out[0], &out[1]])?,
        push: vec![w, h],
        groups: [
            groups(input.width / 2, TILE),
            groups(input.height / 2, TILE),
            1,
        ],
    });
    Ok(())
}

/// Integer VIF's sums on a Vulkan device, equal to the CPU extractor's bit for bit.
pub struct VulkanVif {
    /// Declared first so that it drops first: its drop waits for work in flight.
    stream: FrameStream,
    engine: VifEngine,
}

impl VulkanVif {
    /// The buffers and recorded work for the pairs of a validated `plan`.
    pub fn new(device: Arc<VulkanDevice>, plan: &VifPlan) -> Result<Self> {
        let mut stream = FrameStream::new(&device, plan.width(), plan.height(), plan.bit_depth())?;
        let (engine, recording) = VifEngine::new(&device, &stream, plan)?;
        stream.record(|slot, rec| recording.record(&device, slot, rec))?;
        Ok(Self { stream, engine })
    }

    /// The sums of one pair of luma planes.
    pub fn sums(&mut self, reference: PlaneRef<'_>, distorted: PlaneRef<'_>) -> Result<VifSums> {
        let engine = &self.engine;
        self.stream
            .run_one([reference, distorted], |slot| Ok(engine.read(slot)))
    }

    /// The sums of many pairs, uploading each while the device computes the previous one.
    pub fn sums_batch(&mut self, pairs: &[(PlaneRef<'_>, PlaneRef<'_>)]) -> Result<Vec<VifSums>> {
        let engine = &self.engine;
        self.stream.run_batch(pairs, |slot| Ok(engine.read(slot)))
    }
}

impl std::fmt::Debug for VulkanVif {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VulkanVif").finish_non_exhaustive()
    }
}

impl crate::feature::vif::VifDevice for VulkanVif {
    fn sums(&mut self, reference: PlaneRef<'_>, distorted: PlaneRef<'_>) -> Result<VifSums> {
        VulkanVif::sums(self, reference, distorted)
    }
}
