//! AVX-512 wavelet rows: the AVX2 scheme (see `avx2::dwt`) on twice the lanes.

use std::arch::x86_64::*;

use super::{load, load_half, store, store_half, tap_pair};
use crate::feature::adm::dwt::Rounding;
use crate::feature::adm::rows::{BandRows, SplitRows};
use crate::feature::adm::tables::{DB2_HI, DB2_LO, DB2_LO_SUM};
use crate::feature::adm::x86::{avx2, block_starts, covered};

/// The filters' taps as pairs: (low 0-1, low 2-3, high 0-1, high 2-3).
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn pair_taps() -> [__m512i; 4] {
    [
        tap_pair(DB2_LO[0], DB2_LO[1]),
        tap_pair(DB2_LO[2], DB2_LO[3]),
        tap_pair(DB2_HI[0], DB2_HI[1]),
        tap_pair(DB2_HI[2], DB2_HI[3]),
    ]
}

/// Exact low- and high-pass sums of four rows of 32 signed 16-bit samples whose sums fit
/// 32 bits, in unpack order.
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn vertical_sums(r: [__m512i; 4], t: &[__m512i; 4]) -> [[__m512i; 2]; 2] {
    let p01 = [
        _mm512_unpacklo_epi16(r[0], r[1]),
        _mm512_unpackhi_epi16(r[0], r[1]),
    ];
    let p23 = [
        _mm512_unpacklo_epi16(r[2], r[3]),
        _mm512_unpackhi_epi16(r[2], r[3]),
    ];
    let mut sums = [[_mm512_setzero_si512(); 2]; 2];
    for (filter, pair) in sums.iter_mut().enumerate() {
        for h in 0..2 {
            pair[h] = _mm512_add_epi32(
                _mm512_madd_epi16(p01[h], t[2 * filter]),
                _mm512_madd_epi16(p23[h], t[2 * filter + 1]),
            );
        }
    }
    sums
}

/// The finest level's rounding of vertical sums, back to 16 bits.
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn round_pack(sums: [__m512i; 2], add: __m512i, bits: __m128i) -> __m512i {
    let a = _mm512_sra_epi32(_mm512_add_epi32(sums[0], add), bits);
    let b = _mm512_sra_epi32(_mm512_add_epi32(sums[1], add), bits);
    _mm512_packs_epi32(a, b)
}

/// Rounding constants of the finest vertical pass: (low-pass add, high-pass add, shift).
#[inline]
#[target_feature(enable = "avx512f")]
unsafe fn fine_rounding(bits: u32) -> (__m512i, __m512i, __m128i) {
    let half = 1i32 << (bits - 1);
    let low_add = half.wrapping_sub(DB2_LO_SUM.wrapping_mul(half));
    (
        _mm512_set1_epi32(low_add),
        _mm512_set1_epi32(half),
        _mm_cvtsi32_si128(bits as i32),
    )
}

/// Finest vertical pass of 8-bit rows.
///
/// # Safety
/// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
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
    for j in block_starts(n, 32) {
        let r = rows.map(|row| _mm512_cvtepu8_epi16(load_half(row.as_ptr().add(j))));
        let [low, high] = vertical_sums(r, &taps);
        store(lo.as_mut_ptr().add(j), round_pack(low, low_add, shift));
        store(hi.as_mut_ptr().add(j), round_pack(high, high_add, shift));
    }
    let j = covered(n, 32);
    avx2::dwt::fine_vertical_u8(rows.map(|r| &r[j..]), bits, &mut lo[j..], &mut hi[j..]);
}

