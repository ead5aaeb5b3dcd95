//! Integer ADM on the GPU, equal to [`AdmExtractor`](crate::feature::adm::AdmExtractor).
//!
//! Per level: the wavelet analysis of both pictures, the decoupling of the detail bands,
//! and three summing passes over the scored region (the reference's cube energy, the
//! masked restored detail and the masked impairment for AIM). The host rounds the
//! per-row sums as the reference does and finishes with its float arithmetic.

use std::sync::Arc;

use super::commands::{groups, kernels, FrameStream, Recording, Step, SAMPLES_U32, SLOTS};
use super::device::VulkanDevice;
use super::memory::{BufferRole, GpuBuffer};
use super::pipelines::{DescriptorArena, KernelId};
use crate::backend::adm_host::{self, LevelPlan, Weights};
use crate::error::Result;
use crate::feature::adm::masking::cube_root_sum;
use crate::feature::adm::{combine_levels, AdmExtractor, AdmOptions, AdmScores, LevelScores};
use crate::frame::PlaneRef;

const LEVELS: usize = 4;
const TILE: usize = 16;
/// Workgroup shape of the row-summing passes: 64 columns of 4 rows.
const ROW_GROUP: usize = 64;
const ROWS: usize = 4;

/// One level and the width, in workgroups, of its row-summing passes.
struct Level {
    plan: LevelPlan,
    groups_x: usize,
}

impl Level {
    fn new(plan: LevelPlan) -> Self {
        let groups_x = (plan.scored.right - plan.scored.left).div_ceil(ROW_GROUP);
        Self { plan, groups_x }
    }

    /// Bytes of one partial-sum buffer: a triple of 64-bit sums per workgroup and row.
    fn partial_bytes(&self) -> usize {
        self.plan.scored_rows() * self.groups_x * 3 * 8
    }

    fn region_push(&self) -> [u32; 6] {
        let (p, r) = (&self.plan, self.plan.scored);
        [p.width, p.height, r.top, r.bottom, r.left, r.right].map(|v| v as u32)
    }

    fn row_groups(&self) -> [u32; 3] {
        [
            self.groups_x as u32,
            groups(self.plan.scored_rows(), ROWS),
            1,
        ]
    }
}

/// The per-slot readback buffers of one level.
struct LevelSums {
    denominator: GpuBuffer,
    loss: GpuBuffer,
    aim: GpuBuffer,
}

/// The GPU work of ADM on one frame pair, recorded into a slot's command buffer.
pub(crate) struct AdmEngine {
    width: usize,
    height: usize,
    options: AdmOptions,
    weights: Weights,
    levels: Vec<Level>,
    /// Per slot, per level.
    sums: Vec<Vec<LevelSums>>,
    _buffers: Vec<GpuBuffer>,
    _sets: DescriptorArena,
}

