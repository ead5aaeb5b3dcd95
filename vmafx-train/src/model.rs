//! A trained regressor and its libvmaf-format JSON model file.

use serde_json::{json, Map, Value};
use vmafx::model::ModelFeature;

use crate::libsvm::{SvrModel, SvrParams};
use crate::normalise::{NormRange, Normalisation};

/// One fitted model: features, normalisation, the nu-SVR and the score clip.
#[derive(Debug)]
pub struct TrainedModel {
    /// The inputs, named and configured as the base model's file does.
    pub features: Vec<ModelFeature>,
    /// The range the normalisation was fitted to (recorded in `param_dict`).
    pub range: NormRange,
    /// The fitted `linear_rescale` maps.
    pub normalisation: Normalisation,
    /// The solver's settings.
    pub params: SvrParams,
    /// The fitted nu-SVR.
    pub svr: SvrModel,
    /// Scores are clipped to this range, as libvmaf's `score_clip` does.
    pub score_clip: Option<(f64, f64)>,
}

impl TrainedModel {
    /// The model's score for one row of raw (not normalised) feature values, computed
    /// as libvmaf computes it from the model file: normalise, libsvm's prediction,
    /// map back, clip.
    pub fn predict(&self, row: &[f64]) -> f64 {
        let raw = self.raw(row);
        match self.score_clip {
            Some((lo, hi)) => raw.clamp(lo, hi),
            None => raw,
        }
    }

    /// The prediction mapped back to the score's scale, before clipping.
    pub(crate) fn raw(&self, row: &[f64]) -> f64 {
        let output = self.svr.predict(&self.normalisation.features(row));
        self.normalisation.denormalise(output)
    }

    /// The `model_dict` of a libvmaf model file, with `model_type`.
    fn model_dict(&self, model_type: &str) -> Value {
        let mut dict = Map::new();
        dict.insert("model_type".into(), json!(model_type));
        let names: Vec<&str> = self.features.iter().map(|f| f.name.as_str()).collect();
        dict.insert("feature_names".into(), json!(names));
        if self
            .features
            .iter()
            .any(|f| !f.options.is_empty() || !f.text_options.is_empty())
        {
            let options: Vec<Value> = self.features.iter().map(feature_options).collect();
            dict.insert("feature_opts_dicts".into(), Value::Array(options));
        }
        dict.insert("norm_type".into(), json!("linear_rescale"));
        dict.insert("slopes".into(), json!(self.normalisation.slopes));
        dict.insert("intercepts".into(), json!(self.normalisation.intercepts));
        if let Some((lo, hi)) = self.score_clip {
            dict.insert("score_clip".into(), json!([lo, hi]));
        }
        dict.insert("model".into(), json!(self.svr.text()));
        Value::Object(dict)
    }

    /// The `param_dict` libvmaf's toolkit keeps beside a model: how it was trained.
    fn param_dict(&self, bootstrap_models: Option<usize>) -> Value {
        let mut dict = Map::new();
        dict.insert("C".into(), json!(self.params.c));
        dict.insert("nu".into(), json!(self.params.nu));
        dict.insert("gamma".into(), json!(self.params.gamma));
        dict.insert("norm_type".into(), json!(self.range.name()));
        if let Some((lo, hi)) = self.score_clip {
            dict.insert("score_clip".into(), json!([lo, hi]));
        }
        if let Some(count) = bootstrap_models {
            dict.insert("num_models".into(), json!(count));
        }
        Value::Object(dict)
    }

    /// The model as a libvmaf JSON model file (`model_type` `LIBSVMNUSVR`).
    pub fn to_json(&self) -> String {
        let file = json!({
            "param_dict": self.param_dict(None),
            "model_dict": self.model_dict("LIBSVMNUSVR"),
        });
        pretty(&file)
    }
}

