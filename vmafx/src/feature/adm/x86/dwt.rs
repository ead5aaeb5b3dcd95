//! Wavelet rows, written once over the vector vocabulary. Vertical passes interleave two
//! source rows and filter pairs with `madd`; horizontal passes read the padded row at
//! `2j` and `2j + 2`, whose adjacent pairs are exactly the two tap pairs of output `j`.

use super::{block_starts, covered};
use crate::feature::adm::dwt::Rounding;
use crate::feature::adm::fused::scalar_rows::{self, BandRows, SplitRows};
use crate::feature::adm::tables::{DB2_HI, DB2_LO, DB2_LO_SUM};
use crate::simd::x86::Simd;

/// Two 16-bit taps in each 32-bit lane, for `madd` on interleaved sample pairs.
#[inline(always)]
pub(super) unsafe fn tap_pair<S: Simd>(first: i32, second: i32) -> S::V {
    // SAFETY: the caller has `S` enabled.
    unsafe { S::splat((second << 16) | (first & 0xffff)) }
}

/// The filters' taps as pairs: (low 0-1, low 2-3, high 0-1, high 2-3).
#[inline(always)]
unsafe fn pair_taps<S: Simd>() -> [S::V; 4] {
    // SAFETY: the caller has `S` enabled.
    unsafe {
        [
            tap_pair::<S>(DB2_LO[0], DB2_LO[1]),
            tap_pair::<S>(DB2_LO[2], DB2_LO[3]),
            tap_pair::<S>(DB2_HI[0], DB2_HI[1]),
            tap_pair::<S>(DB2_HI[2], DB2_HI[3]),
        ]
    }
}

/// Exact low- and high-pass sums of four rows of 16-bit samples whose sums fit 32 bits,
/// in unpack order: ((low a, low b), (high a, high b)).
#[inline(always)]
unsafe fn vertical_sums<S: Simd>(r: [S::V; 4], t: &[S::V; 4]) -> [[S::V; 2]; 2] {
    // SAFETY: the caller has `S` enabled.
    unsafe {
        let p01 = [S::interleave_lo(r[0], r[1]), S::interleave_hi(r[0], r[1])];
        let p23 = [S::interleave_lo(r[2], r[3]), S::interleave_hi(r[2], r[3])];
        [
            [
                filter_pairs::<S>(p01[0], p23[0], (t[0], t[1])),
                filter_pairs::<S>(p01[1], p23[1], (t[0], t[1])),
            ],
            [
                filter_pairs::<S>(p01[0], p23[0], (t[2], t[3])),
                filter_pairs::<S>(p01[1], p23[1], (t[2], t[3])),
            ],
        ]
    }
}

/// `madd` of two vectors of sample pairs with their tap pairs, summed.
#[inline(always)]
unsafe fn filter_pairs<S: Simd>(a: S::V, b: S::V, taps: (S::V, S::V)) -> S::V {
    // SAFETY: the caller has `S` enabled.
    unsafe { S::add(S::madd(a, taps.0), S::madd(b, taps.1)) }
}

/// One vector from each row at column `j`.
///
/// # Safety
/// `S` must be enabled in the caller; every row must hold a vector at `j`.
#[inline(always)]
pub(super) unsafe fn load_rows<S: Simd, T, const N: usize>(rows: [&[T]; N], j: usize) -> [S::V; N] {
    // SAFETY: as this function requires of its caller.
    unsafe {
        let mut v = [S::zero(); N];
        for k in 0..N {
            v[k] = S::load(rows[k].as_ptr().add(j));
        }
        v
    }
}

/// Rounding constants of the finest vertical pass.
struct FineRounding<V> {
    low_add: V,
    high_add: V,
    bits: u32,
}

impl<V: Copy> FineRounding<V> {
    /// The constants for samples of `bits` bits.
    #[inline(always)]
    unsafe fn new<S: Simd<V = V>>(bits: u32) -> Self {
        let half = 1i32 << (bits - 1);
        let low_add = half.wrapping_sub(DB2_LO_SUM.wrapping_mul(half));
        // SAFETY: the caller has `S` enabled.
        unsafe {
            Self {
                low_add: S::splat(low_add),
                high_add: S::splat(half),
                bits,
            }
        }
    }
}

