//! The two image filters SSIM and MS-SSIM need, with libvmaf's float arithmetic:
//! every tap's product is rounded to `f32`, the taps are summed in `f64` in kernel
//! order, and each output is rounded back to `f32`.

/// The 11-tap Gaussian (σ = 1.5) that weights SSIM's local statistics, one axis of
/// the separable 11×11 window.
pub(crate) const GAUSSIAN_11: [f32; 11] = [
    0.001028, 0.007599, 0.036001, 0.109361, 0.213006, 0.266012, 0.213006, 0.109361, 0.036001,
    0.007599, 0.001028,
];

/// Side of the Gaussian window: the smallest image SSIM can measure.
pub(crate) const WINDOW: usize = GAUSSIAN_11.len();

/// Filters `src` (`w` × `h`, packed) with `kernel` along both axes, keeping only the
/// positions where the whole window lies inside the image ("valid" filtering).
///
/// Writes `(w − k + 1) × (h − k + 1)` packed samples to `dst` and returns that size.
/// `cache` holds the horizontal pass and `acc` one row of vertical sums.
/// Requires `w, h >= kernel.len()`.
pub(crate) fn filter_valid(
    src: &[f32],
    w: usize,
    h: usize,
    kernel: &[f32],
    dst: &mut Vec<f32>,
    cache: &mut Vec<f32>,
    acc: &mut Vec<f64>,
) -> (usize, usize) {
    let k = kernel.len();
    debug_assert!(
        k % 2 == 1 && w >= k && h >= k,
        "caller checks the window fits"
    );
    let (dw, dh) = (w - k + 1, h - k + 1);

    // Both passes accumulate one tap at a time across a whole row: each output still
    // sums its taps in kernel order, and the inner loops vectorise.
    acc.clear();
    acc.resize(dw, 0.0);
    cache.clear();
    cache.resize(dw * h, 0.0);
    for (src_row, cache_row) in src.chunks_exact(w).zip(cache.chunks_exact_mut(dw)) {
        acc.fill(0.0);
        for (u, &c) in kernel.iter().enumerate() {
            for (a, &p) in acc.iter_mut().zip(&src_row[u..u + dw]) {
                *a += f64::from(p * c);
            }
        }
        for (out, &a) in cache_row.iter_mut().zip(acc.iter()) {
            *out = a as f32;
        }
    }

    dst.clear();
    dst.resize(dw * dh, 0.0);
    for (y, dst_row) in dst.chunks_exact_mut(dw).enumerate() {
        acc.fill(0.0);
        for (v, &c) in kernel.iter().enumerate() {
            let row = &cache[(y + v) * dw..(y + v + 1) * dw];
            for (a, &p) in acc.iter_mut().zip(row) {
                *a += f64::from(p * c);
            }
        }
        for (out, &a) in dst_row.iter_mut().zip(acc.iter()) {
            *out = a as f32;
        }
    }
    (dw, dh)
}

/// Size after [`decimate`]: `n / factor`, plus one when `n` is odd (libvmaf's rule, kept
/// for every factor).
pub(crate) fn decimated_len(n: usize, factor: usize) -> usize {
    n / factor + (n & 1)
}

