//! Extracting a model's features over every pair of a dataset with the VMAF library, in
//! parallel, through the feature cache.

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use vmafx::model::ModelFeature;
use vmafx::{FeatureRequest, Model, PoolMethod, ScoreJob, ScorerBuilder};

use crate::cache::{pair_key, FeatureCache};
use crate::dataset::{Dataset, Pair};
use crate::error::{Error, Result};

/// The features a model is trained on: some or all of a base model's inputs, with the
/// names and options its file gives them.
#[derive(Clone, Debug)]
pub struct FeatureSet {
    /// The model whose features these are; scoring with it computes them.
    base: Model,
    /// The chosen features, in the base model's order.
    features: Vec<ModelFeature>,
    /// The report column of each chosen feature.
    columns: Vec<String>,
}

impl FeatureSet {
    /// All features of a base model (e.g. `vmaf_v0.6.1`'s six).
    pub fn of_model(base: Model) -> Result<FeatureSet> {
        let features = base.features().to_vec();
        let columns = features
            .iter()
            .map(|feature| {
                FeatureRequest::for_model_feature(feature)?
                    .feature_name(&feature.name)
                    .ok_or_else(|| {
                        Error::Training(format!(
                            "feature {:?} of model {} has no extractor",
                            feature.name,
                            base.name()
                        ))
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(FeatureSet {
            base,
            features,
            columns,
        })
    }

    /// Keeps only the named features (model-file names such as
    /// `VMAF_integer_feature_adm2_score`, or report names such as `integer_adm2`), in
    /// the base model's order.
    pub fn select(self, names: &[String]) -> Result<FeatureSet> {
        let named = |i: usize| {
            names
                .iter()
                .any(|n| *n == self.features[i].name || *n == self.columns[i])
        };
        for name in names {
            let known = (0..self.features.len())
                .any(|i| self.features[i].name == *name || self.columns[i] == *name);
            if !known {
                return Err(Error::Training(format!(
                    "feature {name:?} is not one of model {}'s ({})",
                    self.base.name(),
                    self.columns.join(", ")
                )));
            }
        }
        let keep: Vec<usize> = (0..self.features.len()).filter(|&i| named(i)).collect();
        Ok(FeatureSet {
            features: keep.iter().map(|&i| self.features[i].clone()).collect(),
            columns: keep.iter().map(|&i| self.columns[i].clone()).collect(),
            base: self.base,
        })
    }

    /// The features as the model file names and configures them.
    pub fn features(&self) -> &[ModelFeature] {
        &self.features
    }

    /// The report column names (`integer_adm2`, ...), in order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// What the values depend on besides the inputs, for the cache key.
    fn describe(&self) -> String {
        let features: Vec<String> = self
            .features
            .iter()
            .map(|f| format!("{} {:?} {:?}", f.name, f.options, f.text_options))
            .collect();
        features.join("\n")
    }
}

/// One pair's per-frame feature values, in the feature set's order.
#[derive(Clone, Debug, PartialEq)]
pub struct PairFeatures {
    /// The values, one row per frame.
    pub frames: Vec<Vec<f64>>,
}

impl PairFeatures {
    /// One value per feature, pooled over the frames.
    pub fn pooled(&self, method: PoolMethod) -> Vec<f64> {
        let count = self.frames.first().map_or(0, Vec::len);
        (0..count)
            .map(|i| {
                let column = self.frames.iter().map(|row| row[i]);
                match method {
                    PoolMethod::Percentile(p) => vmafx::percentile(column, p),
                    other => vmafx::Pooled::of(column).and_then(|pooled| pooled.get(other)),
                }
                .unwrap_or(f64::NAN)
            })
            .collect()
    }
}

/// How extraction runs.
#[derive(Clone, Debug, Default)]
pub struct ExtractOptions {
    /// Where per-pair values are kept between runs; `None` extracts everything afresh.
    pub cache: Option<FeatureCache>,
    /// Pairs scored at once (0: one per CPU core, rayon's default).
    pub jobs: usize,
}

/// Extracts the feature set over every pair. `progress` is called with the number of
/// pairs done so far (from worker threads, in any order).
pub fn extract(
    dataset: &Dataset,
    features: &FeatureSet,
    options: &ExtractOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Vec<PairFeatures>> {
    let description = features.describe();
    let done = AtomicUsize::new(0);
    let work = || {
        dataset
            .pairs
            .par_iter()
            .enumerate()
            .map(|(index, pair)| {
                let values = extract_pair(pair, features, &description, options.cache.as_ref())
                    .map_err(|source| match source {
                        Error::Vmafx(source) => Error::Pair {
                            index,
                            reference: pair.reference.clone(),
                            distorted: pair.distorted.clone(),
                            source,
                        },
                        other => other,
                    });
                progress(done.fetch_add(1, Ordering::Relaxed) + 1);
                values
            })
            .collect::<Result<Vec<_>>>()
    };
    if options.jobs == 0 {
        return work();
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs)
        .build()
        .map_err(|e| Error::Training(format!("cannot start {} workers: {e}", options.jobs)))?
        .install(work)
}

fn extract_pair(
    pair: &Pair,
    features: &FeatureSet,
    description: &str,
    cache: Option<&FeatureCache>,
) -> Result<PairFeatures> {
    let key = match cache {
        Some(_) => Some(pair_key(pair, description)?),
        None => None,
    };
    if let (Some(cache), Some(key)) = (cache, &key) {
        if let Some(frames) = cache.get(key) {
            return Ok(PairFeatures { frames });
        }
    }
    // Pairs already run in parallel, so each is scored on one thread.
    let scorer = ScorerBuilder::new().model(features.base.clone()).threads(1);
    let outcome =
        ScoreJob::new(&pair.reference, &pair.distorted, pair.input).run(scorer, |_| {})?;
    let report = outcome.report;
    let indices = features
        .columns()
        .iter()
        .map(|column| {
            report
                .metric_index(column)
                .ok_or_else(|| Error::Training(format!("the report has no column {column:?}")))
        })
        .collect::<Result<Vec<_>>>()?;
    let frames: Vec<Vec<f64>> = report
        .frames
        .iter()
        .map(|frame| indices.iter().map(|&i| frame.values[i]).collect())
        .collect();
    if let (Some(cache), Some(key)) = (cache, &key) {
        cache.put(key, features.columns(), &frames)?;
    }
    Ok(PairFeatures { frames })
}
