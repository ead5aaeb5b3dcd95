//! Integer VIF's sums on a compute device, equal bit for bit to those of
//! [`VifExtractor`](crate::feature::vif::VifExtractor).
//!
//! Per scale (`vmafx/kernels/cuda/vif.cu`): `vif_vertical` filters both pictures vertically
//! (means and second moments), `vif_statistics` filters horizontally, forms each pixel's
//! information terms and adds them into a few bins of four 64-bit sums, and
//! `vif_decimate` forms the next scale. The sums of every scale land in one small
//! buffer, downloaded once per frame and its bins added (wrapping, as the CPU's sums
//! are); [`VifPlan::finish`] turns the sums into scores.

use std::sync::Arc;

use super::device::{ComputeDevice, ComputeQueue, DeviceBuffer, KernelArg, LaunchShape};
use super::planes::{PlanePair, SAMPLES_U16};
use crate::error::Result;
use crate::feature::vif::scalar::ScaleSums;
use crate::feature::vif::tables::SCALES;
use crate::feature::vif::{VifPlan, VifSums};
use crate::frame::PlaneRef;

/// Threads per block: x (columns, the fastest index) by y.
const BLOCK: [u32; 2] = [32, 8];
/// Bins per sum in the partials buffer (`VMAFX_VIF_BINS` in `vif.cu`).
const BINS: usize = 64;
/// The four sums of a scale, in the kernel's order.
const SUMS: usize = 4;
/// Rows one `vif_statistics` thread covers, per scale: fewer on the small scales so
/// that they still give the device enough threads.
const STRIP_ROWS: [u32; SCALES] = [16, 8, 4, 2];

/// The per-pixel moments of one scale's vertical pass, sized for scale 0.
struct Moments {
    mu1: DeviceBuffer,
    mu2: DeviceBuffer,
    ref_sq: DeviceBuffer,
    dis_sq: DeviceBuffer,
    ref_dis: DeviceBuffer,
}

impl Moments {
    fn new(device: &Arc<dyn ComputeDevice>, pixels: usize) -> Result<Self> {
        let buffer = |bytes: usize| DeviceBuffer::new(device, pixels * bytes);
        Ok(Self {
            mu1: buffer(2)?,
            mu2: buffer(2)?,
            ref_sq: buffer(4)?,
            dis_sq: buffer(4)?,
            ref_dis: buffer(4)?,
        })
    }
}

/// One scale's input: its size and where its two pictures are.
struct ScaleInput<'a> {
    scale: usize,
    width: usize,
    height: usize,
    planes: [&'a DeviceBuffer; 2],
    sample_kind: u32,
}

/// The device buffers besides the input planes, allocated once.
struct Buffers {
    /// Scales 1..=3, packed 16-bit samples: `[reference, distorted]` per scale.
    levels: [[DeviceBuffer; 2]; SCALES - 1],
    moments: Moments,
    /// The CPU extractor's log2 table (65536 16-bit entries), uploaded once.
    log2: DeviceBuffer,
    /// `[scale][sum][bin]` 64-bit sums, zeroed per frame.
    partials: DeviceBuffer,
}

/// Integer VIF's sums on a compute device, equal to the CPU extractor's bit for bit.
pub struct ComputeVif {
    queue: Box<dyn ComputeQueue>,
    planes: PlanePair,
    buffers: Buffers,
    downloaded: Vec<u8>,
    plan: VifPlan,
}

impl ComputeVif {
    /// The buffers and queue for the pairs of a validated `plan`.
    pub fn new(device: &Arc<dyn ComputeDevice>, plan: &VifPlan) -> Result<Self> {
        let (width, height) = (plan.width(), plan.height());
        let level = |s: usize| -> Result<[DeviceBuffer; 2]> {
            let bytes = (width >> s) * (height >> s) * 2;
            Ok([
                DeviceBuffer::new(device, bytes)?,
                DeviceBuffer::new(device, bytes)?,
            ])
        };
        let mut queue = device.queue()?;
        let table: Vec<u8> = VifPlan::log2_table()
            .iter()
            .flat_map(|e| e.to_le_bytes())
            .collect();
        let log2 = DeviceBuffer::new(device, table.len())?;
        queue.upload(&log2, &table)?;
        let partial_bytes = SCALES * SUMS * BINS * 8;
        let buffers = Buffers {
            levels: [level(1)?, level(2)?, level(3)?],
            moments: Moments::new(device, width * height)?,
            log2,
            partials: DeviceBuffer::new(device, partial_bytes)?,
        };
        Ok(Self {
            queue,
            planes: PlanePair::new(device, width, height, plan.bit_depth())?,
            buffers,
            downloaded: vec![0; partial_bytes],
            plan: *plan,
        })
    }

    /// The sums of one pair of luma planes of the plan's size and bit depth.
    pub fn sums(&mut self, reference: PlaneRef<'_>, distorted: PlaneRef<'_>) -> Result<VifSums> {
        self.upload(reference, distorted)?;
        self.sums_uploaded()
    }

    /// Queues the upload of a pair.
    pub fn upload(&mut self, reference: PlaneRef<'_>, distorted: PlaneRef<'_>) -> Result<()> {
        self.planes
            .upload(self.queue.as_mut(), [reference, distorted])
    }

