//! Fitting models: one nu-SVR, or a bootstrap collection of them.

use rayon::prelude::*;
use vmafx::model::ModelFeature;

use crate::error::{Error, Result};
use crate::libsvm::{SvrModel, SvrParams};
use crate::model::TrainedModel;
use crate::normalise::{NormRange, Normalisation};
use crate::samples::Samples;

/// How to fit a model.
#[derive(Clone, Debug)]
pub struct TrainOptions {
    /// The solver's settings.
    pub params: SvrParams,
    /// The range features and scores are rescaled to.
    pub range: NormRange,
    /// The score clip written into the model (libvmaf's models clip to `[0, 100]`).
    pub score_clip: Option<(f64, f64)>,
}

impl Default for TrainOptions {
    /// vmaf_v0.6.1's settings: C 4, nu 0.9, gamma 0.04, `clip_0to1`, scores clipped to
    /// `[0, 100]`.
    fn default() -> Self {
        TrainOptions {
            params: SvrParams::default(),
            range: NormRange::ZeroToOne,
            score_clip: Some((0.0, 100.0)),
        }
    }
}

/// Fits one model: normalisation from these samples, then nu-SVR on the normalised data.
pub fn train(
    samples: &Samples,
    features: &[ModelFeature],
    options: &TrainOptions,
) -> Result<TrainedModel> {
    let normalisation = fit_normalisation(samples, features, options.range)?;
    fit_with(samples, features, options, normalisation)
}

/// Fits a bootstrap collection as libvmaf's toolkit does: normalisation from every
/// sample, model 0 on every sample, then `members` models each on a resample (with
/// replacement, as many draws as samples, seeded by the member's number).
pub fn train_bootstrap(
    samples: &Samples,
    features: &[ModelFeature],
    options: &TrainOptions,
    members: usize,
) -> Result<Vec<TrainedModel>> {
    if members == 0 {
        return Err(Error::Training(
            "a bootstrap model needs at least one resampled member".to_owned(),
        ));
    }
    let normalisation = fit_normalisation(samples, features, options.range)?;
    (0..=members)
        .into_par_iter()
        .map(|member| {
            let drawn = if member == 0 {
                samples.clone()
            } else {
                samples.subset(&resample(samples.len(), member as u64))
            };
            fit_with(&drawn, features, options, normalisation.clone())
        })
        .collect()
}

fn fit_normalisation(
    samples: &Samples,
    features: &[ModelFeature],
    range: NormRange,
) -> Result<Normalisation> {
    if samples.len() < 2 {
        return Err(Error::Training(format!(
            "{} sample(s); training needs at least two",
            samples.len()
        )));
    }
    let names: Vec<String> = features.iter().map(|f| f.name.clone()).collect();
    Normalisation::fit(&samples.rows, &samples.scores, &names, range)
}

fn fit_with(
    samples: &Samples,
    features: &[ModelFeature],
    options: &TrainOptions,
    normalisation: Normalisation,
) -> Result<TrainedModel> {
    let rows: Vec<Vec<f64>> = samples
        .rows
        .iter()
        .map(|row| normalisation.features(row))
        .collect();
    let targets: Vec<f64> = samples
        .scores
        .iter()
        .map(|&s| normalisation.score(s))
        .collect();
    let svr = SvrModel::train(&rows, &targets, options.params)?;
    Ok(TrainedModel {
        features: features.to_vec(),
        range: options.range,
        normalisation,
        params: options.params,
        svr,
        score_clip: options.score_clip,
    })
}

/// `count` indices drawn uniformly with replacement from `0..count`, reproducibly from
/// `seed` (splitmix64).
pub(crate) fn resample(count: usize, seed: u64) -> Vec<usize> {
    let mut state = seed;
    (0..count)
        .map(|_| {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            // Multiply-shift maps the 64 random bits onto 0..count without modulo bias
            // worth speaking of.
            ((u128::from(z) * count as u128) >> 64) as usize
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resampling_is_reproducible_and_in_range() {
        let a = resample(50, 3);
        assert_eq!(a, resample(50, 3));
        assert_ne!(a, resample(50, 4));
        assert!(a.iter().all(|&i| i < 50));
        let distinct: std::collections::BTreeSet<_> = a.iter().collect();
        assert!(distinct.len() < 50, "with replacement, some indices repeat");
    }
}