/// The finest level's rounding of vertical sums: add, shift, back to 16 bits (the values
/// fit, see the callers).
#[inline(always)]
unsafe fn round_pack<S: Simd>(sums: [S::V; 2], add: S::V, bits: u32) -> S::V {
    // SAFETY: the caller has `S` enabled.
    unsafe {
        let a = S::sra(S::add(sums[0], add), bits);
        let b = S::sra(S::add(sums[1], add), bits);
        S::pack_signed(a, b)
    }
}

/// Finest vertical pass of 8-bit rows.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
pub(super) unsafe fn fine_vertical_u8<S: Simd>(
    rows: [&[u8]; 4],
    bits: u32,
    lo: &mut [i16],
    hi: &mut [i16],
) {
    let n = lo.len();
    assert!(rows.iter().all(|r| r.len() >= n) && hi.len() == n);
    // SAFETY: `S` is enabled; blocks lie inside rows of at least `n` samples.
    unsafe {
        let taps = pair_taps::<S>();
        let round = FineRounding::new::<S>(bits);
        // 8-bit sums stay far inside 32 bits and their rounded values inside 16 bits.
        for j in block_starts(n, S::BLOCK) {
            let p = |k: usize| rows[k].as_ptr().add(j);
            let r = [
                S::load_u8(p(0)),
                S::load_u8(p(1)),
                S::load_u8(p(2)),
                S::load_u8(p(3)),
            ];
            let [low, high] = vertical_sums::<S>(r, &taps);
            S::store(
                lo.as_mut_ptr().add(j),
                round_pack::<S>(low, round.low_add, bits),
            );
            S::store(
                hi.as_mut_ptr().add(j),
                round_pack::<S>(high, round.high_add, bits),
            );
        }
    }
    let j = covered(n, S::BLOCK);
    scalar_rows::fine_vertical(rows, bits, lo, hi, j);
}

/// Finest vertical pass of 9- to 16-bit rows. Blocks whose samples all fit `bits` (at most
/// 15) take the `madd` path, whose values are then those of the wrapping scalar sums;
/// other blocks wrap in 32-bit lanes like the scalar code.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
pub(super) unsafe fn fine_vertical_u16<S: Simd>(
    rows: [&[u16]; 4],
    bits: u32,
    lo: &mut [i16],
    hi: &mut [i16],
) {
    let n = lo.len();
    assert!(rows.iter().all(|r| r.len() >= n) && hi.len() == n);
    let out_of_range = if bits >= 16 {
        -1
    } else {
        !(((1i32 << bits) - 1) as i16)
    };
    // SAFETY: `S` is enabled; blocks lie inside rows of at least `n` samples.
    unsafe {
        let taps = pair_taps::<S>();
        let round = FineRounding::new::<S>(bits);
        let out_of_range = S::splat16(out_of_range);
        for j in block_starts(n, S::BLOCK) {
            let r = load_rows::<S, _, 4>(rows, j);
            let any = S::or(S::or(r[0], r[1]), S::or(r[2], r[3]));
            if S::none_common(any, out_of_range) {
                let [low, high] = vertical_sums::<S>(r, &taps);
                S::store(
                    lo.as_mut_ptr().add(j),
                    round_pack::<S>(low, round.low_add, bits),
                );
                S::store(
                    hi.as_mut_ptr().add(j),
                    round_pack::<S>(high, round.high_add, bits),
                );
            } else {
                for part in [j, j + S::LANES] {
                    wrapping_vertical::<S>(rows, part, &round, [&mut *lo, &mut *hi]);
                }
            }
        }
    }
    let j = covered(n, S::BLOCK);
    scalar_rows::fine_vertical(rows, bits, lo, hi, j);
}

