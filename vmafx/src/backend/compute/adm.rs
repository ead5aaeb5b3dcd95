//! Integer ADM's sums on a compute device, equal bit for bit to those of
//! [`AdmExtractor`](crate::feature::adm::AdmExtractor).
//!
//! Per level, `adm_analyse` (one thread per band position) runs the wavelet analysis of
//! both pictures, decouples the distorted detail and reduces each masker's CSF weighting
//! to its neighbourhood sums; `adm_sums` (one thread per strip of a scored row) adds the
//! denominator cubes and the masked detail-loss and AIM excesses into per-row bins. The
//! bins of all four levels come back in one download as the levels' row sums;
//! [`AdmPlan::finish`] turns them into scores.

use std::sync::Arc;

use super::device::{ComputeDevice, ComputeQueue, DeviceBuffer, KernelArg, LaunchShape};
use super::planes::{PlanePair, SAMPLES_I32};
use crate::error::Result;
use crate::feature::adm::{gather_rows, AdmPlan, AdmSums};
use crate::frame::PlaneRef;

const LEVELS: usize = 4;
/// `VMAFX_ADM_PLANES`: int32 planes in a level's work buffer.
const PLANES: usize = 15;
/// `VMAFX_ADM_STRIP`: columns per `adm_sums` thread.
const STRIP: usize = 16;
/// Threads per block of the per-position pass.
const POSITION_BLOCK: [u32; 2] = [32, 8];
/// Threads per block of the summing pass.
const BLOCK_THREADS: u32 = 256;

/// One level's device memory.
struct Level {
    /// The level's work planes (`VMAFX_ADM_PLANES` of `width * height` values).
    work: DeviceBuffer,
    /// First word of the level's bins in the bins buffer.
    bins_offset: usize,
    /// Rows of each of the level's three bin blocks.
    rows: usize,
}

/// Integer ADM's sums on a compute device, equal to the CPU extractor's bit for bit.
pub struct ComputeAdm {
    queue: Box<dyn ComputeQueue>,
    planes: PlanePair,
    levels: Vec<Level>,
    bins: DeviceBuffer,
    /// Download staging and its words, sized once.
    bytes: Vec<u8>,
    words: Vec<u64>,
    plan: AdmPlan,
    /// `cos(1 degree)^2` as the CPU keeps it (an `f32`), widened.
    cos_sq: f64,
}

impl ComputeAdm {
    /// The buffers and queue for the pairs of a validated `plan`.
    pub fn new(device: &Arc<dyn ComputeDevice>, plan: &AdmPlan) -> Result<Self> {
        let mut levels: Vec<Level> = Vec::with_capacity(LEVELS);
        let mut bins_words = 0;
        for layout in plan.levels() {
            let level = Level {
                work: DeviceBuffer::new(device, PLANES * layout.samples() * 4)?,
                bins_offset: bins_words,
                rows: layout.scored_rows(),
            };
            // Three blocks (denominator, detail loss, AIM) of one triple per row.
            bins_words += 9 * level.rows;
            levels.push(level);
        }
        let (width, height) = (plan.width(), plan.height());
        Ok(Self {
            queue: device.queue()?,
            planes: PlanePair::new(device, width, height, plan.bit_depth())?,
            levels,
            bins: DeviceBuffer::new(device, bins_words * 8)?,
            bytes: vec![0; bins_words * 8],
            words: vec![0; bins_words],
            plan: plan.clone(),
            cos_sq: f64::from(AdmPlan::cos_one_degree_squared()),
        })
    }

    /// Fills `sums` with the sums of one pair of luma planes of the plan's size and bit
    /// depth.
    pub fn sums(
        &mut self,
        reference: PlaneRef<'_>,
        distorted: PlaneRef<'_>,
        sums: &mut AdmSums,
    ) -> Result<()> {
        self.upload(reference, distorted)?;
        self.sums_uploaded(sums)
    }

    /// Queues the upload of a pair.
    pub fn upload(&mut self, reference: PlaneRef<'_>, distorted: PlaneRef<'_>) -> Result<()> {
        self.planes
            .upload(self.queue.as_mut(), [reference, distorted])
    }

