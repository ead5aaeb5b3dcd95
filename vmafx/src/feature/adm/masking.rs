//! CSF weighting and contrast masking: the numerator of each scale.
//!
//! The masker (the additive impairment for the detail-loss measure, the restored part for
//! AIM) is CSF-weighted; its 3x3 neighbourhood, summed over the three orientations, sets a
//! threshold. Each target coefficient, CSF-weighted, counts with the cube of what exceeds
//! the threshold. The fixed-point formats differ between the finest level (16-bit bands)
//! and the coarse ones (32-bit), so each supplies a [`MaskingArithmetic`].

use super::region::Region;

/// Fixed-point arithmetic of the weighting and masking steps for one band format.
pub(crate) trait MaskingArithmetic {
    /// The band sample type.
    type Coef: Copy;

    /// CSF-weights coefficient `c` of orientation `o`; returns the weighted value and its
    /// neighbourhood masking share (1/30 of its magnitude, in the threshold's units).
    fn weigh(&self, o: usize, c: Self::Coef) -> (Self::Coef, Self::Coef);

    /// A neighbour's masking share as a 32-bit term of the threshold.
    fn share(c: Self::Coef) -> i32;

    /// The centre's own masking share (1/15 of the weighted magnitude).
    fn self_share(weighted: Self::Coef) -> i32;

    /// The cubed, scaled excess of target coefficient `c` (orientation `o`) over
    /// `threshold`.
    fn excess_cubed(&self, o: usize, c: Self::Coef, threshold: i32) -> i64;

    /// Right shift applied to each row's sum before it joins the total.
    fn row_shift(&self) -> u32;
}

/// CSF-weights the three masker bands over `region` into `weighted` and `shares`.
pub(crate) fn weigh_bands<A: MaskingArithmetic>(
    arith: &A,
    masker: &[Vec<A::Coef>; 3],
    weighted: &mut [Vec<A::Coef>; 3],
    shares: &mut [Vec<A::Coef>; 3],
    stride: usize,
    region: Region,
) {
    for o in 0..3 {
        for i in region.rows() {
            let row = i * stride;
            for j in region.cols() {
                let (w, s) = arith.weigh(o, masker[o][row + j]);
                weighted[o][row + j] = w;
                shares[o][row + j] = s;
            }
        }
    }
}

/// Index of the neighbour before `k`: the first sample mirrors to 1.
#[inline(always)]
pub(crate) fn before(k: usize) -> usize {
    if k == 0 {
        1
    } else {
        k - 1
    }
}

/// Index of the neighbour after `k`: the last sample repeats itself.
#[inline(always)]
pub(crate) fn after(k: usize, len: usize) -> usize {
    if k + 1 == len {
        k
    } else {
        k + 1
    }
}

/// The bands the masking step reads, all `width x height` with rows `stride` apart.
pub(crate) struct MaskingInput<'a, T> {
    /// Coefficients whose visible excess is measured, by orientation.
    pub target: &'a [Vec<T>; 3],
    /// CSF-weighted masker, by orientation.
    pub weighted: &'a [Vec<T>; 3],
    /// The masker's neighbourhood shares, by orientation.
    pub shares: &'a [Vec<T>; 3],
    /// Band width.
    pub width: usize,
    /// Band height.
    pub height: usize,
    /// Distance between rows.
    pub stride: usize,
}

/// The `width` samples of a band starting at `start`.
#[inline(always)]
fn row_of<T>(band: &[T], start: usize, width: usize) -> &[T] {
    &band[start..start + width]
}

/// The `width` samples starting at `start` in each of three bands.
#[inline(always)]
fn rows_of<T>(bands: &[Vec<T>; 3], start: usize, width: usize) -> [&[T]; 3] {
    bands.each_ref().map(|b| row_of(b, start, width))
}

