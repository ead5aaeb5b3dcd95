//! Integer ADM on a compute device, equal bit for bit to
//! [`AdmExtractor`](crate::feature::adm::AdmExtractor).
//!
//! Per level, `adm_analyse` (one thread per band position) runs the wavelet analysis of
//! both pictures, decouples the distorted detail and reduces each masker's CSF weighting
//! to its neighbourhood sums; `adm_sums` (one thread per strip of a scored row) adds the
//! denominator cubes and the masked detail-loss and AIM excesses into per-row bins. The
//! bins of all four levels come back in one download; the host rounds each row as the
//! CPU does and finishes with its float arithmetic (`backend::adm_host`).

use std::sync::Arc;

use super::device::{ComputeDevice, ComputeQueue, DeviceBuffer, KernelArg, LaunchShape};
use super::planes::{PlanePair, SAMPLES_I32};
use crate::backend::adm_host::{self, LevelPlan, Weights};
use crate::error::{Error, Result};
use crate::feature::adm::masking::cube_root_sum;
use crate::feature::adm::{combine_levels, AdmExtractor, AdmOptions, AdmScores, LevelScores};
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

/// One level and its device memory.
struct Level {
    plan: LevelPlan,
    /// The level's work planes (`VMAFX_ADM_PLANES` of `width * height` values).
    work: DeviceBuffer,
    /// First word of the level's bins in the bins buffer.
    bins_offset: usize,
    /// The denominator's (square shift, cube shift); unused at level 0.
    den_shifts: (u32, u32),
}

impl Level {
    /// Words of the level's bins: three blocks of one triple per scored row.
    fn bins_words(&self) -> usize {
        9 * self.plan.scored_rows()
    }
}

/// Integer ADM on a compute device, equal to the CPU extractor bit for bit.
pub struct ComputeAdm {
    queue: Box<dyn ComputeQueue>,
    planes: PlanePair,
    levels: Vec<Level>,
    bins: DeviceBuffer,
    /// Download staging and its words, sized once.
    bytes: Vec<u8>,
    words: Vec<u64>,
    width: usize,
    height: usize,
    bit_depth: u8,
    options: AdmOptions,
    weights: Weights,
    /// `cos(1 degree)^2` as the CPU keeps it (an `f32`), widened.
    cos_sq: f64,
}

impl ComputeAdm {
    /// An extractor for `width x height` luma planes of `bit_depth` (8..=16) bits; it
    /// accepts exactly what [`AdmExtractor::new`] accepts.
    pub fn new(
        device: &Arc<dyn ComputeDevice>,
        width: usize,
        height: usize,
        bit_depth: u8,
        options: AdmOptions,
    ) -> Result<Self> {
        // The CPU extractor's checks decide what is accepted.
        AdmExtractor::new(width, height, bit_depth, options)?;
        let weights = Weights::new(&options);
        let mut levels: Vec<Level> = Vec::with_capacity(LEVELS);
        let mut bins_words = 0;
        for plan in LevelPlan::all(width, height, &weights) {
            let den_shifts = match plan.index {
                0 => (0, 0),
                index => adm_host::coarse_denominator_shifts(index, plan.scored),
            };
            let level = Level {
                work: DeviceBuffer::new(device, PLANES * plan.samples() * 4)?,
                bins_offset: bins_words,
                den_shifts,
                plan,
            };
            bins_words += level.bins_words();
            levels.push(level);
        }
        let cos_sq = {
            let c = (std::f64::consts::PI / 180.0).cos();
            f64::from((c * c) as f32)
        };
        Ok(Self {
            queue: device.queue()?,
            planes: PlanePair::new(device, width, height, bit_depth)?,
            levels,
            bins: DeviceBuffer::new(device, bins_words * 8)?,
            bytes: vec![0; bins_words * 8],
            words: vec![0; bins_words],
            width,
            height,
            bit_depth,
            options,
            weights,
            cos_sq,
        })
    }

    /// Scores one pair of luma planes.
    pub fn extract(
        &mut self,
        reference: PlaneRef<'_>,
        distorted: PlaneRef<'_>,
    ) -> Result<AdmScores> {
        self.upload(reference, distorted)?;
        self.score_uploaded()
    }

    /// Checks a pair as [`extract`](Self::extract) does and queues its upload.
    pub fn upload(&mut self, reference: PlaneRef<'_>, distorted: PlaneRef<'_>) -> Result<()> {
        self.check(&reference, "reference")?;
        self.check(&distorted, "distorted")?;
        self.planes
            .upload(self.queue.as_mut(), [reference, distorted])
    }

