//! The part of a band that is scored: libvmaf leaves out 10% of each side.

use std::ops::Range;

use super::tables::BORDER_FACTOR;

/// A rectangle of band samples: rows `top..bottom`, columns `left..right`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Region {
    /// First row.
    pub top: usize,
    /// One past the last row.
    pub bottom: usize,
    /// First column.
    pub left: usize,
    /// One past the last column.
    pub right: usize,
}

/// Margin of a `len`-long side, minus `extra`, truncated toward zero as C's `int`
/// conversion does.
fn margin(len: usize, extra: f64) -> i64 {
    (len as f64 * BORDER_FACTOR - 0.5 - extra) as i64
}

impl Region {
    /// The scored rectangle of a `width x height` band.
    pub fn scored(width: usize, height: usize) -> Self {
        // The margin is never negative here: the truncation of -0.5 is 0.
        let left = margin(width, 0.0).max(0) as usize;
        let top = margin(height, 0.0).max(0) as usize;
        Self {
            top,
            bottom: height - top,
            left,
            right: width - left,
        }
    }

    /// The scored rectangle widened by the masking filter's reach (one sample before,
    /// two after), clipped to the band: the decoupling and CSF steps cover this.
    pub fn with_filter_reach(width: usize, height: usize) -> Self {
        let side = |len: usize| {
            let m = margin(len, 1.0);
            let start = m.max(0) as usize;
            let end = (len as i64 - m + 2).min(len as i64) as usize;
            (start, end)
        };
        let (left, right) = side(width);
        let (top, bottom) = side(height);
        Self {
            top,
            bottom,
            left,
            right,
        }
    }

    /// Rows of the rectangle.
    pub fn rows(&self) -> Range<usize> {
        self.top..self.bottom
    }

    /// Columns of the rectangle.
    pub fn cols(&self) -> Range<usize> {
        self.left..self.right
    }

    /// Number of samples.
    pub fn area(&self) -> usize {
        (self.bottom - self.top) * (self.right - self.left)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margins() {
        let r = Region::scored(88, 72);
        assert_eq!((r.left, r.right, r.top, r.bottom), (8, 80, 6, 66));
        let f = Region::with_filter_reach(88, 72);
        assert_eq!((f.left, f.right, f.top, f.bottom), (7, 83, 5, 69));
        let small = Region::with_filter_reach(3, 9);
        assert_eq!(
            (small.left, small.right, small.top, small.bottom),
            (0, 3, 0, 9)
        );
    }
}
