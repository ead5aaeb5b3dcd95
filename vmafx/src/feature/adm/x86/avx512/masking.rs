//! AVX-512 weighting, masking and denominator rows: the AVX2 arithmetic (see
//! `avx2::masking`) on twice the lanes, with true 64-bit arithmetic shifts.

use std::arch::x86_64::*;
use std::ops::Range;

use super::{in_order, load, load_half, store, tap_pair};
use crate::feature::adm::denominator::CoarseCubes;
use crate::feature::adm::masking::{half_of, CoarseArithmetic, FineArithmetic};
use crate::feature::adm::x86::{avx2, block_starts, covered, inner_blocks};

/// The finest level's weighting of 32 coefficients of orientation `o` in 16-bit lanes
/// (see `avx2::masking::fine_weighted`).
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn fine_weighted(c: __m512i, w: u16, o: usize) -> __m512i {
    let high_bit = _mm512_set1_epi16(if w >= 0x8000 { -1 } else { 0 });
    let wide = _mm512_and_si512(c, high_bit);
    if o < 2 {
        let low = _mm512_set1_epi16((w & 0x7fff) as i16);
        return _mm512_add_epi16(_mm512_mulhrs_epi16(low, c), wide);
    }
    let ws = _mm512_set1_epi16(w as i16);
    let hi = _mm512_add_epi16(_mm512_mulhi_epi16(ws, c), wide);
    let lo_zero = _mm512_cmpeq_epi16_mask(_mm512_mullo_epi16(ws, c), _mm512_setzero_si512());
    let carried = _mm512_mask_add_epi16(hi, !lo_zero, hi, _mm512_set1_epi16(1));
    _mm512_srai_epi16::<1>(carried)
}

/// Neighbour and self shares of 16-bit weighted values (see `avx2::masking::fine_shares`).
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn fine_shares(weighted: __m512i) -> (__m512i, __m512i) {
    let m = _mm512_abs_epi16(weighted);
    let share = _mm512_add_epi16(
        m,
        _mm512_abs_epi16(_mm512_mulhrs_epi16(m, _mm512_set1_epi16(2184))),
    );
    let self_share = _mm512_add_epi16(
        _mm512_add_epi16(m, m),
        _mm512_abs_epi16(_mm512_mulhrs_epi16(m, _mm512_set1_epi16(4368))),
    );
    (share, self_share)
}

/// Finest-level weighting of one masker row into share sums and centre corrections.
///
/// # Safety
/// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
pub(in crate::feature::adm::x86) unsafe fn weigh_fine(
    arith: &FineArithmetic,
    masker: [&[i16]; 3],
    sums: &mut [i32],
    centre: &mut [i32],
) {
    let n = sums.len();
    assert!(masker.iter().all(|m| m.len() == n) && centre.len() == n);
    let ones = tap_pair(1, 1);
    let first = tap_pair(1, 0);
    let difference = tap_pair(-1, 1);
    for j in block_starts(n, 32) {
        let mut shares = [_mm512_setzero_si512(); 3];
        let mut selves = [_mm512_setzero_si512(); 3];
        for o in 0..3 {
            let c = load(masker[o].as_ptr().add(j));
            (shares[o], selves[o]) = fine_shares(fine_weighted(c, arith.weights[o], o));
        }
        let mut sum = [_mm512_setzero_si512(); 2];
        let mut own = [_mm512_setzero_si512(); 2];
        for h in 0..2 {
            let unpack = |a: __m512i, b: __m512i| {
                if h == 0 {
                    _mm512_unpacklo_epi16(a, b)
                } else {
                    _mm512_unpackhi_epi16(a, b)
                }
            };
            let hv = _mm512_madd_epi16(unpack(shares[0], shares[1]), ones);
            let diagonal = unpack(shares[2], selves[2]);
            sum[h] = _mm512_add_epi32(hv, _mm512_madd_epi16(diagonal, first));
            let hv_selves = _mm512_madd_epi16(unpack(selves[0], selves[1]), ones);
            let corrections = _mm512_madd_epi16(diagonal, difference);
            own[h] = _mm512_add_epi32(_mm512_sub_epi32(hv_selves, hv), corrections);
        }
        for (dst, pair) in [(&mut *sums, sum), (&mut *centre, own)] {
            let (a, b) = in_order(pair[0], pair[1]);
            store(dst.as_mut_ptr().add(j), a);
            store(dst.as_mut_ptr().add(j + 16), b);
        }
    }
    let j = covered(n, 32);
    avx2::masking::weigh_fine(
        arith,
        masker.map(|m| &m[j..]),
        &mut sums[j..],
        &mut centre[j..],
    );
}

