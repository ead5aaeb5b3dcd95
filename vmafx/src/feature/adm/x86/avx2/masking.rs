//! AVX2 weighting, masking and denominator rows.
//!
//! Cubes need 64 bits: even and odd 32-bit lanes are multiplied separately. The masked
//! cubes are shifted right arithmetically; AVX2 has only logical 64-bit shifts, so each
//! value is offset by 2^63 first (`(v + 2^63) >>> s = (v >> s) + 2^(63 - s)`) and the
//! offsets are taken off the lane sums at the end.

use std::arch::x86_64::*;
use std::ops::Range;

use super::{load, store, sum_i64, tap_pair};
use crate::feature::adm::denominator::{fine_cube_sum, CoarseCubes};
use crate::feature::adm::masking::{
    column_sums, half_of, masked_row, weigh_row, CoarseArithmetic, FineArithmetic,
};
use crate::feature::adm::x86::{block_starts, covered, inner_blocks};

/// Loads eight 16-bit samples at `p`, sign-extended to 32 bits.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn load_i16x8(p: *const i16) -> __m256i {
    _mm256_cvtepi16_epi32(_mm_loadu_si128(p.cast()))
}

/// The finest level's weighting of 16 coefficients of orientation `o` in 16-bit lanes:
/// `(w * c + add) >> shift`, truncated to 16 bits as the scalar code does.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn fine_weighted(c: __m256i, w: u16, o: usize) -> __m256i {
    // With w = 2^15 b + w', `(w c + 2^14) >> 15` is `b c + mulhrs(w', c)`.
    let high_bit = _mm256_set1_epi16(if w >= 0x8000 { -1 } else { 0 });
    let wide = _mm256_and_si256(c, high_bit);
    if o < 2 {
        let low = _mm256_set1_epi16((w & 0x7fff) as i16);
        return _mm256_add_epi16(_mm256_mulhrs_epi16(low, c), wide);
    }
    // (w c + 65535) >> 17 with w c = 2^16 hi + lo is (hi + (lo != 0)) >> 1; hi is the
    // signed high half, corrected for w read as a negative 16-bit number.
    let ws = _mm256_set1_epi16(w as i16);
    let hi = _mm256_add_epi16(_mm256_mulhi_epi16(ws, c), wide);
    let lo_zero = _mm256_cmpeq_epi16(_mm256_mullo_epi16(ws, c), _mm256_setzero_si256());
    let carry = _mm256_add_epi16(_mm256_set1_epi16(1), lo_zero);
    _mm256_srai_epi16::<1>(_mm256_add_epi16(hi, carry))
}

/// Neighbour and self shares of 16-bit weighted values: `(4369 m + 2048) >> 12` and
/// `(8738 m + 2048) >> 12` of the magnitude, truncated to 16 bits. `mulhrs` computes
/// the fractional parts; for m = 32768 (read as -32768) it negates them, hence `abs`.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn fine_shares(weighted: __m256i) -> (__m256i, __m256i) {
    let m = _mm256_abs_epi16(weighted);
    let share = _mm256_add_epi16(
        m,
        _mm256_abs_epi16(_mm256_mulhrs_epi16(m, _mm256_set1_epi16(2184))),
    );
    let self_share = _mm256_add_epi16(
        _mm256_add_epi16(m, m),
        _mm256_abs_epi16(_mm256_mulhrs_epi16(m, _mm256_set1_epi16(4368))),
    );
    (share, self_share)
}

/// Finest-level weighting of one masker row into share sums and centre corrections.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub(in crate::feature::adm::x86) unsafe fn weigh_fine(
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
    let ones = tap_pair(1, 1);
    let first = tap_pair(1, 0);
    let difference = tap_pair(-1, 1);
    for j in block_starts(n, 16) {
        let mut shares = [_mm256_setzero_si256(); 3];
        let mut selves = [_mm256_setzero_si256(); 3];
        for o in 0..3 {
            let c = load(masker[o].as_ptr().add(j));
            (shares[o], selves[o]) = fine_shares(fine_weighted(c, arith.weights[o], o));
        }
        // 32-bit sums of the 16-bit shares through madd, in unpack order.
        let halves = [
            (
                _mm256_unpacklo_epi16(shares[0], shares[1]),
                _mm256_unpacklo_epi16(selves[0], selves[1]),
                _mm256_unpacklo_epi16(shares[2], selves[2]),
            ),
            (
                _mm256_unpackhi_epi16(shares[0], shares[1]),
                _mm256_unpackhi_epi16(selves[0], selves[1]),
                _mm256_unpackhi_epi16(shares[2], selves[2]),
            ),
        ];
        let [(s_a, c_a), (s_b, c_b)] = halves.map(|(hv_shares, hv_selves, diagonal)| {
            let hv = _mm256_madd_epi16(hv_shares, ones);
            let sum = _mm256_add_epi32(hv, _mm256_madd_epi16(diagonal, first));
            let own = _mm256_sub_epi32(_mm256_madd_epi16(hv_selves, ones), hv);
            (
                sum,
                _mm256_add_epi32(own, _mm256_madd_epi16(diagonal, difference)),
            )
        });
        for (dst, (a, b)) in [(&mut *sums, (s_a, s_b)), (&mut *centre, (c_a, c_b))] {
            store(
                dst.as_mut_ptr().add(j),
                _mm256_permute2x128_si256::<0x20>(a, b),
            );
            store(
                dst.as_mut_ptr().add(j + 8),
                _mm256_permute2x128_si256::<0x31>(a, b),
            );
        }
    }
    let j = covered(n, 16);
    weigh_row(arith, masker, sums, centre, j);
}

