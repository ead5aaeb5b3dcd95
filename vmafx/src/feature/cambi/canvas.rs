//! The working picture: a fixed-size buffer in which each scale is built in place over
//! the previous one, and the two operations that take it from scale to scale.

/// A buffer of 10-bit samples (or 0/1 mask flags) allocated once at the largest size
/// scored. Each scale's picture occupies its top-left corner; samples outside it keep
/// what earlier scales left there, exactly as in libvmaf, because at extreme aspect
/// ratios the histogram window reaches past the picture and reads them.
#[derive(Debug, Clone)]
pub(super) struct Canvas {
    data: Vec<u16>,
    width: usize,
    height: usize,
}

impl Canvas {
    /// A zeroed canvas of `width` x `height` samples.
    pub(super) fn new(width: usize, height: usize) -> Self {
        Self {
            data: vec![0; width * height],
            width,
            height,
        }
    }

    /// Allocated width, which is also the row stride.
    pub(super) fn width(&self) -> usize {
        self.width
    }

    /// Allocated height.
    pub(super) fn height(&self) -> usize {
        self.height
    }

    /// Row `y`, the whole allocated width.
    #[inline]
    pub(super) fn row(&self, y: usize) -> &[u16] {
        &self.data[y * self.width..(y + 1) * self.width]
    }

    /// Row `y`, mutable, the whole allocated width.
    #[inline]
    pub(super) fn row_mut(&mut self, y: usize) -> &mut [u16] {
        &mut self.data[y * self.width..(y + 1) * self.width]
    }

    /// All samples, rows `width()` apart.
    pub(super) fn samples_mut(&mut self) -> &mut [u16] {
        &mut self.data
    }

    /// Row `y` mutable and row `y + 1` shared, both the whole allocated width.
    pub(super) fn row_and_next(&mut self, y: usize) -> (&mut [u16], &[u16]) {
        let both = &mut self.data[y * self.width..(y + 2) * self.width];
        let (upper, lower) = both.split_at_mut(self.width);
        (upper, lower)
    }

    /// Keeps every other sample of every other row: the `width` x `height` picture at the
    /// top left becomes the sample at twice its coordinates. Done in place, front to
    /// back, so each source is read before anything overwrites it.
    pub(super) fn halve(&mut self, width: usize, height: usize) {
        debug_assert!(2 * width <= self.width + 1 && 2 * height <= self.height + 1);
        for y in 0..height {
            let source = 2 * y * self.width;
            let target = y * self.width;
            for x in 0..width {
                self.data[target + x] = self.data[source + 2 * x];
            }
        }
    }

    /// Replaces each sample not on the border of the `width` x `height` picture by the
    /// 3x3 mode, taken as the vertical mode of three horizontal modes (the border samples
    /// of each row count unfiltered in those). The first and last rows stay as they are.
    /// `rows` is scratch for three rows of `width` samples.
    pub(super) fn mode_filter(&mut self, width: usize, height: usize, rows: &mut Vec<u16>) {
        if height < 3 {
            return;
        }
        rows.clear();
        rows.resize(3 * width, 0);
        let (mut older, rest) = rows.split_at_mut(width);
        let (mut middle, mut newer) = rest.split_at_mut(width);
        horizontal_mode(&self.row(0)[..width], older);
        horizontal_mode(&self.row(1)[..width], middle);
        for y in 2..height {
            horizontal_mode(&self.row(y)[..width], newer);
            // Row y - 1 has already been read into `middle`; overwriting it is safe.
            let out = &mut self.row_mut(y - 1)[..width];
            for x in 0..width {
                out[x] = mode3(older[x], middle[x], newer[x]);
            }
            std::mem::swap(&mut older, &mut middle);
            std::mem::swap(&mut middle, &mut newer);
        }
    }
}

/// Horizontal 3-tap mode of `row` into `out`; the two end samples are copied.
fn horizontal_mode(row: &[u16], out: &mut [u16]) {
    let width = row.len();
    out[0] = row[0];
    for x in 1..width.saturating_sub(1) {
        out[x] = mode3(row[x - 1], row[x], row[x + 1]);
    }
    out[width - 1] = row[width - 1];
}

/// The value two of the three share, or the smallest when all differ.
#[inline]
pub(super) fn mode3(a: u16, b: u16, c: u16) -> u16 {
    if a == b || a == c {
        a
    } else if b == c {
        b
    } else {
        a.min(b).min(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canvas(width: usize, rows: &[&[u16]]) -> Canvas {
        let mut c = Canvas::new(width, rows.len());
        for (y, r) in rows.iter().enumerate() {
            c.row_mut(y).copy_from_slice(r);
        }
        c
    }

    #[test]
    fn mode3_cases() {
        assert_eq!(mode3(1, 1, 2), 1);
        assert_eq!(mode3(2, 1, 2), 2);
        assert_eq!(mode3(3, 5, 5), 5);
        assert_eq!(mode3(7, 4, 9), 4);
    }

    #[test]
    fn halve_keeps_even_samples_and_leaves_the_rest() {
        let mut c = canvas(3, &[&[1, 2, 3], &[4, 5, 6], &[7, 8, 9]]);
        c.halve(2, 2);
        assert_eq!(c.row(0), &[1, 3, 3]);
        assert_eq!(c.row(1), &[7, 9, 6]);
        assert_eq!(c.row(2), &[7, 8, 9]);
    }

    #[test]
    fn mode_filter_removes_a_lone_pixel_and_keeps_the_border() {
        let mut c = canvas(
            5,
            &[
                &[2, 0, 0, 0, 0],
                &[0, 0, 0, 0, 0],
                &[0, 0, 1, 0, 0],
                &[0, 0, 0, 0, 0],
                &[0, 0, 0, 0, 3],
            ],
        );
        let mut rows = Vec::new();
        c.mode_filter(5, 5, &mut rows);
        assert_eq!(c.row(0), &[2, 0, 0, 0, 0]);
        assert_eq!(c.row(2), &[0, 0, 0, 0, 0]);
        assert_eq!(c.row(4), &[0, 0, 0, 0, 3]);
        // The corner value survives in row 1 through the unfiltered left border.
        let mut c = canvas(3, &[&[2, 0, 0], &[2, 0, 0], &[0, 0, 0]]);
        c.mode_filter(3, 3, &mut rows);
        assert_eq!(c.row(1), &[2, 0, 0]);
    }
}
