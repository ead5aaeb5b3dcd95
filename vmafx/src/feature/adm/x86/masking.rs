//! Weighting, masking and denominator rows, written once over the vector vocabulary.
//!
//! Cubes need 64 bits: even and odd 32-bit lanes are multiplied separately. The masked
//! cubes are shifted right arithmetically through a logical 64-bit shift (AVX2 has no
//! other): each value is offset by 2^63 first (`(v + 2^63) >>> s = (v >> s) + 2^(63 - s)`)
//! and the offsets are taken off the lane sums at the end.

use std::ops::Range;

use super::dwt::{load_rows, tap_pair};
use super::{block_starts, covered, inner_blocks};
use crate::feature::adm::denominator::{fine_cube_sum, CoarseCubes};
use crate::feature::adm::masking::{
    column_sums, half_of, masked_row, weigh_row, CoarseArithmetic, FineArithmetic,
};
use crate::simd::x86::Simd;

/// The finest level's weighting of `BLOCK` coefficients of orientation `o` in 16-bit
/// lanes: `(w * c + add) >> shift`, truncated to 16 bits as the scalar code does.
#[inline(always)]
unsafe fn fine_weighted<S: Simd>(c: S::V, w: u16, o: usize) -> S::V {
    // SAFETY: the caller has `S` enabled.
    unsafe {
        // With w = 2^15 b + w', `(w c + 2^14) >> 15` is `b c + mulhrs(w', c)`.
        let high_bit = S::splat16(if w >= 0x8000 { -1 } else { 0 });
        let wide = S::and(c, high_bit);
        if o < 2 {
            let low = S::splat16((w & 0x7fff) as i16);
            return S::add16(S::mul_round16(low, c), wide);
        }
        // (w c + 65535) >> 17 with w c = 2^16 hi + lo is (hi + (lo != 0)) >> 1; hi is the
        // signed high half, corrected for w read as a negative 16-bit number.
        let ws = S::splat16(w as i16);
        let hi = S::add16(S::mul_hi16_signed(ws, c), wide);
        let lo_zero = S::eq16(S::mul_lo16(ws, c), S::zero());
        let carry = S::add16(S::splat16(1), lo_zero);
        S::srai16::<1>(S::add16(hi, carry))
    }
}

/// Neighbour and self shares of 16-bit weighted values: `(4369 m + 2048) >> 12` and
/// `(8738 m + 2048) >> 12` of the magnitude, truncated to 16 bits. `mulhrs` computes
/// the fractional parts; for m = 32768 (read as -32768) it negates them, hence `abs`.
#[inline(always)]
unsafe fn fine_shares<S: Simd>(weighted: S::V) -> (S::V, S::V) {
    // SAFETY: the caller has `S` enabled.
    unsafe {
        let m = S::abs16(weighted);
        let share = S::add16(m, S::abs16(S::mul_round16(m, S::splat16(2184))));
        let self_share = S::add16(
            S::add16(m, m),
            S::abs16(S::mul_round16(m, S::splat16(4368))),
        );
        (share, self_share)
    }
}

