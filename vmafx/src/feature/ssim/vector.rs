//! The SSIM filters, decimation and map of [`super::filter`] and [`super::map`]
//! rearranged for vector units, and their per-level dispatchers.
//!
//! Every output sample still sees the scalar reference's operations in the scalar order
//! (each tap's product rounded to `f32`, the taps summed in `f64` from 0 in kernel
//! order, the sum rounded to `f32`; the map's sums taken position by position). What
//! changes is the arrangement: a block of [`BLOCK`] neighbouring outputs keeps its
//! accumulators in registers across all taps, and decimation reads each tap from a
//! contiguous, pre-mirrored copy of the row split into its `factor` phases instead of
//! through an index table. The bodies are plain Rust, compiled per level by
//! [`per_level!`]; the scalar level runs the reference itself.

use super::filter::{self, decimated_len, mirror, DecimateTaps, GAUSSIAN_11, WINDOW};
use super::luma;
use super::map::{self, constants, window_terms, SsimMeans, SsimScratch};
use crate::frame::PlaneRef;
use crate::simd::auto::per_level;

/// Outputs computed together: 32 `f64` accumulators are four AVX-512 or eight AVX2
/// registers, enough independent additions to hide their latency.
const BLOCK: usize = 32;

/// Buffers of [`decimate`] reused from frame to frame.
#[derive(Debug, Default, Clone)]
pub(crate) struct DecimateScratch {
    /// Mirrored index tables of the scalar reference.
    taps: DecimateTaps,
    /// Recently used source rows, mirrored at both ends and split into their `factor`
    /// phases; slot `r % slots` holds row `r`.
    phases: Vec<f32>,
    /// The source row each slot of `phases` holds (`usize::MAX`: none yet).
    tags: Vec<usize>,
    /// Where the phases of each window row start in `phases`.
    starts: Vec<usize>,
    /// Source column of each mirrored position `i` (`mirror(i − side/2)`).
    columns: Vec<usize>,
}

per_level! {
    /// [`super::luma::luma_to_f32`] at `level` (the same code, in wider vectors).
    pub(crate) fn luma_to_f32(luma: &PlaneRef<'_>, bit_depth: u8, dst: &mut Vec<f32>) {
        scalar: luma::luma_to_f32,
        vector: luma::luma_to_f32,
    }
}

per_level! {
    /// [`super::map::ssim_means`] at `level`, bit for bit.
    pub(crate) fn ssim_means(
        reference: &[f32],
        distorted: &[f32],
        w: usize,
        h: usize,
        scratch: &mut SsimScratch,
    ) -> SsimMeans {
        scalar: map::ssim_means,
        vector: ssim_means_blocked,
    }
}

per_level! {
    /// [`super::filter::decimate`] at `level`, bit for bit.
    pub(crate) fn decimate(
        src: &[f32],
        w: usize,
        h: usize,
        factor: usize,
        kernel: &[f32],
        side: usize,
        dst: &mut Vec<f32>,
        scratch: &mut DecimateScratch,
    ) -> (usize, usize) {
        scalar: decimate_reference,
        vector: decimate_phased,
    }
}

/// The scalar reference with this module's scratch.
#[allow(clippy::too_many_arguments)] // the reference's parameters
#[inline(always)]
fn decimate_reference(
    src: &[f32],
    w: usize,
    h: usize,
    factor: usize,
    kernel: &[f32],
    side: usize,
    dst: &mut Vec<f32>,
    scratch: &mut DecimateScratch,
) -> (usize, usize) {
    filter::decimate(src, w, h, factor, kernel, side, dst, &mut scratch.taps)
}

