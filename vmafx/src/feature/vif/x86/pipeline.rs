//! One scale of integer VIF over [`Simd`] vectors: statistics and, fused into the same
//! pass over the rows, the low-pass-and-decimate step that makes the next scale.
//!
//! - Filters run as `pmaddwd` over pairs of adjacent samples. Pairs start at even
//!   offsets, so one loaded pair feeds both an even output (weights `w(o), w(o+1)`) and
//!   the odd output after it (weights `w(o-1), w(o)`): every load serves two outputs.
//! - Vertically, a ring holds for each even row `v` the rows `v` and `v + 1` interleaved
//!   sample by sample, per block and quantity (samples, and the 16-bit halves of their
//!   products), biased to `i16`. Output rows are made two at a time.
//! - Horizontally, the vertical results sit in padded rows; a 32-bit load at any sample
//!   is a pair, and lane `j` of a load at `x + o` serves pixels `x + 2j` and `x + 2j + 1`.
//! - Tap loops are unrolled (the pair count is a const parameter) and carry many
//!   independent accumulators, hiding the latency of the multiply-add chains.

use super::layout::{
    tap_count, Geometry, Taps, Workspace, BIAS16, BIAS32, DECIMATION_ROW, MAX_BLOCK, QUANTITIES,
    RING_SLOTS, ROW_PAD,
};
use super::{Moments, SimdSample, StatConsts, VifSimd};
use crate::feature::vif::scalar::{mirror, Rounding, ScaleSums, VerticalRounding};
use crate::feature::vif::tables::{radius, Log2Table, FILTERS, MAX_RADIUS, SCALES};
use crate::frame::Plane;
use crate::simd::x86::Simd;

/// One scale's work.
pub struct ScaleJob<'a, T> {
    /// Reference plane of this scale.
    pub reference: Plane<'a, T>,
    /// Distorted plane of this scale.
    pub distorted: Plane<'a, T>,
    /// Scale index, 0..4.
    pub scale: usize,
    /// Vertical roundings of this scale (also those of the decimation from it).
    pub rounding: VerticalRounding,
    /// Whether to compute the statistics (scale 0 may be skipped).
    pub statistics: bool,
    /// The largest gain credited to an enhancing distortion.
    pub gain_limit: f64,
    /// Fixed-point log2.
    pub log2: &'a Log2Table,
    /// Packed `(width / 2) x (height / 2)` planes for the next scale, when wanted.
    pub next: Option<(&'a mut [u16], &'a mut [u16])>,
}

/// Statistics of one scale and, if asked, the next scale's planes.
///
/// # Safety
/// `S`'s instruction set must be enabled in the caller.
#[inline(always)]
pub unsafe fn scale_pass<S: VifSimd, T: SimdSample>(
    job: ScaleJob<'_, T>,
    ws: &mut Workspace,
) -> ScaleSums {
    // SAFETY: the caller has the vectors' instruction set enabled and valid pointers.
    unsafe {
        // Pairs of this scale's filter, then of the next one's.
        const T0: usize = tap_count(0);
        const T1: usize = tap_count(1);
        const T2: usize = tap_count(2);
        const T3: usize = tap_count(3);
        match job.scale {
            0 => scale_pass_with::<S, T, T0, T1>(job, ws),
            1 => scale_pass_with::<S, T, T1, T2>(job, ws),
            2 => scale_pass_with::<S, T, T2, T3>(job, ws),
            _ => scale_pass_with::<S, T, T3, T3>(job, ws),
        }
    }
}

