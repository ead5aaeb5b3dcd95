//! The host side of ADM on the GPU backends (Vulkan and the compute layer): from the
//! kernels' per-row integer sums to the scores, with the reference's row roundings and its
//! float arithmetic in the same order as the CPU extractor.

use crate::feature::adm::csf;
use crate::feature::adm::masking::{
    ceil_log2, cube_root_sum, half_of, CoarseArithmetic, FineArithmetic,
};
use crate::feature::adm::region::Region;
use crate::feature::adm::AdmOptions;

/// Fixed-point CSF weights of the four levels.
pub(crate) struct Weights {
    /// Float weights per level and orientation.
    pub float: [[f32; 3]; 4],
    /// Level 0: Q21 (h, v) and Q23 (d).
    pub fine: [u16; 3],
    /// Levels 1..=3: Q32.
    pub coarse: [[u32; 3]; 3],
}

impl Weights {
    /// The weights for validated `options`, as the CPU extractor derives them.
    pub fn new(options: &AdmOptions) -> Self {
        let float = csf::scale_weights(options);
        Self {
            fine: csf::fine_fixed_weights(options, &float[0]),
            coarse: std::array::from_fn(|s| csf::coarse_fixed_weights(&float[s + 1])),
            float,
        }
    }
}

/// Adds the workgroup partials of each row (wrapping), giving one sum per row and
/// orientation. `partials` holds `groups_x` triples per row.
pub(crate) fn row_sums(partials: &[u64], groups_x: usize) -> impl Iterator<Item = [u64; 3]> + '_ {
    partials.chunks_exact(3 * groups_x).map(|row| {
        let mut sum = [0u64; 3];
        for triple in row.chunks_exact(3) {
            for (s, &v) in sum.iter_mut().zip(triple) {
                *s = s.wrapping_add(v);
            }
        }
        sum
    })
}

/// Level 0's denominator from the reference's per-row cube sums.
pub(crate) fn fine_denominator(
    rows: impl Iterator<Item = [u64; 3]>,
    region: Region,
    weights: &[f32; 3],
    noise_weight: f64,
) -> f32 {
    let shift = ceil_log2(region.area()).saturating_sub(20);
    let round = if shift > 0 { 1u64 << (shift - 1) } else { 0 };
    let mut totals = [0u64; 3];
    for row in rows {
        for (total, sum) in totals.iter_mut().zip(row) {
            *total = total.wrapping_add(sum.wrapping_add(round) >> shift);
        }
    }
    let scale = 2f64.powf(18.0 - f64::from(shift));
    let energy = std::array::from_fn(|o| {
        (totals[o] as f64 / scale * f64::from(weights[o]).powf(3.0)) as f32
    });
    cube_root_sum(energy, region, noise_weight)
}

/// The denominator of coarse `scale` (1..=3)'s shifts: (square shift, cube shift).
pub(crate) fn coarse_denominator_shifts(scale: usize, region: Region) -> (u32, u32) {
    const SQUARE_SHIFT: [u32; 3] = [31, 30, 31];
    (
        SQUARE_SHIFT[scale - 1],
        ceil_log2(region.right - region.left),
    )
}

/// A coarse level's denominator from the reference's per-row sums of shifted cubes.
pub(crate) fn coarse_denominator(
    rows: impl Iterator<Item = [u64; 3]>,
    scale: usize,
    region: Region,
    weights: &[f32; 3],
    noise_weight: f64,
) -> f32 {
    const FLOAT_EXPONENT: [u32; 3] = [32, 27, 23];
    let (_, cube_shift) = coarse_denominator_shifts(scale, region);
    let row_shift = ceil_log2(region.bottom - region.top);
    let row_add = half_of(row_shift) as u64;
    let mut totals = [0u64; 3];
    for row in rows {
        for (total, sum) in totals.iter_mut().zip(row) {
            *total = total.wrapping_add(sum.wrapping_add(row_add) >> row_shift);
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

/// The masked-energy totals from per-row sums: each row rounded down by `row_shift`.
pub(crate) fn masked_totals(rows: impl Iterator<Item = [u64; 3]>, row_shift: u32) -> [i64; 3] {
    let round = if row_shift == 0 {
        0
    } else {
        1i64 << (row_shift - 1)
    };
    let mut total = [0i64; 3];
    for row in rows {
        for (t, r) in total.iter_mut().zip(row) {
            *t = t.wrapping_add((r as i64).wrapping_add(round) >> row_shift);
        }
    }
    total
}

/// Level 0's float energies from masked totals.
pub(crate) fn fine_energy(arith: &FineArithmetic, totals: [i64; 3]) -> [f32; 3] {
    std::array::from_fn(|o| {
        let divisor = 2f64.powf(f64::from(arith.energy_exponent(o)));
        (totals[o] as f64 / divisor) as f32
    })
}

/// A coarse level's float energies from masked totals (divided in `f32`).
pub(crate) fn coarse_energy(arith: &CoarseArithmetic, scale: usize, totals: [i64; 3]) -> [f32; 3] {
    let divisor = 2f64.powf(f64::from(arith.energy_exponent(scale))) as f32;
    totals.map(|t| t as f32 / divisor)
}