/// Coarse weighting `(w * c + 2^27) >> 28` of eight lanes, in 32 bits. `w` is a Q32
/// weight: read as signed it may be 2^32 too small, which `big` (all ones then) corrects.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn coarse_weighted(c: __m256i, w: __m256i, big: __m256i) -> __m256i {
    let round = _mm256_set1_epi64x(1 << 27);
    let product = |c: __m256i| {
        let correction = _mm256_and_si256(_mm256_slli_epi64::<32>(c), big);
        _mm256_add_epi64(_mm256_add_epi64(_mm256_mul_epi32(c, w), correction), round)
    };
    let even = _mm256_srli_epi64::<28>(product(c));
    let odd = _mm256_srli_epi64::<28>(product(_mm256_srli_epi64::<32>(c)));
    _mm256_blend_epi32::<0b1010_1010>(even, _mm256_slli_epi64::<32>(odd))
}

/// `(k * |weighted| + SHARE_ROUND) >> 32` of eight lanes: the high halves of the sums.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn coarse_share(magnitude: __m256i, k: i32) -> __m256i {
    let k = _mm256_set1_epi64x(i64::from(k));
    let round = _mm256_set1_epi64x(CoarseArithmetic::SHARE_ROUND);
    let even = _mm256_add_epi64(_mm256_mul_epi32(magnitude, k), round);
    let odd = _mm256_add_epi64(
        _mm256_mul_epi32(_mm256_srli_epi64::<32>(magnitude), k),
        round,
    );
    _mm256_blend_epi32::<0b1010_1010>(_mm256_srli_epi64::<32>(even), odd)
}

/// The Q32 weights of a coarse level, as (signed lanes, correction masks).
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn coarse_weights(arith: &CoarseArithmetic) -> [(__m256i, __m256i); 3] {
    arith.weights.map(|w| {
        let big = if w >= 1 << 31 { -1 } else { 0 };
        (
            _mm256_set1_epi64x(i64::from(w as i32)),
            _mm256_set1_epi64x(big),
        )
    })
}

/// Coarse weighting of one masker row into share sums and centre corrections.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub(in crate::feature::adm::x86) unsafe fn weigh_coarse(
    arith: &CoarseArithmetic,
    masker: [&[i32]; 3],
    sums: &mut [i32],
    centre: &mut [i32],
) {
    let n = sums.len();
    assert!(masker.iter().all(|m| m.len() == n) && centre.len() == n);
    let weights = coarse_weights(arith);
    for j in block_starts(n, 8) {
        let mut sum = _mm256_setzero_si256();
        let mut own = _mm256_setzero_si256();
        for (band, (w, big)) in masker.iter().zip(weights) {
            let weighted = coarse_weighted(load(band.as_ptr().add(j)), w, big);
            let magnitude = _mm256_abs_epi32(weighted);
            let share = coarse_share(magnitude, 143_165_577);
            sum = _mm256_add_epi32(sum, share);
            own = _mm256_add_epi32(
                own,
                _mm256_sub_epi32(coarse_share(magnitude, 286_331_153), share),
            );
        }
        store(sums.as_mut_ptr().add(j), sum);
        store(centre.as_mut_ptr().add(j), own);
    }
    let j = covered(n, 8);
    weigh_row(arith, masker, sums, centre, j);
}