/// Sums the masked target energy of each orientation over `region`: per row, the cubed
/// excesses are added, rounded down by [`MaskingArithmetic::row_shift`] and accumulated.
///
/// The threshold of a coefficient is the sum, over the three orientations, of the shares
/// of its 8 neighbours plus its own self share. Integer sums are exact (wrapping), so the
/// 3x3 sum is formed from per-column sums over the three rows, kept in `column_sums`.
pub(crate) fn masked_energy<A: MaskingArithmetic>(
    arith: &A,
    input: &MaskingInput<'_, A::Coef>,
    region: Region,
    column_sums: &mut Vec<i32>,
) -> [i64; 3] {
    let (width, stride) = (input.width, input.stride);
    let shift = arith.row_shift();
    let round = if shift == 0 { 0 } else { 1i64 << (shift - 1) };
    column_sums.resize(width, 0);
    let mut total = [0i64; 3];
    for i in region.rows() {
        let starts = [before(i), i, after(i, input.height)].map(|r| r * stride);
        column_sums.fill(0);
        for band in input.shares {
            for &start in &starts {
                for (sum, &c) in column_sums.iter_mut().zip(row_of(band, start, width)) {
                    *sum = sum.wrapping_add(A::share(c));
                }
            }
        }
        let centre = starts[1];
        let shares = rows_of(input.shares, centre, width);
        let weighted = rows_of(input.weighted, centre, width);
        let target = rows_of(input.target, centre, width);
        let mut row_sum = [0i64; 3];
        for j in region.cols() {
            let neighbourhood = column_sums[before(j)]
                .wrapping_add(column_sums[j])
                .wrapping_add(column_sums[after(j, width)]);
            let mut threshold = neighbourhood;
            for o in 0..3 {
                // The centre counts with its self share instead of its neighbour share.
                threshold = threshold
                    .wrapping_sub(A::share(shares[o][j]))
                    .wrapping_add(A::self_share(weighted[o][j]));
            }
            for (o, acc) in row_sum.iter_mut().enumerate() {
                *acc = acc.wrapping_add(arith.excess_cubed(o, target[o][j], threshold));
            }
        }
        for (t, r) in total.iter_mut().zip(row_sum) {
            *t = t.wrapping_add(r.wrapping_add(round) >> shift);
        }
    }
    total
}

/// CSF-weighs column `j` of the three masker rows: the sum of the three orientations'
/// neighbour shares, and the centre's correction (its self shares minus its neighbour
/// shares). A threshold is the 3x3 sum of the first plus the centre's second.
#[inline(always)]
pub(crate) fn weigh_column<A: MaskingArithmetic>(
    arith: &A,
    masker: &[&[A::Coef]; 3],
    j: usize,
) -> (i32, i32) {
    let (mut sum, mut centre) = (0i32, 0i32);
    for (o, band) in masker.iter().enumerate() {
        let (weighted, share) = arith.weigh(o, band[j]);
        sum = sum.wrapping_add(A::share(share));
        centre = centre
            .wrapping_add(A::self_share(weighted))
            .wrapping_sub(A::share(share));
    }
    (sum, centre)
}

/// [`weigh_column`] over columns `from..` of one row.
pub(crate) fn weigh_row<A: MaskingArithmetic>(
    arith: &A,
    masker: [&[A::Coef]; 3],
    sums: &mut [i32],
    centre: &mut [i32],
    from: usize,
) {
    for j in from..sums.len() {
        (sums[j], centre[j]) = weigh_column(arith, &masker, j);
    }
}

/// Per column, the sum of three rows' share sums (wrapping), for columns `from..`.
pub(crate) fn column_sums(rows: [&[i32]; 3], out: &mut [i32], from: usize) {
    for j in from..out.len() {
        out[j] = rows[0][j].wrapping_add(rows[1][j]).wrapping_add(rows[2][j]);
    }
}

/// The cubed excesses of one row's targets over columns `cols`, by orientation (wrapping
/// sums). `column_sums` covers the whole row (its length is the band width, for the
/// mirroring at the edges); `centre` holds the centre corrections.
pub(crate) fn masked_row<A: MaskingArithmetic>(
    arith: &A,
    column_sums: &[i32],
    centre: &[i32],
    target: [&[A::Coef]; 3],
    cols: std::ops::Range<usize>,
) -> [i64; 3] {
    let width = column_sums.len();
    let mut sums = [0i64; 3];
    for j in cols {
        let threshold = column_sums[before(j)]
            .wrapping_add(column_sums[j])
            .wrapping_add(column_sums[after(j, width)])
            .wrapping_add(centre[j]);
        for (o, acc) in sums.iter_mut().enumerate() {
            *acc = acc.wrapping_add(arith.excess_cubed(o, target[o][j], threshold));
        }
    }
    sums
}

