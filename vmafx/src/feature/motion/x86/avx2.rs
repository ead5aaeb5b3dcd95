//! AVX2 row kernels: eight 32-bit lanes, scalar code for the last few columns.

use std::arch::x86_64::*;

use super::TAPS;
use crate::feature::motion::blur::Taps;
use crate::feature::motion::scalar;

const LANES: usize = 8;

/// The vertical pass for 8-bit samples (see [`scalar::vertical_8bit`]); sums fit 32 bits.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn vertical_8bit(rows: &Taps<'_, u8>, shift: u32, out: &mut [i32]) -> bool {
    let n = out.len();
    let earlier = rows.earlier.map(|r| &r[..n]);
    let current = rows.current.map(|r| &r[..n]);
    let taps = TAPS.map(|t| _mm256_set1_epi32(t));
    let round = _mm256_set1_epi32(1 << (shift - 1));
    let count = _mm_cvtsi32_si128(shift as i32);
    let body = n - n % LANES;
    let mut any = _mm256_setzero_si256();
    for x in (0..body).step_by(LANES) {
        let d: [__m256i; 5] = std::array::from_fn(|k| {
            // SAFETY: x + LANES <= n, the length of every row.
            unsafe { _mm256_sub_epi32(load_u8(earlier[k], x), load_u8(current[k], x)) }
        });
        let sum = filter(
            _mm256_add_epi32(d[0], d[4]),
            _mm256_add_epi32(d[1], d[3]),
            d[2],
            &taps,
        );
        let value = _mm256_sra_epi32(_mm256_add_epi32(sum, round), count);
        // SAFETY: x + LANES <= n = out.len().
        unsafe { _mm256_storeu_si256(out.as_mut_ptr().add(x).cast(), value) };
        any = _mm256_or_si256(any, value);
    }
    let tail_any = scalar::vertical_8bit(&rows.starting_at(body), shift, &mut out[body..]);
    tail_any || _mm256_testz_si256(any, any) == 0
}

/// The vertical pass for 9- to 16-bit samples (see [`scalar::vertical_wide`]), with the
/// sums split into 16-bit halves to stay exact in 32-bit lanes.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn vertical_wide(rows: &Taps<'_, u16>, shift: u32, out: &mut [i32]) -> bool {
    let n = out.len();
    let earlier = rows.earlier.map(|r| &r[..n]);
    let current = rows.current.map(|r| &r[..n]);
    let taps = TAPS.map(|t| _mm256_set1_epi32(t));
    let round = _mm256_set1_epi32(1 << (shift - 1));
    let body = n - n % LANES;
    let mut any = _mm256_setzero_si256();
    for x in (0..body).step_by(LANES) {
        let d: [__m256i; 5] = std::array::from_fn(|k| {
            // SAFETY: x + LANES <= n, the length of every row.
            unsafe { _mm256_sub_epi32(load_u16(earlier[k], x), load_u16(current[k], x)) }
        });
        let value = filter_and_shift(
            _mm256_add_epi32(d[0], d[4]),
            _mm256_add_epi32(d[1], d[3]),
            d[2],
            &taps,
            round,
            shift,
        );
        // SAFETY: x + LANES <= n = out.len().
        unsafe { _mm256_storeu_si256(out.as_mut_ptr().add(x).cast(), value) };
        any = _mm256_or_si256(any, value);
    }
    let tail_any = scalar::vertical_wide(&rows.starting_at(body), shift, &mut out[body..]);
    tail_any || _mm256_testz_si256(any, any) == 0
}

/// The horizontal pass and row SAD (see [`scalar::horizontal_sad`]); borders and the
/// last few interior columns go through the scalar code.
///
/// # Safety
/// The processor must support AVX2.
#[target_feature(enable = "avx2")]
pub(super) unsafe fn horizontal_sad(row: &[i32]) -> u32 {
    let border = scalar::horizontal_border_sad(row);
    let Some(interior) = row.len().checked_sub(4) else {
        return border;
    };
    let taps = TAPS.map(|t| _mm256_set1_epi32(t));
    let round = _mm256_set1_epi32(1 << 15);
    let body = interior - interior % LANES;
    let small = fits_16_bits(row);
    let mut sum = _mm256_setzero_si256();
    for x in (0..body).step_by(LANES) {
        // SAFETY: x + k + LANES <= body + 4 <= row.len() for every tap k < 5.
        let v: [__m256i; 5] =
            std::array::from_fn(|k| unsafe { _mm256_loadu_si256(row.as_ptr().add(x + k).cast()) });
        let (outer, inner) = (_mm256_add_epi32(v[0], v[4]), _mm256_add_epi32(v[1], v[3]));
        let value = if small {
            // Every sum stays below 2^31: one 32-bit product per tap is exact.
            let rounded = _mm256_add_epi32(filter(outer, inner, v[2], &taps), round);
            _mm256_srai_epi32::<16>(rounded)
        } else {
            filter_and_shift(outer, inner, v[2], &taps, round, 16)
        };
        sum = _mm256_add_epi32(sum, _mm256_abs_epi32(value));
    }
    border
        .wrapping_add(lane_sum(sum))
        .wrapping_add(scalar::horizontal_interior_sad(row, body))
}

