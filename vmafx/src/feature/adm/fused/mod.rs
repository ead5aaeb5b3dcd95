//! The fused levels: the scalar reference's steps, row by row, with the row kernels of
//! one instruction set.
//!
//! - `pipeline`: the row rings and the order in which rows go through the steps;
//! - `kernels`: the row kernels as one trait, scalar by default (`Portable`);
//! - `scalar_rows`: the scalar row kernels, which the vector kernels also finish
//!   their rows with.

pub(super) mod kernels;
mod pipeline;
pub(super) mod scalar_rows;

use crate::frame::{Plane, PlaneRef};

use super::decouple::DecoupleParams;
use super::denominator::{CoarseCubes, RowRounding};
use super::dwt::{coarse_rounding, fill_taps};
use super::masking::{CoarseArithmetic, FineArithmetic};
use super::region::Region;
use super::{LevelScores, Setup};
use kernels::Kernels;
use pipeline::{pad_row, run_level, LevelPlan, RowScratch};
use scalar_rows::BandRows;

/// A source sample type of the finest level, with its vertical kernel.
trait FineSample: crate::frame::Sample {
    fn vertical<K: Kernels>(k: K, rows: [&[Self]; 4], bits: u32, lo: &mut [i16], hi: &mut [i16]);
}

impl FineSample for u8 {
    fn vertical<K: Kernels>(k: K, rows: [&[u8]; 4], bits: u32, lo: &mut [i16], hi: &mut [i16]) {
        k.fine_vertical_u8(rows, bits, lo, hi);
    }
}

impl FineSample for u16 {
    fn vertical<K: Kernels>(k: K, rows: [&[u16]; 4], bits: u32, lo: &mut [i16], hi: &mut [i16]) {
        k.fine_vertical_u16(rows, bits, lo, hi);
    }
}

