//! The portable row kernels of the motion blur: the reference every SIMD level must equal
//! bit for bit.

use super::blur::{mirror, Taps, FILTER, HORIZONTAL_ROUND, RADIUS};

/// The vertical pass for 8-bit samples, where 32 bits hold every sum exactly
/// (|sum| <= 255 * 2^16). Fills `out` with the filtered difference, rounded and shifted
/// down by `shift` bits, and returns whether any value is non-zero.
pub(super) fn vertical_8bit(rows: &Taps<'_, u8>, shift: u32, out: &mut [i32]) -> bool {
    let n = out.len();
    let [e0, e1, e2, e3, e4] = rows.earlier.map(|r| &r[..n]);
    let [c0, c1, c2, c3, c4] = rows.current.map(|r| &r[..n]);
    let [f0, f1, f2] = [FILTER[0] as i32, FILTER[1] as i32, FILTER[2] as i32];
    let round = 1i32 << (shift - 1);
    let mut any = 0i32;
    for x in 0..n {
        let d = |e: &[u8], c: &[u8]| i32::from(e[x]) - i32::from(c[x]);
        // The filter is symmetric, so mirrored taps share a multiplication.
        let sum = f0 * (d(e0, c0) + d(e4, c4)) + f1 * (d(e1, c1) + d(e3, c3)) + f2 * d(e2, c2);
        out[x] = (sum + round) >> shift;
        any |= out[x];
    }
    any != 0
}

/// The vertical pass for 9- to 16-bit samples, whose sums need more than 32 bits;
/// otherwise as [`vertical_8bit`].
pub(super) fn vertical_wide(rows: &Taps<'_, u16>, shift: u32, out: &mut [i32]) -> bool {
    let n = out.len();
    let [e0, e1, e2, e3, e4] = rows.earlier.map(|r| &r[..n]);
    let [c0, c1, c2, c3, c4] = rows.current.map(|r| &r[..n]);
    let [f0, f1, f2] = [FILTER[0], FILTER[1], FILTER[2]];
    let round = 1i64 << (shift - 1);
    let mut any = 0i32;
    for x in 0..n {
        let d = |e: &[u16], c: &[u16]| i64::from(e[x]) - i64::from(c[x]);
        let sum = f0 * (d(e0, c0) + d(e4, c4)) + f1 * (d(e1, c1) + d(e3, c3)) + f2 * d(e2, c2);
        // |sum| < 2^32 and the shift is at least 9 bits, so the result fits.
        out[x] = ((sum + round) >> shift) as i32;
        any |= out[x];
    }
    any != 0
}

/// Filters `row` horizontally (mirrored borders), rounds away 16 bits and sums the
/// absolute values. The sum is 32-bit and wraps, as the reference's per-row total does.
pub(super) fn horizontal_sad(row: &[i32]) -> u32 {
    horizontal_border_sad(row).wrapping_add(horizontal_interior_sad(row, 0))
}

/// The part of [`horizontal_sad`] from the outputs whose taps leave the row: the first
/// and last [`RADIUS`] (all of them in rows narrower than the filter).
pub(super) fn horizontal_border_sad(row: &[i32]) -> u32 {
    let width = row.len();
    let at = |x: isize| i64::from(row[mirror(x, width)]);
    let interior_start = RADIUS.min(width);
    let interior_end = width.saturating_sub(RADIUS).max(interior_start);
    let mut total = 0u32;
    for x in (0..interior_start).chain(interior_end..width) {
        let x = x as isize;
        let value = filtered_abs(at(x - 2) + at(x + 2), at(x - 1) + at(x + 1), at(x));
        total = total.wrapping_add(value);
    }
    total
}

/// The part of [`horizontal_sad`] from the interior outputs `first + RADIUS..`, whose
/// taps all lie inside the row (`first` counts from the first interior output).
pub(super) fn horizontal_interior_sad(row: &[i32], first: usize) -> u32 {
    let width = row.len();
    if width < FILTER.len() || first >= width - (FILTER.len() - 1) {
        return 0;
    }
    let n = width - (FILTER.len() - 1);
    let [r0, r1, r2, r3, r4] = std::array::from_fn(|k| &row[k + first..k + n]);
    let mut total = 0u32;
    for x in 0..n - first {
        let wide = |r: &[i32]| i64::from(r[x]);
        let value = filtered_abs(wide(r0) + wide(r4), wide(r1) + wide(r3), wide(r2));
        total = total.wrapping_add(value);
    }
    total
}

/// One horizontally filtered value, rounded, as an absolute value, given the sums of
/// the outer and inner tap pairs and the centre tap.
#[inline]
fn filtered_abs(outer: i64, inner: i64, centre: i64) -> u32 {
    let sum = FILTER[0] * outer + FILTER[1] * inner + FILTER[2] * centre;
    (((sum + HORIZONTAL_ROUND) >> 16) as i32).unsigned_abs()
}