/// Finest-level weighting of one masker row into share sums and centre corrections.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
pub(super) unsafe fn weigh_fine<S: Simd>(
    arith: &FineArithmetic,
    masker: [&[i16]; 3],
    sums: &mut [i32],
    centre: &mut [i32],
) {
    const _: () = assert!(
        FineArithmetic::WEIGH_ROUND[0].0 == 16384
            && FineArithmetic::WEIGH_ROUND[0].1 == 15
            && FineArithmetic::WEIGH_ROUND[1].0 == 16384
            && FineArithmetic::WEIGH_ROUND[1].1 == 15
            && FineArithmetic::WEIGH_ROUND[2].0 == 65535
            && FineArithmetic::WEIGH_ROUND[2].1 == 17
    );
    let n = sums.len();
    assert!(masker.iter().all(|m| m.len() == n) && centre.len() == n);
    // SAFETY: `S` is enabled; blocks lie inside rows of `n` samples.
    unsafe {
        let ones = tap_pair::<S>(1, 1);
        let first = tap_pair::<S>(1, 0);
        let difference = tap_pair::<S>(-1, 1);
        for j in block_starts(n, S::BLOCK) {
            let mut shares = [S::zero(); 3];
            let mut selves = [S::zero(); 3];
            for o in 0..3 {
                let c = S::load(masker[o].as_ptr().add(j));
                (shares[o], selves[o]) =
                    fine_shares::<S>(fine_weighted::<S>(c, arith.weights[o], o));
            }
            // 32-bit sums of the 16-bit shares through madd, in unpack order.
            let mut sum = [S::zero(); 2];
            let mut own = [S::zero(); 2];
            for h in 0..2 {
                let hv = S::madd(interleave::<S>(h, shares[0], shares[1]), ones);
                let diagonal = interleave::<S>(h, shares[2], selves[2]);
                sum[h] = S::add(hv, S::madd(diagonal, first));
                let hv_selves = S::madd(interleave::<S>(h, selves[0], selves[1]), ones);
                let corrections = S::madd(diagonal, difference);
                own[h] = S::add(S::sub(hv_selves, hv), corrections);
            }
            for (dst, pair) in [(&mut *sums, sum), (&mut *centre, own)] {
                let (a, b) = S::unpacked_in_order(pair[0], pair[1]);
                S::store(dst.as_mut_ptr().add(j), a);
                S::store(dst.as_mut_ptr().add(j + S::LANES), b);
            }
        }
    }
    let j = covered(n, S::BLOCK);
    weigh_row(arith, masker, sums, centre, j);
}

/// The interleave of the low (`h == 0`) or high halves of each 128-bit part.
#[inline(always)]
unsafe fn interleave<S: Simd>(h: usize, a: S::V, b: S::V) -> S::V {
    // SAFETY: the caller has `S` enabled.
    unsafe {
        if h == 0 {
            S::interleave_lo(a, b)
        } else {
            S::interleave_hi(a, b)
        }
    }
}

/// A Q32 coarse weight: read as signed it may be 2^32 too small, which `big` (all ones
/// then) corrects.
#[derive(Clone, Copy)]
struct CoarseWeight<V> {
    signed: V,
    big: V,
}

/// The Q32 weights of a coarse level.
#[inline(always)]
unsafe fn coarse_weights<S: Simd>(arith: &CoarseArithmetic) -> [CoarseWeight<S::V>; 3] {
    // SAFETY: the caller has `S` enabled.
    unsafe {
        let mut weights = [CoarseWeight {
            signed: S::zero(),
            big: S::zero(),
        }; 3];
        for (weight, &w) in weights.iter_mut().zip(&arith.weights) {
            weight.signed = S::splat64(i64::from(w as i32));
            weight.big = S::splat64(if w >= 1 << 31 { -1 } else { 0 });
        }
        weights
    }
}

/// Coarse weighting `(w * c + 2^27) >> 28` of `LANES` lanes, in 32 bits.
#[inline(always)]
unsafe fn coarse_weighted<S: Simd>(c: S::V, w: CoarseWeight<S::V>) -> S::V {
    // SAFETY: the caller has `S` enabled.
    unsafe {
        let even = S::srli64::<28>(weighted_even::<S>(c, w));
        let odd = S::srli64::<28>(weighted_even::<S>(S::srli64::<32>(c), w));
        S::blend_odd(even, S::slli64::<32>(odd))
    }
}

/// `w * c + 2^27` in 64 bits for the even 32-bit lanes of `c`.
#[inline(always)]
unsafe fn weighted_even<S: Simd>(c: S::V, w: CoarseWeight<S::V>) -> S::V {
    // SAFETY: the caller has `S` enabled.
    unsafe {
        let correction = S::and(S::slli64::<32>(c), w.big);
        S::add64(
            S::add64(S::mul_even(c, w.signed), correction),
            S::splat64(1 << 27),
        )
    }
}