/// [`super::map::ssim_means`] with blocked filters and a map whose terms are computed
/// a block at a time before being summed in position order.
// One index walks five statistics and four terms side by side.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn ssim_means_blocked(
    reference: &[f32],
    distorted: &[f32],
    w: usize,
    h: usize,
    scratch: &mut SsimScratch,
) -> SsimMeans {
    debug_assert!(w >= WINDOW && h >= WINDOW, "caller checks the window fits");
    let SsimScratch {
        mu_ref,
        mu_cmp,
        var_ref,
        var_cmp,
        covar,
        product,
        cache,
        ..
    } = scratch;
    let (dw, dh) = filter_valid(reference, w, h, mu_ref, cache);
    filter_valid(distorted, w, h, mu_cmp, cache);
    let size = w * h;
    products(reference, reference, product);
    filter_valid(&product[..size], w, h, var_ref, cache);
    products(distorted, distorted, product);
    filter_valid(&product[..size], w, h, var_cmp, cache);
    products(reference, distorted, product);
    filter_valid(&product[..size], w, h, covar, cache);

    let constants = constants();
    let n = dw * dh;
    let stats = [
        &mu_ref[..n],
        &mu_cmp[..n],
        &var_ref[..n],
        &var_cmp[..n],
        &covar[..n],
    ];
    let mut sums = [0.0f64; 4];
    let mut start = 0;
    while start + BLOCK <= n {
        let mut terms = [[0.0f64; BLOCK]; 4];
        for j in 0..BLOCK {
            let i = start + j;
            let (l, c, s) = window_terms(
                [
                    stats[0][i],
                    stats[1][i],
                    stats[2][i],
                    stats[3][i],
                    stats[4][i],
                ],
                constants,
            );
            terms[0][j] = l * c * s;
            terms[1][j] = l;
            terms[2][j] = c;
            terms[3][j] = s;
        }
        // The sums stay sequential: reordering them would change their rounding.
        for j in 0..BLOCK {
            for (sum, term) in sums.iter_mut().zip(&terms) {
                *sum += term[j];
            }
        }
        start += BLOCK;
    }
    for i in start..n {
        let (l, c, s) = window_terms(
            [
                stats[0][i],
                stats[1][i],
                stats[2][i],
                stats[3][i],
                stats[4][i],
            ],
            constants,
        );
        for (sum, term) in sums.iter_mut().zip([l * c * s, l, c, s]) {
            *sum += term;
        }
    }
    let count = n as f64;
    SsimMeans {
        ssim: (sums[0] / count) as f32,
        l: (sums[1] / count) as f32,
        c: (sums[2] / count) as f32,
        s: (sums[3] / count) as f32,
    }
}

/// `out[i] = a[i] · b[i]`, rounded to `f32`, in the first `a.len()` samples of `out`.
#[inline(always)]
fn products(a: &[f32], b: &[f32], out: &mut Vec<f32>) {
    for ((o, &x), &y) in at_least(out, a.len()).iter_mut().zip(a).zip(b) {
        *o = x * y;
    }
}

/// The first `n` samples of `buffer`, grown with zeros if it is shorter. Buffers are
/// never shrunk or cleared: every caller overwrites the samples it uses, so a frame
/// (or a coarser scale) reuses the memory without filling it first.
#[inline(always)]
fn at_least(buffer: &mut Vec<f32>, n: usize) -> &mut [f32] {
    if buffer.len() < n {
        buffer.resize(n, 0.0);
    }
    &mut buffer[..n]
}

/// [`super::filter::filter_valid`] with the 11-tap Gaussian, one block of outputs at a
/// time, into the first `(w − 10) × (h − 10)` samples of `dst`.
#[inline(always)]
fn filter_valid(
    src: &[f32],
    w: usize,
    h: usize,
    dst: &mut Vec<f32>,
    cache: &mut Vec<f32>,
) -> (usize, usize) {
    let (dw, dh) = (w - WINDOW + 1, h - WINDOW + 1);
    let cache = at_least(cache, dw * h);
    for (src_row, cache_row) in src.chunks_exact(w).zip(cache.chunks_exact_mut(dw)) {
        horizontal(src_row, cache_row);
    }
    let dst = at_least(dst, dw * dh);
    for (y, dst_row) in dst.chunks_exact_mut(dw).enumerate() {
        let rows: [&[f32]; WINDOW] =
            std::array::from_fn(|v| &cache[(y + v) * dw..(y + v + 1) * dw]);
        vertical(&rows, dst_row);
    }
    (dw, dh)
}

