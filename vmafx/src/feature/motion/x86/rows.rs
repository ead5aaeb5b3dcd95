//! The row kernels, written once over the vector vocabulary: `LANES` 32-bit lanes at a
//! time, scalar code for the last few columns.

use super::TAPS;
use crate::feature::motion::blur::Taps;
use crate::feature::motion::scalar;
use crate::simd::x86::Simd;

/// The filter taps, one vector each.
#[inline(always)]
unsafe fn tap_vectors<S: Simd>() -> [S::V; 3] {
    // SAFETY: the caller has `S` enabled.
    unsafe { [S::splat(TAPS[0]), S::splat(TAPS[1]), S::splat(TAPS[2])] }
}

/// The vertical differences `earlier - current` of the five rows at column `x`, folded
/// by symmetry: (outer pair, inner pair, centre).
#[inline(always)]
unsafe fn vertical_differences<S: Simd, T: WidenSample>(
    rows: &Taps<'_, T>,
    x: usize,
) -> (S::V, S::V, S::V) {
    // SAFETY: `S` is enabled; the caller keeps `x + LANES` inside every row.
    unsafe {
        let mut d = [S::zero(); 5];
        for (k, d) in d.iter_mut().enumerate() {
            let earlier = T::widen::<S>(rows.earlier[k].as_ptr().add(x));
            *d = S::sub(earlier, T::widen::<S>(rows.current[k].as_ptr().add(x)));
        }
        (S::add(d[0], d[4]), S::add(d[1], d[3]), d[2])
    }
}

/// Samples the vertical pass widens to 32-bit lanes.
pub(super) trait WidenSample: Sized {
    /// `LANES` samples at `p`, zero-extended.
    ///
    /// # Safety
    /// `S` must be enabled in the caller; `p` must be valid for `LANES` samples.
    unsafe fn widen<S: Simd>(p: *const Self) -> S::V;
}

impl WidenSample for u8 {
    #[inline(always)]
    unsafe fn widen<S: Simd>(p: *const u8) -> S::V {
        // SAFETY: as the trait requires of the caller.
        unsafe { S::widen_u8(p) }
    }
}

impl WidenSample for u16 {
    #[inline(always)]
    unsafe fn widen<S: Simd>(p: *const u16) -> S::V {
        // SAFETY: as the trait requires of the caller.
        unsafe { S::widen_u16(p) }
    }
}

/// The vertical pass for 8-bit samples (see [`scalar::vertical_8bit`]); sums fit 32 bits.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
pub(super) unsafe fn vertical_8bit<S: Simd>(
    rows: &Taps<'_, u8>,
    shift: u32,
    out: &mut [i32],
) -> bool {
    let n = out.len();
    assert!(rows
        .earlier
        .iter()
        .chain(&rows.current)
        .all(|r| r.len() >= n));
    let body = n - n % S::LANES;
    // SAFETY: `S` is enabled; x + LANES <= body <= n, the length of every row.
    let any = unsafe {
        let taps = tap_vectors::<S>();
        let round = S::splat(1 << (shift - 1));
        let mut any = S::zero();
        for x in (0..body).step_by(S::LANES) {
            let (outer, inner, centre) = vertical_differences::<S, u8>(rows, x);
            let sum = filter::<S>(outer, inner, centre, &taps);
            let value = S::sra(S::add(sum, round), shift);
            S::store(out.as_mut_ptr().add(x), value);
            any = S::or(any, value);
        }
        !S::none_common(any, any)
    };
    let tail_any = scalar::vertical_8bit(&rows.starting_at(body), shift, &mut out[body..]);
    tail_any || any
}

/// The vertical pass for 9- to 16-bit samples (see [`scalar::vertical_wide`]), with the
/// sums split into 16-bit halves to stay exact in 32-bit lanes.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
pub(super) unsafe fn vertical_wide<S: Simd>(
    rows: &Taps<'_, u16>,
    shift: u32,
    out: &mut [i32],
) -> bool {
    let n = out.len();
    assert!(rows
        .earlier
        .iter()
        .chain(&rows.current)
        .all(|r| r.len() >= n));
    let body = n - n % S::LANES;
    // SAFETY: `S` is enabled; x + LANES <= body <= n, the length of every row.
    let any = unsafe {
        let taps = tap_vectors::<S>();
        let round = S::splat(1 << (shift - 1));
        let mut any = S::zero();
        for x in (0..body).step_by(S::LANES) {
            let (outer, inner, centre) = vertical_differences::<S, u16>(rows, x);
            let value = filter_and_shift::<S>(outer, inner, centre, &taps, round, shift);
            S::store(out.as_mut_ptr().add(x), value);
            any = S::or(any, value);
        }
        !S::none_common(any, any)
    };
    let tail_any = scalar::vertical_wide(&rows.starting_at(body), shift, &mut out[body..]);
    tail_any || any
}

