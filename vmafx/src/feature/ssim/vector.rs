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
use super::map::{self, constants, window_terms, SsimMeans, SsimScratch};
use crate::simd::auto::per_level;

/// Outputs computed together: 32 `f64` accumulators are four AVX-512 or eight AVX2
/// registers, enough independent additions to hide their latency.
const BLOCK: usize = 32;

/// Buffers of [`decimate`] reused from frame to frame.
#[derive(Debug, Default, Clone)]
pub(crate) struct DecimateScratch {
    /// Mirrored index tables of the scalar reference.
    taps: DecimateTaps,
    /// Every source row, mirrored at both ends and split into its `factor` phases.
    phases: Vec<f32>,
    /// Source column of each mirrored position `i` (`mirror(i − side/2)`).
    columns: Vec<usize>,
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
    products(reference, reference, product);
    filter_valid(product, w, h, var_ref, cache);
    products(distorted, distorted, product);
    filter_valid(product, w, h, var_cmp, cache);
    products(reference, distorted, product);
    filter_valid(product, w, h, covar, cache);

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

/// `out[i] = a[i] · b[i]`, rounded to `f32`.
#[inline(always)]
fn products(a: &[f32], b: &[f32], out: &mut Vec<f32>) {
    out.clear();
    out.resize(a.len(), 0.0);
    for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
        *o = x * y;
    }
}

/// [`super::filter::filter_valid`] with the 11-tap Gaussian, one block of outputs at a
/// time.
#[inline(always)]
fn filter_valid(
    src: &[f32],
    w: usize,
    h: usize,
    dst: &mut Vec<f32>,
    cache: &mut Vec<f32>,
) -> (usize, usize) {
    let (dw, dh) = (w - WINDOW + 1, h - WINDOW + 1);
    cache.clear();
    cache.resize(dw * h, 0.0);
    for (src_row, cache_row) in src.chunks_exact(w).zip(cache.chunks_exact_mut(dw)) {
        horizontal(src_row, cache_row);
    }
    dst.clear();
    dst.resize(dw * dh, 0.0);
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
/// (`phase_p[j] = padded[j·factor + p]`): a contiguous run across outputs.
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
    dst.clear();
    if sw == 0 || sh == 0 {
        // An even side shorter than the factor: nothing to compute, as in the reference.
        return (sw, sh);
    }
    let before = side / 2;
    let phase_len = sw + (side - 1) / factor;
    let DecimateScratch {
        phases, columns, ..
    } = scratch;

    columns.clear();
    columns.extend((0..phase_len * factor).map(|i| mirror(i as isize - before as isize, w)));
    phases.clear();
    phases.resize(h * factor * phase_len, 0.0);
    for (row, row_phases) in src
        .chunks_exact(w)
        .zip(phases.chunks_exact_mut(factor * phase_len))
    {
        for (p, phase) in row_phases.chunks_exact_mut(phase_len).enumerate() {
            for (j, out) in phase.iter_mut().enumerate() {
                *out = row[columns[j * factor + p]];
            }
        }
    }

    dst.resize(sw * sh, 0.0);
    for (oy, dst_row) in dst.chunks_exact_mut(sw).enumerate() {
        let centre = (oy * factor) as isize - before as isize;
        let mut x = 0;
        while x + BLOCK <= sw {
            let mut acc = [0.0f64; BLOCK];
            for (v, weights) in kernel.chunks_exact(side).enumerate() {
                let ry = mirror(centre + v as isize, h);
                for (t, &c) in weights.iter().enumerate() {
                    let start = (ry * factor + t % factor) * phase_len + t / factor + x;
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
            for (v, weights) in kernel.chunks_exact(side).enumerate() {
                let ry = mirror(centre + v as isize, h);
                for (t, &c) in weights.iter().enumerate() {
                    let p = phases[(ry * factor + t % factor) * phase_len + t / factor + x];
                    a += f64::from(p * c);
                }
            }
            *o = a as f32;
        }
    }
    (sw, sh)
}
