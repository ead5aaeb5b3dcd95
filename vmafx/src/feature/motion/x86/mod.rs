//! x86_64 row kernels of the motion blur, one file per instruction set.
//!
//! Both compute exactly what [`super::scalar`] does. Sums that need more than 32 bits in
//! the reference (every horizontal sum, and vertical sums of 9- to 16-bit samples) are
//! split so that 32-bit lanes stay exact: with `v = 2^16 * hi + lo` (`lo` in
//! `0..2^16`), `filter(v) = 2^16 * filter(hi) + filter(lo)`, where `filter(lo)` stays
//! below 2^32 as an unsigned lane and `filter(hi)` is small; the rounded shift by
//! `s <= 16` bits is then `filter(hi) << (16 - s)` plus the logical shift of
//! `filter(lo) + round`.

mod avx2;
mod avx512;

use super::blur::RowKernels;
use crate::cpu::CpuLevel;

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

/// The blur taps that differ (the filter is symmetric: outer, inner, centre), as the
/// 32-bit lane values the kernels multiply by.
const TAPS: [i32; 3] = [
    super::blur::FILTER[0] as i32,
    super::blur::FILTER[1] as i32,
    super::blur::FILTER[2] as i32,
];
