//! Scoring a dataset with a model as `vmafx` scores a pair (per frame, then pooled) and
//! comparing the result with the subjective scores, overall and per content group.

use vmafx::{Model, PoolMethod};

use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::extract::PairFeatures;
use crate::metrics::{std_dev, Agreement};

/// What an evaluation found.
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluation {
    /// Each pair's pooled prediction, in dataset order.
    pub predicted: Vec<f64>,
    /// Agreement over every pair.
    pub overall: Agreement,
    /// Agreement within each group, groups sorted by name.
    pub groups: Vec<(String, Agreement)>,
}

/// Each pair's score: the model's prediction for each frame's features, pooled as
/// `vmafx` pools its `vmaf` score.
pub fn predict_pairs(
    model: &Model,
    features: &[PairFeatures],
    pool: PoolMethod,
) -> Result<Vec<f64>> {
    features
        .iter()
        .enumerate()
        .map(|(i, pair)| {
            let scores = pair
                .frames
                .iter()
                .map(|row| model.predict(row).map(|p| p.score))
                .collect::<vmafx::Result<Vec<f64>>>()?;
            let pooled = match pool {
                PoolMethod::Percentile(p) => vmafx::percentile(scores, p),
                other => vmafx::Pooled::of(scores).and_then(|pooled| pooled.get(other)),
            };
            pooled.ok_or_else(|| Error::Evaluation(format!("pair {i} has no frames")))
        })
        .collect()
}

/// Compares predictions (one per pair) with the dataset's scores.
pub fn evaluate(dataset: &Dataset, predicted: Vec<f64>) -> Result<Evaluation> {
    if predicted.len() != dataset.pairs.len() {
        return Err(Error::Evaluation(format!(
            "{} predictions for {} pairs",
            predicted.len(),
            dataset.pairs.len()
        )));
    }
    let errors: Vec<f64> = predicted
        .iter()
        .zip(&dataset.pairs)
        .map(|(p, pair)| p - pair.score)
        .collect();
    let spread = std_dev(&errors);
    let agreement = |indices: &[usize]| {
        let p: Vec<f64> = indices.iter().map(|&i| predicted[i]).collect();
        let s: Vec<f64> = indices.iter().map(|&i| dataset.pairs[i].score).collect();
        let d: Vec<Option<f64>> = indices
            .iter()
            .map(|&i| dataset.pairs[i].score_std)
            .collect();
        Agreement::with_error_spread(&p, &s, &d, Some(spread))
    };
    let all: Vec<usize> = (0..predicted.len()).collect();
    let overall = agreement(&all);
    let groups = dataset
        .groups()
        .into_iter()
        .map(|group| {
            let members: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&i| dataset.pairs[i].group == group)
                .collect();
            let stats = agreement(&members);
            (group, stats)
        })
        .collect();
    Ok(Evaluation {
        predicted,
        overall,
        groups,
    })
}
