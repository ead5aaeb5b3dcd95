//! x86_64 row kernels of the motion blur, written once over the vector vocabulary
//! ([`rows`]) and compiled for AVX2 and AVX-512 by the entry points below.
//!
//! They compute exactly what [`super::scalar`] does. Sums that need more than 32 bits in
//! the reference (every horizontal sum, and vertical sums of 9- to 16-bit samples) are
//! split so that 32-bit lanes stay exact: with `v = 2^16 * hi + lo` (`lo` in
//! `0..2^16`), `filter(v) = 2^16 * filter(hi) + filter(lo)`, where `filter(lo)` stays
//! below 2^32 as an unsigned lane and `filter(hi)` is small; the rounded shift by
//! `s <= 16` bits is then `filter(hi) << (16 - s)` plus the logical shift of
//! `filter(lo) + round`.

mod rows;

use super::blur::{RowKernels, Taps};
use crate::cpu::CpuLevel;
use crate::simd::x86::{Avx2, Avx512};

/// The AVX2 kernels.
pub(super) const AVX2: RowKernels = RowKernels {
    level: CpuLevel::Avx2,
    vertical_8bit: avx2::vertical_8bit,
    vertical_wide: avx2::vertical_wide,
    horizontal_sad: avx2::horizontal_sad,
};

/// The AVX-512 kernels.
pub(super) const AVX512: RowKernels = RowKernels {
    level: CpuLevel::Avx512,
    vertical_8bit: avx512::vertical_8bit,
    vertical_wide: avx512::vertical_wide,
    horizontal_sad: avx512::horizontal_sad,
};

/// Entry points of the AVX2 kernels.
mod avx2 {
    use super::*;

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn vertical_8bit(rows: &Taps<'_, u8>, shift: u32, out: &mut [i32]) -> bool {
        unsafe { rows::vertical_8bit::<Avx2>(rows, shift, out) }
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn vertical_wide(rows: &Taps<'_, u16>, shift: u32, out: &mut [i32]) -> bool {
        unsafe { rows::vertical_wide::<Avx2>(rows, shift, out) }
    }

    /// # Safety
    /// The processor must support AVX2.
    #[target_feature(enable = "avx2")]
    pub(super) unsafe fn horizontal_sad(row: &[i32]) -> u32 {
        unsafe { rows::horizontal_sad::<Avx2>(row) }
    }
}

/// Entry points of the AVX-512 kernels.
mod avx512 {
    use super::*;

    /// # Safety
    /// The processor must support AVX-512 F and BW.
    #[target_feature(enable = "avx512f,avx512bw")]
    pub(super) unsafe fn vertical_8bit(rows: &Taps<'_, u8>, shift: u32, out: &mut [i32]) -> bool {
        unsafe { rows::vertical_8bit::<Avx512>(rows, shift, out) }
    }

    /// # Safety
    /// The processor must support AVX-512 F and BW.
    #[target_feature(enable = "avx512f,avx512bw")]
    pub(super) unsafe fn vertical_wide(rows: &Taps<'_, u16>, shift: u32, out: &mut [i32]) -> bool {
        unsafe { rows::vertical_wide::<Avx512>(rows, shift, out) }
    }

    /// # Safety
    /// The processor must support AVX-512 F and BW.
    #[target_feature(enable = "avx512f,avx512bw")]
    pub(super) unsafe fn horizontal_sad(row: &[i32]) -> u32 {
        unsafe { rows::horizontal_sad::<Avx512>(row) }
    }
}

/// The blur taps that differ (the filter is symmetric: outer, inner, centre), as the
/// 32-bit lane values the kernels multiply by.
const TAPS: [i32; 3] = [
    super::blur::FILTER[0] as i32,
    super::blur::FILTER[1] as i32,
    super::blur::FILTER[2] as i32,
];
