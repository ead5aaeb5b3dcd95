//! AVX2 wavelet rows. Vertical passes interleave two source rows and filter pairs with
//! `madd`; horizontal passes read the padded row at `2j` and `2j + 2`, whose adjacent
//! pairs are exactly the two tap pairs of output `j`.

use std::arch::x86_64::*;

use super::{load, store, tap_pair};
use crate::feature::adm::dwt::Rounding;
use crate::feature::adm::rows::{self, BandRows, SplitRows};
use crate::feature::adm::tables::{DB2_HI, DB2_LO, DB2_LO_SUM};
use crate::feature::adm::x86::{block_starts, covered};

/// The filters' taps as pairs: (low 0-1, low 2-3, high 0-1, high 2-3).
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn pair_taps() -> [__m256i; 4] {
    [
        tap_pair(DB2_LO[0], DB2_LO[1]),
        tap_pair(DB2_LO[2], DB2_LO[3]),
        tap_pair(DB2_HI[0], DB2_HI[1]),
        tap_pair(DB2_HI[2], DB2_HI[3]),
    ]
}

/// Exact low- and high-pass sums of four rows of 16 signed 16-bit samples whose sums fit
/// 32 bits, in unpack order: ((low a, low b), (high a, high b)).
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn vertical_sums(r: [__m256i; 4], t: &[__m256i; 4]) -> [[__m256i; 2]; 2] {
    let p01 = [
        _mm256_unpacklo_epi16(r[0], r[1]),
        _mm256_unpackhi_epi16(r[0], r[1]),
    ];
    let p23 = [
        _mm256_unpacklo_epi16(r[2], r[3]),
        _mm256_unpackhi_epi16(r[2], r[3]),
    ];
    let filter = |a: __m256i, b: __m256i, f: usize| {
        _mm256_add_epi32(_mm256_madd_epi16(a, t[f]), _mm256_madd_epi16(b, t[f + 1]))
    };
    [
        [filter(p01[0], p23[0], 0), filter(p01[1], p23[1], 0)],
        [filter(p01[0], p23[0], 2), filter(p01[1], p23[1], 2)],
    ]
}

/// The finest level's rounding of vertical sums: add, shift by `bits`, back to 16 bits
/// (the values fit, see the callers).
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn round_pack(sums: [__m256i; 2], add: __m256i, bits: __m128i) -> __m256i {
    let a = _mm256_sra_epi32(_mm256_add_epi32(sums[0], add), bits);
    let b = _mm256_sra_epi32(_mm256_add_epi32(sums[1], add), bits);
    _mm256_packs_epi32(a, b)
}

/// Rounding constants of the finest vertical pass: (low-pass add, high-pass add, shift).
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn fine_rounding(bits: u32) -> (__m256i, __m256i, __m128i) {
    let half = 1i32 << (bits - 1);
    let low_add = half.wrapping_sub(DB2_LO_SUM.wrapping_mul(half));
    (
        _mm256_set1_epi32(low_add),
        _mm256_set1_epi32(half),
        _mm_cvtsi32_si128(bits as i32),
    )
}

/// Finest vertical pass of 8-bit rows.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub(in crate::feature::adm::x86) unsafe fn fine_vertical_u8(
    rows: [&[u8]; 4],
    bits: u32,
    lo: &mut [i16],
    hi: &mut [i16],
) {
    let n = lo.len();
    assert!(rows.iter().all(|r| r.len() >= n) && hi.len() == n);
    let taps = pair_taps();
    let (low_add, high_add, shift) = fine_rounding(bits);
    // 8-bit sums stay far inside 32 bits and their rounded values inside 16 bits.
    for j in block_starts(n, 16) {
        let r = rows.map(|row| _mm256_cvtepu8_epi16(_mm_loadu_si128(row.as_ptr().add(j).cast())));
        let [low, high] = vertical_sums(r, &taps);
        store(lo.as_mut_ptr().add(j), round_pack(low, low_add, shift));
        store(hi.as_mut_ptr().add(j), round_pack(high, high_add, shift));
    }
    let j = covered(n, 16);
    rows::fine_vertical(rows, bits, lo, hi, j);
}

