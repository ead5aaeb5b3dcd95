//! x86_64 row kernels: AVX2 and AVX-512 versions of the fused pipeline's steps.
//!
//! The tokens [`Avx2`] and [`Avx512`] can only be built on processors with those
//! instructions, which is what makes calling their `#[target_feature]` kernels sound.

mod avx2;
mod avx512;

use std::ops::Range;

use super::decouple::DecoupleParams;
use super::denominator::CoarseCubes;
use super::dwt::Rounding;
use super::kernels::Kernels;
use super::masking::{CoarseArithmetic, FineArithmetic};
use super::rows::{BandRows, DecoupledRows, SplitRows};

/// Starts of the `block`-wide blocks that cover `0..n` when `n >= block`: the whole
/// blocks, then one ending at `n` that overlaps the previous. Element-wise kernels may
/// compute samples twice: they write the same values.
fn block_starts(n: usize, block: usize) -> impl Iterator<Item = usize> {
    let whole = n / block;
    let last = (n >= block && whole * block != n).then(|| n - block);
    (0..whole).map(move |b| b * block).chain(last)
}

/// The samples [`block_starts`] covers: all of them, or none when `n < block`.
fn covered(n: usize, block: usize) -> usize {
    if n >= block {
        n
    } else {
        0
    }
}

/// The vectorisable columns of `cols` for a masking kernel: those with both neighbours
/// in a `width` row, as (first, end of whole blocks of `block`).
fn inner_blocks(cols: &Range<usize>, width: usize, block: usize) -> (usize, usize) {
    let start = cols.start.max(1).min(cols.end);
    let end = cols.end.min(width.saturating_sub(1)).max(start);
    (start, start + (end - start) / block * block)
}

/// Proof that the processor runs AVX2.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Avx2(());

impl Avx2 {
    /// The token, when the processor supports AVX2.
    pub fn new() -> Option<Self> {
        std::is_x86_feature_detected!("avx2").then_some(Self(()))
    }
}

/// Proof that the processor runs AVX-512 F/BW/DQ/VL (and AVX2).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Avx512(());

impl Avx512 {
    /// The token, when the processor supports the AVX-512 subsets the kernels use.
    pub fn new() -> Option<Self> {
        let supported = std::is_x86_feature_detected!("avx2")
            && std::is_x86_feature_detected!("avx512f")
            && std::is_x86_feature_detected!("avx512bw")
            && std::is_x86_feature_detected!("avx512dq")
            && std::is_x86_feature_detected!("avx512vl");
        supported.then_some(Self(()))
    }
}

/// Forwards the trait's methods to an instruction set's kernel functions. Every call is
/// sound because `self`, a token, exists only on processors with the kernels'
/// instructions.
macro_rules! forward_kernels {
    ($isa:ident) => {
        fn fine_vertical_u8(self, rows: [&[u8]; 4], bits: u32, lo: &mut [i16], hi: &mut [i16]) {
            // SAFETY: the token proves the processor runs these instructions.
            unsafe { $isa::dwt::fine_vertical_u8(rows, bits, lo, hi) }
        }

        fn fine_vertical_u16(self, rows: [&[u16]; 4], bits: u32, lo: &mut [i16], hi: &mut [i16]) {
            // SAFETY: the token proves the processor runs these instructions.
            unsafe { $isa::dwt::fine_vertical_u16(rows, bits, lo, hi) }
        }

        fn fine_horizontal(self, lo: &[i16], hi: &[i16], out: BandRows<'_, i16>) {
            // SAFETY: the token proves the processor runs these instructions.
            unsafe { $isa::dwt::fine_horizontal(lo, hi, out) }
        }

        fn coarse_vertical_i16(self, rows: [&[i16]; 4], out: SplitRows<'_>) {
            // SAFETY: the token proves the processor runs these instructions.
            unsafe { $isa::dwt::coarse_vertical_i16(rows, out) }
        }

        fn coarse_vertical_i32(self, rows: [&[i32]; 4], round: Rounding, out: SplitRows<'_>) {
            // SAFETY: the token proves the processor runs these instructions.
            unsafe { $isa::dwt::coarse_vertical_i32(rows, round, out) }
        }

        fn coarse_horizontal(self, tmp: [&[i16]; 4], round: Rounding, out: BandRows<'_, i32>) {
            // SAFETY: the token proves the processor runs these instructions.
            unsafe { $isa::dwt::coarse_horizontal(tmp, round, out) }
        }

        fn decouple_fine(
            self,
            reference: [&[i16]; 3],
            distorted: [&[i16]; 3],
            params: &DecoupleParams,
            out: DecoupledRows<'_, i16>,
        ) {
            // SAFETY: the token proves the processor runs these instructions.
            unsafe { $isa::decouple::decouple_fine(reference, distorted, params, out) }
        }

        fn decouple_coarse(
            self,
            reference: [&[i32]; 3],
            distorted: [&[i32]; 3],
            params: &DecoupleParams,
            out: DecoupledRows<'_, i32>,
        ) {
            // SAFETY: the token proves the processor runs these instructions.
            unsafe { $isa::decouple::decouple_coarse(reference, distorted, params, out) }
        }

        fn weigh_fine(
            self,
            arith: &FineArithmetic,
            masker: [&[i16]; 3],
            sums: &mut [i32],
            centre: &mut [i32],
        ) {
            // SAFETY: the token proves the processor runs these instructions.
            unsafe { $isa::masking::weigh_fine(arith, masker, sums, centre) }
        }

        fn weigh_coarse(
            self,
            arith: &CoarseArithmetic,
            masker: [&[i32]; 3],
            sums: &mut [i32],
            centre: &mut [i32],
        ) {
            // SAFETY: the token proves the processor runs these instructions.
            unsafe { $isa::masking::weigh_coarse(arith, masker, sums, centre) }
        }

        fn column_sums(self, rows: [&[i32]; 3], out: &mut [i32]) {
            // SAFETY: the token proves the processor runs these instructions.
            unsafe { $isa::masking::column_sums3(rows, out) }
        }

        fn masked_fine(
            self,
            arith: &FineArithmetic,
            column_sums: &[i32],
            centre: &[i32],
            target: [&[i16]; 3],
            cols: Range<usize>,
        ) -> [i64; 3] {
            // SAFETY: the token proves the processor runs these instructions.
            unsafe { $isa::masking::masked_fine(arith, column_sums, centre, target, cols) }
        }

        fn masked_coarse(
            self,
            arith: &CoarseArithmetic,
            column_sums: &[i32],
            centre: &[i32],
            target: [&[i32]; 3],
            cols: Range<usize>,
        ) -> [i64; 3] {
            // SAFETY: the token proves the processor runs these instructions.
            unsafe { $isa::masking::masked_coarse(arith, column_sums, centre, target, cols) }
        }

        fn cubes_fine(self, rows: [&[i16]; 3]) -> [u64; 3] {
            // SAFETY: the token proves the processor runs these instructions.
            unsafe { $isa::masking::cubes_fine(rows) }
        }

        fn cubes_coarse(self, rows: [&[i32]; 3], cubes: &CoarseCubes) -> [u64; 3] {
            // SAFETY: the token proves the processor runs these instructions.
            unsafe { $isa::masking::cubes_coarse(rows, cubes) }
        }
    };
}

impl Kernels for Avx2 {
    forward_kernels!(avx2);
}

impl Kernels for Avx512 {
    forward_kernels!(avx512);
}

#[cfg(test)]
mod tests;
