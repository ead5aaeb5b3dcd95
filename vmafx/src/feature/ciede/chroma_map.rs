//! Which chroma sample each luma position uses (nearest-neighbour upsampling).

use crate::frame::ChromaSubsampling;

/// For every luma position, the chroma sample it reads:
/// row `min(row_base(i) + row_step[j], max_row)`, column `column[j]`.
#[derive(Debug, Clone)]
pub(super) struct ChromaMap {
    column: Vec<usize>,
    row_step: Vec<usize>,
    shift_y: u32,
    max_row: usize,
}

impl ChromaMap {
    /// Plain nearest-neighbour upsampling: luma `(i, j)` reads chroma
    /// `(i >> ssy, j >> ssx)`, clamped to the plane so that floor-sized chroma repeats
    /// its last column and row.
    pub(super) fn nearest(
        luma_width: usize,
        chroma: ChromaSubsampling,
        chroma_width: usize,
        chroma_height: usize,
    ) -> Self {
        let sx = chroma.shift_x();
        Self {
            column: (0..luma_width)
                .map(|j| (j >> sx).min(chroma_width - 1))
                .collect(),
            row_step: vec![0; luma_width],
            shift_y: chroma.shift_y(),
            max_row: chroma_height - 1,
        }
    }

    /// libvmaf's 4:2:2 indexing: luma row `i` starts at chroma row `i / 2` and reads
    /// `luma_width` consecutive samples of a packed plane `luma_width / 2` wide, so the
    /// right half of each row comes from the next chroma row. Rows past the plane
    /// repeat its last row.
    pub(super) fn libvmaf_422(luma_width: usize, chroma_height: usize) -> Self {
        let packed_width = (luma_width / 2).max(1);
        Self {
            column: (0..luma_width).map(|j| j % packed_width).collect(),
            row_step: (0..luma_width).map(|j| j / packed_width).collect(),
            shift_y: 1,
            max_row: chroma_height - 1,
        }
    }

    /// For luma row `i`, the one chroma row it reads and the column of each luma
    /// position; `None` when a luma row spans several chroma rows (libvmaf's 4:2:2).
    pub(super) fn single_row(&self, i: usize) -> Option<(usize, &[usize])> {
        self.row_step
            .iter()
            .all(|&s| s == 0)
            .then(|| ((i >> self.shift_y).min(self.max_row), self.column.as_slice()))
    }

    /// Chroma `(row, column)` for luma `(i, j)`.
    #[inline]
    pub(super) fn position(&self, i: usize, j: usize) -> (usize, usize) {
        let row = ((i >> self.shift_y) + self.row_step[j]).min(self.max_row);
        (row, self.column[j])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_halves_and_clamps() {
        let m = ChromaMap::nearest(5, ChromaSubsampling::Yuv420, 2, 1);
        assert_eq!(m.position(0, 0), (0, 0));
        assert_eq!(m.position(1, 3), (0, 1));
        // Floor-sized chroma: column 4 and row 2 repeat the last ones.
        assert_eq!(m.position(2, 4), (0, 1));
        let m = ChromaMap::nearest(5, ChromaSubsampling::Yuv420, 3, 2);
        assert_eq!(m.position(2, 4), (1, 2));
        let m = ChromaMap::nearest(4, ChromaSubsampling::Yuv422, 2, 3);
        assert_eq!(m.position(2, 3), (2, 1));
    }

    #[test]
    fn libvmaf_422_spills_into_the_next_row() {
        let m = ChromaMap::libvmaf_422(8, 6);
        assert_eq!(m.position(0, 0), (0, 0));
        assert_eq!(m.position(0, 5), (1, 1));
        assert_eq!(m.position(3, 2), (1, 2));
        assert_eq!(m.position(3, 7), (2, 3));
        assert_eq!(m.position(5, 7), (3, 3));
    }
}