/// Asks the processor to start loading `row` into cache: a hint, without effect on
/// results, that overlaps the next source rows' memory latency with the current work.
#[inline]
fn prefetch<T>(row: &[T]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let start = row.as_ptr().cast::<i8>();
        for offset in (0..std::mem::size_of_val(row)).step_by(64) {
            // SAFETY: a prefetch never faults, and the address lies within `row`.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(start.add(offset)) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = row;
}

/// Band row `i` of one picture at the finest level (`next`: the taps of row `i + 1`).
fn fine_row<S: FineSample, K: Kernels>(
    k: K,
    plane: &Plane<'_, S>,
    bits: u32,
    taps: &[usize; 4],
    next: Option<&[usize; 4]>,
    (tmp_lo, tmp_hi): (&mut [i16], &mut [i16]),
    out: BandRows<'_, i16>,
) {
    let w = plane.width();
    let rows = taps.map(|y| plane.row(y));
    if let Some(next) = next {
        // The two source rows the next band row adds.
        prefetch(plane.row(next[2]));
        prefetch(plane.row(next[3]));
    }
    S::vertical(k, rows, bits, &mut tmp_lo[1..=w], &mut tmp_hi[1..=w]);
    pad_row(tmp_lo, w);
    pad_row(tmp_hi, w);
    k.fine_horizontal(tmp_lo, tmp_hi, out);
}

/// Scratch of the fused levels. Memory is allocated once and reused for every frame.
pub(super) struct FusedState {
    taps: Vec<[usize; 4]>,
    fine_rows: RowScratch<i16>,
    coarse_rows: RowScratch<i32>,
    /// The finest level's approximations (reference, distorted).
    fine_approx: [Vec<i16>; 2],
    fine_size: (usize, usize),
    /// The current coarse level's approximations.
    coarse_approx: [Vec<i32>; 2],
    coarse_size: (usize, usize),
    /// The previous coarse level's approximations, this level's input.
    previous: [Vec<i32>; 2],
}

impl FusedState {
    /// Scratch for `width x height` pictures.
    pub fn new(width: usize, height: usize) -> Self {
        let fine_len = width.div_ceil(2) * height.div_ceil(2);
        let coarse_len = width.div_ceil(4) * height.div_ceil(4);
        Self {
            taps: Vec::with_capacity(height.div_ceil(2)),
            fine_rows: RowScratch::new(width),
            coarse_rows: RowScratch::new(width.div_ceil(2)),
            fine_approx: [vec![0; fine_len], vec![0; fine_len]],
            fine_size: (0, 0),
            coarse_approx: [vec![0; coarse_len], vec![0; coarse_len]],
            coarse_size: (0, 0),
            previous: [vec![0; coarse_len], vec![0; coarse_len]],
        }
    }

    /// Level 0: analyses the pictures and scores the 16-bit bands.
    pub fn fine_level<K: Kernels>(
        &mut self,
        k: K,
        setup: &Setup,
        planes: [&PlaneRef<'_>; 2],
    ) -> LevelScores {
        let (w, h) = (setup.width, setup.height);
        let (bw, bh) = (w.div_ceil(2), h.div_ceil(2));
        self.fine_size = (bw, bh);
        fill_taps(h, &mut self.taps);
        self.fine_rows.set_input_width(w);
        let bits = u32::from(setup.bit_depth);
        let (taps, approx) = (&self.taps, &mut self.fine_approx);
        let analyse = |i: usize, rows: &mut RowScratch<i16>| {
            let ([tmp_lo, tmp_hi, ..], details) = rows.analysis_rows();
            for (p, detail) in details.into_iter().enumerate() {
                let out = BandRows {
                    approx: &mut approx[p][i * bw..(i + 1) * bw],
                    detail,
                };
                let tmp = (&mut *tmp_lo, &mut *tmp_hi);
                match planes[p] {
                    PlaneRef::U8(plane) => {
                        fine_row(k, plane, bits, &taps[i], taps.get(i + 1), tmp, out)
                    }
                    PlaneRef::U16(plane) => {
                        fine_row(k, plane, bits, &taps[i], taps.get(i + 1), tmp, out)
                    }
                }
            }
        };
        if setup.options.skip_scale0 {
            let mut analyse = analyse;
            for i in 0..bh {
                analyse(i, &mut self.fine_rows);
            }
            return LevelScores::SKIPPED;
        }
        let scored = Region::scored(bw, bh);
        let arith = FineArithmetic::new(setup.fine_weights, bw, bh);
        let den_rounding = RowRounding::fine(scored);
        let plan = LevelPlan {
            height: bh,
            reach: Region::with_filter_reach(bw, bh),
            scored,
            arith: &arith,
            params: DecoupleParams::new(setup.options.enhn_gain_limit),
            cubes: (),
            den_rounding,
            skip_aim: setup.options.skip_aim,
        };
        let totals = run_level(k, &plan, &mut self.fine_rows, analyse);
        setup.fine_scores(&arith, scored, &totals)
    }

    /// Levels 1..=3: analyses the previous level's approximations in 32 bits and scores.
    pub fn coarse_level<K: Kernels>(&mut self, k: K, setup: &Setup, scale: usize) -> LevelScores {
        let (iw, ih) = if scale == 1 {
            self.fine_size
        } else {
            std::mem::swap(&mut self.coarse_approx, &mut self.previous);
            self.coarse_size
        };
        let (bw, bh) = (iw.div_ceil(2), ih.div_ceil(2));
        self.coarse_size = (bw, bh);
        fill_taps(ih, &mut self.taps);
        self.coarse_rows.set_input_width(iw);
        let scored = Region::scored(bw, bh);
        let arith = CoarseArithmetic::new(setup.coarse_weights[scale - 1], bw, bh);
        let plan = LevelPlan {
            height: bh,
            reach: Region::with_filter_reach(bw, bh),
            scored,
            arith: &arith,
            params: DecoupleParams::new(setup.options.enhn_gain_limit),
            cubes: CoarseCubes::new(scale, scored),
            den_rounding: RowRounding::coarse(scored),
            skip_aim: setup.options.skip_aim,
        };
        let (vertical, horizontal) = coarse_rounding(scale);
        let (taps, approx) = (&self.taps, &mut self.coarse_approx);
        let (fine_src, coarse_src) = (&self.fine_approx, &self.previous);
        let analyse = |i: usize, rows: &mut RowScratch<i32>| {
            let (mut tmp, details) = rows.analysis_rows();
            for (p, detail) in details.into_iter().enumerate() {
                let split = tmp.each_mut().map(|t| &mut t[1..=iw]);
                let row_of = |y: usize| y * iw..(y + 1) * iw;
                // The two source rows the next band row adds.
                let next = taps.get(i + 1).map(|t| [t[2], t[3]].map(row_of));
                if scale == 1 {
                    next.into_iter()
                        .flatten()
                        .for_each(|r| prefetch(&fine_src[p][r]));
                    let rows = taps[i].map(|y| &fine_src[p][row_of(y)]);
                    k.coarse_vertical_i16(rows, split);
                } else {
                    next.into_iter()
                        .flatten()
                        .for_each(|r| prefetch(&coarse_src[p][r]));
                    let rows = taps[i].map(|y| &coarse_src[p][row_of(y)]);
                    k.coarse_vertical_i32(rows, vertical, split);
                }
                for t in tmp.iter_mut() {
                    pad_row(t, iw);
                }
                let out = BandRows {
                    approx: &mut approx[p][i * bw..(i + 1) * bw],
                    detail,
                };
                k.coarse_horizontal(tmp.each_ref().map(|t| &t[..]), horizontal, out);
            }
        };
        let totals = run_level(k, &plan, &mut self.coarse_rows, analyse);
        setup.coarse_scores(scale, &arith, scored, &totals)
    }
}
