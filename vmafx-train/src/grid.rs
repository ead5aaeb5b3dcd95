//! Choosing C, nu and gamma by k-fold cross-validation grouped by content: pairs of one
//! group are always in the same fold, so a model is scored on contents it never saw.

use rayon::prelude::*;
use vmafx::model::ModelFeature;

use crate::error::{Error, Result};
use crate::libsvm::SvrParams;
use crate::metrics::pearson;
use crate::samples::Samples;
use crate::train::{train, TrainOptions};

/// The values tried for each parameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    /// Values of C.
    pub c: Vec<f64>,
    /// Values of nu.
    pub nu: Vec<f64>,
    /// Values of gamma.
    pub gamma: Vec<f64>,
}

impl Default for Grid {
    /// Powers of two around vmaf_v0.6.1's C = 4 and gamma = 0.04, and nu from 0.3 to 0.9.
    fn default() -> Self {
        Grid {
            c: vec![0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0],
            nu: vec![0.3, 0.5, 0.7, 0.9],
            gamma: vec![0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64],
        }
    }
}

/// One setting's cross-validated result.
#[derive(Clone, Debug, PartialEq)]
pub struct CvResult {
    /// The setting.
    pub params: SvrParams,
    /// RMSE of the out-of-fold predictions (the criterion: lowest wins).
    pub rmse: f64,
    /// PLCC of the out-of-fold predictions, for information.
    pub plcc: Option<f64>,
}

/// Assigns every sample to one of `folds` folds, whole groups at a time (groups sorted
/// by name, dealt round-robin). Refuses fewer groups than folds.
pub fn group_folds(samples: &Samples, folds: usize) -> Result<Vec<usize>> {
    let groups = samples.distinct_groups();
    check_folds(samples.len(), groups.len(), folds)?;
    Ok(samples
        .groups
        .iter()
        .map(|g| groups.iter().position(|x| x == g).unwrap_or(0) % folds)
        .collect())
}

/// Refuses a fold count that `pairs` pairs in `groups` content groups cannot fill
/// (every fold needs a group of its own), or fewer than two folds.
pub fn check_folds(pairs: usize, groups: usize, folds: usize) -> Result<()> {
    if folds < 2 {
        return Err(Error::Training(format!(
            "cross-validation needs at least 2 folds, got {folds}"
        )));
    }
    if pairs < folds || groups < folds {
        return Err(Error::Training(format!(
            "{pairs} pairs in {groups} content groups cannot fill {folds} folds: every fold \
             needs a group of its own (use fewer folds or add contents)"
        )));
    }
    Ok(())
}

/// Out-of-fold predictions of one setting: each fold predicted by a model trained (its
/// normalisation included) on the other folds.
pub fn cross_validate(
    samples: &Samples,
    features: &[ModelFeature],
    options: &TrainOptions,
    fold_of: &[usize],
) -> Result<Vec<f64>> {
    let folds = fold_of.iter().copied().max().map_or(0, |m| m + 1);
    let mut predicted = vec![f64::NAN; samples.len()];
    for fold in 0..folds {
        let train_idx: Vec<usize> = (0..samples.len()).filter(|&i| fold_of[i] != fold).collect();
        let test_idx: Vec<usize> = (0..samples.len()).filter(|&i| fold_of[i] == fold).collect();
        let model = train(&samples.subset(&train_idx), features, options)?;
        for i in test_idx {
            predicted[i] = model.predict(&samples.rows[i]);
        }
    }
    Ok(predicted)
}

/// Tries every setting of the grid with grouped k-fold cross-validation and returns all
/// results, best (lowest RMSE) first.
pub fn grid_search(
    samples: &Samples,
    features: &[ModelFeature],
    base: &TrainOptions,
    grid: &Grid,
    folds: usize,
) -> Result<Vec<CvResult>> {
    let fold_of = group_folds(samples, folds)?;
    let settings: Vec<SvrParams> = grid
        .c
        .iter()
        .flat_map(|&c| {
            grid.nu.iter().flat_map(move |&nu| {
                grid.gamma
                    .iter()
                    .map(move |&gamma| SvrParams { c, nu, gamma })
            })
        })
        .collect();
    if settings.is_empty() {
        return Err(Error::Training("the parameter grid is empty".to_owned()));
    }
    let mut results = settings
        .into_par_iter()
        .map(|params| {
            let options = TrainOptions {
                params,
                ..base.clone()
            };
            let predicted = cross_validate(samples, features, &options, &fold_of)?;
            let rmse = (predicted
                .iter()
                .zip(&samples.scores)
                .map(|(p, s)| (p - s) * (p - s))
                .sum::<f64>()
                / samples.len() as f64)
                .sqrt();
            Ok(CvResult {
                params,
                rmse,
                plcc: pearson(&predicted, &samples.scores),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    results.sort_by(|a, b| a.rmse.total_cmp(&b.rmse));
    Ok(results)
}