/// Adds one row's masked sums into `totals`, each rounded down by the row shift.
#[inline]
pub(crate) fn accumulate_row<A: MaskingArithmetic>(
    arith: &A,
    totals: &mut [i64; 3],
    row: [i64; 3],
) {
    let shift = arith.row_shift();
    let round = if shift == 0 { 0 } else { 1i64 << (shift - 1) };
    for (t, r) in totals.iter_mut().zip(row) {
        *t = t.wrapping_add(r.wrapping_add(round) >> shift);
    }
}

/// The per-orientation scale of a masked energy: cube root plus the noise floor's cube
/// root, summed over the three orientations in `f32`.
pub(crate) fn cube_root_sum(energy: [f32; 3], region: Region, noise_weight: f64) -> f32 {
    let third = 1.0f32 / 3.0;
    let floor = ((region.area() as f64 * noise_weight) as f32).powf(third);
    energy
        .iter()
        .map(|e| e.powf(third) + floor)
        .fold(0.0f32, |acc, x| acc + x)
}

/// Smallest `k` with `2^k >= n` (`n >= 1`): libvmaf's `ceil(log2(n))`.
pub(crate) fn ceil_log2(n: usize) -> u32 {
    n.next_power_of_two().trailing_zeros()
}

/// `(uint32_t)pow(2, shift - 1)` for a shift held in a `uint32_t`: 0 for a zero shift.
pub(crate) fn half_of(shift: u32) -> i64 {
    if shift == 0 {
        0
    } else {
        1i64 << (shift - 1)
    }
}

/// Arithmetic of the finest level: 16-bit bands, Q21/Q23 weights.
#[derive(Debug, Clone)]
pub(crate) struct FineArithmetic {
    /// CSF weights: Q21 (h, v) and Q23 (d).
    pub weights: [u16; 3],
    /// Shift after cubing, per orientation, from the band width.
    pub cube_shift: [u32; 3],
    /// Shift of each row's sum, from the band height.
    pub row_shift: u32,
}

impl FineArithmetic {
    /// Weighting step's rounding offsets and shifts, per orientation.
    pub(crate) const WEIGH_ROUND: [(i32, u32); 3] = [(16384, 15), (16384, 15), (65535, 17)];
    /// Left shift aligning the threshold with the weighted target, per orientation.
    pub(crate) const THRESHOLD_SHIFT: [u32; 3] = [10, 10, 12];
    /// Shift after squaring, per orientation.
    pub(crate) const SQUARE_SHIFT: [u32; 3] = [29, 29, 30];

    /// The arithmetic for a `width x height` band.
    pub fn new(weights: [u16; 3], width: usize, height: usize) -> Self {
        let w = ceil_log2(width);
        Self {
            weights,
            cube_shift: [w.wrapping_sub(4), w.wrapping_sub(4), w.wrapping_sub(3)],
            row_shift: ceil_log2(height),
        }
    }

    /// Exponent of 2 that turns an orientation's total into a float energy.
    pub fn energy_exponent(&self, o: usize) -> u32 {
        let base: u32 = if o == 2 { 57 } else { 52 };
        base.wrapping_sub(self.cube_shift[o])
            .wrapping_sub(self.row_shift)
    }
}

impl MaskingArithmetic for FineArithmetic {
    type Coef = i16;

    #[inline(always)]
    fn weigh(&self, o: usize, c: i16) -> (i16, i16) {
        let (add, shift) = Self::WEIGH_ROUND[o];
        let product = i32::from(self.weights[o]).wrapping_mul(i32::from(c));
        let weighted = (product.wrapping_add(add) >> shift) as i16;
        let share = ((4369 * i32::from(weighted).abs() + 2048) >> 12) as i16;
        (weighted, share)
    }

    #[inline(always)]
    fn share(c: i16) -> i32 {
        i32::from(c)
    }

    #[inline(always)]
    fn self_share(weighted: i16) -> i32 {
        i32::from(((8738 * i32::from(weighted).abs() + 2048) >> 12) as i16)
    }