/// Coarse weighting `(w * c + 2^27) >> 28` of sixteen lanes, in 32 bits (`big` corrects
/// weights of 2^31 or more, read as signed).
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn coarse_weighted(c: __m512i, w: __m512i, big: __m512i) -> __m512i {
    let round = _mm512_set1_epi64(1 << 27);
    let product = |c: __m512i| {
        let correction = _mm512_and_si512(_mm512_slli_epi64::<32>(c), big);
        _mm512_add_epi64(_mm512_add_epi64(_mm512_mul_epi32(c, w), correction), round)
    };
    let even = _mm512_srli_epi64::<28>(product(c));
    let odd = _mm512_srli_epi64::<28>(product(_mm512_srli_epi64::<32>(c)));
    _mm512_mask_blend_epi32(0xaaaa, even, _mm512_slli_epi64::<32>(odd))
}

/// `(k * |weighted| + SHARE_ROUND) >> 32` of sixteen lanes.
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn coarse_share(magnitude: __m512i, k: i32) -> __m512i {
    let k = _mm512_set1_epi64(i64::from(k));
    let round = _mm512_set1_epi64(CoarseArithmetic::SHARE_ROUND);
    let even = _mm512_add_epi64(_mm512_mul_epi32(magnitude, k), round);
    let odd = _mm512_add_epi64(
        _mm512_mul_epi32(_mm512_srli_epi64::<32>(magnitude), k),
        round,
    );
    _mm512_mask_blend_epi32(0xaaaa, _mm512_srli_epi64::<32>(even), odd)
}

/// The Q32 weights of a coarse level, as (signed lanes, correction masks).
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn coarse_weights(arith: &CoarseArithmetic) -> [(__m512i, __m512i); 3] {
    arith.weights.map(|w| {
        let big = if w >= 1 << 31 { -1 } else { 0 };
        (
            _mm512_set1_epi64(i64::from(w as i32)),
            _mm512_set1_epi64(big),
        )
    })
}

/// Coarse weighting of one masker row into share sums and centre corrections.
///
/// # Safety
/// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
pub(in crate::feature::adm::x86) unsafe fn weigh_coarse(
    arith: &CoarseArithmetic,
    masker: [&[i32]; 3],
    sums: &mut [i32],
    centre: &mut [i32],
) {
    let n = sums.len();
    assert!(masker.iter().all(|m| m.len() == n) && centre.len() == n);
    let weights = coarse_weights(arith);
    for j in block_starts(n, 16) {
        let mut sum = _mm512_setzero_si512();
        let mut own = _mm512_setzero_si512();
        for (band, (w, big)) in masker.iter().zip(weights) {
            let weighted = coarse_weighted(load(band.as_ptr().add(j)), w, big);
            let magnitude = _mm512_abs_epi32(weighted);
            let share = coarse_share(magnitude, 143_165_577);
            sum = _mm512_add_epi32(sum, share);
            let correction = _mm512_sub_epi32(coarse_share(magnitude, 286_331_153), share);
            own = _mm512_add_epi32(own, correction);
        }
        store(sums.as_mut_ptr().add(j), sum);
        store(centre.as_mut_ptr().add(j), own);
    }
    let j = covered(n, 16);
    avx2::masking::weigh_coarse(
        arith,
        masker.map(|m| &m[j..]),
        &mut sums[j..],
        &mut centre[j..],
    );
}

