//! One level of the Daubechies-2 wavelet transform ADM works on: the picture splits
//! into a half-size approximation and horizontal, vertical and diagonal details.

/// Low-pass (scaling) filter taps.
const LO: [f32; 4] = [
    0.482962913144690_f64 as f32,
    0.836516303737469_f64 as f32,
    0.224143868041857_f64 as f32,
    -0.129409522550921_f64 as f32,
];
/// High-pass (wavelet) filter taps.
const HI: [f32; 4] = [
    -0.129409522550921_f64 as f32,
    -0.224143868041857_f64 as f32,
    0.836516303737469_f64 as f32,
    -0.482962913144690_f64 as f32,
];

/// The four sub-bands of one level, packed with the band width as stride.
#[derive(Debug, Default)]
pub(super) struct Bands {
    /// Low-pass both ways: the next level's input.
    pub approx: Vec<f32>,
    /// Detail bands in the order horizontal, vertical, diagonal.
    pub detail: [Vec<f32>; 3],
}

impl Bands {
    /// Bands able to hold the level of a `width` x `height` picture.
    pub(super) fn for_picture(width: usize, height: usize) -> Self {
        let len = width.div_ceil(2) * height.div_ceil(2);
        Self {
            approx: vec![0.0; len],
            detail: std::array::from_fn(|_| vec![0.0; len]),
        }
    }
}

/// Reusable buffers of the transform.
#[derive(Debug, Default)]
pub(super) struct DwtScratch {
    rows: Vec<[usize; 4]>,
    columns: Vec<[usize; 4]>,
    low: Vec<f32>,
    high: Vec<f32>,
}

/// Source positions of the four taps of each output sample along a dimension of `len`
/// (at least 2) samples: `2i - 1 .. 2i + 2`, reflected without repeating the first
/// sample and with repeating the last.
fn tap_positions(len: usize, out: &mut Vec<[usize; 4]>) {
    let reflect = |p: isize| -> usize {
        let n = len as isize;
        let q = if p < 0 {
            -p
        } else if p >= n {
            2 * n - p - 1
        } else {
            p
        };
        q as usize
    };
    out.clear();
    out.extend((0..len.div_ceil(2)).map(|i| {
        let first = 2 * i as isize - 1;
        std::array::from_fn(|k| reflect(first + k as isize))
    }));
}

/// `taps` applied to `s`, summed in tap order from zero.
#[inline]
fn filter(taps: &[f32; 4], s: [f32; 4]) -> f32 {
    let mut acc = 0.0f32;
    for (t, v) in taps.iter().zip(s) {
        acc += t * v;
    }
    acc
}

/// Transforms the packed `width` x `height` picture `src` (both at least 2) into `out`.
/// With `approx_only` the detail bands are left untouched.
pub(super) fn transform(
    src: &[f32],
    width: usize,
    height: usize,
    out: &mut Bands,
    approx_only: bool,
    scratch: &mut DwtScratch,
) {
    tap_positions(height, &mut scratch.rows);
    tap_positions(width, &mut scratch.columns);
    scratch.low.resize(width, 0.0);
    scratch.high.resize(width, 0.0);
    let out_width = width.div_ceil(2);
    let [horizontal, vertical, diagonal] = &mut out.detail;
    for (i, rows) in scratch.rows.iter().enumerate() {
        let [t0, t1, t2, t3] = rows.map(|r| &src[r * width..][..width]);
        let columns = t0.iter().zip(t1).zip(t2).zip(t3);
        for (j, (((&a, &b), &c), &d)) in columns.enumerate() {
            let s = [a, b, c, d];
            scratch.low[j] = filter(&LO, s);
            if !approx_only {
                scratch.high[j] = filter(&HI, s);
            }
        }
        let row = i * out_width;
        for (j, columns) in scratch.columns.iter().enumerate() {
            let low = columns.map(|c| scratch.low[c]);
            out.approx[row + j] = filter(&LO, low);
            if !approx_only {
                let high = columns.map(|c| scratch.high[c]);
                vertical[row + j] = filter(&HI, low);
                horizontal[row + j] = filter(&LO, high);
                diagonal[row + j] = filter(&HI, high);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tap_positions_reflect() {
        let mut out = Vec::new();
        tap_positions(5, &mut out);
        assert_eq!(out, vec![[1, 0, 1, 2], [1, 2, 3, 4], [3, 4, 4, 3]]);
        tap_positions(2, &mut out);
        assert_eq!(out, vec![[1, 0, 1, 1]]);
    }

    #[test]
    fn flat_picture_has_no_detail() {
        let src = vec![10.0f32; 6 * 5];
        let mut bands = Bands::for_picture(6, 5);
        transform(&src, 6, 5, &mut bands, false, &mut DwtScratch::default());
        for band in &bands.detail {
            assert!(band.iter().all(|v| v.abs() < 1e-4));
        }
        let gain = LO.iter().sum::<f32>().powi(2);
        assert!(bands.approx.iter().all(|v| (v - 10.0 * gain).abs() < 1e-3));
    }
}
