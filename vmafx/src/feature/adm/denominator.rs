//! The denominator of each scale: the CSF-weighted energy of the reference's detail.
//!
//! Per row and orientation the cubed magnitudes are summed, the row sum is rounded down by
//! a shift and accumulated; the totals are then weighted and turned into floats (the
//! levels' finishing calls those last steps).

use super::dwt::Bands;
use super::masking::{ceil_log2, cube_root_sum, half_of};
use super::region::Region;

/// Sum of `|c|^3` over a row of the finest level's reference detail.
#[inline]
pub(crate) fn fine_cube_sum(row: &[i16]) -> u64 {
    row.iter().fold(0u64, |acc, &c| {
        let m = u64::from(c.unsigned_abs());
        acc.wrapping_add(m * m * m)
    })
}

/// Fixed-point steps of a coarse level's cubes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CoarseCubes {
    /// Shift after squaring.
    pub square_shift: u32,
    /// Added before `square_shift`: libvmaf adds 2^shift (not half of it).
    pub square_add: u64,
    /// Shift after cubing, from the scored width.
    pub cube_shift: u32,
    /// Added before `cube_shift`.
    pub cube_add: u64,
}

impl CoarseCubes {
    /// The steps of `scale` (1..=3) over `region`.
    pub fn new(scale: usize, region: Region) -> Self {
        const SQUARE_SHIFT: [u32; 3] = [31, 30, 31];
        let square_shift = SQUARE_SHIFT[scale - 1];
        let cube_shift = ceil_log2(region.right - region.left);
        Self {
            square_shift,
            square_add: 1u64 << square_shift,
            cube_shift,
            cube_add: half_of(cube_shift) as u64,
        }
    }

    /// The rounded cube of one coefficient.
    #[inline(always)]
    pub fn cube(&self, c: i32) -> u64 {
        let m = u64::from(c.unsigned_abs());
        let square = m.wrapping_mul(m).wrapping_add(self.square_add) >> self.square_shift;
        square.wrapping_mul(m).wrapping_add(self.cube_add) >> self.cube_shift
    }
}

/// Sum of the rounded cubes over a row of a coarse level's reference detail.
#[inline]
pub(crate) fn coarse_cube_sum(row: &[i32], cubes: &CoarseCubes) -> u64 {
    row.iter()
        .fold(0u64, |acc, &c| acc.wrapping_add(cubes.cube(c)))
}

/// How row sums are rounded into the totals: `total += (row + add) >> shift`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowRounding {
    /// Added to each row sum.
    pub add: u64,
    /// Right shift of each row sum.
    pub shift: u32,
}

impl RowRounding {
    /// The finest level's: each cube needs up to 45 bits, so rows of more than 2^20
    /// samples are shifted down.
    pub fn fine(region: Region) -> Self {
        let shift = ceil_log2(region.area()).saturating_sub(20);
        Self {
            add: if shift > 0 { 1u64 << (shift - 1) } else { 0 },
            shift,
        }
    }

    /// A coarse level's, from the scored height.
    pub fn coarse(region: Region) -> Self {
        let shift = ceil_log2(region.bottom - region.top);
        Self {
            add: half_of(shift) as u64,
            shift,
        }
    }

    /// Adds the rounded `rows` sums (by orientation) into `totals`.
    #[inline]
    pub fn accumulate(&self, totals: &mut [u64; 3], rows: [u64; 3]) {
        for (total, row) in totals.iter_mut().zip(rows) {
            *total = total.wrapping_add(row.wrapping_add(self.add) >> self.shift);
        }
    }
}

/// The finest level's denominator from its integer totals and the float CSF weights.
pub(crate) fn fine_denominator(
    totals: [u64; 3],
    rounding: RowRounding,
    region: Region,
    weights: &[f32; 3],
    noise_weight: f64,
) -> f32 {
    let scale = 2f64.powf(18.0 - f64::from(rounding.shift));
    let energy = std::array::from_fn(|o| {
        (totals[o] as f64 / scale * f64::from(weights[o]).powf(3.0)) as f32
    });
    cube_root_sum(energy, region, noise_weight)
}

/// A coarse level's denominator at `scale` (1..=3) from its integer totals.
pub(crate) fn coarse_denominator(
    totals: [u64; 3],
    scale: usize,
    region: Region,
    weights: &[f32; 3],
    noise_weight: f64,
) -> f32 {
    const FLOAT_EXPONENT: [u32; 3] = [32, 27, 23];
    let cubes = CoarseCubes::new(scale, region);
    let rounding = RowRounding::coarse(region);
    let exponent = FLOAT_EXPONENT[scale - 1]
        .wrapping_sub(rounding.shift)
        .wrapping_sub(cubes.cube_shift);
    let divisor = 2f64.powf(f64::from(exponent));
    let energy = std::array::from_fn(|o| {
        (totals[o] as f64 / divisor * f64::from(weights[o]).powf(3.0)) as f32
    });
    cube_root_sum(energy, region, noise_weight)
}

/// The detail rows of `reference` over `region`, one per orientation, for row `i`.
fn detail_rows<T>(reference: &Bands<T>, region: Region, i: usize) -> [&[T]; 3] {
    let start = i * reference.width;
    reference
        .detail
        .each_ref()
        .map(|band| &band[start + region.left..start + region.right])
}

/// The finest level's denominator totals from the reference's 16-bit bands.
pub(crate) fn denominator_fine(reference: &Bands<i16>, region: Region) -> [u64; 3] {
    let rounding = RowRounding::fine(region);
    let mut totals = [0u64; 3];
    for i in region.rows() {
        let rows = detail_rows(reference, region, i);
        rounding.accumulate(&mut totals, rows.map(fine_cube_sum));
    }
    totals
}

/// A coarse level's denominator totals at `scale` (1..=3) from the reference's 32-bit
/// bands.
pub(crate) fn denominator_coarse(reference: &Bands<i32>, scale: usize, region: Region) -> [u64; 3] {
    let cubes = CoarseCubes::new(scale, region);
    let rounding = RowRounding::coarse(region);
    let mut totals = [0u64; 3];
    for i in region.rows() {
        let rows = detail_rows(reference, region, i);
        rounding.accumulate(&mut totals, rows.map(|r| coarse_cube_sum(r, &cubes)));
    }
    totals
}