/// Per column, the sum of three rows of share sums.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub(in crate::feature::adm::x86) unsafe fn column_sums3(rows: [&[i32]; 3], out: &mut [i32]) {
    let n = out.len();
    assert!(rows.iter().all(|r| r.len() == n));
    for j in block_starts(n, 8) {
        let [a, b, c] = rows.map(|r| load(r.as_ptr().add(j)));
        store(
            out.as_mut_ptr().add(j),
            _mm256_add_epi32(_mm256_add_epi32(a, b), c),
        );
    }
    let j = covered(n, 8);
    column_sums(rows, out, j);
}

/// The 3x3 thresholds of columns `j..j + 8` (all with both neighbours in the row).
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn thresholds(column_sums: &[i32], centre: &[i32], j: usize) -> __m256i {
    let p = column_sums.as_ptr().add(j);
    let around = _mm256_add_epi32(load(p.sub(1)), _mm256_add_epi32(load(p), load(p.add(1))));
    _mm256_add_epi32(around, load(centre.as_ptr().add(j)))
}

/// Cubing constants of one orientation: square rounding and shift, cube offset (with
/// the 2^63 bias) and shift.
#[derive(Clone, Copy)]
struct Cubing {
    square_add: __m256i,
    square_shift: __m128i,
    cube_add: __m256i,
    cube_shift: __m128i,
    /// What each lane's bias adds to the shifted sum.
    bias_out: i64,
}

impl Cubing {
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn new(square_shift: u32, cube_shift: u32) -> Self {
        Self {
            square_add: _mm256_set1_epi64x(1 << (square_shift - 1)),
            square_shift: _mm_cvtsi32_si128(square_shift as i32),
            cube_add: _mm256_set1_epi64x(half_of(cube_shift).wrapping_add(i64::MIN)),
            cube_shift: _mm_cvtsi32_si128(cube_shift as i32),
            bias_out: 1i64 << (63 - cube_shift),
        }
    }

    /// Adds the biased cubes of eight non-negative excesses to `acc`.
    #[inline]
    #[target_feature(enable = "avx2")]
    unsafe fn accumulate(&self, acc: __m256i, x: __m256i) -> __m256i {
        let cube = |x: __m256i| {
            let square = _mm256_srl_epi64(
                _mm256_add_epi64(_mm256_mul_epu32(x, x), self.square_add),
                self.square_shift,
            );
            // The square's low 32 bits, read as signed, times x: the scalar's i32 cast.
            let product = _mm256_mul_epi32(square, x);
            _mm256_srl_epi64(_mm256_add_epi64(product, self.cube_add), self.cube_shift)
        };
        let even = cube(x);
        let odd = cube(_mm256_srli_epi64::<32>(x));
        _mm256_add_epi64(acc, _mm256_add_epi64(even, odd))
    }
}

/// Finest-level masked energy of one row over `cols`.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub(in crate::feature::adm::x86) unsafe fn masked_fine(
    arith: &FineArithmetic,
    column_sums: &[i32],
    centre: &[i32],
    target: [&[i16]; 3],
    cols: Range<usize>,
) -> [i64; 3] {
    let width = column_sums.len();
    assert!(centre.len() == width && target.iter().all(|t| t.len() == width));
    assert!(cols.end <= width);
    let (start, end) = inner_blocks(&cols, width, 8);
    let mut sums = masked_row(arith, column_sums, centre, target, cols.start..start);
    let cubing: [Cubing; 3] =
        std::array::from_fn(|o| Cubing::new(FineArithmetic::SQUARE_SHIFT[o], arith.cube_shift[o]));
    let weights = arith.weights.map(|w| _mm256_set1_epi32(i32::from(w)));
    let threshold_shift = FineArithmetic::THRESHOLD_SHIFT.map(|s| _mm_cvtsi32_si128(s as i32));
    let mut acc = [_mm256_setzero_si256(); 3];
    let mut j = start;
    while j < end {
        let threshold = thresholds(column_sums, centre, j);
        for o in 0..3 {
            let c = load_i16x8(target[o].as_ptr().add(j));
            let x = _mm256_abs_epi32(_mm256_mullo_epi32(c, weights[o]));
            let x = _mm256_sub_epi32(x, _mm256_sll_epi32(threshold, threshold_shift[o]));
            let x = _mm256_max_epi32(x, _mm256_setzero_si256());
            acc[o] = cubing[o].accumulate(acc[o], x);
        }
        j += 8;
    }
    let count = (end - start) as i64;
    let tail = masked_row(arith, column_sums, centre, target, end..cols.end);
    for o in 0..3 {
        let vector = sum_i64(acc[o]).wrapping_sub(count.wrapping_mul(cubing[o].bias_out));
        sums[o] = sums[o].wrapping_add(vector).wrapping_add(tail[o]);
    }
    sums
}

