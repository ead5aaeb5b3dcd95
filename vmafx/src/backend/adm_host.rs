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

/// A level's fixed-point arithmetic: the finest level's or a coarse one's.
pub(crate) enum LevelArithmetic {
    Fine(FineArithmetic),
    Coarse(CoarseArithmetic),
}

/// One level's sizes, scored region and fixed-point arithmetic, as both GPU hosts lay the
/// levels out.
pub(crate) struct LevelPlan {
    /// 0 for the finest level.
    pub index: usize,
    /// Size of the picture the level's wavelet step reads.
    pub in_width: usize,
    pub in_height: usize,
    /// Size of the level's bands (half the input, rounded up).
    pub width: usize,
    pub height: usize,
    pub scored: Region,
    pub arithmetic: LevelArithmetic,
}

impl LevelPlan {
    /// The four levels of a `width x height` picture.
    pub fn all(width: usize, height: usize, weights: &Weights) -> Vec<Self> {
        let mut levels: Vec<Self> = Vec::with_capacity(4);
        for index in 0..4 {
            let (in_width, in_height) = levels
                .last()
                .map_or((width, height), |l| (l.width, l.height));
            let (w, h) = (in_width.div_ceil(2), in_height.div_ceil(2));
            let arithmetic = if index == 0 {
                LevelArithmetic::Fine(FineArithmetic::new(weights.fine, w, h))
            } else {
                LevelArithmetic::Coarse(CoarseArithmetic::new(weights.coarse[index - 1], w, h))
            };
            levels.push(Self {
                index,
                in_width,
                in_height,
                width: w,
                height: h,
                scored: Region::scored(w, h),
                arithmetic,
            });
        }
        levels
    }

    /// Samples in one band of the level.
    pub fn samples(&self) -> usize {
        self.width * self.height
    }

    /// Rows of the scored region.
    pub fn scored_rows(&self) -> usize {
        self.scored.bottom - self.scored.top
    }

    /// The masking pass's weights (Q21/Q23 at level 0, Q32 above), per orientation.
    pub fn mask_weights(&self) -> [u32; 3] {
        match &self.arithmetic {
            LevelArithmetic::Fine(a) => a.weights.map(u32::from),
            LevelArithmetic::Coarse(a) => a.weights,
        }
    }

    /// The masking pass's shift after cubing, per orientation.
    pub fn cube_shift(&self) -> [u32; 3] {
        match &self.arithmetic {
            LevelArithmetic::Fine(a) => a.cube_shift,
            LevelArithmetic::Coarse(a) => [a.cube_shift; 3],
        }
    }

    /// The float energies of one masked sum from its per-row sums: each row rounded by
    /// the level's row shift, then scaled as the CPU extractor scales them.
    pub fn energies(&self, rows: impl Iterator<Item = [u64; 3]>) -> [f32; 3] {
        match &self.arithmetic {
            LevelArithmetic::Fine(a) => fine_energy(a, masked_totals(rows, a.row_shift)),
            LevelArithmetic::Coarse(a) => {
                coarse_energy(a, self.index, masked_totals(rows, a.row_shift))
            }
        }
    }

    /// Level's denominator from the reference's per-row cube sums.
    pub fn denominator(
        &self,
        rows: impl Iterator<Item = [u64; 3]>,
        weights: &[f32; 3],
        noise_weight: f64,
    ) -> f32 {
        if self.index == 0 {
            fine_denominator(rows, self.scored, weights, noise_weight)
        } else {
            coarse_denominator(rows, self.index, self.scored, weights, noise_weight)
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
fn fine_denominator(
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
fn coarse_denominator(
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
fn masked_totals(rows: impl Iterator<Item = [u64; 3]>, row_shift: u32) -> [i64; 3] {
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
fn fine_energy(arith: &FineArithmetic, totals: [i64; 3]) -> [f32; 3] {
    std::array::from_fn(|o| {
        let divisor = 2f64.powf(f64::from(arith.energy_exponent(o)));
        (totals[o] as f64 / divisor) as f32
    })
}

/// A coarse level's float energies from masked totals (divided in `f32`).
fn coarse_energy(arith: &CoarseArithmetic, scale: usize, totals: [i64; 3]) -> [f32; 3] {
    let divisor = 2f64.powf(f64::from(arith.energy_exponent(scale))) as f32;
    totals.map(|t| t as f32 / divisor)
}