/// A bootstrap collection as libvmaf's vmaf_b_v0.6.3 stores one: `"0"` trained on every
/// pair, `"1"`.. on resampled pairs, all `BOOTSTRAP_LIBSVMNUSVR`. The keys are written
/// in numeric order: libvmaf reads the members in file order and stops at the first key
/// out of sequence (`"10"` after `"1"` would end the collection there).
pub fn bootstrap_json(models: &[TrainedModel]) -> String {
    let entries: Vec<String> = models
        .iter()
        .enumerate()
        .map(|(i, model)| {
            let entry = json!({
                "param_dict": model.param_dict(Some(models.len())),
                "model_dict": model.model_dict("BOOTSTRAP_LIBSVMNUSVR"),
            });
            let indented = pretty(&entry).replace('\n', "\n  ");
            format!("  \"{i}\": {indented}")
        })
        .collect();
    format!("{{\n{}\n}}", entries.join(",\n"))
}

fn feature_options(feature: &ModelFeature) -> Value {
    let mut options = Map::new();
    for (key, value) in &feature.options {
        options.insert(key.clone(), json!(value));
    }
    for (key, value) in &feature.text_options {
        let value = match value.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            text => json!(text),
        };
        options.insert(key.clone(), value);
    }
    Value::Object(options)
}

fn pretty(value: &Value) -> String {
    // Serialising a `Value` built here cannot fail; the fallback keeps this total.
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::samples::Samples;
    use crate::train::{train, train_bootstrap, TrainOptions};

    /// vmaf_v0.6.1's features with synthetic values and a smooth score.
    fn synthetic() -> (Vec<ModelFeature>, Samples) {
        let features = vmafx::Model::builtin("vmaf_v0.6.1")
            .unwrap()
            .features()
            .to_vec();
        let mut rows = Vec::new();
        let mut scores = Vec::new();
        for i in 0..40usize {
            let t = i as f64 / 39.0;
            let row: Vec<f64> = (0..features.len())
                .map(|f| t * (1.0 + f as f64 * 0.1) + ((i * (f + 3)) % 7) as f64 * 0.01)
                .collect();
            scores.push(20.0 + 70.0 * t * t);
            rows.push(row);
        }
        let groups = (0..40).map(|i| format!("g{}", i % 5)).collect();
        let width = features.len();
        (features, Samples::new(rows, scores, groups, width).unwrap())
    }

    #[test]
    fn the_written_file_loads_and_predicts_as_the_trainer() {
        if !crate::libsvm::present_for_tests() {
            return;
        }
        let (features, samples) = synthetic();
        let model = train(&samples, &features, &TrainOptions::default()).unwrap();
        let json = model.to_json();
        let file: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(file["model_dict"]["model_type"], "LIBSVMNUSVR");
        assert_eq!(file["model_dict"]["norm_type"], "linear_rescale");
        assert_eq!(file["param_dict"]["norm_type"], "clip_0to1");
        assert_eq!(file["model_dict"]["score_clip"], json!([0.0, 100.0]));
        assert!(file["model_dict"].get("feature_opts_dicts").is_none());
        let loaded = vmafx::Model::from_json_str("synthetic", &json).unwrap();
        for row in &samples.rows {
            assert_eq!(loaded.predict(row).unwrap().score, model.predict(row));
        }
        let members = train_bootstrap(&samples, &features, &TrainOptions::default(), 3).unwrap();
        let loaded = vmafx::Model::from_json_str("boot", &bootstrap_json(&members)).unwrap();
        assert_eq!(loaded.bootstrap_count(), 3);
    }

    #[test]
    fn options_of_the_base_model_are_written_per_feature() {
        let neg = vmafx::Model::builtin("vmaf_v0.6.1neg").unwrap();
        let written: Vec<Value> = neg.features().iter().map(feature_options).collect();
        assert_eq!(written[0], json!({"adm_enhn_gain_limit": 1.0}));
        assert_eq!(written[1], json!({}));
    }
}