/// `LANES` columns at `j` of the finest vertical pass for any 16-bit samples: wrapping
/// 32-bit products and sums, and the low 16 bits of the shifted values.
#[inline(always)]
unsafe fn wrapping_vertical<S: Simd>(
    rows: [&[u16]; 4],
    j: usize,
    round: &FineRounding<S::V>,
    [lo, hi]: [&mut [i16]; 2],
) {
    // SAFETY: `S` is enabled; the caller's block holds columns `j..j + LANES`.
    unsafe {
        let p = |k: usize| rows[k].as_ptr().add(j);
        let s = [
            S::widen_u16(p(0)),
            S::widen_u16(p(1)),
            S::widen_u16(p(2)),
            S::widen_u16(p(3)),
        ];
        for (taps, add, dst) in [(&DB2_LO, round.low_add, lo), (&DB2_HI, round.high_add, hi)] {
            let mut acc = add;
            for k in 0..4 {
                acc = S::add(acc, S::mul_lo(s[k], S::splat(taps[k])));
            }
            S::store_half(
                dst.as_mut_ptr().add(j),
                S::narrow16(S::sra(acc, round.bits)),
            );
        }
    }
}

/// `(v + 32768) >> 16` of two vectors of outputs in order, packed to 16 bits in order.
#[inline(always)]
unsafe fn round_pack_outputs<S: Simd>(a: S::V, b: S::V) -> S::V {
    // SAFETY: the caller has `S` enabled.
    unsafe {
        let round = S::splat(32768);
        let a = S::srai::<16>(S::add(a, round));
        let b = S::srai::<16>(S::add(b, round));
        S::pack_in_order(a, b)
    }
}

/// `LANES` outputs at `j` of the filter with tap pairs `taps`, from a padded row.
#[inline(always)]
unsafe fn horizontal<S: Simd>(src: &[i16], j: usize, taps: (S::V, S::V)) -> S::V {
    // SAFETY: `S` is enabled; the caller checked that the row holds the pairs read.
    unsafe {
        let a = S::load(src.as_ptr().add(2 * j));
        let b = S::load(src.as_ptr().add(2 * j + 2));
        S::add(S::madd(a, taps.0), S::madd(b, taps.1))
    }
}

/// Finest horizontal pass of the padded vertical outputs.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
pub(super) unsafe fn fine_horizontal<S: Simd>(lo: &[i16], hi: &[i16], mut out: BandRows<'_, i16>) {
    let n = out.len();
    assert!(lo.len() >= 2 * n + 2 && hi.len() == lo.len());
    assert!(out.detail.iter().all(|d| d.len() == n));
    // SAFETY: `S` is enabled. The last load of a block at `j` ends at
    // 2(j + BLOCK - 1) + 3, the last input output j + BLOCK - 1 reads.
    unsafe {
        let t = pair_taps::<S>();
        let (low_pass, high_pass) = ((t[0], t[1]), (t[2], t[3]));
        for j in block_starts(n, S::BLOCK) {
            let outputs = [
                (lo, low_pass),
                (hi, low_pass),
                (lo, high_pass),
                (hi, high_pass),
            ];
            for (slot, (src, taps)) in outputs.into_iter().enumerate() {
                let v = round_pack_outputs::<S>(
                    horizontal::<S>(src, j, taps),
                    horizontal::<S>(src, j + S::LANES, taps),
                );
                let dst = match slot {
                    0 => out.approx.as_mut_ptr(),
                    s => out.detail[s - 1].as_mut_ptr(),
                };
                S::store(dst.add(j), v);
            }
        }
    }
    let j = covered(n, S::BLOCK);
    scalar_rows::fine_horizontal(lo, hi, out.reborrow(), j);
}

/// Splits 32-bit lanes into their high halves and their low halves offset by 2^15 (see
/// `scalar_rows::split`), packed to 16 bits: for `a`, `b` in unpack order the result is in order.
#[inline(always)]
unsafe fn split_pack<S: Simd>(a: S::V, b: S::V) -> (S::V, S::V) {
    // SAFETY: the caller has `S` enabled.
    unsafe {
        let high = S::pack_signed(S::srai::<16>(a), S::srai::<16>(b));
        (high, S::pack_signed(offset_low::<S>(a), offset_low::<S>(b)))
    }
}