/// Per column, the sum of three rows of share sums.
///
/// # Safety
/// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
pub(in crate::feature::adm::x86) unsafe fn column_sums3(rows: [&[i32]; 3], out: &mut [i32]) {
    let n = out.len();
    assert!(rows.iter().all(|r| r.len() == n));
    for j in block_starts(n, 16) {
        let [a, b, c] = rows.map(|r| load(r.as_ptr().add(j)));
        store(
            out.as_mut_ptr().add(j),
            _mm512_add_epi32(_mm512_add_epi32(a, b), c),
        );
    }
    let j = covered(n, 16);
    avx2::masking::column_sums3(rows.map(|r| &r[j..]), &mut out[j..]);
}

/// The 3x3 thresholds of columns `j..j + 16` (all with both neighbours in the row).
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn thresholds(column_sums: &[i32], centre: &[i32], j: usize) -> __m512i {
    let p = column_sums.as_ptr().add(j);
    let around = _mm512_add_epi32(load(p.sub(1)), _mm512_add_epi32(load(p), load(p.add(1))));
    _mm512_add_epi32(around, load(centre.as_ptr().add(j)))
}

/// Cubing constants of one orientation.
#[derive(Clone, Copy)]
struct Cubing {
    square_add: __m512i,
    square_shift: __m128i,
    cube_add: __m512i,
    cube_shift: __m128i,
}

impl Cubing {
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn new(square_shift: u32, cube_shift: u32) -> Self {
        Self {
            square_add: _mm512_set1_epi64(1 << (square_shift - 1)),
            square_shift: _mm_cvtsi32_si128(square_shift as i32),
            cube_add: _mm512_set1_epi64(half_of(cube_shift)),
            cube_shift: _mm_cvtsi32_si128(cube_shift as i32),
        }
    }

    /// Adds the rounded cubes of sixteen non-negative excesses to `acc`.
    #[inline]
    #[target_feature(enable = "avx512f")]
    unsafe fn accumulate(&self, acc: __m512i, x: __m512i) -> __m512i {
        let cube = |x: __m512i| {
            let square = _mm512_srl_epi64(
                _mm512_add_epi64(_mm512_mul_epu32(x, x), self.square_add),
                self.square_shift,
            );
            let product = _mm512_mul_epi32(square, x);
            _mm512_sra_epi64(_mm512_add_epi64(product, self.cube_add), self.cube_shift)
        };
        let both = _mm512_add_epi64(cube(x), cube(_mm512_srli_epi64::<32>(x)));
        _mm512_add_epi64(acc, both)
    }
}

/// Finest-level masked energy of one row over `cols`.
///
/// # Safety
/// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
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
    let (start, end) = inner_blocks(&cols, width, 16);
    let cubing: [Cubing; 3] =
        std::array::from_fn(|o| Cubing::new(FineArithmetic::SQUARE_SHIFT[o], arith.cube_shift[o]));
    let weights = arith.weights.map(|w| _mm512_set1_epi32(i32::from(w)));
    let threshold_shift = FineArithmetic::THRESHOLD_SHIFT.map(|s| _mm_cvtsi32_si128(s as i32));
    let mut acc = [_mm512_setzero_si512(); 3];
    let mut j = start;
    while j < end {
        let threshold = thresholds(column_sums, centre, j);
        for o in 0..3 {
            let c = _mm512_cvtepi16_epi32(load_half(target[o].as_ptr().add(j)));
            let x = _mm512_abs_epi32(_mm512_mullo_epi32(c, weights[o]));
            let x = _mm512_sub_epi32(x, _mm512_sll_epi32(threshold, threshold_shift[o]));
            let x = _mm512_max_epi32(x, _mm512_setzero_si512());
            acc[o] = cubing[o].accumulate(acc[o], x);
        }
        j += 16;
    }
    let head = avx2::masking::masked_fine(arith, column_sums, centre, target, cols.start..start);
    let tail = avx2::masking::masked_fine(arith, column_sums, centre, target, end..cols.end);
    std::array::from_fn(|o| {
        _mm512_reduce_add_epi64(acc[o])
            .wrapping_add(head[o])
            .wrapping_add(tail[o])
    })
}