    /// The sums of the pair last uploaded (again, if it was computed before): the device
    /// work alone, for measuring a device with frames already on it.
    pub fn sums_uploaded(&mut self) -> Result<VifSums> {
        let Self {
            queue,
            planes,
            buffers,
            downloaded,
            plan,
        } = self;
        let queue = queue.as_mut();
        queue.zero(&buffers.partials)?;
        for scale in 0..SCALES {
            let (width, height) = plan.scale_size(scale);
            let input = if scale == 0 {
                ScaleInput {
                    scale,
                    width,
                    height,
                    planes: planes.buffers(),
                    sample_kind: planes.sample_kind(),
                }
            } else {
                let [a, b] = &buffers.levels[scale - 1];
                ScaleInput {
                    scale,
                    width,
                    height,
                    planes: [a, b],
                    sample_kind: SAMPLES_U16,
                }
            };
            if plan.scores_scale(scale) {
                statistics(queue, buffers, &input, plan)?;
            }
            if scale + 1 < SCALES {
                decimate(queue, buffers, &input, plan)?;
            }
        }
        queue.download(&buffers.partials, downloaded)?;
        Ok(self.read())
    }

    /// The sums of every scale from the downloaded bins (a skipped scale's stay zero).
    fn read(&self) -> VifSums {
        let mut sums = [ScaleSums::default(); SCALES];
        for (scale_sums, block) in sums
            .iter_mut()
            .zip(self.downloaded.chunks_exact(SUMS * BINS * 8))
        {
            // The CPU adds its i64 sums with wrapping arithmetic; so do the bins.
            let total = |k: usize| {
                block[k * BINS * 8..(k + 1) * BINS * 8]
                    .chunks_exact(8)
                    .map(|w| i64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]))
                    .fold(0i64, i64::wrapping_add)
            };
            *scale_sums = ScaleSums {
                num_log: total(0),
                den_log: total(1),
                num_non_log: total(2),
                den_non_log: total(3),
            };
        }
        sums
    }
}

/// Queues one scale's statistics: the vertical pass, then the sums.
fn statistics(
    queue: &mut dyn ComputeQueue,
    buffers: &Buffers,
    input: &ScaleInput<'_>,
    plan: &VifPlan,
) -> Result<()> {
    let m = &buffers.moments;
    let (mean_shift, square_shift) = plan.vertical_shifts(input.scale);
    let (w, h) = (input.width as u32, input.height as u32);
    let scale = input.scale as u32;
    queue.launch(
        "vif_vertical",
        LaunchShape::covering(input.width, input.height, BLOCK),
        &[
            KernelArg::Buffer(input.planes[0]),
            KernelArg::Buffer(input.planes[1]),
            KernelArg::Buffer(&m.mu1),
            KernelArg::Buffer(&m.mu2),
            KernelArg::Buffer(&m.ref_sq),
            KernelArg::Buffer(&m.dis_sq),
            KernelArg::Buffer(&m.ref_dis),
            KernelArg::U32(w),
            KernelArg::U32(h),
            KernelArg::U32(input.sample_kind),
            KernelArg::U32(scale),
            KernelArg::U32(mean_shift),
            KernelArg::U32(square_shift),
        ],
    )?;
    let strip = STRIP_ROWS[input.scale];
    queue.launch(
        "vif_statistics",
        LaunchShape::covering(input.width, input.height.div_ceil(strip as usize), BLOCK),
        &[
            KernelArg::Buffer(&m.mu1),
            KernelArg::Buffer(&m.mu2),
            KernelArg::Buffer(&m.ref_sq),
            KernelArg::Buffer(&m.dis_sq),
            KernelArg::Buffer(&m.ref_dis),
            KernelArg::Buffer(&buffers.log2),
            KernelArg::Buffer(&buffers.partials),
            KernelArg::U32(w),
            KernelArg::U32(h),
            KernelArg::U32(scale),
            KernelArg::U32(strip),
            KernelArg::F64(plan.options().enhn_gain_limit),
            KernelArg::F64(VifPlan::VARIANCE_GUARD),
        ],
    )
}

/// Queues the next scale's pictures from this one.
fn decimate(
    queue: &mut dyn ComputeQueue,
    buffers: &Buffers,
    input: &ScaleInput<'_>,
    plan: &VifPlan,
) -> Result<()> {
    let (mean_shift, _) = plan.vertical_shifts(input.scale);
    let [next_ref, next_dis] = &buffers.levels[input.scale];
    queue.launch(
        "vif_decimate",
        LaunchShape::covering(input.width / 2, input.height / 2, BLOCK),
        &[
            KernelArg::Buffer(input.planes[0]),
            KernelArg::Buffer(input.planes[1]),
            KernelArg::Buffer(next_ref),
            KernelArg::Buffer(next_dis),
            KernelArg::U32(input.width as u32),
            KernelArg::U32(input.height as u32),
            KernelArg::U32(input.sample_kind),
            KernelArg::U32(input.scale as u32 + 1),
            KernelArg::U32(mean_shift),
        ],
    )
}

impl std::fmt::Debug for ComputeVif {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComputeVif")
            .field("plan", &self.plan)
            .finish_non_exhaustive()
    }
}

impl crate::feature::vif::VifDevice for ComputeVif {
    fn sums(&mut self, reference: PlaneRef<'_>, distorted: PlaneRef<'_>) -> Result<VifSums> {
        ComputeVif::sums(self, reference, distorted)
    }
}