/// Finest vertical pass of 9- to 16-bit rows. Blocks whose samples all fit `bits` (at most
/// 15) take the `madd` path, whose values are then those of the wrapping scalar sums;
/// other blocks wrap in 32-bit lanes like the scalar code.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub(in crate::feature::adm::x86) unsafe fn fine_vertical_u16(
    rows: [&[u16]; 4],
    bits: u32,
    lo: &mut [i16],
    hi: &mut [i16],
) {
    let n = lo.len();
    assert!(rows.iter().all(|r| r.len() >= n) && hi.len() == n);
    let taps = pair_taps();
    let (low_add, high_add, shift) = fine_rounding(bits);
    let out_of_range = _mm256_set1_epi16(if bits >= 16 {
        -1
    } else {
        !(((1i32 << bits) - 1) as i16)
    });
    for j in block_starts(n, 16) {
        let r = rows.map(|row| load(row.as_ptr().add(j)));
        let any = _mm256_or_si256(_mm256_or_si256(r[0], r[1]), _mm256_or_si256(r[2], r[3]));
        if _mm256_testz_si256(any, out_of_range) == 1 {
            let [low, high] = vertical_sums(r, &taps);
            store(lo.as_mut_ptr().add(j), round_pack(low, low_add, shift));
            store(hi.as_mut_ptr().add(j), round_pack(high, high_add, shift));
        } else {
            for half in [j, j + 8] {
                let (l, h) = wrapping_vertical(rows, half, low_add, high_add, shift);
                _mm_storeu_si128(lo.as_mut_ptr().add(half).cast(), l);
                _mm_storeu_si128(hi.as_mut_ptr().add(half).cast(), h);
            }
        }
    }
    let j = covered(n, 16);
    rows::fine_vertical(rows, bits, lo, hi, j);
}

/// Eight columns of the finest vertical pass for any 16-bit samples: wrapping 32-bit
/// products and sums, and the low 16 bits of the shifted values.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn wrapping_vertical(
    rows: [&[u16]; 4],
    j: usize,
    low_add: __m256i,
    high_add: __m256i,
    shift: __m128i,
) -> (__m128i, __m128i) {
    let s = rows.map(|row| _mm256_cvtepu16_epi32(_mm_loadu_si128(row.as_ptr().add(j).cast())));
    let filter = |taps: &[i32; 4], add: __m256i| {
        let mut acc = add;
        for k in 0..4 {
            acc = _mm256_add_epi32(acc, _mm256_mullo_epi32(s[k], _mm256_set1_epi32(taps[k])));
        }
        // Keep the low 16 bits, sign-extended, so that the pack does not saturate.
        let shifted = _mm256_sra_epi32(acc, shift);
        let low16 = _mm256_srai_epi32::<16>(_mm256_slli_epi32::<16>(shifted));
        let packed = _mm256_packs_epi32(low16, low16);
        _mm256_castsi256_si128(_mm256_permute4x64_epi64::<0b1000>(packed))
    };
    (filter(&DB2_LO, low_add), filter(&DB2_HI, high_add))
}

/// `(v + 32768) >> 16` of two vectors of eight outputs, packed to 16 outputs in order.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn round_pack_outputs(a: __m256i, b: __m256i) -> __m256i {
    let round = _mm256_set1_epi32(32768);
    let a = _mm256_srai_epi32::<16>(_mm256_add_epi32(a, round));
    let b = _mm256_srai_epi32::<16>(_mm256_add_epi32(b, round));
    _mm256_permute4x64_epi64::<0b1101_1000>(_mm256_packs_epi32(a, b))
}

/// Finest horizontal pass of the padded vertical outputs.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub(in crate::feature::adm::x86) unsafe fn fine_horizontal(
    lo: &[i16],
    hi: &[i16],
    mut out: BandRows<'_, i16>,
) {
    let n = out.len();
    assert!(lo.len() >= 2 * n + 2 && hi.len() == lo.len());
    assert!(out.detail.iter().all(|d| d.len() == n));
    let t = pair_taps();
    // Eight outputs of one filter from the pairs at 2j and 2j + 2.
    let filter = |src: &[i16], j: usize, f: usize| {
        let a = load(src.as_ptr().add(2 * j));
        let b = load(src.as_ptr().add(2 * j + 2));
        _mm256_add_epi32(_mm256_madd_epi16(a, t[f]), _mm256_madd_epi16(b, t[f + 1]))
    };
    // The last load ends at 2j + 33 = 2(j + 15) + 3, the last input output j + 15 reads.
    for j in block_starts(n, 16) {
        let outputs = [(lo, 0, 0), (hi, 0, 1), (lo, 2, 2), (hi, 2, 3)];
        for (src, f, slot) in outputs {
            let v = round_pack_outputs(filter(src, j, f), filter(src, j + 8, f));
            let dst = match slot {
                0 => out.approx.as_mut_ptr(),
                s => out.detail[s - 1].as_mut_ptr(),
            };
            store(dst.add(j), v);
        }
    }
    let j = covered(n, 16);
    rows::fine_horizontal(lo, hi, out.reborrow(), j);
}