/// The low halves of 32-bit lanes offset by 2^15, sign-extended so that a pack keeps
/// them as they are.
#[inline(always)]
unsafe fn offset_low<S: Simd>(v: S::V) -> S::V {
    // SAFETY: the caller has `S` enabled.
    unsafe { S::srai::<16>(S::slli::<16>(S::xor(v, S::splat(0x8000)))) }
}

/// First coarse vertical pass (16-bit approximations, exact 32-bit sums), into split rows.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
pub(super) unsafe fn coarse_vertical_i16<S: Simd>(rows: [&[i16]; 4], out: SplitRows<'_>) {
    let n = out[0].len();
    assert!(rows.iter().all(|r| r.len() >= n) && out.iter().all(|o| o.len() == n));
    let [lo_high, lo_low, hi_high, hi_low] = out;
    // SAFETY: `S` is enabled; blocks lie inside rows of at least `n` samples.
    // |sum| <= 54822 * 32768 < 2^31: the 32-bit sums are the exact 64-bit ones.
    unsafe {
        let taps = pair_taps::<S>();
        for j in block_starts(n, S::BLOCK) {
            let r = load_rows::<S, _, 4>(rows, j);
            let [low, high] = vertical_sums::<S>(r, &taps);
            for (sums, high_row, low_row) in [
                (low, &mut *lo_high, &mut *lo_low),
                (high, &mut *hi_high, &mut *hi_low),
            ] {
                let (h, l) = split_pack::<S>(sums[0], sums[1]);
                S::store(high_row.as_mut_ptr().add(j), h);
                S::store(low_row.as_mut_ptr().add(j), l);
            }
        }
    }
    let j = covered(n, S::BLOCK);
    let exact = Rounding { add: 0, shift: 0 };
    let rest = [lo_high, lo_low, hi_high, hi_low].map(|o| &mut o[j..]);
    scalar_rows::coarse_vertical(rows.map(|r| &r[j..]), exact, rest, 0);
}

/// Coarser vertical passes (32-bit approximations, 64-bit sums), into split rows.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
pub(super) unsafe fn coarse_vertical_i32<S: Simd>(
    rows: [&[i32]; 4],
    round: Rounding,
    out: SplitRows<'_>,
) {
    let n = out[0].len();
    assert!(rows.iter().all(|r| r.len() >= n) && out.iter().all(|o| o.len() == n));
    assert!(round.shift <= 32);
    let [lo_high, lo_low, hi_high, hi_low] = out;
    // SAFETY: `S` is enabled; blocks lie inside rows of at least `n` samples.
    unsafe {
        let add = S::splat64(round.add);
        let offset = S::splat(0x8000);
        for j in block_starts(n, S::LANES) {
            let even = load_rows::<S, _, 4>(rows, j);
            let mut odd = even;
            for v in &mut odd {
                *v = S::srli64::<32>(*v);
            }
            for (taps, high_row, low_row) in [
                (&DB2_LO, &mut *lo_high, &mut *lo_low),
                (&DB2_HI, &mut *hi_high, &mut *hi_low),
            ] {
                let (mut e, mut o) = (add, add);
                for k in 0..4 {
                    let tap = S::splat64(i64::from(taps[k]));
                    e = S::add64(e, S::mul_even(even[k], tap));
                    o = S::add64(o, S::mul_even(odd[k], tap));
                }
                // Low 32 bits of the shifted sums: the same for logical and arithmetic
                // shifts.
                let e = S::srl64(e, round.shift);
                let o = S::slli64::<32>(S::srl64(o, round.shift));
                let v = S::blend_odd(e, o);
                // The low halves of the truncations, as `scalar_rows::split` keeps them.
                let high = S::narrow16(S::srai::<16>(v));
                let low = S::narrow16(S::xor(v, offset));
                S::store_half(high_row.as_mut_ptr().add(j), high);
                S::store_half(low_row.as_mut_ptr().add(j), low);
            }
        }
    }
    let j = covered(n, S::LANES);
    let rest = [lo_high, lo_low, hi_high, hi_low].map(|o| &mut o[j..]);
    scalar_rows::coarse_vertical(rows.map(|r| &r[j..]), round, rest, 0);
}

