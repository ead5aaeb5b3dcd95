//! One SpEED comparison of a reference and a distorted float plane, shared by the
//! chroma and the temporal extractor (libvmaf's `speed_extract_score`).

use super::dimensions::SpeedDimensions;
use super::estimate::{block_statistics, speed_score};
use super::options::SpeedCommonOptions;
use super::prepare::PlanePreparer;
use crate::error::Result;

/// The outcome of one comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct PairScore {
    /// The score, in single precision as libvmaf keeps it.
    pub score: f32,
    /// Whether either plane's covariance was singular.
    pub singular: bool,
}

/// Scores pairs of planes of one size.
#[derive(Debug)]
pub(super) struct SpeedEngine {
    dims: SpeedDimensions,
    preparer: PlanePreparer,
    sigma_nn: f32,
    nn_floor: f32,
    weight_var_mode: i32,
    prepared: Vec<f32>,
}

impl SpeedEngine {
    /// Sets up for `width` x `height` planes; fails for planes too small (see
    /// [`SpeedDimensions::new`]). The options must be validated.
    pub fn new(
        feature: &str,
        width: usize,
        height: usize,
        options: &SpeedCommonOptions,
        weight_var_mode: i32,
    ) -> Result<Self> {
        let dims = SpeedDimensions::new(feature, width, height, options.speed_prescale)?;
        Ok(Self {
            dims,
            preparer: PlanePreparer::new(
                dims,
                options.speed_kernelscale,
                options.speed_prescale,
                options.speed_prescale_method,
            ),
            sigma_nn: options.speed_sigma_nn as f32,
            nn_floor: options.speed_nn_floor as f32,
            weight_var_mode,
            prepared: Vec::new(),
        })
    }

    /// Compares packed `width` x `height` planes. When exactly one of them is singular
    /// the score is 0, as libvmaf prefers to an inflated one.
    pub fn compare(&mut self, reference: &[f32], distorted: &[f32]) -> PairScore {
        self.preparer.prepare(reference, &mut self.prepared);
        let r = block_statistics(&self.dims, &self.prepared, self.sigma_nn);
        self.preparer.prepare(distorted, &mut self.prepared);
        let d = block_statistics(&self.dims, &self.prepared, self.sigma_nn);
        let score = if r.singular != d.singular {
            0.0
        } else {
            speed_score(&r, &d, self.sigma_nn, self.nn_floor, self.weight_var_mode)
        };
        PairScore {
            score,
            singular: r.singular || d.singular,
        }
    }
}