/// Splits 32-bit lanes into their high halves and their low halves offset by 2^15 (see
/// `rows::split`), packed to 16 bits: for `a`, `b` in unpack order the result is in order.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn split_pack(a: __m256i, b: __m256i) -> (__m256i, __m256i) {
    let high = _mm256_packs_epi32(_mm256_srai_epi32::<16>(a), _mm256_srai_epi32::<16>(b));
    let offset = _mm256_set1_epi32(0x8000);
    // Sign-extended low halves, so that the pack keeps them as they are.
    let low_of =
        |v: __m256i| _mm256_srai_epi32::<16>(_mm256_slli_epi32::<16>(_mm256_xor_si256(v, offset)));
    (high, _mm256_packs_epi32(low_of(a), low_of(b)))
}

/// Stores a split pair at column `j` of the rows `high` and `low`.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn store_split(high: &mut [i16], low: &mut [i16], j: usize, (h, l): (__m256i, __m256i)) {
    store(high.as_mut_ptr().add(j), h);
    store(low.as_mut_ptr().add(j), l);
}

/// First coarse vertical pass (16-bit approximations, exact 32-bit sums), into split rows.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub(in crate::feature::adm::x86) unsafe fn coarse_vertical_i16(
    rows: [&[i16]; 4],
    out: SplitRows<'_>,
) {
    let n = out[0].len();
    assert!(rows.iter().all(|r| r.len() >= n) && out.iter().all(|o| o.len() == n));
    let [lo_high, lo_low, hi_high, hi_low] = out;
    let taps = pair_taps();
    // |sum| <= 54822 * 32768 < 2^31: the 32-bit sums are the exact 64-bit ones.
    for j in block_starts(n, 16) {
        let r = rows.map(|row| load(row.as_ptr().add(j)));
        let [low, high] = vertical_sums(r, &taps);
        store_split(lo_high, lo_low, j, split_pack(low[0], low[1]));
        store_split(hi_high, hi_low, j, split_pack(high[0], high[1]));
    }
    let j = covered(n, 16);
    let exact = Rounding { add: 0, shift: 0 };
    let rest = [lo_high, lo_low, hi_high, hi_low].map(|o| &mut o[j..]);
    rows::coarse_vertical(rows.map(|r| &r[j..]), exact, rest, 0);
}

/// Eight columns of a coarser vertical pass: exact 64-bit sums of 32-bit rows, rounded
/// and truncated to 32 bits, for the low- and high-pass filters.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn vertical_i32x8(
    rows: [&[i32]; 4],
    j: usize,
    add: __m256i,
    shift: __m128i,
) -> [__m256i; 2] {
    let even = rows.map(|row| load(row.as_ptr().add(j)));
    let odd = even.map(|v| _mm256_srli_epi64::<32>(v));
    [&DB2_LO, &DB2_HI].map(|taps| {
        let (mut e, mut o) = (add, add);
        for k in 0..4 {
            let tap = _mm256_set1_epi64x(i64::from(taps[k]));
            e = _mm256_add_epi64(e, _mm256_mul_epi32(even[k], tap));
            o = _mm256_add_epi64(o, _mm256_mul_epi32(odd[k], tap));
        }
        // Low 32 bits of the shifted sums: the same for logical and arithmetic shifts.
        let e = _mm256_srl_epi64(e, shift);
        let o = _mm256_slli_epi64::<32>(_mm256_srl_epi64(o, shift));
        _mm256_blend_epi32::<0b1010_1010>(e, o)
    })
}

