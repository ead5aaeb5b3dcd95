//! The fused level pipeline: each band row is decoupled, weighted, masked and summed
//! right after the wavelet produces it, while it is still in cache, instead of one pass
//! per step over whole bands as the reference does.
//!
//! Only the approximation (the next level's input) is kept whole. Decoupled rows and
//! share sums live in rings of three rows, enough for the 3x3 masking neighbourhood;
//! a row is masked once the row after it is weighted. Every integer is the reference's:
//! the steps cover the same rectangles and all sums are wrapping, so their order does not
//! matter.

use std::ops::Range;

use crate::feature::adm::finish::LevelTotals;
use super::kernels::Kernels;
use super::scalar_rows::DecoupledRows;
use crate::feature::adm::decouple::DecoupleParams;
use crate::feature::adm::denominator::{CoarseCubes, RowRounding};
use crate::feature::adm::masking::{
    accumulate_row, after, before, CoarseArithmetic, FineArithmetic, MaskingArithmetic,
};
use crate::feature::adm::region::Region;

/// Rows a ring holds: the masking neighbourhood.
const RING: usize = 3;

/// Row buffers of one level's pipeline, for bands of type `T`. They are sized once for
/// the widest level that uses them; each level works on their first `band_width` samples.
pub(crate) struct RowScratch<T> {
    /// Input width of the current level.
    input_width: usize,
    /// Band width of the current level.
    band_width: usize,
    /// Vertical outputs of the current row, padded by one mirrored sample before and two
    /// after: low- and high-pass at the finest level, their split halves at the coarse
    /// ones (see `rows::split`).
    tmp: [Vec<i16>; 4],
    /// The reference's detail row by orientation.
    reference: [Vec<T>; 3],
    /// The distorted detail row by orientation.
    distorted: [Vec<T>; 3],
    restored: [[Vec<T>; 3]; RING],
    additive: [[Vec<T>; 3]; RING],
    /// Share sums by masker (detail loss, AIM) and ring slot.
    sums: [[Vec<i32>; RING]; 2],
    /// Centre corrections by masker and ring slot.
    centre: [[Vec<i32>; RING]; 2],
    column_sums: Vec<i32>,
}

impl<T: Copy + Default> RowScratch<T> {
    /// Rows for levels whose input rows are at most `max_input_width` wide.
    pub fn new(max_input_width: usize) -> Self {
        let band = max_input_width.div_ceil(2);
        let rows = |len: usize| vec![T::default(); len];
        Self {
            input_width: max_input_width,
            band_width: band,
            tmp: std::array::from_fn(|_| vec![0; max_input_width + 3]),
            reference: std::array::from_fn(|_| rows(band)),
            distorted: std::array::from_fn(|_| rows(band)),
            restored: std::array::from_fn(|_| std::array::from_fn(|_| rows(band))),
            additive: std::array::from_fn(|_| std::array::from_fn(|_| rows(band))),
            sums: std::array::from_fn(|_| std::array::from_fn(|_| vec![0; band])),
            centre: std::array::from_fn(|_| std::array::from_fn(|_| vec![0; band])),
            column_sums: vec![0; band],
        }
    }

    /// Selects the widths of a level whose input rows are `input_width` wide.
    pub fn set_input_width(&mut self, input_width: usize) {
        assert!(
            input_width + 3 <= self.tmp[0].len(),
            "row scratch sized for narrower levels"
        );
        self.input_width = input_width;
        self.band_width = input_width.div_ceil(2);
    }

    /// The padded vertical outputs and both pictures' detail rows of the current level.
    #[allow(clippy::type_complexity)]
    pub fn analysis_rows(&mut self) -> ([&mut [i16]; 4], [[&mut [T]; 3]; 2]) {
        let (iw, bw) = (self.input_width, self.band_width);
        let Self {
            tmp,
            reference,
            distorted,
            ..
        } = self;
        (
            tmp.each_mut().map(|t| &mut t[..iw + 3]),
            [
                reference.each_mut().map(|r| &mut r[..bw]),
                distorted.each_mut().map(|r| &mut r[..bw]),
            ],
        )
    }
}

/// Fills the padding of a vertical output row whose `n` samples sit at `1..=n`, mirroring
/// as the wavelet's taps do (`-1 -> 1`, `n -> n-1`, `n+1 -> n-2`).
pub(crate) fn pad_row<T: Copy>(row: &mut [T], n: usize) {
    row[0] = row[2];
    row[n + 1] = row[n];
    row[n + 2] = row[n - 1];
}