/// Coarse masked energy of one row over `cols`.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub(in crate::feature::adm::x86) unsafe fn masked_coarse(
    arith: &CoarseArithmetic,
    column_sums: &[i32],
    centre: &[i32],
    target: [&[i32]; 3],
    cols: Range<usize>,
) -> [i64; 3] {
    let width = column_sums.len();
    assert!(centre.len() == width && target.iter().all(|t| t.len() == width));
    assert!(cols.end <= width);
    let (start, end) = inner_blocks(&cols, width, 8);
    let mut sums = masked_row(arith, column_sums, centre, target, cols.start..start);
    let cubing = Cubing::new(30, arith.cube_shift);
    let weights = coarse_weights(arith);
    let mut acc = [_mm256_setzero_si256(); 3];
    let mut j = start;
    while j < end {
        let threshold = thresholds(column_sums, centre, j);
        for o in 0..3 {
            let (w, big) = weights[o];
            let weighted = coarse_weighted(load(target[o].as_ptr().add(j)), w, big);
            let x = _mm256_sub_epi32(_mm256_abs_epi32(weighted), threshold);
            let x = _mm256_max_epi32(x, _mm256_setzero_si256());
            acc[o] = cubing.accumulate(acc[o], x);
        }
        j += 8;
    }
    let count = (end - start) as i64;
    let tail = masked_row(arith, column_sums, centre, target, end..cols.end);
    for o in 0..3 {
        let vector = sum_i64(acc[o]).wrapping_sub(count.wrapping_mul(cubing.bias_out));
        sums[o] = sums[o].wrapping_add(vector).wrapping_add(tail[o]);
    }
    sums
}

/// Finest-level cube sums of one reference row per orientation.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub(in crate::feature::adm::x86) unsafe fn cubes_fine(rows: [&[i16]; 3]) -> [u64; 3] {
    rows.map(|row| {
        let n = row.len();
        let mut acc = _mm256_setzero_si256();
        let mut j = 0;
        while j + 8 <= n {
            let m = _mm256_abs_epi32(load_i16x8(row.as_ptr().add(j)));
            let square = _mm256_mullo_epi32(m, m);
            let even = _mm256_mul_epu32(square, m);
            let odd = _mm256_mul_epu32(_mm256_srli_epi64::<32>(square), _mm256_srli_epi64::<32>(m));
            acc = _mm256_add_epi64(acc, _mm256_add_epi64(even, odd));
            j += 8;
        }
        (sum_i64(acc) as u64).wrapping_add(fine_cube_sum(&row[j..]))
    })
}

/// Coarse cube sums of one reference row per orientation.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub(in crate::feature::adm::x86) unsafe fn cubes_coarse(
    rows: [&[i32]; 3],
    cubes: &CoarseCubes,
) -> [u64; 3] {
    let square_add = _mm256_set1_epi64x(cubes.square_add as i64);
    let square_shift = _mm_cvtsi32_si128(cubes.square_shift as i32);
    let cube_add = _mm256_set1_epi64x(cubes.cube_add as i64);
    let cube_shift = _mm_cvtsi32_si128(cubes.cube_shift as i32);
    // Wrapping 64-bit cube of the magnitudes in the even 32-bit lanes of `m`; the square
    // may reach 2^32 (for a magnitude of 2^31), so its high half counts too.
    let cube = |m: __m256i| {
        let square = _mm256_srl_epi64(
            _mm256_add_epi64(_mm256_mul_epu32(m, m), square_add),
            square_shift,
        );
        let high = _mm256_slli_epi64::<32>(_mm256_mul_epu32(_mm256_srli_epi64::<32>(square), m));
        let product = _mm256_add_epi64(_mm256_mul_epu32(square, m), high);
        _mm256_srl_epi64(_mm256_add_epi64(product, cube_add), cube_shift)
    };
    rows.map(|row| {
        let n = row.len();
        let mut acc = _mm256_setzero_si256();
        let mut j = 0;
        while j + 8 <= n {
            let m = _mm256_abs_epi32(load(row.as_ptr().add(j)));
            let both = _mm256_add_epi64(cube(m), cube(_mm256_srli_epi64::<32>(m)));
            acc = _mm256_add_epi64(acc, both);
            j += 8;
        }
        let tail = row[j..]
            .iter()
            .fold(0u64, |a, &c| a.wrapping_add(cubes.cube(c)));
        (sum_i64(acc) as u64).wrapping_add(tail)
    })
}