/// `out[x] = Σ_u src[x + u] · g[u]` for one row.
#[inline(always)]
fn horizontal(src: &[f32], out: &mut [f32]) {
    let n = out.len();
    let mut x = 0;
    while x + BLOCK <= n {
        let mut acc = [0.0f64; BLOCK];
        for (u, &c) in GAUSSIAN_11.iter().enumerate() {
            let taps: &[f32; BLOCK] = block(src, x + u);
            for (a, &p) in acc.iter_mut().zip(taps) {
                *a += f64::from(p * c);
            }
        }
        store(&acc, &mut out[x..x + BLOCK]);
        x += BLOCK;
    }
    for (x, o) in out.iter_mut().enumerate().skip(x) {
        let mut a = 0.0f64;
        for (&p, &c) in src[x..x + WINDOW].iter().zip(&GAUSSIAN_11) {
            a += f64::from(p * c);
        }
        *o = a as f32;
    }
}

/// `out[x] = Σ_v rows[v][x] · g[v]`.
#[inline(always)]
fn vertical(rows: &[&[f32]; WINDOW], out: &mut [f32]) {
    let n = out.len();
    let mut x = 0;
    while x + BLOCK <= n {
        let mut acc = [0.0f64; BLOCK];
        for (row, &c) in rows.iter().zip(&GAUSSIAN_11) {
            let taps: &[f32; BLOCK] = block(row, x);
            for (a, &p) in acc.iter_mut().zip(taps) {
                *a += f64::from(p * c);
            }
        }
        store(&acc, &mut out[x..x + BLOCK]);
        x += BLOCK;
    }
    for (x, o) in out.iter_mut().enumerate().skip(x) {
        let mut a = 0.0f64;
        for (row, &c) in rows.iter().zip(&GAUSSIAN_11) {
            a += f64::from(row[x] * c);
        }
        *o = a as f32;
    }
}

/// The [`BLOCK`] samples of `row` from `start`.
#[inline(always)]
fn block(row: &[f32], start: usize) -> &[f32; BLOCK] {
    let Some(taps) = row[start..start + BLOCK].first_chunk() else {
        unreachable!("the slice has BLOCK samples")
    };
    taps
}

/// Rounds a block of sums to `f32`.
#[inline(always)]
fn store(acc: &[f64; BLOCK], out: &mut [f32]) {
    for (o, &a) in out.iter_mut().zip(acc) {
        *o = a as f32;
    }
}

