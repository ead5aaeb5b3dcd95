//! The picture passes of [`super::kernels`] above the scalar level, written once so that
//! each instruction-set level compiles them with its own vectors. Each gives exactly
//! what its reference in `canvas`, `mask` or `preprocess` gives; they differ only in
//! shape: branch-free selections, rows finished before they are overwritten, and the
//! mask's flat flags computed once per row instead of once per entering and leaving row.

use super::canvas::Canvas;
use super::mask::{flat_count_threshold, NEIGHBOURHOOD, RADIUS};

/// Rows of flat flags the mask keeps: the neighbourhood, and the row entering it.
const FLAT_RING: usize = NEIGHBOURHOOD + 1;

/// Scratch buffers of the fast passes, kept between pictures.
#[derive(Debug, Clone, Default)]
pub(super) struct FastScratch {
    /// The last [`FLAT_RING`] rows of flat flags, row `y` in slot `y % FLAT_RING`.
    flat: Vec<u16>,
    /// Flat pixels per column within the neighbourhood's rows, with [`RADIUS`] zero
    /// columns on either side so that every horizontal sum has all its terms.
    columns: Vec<u16>,
    /// A copy of the row being overwritten.
    row_copy: Vec<u16>,
    /// Three rows of horizontal modes.
    mode_rows: Vec<u16>,
}

/// [`super::mask::spatial_mask`]: whether more than the size-dependent threshold of the
/// 7x7 neighbourhood (clipped to the picture) is flat, for each pixel.
#[inline(always)]
pub(super) fn spatial_mask(
    image: &Canvas,
    mask: &mut Canvas,
    width: usize,
    height: usize,
    scratch: &mut FastScratch,
) {
    // Counts reach at most 49, so a threshold beyond 16 bits keeps no pixel either way.
    let threshold = u16::try_from(flat_count_threshold(width, height, NEIGHBOURHOOD))
        .unwrap_or(u16::MAX);
    let FastScratch { flat, columns, .. } = scratch;
    flat.clear();
    flat.resize(FLAT_RING * width, 0);
    columns.clear();
    columns.resize(width + 2 * RADIUS, 0);
    for y in 0..RADIUS.min(height) {
        let slot = &mut flat[(y % FLAT_RING) * width..][..width];
        flat_row(image, y, width, height, slot);
        add_row(&mut columns[RADIUS..RADIUS + width], slot);
    }
    for y in 0..height {
        let entering = y + RADIUS;
        let leaving = y.checked_sub(RADIUS + 1);
        if entering < height {
            let (fresh, old) = ring_slots(flat, width, entering, leaving);
            flat_row(image, entering, width, height, fresh);
            match old {
                Some(old) => slide_row(&mut columns[RADIUS..RADIUS + width], fresh, old),
                None => add_row(&mut columns[RADIUS..RADIUS + width], fresh),
            }
        } else if let Some(leaving) = leaving {
            let old = &flat[(leaving % FLAT_RING) * width..][..width];
            remove_row(&mut columns[RADIUS..RADIUS + width], old);
        }
        window_row(columns, &mut mask.row_mut(y)[..width], threshold);
    }
}

/// The ring slot of row `entering`, to be written, and that of row `leaving`, if any,
/// to be read; they differ because the rows are [`NEIGHBOURHOOD`] apart.
#[inline(always)]
fn ring_slots(
    flat: &mut [u16],
    width: usize,
    entering: usize,
    leaving: Option<usize>,
) -> (&mut [u16], Option<&[u16]>) {
    let fresh_at = (entering % FLAT_RING) * width;
    let Some(leaving) = leaving else {
        return (&mut flat[fresh_at..fresh_at + width], None);
    };
    let old_at = (leaving % FLAT_RING) * width;
    if fresh_at < old_at {
        let (low, high) = flat.split_at_mut(old_at);
        (&mut low[fresh_at..fresh_at + width], Some(&high[..width]))
    } else {
        let (low, high) = flat.split_at_mut(fresh_at);
        (&mut high[..width], Some(&low[old_at..old_at + width]))
    }
}

/// 1 where a pixel of row `y` equals its right and lower neighbours (those it has).
#[inline(always)]
fn flat_row(image: &Canvas, y: usize, width: usize, height: usize, out: &mut [u16]) {
    let row = &image.row(y)[..width];
    let last = width - 1;
    if y + 1 < height {
        let below = &image.row(y + 1)[..width];
        for (o, ((&v, &right), &down)) in out[..last]
            .iter_mut()
            .zip(row.iter().zip(&row[1..]).zip(below))
        {
            *o = u16::from((v == right) & (v == down));
        }
        out[last] = u16::from(row[last] == below[last]);
    } else {
        for (o, (&v, &right)) in out[..last].iter_mut().zip(row.iter().zip(&row[1..])) {
            *o = u16::from(v == right);
        }
        out[last] = 1;
    }
}

#[inline(always)]
fn add_row(columns: &mut [u16], flat: &[u16]) {
    for (c, &f) in columns.iter_mut().zip(flat) {
        *c += f;
    }
}

#[inline(always)]
fn remove_row(columns: &mut [u16], flat: &[u16]) {
    for (c, &f) in columns.iter_mut().zip(flat) {
        *c -= f;
    }
}

