//! x86_64 kernels of integer VIF.
//!
//! One pipeline ([`pipeline`]) is written once over the shared vector vocabulary
//! ([`crate::simd::x86::Simd`]) and instantiated for AVX2 ([`avx2`]) and AVX-512
//! ([`avx512`]); each of those files supplies the per-pixel statistics ([`VifSimd`]) and
//! compiles the pipeline inside its own `#[target_feature]` entry point.
//!
//! Exactness rests on three facts, so every result equals the scalar reference bit for bit:
//! - Filter taps go through `pmaddwd` on samples stored as `value - 32768` (16-bit
//!   signed). Every filter sums to 65536, so the bias costs exactly `-2^31`, which is added
//!   back modulo 2^32; every true sum the reference keeps fits in 32 bits, so wrapping
//!   arithmetic gives it exactly. Wider sums are split into 16-bit halves first.
//! - Integer sums are associative: lanes may add up pixels in any order.
//! - The double-precision steps of each pixel are the reference's own operations, in its
//!   order, without fused multiply-adds.

mod avx2;
mod avx512;
mod layout;
mod pipeline;

pub use layout::Workspace;
pub use pipeline::ScaleJob;

use super::scalar::ScaleSums;
use crate::cpu::CpuLevel;
use crate::frame::Sample;
use crate::simd::x86::Simd;

/// The x86 kernel families, from the widest the processor and the level allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kernel {
    /// 256-bit vectors, with AVX-VNNI dot products where the processor has them.
    Avx2 {
        /// Whether `vpdpwssd` fuses the multiply-add of the filters.
        vnni: bool,
    },
    /// 512-bit vectors (F and BW), with VNNI dot products where the processor has them.
    Avx512 {
        /// Whether `vpdpwssd` fuses the multiply-add of the filters.
        vnni: bool,
    },
}

impl Kernel {
    /// The kernels for `level`, which must be one this processor supports; `None` means
    /// the scalar reference.
    pub fn for_level(level: CpuLevel) -> Option<Kernel> {
        // The entry points rely on these checks (`crate::cpu` detects the features).
        match level {
            CpuLevel::Avx512 if level.is_supported() => Some(Kernel::Avx512 {
                vnni: level.has_dot_product(),
            }),
            CpuLevel::Avx512 | CpuLevel::Avx2 if CpuLevel::Avx2.is_supported() => {
                Some(Kernel::Avx2 {
                    vnni: CpuLevel::Avx2.has_dot_product(),
                })
            }
            _ => None,
        }
    }

    /// Every kernel this processor can run, VNNI or not, for tests.
    #[cfg(test)]
    pub fn all_supported() -> Vec<Kernel> {
        let mut kernels = Vec::new();
        if let Some(Kernel::Avx2 { vnni }) = Kernel::for_level(CpuLevel::Avx2) {
            kernels.push(Kernel::Avx2 { vnni: false });
            if vnni {
                kernels.push(Kernel::Avx2 { vnni: true });
            }
        }
        if let Some(Kernel::Avx512 { vnni }) = Kernel::for_level(CpuLevel::Avx512) {
            kernels.push(Kernel::Avx512 { vnni: false });
            if vnni {
                kernels.push(Kernel::Avx512 { vnni: true });
            }
        }
        kernels
    }

    /// Statistics of one scale (and the next scale's planes, when asked for).
    pub fn scale_pass<T: SimdSample>(self, job: ScaleJob<'_, T>, ws: &mut Workspace) -> ScaleSums {
        // SAFETY: kernels are only made by `for_level` (and `all_supported` in tests),
        // which check that the processor has the features each entry point enables.
        unsafe {
            match self {
                Kernel::Avx2 { vnni: false } => avx2::scale_pass(job, ws),
                Kernel::Avx2 { vnni: true } => avx2::scale_pass_vnni(job, ws),
                Kernel::Avx512 { vnni: false } => avx512::scale_pass(job, ws),
                Kernel::Avx512 { vnni: true } => avx512::scale_pass_vnni(job, ws),
            }
        }
    }
}

/// Constants of the per-pixel statistics.
#[derive(Debug, Clone, Copy)]
pub struct StatConsts {
    /// The largest gain credited to an enhancing distortion.
    pub gain_limit: f64,
    /// The log2 table, readable 32 bits at a time at any index up to 65535.
    pub log2: *const u16,
}

/// The filtered moments of one vector of pixels, as unsigned 32-bit lanes.
#[derive(Clone, Copy)]
pub struct Moments<V> {
    /// Filtered reference mean (Q16 of the vertical means).
    pub mu1: V,
    /// Filtered distorted mean.
    pub mu2: V,
    /// Filtered reference second moment.
    pub xx: V,
    /// Filtered distorted second moment.
    pub yy: V,
    /// Filtered cross moment.
    pub xy: V,
}

/// What the VIF pipeline adds to the shared vocabulary: the per-pixel statistics, which
/// use each instruction set's own floating-point and gather instructions.
///
/// # Safety
/// As for [`Simd`]: callable only where the implementing instruction set is enabled.
pub trait VifSimd: Simd {
    /// Per-row accumulators of the statistics.
    type Acc;

    /// Empty accumulators.
    unsafe fn new_acc() -> Self::Acc;
    /// Adds the information terms of the first `valid` lanes of `m` to `acc`.
    unsafe fn statistics(acc: &mut Self::Acc, m: &Moments<Self::V>, valid: usize, c: &StatConsts);
    /// Moves the accumulators into `sums` and clears them.
    unsafe fn flush(acc: &mut Self::Acc, sums: &mut ScaleSums);
}

/// Sample types the pipeline reads.
pub trait SimdSample: Sample {
    /// Whether squares need 32 bits (and hence a high 16-bit half).
    const WIDE: bool;

    /// Loads `S::BLOCK` samples as 16-bit lanes.
    ///
    /// # Safety
    /// As for [`Simd`]; `p` must be valid for `S::BLOCK` samples.
    unsafe fn load_block<S: Simd>(p: *const Self) -> S::V;
}

impl SimdSample for u8 {
    const WIDE: bool = false;

    #[inline(always)]
    unsafe fn load_block<S: Simd>(p: *const u8) -> S::V {
        // SAFETY: the caller has the vectors' instruction set enabled and valid pointers.
        unsafe { S::load_u8(p) }
    }
}

impl SimdSample for u16 {
    const WIDE: bool = true;

    #[inline(always)]
    unsafe fn load_block<S: Simd>(p: *const u16) -> S::V {
        // SAFETY: the caller has the vectors' instruction set enabled and valid pointers.
        unsafe { S::load(p) }
    }
}
