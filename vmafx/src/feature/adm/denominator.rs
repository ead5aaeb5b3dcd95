//! The denominator of each scale: the CSF-weighted energy of the reference's detail.

use super::dwt::Bands;
use super::masking::{ceil_log2, cube_root_sum, half_of};
use super::region::Region;

/// The finest level's denominator from the reference's 16-bit bands and the float CSF
/// weights (h, v, d).
pub(crate) fn denominator_fine(
    reference: &Bands<i16>,
    region: Region,
    weights: &[f32; 3],
    noise_weight: f64,
) -> f32 {
    // Each cube needs up to 45 bits: rows of more than 2^20 samples are shifted down.
    let shift = ceil_log2(region.area()).saturating_sub(20);
    let round = if shift > 0 { 1u64 << (shift - 1) } else { 0 };
    let stride = reference.width;
    let mut totals = [0u64; 3];
    for i in region.rows() {
        for (band, total) in reference.detail.iter().zip(&mut totals) {
            let row = &band[i * stride + region.left..i * stride + region.right];
            let row_sum = row.iter().fold(0u64, |acc, &c| {
                let m = u64::from(c.unsigned_abs());
                acc.wrapping_add(m * m * m)
            });
            *total = total.wrapping_add(row_sum.wrapping_add(round) >> shift);
        }
    }
    let scale = 2f64.powf(18.0 - f64::from(shift));
    let energy = std::array::from_fn(|o| {
        (totals[o] as f64 / scale * f64::from(weights[o]).powf(3.0)) as f32
    });
    cube_root_sum(energy, region, noise_weight)
}

/// A coarse level's denominator at `scale` (1..=3) from the reference's 32-bit bands.
pub(crate) fn denominator_coarse(
    reference: &Bands<i32>,
    scale: usize,
    region: Region,
    weights: &[f32; 3],
    noise_weight: f64,
) -> f32 {
    const SQUARE_SHIFT: [u32; 3] = [31, 30, 31];
    const FLOAT_EXPONENT: [u32; 3] = [32, 27, 23];
    let square_shift = SQUARE_SHIFT[scale - 1];
    // libvmaf adds 2^shift (not half of it) before this shift.
    let square_add = 1u64 << square_shift;
    let cube_shift = ceil_log2(region.right - region.left);
    let cube_add = half_of(cube_shift) as u64;
    let row_shift = ceil_log2(region.bottom - region.top);
    let row_add = half_of(row_shift) as u64;
    let stride = reference.width;
    let mut totals = [0u64; 3];
    for i in region.rows() {
        for (band, total) in reference.detail.iter().zip(&mut totals) {
            let row = &band[i * stride + region.left..i * stride + region.right];
            let row_sum = row.iter().fold(0u64, |acc, &c| {
                let m = u64::from(c.unsigned_abs());
                let square = m.wrapping_mul(m).wrapping_add(square_add) >> square_shift;
                let cube = square.wrapping_mul(m).wrapping_add(cube_add) >> cube_shift;
                acc.wrapping_add(cube)
            });
            *total = total.wrapping_add(row_sum.wrapping_add(row_add) >> row_shift);
        }
    }
    let exponent = FLOAT_EXPONENT[scale - 1]
        .wrapping_sub(row_shift)
        .wrapping_sub(cube_shift);
    let divisor = 2f64.powf(f64::from(exponent));
    let energy = std::array::from_fn(|o| {
        (totals[o] as f64 / divisor * f64::from(weights[o]).powf(3.0)) as f32
    });
    cube_root_sum(energy, region, noise_weight)
}