/// Adds `entering` and removes `leaving` in one pass; a column's count never drops
/// below zero in between because `leaving` was added before.
#[inline(always)]
fn slide_row(columns: &mut [u16], entering: &[u16], leaving: &[u16]) {
    for (c, (&add, &sub)) in columns.iter_mut().zip(entering.iter().zip(leaving)) {
        *c = *c + add - sub;
    }
}

/// The mask row from padded column counts: the sum of the [`NEIGHBOURHOOD`] columns
/// centred on each pixel against `threshold`.
#[inline(always)]
fn window_row(columns: &[u16], out: &mut [u16], threshold: u16) {
    let width = out.len();
    let c = |k: usize| &columns[k..k + width];
    let (c0, c1, c2, c3, c4, c5, c6) = (c(0), c(1), c(2), c(3), c(4), c(5), c(6));
    for x in 0..width {
        let count = c0[x] + c1[x] + c2[x] + c3[x] + c4[x] + c5[x] + c6[x];
        out[x] = u16::from(count > threshold);
    }
}

/// [`Canvas::halve`]: the `width` x `height` picture becomes the samples at twice its
/// coordinates. Row 0 is compacted in place front to back; every later row reads a
/// source row below the one it writes, `keep_even` doing the leading part of each
/// (`target[i] = source[2 * i]`, returning how many it wrote).
#[inline(always)]
pub(super) fn halve(
    canvas: &mut Canvas,
    width: usize,
    height: usize,
    keep_even: impl Fn(&[u16], &mut [u16]) -> usize,
) {
    let stride = canvas.width();
    let data = canvas.samples_mut();
    for x in 0..width {
        data[x] = data[2 * x];
    }
    for y in 1..height {
        let (front, back) = data.split_at_mut(2 * y * stride);
        let target = &mut front[y * stride..y * stride + width];
        let source = &back[..2 * width - 1];
        let done = keep_even(&source[..2 * (width - 1)], &mut target[..width - 1]);
        for x in done..width {
            target[x] = source[2 * x];
        }
    }
}

/// [`super::canvas::mode3`] without branches: the same value for every input.
#[inline(always)]
fn mode3(a: u16, b: u16, c: u16) -> u16 {
    let smallest = a.min(b).min(c);
    let pair = if b == c { b } else { smallest };
    if (a == b) | (a == c) {
        a
    } else {
        pair
    }
}

/// Horizontal 3-tap mode of `row` into `out`; the two end samples are copied.
#[inline(always)]
fn horizontal_mode(row: &[u16], out: &mut [u16]) {
    let width = row.len();
    if width > 2 {
        let triples = row.iter().zip(&row[1..]).zip(&row[2..]);
        for (o, ((&a, &b), &c)) in out[1..width - 1].iter_mut().zip(triples) {
            *o = mode3(a, b, c);
        }
    }
    out[0] = row[0];
    out[width - 1] = row[width - 1];
}

/// [`Canvas::mode_filter`]: the 3x3 mode as the vertical mode of three horizontal
/// modes, the first and last rows unchanged.
#[inline(always)]
pub(super) fn mode_filter(canvas: &mut Canvas, width: usize, height: usize, scratch: &mut FastScratch) {
    if height < 3 {
        return;
    }
    let rows = &mut scratch.mode_rows;
    rows.clear();
    rows.resize(3 * width, 0);
    let (mut older, rest) = rows.split_at_mut(width);
    let (mut middle, mut newer) = rest.split_at_mut(width);
    horizontal_mode(&canvas.row(0)[..width], older);
    horizontal_mode(&canvas.row(1)[..width], middle);
    for y in 2..height {
        horizontal_mode(&canvas.row(y)[..width], newer);
        // Row y - 1 has already been read into `middle`; overwriting it is safe.
        let out = &mut canvas.row_mut(y - 1)[..width];
        for (o, ((&a, &b), &c)) in out.iter_mut().zip(older.iter().zip(&*middle).zip(&*newer)) {
            *o = mode3(a, b, c);
        }
        std::mem::swap(&mut older, &mut middle);
        std::mem::swap(&mut middle, &mut newer);
    }
}

/// [`super::preprocess::smooth_dither`]: each sample becomes the mean of the 2x2 block it
/// starts, rounded down. Each row is copied before it is overwritten, so the averages
/// read its original samples as the reference does. Samples are at most 1024 (a 16-bit
/// maximum rounded to 10 bits), so four of them sum within 16 bits.
#[inline(always)]
pub(super) fn smooth_dither(canvas: &mut Canvas, width: usize, height: usize, scratch: &mut FastScratch) {
    let copy = &mut scratch.row_copy;
    let last = width - 1;
    for y in 0..height - 1 {
        let (top, bottom) = canvas.row_and_next(y);
        copy.clear();
        copy.extend_from_slice(&top[..width]);
        let bottom = &bottom[..width];
        let pairs = copy.iter().zip(&copy[1..]).zip(bottom.iter().zip(&bottom[1..]));
        for (t, ((&a, &b), (&c, &d))) in top[..last].iter_mut().zip(pairs) {
            *t = (a + b + c + d) >> 2;
        }
        top[last] = (copy[last] + bottom[last]) >> 1;
    }
    let row = &mut canvas.row_mut(height - 1)[..width];
    copy.clear();
    copy.extend_from_slice(row);
    for (t, (&a, &b)) in row[..last].iter_mut().zip(copy.iter().zip(&copy[1..])) {
        *t = (a + b) >> 1;
    }
}
