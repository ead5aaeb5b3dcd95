//! One level of the Daubechies-2 wavelet analysis in fixed point.
//!
//! The finest level turns samples into 16-bit bands; the coarser levels work on 32-bit
//! approximations. Each output sample reads four inputs, `2i-1 ..= 2i+2`, mirrored at the
//! borders (`-1 -> 1`, `n -> n-1`, `n+1 -> n-2`).

use crate::frame::{Plane, Sample};

use super::tables::{DB2_HI, DB2_LO, DB2_LO_SUM};

/// Orientation index of the band with vertical detail filtered horizontally low-pass.
pub(crate) const H: usize = 0;
/// Orientation index of the band with horizontal detail.
pub(crate) const V: usize = 1;
/// Orientation index of the diagonal band.
pub(crate) const D: usize = 2;

/// The four bands of one analysis level, packed with stride = `width`.
pub(crate) struct Bands<T> {
    /// Band width (half the input width, rounded up).
    pub width: usize,
    /// Band height (half the input height, rounded up).
    pub height: usize,
    /// Low-pass in both directions: the next level's input.
    pub approx: Vec<T>,
    /// Detail bands by orientation ([`H`], [`V`], [`D`]).
    pub detail: [Vec<T>; 3],
}

impl<T: Copy + Default> Bands<T> {
    /// Bands with room for `capacity` samples each.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            width: 0,
            height: 0,
            approx: Vec::with_capacity(capacity),
            detail: std::array::from_fn(|_| Vec::with_capacity(capacity)),
        }
    }

    /// Sets the band size for an input of `input_width x input_height`; keeps the memory.
    pub fn resize_for_input(&mut self, input_width: usize, input_height: usize) {
        self.width = input_width.div_ceil(2);
        self.height = input_height.div_ceil(2);
        let n = self.width * self.height;
        self.approx.resize(n, T::default());
        for band in &mut self.detail {
            band.resize(n, T::default());
        }
    }
}

/// Fills `taps` with the four mirrored source indices of each output of a `len`-long
/// line. `len` must be at least 5 (shorter lines read outside the picture in libvmaf).
pub(crate) fn fill_taps(len: usize, taps: &mut Vec<[usize; 4]>) {
    debug_assert!(len >= 5, "the wavelet needs at least 5 samples per line");
    let mirror = |k: isize| -> usize {
        if k < 0 {
            k.unsigned_abs()
        } else if k as usize >= len {
            2 * len - 1 - k as usize
        } else {
            k as usize
        }
    };
    taps.clear();
    taps.extend((0..len.div_ceil(2)).map(|i| {
        let first = 2 * i as isize - 1;
        [
            mirror(first),
            mirror(first + 1),
            mirror(first + 2),
            mirror(first + 3),
        ]
    }));
}

/// Filters four samples with four taps.
#[inline(always)]
fn filter4(taps: &[i32; 4], s: [i32; 4]) -> i32 {
    taps[0] * s[0] + taps[1] * s[1] + taps[2] * s[2] + taps[3] * s[3]
}

/// Same as [`filter4`] in 64 bits.
#[inline(always)]
fn filter4_wide(taps: &[i32; 4], s: [i64; 4]) -> i64 {
    taps.iter().zip(s).map(|(&t, x)| i64::from(t) * x).sum()
}

/// One column of the finest level's vertical pass: the low- and high-pass sums of four
/// `bits`-bit samples, the low-pass one centred (minus half the range times the low-pass
/// gain), both rounded down by `bits` and kept in 16 bits. Above 15 bits the sums leave
/// 32 bits; they then wrap as libvmaf's do on two's complement machines.
#[inline(always)]
pub(crate) fn fine_vertical_sample(s: [i32; 4], bits: u32) -> (i16, i16) {
    let half = 1i32 << (bits - 1);
    let centring = DB2_LO_SUM.wrapping_mul(half);
    let wrapping_filter =
        |taps: &[i32; 4]| (0..4).fold(0i32, |acc, k| acc.wrapping_add(taps[k].wrapping_mul(s[k])));
    let lo = wrapping_filter(&DB2_LO).wrapping_sub(centring);
    let hi = wrapping_filter(&DB2_HI);
    (
        (lo.wrapping_add(half) >> bits) as i16,
        (hi.wrapping_add(half) >> bits) as i16,
    )
}

/// One output of the finest level's horizontal pass from the four vertical low-pass and
/// high-pass inputs: the approximation and the detail by orientation ([`H`], [`V`], [`D`]).
#[inline(always)]
pub(crate) fn fine_horizontal_sample(lo: [i32; 4], hi: [i32; 4]) -> (i16, [i16; 3]) {
    let round = |v: i32| ((v + 32768) >> 16) as i16;
    (
        round(filter4(&DB2_LO, lo)),
        [
            round(filter4(&DB2_LO, hi)),
            round(filter4(&DB2_HI, lo)),
            round(filter4(&DB2_HI, hi)),
        ],
    )
}

/// Analyses a `bits`-bit plane into 16-bit bands (the finest level).
pub(crate) fn analyse_fine<T: Sample>(
    src: &Plane<'_, T>,
    bits: u32,
    taps_y: &[[usize; 4]],
    taps_x: &[[usize; 4]],
    tmp: &mut [Vec<i16>; 2],
    out: &mut Bands<i16>,
) {
    let w = src.width();
    let [tmp_lo, tmp_hi] = tmp;
    tmp_lo.resize(w, 0);
    tmp_hi.resize(w, 0);
    let bw = out.width;
    let [out_h, out_v, out_d] = &mut out.detail;
    for (i, rows) in taps_y.iter().enumerate() {
        let r = rows.map(|y| src.row(y));
        for j in 0..w {
            let s: [i32; 4] = std::array::from_fn(|k| r[k][j].into());
            (tmp_lo[j], tmp_hi[j]) = fine_vertical_sample(s, bits);
        }
        let row = i * bw;
        for (j, cols) in taps_x.iter().enumerate() {
            let lo = cols.map(|x| i32::from(tmp_lo[x]));
            let hi = cols.map(|x| i32::from(tmp_hi[x]));
            let (approx, [h, v, d]) = fine_horizontal_sample(lo, hi);
            out.approx[row + j] = approx;
            out_h[row + j] = h;
            out_v[row + j] = v;
            out_d[row + j] = d;
        }
    }
}

