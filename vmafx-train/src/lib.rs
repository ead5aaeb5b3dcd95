//! Training custom VMAF models: from a dataset of reference/distorted pairs with
//! subjective scores to a libvmaf-format JSON model that `vmafx`, its C ABI and libvmaf
//! itself load.
//!
//! The method is libvmaf's (its Python toolkit's `LibsvmNusvrTrainTestModel`): a base
//! model's features (vmaf_v0.6.1's by default) are extracted per frame and pooled per
//! pair, features and scores are rescaled linearly from their training range, and a
//! nu-SVR with an RBF kernel is fitted by libsvm. Bootstrap collections (as
//! vmaf_b_v0.6.3) refit on resampled pairs.
//!
//! ```no_run
//! use std::path::Path;
//! use vmafx_train::{extract, Dataset, ExtractOptions, FeatureSet, Samples, TrainOptions};
//!
//! let dataset = Dataset::load(Path::new("data.json"))?;
//! let features = FeatureSet::of_model(vmafx::Model::builtin("vmaf_v0.6.1")?)?;
//! let values = extract(&dataset, &features, &ExtractOptions::default(), &|_| {})?;
//! let samples = Samples::pooled(&dataset, &values, vmafx::PoolMethod::Mean)?;
//! let model = vmafx_train::train(&samples, features.features(), &TrainOptions::default())?;
//! std::fs::write("model.json", model.to_json()).map_err(|e| vmafx_train::Error::Io {
//!     context: "cannot write model.json".into(),
//!     source: e,
//! })?;
//! # Ok::<(), vmafx_train::Error>(())
//! ```
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

pub mod cache;
pub mod dataset;
pub mod error;
pub mod evaluate;
pub mod extract;
pub mod grid;
pub mod libsvm;
pub mod metrics;
pub mod model;
pub mod normalise;
pub mod plot;
pub mod samples;
pub mod train;

pub use cache::FeatureCache;
pub use dataset::{Dataset, Pair};
pub use error::{Error, Result};
pub use evaluate::{evaluate, predict_pairs, Evaluation};
pub use extract::{extract, ExtractOptions, FeatureSet, PairFeatures};
pub use grid::{grid_search, CvResult, Grid};
pub use libsvm::{SvrModel, SvrParams};
pub use metrics::Agreement;
pub use model::{bootstrap_json, TrainedModel};
pub use normalise::{NormRange, Normalisation};
pub use samples::Samples;
pub use train::{train, train_bootstrap, TrainOptions};
