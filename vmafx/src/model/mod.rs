//! VMAF models: libvmaf's JSON model files, their support-vector regression, and the
//! post-processing of scores (transform, clipping, bootstrap statistics).
//!
//! A [`Model`] turns one frame's feature values into its VMAF score. Models come built in
//! under libvmaf's version names ([`Model::builtin`]) or from libvmaf-format JSON files
//! ([`Model::from_path`], [`Model::from_json_str`]). Predictions equal libvmaf's: the same
//! operations run in the same order on the same doubles.
//!
//! Defaults follow the `vmaf` command line: scores are clipped to the model's
//! `score_clip` range, and the `score_transform` runs only where the file enables it;
//! none of the built-in v0.6.x models does, so [`ModelOptions::enable_transform`] is how
//! to get their transformed scores.

mod builtin;
mod file;
mod json;
mod name;
mod overrides;
mod predict;
mod spec;
mod svm;

#[cfg(test)]
mod golden_tests;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

use crate::{Error, Result};

pub use file::MAX_MODEL_FILE_BYTES;
pub use name::{check_name, MAX_NAME_LEN};
pub use spec::load_spec;

/// One input feature of a model, as the model file names and configures it.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelFeature {
    /// The feature's name in the model file, e.g. `VMAF_integer_feature_vif_scale0_score`.
    pub name: String,
    /// Numeric extractor options from the file's `feature_opts_dicts`, e.g.
    /// `adm_enhn_gain_limit`. Values are as libvmaf hands them to the extractor: rounded to
    /// single precision and then to six significant digits.
    pub options: BTreeMap<String, f64>,
    /// The other options: strings as written, booleans as `"true"` / `"false"`.
    pub text_options: BTreeMap<String, String>,
}

/// Caller's choices about a model's post-processing, as `vmaf --model ...:disable_clip`
/// and `...:enable_transform` set them. The default is the CLI's default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ModelOptions {
    /// Do not clip scores to the model's `score_clip` range.
    pub disable_clip: bool,
    /// Apply the model's `score_transform` even where the file does not enable it.
    pub enable_transform: bool,
}

/// The scores of one frame.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// The model's score (for a bootstrap model, that of its main model), libvmaf's `vmaf`.
    pub score: f64,
    /// The bootstrap scores, for bootstrap models only.
    pub bootstrap: Option<BootstrapScores>,
}

/// The extra scores of a bootstrap model for one frame.
#[derive(Clone, Debug, PartialEq)]
pub struct BootstrapScores {
    /// Each bootstrap member's score, transformed and clipped like a single model's
    /// (libvmaf's `vmaf_0001`, `vmaf_0002`, ...).
    pub models: Vec<f64>,
    /// The mean of the members' raw scores, then transformed and clipped.
    pub bagging: f64,
    /// The standard deviation of the members' raw scores, scaled by the slope of the
    /// transform and clipping at the mean.
    pub stddev: f64,
    /// The 2.5th percentile of the members' raw scores, then transformed and clipped.
    pub ci_p95_lo: f64,
    /// The 97.5th percentile of the members' raw scores, then transformed and clipped.
    pub ci_p95_hi: f64,
}

impl BootstrapScores {
    /// The scores under libvmaf's output names for a model called `prefix` (usually
    /// `vmaf`), in libvmaf's order: `vmaf_0001`.., `vmaf_bagging`, `vmaf_stddev`,
    /// `vmaf_ci_p95_lo`, `vmaf_ci_p95_hi`.
    pub fn named(&self, prefix: &str) -> Vec<(String, f64)> {
        let members = self
            .models
            .iter()
            .enumerate()
            .map(|(i, &score)| (format!("{prefix}_{:04}", i + 1), score));
        let statistics = [
            ("bagging", self.bagging),
            ("stddev", self.stddev),
            ("ci_p95_lo", self.ci_p95_lo),
            ("ci_p95_hi", self.ci_p95_hi),
        ]
        .into_iter()
        .map(|(suffix, score)| (format!("{prefix}_{suffix}"), score));
        members.chain(statistics).collect()
    }
}

