//! Integer ADM's sums on the GPU, equal to those of
//! [`AdmExtractor`](crate::feature::adm::AdmExtractor).
//!
//! Per level: the wavelet analysis of both pictures, the decoupling of the detail bands,
//! and three summing passes over the scored region (the reference's cube energy, the
//! masked restored detail and the masked impairment for AIM), each into per-row
//! workgroup partials. Reading a frame adds each row's partials; [`AdmPlan::finish`]
//! turns the row sums into scores.

use std::sync::Arc;

use super::commands::{groups, kernels, FrameStream, Recording, Step, SAMPLES_U32, SLOTS};
use super::device::VulkanDevice;
use super::memory::{BufferRole, GpuBuffer};
use super::pipelines::{DescriptorArena, KernelId};
use crate::error::Result;
use crate::feature::adm::{gather_rows, AdmPlan, AdmSums, LevelLayout};
use crate::frame::PlaneRef;

const LEVELS: usize = 4;
const TILE: usize = 16;
/// Workgroup shape of the row-summing passes: 64 columns of 4 rows.
const ROW_GROUP: usize = 64;
const ROWS: usize = 4;

/// The width, in workgroups, of a level's row-summing passes.
fn groups_x(level: &LevelLayout) -> usize {
    (level.scored.right - level.scored.left).div_ceil(ROW_GROUP)
}

/// Bytes of one partial-sum buffer: a triple of 64-bit sums per workgroup and row.
fn partial_bytes(level: &LevelLayout) -> usize {
    level.scored_rows() * groups_x(level) * 3 * 8
}

/// The size and scored region of a level, as the summing passes take them.
fn region_push(level: &LevelLayout) -> [u32; 6] {
    let r = level.scored;
    [level.width, level.height, r.top, r.bottom, r.left, r.right].map(|v| v as u32)
}

/// The workgroups of a level's row-summing passes.
fn row_groups(level: &LevelLayout) -> [u32; 3] {
    [groups_x(level) as u32, groups(level.scored_rows(), ROWS), 1]
}

/// The per-slot readback buffers of one level.
struct LevelSums {
    denominator: GpuBuffer,
    loss: GpuBuffer,
    aim: GpuBuffer,
}

/// The GPU work of ADM on one frame pair, recorded into a slot's command buffer.
pub(crate) struct AdmEngine {
    /// Per level, whether it is scored, and its workgroups per summed row.
    levels: Vec<(bool, usize)>,
    skip_aim: bool,
    /// Per slot, per level.
    sums: Vec<Vec<LevelSums>>,
    _buffers: Vec<GpuBuffer>,
    _sets: DescriptorArena,
}

impl AdmEngine {
    /// Buffers and descriptor sets for the pairs of `plan` read from `stream`'s
    /// inputs, and the dispatches to record.
    pub fn new(
        device: &Arc<VulkanDevice>,
        stream: &FrameStream,
        plan: &AdmPlan,
    ) -> Result<(Self, Recording)> {
        let [dwt, decouple, mask, denominator] = kernels(
            device,
            [
                KernelId::AdmDwt,
                KernelId::AdmDecouple,
                KernelId::AdmMask,
                KernelId::AdmDenominator,
            ],
        )?;
        let (levels, options) = (plan.levels(), plan.options());
        let bands = |role, name| -> Result<Vec<GpuBuffer>> {
            levels
                .iter()
                .map(|l| GpuBuffer::new(device, 4 * l.samples() * 4, role, name))
                .collect()
        };
        let (bands_ref, bands_dis) = (
            bands(BufferRole::Device, "adm reference bands")?,
            bands(BufferRole::Device, "adm distorted bands")?,
        );
        // Per level, so that no level waits for the previous one's reads to finish.
        let detail = |name| -> Result<Vec<GpuBuffer>> {
            levels
                .iter()
                .map(|l| GpuBuffer::new(device, 3 * l.samples() * 4, BufferRole::Device, name))
                .collect()
        };
        let (restored, additive) = (detail("adm restored")?, detail("adm additive")?);
        let sums = (0..SLOTS)
            .map(|_| {
                levels
                    .iter()
                    .map(|l| {
                        let make = |name| {
                            GpuBuffer::new(device, partial_bytes(l), BufferRole::Readback, name)
                        };
                        Ok(LevelSums {
                            denominator: make("adm denominator sums")?,
                            loss: make("adm detail-loss sums")?,
                            aim: make("adm aim sums")?,
                        })
                    })
                    .collect::<Result<Vec<_>>>()
            })
            .collect::<Result<Vec<_>>>()?;

        let sets = DescriptorArena::new(
            device,
            (SLOTS * LEVELS * 6) as u32,
            (SLOTS * LEVELS * 16) as u32,
        )?;
        let gain = options.enhn_gain_limit.to_bits();
        let cos_sq = AdmPlan::cos_one_degree_squared().to_bits();
        let mut steps = Vec::new();
        for (slot, slot_sums) in sums.iter().enumerate() {
            let mut list = Vec::new();
            let inputs = stream.inputs(slot);
            for (index, level) in levels.iter().enumerate() {
                let (sources, kind) = if index == 0 {
                    (inputs, stream.sample_kind())
                } else {
                    ([&bands_ref[index - 1], &bands_dis[index - 1]], SAMPLES_U32)
                };
                let tiles = [groups(level.width, TILE), groups(level.height, TILE), 1];
                let dwt_push = vec![
                    level.in_width as u32,
                    level.in_height as u32,
                    kind,
                    index as u32,
                    u32::from(stream.bit_depth()),
                ];
                for (source, out) in sources
                    .into_iter()
                    .zip([&bands_ref[index], &bands_dis[index]])
                {
                    let set = sets.bind(&dwt, &[source, out])?;
                    list.push(Step {
                        kernel: KernelId::AdmDwt,
                        set,
                        push: dwt_push.clone(),
                        groups: tiles,
                    });
                }
                if !plan.scores_level(index) {
                    continue;
                }
                let coarse = u32::from(index > 0);
                let (restored, additive) = (&restored[index], &additive[index]);
                let set = sets.bind(
                    &decouple,
                    &[&bands_ref[index], &bands_dis[index], restored, additive],
                )?;
                let push = vec![
                    level.width as u32,
                    level.height as u32,
                    coarse,
                    gain as u32,
                    (gain >> 32) as u32,
                    cos_sq,
                ];
                list.push(Step {
                    kernel: KernelId::AdmDecouple,
                    set,
                    push,
                    groups: tiles,
                });

                let level_sums = &slot_sums[index];
                let (square_shift, cube_shift) = level.denominator_shifts();
                let mut push = region_push(level).to_vec();
                push.extend([coarse, square_shift, cube_shift, groups_x(level) as u32]);
                let set = sets.bind(&denominator, &[&bands_ref[index], &level_sums.denominator])?;
                list.push(Step {
                    kernel: KernelId::AdmDenominator,
                    set,
                    push,
                    groups: row_groups(level),
                });

                let mut push = region_push(level).to_vec();
                push.push(coarse);
                push.extend(level.mask_weights());
                push.extend(level.cube_shift());
                push.push(groups_x(level) as u32);
                // Detail loss: the restored part masked by the impairment; AIM swaps them.
                let mut passes = vec![(additive, restored, &level_sums.loss)];
                if !options.skip_aim {
                    passes.push((restored, additive, &level_sums.aim));
                }
                for (masker, target, out) in passes {
                    let set = sets.bind(&mask, &[masker, target, out])?;
                    list.push(Step {
                        kernel: KernelId::AdmMask,
                        set,
                        push: push.clone(),
                        groups: row_groups(level),
                    });
                }
            }
            steps.push(list);
        }
        let mut buffers = bands_ref;
        buffers.extend(bands_dis);
        buffers.extend(restored);
        buffers.extend(additive);
        let engine = Self {
            levels: levels
                .iter()
                .map(|l| (plan.scores_level(l.index), groups_x(l)))
                .collect(),
            skip_aim: options.skip_aim,
            sums,
            _buffers: buffers,
            _sets: sets,
        };
        Ok((engine, Recording::new(steps)))
    }