/// The horizontal pass and row SAD (see [`scalar::horizontal_sad`]); borders and the
/// last few interior columns go through the scalar code.
///
/// # Safety
/// `S` must be enabled in the caller.
#[inline(always)]
pub(super) unsafe fn horizontal_sad<S: Simd>(row: &[i32]) -> u32 {
    let border = scalar::horizontal_border_sad(row);
    let Some(interior) = row.len().checked_sub(4) else {
        return border;
    };
    let body = interior - interior % S::LANES;
    // SAFETY: `S` is enabled; x + k + LANES <= body + 4 <= row.len() for every tap k < 5.
    let vector = unsafe {
        let small = fits_16_bits::<S>(row);
        let taps = tap_vectors::<S>();
        let round = S::splat(1 << 15);
        let mut sum = S::zero();
        for x in (0..body).step_by(S::LANES) {
            let p = row.as_ptr().add(x);
            let outer = S::add(S::load(p), S::load(p.add(4)));
            let inner = S::add(S::load(p.add(1)), S::load(p.add(3)));
            let centre = S::load(p.add(2));
            let value = if small {
                // Every sum stays below 2^31: one 32-bit product per tap is exact.
                let rounded = S::add(filter::<S>(outer, inner, centre, &taps), round);
                S::srai::<16>(rounded)
            } else {
                filter_and_shift::<S>(outer, inner, centre, &taps, round, 16)
            };
            sum = S::add(sum, S::abs(value));
        }
        // The lane sum wraps like the scalar running total.
        S::sum32(sum)
    };
    border
        .wrapping_add(vector)
        .wrapping_add(scalar::horizontal_interior_sad(row, body))
}

/// Whether every value of `row` lies strictly between -2^15 and 2^15, so that the
/// horizontal sums of the row fit 32 bits without splitting.
#[inline(always)]
unsafe fn fits_16_bits<S: Simd>(row: &[i32]) -> bool {
    let mut chunks = row.chunks_exact(S::LANES);
    // SAFETY: `S` is enabled; each chunk holds LANES values.
    let vector = unsafe {
        let mut bits = S::zero();
        for chunk in &mut chunks {
            bits = S::or(bits, S::abs(S::load(chunk.as_ptr())));
        }
        S::none_common(bits, S::splat(!0x7fff))
    };
    let rest = chunks
        .remainder()
        .iter()
        .fold(0, |b, v| b | v.unsigned_abs());
    vector && rest >> 15 == 0
}

/// `taps[0] * outer + taps[1] * inner + taps[2] * centre` in 32-bit lanes (exact for
/// 8-bit vertical sums and horizontal sums of values below 2^15 only).
#[inline(always)]
unsafe fn filter<S: Simd>(outer: S::V, inner: S::V, centre: S::V, taps: &[S::V; 3]) -> S::V {
    // SAFETY: the caller has `S` enabled.
    unsafe {
        S::add(
            S::add(S::mul_lo(outer, taps[0]), S::mul_lo(inner, taps[1])),
            S::mul_lo(centre, taps[2]),
        )
    }
}

/// `(filter(outer, inner, centre) + round) >> shift` for `shift` in 9..=16 and
/// `round <= 2^15`, exact for inputs below 2^25 in magnitude: each input is split into
/// its high and low 16 bits (see the module notes of `x86`).
#[inline(always)]
unsafe fn filter_and_shift<S: Simd>(
    outer: S::V,
    inner: S::V,
    centre: S::V,
    taps: &[S::V; 3],
    round: S::V,
    shift: u32,
) -> S::V {
    // SAFETY: the caller has `S` enabled.
    unsafe {
        let low_bits = S::splat(0xffff);
        let high_sum = filter::<S>(
            S::srai::<16>(outer),
            S::srai::<16>(inner),
            S::srai::<16>(centre),
            taps,
        );
        // Below 2^32 as an unsigned lane, so the wrapping products and sums are exact.
        let low_sum = filter::<S>(
            S::and(outer, low_bits),
            S::and(inner, low_bits),
            S::and(centre, low_bits),
            taps,
        );
        let low_part = S::srl(S::add(low_sum, round), shift);
        let high_part = S::sll(high_sum, 16 - shift);
        S::add(high_part, low_part)
    }
}