/// Low-pass filters `src` (`w` × `h`, packed) with the square `kernel` (`side` × `side`,
/// row-major) centred on every `factor`-th sample, mirroring the image at its edges
/// (`-1 → 0`, `w → w − 1`). Writes the packed result to `dst`; returns its size.
/// `taps` holds the mirrored sample indices between calls.
///
/// For an even `side` the window spans `−side/2 ..= side/2 − 1`.
#[allow(clippy::too_many_arguments)] // one flat call mirrors the filter's parameters
pub(crate) fn decimate(
    src: &[f32],
    w: usize,
    h: usize,
    factor: usize,
    kernel: &[f32],
    side: usize,
    dst: &mut Vec<f32>,
    taps: &mut DecimateTaps,
) -> (usize, usize) {
    debug_assert_eq!(kernel.len(), side * side);
    let (sw, sh) = (decimated_len(w, factor), decimated_len(h, factor));
    taps.columns.clear();
    taps.columns.extend(window_indices(sw, w, factor, side));
    taps.rows.clear();
    taps.rows
        .extend(window_indices(sh, h, factor, side).map(|r| r * w));
    dst.clear();
    dst.reserve(sw * sh);
    for rows in taps.rows.chunks_exact(side) {
        for columns in taps.columns.chunks_exact(side) {
            let mut sum = 0.0f64;
            for (&row_start, weights) in rows.iter().zip(kernel.chunks_exact(side)) {
                let row = &src[row_start..row_start + w];
                for (&x, &c) in columns.iter().zip(weights) {
                    sum += f64::from(row[x] * c);
                }
            }
            dst.push(sum as f32);
        }
    }
    (sw, sh)
}

/// Mirrored sample indices reused by [`decimate`].
#[derive(Debug, Default, Clone)]
pub(crate) struct DecimateTaps {
    columns: Vec<usize>,
    rows: Vec<usize>,
}

/// For each of `out_len` outputs along an axis of `n` samples, the `side` (mirrored)
/// input indices its window covers.
fn window_indices(
    out_len: usize,
    n: usize,
    factor: usize,
    side: usize,
) -> impl Iterator<Item = usize> {
    let before = (side / 2) as isize;
    (0..out_len).flat_map(move |o| {
        let centre = (o * factor) as isize;
        (0..side as isize).map(move |t| mirror(centre + t - before, n))
    })
}

/// Mirrors an index once about each edge; the clamp only guards sizes the callers
/// already reject.
#[inline]
pub(super) fn mirror(i: isize, n: usize) -> usize {
    let n = n as isize;
    let m = if i < 0 {
        -1 - i
    } else if i >= n {
        2 * n - 1 - i
    } else {
        i
    };
    m.clamp(0, n - 1) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_filter_of_a_constant_keeps_it_up_to_kernel_sum() {
        let src = vec![10.0f32; 13 * 12];
        let (mut dst, mut cache, mut acc) = (Vec::new(), Vec::new(), Vec::new());
        let size = filter_valid(&src, 13, 12, &GAUSSIAN_11, &mut dst, &mut cache, &mut acc);
        assert_eq!(size, (3, 2));
        let sum: f32 = GAUSSIAN_11.iter().sum();
        for v in dst {
            assert!((v - 10.0 * sum * sum).abs() < 1e-4);
        }
    }

    #[test]
    fn decimate_sizes_follow_the_odd_rule() {
        assert_eq!(decimated_len(1280, 3), 426);
        assert_eq!(decimated_len(721, 3), 241);
        assert_eq!(decimated_len(337, 2), 169);
        assert_eq!(decimated_len(240, 2), 120);
    }

    #[test]
    fn mirror_reflects_once() {
        assert_eq!(mirror(-1, 5), 0);
        assert_eq!(mirror(-3, 5), 2);
        assert_eq!(mirror(5, 5), 4);
        assert_eq!(mirror(6, 5), 3);
        assert_eq!(mirror(2, 5), 2);
    }

    #[test]
    fn box_decimation_averages_blocks() {
        // 4x4 ramp, factor 2 with a 2x2 box: each output averages a block starting one
        // sample up and left (mirrored at the top-left edge).
        let src: Vec<f32> = (0..16).map(|i| i as f32).collect();
        let kernel = [0.25f32; 4];
        let mut dst = Vec::new();
        let size = decimate(
            &src,
            4,
            4,
            2,
            &kernel,
            2,
            &mut dst,
            &mut DecimateTaps::default(),
        );
        assert_eq!(size, (2, 2));
        assert_eq!(dst[0], 0.0);
        assert_eq!(dst[3], (5.0 + 6.0 + 9.0 + 10.0) / 4.0);
    }
}
