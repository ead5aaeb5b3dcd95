//! libvmaf's `linear_rescale` normalisation, fitted on training data.
//!
//! libvmaf's toolkit maps every feature, and the score too, linearly from its training
//! minimum and maximum onto a fixed range (`clip_0to1`, which vmaf_v0.6.1 was trained
//! with, or `clip_minus1to1`) and stores the maps as `slopes` and `intercepts`, the
//! score's first. A prediction is mapped back with the score's pair.

use crate::error::{Error, Result};

/// The range features and scores are mapped onto.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NormRange {
    /// `[0, 1]`, libvmaf's `clip_0to1` (vmaf_v0.6.1's).
    #[default]
    ZeroToOne,
    /// `[-1, 1]`, libvmaf's `clip_minus1to1`.
    MinusOneToOne,
}

impl NormRange {
    /// libvmaf's name for the range (`clip_0to1`, `clip_minus1to1`).
    pub fn name(self) -> &'static str {
        match self {
            NormRange::ZeroToOne => "clip_0to1",
            NormRange::MinusOneToOne => "clip_minus1to1",
        }
    }

    fn bounds(self) -> (f64, f64) {
        match self {
            NormRange::ZeroToOne => (0.0, 1.0),
            NormRange::MinusOneToOne => (-1.0, 1.0),
        }
    }
}

impl std::str::FromStr for NormRange {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s {
            "clip_0to1" | "0to1" => Ok(NormRange::ZeroToOne),
            "clip_minus1to1" | "minus1to1" => Ok(NormRange::MinusOneToOne),
            _ => Err(Error::Training(format!(
                "unknown normalisation {s:?} (expected clip_0to1 or clip_minus1to1)"
            ))),
        }
    }
}

/// Fitted maps: entry 0 is the score's, entry `i + 1` feature `i`'s.
#[derive(Clone, Debug, PartialEq)]
pub struct Normalisation {
    /// `normalised = slope * value + intercept`.
    pub slopes: Vec<f64>,
    /// See [`Normalisation::slopes`].
    pub intercepts: Vec<f64>,
}

impl Normalisation {
    /// Fits the maps to the training rows and scores; `names` label the features in
    /// errors. A feature or score that never varies cannot be rescaled and is refused.
    pub fn fit(
        rows: &[Vec<f64>],
        scores: &[f64],
        names: &[String],
        range: NormRange,
    ) -> Result<Normalisation> {
        let (lb, ub) = range.bounds();
        let columns = std::iter::once(("the score".to_owned(), scores.to_vec())).chain(
            names.iter().enumerate().map(|(i, name)| {
                (
                    format!("feature {name}"),
                    rows.iter().map(|row| row[i]).collect::<Vec<f64>>(),
                )
            }),
        );
        let mut slopes = Vec::with_capacity(names.len() + 1);
        let mut intercepts = Vec::with_capacity(names.len() + 1);
        for (what, values) in columns {
            let min = values.iter().copied().fold(f64::INFINITY, f64::min);
            let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            if !(min.is_finite() && max.is_finite()) {
                return Err(Error::Training(format!("{what} has no finite values")));
            }
            if max <= min {
                return Err(Error::Training(format!(
                    "{what} is constant ({min}) over the training pairs, so it cannot be \
                     rescaled; leave it out or add pairs where it varies"
                )));
            }
            // As libvmaf's toolkit writes the map, operation for operation.
            slopes.push((ub - lb) / (max - min));
            intercepts.push((lb * max - ub * min) / (max - min));
        }
        Ok(Normalisation { slopes, intercepts })
    }

    /// A row of feature values, normalised.
    pub fn features(&self, row: &[f64]) -> Vec<f64> {
        row.iter()
            .enumerate()
            .map(|(i, &x)| self.slopes[i + 1] * x + self.intercepts[i + 1])
            .collect()
    }

    /// A score, normalised (the regression target).
    pub fn score(&self, score: f64) -> f64 {
        self.slopes[0] * score + self.intercepts[0]
    }

    /// A regression output mapped back to the score's scale.
    pub fn denormalise(&self, output: f64) -> f64 {
        (output - self.intercepts[0]) / self.slopes[0]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_training_extremes_onto_the_range() {
        let rows = vec![vec![2.0, -1.0], vec![4.0, 3.0], vec![3.0, 1.0]];
        let scores = [20.0, 80.0, 50.0];
        let names = ["a".to_owned(), "b".to_owned()];
        let norm = Normalisation::fit(&rows, &scores, &names, NormRange::MinusOneToOne).unwrap();
        assert_eq!(norm.features(&[2.0, -1.0]), vec![-1.0, -1.0]);
        assert_eq!(norm.features(&[4.0, 3.0]), vec![1.0, 1.0]);
        assert_eq!(norm.score(50.0), 0.0);
        assert!((norm.denormalise(1.0) - 80.0).abs() < 1e-12);
        let unit = Normalisation::fit(&rows, &scores, &names, NormRange::ZeroToOne).unwrap();
        assert_eq!(unit.features(&[3.0, 1.0]), vec![0.5, 0.5]);
        assert_eq!(unit.score(20.0), 0.0);
    }

    #[test]
    fn refuses_a_constant_feature_by_name() {
        let rows = vec![vec![1.0, 5.0], vec![2.0, 5.0]];
        let names = ["a".to_owned(), "flat".to_owned()];
        let error = Normalisation::fit(&rows, &[1.0, 2.0], &names, NormRange::ZeroToOne)
            .unwrap_err()
            .to_string();
        assert!(error.contains("feature flat is constant"), "{error}");
        let error = Normalisation::fit(&rows[..1], &[1.0], &names, NormRange::ZeroToOne)
            .unwrap_err()
            .to_string();
        assert!(error.contains("the score is constant"), "{error}");
    }
}