/// [`super::filter::decimate`] reading each tap from the source rows' phases.
///
/// With `padded[i] = row[mirror(i − side/2)]`, output `o`'s tap `t` is
/// `padded[o·factor + t]`, which is sample `o + t / factor` of phase `t % factor`
/// (`phase_p[j] = padded[j·factor + p]`): a contiguous run across outputs. The phases of
/// `side + factor` source rows are kept, enough for a window to find the rows it
/// shares with the previous one, so each row is split about once.
#[allow(clippy::too_many_arguments)] // the reference's parameters
#[inline(always)]
fn decimate_phased(
    src: &[f32],
    w: usize,
    h: usize,
    factor: usize,
    kernel: &[f32],
    side: usize,
    dst: &mut Vec<f32>,
    scratch: &mut DecimateScratch,
) -> (usize, usize) {
    debug_assert_eq!(kernel.len(), side * side);
    let (sw, sh) = (decimated_len(w, factor), decimated_len(h, factor));
    // The pyramid's buffers keep their size from frame to frame: this resizes (and
    // fills) only on the first.
    dst.resize(sw * sh, 0.0);
    if sw == 0 || sh == 0 {
        // An even side shorter than the factor: nothing to compute, as in the reference.
        return (sw, sh);
    }
    let before = side / 2;
    let phase_len = sw + (side - 1) / factor;
    let row_len = factor * phase_len;
    let slots = side + factor;
    let DecimateScratch {
        phases,
        tags,
        starts,
        columns,
        ..
    } = scratch;
    columns.clear();
    columns.extend((0..row_len).map(|i| mirror(i as isize - before as isize, w)));
    tags.clear();
    tags.resize(slots, usize::MAX);
    starts.clear();
    starts.resize(side, 0);
    let phases = at_least(phases, slots * row_len);

    for (oy, dst_row) in dst.chunks_exact_mut(sw).enumerate() {
        let top = (oy * factor) as isize - before as isize;
        // A window's distinct rows lie within `side` consecutive ones, so they never
        // share a slot.
        for (v, start) in starts.iter_mut().enumerate() {
            let ry = mirror(top + v as isize, h);
            let slot = ry % slots;
            *start = slot * row_len;
            if tags[slot] != ry {
                tags[slot] = ry;
                split_phases(
                    &src[ry * w..(ry + 1) * w],
                    columns,
                    factor,
                    before,
                    &mut phases[slot * row_len..(slot + 1) * row_len],
                );
            }
        }
        let phases = &*phases;
        let mut x = 0;
        while x + BLOCK <= sw {
            let mut acc = [0.0f64; BLOCK];
            for (&row_start, weights) in starts.iter().zip(kernel.chunks_exact(side)) {
                for (t, &c) in weights.iter().enumerate() {
                    let start = row_start + (t % factor) * phase_len + t / factor + x;
                    let taps: &[f32; BLOCK] = block(phases, start);
                    for (a, &p) in acc.iter_mut().zip(taps) {
                        *a += f64::from(p * c);
                    }
                }
            }
            store(&acc, &mut dst_row[x..x + BLOCK]);
            x += BLOCK;
        }
        for (x, o) in dst_row.iter_mut().enumerate().skip(x) {
            let mut a = 0.0f64;
            for (&row_start, weights) in starts.iter().zip(kernel.chunks_exact(side)) {
                for (t, &c) in weights.iter().enumerate() {
                    let p = phases[row_start + (t % factor) * phase_len + t / factor + x];
                    a += f64::from(p * c);
                }
            }
            *o = a as f32;
        }
    }
    (sw, sh)
}

/// Splits one source row, mirrored through `columns`, into its `factor` phases.
#[inline(always)]
fn split_phases(row: &[f32], columns: &[usize], factor: usize, before: usize, out: &mut [f32]) {
    match factor {
        2 => split_phases_of::<2>(row, columns, before, out),
        3 => split_phases_of::<3>(row, columns, before, out),
        4 => split_phases_of::<4>(row, columns, before, out),
        _ => gather_phases(row, columns, factor, 0..columns.len() / factor, out),
    }
}

/// [`split_phases`] for a factor known when compiling: the positions whose samples
/// need no mirroring are copied a whole group of `F` at a time.
#[inline(always)]
fn split_phases_of<const F: usize>(row: &[f32], columns: &[usize], before: usize, out: &mut [f32]) {
    let phase_len = columns.len() / F;
    // Group `j` covers padded positions `j·F .. j·F + F`, i.e. columns from `j·F − before`.
    let first = before.div_ceil(F).min(phase_len);
    let end = ((before + row.len()) / F).clamp(first, phase_len);
    gather_phases(row, columns, F, 0..first, out);
    gather_phases(row, columns, F, end..phase_len, out);
    if first == end {
        return;
    }
    let (groups, _) = row[first * F - before..end * F - before].as_chunks::<F>();
    let mut lanes = out.chunks_exact_mut(phase_len);
    for p in 0..F {
        let Some(lane) = lanes.next() else { return };
        for (o, group) in lane[first..end].iter_mut().zip(groups) {
            *o = group[p];
        }
    }
}

/// Phases `p` of positions `js` through the mirrored column table.
#[inline(always)]
fn gather_phases(
    row: &[f32],
    columns: &[usize],
    factor: usize,
    js: std::ops::Range<usize>,
    out: &mut [f32],
) {
    let phase_len = columns.len() / factor;
    for (p, phase) in out.chunks_exact_mut(phase_len).enumerate() {
        for j in js.clone() {
            phase[j] = row[columns[j * factor + p]];
        }
    }
}