    /// Fills `out` with the row sums of the frame computed in `slot` (a skipped level's,
    /// and skipped AIM's, are left as they are).
    pub fn read(&self, slot: usize, out: &mut AdmSums) {
        let levels = self
            .levels
            .iter()
            .zip(&self.sums[slot])
            .zip(&mut out.levels);
        for ((&(scored, groups_x), sums), out) in levels {
            if !scored {
                continue;
            }
            gather_rows(&mut out.den, sums.denominator.words_u64(), groups_x);
            gather_rows(&mut out.loss, sums.loss.words_u64(), groups_x);
            if !self.skip_aim {
                gather_rows(&mut out.aim, sums.aim.words_u64(), groups_x);
            }
        }
    }
}

/// Integer ADM's sums on a Vulkan device, equal to the CPU extractor's bit for bit.
pub struct VulkanAdm {
    /// Declared first so that it drops first: its drop waits for work in flight.
    stream: FrameStream,
    engine: AdmEngine,
}

impl VulkanAdm {
    /// The buffers and recorded work for the pairs of a validated `plan`.
    pub fn new(device: Arc<VulkanDevice>, plan: &AdmPlan) -> Result<Self> {
        let mut stream = FrameStream::new(&device, plan.width(), plan.height(), plan.bit_depth())?;
        let (engine, recording) = AdmEngine::new(&device, &stream, plan)?;
        stream.record(|slot, rec| recording.record(&device, slot, rec))?;
        Ok(Self { stream, engine })
    }

    /// Fills `sums` with the sums of one pair of luma planes.
    pub fn sums(
        &mut self,
        reference: PlaneRef<'_>,
        distorted: PlaneRef<'_>,
        sums: &mut AdmSums,
    ) -> Result<()> {
        let engine = &self.engine;
        self.stream.run_one([reference, distorted], |slot| {
            engine.read(slot, sums);
            Ok(())
        })
    }

    /// The sums of many pairs, uploading each while the device computes the previous one.
    pub fn sums_batch(&mut self, pairs: &[(PlaneRef<'_>, PlaneRef<'_>)]) -> Result<Vec<AdmSums>> {
        let engine = &self.engine;
        self.stream.run_batch(pairs, |slot| {
            let mut sums = AdmSums::default();
            engine.read(slot, &mut sums);
            Ok(sums)
        })
    }
}

impl std::fmt::Debug for VulkanAdm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VulkanAdm").finish_non_exhaustive()
    }
}

impl crate::feature::adm::AdmDevice for VulkanAdm {
    fn sums(
        &mut self,
        reference: PlaneRef<'_>,
        distorted: PlaneRef<'_>,
        sums: &mut AdmSums,
    ) -> Result<()> {
        VulkanAdm::sums(self, reference, distorted, sums)
    }
}