/// Coarser vertical passes (32-bit approximations, 64-bit sums), into split rows.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub(in crate::feature::adm::x86) unsafe fn coarse_vertical_i32(
    rows: [&[i32]; 4],
    round: Rounding,
    out: SplitRows<'_>,
) {
    let n = out[0].len();
    assert!(rows.iter().all(|r| r.len() >= n) && out.iter().all(|o| o.len() == n));
    assert!(round.shift <= 32);
    let [lo_high, lo_low, hi_high, hi_low] = out;
    let (add, shift) = (
        _mm256_set1_epi64x(round.add),
        _mm_cvtsi32_si128(round.shift as i32),
    );
    for j in block_starts(n, 16) {
        let [lo_a, hi_a] = vertical_i32x8(rows, j, add, shift);
        let [lo_b, hi_b] = vertical_i32x8(rows, j + 8, add, shift);
        // In order after the pack's lane interleave is undone.
        let order = |(h, l): (__m256i, __m256i)| {
            (
                _mm256_permute4x64_epi64::<0b1101_1000>(h),
                _mm256_permute4x64_epi64::<0b1101_1000>(l),
            )
        };
        store_split(lo_high, lo_low, j, order(split_pack(lo_a, lo_b)));
        store_split(hi_high, hi_low, j, order(split_pack(hi_a, hi_b)));
    }
    let j = covered(n, 16);
    let rest = [lo_high, lo_low, hi_high, hi_low].map(|o| &mut o[j..]);
    rows::coarse_vertical(rows.map(|r| &r[j..]), round, rest, 0);
}

/// Constants of the coarse horizontal pass on split inputs, for a filter with tap sum
/// `tap_sum` and rounding `round`: with inputs 2^16 h + l' + 2^15, the rounded sum is
/// `(A << (16 - s)) + K + ((B + add) >> s)` for the filtered highs A and lows B, where
/// K = 2^15 * tap_sum / 2^s is exact for both filters and both shifts (15 and 16). All
/// terms fit 32 bits and their wrapping sum is the truncation of the 64-bit result.
pub(in crate::feature::adm::x86) fn split_constants(
    tap_sum: i32,
    round: Rounding,
) -> (i32, u32, i32) {
    assert!(
        round.shift == 15 || round.shift == 16,
        "horizontal shifts are 15 or 16"
    );
    let k = (32768i64 * i64::from(tap_sum)) >> round.shift;
    debug_assert_eq!(k << round.shift, 32768 * i64::from(tap_sum));
    (k as i32, 16 - round.shift, round.add as i32)
}

/// Eight outputs of one coarse filter from split rows (`high`, `low`) at output `j`.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn split_filter(
    (high, low): (&[i16], &[i16]),
    j: usize,
    taps: (__m256i, __m256i),
    (k, up, add, down): (__m256i, __m128i, __m256i, __m128i),
) -> __m256i {
    let filter = |src: &[i16]| {
        let a = load(src.as_ptr().add(2 * j));
        let b = load(src.as_ptr().add(2 * j + 2));
        _mm256_add_epi32(_mm256_madd_epi16(a, taps.0), _mm256_madd_epi16(b, taps.1))
    };
    let scaled = _mm256_sll_epi32(filter(high), up);
    let rounded = _mm256_sra_epi32(_mm256_add_epi32(filter(low), add), down);
    _mm256_add_epi32(_mm256_add_epi32(scaled, k), rounded)
}

/// Coarse horizontal pass of the split, padded vertical outputs.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub(in crate::feature::adm::x86) unsafe fn coarse_horizontal(
    tmp: [&[i16]; 4],
    round: Rounding,
    mut out: BandRows<'_, i32>,
) {
    let n = out.len();
    assert!(tmp.iter().all(|t| t.len() >= 2 * n + 2));
    assert!(out.detail.iter().all(|d| d.len() == n));
    let t = pair_taps();
    let constants = |tap_sum: i32| {
        let (k, up, add) = split_constants(tap_sum, round);
        (
            _mm256_set1_epi32(k),
            _mm_cvtsi32_si128(up as i32),
            _mm256_set1_epi32(add),
            _mm_cvtsi32_si128(round.shift as i32),
        )
    };
    let (low_pass, high_pass) = (constants(DB2_LO_SUM), constants(0));
    let [lo_high, lo_low, hi_high, hi_low] = tmp;
    let (lo, hi) = ((lo_high, lo_low), (hi_high, hi_low));
    // The last loads end at 2j + 17 = 2(j + 7) + 3.
    for j in block_starts(n, 8) {
        let outputs = [
            (lo, (t[0], t[1]), low_pass),
            (hi, (t[0], t[1]), low_pass),
            (lo, (t[2], t[3]), high_pass),
            (hi, (t[2], t[3]), high_pass),
        ];
        for (slot, (src, taps, consts)) in outputs.into_iter().enumerate() {
            let dst = match slot {
                0 => out.approx.as_mut_ptr(),
                s => out.detail[s - 1].as_mut_ptr(),
            };
            store(dst.add(j), split_filter(src, j, taps, consts));
        }
    }
    let j = covered(n, 8);
    rows::coarse_horizontal(tmp, round, out.reborrow(), j);
}
