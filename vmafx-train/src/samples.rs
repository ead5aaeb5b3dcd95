//! Training samples: rows of raw feature values, their scores and their groups.

use vmafx::PoolMethod;

use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::extract::PairFeatures;

/// Rows of feature values with a score and a content group each.
#[derive(Clone, Debug, PartialEq)]
pub struct Samples {
    /// One row of raw feature values per sample.
    pub rows: Vec<Vec<f64>>,
    /// The score of each sample.
    pub scores: Vec<f64>,
    /// The content group of each sample.
    pub groups: Vec<String>,
}

impl Samples {
    /// Checks that every row has `width` finite values and that the lengths agree.
    pub fn new(
        rows: Vec<Vec<f64>>,
        scores: Vec<f64>,
        groups: Vec<String>,
        width: usize,
    ) -> Result<Samples> {
        if rows.len() != scores.len() || rows.len() != groups.len() {
            return Err(Error::Training(format!(
                "{} rows, {} scores and {} groups",
                rows.len(),
                scores.len(),
                groups.len()
            )));
        }
        for (i, row) in rows.iter().enumerate() {
            if row.len() != width {
                return Err(Error::Training(format!(
                    "sample {i} has {} feature values, expected {width}",
                    row.len()
                )));
            }
            if let Some(bad) = row.iter().find(|x| !x.is_finite()) {
                return Err(Error::Training(format!(
                    "sample {i} has a feature value of {bad}"
                )));
            }
        }
        Ok(Samples {
            rows,
            scores,
            groups,
        })
    }

    /// One sample per pair: its features pooled over its frames, its subjective score.
    pub fn pooled(
        dataset: &Dataset,
        features: &[PairFeatures],
        pool: PoolMethod,
    ) -> Result<Samples> {
        let width = features
            .first()
            .map_or(0, |f| f.frames.first().map_or(0, Vec::len));
        if let Some(i) = features.iter().position(|f| f.frames.is_empty()) {
            return Err(Error::Training(format!("pair {i} has no frames")));
        }
        Samples::new(
            features.iter().map(|f| f.pooled(pool)).collect(),
            dataset.pairs.iter().map(|p| p.score).collect(),
            dataset.pairs.iter().map(|p| p.group.clone()).collect(),
            width,
        )
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no samples.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The samples at the given indices, in that order (repeats allowed).
    pub fn subset(&self, indices: &[usize]) -> Samples {
        Samples {
            rows: indices.iter().map(|&i| self.rows[i].clone()).collect(),
            scores: indices.iter().map(|&i| self.scores[i]).collect(),
            groups: indices.iter().map(|&i| self.groups[i].clone()).collect(),
        }
    }

    /// The distinct groups, sorted.
    pub fn distinct_groups(&self) -> Vec<String> {
        let mut groups = self.groups.clone();
        groups.sort();
        groups.dedup();
        groups
    }
}