/// Finest vertical pass of 9- to 16-bit rows (in-range blocks through `madd`, others
/// wrapping in 32-bit lanes, as in the AVX2 kernel).
///
/// # Safety
/// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
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
    let range = if bits >= 16 {
        -1
    } else {
        !(((1i32 << bits) - 1) as i16)
    };
    let out_of_range = _mm512_set1_epi16(range);
    for j in block_starts(n, 32) {
        let r = rows.map(|row| load(row.as_ptr().add(j)));
        let any = _mm512_or_si512(_mm512_or_si512(r[0], r[1]), _mm512_or_si512(r[2], r[3]));
        if _mm512_test_epi16_mask(any, out_of_range) == 0 {
            let [low, high] = vertical_sums(r, &taps);
            store(lo.as_mut_ptr().add(j), round_pack(low, low_add, shift));
            store(hi.as_mut_ptr().add(j), round_pack(high, high_add, shift));
        } else {
            for part in [j, j + 16] {
                let s = rows.map(|row| _mm512_cvtepu16_epi32(load_half(row.as_ptr().add(part))));
                for (taps, add, dst) in
                    [(&DB2_LO, low_add, &mut *lo), (&DB2_HI, high_add, &mut *hi)]
                {
                    let mut acc = add;
                    for k in 0..4 {
                        let product = _mm512_mullo_epi32(s[k], _mm512_set1_epi32(taps[k]));
                        acc = _mm512_add_epi32(acc, product);
                    }
                    // Truncating conversion: the low 16 bits, as the scalar cast keeps.
                    let narrow = _mm512_cvtepi32_epi16(_mm512_sra_epi32(acc, shift));
                    store_half(dst.as_mut_ptr().add(part), narrow);
                }
            }
        }
    }
    let j = covered(n, 32);
    avx2::dwt::fine_vertical_u16(rows.map(|r| &r[j..]), bits, &mut lo[j..], &mut hi[j..]);
}

/// `(v + 32768) >> 16` of two vectors of sixteen outputs, packed to 32 in order.
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn round_pack_outputs(a: __m512i, b: __m512i) -> __m512i {
    let round = _mm512_set1_epi32(32768);
    let a = _mm512_srai_epi32::<16>(_mm512_add_epi32(a, round));
    let b = _mm512_srai_epi32::<16>(_mm512_add_epi32(b, round));
    let order = _mm512_setr_epi64(0, 2, 4, 6, 1, 3, 5, 7);
    _mm512_permutexvar_epi64(order, _mm512_packs_epi32(a, b))
}

/// Sixteen outputs of filter `f` (tap pairs `t[f]`, `t[f + 1]`) at output `j`.
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn horizontal16(src: &[i16], j: usize, t: &[__m512i; 4], f: usize) -> __m512i {
    let a = load(src.as_ptr().add(2 * j));
    let b = load(src.as_ptr().add(2 * j + 2));
    _mm512_add_epi32(_mm512_madd_epi16(a, t[f]), _mm512_madd_epi16(b, t[f + 1]))
}

/// Finest horizontal pass of the padded vertical outputs.
///
/// # Safety
/// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
pub(in crate::feature::adm::x86) unsafe fn fine_horizontal(
    lo: &[i16],
    hi: &[i16],
    out: BandRows<'_, i16>,
) {
    let n = out.len();
    assert!(lo.len() >= 2 * n + 2 && hi.len() == lo.len());
    assert!(out.detail.iter().all(|d| d.len() == n));
    let t = pair_taps();
    let BandRows {
        approx,
        detail: [h, v, d],
    } = out;
    // The last load ends at 2j + 65 = 2(j + 31) + 3.
    for j in block_starts(n, 32) {
        let outputs = [
            (lo, 0, &mut *approx),
            (hi, 0, &mut *h),
            (lo, 2, &mut *v),
            (hi, 2, &mut *d),
        ];
        for (src, f, dst) in outputs {
            let packed = round_pack_outputs(
                horizontal16(src, j, &t, f),
                horizontal16(src, j + 16, &t, f),
            );
            store(dst.as_mut_ptr().add(j), packed);
        }
    }
    let j = covered(n, 32);
    let rest = BandRows {
        approx: &mut approx[j..],
        detail: [&mut h[j..], &mut v[j..], &mut d[j..]],
    };
    avx2::dwt::fine_horizontal(&lo[2 * j..], &hi[2 * j..], rest);
}