    /// Fills `sums` with the sums of the pair last uploaded (again, if it was computed
    /// before): the device work alone, for measuring a device with frames already on it.
    pub fn sums_uploaded(&mut self, sums: &mut AdmSums) -> Result<()> {
        self.queue.zero(&self.bins)?;
        for index in 0..LEVELS {
            self.launch_level(index)?;
        }
        self.queue.download(&self.bins, &mut self.bytes)?;
        for (word, bytes) in self.words.iter_mut().zip(self.bytes.chunks_exact(8)) {
            let mut le = [0u8; 8];
            le.copy_from_slice(bytes);
            *word = u64::from_le_bytes(le);
        }
        for (level, out) in self.levels.iter().zip(&mut sums.levels) {
            // Bin blocks: 0 denominator, 1 detail loss, 2 AIM; one triple per row.
            let block = 3 * level.rows;
            let bins = |b: usize| {
                let start = level.bins_offset + b * block;
                self.words[start..start + block].iter().copied()
            };
            gather_rows(&mut out.den, bins(0), 1);
            gather_rows(&mut out.loss, bins(1), 1);
            gather_rows(&mut out.aim, bins(2), 1);
        }
        Ok(())
    }

    /// Queues the two passes of level `index`.
    fn launch_level(&mut self, index: usize) -> Result<()> {
        let layout = &self.plan.levels()[index];
        let level = &self.levels[index];
        let score = self.plan.scores_level(index);
        let aim = u32::from(!self.plan.options().skip_aim);
        let (reference, distorted, kind, distorted_offset) = if index == 0 {
            let [a, b] = self.planes.buffers();
            (a, b, self.planes.sample_kind(), 0)
        } else {
            let previous = &self.levels[index - 1];
            let n = self.plan.levels()[index - 1].samples();
            (&previous.work, &previous.work, SAMPLES_I32, n as u32)
        };
        let [weight_h, weight_v, weight_d] = layout.mask_weights().map(KernelArg::U32);
        self.queue.launch(
            "adm_analyse",
            LaunchShape::covering(layout.width, layout.height, POSITION_BLOCK),
            &[
                KernelArg::Buffer(reference),
                KernelArg::Buffer(distorted),
                KernelArg::U32(kind),
                KernelArg::U32(distorted_offset),
                KernelArg::U32(layout.in_width as u32),
                KernelArg::U32(layout.in_height as u32),
                KernelArg::U32(index as u32),
                KernelArg::U32(u32::from(self.plan.bit_depth())),
                KernelArg::Buffer(&level.work),
                KernelArg::U32(u32::from(score)),
                KernelArg::U32(aim),
                weight_h,
                weight_v,
                weight_d,
                KernelArg::F64(self.plan.options().enhn_gain_limit),
                KernelArg::F64(self.cos_sq),
            ],
        )?;
        if !score {
            return Ok(());
        }
        let r = layout.scored;
        let strips = (r.right - r.left).div_ceil(STRIP);
        let [shift_h, shift_v, shift_d] = layout.cube_shift().map(KernelArg::U32);
        let (square_shift, cube_shift) = layout.denominator_shifts();
        self.queue.launch(
            "adm_sums",
            LaunchShape::covering(strips, layout.scored_rows(), sums_block(strips)),
            &[
                KernelArg::Buffer(&level.work),
                KernelArg::Buffer(&self.bins),
                KernelArg::U32(level.bins_offset as u32),
                KernelArg::U32(layout.width as u32),
                KernelArg::U32(layout.height as u32),
                KernelArg::U32(r.top as u32),
                KernelArg::U32(r.bottom as u32),
                KernelArg::U32(r.left as u32),
                KernelArg::U32(r.right as u32),
                KernelArg::U32(u32::from(index > 0)),
                KernelArg::U32(aim),
                weight_h,
                weight_v,
                weight_d,
                shift_h,
                shift_v,
                shift_d,
                KernelArg::U32(square_shift),
                KernelArg::U32(cube_shift),
            ],
        )
    }
}

/// A block of 256 threads no wider than the (power-of-two rounded) strips of a row, so
/// that the coarse levels' few strips per row do not leave most threads idle.
fn sums_block(strips: usize) -> [u32; 2] {
    let x = (strips.next_power_of_two() as u32).clamp(1, 32);
    [x, BLOCK_THREADS / x]
}

impl std::fmt::Debug for ComputeAdm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComputeAdm")
            .field("plan", &self.plan)
            .finish_non_exhaustive()
    }
}

impl crate::feature::adm::AdmDevice for ComputeAdm {
    fn sums(
        &mut self,
        reference: PlaneRef<'_>,
        distorted: PlaneRef<'_>,
        sums: &mut AdmSums,
    ) -> Result<()> {
        ComputeAdm::sums(self, reference, distorted, sums)
    }
}