    #[inline(always)]
    fn excess_cubed(&self, o: usize, c: i16, threshold: i32) -> i64 {
        let x = i32::from(c).wrapping_mul(i32::from(self.weights[o]));
        let x = x
            .wrapping_abs()
            .wrapping_sub(threshold.wrapping_shl(Self::THRESHOLD_SHIFT[o]))
            .max(0);
        let sq_shift = Self::SQUARE_SHIFT[o];
        let x64 = i64::from(x);
        let square = ((x64 * x64 + (1i64 << (sq_shift - 1))) >> sq_shift) as i32;
        let shift = self.cube_shift[o];
        debug_assert!(shift < 64, "bands are at least 9 wide at the finest level");
        (i64::from(square) * x64 + half_of(shift)) >> shift
    }

    fn row_shift(&self) -> u32 {
        self.row_shift
    }
}

/// Arithmetic of the coarse levels: 32-bit bands, Q32 weights.
#[derive(Debug, Clone)]
pub(crate) struct CoarseArithmetic {
    /// CSF weights in Q32.
    pub weights: [u32; 3],
    /// Shift after cubing, from the band width.
    pub cube_shift: u32,
    /// Shift of each row's sum, from the band height.
    pub row_shift: u32,
}

impl CoarseArithmetic {
    /// libvmaf rounds the 1/15 and 1/30 shares with `(int32_t)(1u << 31)`, which is
    /// -2^31: the products are in effect rounded down by one half.
    pub(crate) const SHARE_ROUND: i64 = -(1i64 << 31);

    /// The arithmetic for a `width x height` band.
    pub fn new(weights: [u32; 3], width: usize, height: usize) -> Self {
        Self {
            weights,
            cube_shift: ceil_log2(width),
            row_shift: ceil_log2(height),
        }
    }

    /// Exponent of 2 that turns a total into a float energy at `scale` (1..=3).
    pub fn energy_exponent(&self, scale: usize) -> u32 {
        const BASE: [u32; 3] = [45, 39, 36];
        BASE[scale - 1]
            .wrapping_sub(self.cube_shift)
            .wrapping_sub(self.row_shift)
    }

    #[inline(always)]
    fn weighted(&self, o: usize, c: i32) -> i32 {
        ((i64::from(self.weights[o]) * i64::from(c) + (1 << 27)) >> 28) as i32
    }
}

impl MaskingArithmetic for CoarseArithmetic {
    type Coef = i32;

    #[inline(always)]
    fn weigh(&self, o: usize, c: i32) -> (i32, i32) {
        let weighted = self.weighted(o, c);
        let magnitude = i64::from(weighted.wrapping_abs());
        let share = ((143_165_577 * magnitude + Self::SHARE_ROUND) >> 32) as i32;
        (weighted, share)
    }

    #[inline(always)]
    fn share(c: i32) -> i32 {
        c
    }

    #[inline(always)]
    fn self_share(weighted: i32) -> i32 {
        let magnitude = i64::from(weighted.wrapping_abs());
        ((286_331_153 * magnitude + Self::SHARE_ROUND) >> 32) as i32
    }

    #[inline(always)]
    fn excess_cubed(&self, o: usize, c: i32, threshold: i32) -> i64 {
        let x = self
            .weighted(o, c)
            .wrapping_abs()
            .wrapping_sub(threshold)
            .max(0);
        let x64 = i64::from(x);
        let square = ((x64 * x64 + (1i64 << 29)) >> 30) as i32;
        (i64::from(square) * x64 + half_of(self.cube_shift)) >> self.cube_shift
    }

    fn row_shift(&self) -> u32 {
        self.row_shift
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceil_log2_matches_the_float_formula() {
        for n in 1..5000usize {
            assert_eq!(ceil_log2(n), (n as f64).log2().ceil() as u32, "{n}");
        }
    }

    #[test]
    fn neighbours_mirror_first_and_repeat_last() {
        assert_eq!((before(0), after(0, 5)), (1, 1));
        assert_eq!((before(4), after(4, 5)), (3, 4));
    }

    #[test]
    fn coarse_shares_round_down() {
        // With the -1/2 rounding a zero coefficient shares -1.
        assert_eq!(CoarseArithmetic::new([0; 3], 8, 8).weigh(0, 0), (0, -1));
        assert_eq!(CoarseArithmetic::self_share(15), 0);
        assert_eq!(CoarseArithmetic::self_share(30), 1);
    }
}
