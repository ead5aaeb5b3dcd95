//! Where every value of a frame lives: one column per extractor output and per model
//! output, and which columns each model reads.

use std::ops::Range;

use crate::error::{Error, Result};
use crate::feature::descriptor::{Extractor, FrameMetric, SequenceMetric, TemporalContext};
use crate::feature::request::FeatureRequest;
use crate::frame::FrameFormat;
use crate::model::{Model, ModelFeature};

use super::column_order::{self, FeatureColumn};
use super::devices::Devices;
use super::ScorerBuilder;

/// Where a model reads its inputs and writes its outputs in a frame's value row.
pub(super) struct ModelSlot {
    model: Model,
    inputs: Vec<usize>,
    outputs: Range<usize>,
}

/// The columns of a run and the extractors that fill them.
pub(super) struct Layout {
    /// Output names, one per column of a frame's value row.
    pub metrics: Vec<String>,
    /// The columns in libvmaf's report order (a permutation of `0..metrics.len()`).
    pub report_order: Vec<usize>,
    /// Spatial extractor requests and their columns.
    pub spatial: Vec<(FeatureRequest, Range<usize>)>,
    /// One ready set of spatial extractors, in the order of `spatial`.
    pub first_spatial_set: Vec<Box<dyn FrameMetric>>,
    /// Temporal extractors and their columns.
    pub temporal: Vec<(Box<dyn SequenceMetric>, Range<usize>)>,
    /// The neighbours every temporal extractor needs, together.
    pub context: TemporalContext,
    /// Models and their columns.
    pub models: Vec<ModelSlot>,
}

impl Layout {
    /// Builds the extractors the models and extra features need and names every column.
    pub fn new(builder: &ScorerBuilder, format: &FrameFormat, devices: &Devices) -> Result<Self> {
        let mut metrics = Vec::new();
        let mut spatial = Vec::new();
        let mut first_spatial_set = Vec::new();
        let mut temporal = Vec::new();
        let mut context = TemporalContext::NONE;
        let mut feature_columns = Vec::new();
        for (position, request) in gather_requests(builder)?.into_iter().enumerate() {
            let start = metrics.len();
            for output in request.active_outputs(format) {
                metrics.push(request.output_name(&output));
                feature_columns.push(FeatureColumn {
                    feature: output.name,
                    extractor: position,
                });
            }
            let range = start..metrics.len();
            match request.build(format, devices)? {
                Extractor::Spatial(x) => {
                    first_spatial_set.push(x);
                    spatial.push((request, range));
                }
                Extractor::Temporal(x) => {
                    context = context.union(request.metric().timing.context());
                    temporal.push((x, range));
                }
            }
        }
        let mut report_order = column_order::report_order(&feature_columns, builder.report_order);
        let mut models = Vec::new();
        for (name, model) in &builder.models {
            let inputs = model
                .features()
                .iter()
                .map(|f| {
                    let column = model_request(model, f)?
                        .feature_name(&f.name)
                        .ok_or_else(|| unknown_model_feature(model.name(), &f.name))?;
                    metrics
                        .iter()
                        .position(|m| *m == column)
                        .ok_or_else(|| unknown_model_feature(model.name(), &f.name))
                })
                .collect::<Result<Vec<_>>>()?;
            let start = metrics.len();
            metrics.push(name.clone());
            if model.is_bootstrap() {
                for i in 1..=model.bootstrap_count() {
                    metrics.push(format!("{name}_{i:04}"));
                }
                for suffix in ["bagging", "stddev", "ci_p95_lo", "ci_p95_hi"] {
                    metrics.push(format!("{name}_{suffix}"));
                }
            }
            models.push(ModelSlot {
                model: model.clone(),
                inputs,
                outputs: start..metrics.len(),
            });
            // Model scores follow every feature, model by model, as libvmaf predicts them
            // once the features are flushed.
            report_order.extend(start..metrics.len());
        }
        if let Some(duplicate) = first_duplicate(&metrics) {
            return Err(Error::InvalidOption(format!(
                "two outputs are both named {duplicate:?}; give models distinct names"
            )));
        }
        Ok(Self {
            metrics,
            report_order,
            spatial,
            first_spatial_set,
            temporal,
            context,
            models,
        })
    }
}

impl ModelSlot {
    /// Writes the model's outputs into a complete row of values.
    pub fn predict(&self, values: &mut [f64]) {
        let inputs: Vec<f64> = self.inputs.iter().map(|&i| values[i]).collect();
        let out = &mut values[self.outputs.clone()];
        match self.model.predict(&inputs) {
            Ok(prediction) => {
                out[0] = prediction.score;
                if let Some(b) = prediction.bootstrap {
                    let n = b.models.len();
                    out[1..=n].copy_from_slice(&b.models);
                    out[n + 1..].copy_from_slice(&[b.bagging, b.stddev, b.ci_p95_lo, b.ci_p95_hi]);
                }
            }
            // The layout gives every model exactly its inputs, so this cannot fail.
            Err(_) => out.fill(f64::NAN),
        }
    }
}

/// The extractors a run needs: each model's, then the extra features, without repeats.
/// As in libvmaf, a request repeats an earlier one when both name their outputs alike
/// (same extractor, same naming options); the first one is kept, options and all.
fn gather_requests(builder: &ScorerBuilder) -> Result<Vec<FeatureRequest>> {
    let mut requests: Vec<FeatureRequest> = Vec::new();
    let mut add = |request: FeatureRequest| {
        let naming = |r: &FeatureRequest| {
            let first = r.metric().outputs.first();
            (r.metric().name, first.map(|o| r.output_name(o)))
        };
        if !requests.iter().any(|r| naming(r) == naming(&request)) {
            requests.push(request);
        }
    };
    for (_, model) in &builder.models {
        for feature in model.features() {
            add(model_request(model, feature)?);
        }
    }
    for request in &builder.features {
        add(request.clone());
    }
    if requests.is_empty() {
        return Err(Error::InvalidOption(
            "nothing to compute: add a model or a feature".into(),
        ));
    }
    Ok(requests)
}

/// The extractor request a model's feature implies, with the model's options.
fn model_request(model: &Model, feature: &ModelFeature) -> Result<FeatureRequest> {
    FeatureRequest::for_model_feature(feature).map_err(|error| match error {
        Error::Feature(reason) => Error::Model {
            name: model.name().to_string(),
            reason,
        },
        other => other,
    })
}

fn unknown_model_feature(model: &str, feature: &str) -> Error {
    Error::Model {
        name: model.to_string(),
        reason: format!("feature {feature:?} is not provided by any extractor"),
    }
}

fn first_duplicate(names: &[String]) -> Option<&str> {
    names
        .iter()
        .enumerate()
        .find(|(i, n)| names[..*i].contains(n))
        .map(|(_, n)| n.as_str())
}