/// A band sample type with the kernels of its level.
pub(crate) trait BandType: Copy + Default + 'static {
    /// Fixed-point arithmetic of the weighting and masking steps.
    type Arith: MaskingArithmetic<Coef = Self>;
    /// Constants of the denominator's cubes.
    type Cubes: Copy;

    /// Decouples one row.
    fn decouple<K: Kernels>(
        k: K,
        reference: [&[Self]; 3],
        distorted: [&[Self]; 3],
        params: &DecoupleParams,
        out: DecoupledRows<'_, Self>,
    );

    /// Weighs one masker row.
    fn weigh<K: Kernels>(
        k: K,
        arith: &Self::Arith,
        masker: [&[Self]; 3],
        sums: &mut [i32],
        centre: &mut [i32],
    );

    /// Masked energy of one target row over `cols`.
    fn masked<K: Kernels>(
        k: K,
        arith: &Self::Arith,
        column_sums: &[i32],
        centre: &[i32],
        target: [&[Self]; 3],
        cols: Range<usize>,
    ) -> [i64; 3];

    /// Cube sums of one reference row.
    fn cubes<K: Kernels>(k: K, rows: [&[Self]; 3], cubes: &Self::Cubes) -> [u64; 3];
}

impl BandType for i16 {
    type Arith = FineArithmetic;
    type Cubes = ();

    fn decouple<K: Kernels>(
        k: K,
        reference: [&[i16]; 3],
        distorted: [&[i16]; 3],
        params: &DecoupleParams,
        out: DecoupledRows<'_, i16>,
    ) {
        k.decouple_fine(reference, distorted, params, out);
    }

    fn weigh<K: Kernels>(
        k: K,
        arith: &FineArithmetic,
        masker: [&[i16]; 3],
        sums: &mut [i32],
        centre: &mut [i32],
    ) {
        k.weigh_fine(arith, masker, sums, centre);
    }

    fn masked<K: Kernels>(
        k: K,
        arith: &FineArithmetic,
        column_sums: &[i32],
        centre: &[i32],
        target: [&[i16]; 3],
        cols: Range<usize>,
    ) -> [i64; 3] {
        k.masked_fine(arith, column_sums, centre, target, cols)
    }

    fn cubes<K: Kernels>(k: K, rows: [&[i16]; 3], _: &()) -> [u64; 3] {
        k.cubes_fine(rows)
    }
}

impl BandType for i32 {
    type Arith = CoarseArithmetic;
    type Cubes = CoarseCubes;

    fn decouple<K: Kernels>(
        k: K,
        reference: [&[i32]; 3],
        distorted: [&[i32]; 3],
        params: &DecoupleParams,
        out: DecoupledRows<'_, i32>,
    ) {
        k.decouple_coarse(reference, distorted, params, out);
    }

    fn weigh<K: Kernels>(
        k: K,
        arith: &CoarseArithmetic,
        masker: [&[i32]; 3],
        sums: &mut [i32],
        centre: &mut [i32],
    ) {
        k.weigh_coarse(arith, masker, sums, centre);
    }

    fn masked<K: Kernels>(
        k: K,
        arith: &CoarseArithmetic,
        column_sums: &[i32],
        centre: &[i32],
        target: [&[i32]; 3],
        cols: Range<usize>,
    ) -> [i64; 3] {
        k.masked_coarse(arith, column_sums, centre, target, cols)
    }

    fn cubes<K: Kernels>(k: K, rows: [&[i32]; 3], cubes: &CoarseCubes) -> [u64; 3] {
        k.cubes_coarse(rows, cubes)
    }
}

/// Everything a level's scoring needs besides its rows.
pub(crate) struct LevelPlan<'a, T: BandType> {
    /// Band height.
    pub height: usize,
    /// Rectangle decoupled and weighted.
    pub reach: Region,
    /// Rectangle scored.
    pub scored: Region,
    /// Weighting and masking arithmetic.
    pub arith: &'a T::Arith,
    /// Decoupling constants.
    pub params: DecoupleParams,
    /// Denominator cube constants.
    pub cubes: T::Cubes,
    /// Rounding of the denominator's row sums.
    pub den_rounding: RowRounding,
    /// Whether AIM is skipped.
    pub skip_aim: bool,
}

