//! Scalar row kernels of the fused level pipeline: one band row of each step, over
//! columns `from..`, so that the vector kernels can finish their rows with them.
//!
//! The per-sample arithmetic is the reference's own (`dwt`, `decouple`); only the loops
//! are arranged by row.

use crate::frame::Sample;

use crate::feature::adm::decouple::{decouple_coarse_sample, decouple_fine_sample, DecoupleParams};
use crate::feature::adm::dwt::{
    coarse_horizontal_sample, coarse_vertical_sample, fine_horizontal_sample, fine_vertical_sample,
    Rounding,
};

/// One output row of a wavelet level: the approximation and the detail by orientation.
pub(crate) struct BandRows<'a, T> {
    /// Low-pass in both directions.
    pub approx: &'a mut [T],
    /// Detail by orientation (`H`, `V`, `D`).
    pub detail: [&'a mut [T]; 3],
}

impl<T> BandRows<'_, T> {
    /// The same rows, borrowed again.
    pub fn reborrow(&mut self) -> BandRows<'_, T> {
        BandRows {
            approx: self.approx,
            detail: self.detail.each_mut().map(|d| &mut **d),
        }
    }

    /// Number of outputs.
    pub fn len(&self) -> usize {
        self.approx.len()
    }
}

/// One row of decoupled detail, by orientation.
pub(crate) struct DecoupledRows<'a, T> {
    /// `k * reference`, possibly amplified.
    pub restored: [&'a mut [T]; 3],
    /// `distorted - restored`.
    pub additive: [&'a mut [T]; 3],
}

/// Vertical pass of the finest level for columns `from..lo.len()` of four source rows.
pub(crate) fn fine_vertical<T: Sample>(
    rows: [&[T]; 4],
    bits: u32,
    lo: &mut [i16],
    hi: &mut [i16],
    from: usize,
) {
    for j in from..lo.len() {
        let s: [i32; 4] = rows.map(|r| r[j].into());
        (lo[j], hi[j]) = fine_vertical_sample(s, bits);
    }
}

/// Horizontal pass of the finest level for outputs `from..`: output `j` reads padded
/// inputs `2j..2j+4` (the row's `2j-1..2j+3` with its mirrored ends).
pub(crate) fn fine_horizontal(lo: &[i16], hi: &[i16], mut out: BandRows<'_, i16>, from: usize) {
    for j in from..out.len() {
        let l: [i32; 4] = std::array::from_fn(|k| i32::from(lo[2 * j + k]));
        let h: [i32; 4] = std::array::from_fn(|k| i32::from(hi[2 * j + k]));
        let (approx, detail) = fine_horizontal_sample(l, h);
        out.approx[j] = approx;
        for (row, d) in out.detail.iter_mut().zip(detail) {
            row[j] = d;
        }
    }
}

/// A coarse vertical output split into 16-bit halves, the form the horizontal pass reads:
/// the high half, and the low half offset by 2^15 into signed range.
#[inline(always)]
pub(crate) fn split(v: i32) -> (i16, i16) {
    ((v >> 16) as i16, (v as u16 ^ 0x8000) as i16)
}

/// The 32-bit value of a [`split`] pair.
#[inline(always)]
pub(crate) fn join(high: i16, low: i16) -> i32 {
    (i32::from(high) << 16) | i32::from(low as u16 ^ 0x8000)
}

/// The vertical outputs of a coarse level, split (see [`split`]): low-pass high and low
/// halves, then high-pass high and low halves.
pub(crate) type SplitRows<'a> = [&'a mut [i16]; 4];

/// Vertical pass of a coarse level for columns `from..`, into split rows.
pub(crate) fn coarse_vertical<S: Copy + Into<i64>>(
    rows: [&[S]; 4],
    round: Rounding,
    out: SplitRows<'_>,
    from: usize,
) {
    let [lo_high, lo_low, hi_high, hi_low] = out;
    for j in from..lo_high.len() {
        let s: [i64; 4] = rows.map(|r| r[j].into());
        let (lo, hi) = coarse_vertical_sample(s, round);
        (lo_high[j], lo_low[j]) = split(lo);
        (hi_high[j], hi_low[j]) = split(hi);
    }
}

/// Horizontal pass of a coarse level for outputs `from..` from split, padded vertical
/// outputs (padded as in [`fine_horizontal`]).
pub(crate) fn coarse_horizontal(
    tmp: [&[i16]; 4],
    round: Rounding,
    mut out: BandRows<'_, i32>,
    from: usize,
) {
    let [lo_high, lo_low, hi_high, hi_low] = tmp;
    for j in from..out.len() {
        let l: [i64; 4] =
            std::array::from_fn(|k| i64::from(join(lo_high[2 * j + k], lo_low[2 * j + k])));
        let h: [i64; 4] =
            std::array::from_fn(|k| i64::from(join(hi_high[2 * j + k], hi_low[2 * j + k])));
        let (approx, detail) = coarse_horizontal_sample(l, h, round);
        out.approx[j] = approx;
        for (row, d) in out.detail.iter_mut().zip(detail) {
            row[j] = d;
        }
    }
}

/// Decouples columns `from..` of one row of the finest level.
pub(crate) fn decouple_fine(
    reference: [&[i16]; 3],
    distorted: [&[i16]; 3],
    params: &DecoupleParams,
    out: DecoupledRows<'_, i16>,
    from: usize,
) {
    for j in from..reference[0].len() {
        let o = reference.map(|r| i32::from(r[j]));
        let t = distorted.map(|r| i32::from(r[j]));
        let (restored, additive) = decouple_fine_sample(o, t, params);
        for b in 0..3 {
            out.restored[b][j] = restored[b];
            out.additive[b][j] = additive[b];
        }
    }
}

/// Decouples columns `from..` of one row of a coarse level.
pub(crate) fn decouple_coarse(
    reference: [&[i32]; 3],
    distorted: [&[i32]; 3],
    params: &DecoupleParams,
    out: DecoupledRows<'_, i32>,
    from: usize,
) {
    for j in from..reference[0].len() {
        let o = reference.map(|r| r[j]);
        let t = distorted.map(|r| r[j]);
        let (restored, additive) = decouple_coarse_sample(o, t, params);
        for b in 0..3 {
            out.restored[b][j] = restored[b];
            out.additive[b][j] = additive[b];
        }
    }
}
