//! What a command line asks to compute. As in libvmaf's `vmaf` tool, `--model`,
//! `--feature`, `--aom_ctc` and `--nflx_ctc` each append where they stand on the command
//! line, so the order of models and features (and so of report columns) is libvmaf's.

use anyhow::{bail, Context, Result};
use vmafx::{FeatureRequest, ScorerBuilder};

use crate::model_spec::ModelSpec;
use crate::preset;

/// One request-shaping flag, with its value, in command-line order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `-m`/`--model SPEC`.
    Model(String),
    /// `--feature SPEC`.
    Feature(String),
    /// `--aom_ctc VERSION`.
    AomCtc(String),
    /// `--nflx_ctc VERSION`.
    NflxCtc(String),
}

/// The models and features of a run, in libvmaf's registration order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Request {
    /// Models, in order; their features are registered first.
    pub models: Vec<ModelSpec>,
    /// Features in libvmaf's `--feature` syntax, in order.
    pub features: Vec<String>,
    /// Set by `--aom_ctc v6.0` and later: libvmaf then accepts inputs of different bit
    /// depths.
    pub common_bitdepth: bool,
}

impl Request {
    /// Applies the flags in order; without any model the default one is used, unless
    /// `no_prediction` (libvmaf's rule).
    pub fn from_items(items: &[Item], no_prediction: bool) -> Result<Self> {
        let mut request = Self::default();
        for item in items {
            match item {
                Item::Model(spec) => request.models.push(ModelSpec::parse(spec)?),
                Item::Feature(spec) => request.features.push(spec.clone()),
                Item::AomCtc(version) => preset::apply_aom_ctc(&mut request, version)?,
                Item::NflxCtc(version) => preset::apply_nflx_ctc(&mut request, version)?,
            }
        }
        if request.models.is_empty() && !no_prediction {
            request.models.push(ModelSpec::default());
        }
        for (i, model) in request.models.iter().enumerate() {
            if request.models[..i].iter().any(|m| m.name == model.name) {
                bail!(
                    "two models are named {:?}; each model needs its own name (`--model ...:name=LABEL`)",
                    model.name
                );
            }
        }
        Ok(request)
    }

    /// Puts `spec` in place of the first feature of the same extractor name, or appends
    /// it when there is none (libvmaf's `CHECKED_REPLACE`).
    pub fn replace_feature(&mut self, spec: &str) {
        let name = extractor_name(spec);
        match self.features.iter_mut().find(|f| extractor_name(f) == name) {
            Some(existing) => *existing = spec.to_string(),
            None => self.features.push(spec.to_string()),
        }
    }

    /// Adds the models and features to `builder`. With `no_prediction` the models are not
    /// scored, but their features are still computed, as libvmaf does.
    pub fn apply(&self, mut builder: ScorerBuilder, no_prediction: bool) -> Result<ScorerBuilder> {
        for spec in &self.models {
            let (name, model) = spec.load()?;
            if !no_prediction {
                builder = builder.named_model(name, model);
                continue;
            }
            for feature in model.features() {
                let request = FeatureRequest::for_model_feature(feature)
                    .with_context(|| format!("model {name:?} uses feature {:?}", feature.name))?;
                builder = builder.feature(request);
            }
        }
        for spec in &self.features {
            builder = builder
                .feature_spec(spec)
                .with_context(|| format!("cannot compute feature {spec:?}"))?;
        }
        Ok(builder)
    }

    /// The scored models for the summary: `(label, report name)`, the label being what
    /// libvmaf's tool prints, the model's version or its file's path as given.
    pub fn model_names(&self, no_prediction: bool) -> Vec<(String, String)> {
        if no_prediction {
            return Vec::new();
        }
        self.models
            .iter()
            .map(|m| {
                let label = match &m.source {
                    crate::model_spec::ModelSource::Builtin(version) => version.clone(),
                    crate::model_spec::ModelSource::File(path) => path.display().to_string(),
                };
                (label, m.name.clone())
            })
            .collect()
    }
}

/// The extractor name of a `--feature` spec: the text before the first `=`.
fn extractor_name(spec: &str) -> &str {
    spec.split_once('=').map_or(spec, |(name, _)| name)
}

#[cfg(test)]
#[path = "request_tests.rs"]
mod tests;