impl AdmEngine {
    /// Buffers and descriptor sets for `width x height` pairs read from `stream`'s
    /// inputs, and the dispatches to record.
    pub fn new(
        device: &Arc<VulkanDevice>,
        stream: &FrameStream,
        width: usize,
        height: usize,
        options: &AdmOptions,
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
        let weights = Weights::new(options);
        let levels: Vec<Level> = LevelPlan::all(width, height, &weights)
            .into_iter()
            .map(Level::new)
            .collect();
        let bands = |role, name| -> Result<Vec<GpuBuffer>> {
            levels
                .iter()
                .map(|l| GpuBuffer::new(device, 4 * l.plan.samples() * 4, role, name))
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
                .map(|l| GpuBuffer::new(device, 3 * l.plan.samples() * 4, BufferRole::Device, name))
                .collect()
        };
        let (restored, additive) = (detail("adm restored")?, detail("adm additive")?);
        let sums = (0..SLOTS)
            .map(|_| {
                levels
                    .iter()
                    .map(|l| {
                        let make = |name| {
                            GpuBuffer::new(device, l.partial_bytes(), BufferRole::Readback, name)
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
        let cos_sq = {
            let c = (std::f64::consts::PI / 180.0).cos();
            ((c * c) as f32).to_bits()
        };
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
                let tiles = [
                    groups(level.plan.width, TILE),
                    groups(level.plan.height, TILE),
                    1,
                ];
                let dwt_push = vec![
                    level.plan.in_width as u32,
                    level.plan.in_height as u32,
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
                if index == 0 && options.skip_scale0 {
                    continue;
                }
                let coarse = u32::from(index > 0);
                let (restored, additive) = (&restored[index], &additive[index]);
                let set = sets.bind(
                    &decouple,
                    &[&bands_ref[index], &bands_dis[index], restored, additive],
                )?;
                let push = vec![
                    level.plan.width as u32,
                    level.plan.height as u32,
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
                let (square_shift, cube_shift) = if index == 0 {
                    (0, 0)
                } else {
                    adm_host::coarse_denominator_shifts(index, level.plan.scored)
                };
                let mut push = level.region_push().to_vec();
                push.extend([coarse, square_shift, cube_shift, level.groups_x as u32]);
                let set = sets.bind(&denominator, &[&bands_ref[index], &level_sums.denominator])?;
                list.push(Step {
                    kernel: KernelId::AdmDenominator,
                    set,
                    push,
                    groups: level.row_groups(),
                });

                let mut push = level.region_push().to_vec();
                push.push(coarse);
                push.extend(level.plan.mask_weights());
                push.extend(level.plan.cube_shift());
                push.push(level.groups_x as u32);
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
                        groups: level.row_groups(),
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
            width,
            height,
            options: *options,
            weights,
            levels,
            sums,
            _buffers: buffers,
            _sets: sets,
        };
        Ok((engine, Recording::new(steps)))
    }

    /// The scores of the frame computed in `slot`.
    pub fn read(&self, slot: usize) -> AdmScores {
        let options = &self.options;
        let mut scores = [LevelScores::default(); LEVELS];
        for (index, (level, sums)) in self.levels.iter().zip(&self.sums[slot]).enumerate() {
            if index == 0 && options.skip_scale0 {
                scores[0] = LevelScores::SKIPPED;
                continue;
            }
            let plan = &level.plan;
            let rows = |b: &GpuBuffer| {
                let words: Vec<u64> = b.words_u64().collect();
                adm_host::row_sums(&words, level.groups_x).collect::<Vec<_>>()
            };
            let weights = &self.weights.float[index];
            let den = plan.denominator(
                rows(&sums.denominator).into_iter(),
                weights,
                options.noise_weight,
            );
            let energy = |b: &GpuBuffer| plan.energies(rows(b).into_iter());
            let num = cube_root_sum(energy(&sums.loss), plan.scored, options.noise_weight);
            let aim_num = if options.skip_aim {
                0.0
            } else {
                cube_root_sum(energy(&sums.aim), plan.scored, 0.0)
            };
            scores[index] = LevelScores { num, den, aim_num };
        }
        combine_levels(self.width, self.height, options, &scores)
    }
}

/// Integer ADM on a Vulkan device, equal to the CPU extractor bit for bit.
pub struct VulkanAdm {
    /// Declared first so that it drops first: its drop waits for work in flight.
    stream: FrameStream,
    engine: AdmEngine,
}

impl VulkanAdm {
    /// An extractor for `width x height` luma planes of `bit_depth` (8..=16) bits; it
    /// accepts exactly what [`AdmExtractor::new`] accepts.
    pub fn new(
        device: Arc<VulkanDevice>,
        width: usize,
        height: usize,
        bit_depth: u8,
        options: AdmOptions,
    ) -> Result<Self> {
        // The CPU extractor's checks decide what is accepted.
        AdmExtractor::new(width, height, bit_depth, options)?;
        let mut stream = FrameStream::new(&device, width, height, bit_depth)?;
        let (engine, recording) = AdmEngine::new(&device, &stream, width, height, &options)?;
        stream.record(|slot, rec| recording.record(&device, slot, rec))?;
        Ok(Self { stream, engine })
    }

    /// Scores one pair of luma planes.
    pub fn extract(
        &mut self,
        reference: PlaneRef<'_>,
        distorted: PlaneRef<'_>,
    ) -> Result<AdmScores> {
        let engine = &self.engine;
        self.stream
            .run_one([reference, distorted], |slot| Ok(engine.read(slot)))
    }

    /// Scores many pairs, uploading each while the device computes the previous one.
    pub fn extract_batch(
        &mut self,
        pairs: &[(PlaneRef<'_>, PlaneRef<'_>)],
    ) -> Result<Vec<AdmScores>> {
        let engine = &self.engine;
        self.stream.run_batch(pairs, |slot| Ok(engine.read(slot)))
    }
}

impl std::fmt::Debug for VulkanAdm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VulkanAdm")
            .field("width", &self.engine.width)
            .field("height", &self.engine.height)
            .finish_non_exhaustive()
    }
}

impl crate::feature::adm::AdmDevice for VulkanAdm {
    fn extract(&mut self, reference: PlaneRef<'_>, distorted: PlaneRef<'_>) -> Result<AdmScores> {
        VulkanAdm::extract(self, reference, distorted)
    }
}
