//! What a device computes ADM's sums for, and how those sums become scores: the
//! validated setup, the four levels' sizes, scored regions and fixed-point constants,
//! and the finishing that rounds each row as the CPU does and ends in [`super::finish`].

use crate::error::Result;

use super::decouple::cos_one_degree_squared;
use super::denominator::{CoarseCubes, RowRounding};
use super::device::{AdmLevelSums, AdmSums};
use super::finish::{coarse_level_scores, fine_level_scores, LevelTotals, Weights};
use super::masking::{accumulate_row, CoarseArithmetic, FineArithmetic};
use super::region::Region;
use super::{check_setup, combine_levels, AdmOptions, AdmScores, LevelScores};

/// Levels of the wavelet analysis.
const LEVELS: usize = 4;

/// A level's fixed-point arithmetic: the finest level's or a coarse one's.
#[derive(Debug, Clone)]
pub(crate) enum LevelArithmetic {
    /// Level 0: 16-bit bands.
    Fine(FineArithmetic),
    /// Levels 1..=3: 32-bit bands.
    Coarse(CoarseArithmetic),
}

/// One level's sizes, scored region and fixed-point arithmetic.
// The GPU backends alone read all of a level's layout.
#[cfg_attr(
    not(any(feature = "vulkan", feature = "compute")),
    allow(dead_code)
)]
#[derive(Debug, Clone)]
pub(crate) struct LevelLayout {
    /// 0 for the finest level.
    pub index: usize,
    /// Width of the picture the level's wavelet step reads.
    pub in_width: usize,
    /// Height of the picture the level's wavelet step reads.
    pub in_height: usize,
    /// Width of the level's bands (half the input, rounded up).
    pub width: usize,
    /// Height of the level's bands.
    pub height: usize,
    /// The rectangle whose rows are summed.
    pub scored: Region,
    /// The masking and energy arithmetic.
    pub arithmetic: LevelArithmetic,
}

#[cfg_attr(
    not(any(feature = "vulkan", feature = "compute")),
    allow(dead_code)
)]
impl LevelLayout {
    /// The four levels of a `width x height` picture.
    fn all(width: usize, height: usize, weights: &Weights) -> Vec<Self> {
        let mut levels: Vec<Self> = Vec::with_capacity(LEVELS);
        for index in 0..LEVELS {
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

    /// Rows of the scored region: the rows of sums a device returns.
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

    /// The denominator's cube steps of a coarse level: (shift after squaring, shift
    /// after cubing); level 0 cubes without shifts and reads (0, 0).
    pub fn denominator_shifts(&self) -> (u32, u32) {
        match self.index {
            0 => (0, 0),
            scale => {
                let cubes = CoarseCubes::new(scale, self.scored);
                (cubes.square_shift, cubes.cube_shift)
            }
        }
    }

    /// The level's totals from a device's row sums: each row rounded and accumulated as
    /// the CPU levels round and accumulate theirs.
    fn totals(&self, sums: &AdmLevelSums) -> LevelTotals {
        let mut totals = LevelTotals::default();
        let rounding = match self.arithmetic {
            LevelArithmetic::Fine(_) => RowRounding::fine(self.scored),
            LevelArithmetic::Coarse(_) => RowRounding::coarse(self.scored),
        };
        for &row in &sums.den {
            rounding.accumulate(&mut totals.den, row);
        }
        // The kernels write the masked sums as two's-complement words.
        let signed = |row: &[u64; 3]| row.map(|w| w as i64);
        for (total, rows) in [(&mut totals.loss, &sums.loss), (&mut totals.aim, &sums.aim)] {
            for row in rows {
                match &self.arithmetic {
                    LevelArithmetic::Fine(a) => accumulate_row(a, total, signed(row)),
                    LevelArithmetic::Coarse(a) => accumulate_row(a, total, signed(row)),
                }
            }
        }
        totals
    }

    /// The level's scores from a device's row sums.
    fn scores(&self, sums: &AdmLevelSums, weights: &[f32; 3], options: &AdmOptions) -> LevelScores {
        let totals = self.totals(sums);
        match &self.arithmetic {
            LevelArithmetic::Fine(a) => fine_level_scores(a, self.scored, &totals, weights, options),
            LevelArithmetic::Coarse(a) => {
                coarse_level_scores(self.index, a, self.scored, &totals, weights, options)
            }
        }
    }
}

/// A validated ADM setup: what a device needs to compute the sums of every level, and
/// the finishing that turns them into the CPU extractor's scores.
#[derive(Clone)]
pub struct AdmPlan {
    width: usize,
    height: usize,
    bit_depth: u8,
    options: AdmOptions,
    weights: Weights,
    levels: Vec<LevelLayout>,
}

impl AdmPlan {
    /// The plan for `width x height` luma planes of `bit_depth` bits; it accepts exactly
    /// what [`super::AdmExtractor::new`] accepts, with its messages.
    pub fn new(width: usize, height: usize, bit_depth: u8, options: AdmOptions) -> Result<Self> {
        check_setup(width, height, bit_depth, &options)?;
        let weights = Weights::new(&options);
        Ok(Self {
            width,
            height,
            bit_depth,
            options,
            levels: LevelLayout::all(width, height, &weights),
            weights,
        })
    }

    /// Width of the luma planes.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Height of the luma planes.
    pub fn height(&self) -> usize {
        self.height
    }

    /// Bits per input sample.
    pub fn bit_depth(&self) -> u8 {
        self.bit_depth
    }

    /// The options scored with.
    pub fn options(&self) -> &AdmOptions {
        &self.options
    }

    /// The four levels, finest first.
    #[cfg_attr(
        not(any(feature = "vulkan", feature = "compute")),
        allow(dead_code)
    )]
    pub(crate) fn levels(&self) -> &[LevelLayout] {
        &self.levels
    }

