//! The spatial mask: CAMBI only looks for bands where the picture is mostly flat, that is
//! where enough of the 7x7 neighbourhood has no gradient at all.

use super::canvas::Canvas;

/// Side of the square neighbourhood counted around each pixel.
pub(super) const NEIGHBOURHOOD: usize = 7;
pub(super) const RADIUS: usize = NEIGHBOURHOOD / 2;

/// Number of bits needed for `n - 1` (0 for 0 and 1): the rounded-up base-2 logarithm.
fn ceil_log2(n: u32) -> i32 {
    if n == 0 {
        0
    } else {
        (32 - (n - 1).leading_zeros()) as i32
    }
}

/// How many flat pixels a `side` x `side` neighbourhood must exceed for its centre to be
/// kept; grows slowly with the picture area so that larger pictures need flatter areas.
pub(super) fn flat_count_threshold(width: usize, height: usize, side: usize) -> u32 {
    let blocks = (width >> 6) as u32 * (height >> 6) as u32;
    let side = side as i32;
    let threshold = (side * side + 3 * (ceil_log2(blocks) - 11) - 1) >> 1;
    u32::from(threshold as u16)
}

/// Calls `each(x, flat)` for every column of row `y`: a pixel is flat when it equals its
/// right and lower neighbours; the picture's last column and row only need the neighbour
/// they have.
#[inline]
fn for_each_flat(
    image: &Canvas,
    y: usize,
    width: usize,
    height: usize,
    mut each: impl FnMut(usize, bool),
) {
    let row = &image.row(y)[..width];
    if y + 1 < height {
        let below = &image.row(y + 1)[..width];
        for x in 0..width {
            let right_ok = x + 1 == width || row[x] == row[x + 1];
            each(x, right_ok && row[x] == below[x]);
        }
    } else {
        for x in 0..width {
            each(x, x + 1 == width || row[x] == row[x + 1]);
        }
    }
}

/// Writes into `mask` (1 = considered for banding) whether more than the size-dependent
/// threshold of flat pixels lie in the 7x7 neighbourhood (clipped to the picture) of each
/// pixel of the `width` x `height` picture in `image`. `column_sums` is scratch.
pub(super) fn spatial_mask(
    image: &Canvas,
    mask: &mut Canvas,
    width: usize,
    height: usize,
    column_sums: &mut Vec<u32>,
) {
    let threshold = flat_count_threshold(width, height, NEIGHBOURHOOD);
    column_sums.clear();
    column_sums.resize(width, 0);
    // `column_sums[x]` counts flat pixels of column x in rows y - RADIUS ..= y + RADIUS.
    for y in 0..RADIUS.min(height) {
        for_each_flat(image, y, width, height, |x, flat| {
            column_sums[x] += u32::from(flat)
        });
    }
    for y in 0..height {
        if y + RADIUS < height {
            for_each_flat(image, y + RADIUS, width, height, |x, flat| {
                column_sums[x] += u32::from(flat)
            });
        }
        if y > RADIUS {
            for_each_flat(image, y - RADIUS - 1, width, height, |x, flat| {
                column_sums[x] -= u32::from(flat)
            });
        }
        let out = &mut mask.row_mut(y)[..width];
        let mut count: u32 = column_sums[..RADIUS.min(width)].iter().sum();
        for x in 0..width {
            if x + RADIUS < width {
                count += column_sums[x + RADIUS];
            }
            if x > RADIUS {
                count -= column_sums[x - RADIUS - 1];
            }
            out[x] = u16::from(count > threshold);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_match_libvmaf_table() {
        for (w, h, side, expected) in [
            (3840, 2160, 7, 24),
            (2560, 1440, 7, 22),
            (1980, 1080, 7, 21),
            (1280, 720, 7, 19),
            (960, 540, 7, 18),
            (640, 360, 7, 16),
            (480, 270, 7, 15),
            (320, 180, 7, 13),
            (6000, 4000, 7, 27),
            (960, 540, 5, 6),
            (100, 50, 7, 7),
        ] {
            assert_eq!(flat_count_threshold(w, h, side), expected, "{w}x{h}/{side}");
        }
    }

    /// Direct count over the clipped neighbourhood, for comparison.
    fn naive(image: &Canvas, width: usize, height: usize) -> Vec<u16> {
        let at = |y: usize, x: usize| image.row(y)[x];
        let flat = |y: usize, x: usize| {
            (x + 1 == width || at(y, x) == at(y, x + 1))
                && (y + 1 == height || at(y, x) == at(y + 1, x))
        };
        let threshold = flat_count_threshold(width, height, NEIGHBOURHOOD);
        let mut out = Vec::new();
        for y in 0..height {
            for x in 0..width {
                let mut count = 0;
                for yy in y.saturating_sub(RADIUS)..(y + RADIUS + 1).min(height) {
                    for xx in x.saturating_sub(RADIUS)..(x + RADIUS + 1).min(width) {
                        count += u32::from(flat(yy, xx));
                    }
                }
                out.push(u16::from(count > threshold));
            }
        }
        out
    }

    #[test]
    fn sliding_sums_equal_direct_counts() {
        let (width, height) = (23, 17);
        let mut image = Canvas::new(width, height);
        let mut seed = 12345u32;
        for y in 0..height {
            for (x, v) in image.row_mut(y).iter_mut().enumerate() {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
                // Noise fading into a flat area, so both mask values occur.
                let noisy = (seed >> 16) % (width as u32) > x as u32;
                *v = if noisy { (seed >> 20) as u16 % 4 } else { 1 };
            }
        }
        let mut mask = Canvas::new(width, height);
        spatial_mask(&image, &mut mask, width, height, &mut Vec::new());
        let got: Vec<u16> = (0..height).flat_map(|y| mask.row(y).to_vec()).collect();
        let expected = naive(&image, width, height);
        assert_eq!(got, expected);
        assert!(got.contains(&0) && got.contains(&1));
    }
}