/// `(k * |weighted| + SHARE_ROUND) >> 32` of `LANES` lanes: the high halves of the sums.
#[inline(always)]
unsafe fn coarse_share<S: Simd>(magnitude: S::V, k: i32) -> S::V {
    // SAFETY: the caller has `S` enabled.
    unsafe {
        let k = S::splat64(i64::from(k));
        let round = S::splat64(CoarseArithmetic::SHARE_ROUND);
        let even = S::add64(S::mul_even(magnitude, k), round);
        let odd = S::add64(S::mul_even(S::srli64::<32>(magnitude), k), round);
        S::blend_odd(S::srli64::<32>(even), odd)
    }
}

/// Coarse weighting of one masker row into share sums and centre corrections.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
pub(super) unsafe fn weigh_coarse<S: Simd>(
    arith: &CoarseArithmetic,
    masker: [&[i32]; 3],
    sums: &mut [i32],
    centre: &mut [i32],
) {
    let n = sums.len();
    assert!(masker.iter().all(|m| m.len() == n) && centre.len() == n);
    // SAFETY: `S` is enabled; blocks lie inside rows of `n` samples.
    unsafe {
        let weights = coarse_weights::<S>(arith);
        for j in block_starts(n, S::LANES) {
            let mut sum = S::zero();
            let mut own = S::zero();
            for (band, w) in masker.iter().zip(weights) {
                let weighted = coarse_weighted::<S>(S::load(band.as_ptr().add(j)), w);
                let magnitude = S::abs(weighted);
                let share = coarse_share::<S>(magnitude, 143_165_577);
                sum = S::add(sum, share);
                let correction = S::sub(coarse_share::<S>(magnitude, 286_331_153), share);
                own = S::add(own, correction);
            }
            S::store(sums.as_mut_ptr().add(j), sum);
            S::store(centre.as_mut_ptr().add(j), own);
        }
    }
    let j = covered(n, S::LANES);
    weigh_row(arith, masker, sums, centre, j);
}

/// Per column, the sum of three rows of share sums.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
pub(super) unsafe fn column_sums3<S: Simd>(rows: [&[i32]; 3], out: &mut [i32]) {
    let n = out.len();
    assert!(rows.iter().all(|r| r.len() == n));
    // SAFETY: `S` is enabled; blocks lie inside rows of `n` samples.
    unsafe {
        for j in block_starts(n, S::LANES) {
            let [a, b, c] = load_rows::<S, _, 3>(rows, j);
            S::store(out.as_mut_ptr().add(j), S::add(S::add(a, b), c));
        }
    }
    let j = covered(n, S::LANES);
    column_sums(rows, out, j);
}

/// The 3x3 thresholds of columns `j..j + LANES` (all with both neighbours in the row).
#[inline(always)]
unsafe fn thresholds<S: Simd>(column_sums: &[i32], centre: &[i32], j: usize) -> S::V {
    // SAFETY: `S` is enabled; the caller keeps `j - 1..j + LANES + 1` inside the row.
    unsafe {
        let p = column_sums.as_ptr().add(j);
        let around = S::add(S::load(p.sub(1)), S::add(S::load(p), S::load(p.add(1))));
        S::add(around, S::load(centre.as_ptr().add(j)))
    }
}

/// Cubing constants of one orientation: square rounding and shift, cube offset (with
/// the 2^63 bias) and shift.
#[derive(Clone, Copy)]
struct Cubing<V> {
    square_add: V,
    square_shift: u32,
    cube_add: V,
    cube_shift: u32,
    /// What each lane's bias adds to the shifted sum.
    bias_out: i64,
}

impl<V: Copy> Cubing<V> {
    #[inline(always)]
    unsafe fn new<S: Simd<V = V>>(square_shift: u32, cube_shift: u32) -> Self {
        // SAFETY: the caller has `S` enabled.
        unsafe {
            Self {
                square_add: S::splat64(1 << (square_shift - 1)),
                square_shift,
                cube_add: S::splat64(half_of(cube_shift).wrapping_add(i64::MIN)),
                cube_shift,
                bias_out: 1i64 << (63 - cube_shift),
            }
        }
    }

    /// Adds the biased cubes of `LANES` non-negative excesses to `acc`.
    #[inline(always)]
    unsafe fn accumulate<S: Simd<V = V>>(&self, acc: V, x: V) -> V {
        // SAFETY: the caller has `S` enabled.
        unsafe {
            let both = S::add64(self.cube::<S>(x), self.cube::<S>(S::srli64::<32>(x)));
            S::add64(acc, both)
        }
    }