/// Constants of the coarse horizontal pass on split inputs, for a filter with tap sum
/// `tap_sum` and rounding `round`: with inputs 2^16 h + l' + 2^15, the rounded sum is
/// `(A << (16 - s)) + K + ((B + add) >> s)` for the filtered highs A and lows B, where
/// K = 2^15 * tap_sum / 2^s is exact for both filters and both shifts (15 and 16). All
/// terms fit 32 bits and their wrapping sum is the truncation of the 64-bit result.
pub(super) fn split_constants(tap_sum: i32, round: Rounding) -> (i32, u32, i32) {
    assert!(
        round.shift == 15 || round.shift == 16,
        "horizontal shifts are 15 or 16"
    );
    let k = (32768i64 * i64::from(tap_sum)) >> round.shift;
    debug_assert_eq!(k << round.shift, 32768 * i64::from(tap_sum));
    (k as i32, 16 - round.shift, round.add as i32)
}

/// The vector constants of one coarse horizontal filter (see [`split_constants`]).
#[derive(Clone, Copy)]
struct SplitFilter<V> {
    taps: (V, V),
    k: V,
    up: u32,
    add: V,
    down: u32,
}

impl<V: Copy> SplitFilter<V> {
    /// The constants of the filter with tap pairs `taps` summing to `tap_sum`.
    #[inline(always)]
    unsafe fn new<S: Simd<V = V>>(taps: (V, V), tap_sum: i32, round: Rounding) -> Self {
        let (k, up, add) = split_constants(tap_sum, round);
        // SAFETY: the caller has `S` enabled.
        unsafe {
            Self {
                taps,
                k: S::splat(k),
                up,
                add: S::splat(add),
                down: round.shift,
            }
        }
    }
}

/// `LANES` outputs of one coarse filter from split rows (`high`, `low`) at output `j`.
#[inline(always)]
unsafe fn split_filter<S: Simd>(
    (high, low): (&[i16], &[i16]),
    j: usize,
    f: SplitFilter<S::V>,
) -> S::V {
    // SAFETY: `S` is enabled; the caller checked that the rows hold the pairs read.
    unsafe {
        let scaled = S::sll(horizontal::<S>(high, j, f.taps), f.up);
        let rounded = S::sra(S::add(horizontal::<S>(low, j, f.taps), f.add), f.down);
        S::add(S::add(scaled, f.k), rounded)
    }
}

/// Coarse horizontal pass of the split, padded vertical outputs.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
pub(super) unsafe fn coarse_horizontal<S: Simd>(
    tmp: [&[i16]; 4],
    round: Rounding,
    mut out: BandRows<'_, i32>,
) {
    let n = out.len();
    assert!(tmp.iter().all(|t| t.len() >= 2 * n + 2));
    assert!(out.detail.iter().all(|d| d.len() == n));
    let [lo_high, lo_low, hi_high, hi_low] = tmp;
    let (lo, hi) = ((lo_high, lo_low), (hi_high, hi_low));
    // SAFETY: `S` is enabled. The last loads of a block at `j` end at
    // 2(j + LANES - 1) + 3.
    unsafe {
        let t = pair_taps::<S>();
        let low_pass = SplitFilter::new::<S>((t[0], t[1]), DB2_LO_SUM, round);
        let high_pass = SplitFilter::new::<S>((t[2], t[3]), 0, round);
        for j in block_starts(n, S::LANES) {
            let outputs = [
                (lo, low_pass),
                (hi, low_pass),
                (lo, high_pass),
                (hi, high_pass),
            ];
            for (slot, (src, f)) in outputs.into_iter().enumerate() {
                let dst = match slot {
                    0 => out.approx.as_mut_ptr(),
                    s => out.detail[s - 1].as_mut_ptr(),
                };
                S::store(dst.add(j), split_filter::<S>(src, j, f));
            }
        }
    }
    let j = covered(n, S::LANES);
    scalar_rows::coarse_horizontal(tmp, round, out.reborrow(), j);
}