/// Whether every value of `row` lies strictly between -2^15 and 2^15, so that the
/// horizontal sums of the row fit 32 bits without splitting.
#[target_feature(enable = "avx2")]
fn fits_16_bits(row: &[i32]) -> bool {
    let mut chunks = row.chunks_exact(LANES);
    let mut bits = _mm256_setzero_si256();
    for chunk in &mut chunks {
        // SAFETY: the chunk holds LANES values.
        let v = unsafe { _mm256_loadu_si256(chunk.as_ptr().cast()) };
        bits = _mm256_or_si256(bits, _mm256_abs_epi32(v));
    }
    let rest = chunks
        .remainder()
        .iter()
        .fold(0, |b, v| b | v.unsigned_abs());
    let high = _mm256_set1_epi32(!0x7fff);
    _mm256_testz_si256(bits, high) != 0 && rest >> 15 == 0
}

/// `taps[0] * outer + taps[1] * inner + taps[2] * centre` in 32-bit lanes (exact for
/// 8-bit vertical sums and horizontal sums of values below 2^15 only).
#[inline]
#[target_feature(enable = "avx2")]
fn filter(outer: __m256i, inner: __m256i, centre: __m256i, taps: &[__m256i; 3]) -> __m256i {
    _mm256_add_epi32(
        _mm256_add_epi32(
            _mm256_mullo_epi32(outer, taps[0]),
            _mm256_mullo_epi32(inner, taps[1]),
        ),
        _mm256_mullo_epi32(centre, taps[2]),
    )
}

/// `(filter(outer, inner, centre) + round) >> shift` for `shift` in 9..=16 and
/// `round <= 2^15`, exact for inputs below 2^25 in magnitude: each input is split into
/// its high and low 16 bits (see the module notes of `x86`).
#[inline]
#[target_feature(enable = "avx2")]
fn filter_and_shift(
    outer: __m256i,
    inner: __m256i,
    centre: __m256i,
    taps: &[__m256i; 3],
    round: __m256i,
    shift: u32,
) -> __m256i {
    let low_bits = _mm256_set1_epi32(0xffff);
    let high = |v: __m256i| _mm256_srai_epi32::<16>(v);
    let low = |v: __m256i| _mm256_and_si256(v, low_bits);
    let high_sum = filter(high(outer), high(inner), high(centre), taps);
    // Below 2^32 as an unsigned lane, so the wrapping products and sums are exact.
    let low_sum = filter(low(outer), low(inner), low(centre), taps);
    let low_part = _mm256_srl_epi32(
        _mm256_add_epi32(low_sum, round),
        _mm_cvtsi32_si128(shift as i32),
    );
    let high_part = _mm256_sll_epi32(high_sum, _mm_cvtsi32_si128(16 - shift as i32));
    _mm256_add_epi32(high_part, low_part)
}

/// Eight 8-bit samples from `row[x..]`, widened to 32-bit lanes.
///
/// # Safety
/// `x + 8 <= row.len()`, and the processor must support AVX2.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn load_u8(row: &[u8], x: usize) -> __m256i {
    debug_assert!(x + LANES <= row.len());
    // SAFETY: the caller keeps the eight bytes inside `row`.
    _mm256_cvtepu8_epi32(unsafe { _mm_loadl_epi64(row.as_ptr().add(x).cast()) })
}

/// Eight 16-bit samples from `row[x..]`, widened to 32-bit lanes.
///
/// # Safety
/// `x + 8 <= row.len()`, and the processor must support AVX2.
#[inline]
#[target_feature(enable = "avx2")]
unsafe fn load_u16(row: &[u16], x: usize) -> __m256i {
    debug_assert!(x + LANES <= row.len());
    // SAFETY: the caller keeps the eight samples inside `row`.
    _mm256_cvtepu16_epi32(unsafe { _mm_loadu_si128(row.as_ptr().add(x).cast()) })
}

/// The wrapping sum of the eight unsigned 32-bit lanes.
#[inline]
#[target_feature(enable = "avx2")]
fn lane_sum(v: __m256i) -> u32 {
    let quad = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256::<1>(v));
    let pair = _mm_add_epi32(quad, _mm_unpackhi_epi64(quad, quad));
    let one = _mm_add_epi32(pair, _mm_shuffle_epi32::<0b01>(pair));
    _mm_cvtsi128_si32(one) as u32
}