/// A parsed model file: the shared, immutable part of a [`Model`].
#[derive(Clone)]
pub(crate) struct ModelData {
    /// Inputs in the order [`Model::predict`] takes them.
    pub(crate) features: Vec<ModelFeature>,
    /// The single model, or entry "0" of a bootstrap collection.
    pub(crate) main: predict::Regressor,
    /// Bootstrap members, entries "1".. of a collection.
    pub(crate) bootstrap: Option<Vec<predict::Regressor>>,
}

/// A VMAF model, ready to score frames. Cheap to clone; safe to share between threads.
#[derive(Clone)]
pub struct Model {
    name: String,
    options: ModelOptions,
    data: Arc<ModelData>,
}

impl Model {
    /// A built-in model by libvmaf's version name, e.g. `vmaf_v0.6.1`.
    pub fn builtin(version: &str) -> Result<Model> {
        let json = builtin::source(version)
            .ok_or_else(|| Error::UnknownModel(version.to_owned(), builtin::VERSIONS.join(", ")))?;
        Model::from_json_str(version, json)
    }

    /// The version names [`Model::builtin`] accepts.
    pub fn builtin_versions() -> &'static [&'static str] {
        builtin::VERSIONS
    }

    /// Parses a model from libvmaf-format JSON text; `name` labels it and its errors.
    pub fn from_json_str(name: &str, json: &str) -> Result<Model> {
        Ok(Model {
            name: name.to_owned(),
            options: ModelOptions::default(),
            data: Arc::new(json::parse(name, json)?),
        })
    }

    /// Reads a libvmaf-format JSON model file of at most [`MAX_MODEL_FILE_BYTES`]. The
    /// model is named after the file's stem.
    pub fn from_path(path: &Path) -> Result<Model> {
        let label = path.display().to_string();
        if path.extension().is_some_and(|ext| ext == "pkl") {
            return Err(Error::Model {
                name: label,
                reason: "pkl model files are not supported; use the JSON model".to_owned(),
            });
        }
        let json = file::read_bounded(path)?;
        let name = path
            .file_stem()
            .map_or_else(|| label.clone(), |stem| stem.to_string_lossy().into_owned());
        Ok(Model {
            name,
            options: ModelOptions::default(),
            data: Arc::new(json::parse(&label, &json)?),
        })
    }

    /// The model's name: the version of a built-in model, the file stem of a file.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The features [`Model::predict`] expects, in that order.
    pub fn features(&self) -> &[ModelFeature] {
        &self.data.features
    }

    /// The same model with other post-processing options.
    pub fn with_options(self, options: ModelOptions) -> Model {
        Model { options, ..self }
    }

    /// The post-processing options in force.
    pub fn options(&self) -> ModelOptions {
        self.options
    }

    /// Whether predictions carry [`BootstrapScores`].
    pub fn is_bootstrap(&self) -> bool {
        self.data.bootstrap.is_some()
    }

    /// Number of bootstrap members (0 for a plain model).
    pub fn bootstrap_count(&self) -> usize {
        self.data.bootstrap.as_ref().map_or(0, Vec::len)
    }

    /// Scores one frame. `features` holds one value per entry of [`Model::features`], in
    /// that order.
    pub fn predict(&self, features: &[f64]) -> Result<Prediction> {
        let expected = self.data.features.len();
        if features.len() != expected {
            return Err(Error::InvalidInput(format!(
                "model {} takes {expected} feature values, got {}",
                self.name,
                features.len()
            )));
        }
        let main = &self.data.main;
        let score = main.finish(main.raw(features), &self.options);
        let bootstrap = self
            .data
            .bootstrap
            .as_ref()
            .map(|members| predict::bootstrap(members, features, &self.options));
        Ok(Prediction { score, bootstrap })
    }
}

impl fmt::Debug for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.data.features.iter().map(|x| x.name.as_str()).collect();
        f.debug_struct("Model")
            .field("name", &self.name)
            .field("options", &self.options)
            .field("features", &names)
            .field(
                "bootstrap_models",
                &self.data.bootstrap.as_ref().map_or(0, Vec::len),
            )
            .finish()
    }
}