#[inline(always)]
unsafe fn scale_pass_with<S: VifSimd, T: SimdSample, const N: usize, const M: usize>(
    job: ScaleJob<'_, T>,
    ws: &mut Workspace,
) -> ScaleSums {
    // SAFETY: the caller has the vectors' instruction set enabled and valid pointers.
    unsafe {
        let ScaleJob {
            reference,
            distorted,
            scale,
            rounding,
            statistics,
            gain_limit,
            log2,
            mut next,
        } = job;
        let (width, height) = (reference.width(), reference.height());
        // The unchecked vector accesses below rely on these sizes.
        assert!(width <= ws.capacity && width >= 2 && height >= 2);
        assert!(distorted.width() == width && distorted.height() == height);
        assert!(S::BLOCK <= MAX_BLOCK && MAX_RADIUS < ROW_PAD);
        let (out_width, out_height) = (width / 2, height / 2);
        if let Some((out_ref, out_dis)) = &next {
            assert!(scale + 1 < SCALES);
            assert!(out_ref.len() >= out_width * out_height);
            assert!(out_dis.len() >= out_width * out_height);
        }
        let reach = radius(scale);
        let quantities = if T::WIDE { QUANTITIES } else { 5 };
        let g = Geometry {
            width,
            height,
            even_reach: reach + reach % 2,
            slots: RING_SLOTS,
            blocks: width.div_ceil(S::BLOCK),
            block_len: quantities * 2 * S::BLOCK,
        };
        let taps = Taps::<N>::new(FILTERS[scale]);
        let next_scale = (scale + 1).min(SCALES - 1);
        let next_taps = Taps::<M>::new(FILTERS[next_scale]);
        let consts = StatConsts {
            gain_limit,
            log2: log2.entries().as_ptr(),
        };
        let mut acc = S::new_acc();
        let mut sums = ScaleSums::default();
        let mut prepared = -(g.even_reach as isize);
        for y in (0..height).step_by(2) {
            while prepared <= (y + g.even_reach) as isize {
                prepare_pair::<S, T>(ws, &g, reference, distorted, prepared);
                prepared += 2;
            }
            if statistics {
                vertical_moments::<S, T, N>(ws, &g, y, &taps, rounding);
                let rows = if y + 1 < height { 2 } else { 1 };
                for set in 0..rows {
                    for q in 0..QUANTITIES {
                        ws.pad(set * QUANTITIES + q, width, reach);
                    }
                    horizontal_statistics::<S, N>(
                        ws,
                        &g,
                        set * QUANTITIES,
                        &taps,
                        &mut acc,
                        &consts,
                    );
                    S::flush(&mut acc, &mut sums);
                }
            }
            if let Some((out_ref, out_dis)) = next.as_mut() {
                if y / 2 < out_height {
                    let range = (y / 2) * out_width..(y / 2 + 1) * out_width;
                    let outs = [&mut out_ref[range.clone()], &mut out_dis[range]];
                    let next_reach = radius(next_scale);
                    decimate_row::<S, M>(ws, &g, y, &next_taps, next_reach, rounding.mean(), outs);
                }
            }
        }
        sums
    }
}

/// Fills the ring slot of the pair row at even virtual row `v`: rows `v` and `v + 1`
/// (mirrored into the plane) of every quantity, interleaved sample by sample and biased
/// to `i16`.
#[inline(always)]
unsafe fn prepare_pair<S: Simd, T: SimdSample>(
    ws: &mut Workspace,
    g: &Geometry,
    reference: Plane<'_, T>,
    distorted: Plane<'_, T>,
    v: isize,
) {
    // SAFETY: the caller has the vectors' instruction set enabled and valid pointers.
    unsafe {
        let (y0, y1) = (mirror(v, g.height), mirror(v + 1, g.height));
        let rows = [
            reference.row(y0),
            reference.row(y1),
            distorted.row(y0),
            distorted.row(y1),
        ];
        let base = ws.ring.as_mut_ptr().add(g.slot(v) * ws.slot_len);
        let bias = S::splat(BIAS16);
        let mut tail = [[T::default(); MAX_BLOCK]; 4];
        for b in 0..g.blocks {
            let x = b * S::BLOCK;
            let mut src = rows.map(|row| row.as_ptr().add(x));
            if x + S::BLOCK > g.width {
                // The last, partial block reads a zero-padded copy.
                for (copy, row) in tail.iter_mut().zip(rows) {
                    copy[..g.width - x].copy_from_slice(&row[x..]);
                }
                src = [0, 1, 2, 3].map(|i| tail[i].as_ptr());
            }
            // Closures would not inherit the caller's instruction set: plain inlined calls.
            let (r0, r1) = (T::load_block::<S>(src[0]), T::load_block::<S>(src[1]));
            let (d0, d1) = (T::load_block::<S>(src[2]), T::load_block::<S>(src[3]));
            let out = base.add(b * g.block_len);
            let q = |index: usize| out.add(index * 2 * S::BLOCK);
            interleave::<S>(q(0), S::xor(r0, bias), S::xor(r1, bias));
            interleave::<S>(q(1), S::xor(d0, bias), S::xor(d1, bias));
            interleave::<S>(q(2), product_low::<S>(r0, r0), product_low::<S>(r1, r1));
            interleave::<S>(q(3), product_low::<S>(d0, d0), product_low::<S>(d1, d1));
            interleave::<S>(q(4), product_low::<S>(r0, d0), product_low::<S>(r1, d1));
            if T::WIDE {
                interleave::<S>(q(5), product_high::<S>(r0, r0), product_high::<S>(r1, r1));
                interleave::<S>(q(6), product_high::<S>(d0, d0), product_high::<S>(d1, d1));
                interleave::<S>(q(7), product_high::<S>(r0, d0), product_high::<S>(r1, d1));
            }
        }
    }
}