/// Splits 32-bit lanes in unpack order into in-order 16-bit high halves and low halves
/// offset by 2^15 (see `rows::split`).
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn split_pack(a: __m512i, b: __m512i) -> (__m512i, __m512i) {
    let high = _mm512_packs_epi32(_mm512_srai_epi32::<16>(a), _mm512_srai_epi32::<16>(b));
    let offset = _mm512_set1_epi32(0x8000);
    let low_of =
        |v: __m512i| _mm512_srai_epi32::<16>(_mm512_slli_epi32::<16>(_mm512_xor_si512(v, offset)));
    (high, _mm512_packs_epi32(low_of(a), low_of(b)))
}

/// First coarse vertical pass (16-bit approximations, exact 32-bit sums), into split rows.
///
/// # Safety
/// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
pub(in crate::feature::adm::x86) unsafe fn coarse_vertical_i16(
    rows: [&[i16]; 4],
    out: SplitRows<'_>,
) {
    let n = out[0].len();
    assert!(rows.iter().all(|r| r.len() >= n) && out.iter().all(|o| o.len() == n));
    let [lo_high, lo_low, hi_high, hi_low] = out;
    let taps = pair_taps();
    for j in block_starts(n, 32) {
        let r = rows.map(|row| load(row.as_ptr().add(j)));
        let [low, high] = vertical_sums(r, &taps);
        for (sums, (h_row, l_row)) in [
            (low, (&mut *lo_high, &mut *lo_low)),
            (high, (&mut *hi_high, &mut *hi_low)),
        ] {
            let (h, l) = split_pack(sums[0], sums[1]);
            store(h_row.as_mut_ptr().add(j), h);
            store(l_row.as_mut_ptr().add(j), l);
        }
    }
    let j = covered(n, 32);
    let rest = [lo_high, lo_low, hi_high, hi_low].map(|o| &mut o[j..]);
    avx2::dwt::coarse_vertical_i16(rows.map(|r| &r[j..]), rest);
}

/// Coarser vertical passes (32-bit approximations, 64-bit sums), into split rows.
///
/// # Safety
/// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
pub(in crate::feature::adm::x86) unsafe fn coarse_vertical_i32(
    rows: [&[i32]; 4],
    round: Rounding,
    out: SplitRows<'_>,
) {
    let n = out[0].len();
    assert!(rows.iter().all(|r| r.len() >= n) && out.iter().all(|o| o.len() == n));
    assert!(round.shift <= 32);
    let [lo_high, lo_low, hi_high, hi_low] = out;
    let add = _mm512_set1_epi64(round.add);
    let shift = _mm_cvtsi32_si128(round.shift as i32);
    let offset = _mm512_set1_epi32(0x8000);
    for j in block_starts(n, 16) {
        let even = rows.map(|row| load(row.as_ptr().add(j)));
        let odd = even.map(|v| _mm512_srli_epi64::<32>(v));
        for (taps, (h_row, l_row)) in [
            (&DB2_LO, (&mut *lo_high, &mut *lo_low)),
            (&DB2_HI, (&mut *hi_high, &mut *hi_low)),
        ] {
            let (mut e, mut o) = (add, add);
            for k in 0..4 {
                let tap = _mm512_set1_epi64(i64::from(taps[k]));
                e = _mm512_add_epi64(e, _mm512_mul_epi32(even[k], tap));
                o = _mm512_add_epi64(o, _mm512_mul_epi32(odd[k], tap));
            }
            // Low 32 bits of the shifted sums: the same for logical and arithmetic shifts.
            let e = _mm512_srl_epi64(e, shift);
            let o = _mm512_slli_epi64::<32>(_mm512_srl_epi64(o, shift));
            let v = _mm512_mask_blend_epi32(0xaaaa, e, o);
            // Truncating conversions keep the low halves, as `rows::split` does.
            let high = _mm512_cvtepi32_epi16(_mm512_srai_epi32::<16>(v));
            let low = _mm512_cvtepi32_epi16(_mm512_xor_si512(v, offset));
            store_half(h_row.as_mut_ptr().add(j), high);
            store_half(l_row.as_mut_ptr().add(j), low);
        }
    }
    let j = covered(n, 16);
    let rest = [lo_high, lo_low, hi_high, hi_low].map(|o| &mut o[j..]);
    avx2::dwt::coarse_vertical_i32(rows.map(|r| &r[j..]), round, rest);
}