/// A rounding step of the coarse levels: add, then shift right (in 64 bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rounding {
    /// Added before the shift.
    pub add: i64,
    /// Right shift.
    pub shift: u32,
}

impl Rounding {
    /// `(v + add) >> shift`, kept in 32 bits (wrapping, as C's conversion does).
    #[inline(always)]
    pub fn apply(self, v: i64) -> i32 {
        ((v + self.add) >> self.shift) as i32
    }
}

/// Vertical and horizontal rounding of the coarse levels, for scales 1, 2 and 3.
const COARSE_ROUNDING: [(Rounding, Rounding); 3] = [
    (
        Rounding { add: 0, shift: 0 },
        Rounding {
            add: 16384,
            shift: 15,
        },
    ),
    (
        Rounding {
            add: 32768,
            shift: 16,
        },
        Rounding {
            add: 32768,
            shift: 16,
        },
    ),
    (
        Rounding {
            add: 32768,
            shift: 16,
        },
        Rounding {
            add: 16384,
            shift: 15,
        },
    ),
];

/// The (vertical, horizontal) rounding of coarse `scale` (1..=3).
pub(crate) fn coarse_rounding(scale: usize) -> (Rounding, Rounding) {
    COARSE_ROUNDING[scale - 1]
}

/// One column of a coarse level's vertical pass: (low-pass, high-pass).
#[inline(always)]
pub(crate) fn coarse_vertical_sample(s: [i64; 4], round: Rounding) -> (i32, i32) {
    (
        round.apply(filter4_wide(&DB2_LO, s)),
        round.apply(filter4_wide(&DB2_HI, s)),
    )
}

/// One output of a coarse level's horizontal pass: the approximation and the detail by
/// orientation ([`H`], [`V`], [`D`]).
#[inline(always)]
pub(crate) fn coarse_horizontal_sample(
    lo: [i64; 4],
    hi: [i64; 4],
    round: Rounding,
) -> (i32, [i32; 3]) {
    (
        round.apply(filter4_wide(&DB2_LO, lo)),
        [
            round.apply(filter4_wide(&DB2_LO, hi)),
            round.apply(filter4_wide(&DB2_HI, lo)),
            round.apply(filter4_wide(&DB2_HI, hi)),
        ],
    )
}

/// Analyses the previous level's approximation (`width x height`, rows `stride` apart)
/// into 32-bit bands at `scale` (1..=3).
#[allow(clippy::too_many_arguments)]
pub(crate) fn analyse_coarse<S: Copy + Into<i64>>(
    src: &[S],
    stride: usize,
    width: usize,
    scale: usize,
    taps_y: &[[usize; 4]],
    taps_x: &[[usize; 4]],
    tmp: &mut [Vec<i32>; 2],
    out: &mut Bands<i32>,
) {
    let (vertical, horizontal) = coarse_rounding(scale);
    let [tmp_lo, tmp_hi] = tmp;
    tmp_lo.resize(width, 0);
    tmp_hi.resize(width, 0);
    let bw = out.width;
    let [out_h, out_v, out_d] = &mut out.detail;
    for (i, rows) in taps_y.iter().enumerate() {
        let r = rows.map(|y| &src[y * stride..y * stride + width]);
        for j in 0..width {
            let s: [i64; 4] = std::array::from_fn(|k| r[k][j].into());
            (tmp_lo[j], tmp_hi[j]) = coarse_vertical_sample(s, vertical);
        }
        let row = i * bw;
        for (j, cols) in taps_x.iter().enumerate() {
            let lo = cols.map(|x| i64::from(tmp_lo[x]));
            let hi = cols.map(|x| i64::from(tmp_hi[x]));
            let (approx, [h, v, d]) = coarse_horizontal_sample(lo, hi, horizontal);
            out.approx[row + j] = approx;
            out_h[row + j] = h;
            out_v[row + j] = v;
            out_d[row + j] = d;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taps_mirror_at_both_ends() {
        let mut taps = Vec::new();
        fill_taps(7, &mut taps);
        assert_eq!(
            taps,
            vec![[1, 0, 1, 2], [1, 2, 3, 4], [3, 4, 5, 6], [5, 6, 6, 5]]
        );
        fill_taps(8, &mut taps);
        assert_eq!(taps.len(), 4);
        assert_eq!(taps[3], [5, 6, 7, 7]);
    }

    #[test]
    fn flat_plane_has_no_detail() {
        let data = vec![200u8; 9 * 7];
        let plane = Plane::new(&data, 9, 7, 9).unwrap();
        let (mut ty, mut tx) = (Vec::new(), Vec::new());
        fill_taps(7, &mut ty);
        fill_taps(9, &mut tx);
        let mut bands = Bands::with_capacity(0);
        bands.resize_for_input(9, 7);
        analyse_fine(
            &plane,
            8,
            &ty,
            &tx,
            &mut [Vec::new(), Vec::new()],
            &mut bands,
        );
        assert!(bands.detail.iter().flatten().all(|&d| d == 0));
        assert!(bands.approx.iter().all(|&a| a == bands.approx[0]));
    }
}