/// Stores two rows' blocks interleaved sample by sample.
#[inline(always)]
unsafe fn interleave<S: Simd>(p: *mut i16, row0: S::V, row1: S::V) {
    // SAFETY: the caller has the vectors' instruction set enabled and valid pointers.
    unsafe {
        S::store(p, S::interleave_lo(row0, row1));
        S::store(p.add(S::BLOCK), S::interleave_hi(row0, row1));
    }
}

/// Biased low 16 bits of the sample products.
#[inline(always)]
unsafe fn product_low<S: Simd>(a: S::V, b: S::V) -> S::V {
    // SAFETY: the caller has the vectors' instruction set enabled and valid pointers.
    unsafe { S::xor(S::mul_lo16(a, b), S::splat(BIAS16)) }
}

/// Biased high 16 bits of the sample products.
#[inline(always)]
unsafe fn product_high<S: Simd>(a: S::V, b: S::V) -> S::V {
    // SAFETY: the caller has the vectors' instruction set enabled and valid pointers.
    unsafe { S::xor(S::mul_hi16(a, b), S::splat(BIAS16)) }
}

/// Filter sums over the `N` pairs: for weight set `p` (even or odd output), position
/// `k` and quantity `q`, the sum over `i` of the pairs loaded at
/// `bases[i] + at[k] + quantities[q] * stride` times `coeffs[p][i]`. All accumulators
/// advance together, so their multiply-add chains overlap, and each load feeds every
/// weight set.
#[inline(always)]
unsafe fn tap_sums<S: Simd, const N: usize, const P: usize, const K: usize, const Q: usize>(
    bases: &[*const i16; N],
    coeffs: &[[i32; N]; P],
    at: [usize; K],
    quantities: [usize; Q],
    stride: usize,
) -> [[[S::V; Q]; K]; P] {
    // SAFETY: the caller has the vectors' instruction set enabled and valid pointers.
    unsafe {
        let mut acc = [[[S::splat(0); Q]; K]; P];
        for i in 0..N {
            for k in 0..K {
                for q in 0..Q {
                    let pairs = S::load(bases[i].add(at[k] + quantities[q] * stride));
                    for p in 0..P {
                        acc[p][k][q] = S::madd_acc(acc[p][k][q], pairs, S::splat(coeffs[p][i]));
                    }
                }
            }
        }
        acc
    }
}

/// A biased filter sum as the reference's rounded 16-bit mean.
#[inline(always)]
unsafe fn round_mean<S: Simd>(sum: S::V, mean: Rounding) -> S::V {
    // SAFETY: the caller has the vectors' instruction set enabled and valid pointers.
    unsafe {
        let add = S::splat(BIAS32.wrapping_add(mean.round() as i32));
        S::and(S::srl(S::add(sum, add), mean.shift()), S::splat(0xFFFF))
    }
}

/// A vertically filtered second moment with the reference's rounding,
/// `(2^16 * high + low + round) >> shift` modulo 2^32, from the sums of the biased low
/// and (for wide samples) high halves of the products.
#[inline(always)]
unsafe fn round_moment<S: Simd>(low: S::V, high: Option<S::V>, square: Rounding) -> S::V {
    // SAFETY: the caller has the vectors' instruction set enabled and valid pointers.
    unsafe {
        let low_add = S::splat(BIAS32.wrapping_add(square.round() as i32));
        let low = S::srl(S::add(low, low_add), square.shift());
        match high {
            Some(high) => {
                let high = S::add(high, S::splat(BIAS32));
                S::add(S::sll(high, 16 - square.shift()), low)
            }
            None => low,
        }
    }
}

/// Stores a block of 32-bit values holding 0..=65535, from the interleaved lane order,
/// biased for the horizontal pass.
#[inline(always)]
unsafe fn store_biased<S: Simd>(p: *mut i16, lo: S::V, hi: S::V) {
    // SAFETY: the caller has the vectors' instruction set enabled and valid pointers.
    unsafe {
        S::store(p, S::xor(S::pack(lo, hi), S::splat(BIAS16)));
    }
}