    /// The biased, rounded cubes of the even 32-bit lanes of `x`.
    #[inline(always)]
    unsafe fn cube<S: Simd<V = V>>(&self, x: V) -> V {
        // SAFETY: the caller has `S` enabled.
        unsafe {
            let square = S::srl64(
                S::add64(S::mul_even_unsigned(x, x), self.square_add),
                self.square_shift,
            );
            // The square's low 32 bits, read as signed, times x: the scalar's i32 cast.
            let product = S::mul_even(square, x);
            S::srl64(S::add64(product, self.cube_add), self.cube_shift)
        }
    }

    /// The lane sum of `acc` after `count` cubed excesses, without the biases.
    #[inline(always)]
    unsafe fn total<S: Simd<V = V>>(&self, acc: V, count: usize) -> i64 {
        // SAFETY: the caller has `S` enabled.
        let biased = unsafe { S::sum64(acc) };
        biased.wrapping_sub((count as i64).wrapping_mul(self.bias_out))
    }
}

/// The masked energies of a row: the vector accumulators of `count` columns, without
/// their biases, plus the scalar sums of the row ends.
#[inline(always)]
unsafe fn finish<S: Simd>(
    acc: [S::V; 3],
    cubing: &[Cubing<S::V>; 3],
    count: usize,
    ends: [[i64; 3]; 2],
) -> [i64; 3] {
    let mut sums = [0i64; 3];
    for o in 0..3 {
        // SAFETY: the caller has `S` enabled.
        let vector = unsafe { cubing[o].total::<S>(acc[o], count) };
        sums[o] = ends[0][o].wrapping_add(vector).wrapping_add(ends[1][o]);
    }
    sums
}

/// Finest-level masked energy of one row over `cols`.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
pub(super) unsafe fn masked_fine<S: Simd>(
    arith: &FineArithmetic,
    column_sums: &[i32],
    centre: &[i32],
    target: [&[i16]; 3],
    cols: Range<usize>,
) -> [i64; 3] {
    let width = column_sums.len();
    assert!(centre.len() == width && target.iter().all(|t| t.len() == width));
    assert!(cols.end <= width);
    let (start, end) = inner_blocks(&cols, width, S::LANES);
    let head = masked_row(arith, column_sums, centre, target, cols.start..start);
    let tail = masked_row(arith, column_sums, centre, target, end..cols.end);
    // SAFETY: `S` is enabled; the blocks are whole, with both neighbours inside the row.
    unsafe {
        let (square, cube) = (FineArithmetic::SQUARE_SHIFT, arith.cube_shift);
        let cubing = [
            Cubing::new::<S>(square[0], cube[0]),
            Cubing::new::<S>(square[1], cube[1]),
            Cubing::new::<S>(square[2], cube[2]),
        ];
        let [w0, w1, w2] = arith.weights.map(i32::from);
        let weights = [S::splat(w0), S::splat(w1), S::splat(w2)];
        let mut acc = [S::zero(); 3];
        for j in (start..end).step_by(S::LANES) {
            let threshold = thresholds::<S>(column_sums, centre, j);
            for o in 0..3 {
                let c = S::widen_i16(target[o].as_ptr().add(j));
                let x = S::abs(S::mul_lo(c, weights[o]));
                let x = S::sub(x, S::sll(threshold, FineArithmetic::THRESHOLD_SHIFT[o]));
                acc[o] = cubing[o].accumulate::<S>(acc[o], S::max(x, S::zero()));
            }
        }
        finish::<S>(acc, &cubing, end - start, [head, tail])
    }
}