/// Coarse masked energy of one row over `cols`.
///
/// # Safety
/// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
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
    let (start, end) = inner_blocks(&cols, width, 16);
    let cubing = Cubing::new(30, arith.cube_shift);
    let weights = coarse_weights(arith);
    let mut acc = [_mm512_setzero_si512(); 3];
    let mut j = start;
    while j < end {
        let threshold = thresholds(column_sums, centre, j);
        for o in 0..3 {
            let (w, big) = weights[o];
            let weighted = coarse_weighted(load(target[o].as_ptr().add(j)), w, big);
            let x = _mm512_sub_epi32(_mm512_abs_epi32(weighted), threshold);
            let x = _mm512_max_epi32(x, _mm512_setzero_si512());
            acc[o] = cubing.accumulate(acc[o], x);
        }
        j += 16;
    }
    let head = avx2::masking::masked_coarse(arith, column_sums, centre, target, cols.start..start);
    let tail = avx2::masking::masked_coarse(arith, column_sums, centre, target, end..cols.end);
    std::array::from_fn(|o| {
        _mm512_reduce_add_epi64(acc[o])
            .wrapping_add(head[o])
            .wrapping_add(tail[o])
    })
}

/// Finest-level cube sums of one reference row per orientation.
///
/// # Safety
/// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
pub(in crate::feature::adm::x86) unsafe fn cubes_fine(rows: [&[i16]; 3]) -> [u64; 3] {
    let n = rows[0].len();
    let mut acc = [_mm512_setzero_si512(); 3];
    let mut j = 0;
    while j + 16 <= n {
        for (a, row) in acc.iter_mut().zip(rows) {
            let m = _mm512_abs_epi32(_mm512_cvtepi16_epi32(load_half(row.as_ptr().add(j))));
            let square = _mm512_mullo_epi32(m, m);
            let even = _mm512_mul_epu32(square, m);
            let odd = _mm512_mul_epu32(_mm512_srli_epi64::<32>(square), _mm512_srli_epi64::<32>(m));
            *a = _mm512_add_epi64(*a, _mm512_add_epi64(even, odd));
        }
        j += 16;
    }
    let tail = avx2::masking::cubes_fine(rows.map(|r| &r[j..]));
    std::array::from_fn(|o| (_mm512_reduce_add_epi64(acc[o]) as u64).wrapping_add(tail[o]))
}

/// Coarse cube sums of one reference row per orientation.
///
/// # Safety
/// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
pub(in crate::feature::adm::x86) unsafe fn cubes_coarse(
    rows: [&[i32]; 3],
    cubes: &CoarseCubes,
) -> [u64; 3] {
    let square_add = _mm512_set1_epi64(cubes.square_add as i64);
    let square_shift = _mm_cvtsi32_si128(cubes.square_shift as i32);
    let cube_add = _mm512_set1_epi64(cubes.cube_add as i64);
    let cube_shift = _mm_cvtsi32_si128(cubes.cube_shift as i32);
    // The square may reach 2^32 (for a magnitude of 2^31): its high half counts too.
    let cube = |m: __m512i| {
        let square = _mm512_srl_epi64(
            _mm512_add_epi64(_mm512_mul_epu32(m, m), square_add),
            square_shift,
        );
        let high = _mm512_slli_epi64::<32>(_mm512_mul_epu32(_mm512_srli_epi64::<32>(square), m));
        let product = _mm512_add_epi64(_mm512_mul_epu32(square, m), high);
        _mm512_srl_epi64(_mm512_add_epi64(product, cube_add), cube_shift)
    };
    let n = rows[0].len();
    let mut acc = [_mm512_setzero_si512(); 3];
    let mut j = 0;
    while j + 16 <= n {
        for (a, row) in acc.iter_mut().zip(rows) {
            let m = _mm512_abs_epi32(load(row.as_ptr().add(j)));
            let both = _mm512_add_epi64(cube(m), cube(_mm512_srli_epi64::<32>(m)));
            *a = _mm512_add_epi64(*a, both);
        }
        j += 16;
    }
    let tail = avx2::masking::cubes_coarse(rows.map(|r| &r[j..]), cubes);
    std::array::from_fn(|o| (_mm512_reduce_add_epi64(acc[o]) as u64).wrapping_add(tail[o]))
}