/// The vertical pass of the statistics for rows `y` and `y + 1`: both means and the
/// three second moments (each as two biased 16-bit halves) into padded row sets 0 and 1.
#[inline(always)]
unsafe fn vertical_moments<S: Simd, T: SimdSample, const N: usize>(
    ws: &mut Workspace,
    g: &Geometry,
    y: usize,
    taps: &Taps<N>,
    rounding: VerticalRounding,
) {
    // SAFETY: the caller has the vectors' instruction set enabled and valid pointers.
    unsafe {
        let ring = ws.ring.as_ptr();
        let bases = taps
            .offsets
            .map(|offset| ring.add(g.slot(y as isize + offset) * ws.slot_len));
        for b in 0..g.blocks {
            let bases = bases.map(|p| p.add(b * g.block_len));
            let x = b * S::BLOCK;
            // Groups small enough for the accumulators to stay in registers; each holds
            // whole results (a moment's low and high halves together).
            match (T::WIDE, S::MANY_REGISTERS) {
                (false, true) => {
                    vertical_group::<S, T, N, 5>(ws, &bases, taps, x, [0, 1, 2, 3, 4], rounding)
                }
                (true, true) => {
                    vertical_group::<S, T, N, 4>(ws, &bases, taps, x, [0, 1, 2, 5], rounding);
                    vertical_group::<S, T, N, 4>(ws, &bases, taps, x, [3, 6, 4, 7], rounding);
                }
                (false, false) => {
                    vertical_group::<S, T, N, 2>(ws, &bases, taps, x, [0, 1], rounding);
                    vertical_group::<S, T, N, 2>(ws, &bases, taps, x, [2, 3], rounding);
                    vertical_group::<S, T, N, 1>(ws, &bases, taps, x, [4], rounding);
                }
                (true, false) => {
                    vertical_group::<S, T, N, 2>(ws, &bases, taps, x, [0, 1], rounding);
                    vertical_group::<S, T, N, 2>(ws, &bases, taps, x, [2, 5], rounding);
                    vertical_group::<S, T, N, 2>(ws, &bases, taps, x, [3, 6], rounding);
                    vertical_group::<S, T, N, 2>(ws, &bases, taps, x, [4, 7], rounding);
                }
            }
        }
    }
}

/// Vertical sums of some quantities of one block for both output rows, rounded and
/// stored. `quantities` holds means (0, 1) and moments (2..5, with their high halves
/// 5..8 when the samples are wide).
#[inline(always)]
unsafe fn vertical_group<S: Simd, T: SimdSample, const N: usize, const Q: usize>(
    ws: &mut Workspace,
    bases: &[*const i16; N],
    taps: &Taps<N>,
    x: usize,
    quantities: [usize; Q],
    rounding: VerticalRounding,
) {
    // SAFETY: the caller has the vectors' instruction set enabled and valid pointers.
    unsafe {
        let sums =
            tap_sums::<S, N, 2, 2, Q>(bases, &taps.coeffs, [0, S::BLOCK], quantities, 2 * S::BLOCK);
        let low16 = S::splat(0xFFFF);
        for (set, [lo, hi]) in sums.into_iter().enumerate() {
            let base = ws.row_mut(set * QUANTITIES).add(x);
            let row_len = ws.row_len;
            let row = |q: usize| base.add(q * row_len);
            for (j, &q) in quantities.iter().enumerate() {
                if q < 2 {
                    let mean = rounding.mean();
                    store_biased::<S>(
                        row(q),
                        round_mean::<S>(lo[j], mean),
                        round_mean::<S>(hi[j], mean),
                    );
                } else if q < 5 {
                    let high = quantities.iter().position(|&h| h == q + 3);
                    let high = |half: &[S::V; Q]| high.filter(|_| T::WIDE).map(|h| half[h]);
                    let square = rounding.square();
                    let lo = round_moment::<S>(lo[j], high(&lo), square);
                    let hi = round_moment::<S>(hi[j], high(&hi), square);
                    store_biased::<S>(row(q), S::and(lo, low16), S::and(hi, low16));
                    store_biased::<S>(row(q + 3), S::srl(lo, 16), S::srl(hi, 16));
                }
            }
        }
    }
}

/// A horizontally filtered second moment from the sums of its biased 16-bit halves:
/// `(2^16 * high + low + 2^15) >> 16` modulo 2^32.
#[inline(always)]
unsafe fn join_moment<S: Simd>(low: S::V, high: S::V) -> S::V {
    // SAFETY: the caller has the vectors' instruction set enabled and valid pointers.
    unsafe {
        let high = S::add(high, S::splat(BIAS32));
        let low = S::add(low, S::splat(BIAS32.wrapping_add(1 << 15)));
        S::add(high, S::srl(low, 16))
    }
}

