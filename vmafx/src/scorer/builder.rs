//! Options of a scoring run.

use std::collections::BTreeMap;

use crate::backend::BackendKind;
use crate::error::Result;
use crate::feature::request::FeatureRequest;
use crate::frame::FrameFormat;
use crate::model::Model;

use super::{ReportOrder, Scorer};

/// Name libvmaf gives a model's score when the caller names none.
pub const DEFAULT_MODEL_NAME: &str = "vmaf";

/// Most worker threads a run may ask for: more is surely a mistake, and would start that
/// many threads.
pub const MAX_THREADS: usize = 1024;

/// Options of a scoring run; build a [`Scorer`] from it.
#[derive(Debug, Clone)]
pub struct ScorerBuilder {
    pub(super) models: Vec<(String, Model)>,
    pub(super) features: Vec<FeatureRequest>,
    pub(super) threads: usize,
    pub(super) subsample: u64,
    pub(super) backend: Option<BackendKind>,
    pub(super) report_order: ReportOrder,
}

impl Default for ScorerBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl ScorerBuilder {
    /// No models, no extra features, one thread, every frame scored.
    pub fn new() -> Self {
        Self {
            models: Vec::new(),
            features: Vec::new(),
            threads: 1,
            subsample: 1,
            backend: None,
            report_order: ReportOrder::Serial,
        }
    }

    /// The backend to extract features with; without this call `VMAFX_BACKEND` decides,
    /// and `auto` when it is unset. A named backend that cannot start fails `build`.
    pub fn backend(mut self, backend: BackendKind) -> Self {
        self.backend = Some(backend);
        self
    }

    /// Adds a model whose score is reported as `vmaf` (libvmaf's default name).
    pub fn model(self, model: Model) -> Self {
        self.named_model(DEFAULT_MODEL_NAME, model)
    }

    /// Adds a model whose score is reported under `name` (bootstrap outputs get
    /// `name_0001`, `name_bagging`, ... like libvmaf). The name must pass
    /// [`crate::model::check_name`]; `build` fails otherwise.
    pub fn named_model(mut self, name: impl Into<String>, model: Model) -> Self {
        self.models.push((name.into(), model));
        self
    }

    /// Adds a feature extractor besides those the models need.
    pub fn feature(mut self, request: FeatureRequest) -> Self {
        self.features.push(request);
        self
    }

    /// Adds a feature in libvmaf's `--feature` syntax, e.g. `psnr` or
    /// `cambi=window_size=63`.
    pub fn feature_spec(self, spec: &str) -> Result<Self> {
        Ok(self.feature(FeatureRequest::parse(spec)?))
    }

    /// Worker threads; 0 means one per available core. Results do not depend on it.
    /// More than [`MAX_THREADS`] fails `build`.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// Scores only every `n`-th frame (`n` >= 1), as libvmaf's `--subsample`.
    pub fn subsample(mut self, n: u64) -> Self {
        self.subsample = n;
        self
    }

    /// Which of libvmaf's metric orders reports follow (default [`ReportOrder::Serial`],
    /// libvmaf's own default). It changes only the order of the columns, never a value;
    /// choose [`ReportOrder::Threaded`] to line up with a libvmaf run given `--threads N`,
    /// N >= 1.
    pub fn report_order(mut self, order: ReportOrder) -> Self {
        self.report_order = order;
        self
    }

    /// The settings that decide a run's values, by name: each model's name and the
    /// requests behind its features, the extra features with their options, the
    /// subsampling and the report order. Parts of one run must agree on them.
    pub fn settings(&self) -> BTreeMap<String, String> {
        let mut settings = BTreeMap::new();
        for (n, (name, model)) in self.models.iter().enumerate() {
            let features: Vec<String> = model
                .features()
                .iter()
                .map(|f| {
                    FeatureRequest::for_model_feature(f)
                        .map_or_else(|_| f.name.clone(), |request| request.spec())
                })
                .collect();
            settings.insert(
                format!("model.{n}"),
                format!("{name}={} [{}]", model.name(), features.join(", ")),
            );
        }
        for (n, request) in self.features.iter().enumerate() {
            settings.insert(format!("feature.{n}"), request.spec());
        }
        settings.insert("subsample".into(), self.subsample.to_string());
        settings.insert("report_order".into(), format!("{:?}", self.report_order));
        settings
    }

    /// Builds a scorer for frames of `format`.
    pub fn build(self, format: FrameFormat) -> Result<Scorer> {
        Scorer::new(self, format)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::ChromaSubsampling;

    fn format() -> FrameFormat {
        FrameFormat::new(16, 16, ChromaSubsampling::Yuv420, 8).unwrap()
    }

    #[test]
    fn markup_in_a_model_name_fails_build() {
        let model = Model::builtin("vmaf_v0.6.1").unwrap();
        let error = ScorerBuilder::new()
            .named_model("a\"/><x", model)
            .build(format())
            .err()
            .expect("the name is refused")
            .to_string();
        assert!(error.contains("model name \"a\\\"/><x\""), "{error}");
    }

    #[test]
    fn thread_count_is_capped() {
        let error = ScorerBuilder::new()
            .threads(100_000)
            .build(format())
            .err()
            .expect("100000 threads are refused")
            .to_string();
        assert!(error.contains("more than 1024"), "{error}");
    }
}
