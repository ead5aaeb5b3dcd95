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

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use vmafx::io::InputKind;

    use super::*;
    use crate::dataset::Pair;

    fn pair(score: f64, group: &str, score_std: Option<f64>) -> Pair {
        Pair {
            reference: PathBuf::from("r.y4m"),
            distorted: PathBuf::from("d.y4m"),
            score,
            group: group.to_owned(),
            input: InputKind::Y4m,
            score_std,
        }
    }

    #[test]
    fn statistics_per_group_and_overall() {
        let dataset = Dataset {
            path: PathBuf::from("data.json"),
            pairs: vec![
                pair(10.0, "x", None),
                pair(20.0, "y", Some(0.1)),
                pair(30.0, "x", None),
                pair(40.0, "y", Some(0.1)),
            ],
        };
        let evaluation = evaluate(&dataset, vec![11.0, 20.0, 29.0, 41.0]).unwrap();
        assert_eq!(evaluation.overall.count, 4);
        assert!((evaluation.overall.rmse - 0.75f64.sqrt()).abs() < 1e-12);
        let names: Vec<&str> = evaluation.groups.iter().map(|(g, _)| g.as_str()).collect();
        assert_eq!(names, ["x", "y"]);
        let (_, y) = &evaluation.groups[1];
        assert_eq!(y.count, 2);
        assert_eq!(y.plcc, Some(1.0));
        // Pair 3 misses by 1 where its score's deviation is 0.1.
        assert_eq!(y.outlier_ratio, 0.5);
        assert!(evaluate(&dataset, vec![1.0]).is_err());
    }
}