/// Runs one level: `analyse_row(i, scratch)` must leave band row `i` of both pictures'
/// detail in the rows [`RowScratch::analysis_rows`] gives (and store its approximation).
pub(crate) fn run_level<T: BandType, K: Kernels>(
    k: K,
    plan: &LevelPlan<'_, T>,
    scratch: &mut RowScratch<T>,
    mut analyse_row: impl FnMut(usize, &mut RowScratch<T>),
) -> LevelTotals {
    let mut totals = LevelTotals::default();
    let (reach, scored) = (plan.reach, plan.scored);
    for i in 0..plan.height {
        analyse_row(i, scratch);
        if !reach.rows().contains(&i) {
            continue;
        }
        decouple_and_weigh(k, plan, scratch, i % RING);
        if scored.rows().contains(&i) {
            let rows = scratch.reference.each_ref().map(|r| &r[scored.cols()]);
            plan.den_rounding
                .accumulate(&mut totals.den, T::cubes(k, rows, &plan.cubes));
        }
        // A row is masked once the row after it (or itself, at the bottom) is weighted.
        if i >= 1 && scored.rows().contains(&(i - 1)) {
            mask_row(k, plan, scratch, i - 1, &mut totals);
        }
        if i + 1 == plan.height && scored.rows().contains(&i) {
            mask_row(k, plan, scratch, i, &mut totals);
        }
    }
    totals
}

/// The `cols` of three rows.
fn cut<T>(rows: &[Vec<T>; 3], cols: Range<usize>) -> [&[T]; 3] {
    rows.each_ref().map(|r| &r[cols.clone()])
}

/// Decouples the current detail rows into ring `slot` and weighs both maskers.
fn decouple_and_weigh<T: BandType, K: Kernels>(
    k: K,
    plan: &LevelPlan<'_, T>,
    scratch: &mut RowScratch<T>,
    slot: usize,
) {
    let cols = plan.reach.cols();
    let RowScratch {
        reference,
        distorted,
        restored,
        additive,
        sums,
        centre,
        ..
    } = scratch;
    let out = DecoupledRows {
        restored: restored[slot].each_mut().map(|r| &mut r[cols.clone()]),
        additive: additive[slot].each_mut().map(|r| &mut r[cols.clone()]),
    };
    T::decouple(
        k,
        cut(reference, cols.clone()),
        cut(distorted, cols.clone()),
        &plan.params,
        out,
    );
    let [loss_sums, aim_sums] = sums;
    let [loss_centre, aim_centre] = centre;
    T::weigh(
        k,
        plan.arith,
        cut(&additive[slot], cols.clone()),
        &mut loss_sums[slot][cols.clone()],
        &mut loss_centre[slot][cols.clone()],
    );
    if !plan.skip_aim {
        T::weigh(
            k,
            plan.arith,
            cut(&restored[slot], cols.clone()),
            &mut aim_sums[slot][cols.clone()],
            &mut aim_centre[slot][cols.clone()],
        );
    }
}

/// Masks centre row `c` for both measures and adds the rounded row sums to `totals`.
fn mask_row<T: BandType, K: Kernels>(
    k: K,
    plan: &LevelPlan<'_, T>,
    scratch: &mut RowScratch<T>,
    c: usize,
    totals: &mut LevelTotals,
) {
    let slots = [before(c), c, after(c, plan.height)].map(|r| r % RING);
    let centre_slot = c % RING;
    let scored = plan.scored;
    let width = scratch.band_width;
    // The columns the 3x3 neighbourhoods of the scored ones reach.
    let needed = scored.left.saturating_sub(1)..(scored.right + 1).min(width);
    let measures = if plan.skip_aim { 1 } else { 2 };
    for measure in 0..measures {
        let sums = slots.map(|s| &scratch.sums[measure][s][needed.clone()]);
        k.column_sums(sums, &mut scratch.column_sums[needed.clone()]);
        let target = if measure == 0 {
            &scratch.restored[centre_slot]
        } else {
            &scratch.additive[centre_slot]
        };
        let row = T::masked(
            k,
            plan.arith,
            &scratch.column_sums[..width],
            &scratch.centre[measure][centre_slot][..width],
            target.each_ref().map(|r| &r[..width]),
            scored.cols(),
        );
        let total = if measure == 0 {
            &mut totals.loss
        } else {
            &mut totals.aim
        };
        accumulate_row(plan.arith, total, row);
    }
}