/// Coarse masked energy of one row over `cols`.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
pub(super) unsafe fn masked_coarse<S: Simd>(
    arith: &CoarseArithmetic,
    column_sums: &[i32],
    centre: &[i32],
    target: [&[i32]; 3],
    cols: Range<usize>,
) -> [i64; 3] {
    let width = column_sums.len();
    assert!(centre.len() == width && target.iter().all(|t| t.len() == width));
    assert!(cols.end <= width);
    let (start, end) = inner_blocks(&cols, width, S::LANES);
    let head = masked_row(arith, column_sums, centre, target, cols.start..start);
    let tail = masked_row(arith, column_sums, centre, target, end..cols.end);
    // SAFETY: as in `masked_fine`.
    unsafe {
        let cubing = [Cubing::new::<S>(30, arith.cube_shift); 3];
        let weights = coarse_weights::<S>(arith);
        let mut acc = [S::zero(); 3];
        for j in (start..end).step_by(S::LANES) {
            let threshold = thresholds::<S>(column_sums, centre, j);
            for o in 0..3 {
                let c = S::load(target[o].as_ptr().add(j));
                let weighted = coarse_weighted::<S>(c, weights[o]);
                let x = S::max(S::sub(S::abs(weighted), threshold), S::zero());
                acc[o] = cubing[o].accumulate::<S>(acc[o], x);
            }
        }
        finish::<S>(acc, &cubing, end - start, [head, tail])
    }
}

/// Finest-level cube sums of one reference row per orientation.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
pub(super) unsafe fn cubes_fine<S: Simd>(rows: [&[i16]; 3]) -> [u64; 3] {
    let mut sums = [0u64; 3];
    for (sum, row) in sums.iter_mut().zip(rows) {
        let whole = row.len() / S::LANES * S::LANES;
        // SAFETY: `S` is enabled; blocks lie inside the row.
        let vector = unsafe {
            let mut acc = S::zero();
            for j in (0..whole).step_by(S::LANES) {
                let m = S::abs(S::widen_i16(row.as_ptr().add(j)));
                let square = S::mul_lo(m, m);
                let even = S::mul_even_unsigned(square, m);
                let odd = S::mul_even_unsigned(S::srli64::<32>(square), S::srli64::<32>(m));
                acc = S::add64(acc, S::add64(even, odd));
            }
            S::sum64(acc)
        };
        *sum = (vector as u64).wrapping_add(fine_cube_sum(&row[whole..]));
    }
    sums
}

/// Coarse cube sums of one reference row per orientation.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
pub(super) unsafe fn cubes_coarse<S: Simd>(rows: [&[i32]; 3], cubes: &CoarseCubes) -> [u64; 3] {
    let mut sums = [0u64; 3];
    for (sum, row) in sums.iter_mut().zip(rows) {
        let whole = row.len() / S::LANES * S::LANES;
        // SAFETY: `S` is enabled; blocks lie inside the row.
        let vector = unsafe {
            let mut acc = S::zero();
            for j in (0..whole).step_by(S::LANES) {
                let m = S::abs(S::load(row.as_ptr().add(j)));
                let both = S::add64(
                    coarse_cube::<S>(m, cubes),
                    coarse_cube::<S>(S::srli64::<32>(m), cubes),
                );
                acc = S::add64(acc, both);
            }
            S::sum64(acc)
        };
        let tail = row[whole..]
            .iter()
            .fold(0u64, |a, &c| a.wrapping_add(cubes.cube(c)));
        *sum = (vector as u64).wrapping_add(tail);
    }
    sums
}

/// Wrapping 64-bit cube of the magnitudes in the even 32-bit lanes of `m`; the square
/// may reach 2^32 (for a magnitude of 2^31), so its high half counts too.
#[inline(always)]
unsafe fn coarse_cube<S: Simd>(m: S::V, cubes: &CoarseCubes) -> S::V {
    // SAFETY: the caller has `S` enabled.
    unsafe {
        let square_add = S::splat64(cubes.square_add as i64);
        let square = S::srl64(
            S::add64(S::mul_even_unsigned(m, m), square_add),
            cubes.square_shift,
        );
        let high = S::slli64::<32>(S::mul_even_unsigned(S::srli64::<32>(square), m));
        let product = S::add64(S::mul_even_unsigned(square, m), high);
        S::srl64(
            S::add64(product, S::splat64(cubes.cube_add as i64)),
            cubes.cube_shift,
        )
    }
}
