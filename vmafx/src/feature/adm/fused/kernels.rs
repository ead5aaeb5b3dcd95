//! The row kernels of the fused level pipeline, as one trait per instruction set.
//!
//! Every method has a scalar default built from the reference's per-sample arithmetic; an
//! instruction-set implementation overrides what it accelerates and must give identical
//! integers. Slices are already cut to the columns the step covers, except where a
//! method says otherwise.

use std::ops::Range;

use super::scalar_rows::{self, BandRows, DecoupledRows, SplitRows};
use crate::feature::adm::decouple::DecoupleParams;
use crate::feature::adm::denominator::{coarse_cube_sum, fine_cube_sum, CoarseCubes};
use crate::feature::adm::dwt::Rounding;
use crate::feature::adm::masking::{
    column_sums, masked_row, weigh_row, CoarseArithmetic, FineArithmetic,
};

/// Row kernels of one instruction set. Implementors are zero-sized proofs that the
/// processor supports their instructions.
pub(crate) trait Kernels: Copy {
    /// Finest level, vertical pass of 8-bit rows into the `lo`/`hi` rows (without the
    /// padding, which the caller fills).
    fn fine_vertical_u8(self, rows: [&[u8]; 4], bits: u32, lo: &mut [i16], hi: &mut [i16]) {
        scalar_rows::fine_vertical(rows, bits, lo, hi, 0);
    }

    /// Finest level, vertical pass of 9- to 16-bit rows.
    fn fine_vertical_u16(self, rows: [&[u16]; 4], bits: u32, lo: &mut [i16], hi: &mut [i16]) {
        scalar_rows::fine_vertical(rows, bits, lo, hi, 0);
    }

    /// Finest level, horizontal pass of the padded vertical outputs into one band row.
    fn fine_horizontal(self, lo: &[i16], hi: &[i16], out: BandRows<'_, i16>) {
        scalar_rows::fine_horizontal(lo, hi, out, 0);
    }

    /// First coarse level, vertical pass of the finest level's 16-bit approximation (no
    /// rounding at this scale) into split rows (see [`scalar_rows::split`]).
    fn coarse_vertical_i16(self, rows: [&[i16]; 4], out: SplitRows<'_>) {
        let exact = Rounding { add: 0, shift: 0 };
        scalar_rows::coarse_vertical(rows, exact, out, 0);
    }

    /// Coarser levels, vertical pass of 32-bit approximations into split rows.
    fn coarse_vertical_i32(self, rows: [&[i32]; 4], round: Rounding, out: SplitRows<'_>) {
        scalar_rows::coarse_vertical(rows, round, out, 0);
    }

    /// Coarse levels, horizontal pass of the split, padded vertical outputs.
    fn coarse_horizontal(self, tmp: [&[i16]; 4], round: Rounding, out: BandRows<'_, i32>) {
        scalar_rows::coarse_horizontal(tmp, round, out, 0);
    }

    /// Finest level, decoupling of one row.
    fn decouple_fine(
        self,
        reference: [&[i16]; 3],
        distorted: [&[i16]; 3],
        params: &DecoupleParams,
        out: DecoupledRows<'_, i16>,
    ) {
        scalar_rows::decouple_fine(reference, distorted, params, out, 0);
    }

    /// Coarse levels, decoupling of one row.
    fn decouple_coarse(
        self,
        reference: [&[i32]; 3],
        distorted: [&[i32]; 3],
        params: &DecoupleParams,
        out: DecoupledRows<'_, i32>,
    ) {
        scalar_rows::decouple_coarse(reference, distorted, params, out, 0);
    }

    /// Finest level, CSF weighting of one masker row into share sums and centre
    /// corrections.
    fn weigh_fine(
        self,
        arith: &FineArithmetic,
        masker: [&[i16]; 3],
        sums: &mut [i32],
        centre: &mut [i32],
    ) {
        weigh_row(arith, masker, sums, centre, 0);
    }

    /// Coarse levels, CSF weighting of one masker row.
    fn weigh_coarse(
        self,
        arith: &CoarseArithmetic,
        masker: [&[i32]; 3],
        sums: &mut [i32],
        centre: &mut [i32],
    ) {
        weigh_row(arith, masker, sums, centre, 0);
    }

    /// Per column, the sum of three rows of share sums.
    fn column_sums(self, rows: [&[i32]; 3], out: &mut [i32]) {
        column_sums(rows, out, 0);
    }

    /// Finest level, masked energy of the target row over `cols`; `column_sums`,
    /// `centre` and `target` are whole band rows.
    fn masked_fine(
        self,
        arith: &FineArithmetic,
        column_sums: &[i32],
        centre: &[i32],
        target: [&[i16]; 3],
        cols: Range<usize>,
    ) -> [i64; 3] {
        masked_row(arith, column_sums, centre, target, cols)
    }

    /// Coarse levels, masked energy of the target row over `cols` (whole rows as in
    /// [`Kernels::masked_fine`]).
    fn masked_coarse(
        self,
        arith: &CoarseArithmetic,
        column_sums: &[i32],
        centre: &[i32],
        target: [&[i32]; 3],
        cols: Range<usize>,
    ) -> [i64; 3] {
        masked_row(arith, column_sums, centre, target, cols)
    }

    /// Finest level, sums of cubed reference magnitudes of one row, by orientation.
    fn cubes_fine(self, rows: [&[i16]; 3]) -> [u64; 3] {
        rows.map(fine_cube_sum)
    }

    /// Coarse levels, sums of rounded cubes of one row, by orientation.
    fn cubes_coarse(self, rows: [&[i32]; 3], cubes: &CoarseCubes) -> [u64; 3] {
        rows.map(|r| coarse_cube_sum(r, cubes))
    }
}

/// The scalar kernels: the fused pipeline without vector instructions.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Portable;

impl Kernels for Portable {}