/// Sixteen outputs of one coarse filter from split rows at output `j` (see
/// `avx2::dwt::split_constants`).
#[inline]
#[target_feature(enable = "avx512f,avx512bw")]
unsafe fn split_filter(
    (high, low): (&[i16], &[i16]),
    j: usize,
    taps: (__m512i, __m512i),
    (k, up, add, down): (__m512i, __m128i, __m512i, __m128i),
) -> __m512i {
    let filter = |src: &[i16]| {
        let a = load(src.as_ptr().add(2 * j));
        let b = load(src.as_ptr().add(2 * j + 2));
        _mm512_add_epi32(_mm512_madd_epi16(a, taps.0), _mm512_madd_epi16(b, taps.1))
    };
    let scaled = _mm512_sll_epi32(filter(high), up);
    let rounded = _mm512_sra_epi32(_mm512_add_epi32(filter(low), add), down);
    _mm512_add_epi32(_mm512_add_epi32(scaled, k), rounded)
}

/// Coarse horizontal pass of the split, padded vertical outputs.
///
/// # Safety
/// The processor must support AVX-512 F/BW/DQ/VL and AVX2.
#[target_feature(enable = "avx512f,avx512bw,avx512dq,avx512vl,avx2")]
pub(in crate::feature::adm::x86) unsafe fn coarse_horizontal(
    tmp: [&[i16]; 4],
    round: Rounding,
    out: BandRows<'_, i32>,
) {
    let n = out.len();
    assert!(tmp.iter().all(|t| t.len() >= 2 * n + 2));
    assert!(out.detail.iter().all(|d| d.len() == n));
    let t = pair_taps();
    let constants = |tap_sum: i32| {
        let (k, up, add) = avx2::dwt::split_constants(tap_sum, round);
        (
            _mm512_set1_epi32(k),
            _mm_cvtsi32_si128(up as i32),
            _mm512_set1_epi32(add),
            _mm_cvtsi32_si128(round.shift as i32),
        )
    };
    let (low_pass, high_pass) = (constants(DB2_LO_SUM), constants(0));
    let [lo_high, lo_low, hi_high, hi_low] = tmp;
    let (lo, hi) = ((lo_high, lo_low), (hi_high, hi_low));
    let BandRows {
        approx,
        detail: [h, v, d],
    } = out;
    // The last loads end at 2j + 33 = 2(j + 15) + 3.
    for j in block_starts(n, 16) {
        let outputs = [
            (lo, (t[0], t[1]), low_pass, &mut *approx),
            (hi, (t[0], t[1]), low_pass, &mut *h),
            (lo, (t[2], t[3]), high_pass, &mut *v),
            (hi, (t[2], t[3]), high_pass, &mut *d),
        ];
        for (src, taps, consts, dst) in outputs {
            store(dst.as_mut_ptr().add(j), split_filter(src, j, taps, consts));
        }
    }
    let j = covered(n, 16);
    let rest = BandRows {
        approx: &mut approx[j..],
        detail: [&mut h[j..], &mut v[j..], &mut d[j..]],
    };
    avx2::dwt::coarse_horizontal(tmp.map(|t| &t[2 * j..]), round, rest);
}