/// Moments of one vector of pixels from the horizontal sums of the eight rows.
#[inline(always)]
unsafe fn moments<S: Simd>(sums: &[S::V; QUANTITIES]) -> Moments<S::V> {
    // SAFETY: the caller has the vectors' instruction set enabled and valid pointers.
    unsafe {
        let bias32 = S::splat(BIAS32);
        Moments {
            mu1: S::add(sums[0], bias32),
            mu2: S::add(sums[1], bias32),
            xx: join_moment::<S>(sums[2], sums[5]),
            yy: join_moment::<S>(sums[3], sums[6]),
            xy: join_moment::<S>(sums[4], sums[7]),
        }
    }
}

/// The horizontal pass of the statistics over the padded rows from `first_row` on,
/// fused with the per-pixel information terms.
#[inline(always)]
unsafe fn horizontal_statistics<S: VifSimd, const N: usize>(
    ws: &Workspace,
    g: &Geometry,
    first_row: usize,
    taps: &Taps<N>,
    acc: &mut S::Acc,
    consts: &StatConsts,
) {
    // SAFETY: the caller has the vectors' instruction set enabled and valid pointers.
    unsafe {
        let base = ws.row(first_row);
        let bases = taps.offsets.map(|offset| base.offset(offset));
        let all = [0, 1, 2, 3, 4, 5, 6, 7];
        let valid = |start: usize| g.width.saturating_sub(start).div_ceil(2).min(S::LANES);
        for b in 0..g.blocks {
            let x = b * S::BLOCK;
            if S::MANY_REGISTERS {
                let [[even], [odd]] =
                    tap_sums::<S, N, 2, 1, 8>(&bases, &taps.coeffs, [x], all, ws.row_len);
                S::statistics(acc, &moments::<S>(&even), valid(x), consts);
                if valid(x + 1) > 0 {
                    S::statistics(acc, &moments::<S>(&odd), valid(x + 1), consts);
                }
            } else {
                for (parity, coeffs) in taps.coeffs.iter().enumerate() {
                    if valid(x + parity) > 0 {
                        let coeffs = [*coeffs];
                        let [[sums]] =
                            tap_sums::<S, N, 1, 1, 8>(&bases, &coeffs, [x], all, ws.row_len);
                        S::statistics(acc, &moments::<S>(&sums), valid(x + parity), consts);
                    }
                }
            }
        }
    }
}

/// Row `y / 2` of the next scale: the next filter vertically around even row `y`, then
/// horizontally at even columns, with the reference's roundings.
#[inline(always)]
unsafe fn decimate_row<S: Simd, const M: usize>(
    ws: &mut Workspace,
    g: &Geometry,
    y: usize,
    taps: &Taps<M>,
    reach: usize,
    mean: Rounding,
    outs: [&mut [u16]; 2],
) {
    // SAFETY: the caller has the vectors' instruction set enabled and valid pointers.
    unsafe {
        let ring = ws.ring.as_ptr();
        let bases = taps
            .offsets
            .map(|offset| ring.add(g.slot(y as isize + offset) * ws.slot_len));
        let even = [taps.coeffs[0]];
        for b in 0..g.blocks {
            let bases = bases.map(|p| p.add(b * g.block_len));
            let [[lo, hi]] =
                tap_sums::<S, M, 1, 2, 2>(&bases, &even, [0, S::BLOCK], [0, 1], 2 * S::BLOCK);
            for q in 0..2 {
                let row = ws.row_mut(DECIMATION_ROW + q).add(b * S::BLOCK);
                store_biased::<S>(
                    row,
                    round_mean::<S>(lo[q], mean),
                    round_mean::<S>(hi[q], mean),
                );
            }
        }
        for q in 0..2 {
            ws.pad(DECIMATION_ROW + q, g.width, reach);
        }
        let base = ws.row(DECIMATION_ROW);
        let bases = taps.offsets.map(|offset| base.offset(offset));
        let q16_add = S::splat(BIAS32.wrapping_add(1 << 15));
        let [out_ref, out_dis] = outs;
        for b in 0..g.blocks {
            let x = b * S::BLOCK;
            let o = x / 2;
            if o >= out_ref.len() {
                break;
            }
            let [[sums]] = tap_sums::<S, M, 1, 1, 2>(&bases, &even, [x], [0, 1], ws.row_len);
            let n = (out_ref.len() - o).min(S::LANES);
            for (sum, out) in sums.into_iter().zip([&mut *out_ref, &mut *out_dis]) {
                let value = S::srl(S::add(sum, q16_add), 16);
                if n == S::LANES {
                    S::store_u16(out.as_mut_ptr().add(o), value);
                } else {
                    let mut tail = [0u16; MAX_BLOCK / 2];
                    S::store_u16(tail.as_mut_ptr(), value);
                    out[o..o + n].copy_from_slice(&tail[..n]);
                }
            }
        }
    }
}