    /// Scores the pair last uploaded (again, if it was scored before): the device work
    /// alone, for measuring a device with frames already on it.
    pub fn score_uploaded(&mut self) -> Result<AdmScores> {
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
        let mut scores = [LevelScores::default(); LEVELS];
        for (index, score) in scores.iter_mut().enumerate() {
            *score = if index == 0 && self.options.skip_scale0 {
                LevelScores::SKIPPED
            } else {
                self.level_scores(index)
            };
        }
        Ok(combine_levels(
            self.width,
            self.height,
            &self.options,
            &scores,
        ))
    }

    /// Refuses planes the CPU extractor would refuse.
    fn check(&self, plane: &PlaneRef<'_>, name: &str) -> Result<()> {
        if plane.width() != self.width || plane.height() != self.height {
            return Err(Error::Mismatch(format!(
                "adm {name} plane is {}x{}, extractor expects {}x{}",
                plane.width(),
                plane.height(),
                self.width,
                self.height
            )));
        }
        if matches!(plane, PlaneRef::U16(_)) != (self.bit_depth > 8) {
            return Err(Error::Mismatch(format!(
                "adm {name} plane sample type does not match bit depth {}",
                self.bit_depth
            )));
        }
        Ok(())
    }

    /// Queues the two passes of level `index`.
    fn launch_level(&mut self, index: usize) -> Result<()> {
        let level = &self.levels[index];
        let score = !(index == 0 && self.options.skip_scale0);
        let aim = u32::from(!self.options.skip_aim);
        let (reference, distorted, kind, distorted_offset) = if index == 0 {
            let [a, b] = self.planes.buffers();
            (a, b, self.planes.sample_kind(), 0)
        } else {
            let previous = &self.levels[index - 1];
            let n = previous.plan.samples();
            (&previous.work, &previous.work, SAMPLES_I32, n as u32)
        };
        let [weight_h, weight_v, weight_d] = level.plan.mask_weights().map(KernelArg::U32);
        self.queue.launch(
            "adm_analyse",
            LaunchShape::covering(level.plan.width, level.plan.height, POSITION_BLOCK),
            &[
                KernelArg::Buffer(reference),
                KernelArg::Buffer(distorted),
                KernelArg::U32(kind),
                KernelArg::U32(distorted_offset),
                KernelArg::U32(level.plan.in_width as u32),
                KernelArg::U32(level.plan.in_height as u32),
                KernelArg::U32(index as u32),
                KernelArg::U32(u32::from(self.bit_depth)),
                KernelArg::Buffer(&level.work),
                KernelArg::U32(u32::from(score)),
                KernelArg::U32(aim),
                weight_h,
                weight_v,
                weight_d,
                KernelArg::F64(self.options.enhn_gain_limit),
                KernelArg::F64(self.cos_sq),
            ],
        )?;
        if !score {
            return Ok(());
        }
        let r = level.plan.scored;
        let strips = (r.right - r.left).div_ceil(STRIP);
        let [shift_h, shift_v, shift_d] = level.plan.cube_shift().map(KernelArg::U32);
        self.queue.launch(
            "adm_sums",
            LaunchShape::covering(strips, level.plan.scored_rows(), sums_block(strips)),
            &[
                KernelArg::Buffer(&level.work),
                KernelArg::Buffer(&self.bins),
                KernelArg::U32(level.bins_offset as u32),
                KernelArg::U32(level.plan.width as u32),
                KernelArg::U32(level.plan.height as u32),
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
                KernelArg::U32(level.den_shifts.0),
                KernelArg::U32(level.den_shifts.1),
            ],
        )
    }

    /// Level `index`'s numerator, denominator and AIM numerator from the downloaded bins.
    fn level_scores(&self, index: usize) -> LevelScores {
        let level = &self.levels[index];
        let plan = &level.plan;
        let block = 3 * plan.scored_rows();
        let start = level.bins_offset;
        // Bin block `b` (0 denominator, 1 detail loss, 2 AIM), one triple per row.
        let rows = |b: usize| adm_host::row_sums(&self.words[start + b * block..][..block], 1);
        let noise_weight = self.options.noise_weight;
        let den = plan.denominator(rows(0), &self.weights.float[index], noise_weight);
        LevelScores {
            num: cube_root_sum(plan.energies(rows(1)), plan.scored, noise_weight),
            den,
            aim_num: if self.options.skip_aim {
                0.0
            } else {
                cube_root_sum(plan.energies(rows(2)), plan.scored, 0.0)
            },
        }
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
            .field("width", &self.width)
            .field("height", &self.height)
            .field("bit_depth", &self.bit_depth)
            .finish_non_exhaustive()
    }
}

impl crate::feature::adm::AdmDevice for ComputeAdm {
    fn extract(&mut self, reference: PlaneRef<'_>, distorted: PlaneRef<'_>) -> Result<AdmScores> {
        ComputeAdm::extract(self, reference, distorted)
    }
}
