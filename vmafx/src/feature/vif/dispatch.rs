//! The kernels an extractor runs, chosen once: the scalar reference or, on x86_64, the
//! vector pipeline. Both compute the same sums bit for bit.

use super::scalar::{self, DecimateScratch, ScaleSums, StatParams, StatScratch, VifSample};
use crate::cpu::CpuLevel;
use crate::frame::Plane;

/// Sample types every engine accepts.
#[cfg(target_arch = "x86_64")]
pub trait KernelSample: VifSample + super::x86::SimdSample {}
/// Sample types every engine accepts.
#[cfg(not(target_arch = "x86_64"))]
pub trait KernelSample: VifSample {}

impl KernelSample for u8 {}
impl KernelSample for u16 {}

/// One scale's work.
pub struct Step<'a, T> {
    /// Reference plane of this scale.
    pub reference: Plane<'a, T>,
    /// Distorted plane of this scale.
    pub distorted: Plane<'a, T>,
    /// Scale, roundings and constants.
    pub params: StatParams<'a>,
    /// Whether the statistics are wanted (scale 0 may be skipped).
    pub statistics: bool,
    /// Packed planes of the next scale to fill, if there is one.
    pub next: Option<(&'a mut [u16], &'a mut [u16])>,
}

/// Kernels and their buffers.
pub enum Engine {
    /// The reference kernels.
    Scalar {
        /// Row buffers of the statistics.
        stat: Box<StatScratch>,
        /// Row buffers of the decimation.
        decimate: Box<DecimateScratch>,
    },
    /// The vector pipeline.
    #[cfg(target_arch = "x86_64")]
    X86 {
        /// Which instruction set.
        kernel: super::x86::Kernel,
        /// Its buffers.
        workspace: Box<super::x86::Workspace>,
    },
}

impl Engine {
    /// The best kernels allowed by `level` (which must be supported), for planes up to
    /// `width` samples wide.
    pub fn new(width: usize, level: CpuLevel) -> Self {
        #[cfg(target_arch = "x86_64")]
        if let Some(kernel) = super::x86::Kernel::for_level(level) {
            return Engine::X86 {
                kernel,
                workspace: Box::new(super::x86::Workspace::new(width)),
            };
        }
        let _ = level;
        Engine::Scalar {
            stat: Box::new(StatScratch::new(width)),
            decimate: Box::new(DecimateScratch::new(width)),
        }
    }

    /// The instruction-set level of the kernels in use.
    pub fn level(&self) -> CpuLevel {
        match self {
            Engine::Scalar { .. } => CpuLevel::Scalar,
            #[cfg(target_arch = "x86_64")]
            Engine::X86 { kernel, .. } => match kernel {
                super::x86::Kernel::Avx2 { .. } => CpuLevel::Avx2,
                super::x86::Kernel::Avx512 { .. } => CpuLevel::Avx512,
            },
        }
    }

    /// Runs one scale: its sums (zero when the statistics are skipped) and the next
    /// scale's planes.
    pub fn scale<T: KernelSample>(&mut self, step: Step<'_, T>) -> ScaleSums {
        match self {
            Engine::Scalar { stat, decimate } => {
                let Step {
                    reference,
                    distorted,
                    params,
                    statistics,
                    next,
                } = step;
                let sums = if statistics {
                    scalar::scale_statistics(reference, distorted, &params, stat)
                } else {
                    ScaleSums::default()
                };
                if let Some((out_ref, out_dis)) = next {
                    let rounding = params.rounding;
                    let next_scale = params.scale + 1;
                    scalar::filter_and_decimate(
                        reference, distorted, next_scale, rounding, out_ref, out_dis, decimate,
                    );
                }
                sums
            }
            #[cfg(target_arch = "x86_64")]
            Engine::X86 { kernel, workspace } => {
                let job = super::x86::ScaleJob {
                    reference: step.reference,
                    distorted: step.distorted,
                    scale: step.params.scale,
                    rounding: step.params.rounding,
                    statistics: step.statistics,
                    gain_limit: step.params.gain_limit,
                    log2: step.params.log2,
                    next: step.next,
                };
                kernel.scale_pass(job, workspace)
            }
        }
    }
}