    /// Whether level `index` is scored (level 0 may be skipped; it is still analysed,
    /// since the coarser levels read its approximation).
    pub fn scores_level(&self, index: usize) -> bool {
        index > 0 || !self.options.skip_scale0
    }

    /// `cos(1 degree)^2` as the reference keeps it (an `f32`), for the decoupling.
    pub fn cos_one_degree_squared() -> f32 {
        cos_one_degree_squared()
    }

    /// The scores from a device's sums, by the CPU extractor's own arithmetic.
    pub fn finish(&self, sums: &AdmSums) -> AdmScores {
        let mut scores = [LevelScores::default(); LEVELS];
        for (index, score) in scores.iter_mut().enumerate() {
            *score = if self.scores_level(index) {
                let weights = &self.weights.float[index];
                self.levels[index].scores(&sums.levels[index], weights, &self.options)
            } else {
                LevelScores::SKIPPED
            };
        }
        combine_levels(self.width, self.height, &self.options, &scores)
    }
}

impl std::fmt::Debug for AdmPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdmPlan")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("bit_depth", &self.bit_depth)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feature::adm::AdmExtractor;

    #[test]
    fn the_plan_refuses_what_the_extractor_refuses() {
        let good = AdmOptions::default();
        let bad = AdmOptions {
            enhn_gain_limit: 0.5,
            ..good
        };
        for (w, h, depth, options) in [(32, 40, 8, good), (40, 40, 7, good), (40, 40, 8, bad)] {
            let cpu = AdmExtractor::new(w, h, depth, options).map(|_| ());
            let plan = AdmPlan::new(w, h, depth, options).map(|_| ());
            assert_eq!(
                plan.unwrap_err().to_string(),
                cpu.unwrap_err().to_string()
            );
        }
    }

    #[test]
    fn levels_halve_rounding_up_and_skipped_levels_finish_as_skipped() {
        let options = AdmOptions {
            skip_scale0: true,
            ..AdmOptions::default()
        };
        let plan = AdmPlan::new(67, 45, 8, options).unwrap();
        let sizes: Vec<_> = plan.levels().iter().map(|l| (l.width, l.height)).collect();
        assert_eq!(sizes, [(34, 23), (17, 12), (9, 6), (5, 3)]);
        assert!(!plan.scores_level(0) && plan.scores_level(1));
        // No sums at all: every scored level's energies are zero, level 0 is skipped.
        let scores = plan.finish(&AdmSums::default());
        assert_eq!(scores.scale_num[0], 0.0);
        assert_eq!(scores.scale_den[0], f64::from(LevelScores::SKIPPED.den));
    }
}
