//! The scoring pipeline: frames in, per-frame records and a pooled report out.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;

use crate::backend::{self, BackendChoice, BackendKind};
use crate::error::{Error, Result};
use crate::feature::extractor::{self, Extractor, SpatialExtractor, TemporalExtractor};
use crate::feature::registry::FeatureRequest;
use crate::frame::{Frame, FrameFormat, FrameView};
use crate::model::Model;
use crate::report::{FrameRecord, Report};

/// Name libvmaf gives a model's score when the caller names none.
pub const DEFAULT_MODEL_NAME: &str = "vmaf";

/// Options of a scoring run; build a [`Scorer`] from it.
#[derive(Debug, Clone)]
pub struct ScorerBuilder {
    models: Vec<(String, Model)>,
    features: Vec<FeatureRequest>,
    threads: usize,
    subsample: u64,
    backend: Option<BackendKind>,
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
    /// `name_0001`, `name_bagging`, ... like libvmaf).
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
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// Scores only every `n`-th frame (`n` >= 1), as libvmaf's `--subsample`.
    pub fn subsample(mut self, n: u64) -> Self {
        self.subsample = n;
        self
    }

    /// Builds a scorer for frames of `format`.
    pub fn build(self, format: FrameFormat) -> Result<Scorer> {
        Scorer::new(self, format)
    }
}

/// Where a model reads its inputs and writes its outputs in a frame's value row.
struct ModelSlot {
    model: Model,
    inputs: Vec<usize>,
    outputs: Range<usize>,
}

/// A frame whose values are not all known yet.
struct PendingFrame {
    values: Vec<f64>,
    awaiting_temporal: usize,
    scored: bool,
}

/// Scores frame pairs pushed in order and keeps what the report needs.
///
/// Memory stays flat: at most a small batch of frames is held, plus one row of values
/// per scored frame.
pub struct Scorer {
    format: FrameFormat,
    metrics: Vec<String>,
    spatial_ranges: Vec<Range<usize>>,
    spatial_requests: Vec<FeatureRequest>,
    idle_spatial_sets: Mutex<Vec<Vec<SpatialExtractor>>>,
    temporal: Vec<(TemporalExtractor, Range<usize>)>,
    models: Vec<ModelSlot>,
    workers: Option<rayon::ThreadPool>,
    threads: usize,
    backend: BackendChoice,
    batch: Vec<(u64, Frame, Frame)>,
    batch_capacity: usize,
    subsample: u64,
    pushed: u64,
    pending: BTreeMap<u64, PendingFrame>,
    completed: Vec<FrameRecord>,
    delivered: usize,
    started: Option<Instant>,
}

impl Scorer {
    fn new(builder: ScorerBuilder, format: FrameFormat) -> Result<Self> {
        if builder.subsample == 0 {
            return Err(Error::InvalidOption("subsample must be at least 1".into()));
        }
        let threads = match builder.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        let requested = match builder.backend {
            Some(kind) => kind,
            None => BackendKind::from_env()?,
        };
        let backend = backend::resolve(requested)?;
        if backend.kind != BackendKind::Cpu {
            return Err(Error::Backend(format!(
                "{}: the scorer cannot use this backend yet",
                backend.kind
            )));
        }
        let requests = gather_requests(&builder)?;

        let mut metrics = Vec::new();
        let mut spatial_ranges = Vec::new();
        let mut spatial_requests = Vec::new();
        let mut first_set = Vec::new();
        let mut temporal = Vec::new();
        for request in &requests {
            let start = metrics.len();
            for internal in extractor::outputs(request, &format) {
                metrics.push(request.output_name(internal));
            }
            let range = start..metrics.len();
            match Extractor::new(request, &format)? {
                Extractor::Spatial(x) => {
                    first_set.push(x);
                    spatial_ranges.push(range);
                    spatial_requests.push(request.clone());
                }
                Extractor::Temporal(x) => temporal.push((x, range)),
            }
        }

        let mut models = Vec::new();
        for (name, model) in builder.models {
            let inputs = model
                .features()
                .iter()
                .map(|f| {
                    let kind = crate::feature::registry::ExtractorKind::providing(&f.name)
                        .ok_or_else(|| unknown_model_feature(model.name(), &f.name))?;
                    let request = model_request(kind, f);
                    let column = request.output_name(&f.name);
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
                model,
                inputs,
                outputs: start..metrics.len(),
            });
        }
        if let Some(duplicate) = first_duplicate(&metrics) {
            return Err(Error::InvalidOption(format!(
                "two outputs are both named {duplicate:?}; give models distinct names"
            )));
        }

        let workers = if threads > 1 {
            Some(
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .thread_name(|i| format!("vmafx-worker-{i}"))
                    .build()
                    .map_err(|e| Error::InvalidOption(format!("cannot start threads: {e}")))?,
            )
        } else {
            None
        };
        Ok(Self {
            format,
            metrics,
            spatial_ranges,
            spatial_requests,
            idle_spatial_sets: Mutex::new(vec![first_set]),
            temporal,
            models,
            workers,
            threads,
            backend,
            batch: Vec::new(),
            batch_capacity: 2 * threads,
            subsample: builder.subsample,
            pushed: 0,
            pending: BTreeMap::new(),
            completed: Vec::new(),
            delivered: 0,
            started: None,
        })
    }

    /// The output names, in report order.
    pub fn metrics(&self) -> &[String] {
        &self.metrics
    }

    /// The format every pushed frame must have.
    pub fn format(&self) -> &FrameFormat {
        &self.format
    }

    /// Number of frame pairs pushed so far.
    pub fn frames_pushed(&self) -> u64 {
        self.pushed
    }

    /// The backend and device extracting the features.
    pub fn backend(&self) -> &BackendChoice {
        &self.backend
    }

    /// What computes the features, as reports record it, e.g. `cpu (avx512, 2 threads)`.
    pub fn backend_description(&self) -> String {
        format!(
            "{} ({}, {} thread{})",
            self.backend.kind,
            self.backend.device,
            self.threads,
            if self.threads == 1 { "" } else { "s" }
        )
    }

    /// Scores the next frame pair.
    pub fn push(&mut self, reference: &FrameView<'_>, distorted: &FrameView<'_>) -> Result<()> {
        for (what, view) in [("reference", reference), ("distorted", distorted)] {
            if *view.format() != self.format {
                return Err(Error::Mismatch(format!(
                    "{what} frame {} is {:?}, the scorer expects {:?}",
                    self.pushed,
                    view.format(),
                    self.format
                )));
            }
        }
        self.started.get_or_insert_with(Instant::now);
        let index = self.pushed;
        self.pushed += 1;
        if self.workers.is_none() {
            let spatial = self.scores_spatially(index).then(|| {
                let mut set = self.take_spatial_set()?;
                let row = self.extract_spatial(&mut set, reference, distorted);
                self.return_spatial_set(set);
                row
            });
            let spatial = spatial.transpose()?;
            let temporal = push_temporal(&mut self.temporal, reference, distorted)?;
            self.record(index, spatial, temporal);
            return Ok(());
        }
        self.batch.push((
            index,
            Frame::from_view(reference),
            Frame::from_view(distorted),
        ));
        if self.batch.len() >= self.batch_capacity {
            self.run_batch()?;
        }
        Ok(())
    }

    /// Frames scored completely since the previous call, in order. Call between pushes
    /// to stream results; they stay in the final report too.
    pub fn new_records(&mut self) -> &[FrameRecord] {
        let start = self.delivered;
        self.delivered = self.completed.len();
        &self.completed[start..]
    }

    /// Scores what is still buffered, pools every metric and returns the report.
    pub fn finish(mut self) -> Result<Report> {
        self.run_batch()?;
        let mut late = Vec::new();
        for (extractor, _) in &mut self.temporal {
            let mut values = Vec::new();
            while let Some(v) = extractor.flush()? {
                values.push(v);
            }
            late.push(values);
        }
        self.apply_temporal(late);
        if let Some((&index, _)) = self.pending.iter().next() {
            return Err(Error::InvalidInput(format!(
                "frame {index} never received its temporal features"
            )));
        }
        if self.completed.is_empty() {
            return Err(Error::NoFrames);
        }
        let seconds = self.started.map_or(0.0, |t| t.elapsed().as_secs_f64());
        let fps = if seconds > 0.0 {
            self.pushed as f64 / seconds
        } else {
            0.0
        };
        let backend = self.backend_description();
        Ok(Report::new(
            self.metrics,
            self.completed,
            self.format.width(),
            self.format.height(),
            backend,
            fps,
        ))
    }

    fn scores_spatially(&self, index: u64) -> bool {
        index % self.subsample == 0
    }

    fn take_spatial_set(&self) -> Result<Vec<SpatialExtractor>> {
        let idle = self.idle_spatial_sets.lock().map(|mut s| s.pop());
        match idle.ok().flatten() {
            Some(set) => Ok(set),
            None => self
                .spatial_requests
                .iter()
                .map(|r| match Extractor::new(r, &self.format)? {
                    Extractor::Spatial(x) => Ok(x),
                    Extractor::Temporal(_) => {
                        unreachable!("spatial requests build spatial extractors")
                    }
                })
                .collect(),
        }
    }

    fn return_spatial_set(&self, set: Vec<SpatialExtractor>) {
        if let Ok(mut idle) = self.idle_spatial_sets.lock() {
            idle.push(set);
        }
    }

    fn extract_spatial(
        &self,
        set: &mut [SpatialExtractor],
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
    ) -> Result<Vec<f64>> {
        let mut row = vec![f64::NAN; self.metrics.len()];
        for (extractor, range) in set.iter_mut().zip(&self.spatial_ranges) {
            extractor.extract(reference, distorted, &mut row[range.clone()])?;
        }
        Ok(row)
    }

    /// Scores the buffered frames: spatial features in parallel, temporal ones in order
    /// alongside.
    fn run_batch(&mut self) -> Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        let mut temporal = std::mem::take(&mut self.temporal);
        let this = &*self;
        let mut work = || {
            rayon::join(
                || {
                    batch
                        .par_iter()
                        .map(|(index, r, d)| {
                            if !this.scores_spatially(*index) {
                                return Ok(None);
                            }
                            let mut set = this.take_spatial_set()?;
                            let row = this.extract_spatial(&mut set, &r.view(), &d.view());
                            this.return_spatial_set(set);
                            row.map(Some)
                        })
                        .collect::<Result<Vec<_>>>()
                },
                || {
                    let mut produced: Vec<Vec<_>> =
                        (0..temporal.len()).map(|_| Vec::new()).collect();
                    for (_, r, d) in &batch {
                        let values = push_temporal(&mut temporal, &r.view(), &d.view())?;
                        for (all, v) in produced.iter_mut().zip(values) {
                            all.extend(v);
                        }
                    }
                    Ok::<_, Error>(produced)
                },
            )
        };
        let (spatial, produced) = match &self.workers {
            Some(pool) => pool.install(work),
            None => work(),
        };
        self.temporal = temporal;
        let spatial = spatial?;
        let produced = produced?;
        for ((index, _, _), row) in batch.iter().zip(spatial) {
            self.open_frame(*index, row);
        }
        self.apply_temporal(produced);
        Ok(())
    }

    fn record(
        &mut self,
        index: u64,
        spatial: Option<Vec<f64>>,
        temporal: Vec<Vec<extractor::TemporalValues>>,
    ) {
        self.open_frame(index, spatial);
        self.apply_temporal(temporal);
    }

    fn open_frame(&mut self, index: u64, spatial: Option<Vec<f64>>) {
        let scored = spatial.is_some();
        let values = spatial.unwrap_or_default();
        self.pending.insert(
            index,
            PendingFrame {
                values,
                awaiting_temporal: self.temporal.len(),
                scored,
            },
        );
        self.complete_ready();
    }

    /// Stores temporal values (one list per temporal extractor) and completes frames.
    fn apply_temporal(&mut self, produced: Vec<Vec<extractor::TemporalValues>>) {
        for (slot, values) in produced.into_iter().enumerate() {
            let range = self.temporal[slot].1.clone();
            for v in values {
                if let Some(frame) = self.pending.get_mut(&v.frame) {
                    if frame.scored {
                        frame.values[range.clone()].copy_from_slice(&v.values);
                    }
                    frame.awaiting_temporal -= 1;
                }
            }
        }
        self.complete_ready();
    }

    /// Moves frames whose values are all known, in order, to the completed list.
    fn complete_ready(&mut self) {
        while let Some(entry) = self.pending.first_entry() {
            if entry.get().awaiting_temporal > 0 {
                break;
            }
            let (index, frame) = entry.remove_entry();
            if frame.scored {
                let mut values = frame.values;
                self.predict(&mut values);
                self.completed.push(FrameRecord { index, values });
            }
        }
    }

    fn predict(&self, values: &mut [f64]) {
        for slot in &self.models {
            let inputs: Vec<f64> = slot.inputs.iter().map(|&i| values[i]).collect();
            let out = &mut values[slot.outputs.clone()];
            match slot.model.predict(&inputs) {
                Ok(prediction) => {
                    out[0] = prediction.score;
                    if let Some(b) = prediction.bootstrap {
                        let n = b.models.len();
                        out[1..=n].copy_from_slice(&b.models);
                        out[n + 1..].copy_from_slice(&[
                            b.bagging,
                            b.stddev,
                            b.ci_p95_lo,
                            b.ci_p95_hi,
                        ]);
                    }
                }
                // Inputs always match the model's length; a NaN feature yields NaN.
                Err(_) => out.fill(f64::NAN),
            }
        }
    }
}

fn push_temporal(
    temporal: &mut [(TemporalExtractor, Range<usize>)],
    reference: &FrameView<'_>,
    distorted: &FrameView<'_>,
) -> Result<Vec<Vec<extractor::TemporalValues>>> {
    temporal
        .iter_mut()
        .map(|(x, _)| x.push(reference, distorted))
        .collect()
}

/// The extractors a run needs: each model's, then the extra features, without repeats.
fn gather_requests(builder: &ScorerBuilder) -> Result<Vec<FeatureRequest>> {
    let mut requests: Vec<FeatureRequest> = Vec::new();
    let mut add = |request: FeatureRequest| {
        let request = request.normalized();
        if !requests.contains(&request) {
            requests.push(request);
        }
    };
    for (_, model) in &builder.models {
        for feature in model.features() {
            let kind = crate::feature::registry::ExtractorKind::providing(&feature.name)
                .ok_or_else(|| unknown_model_feature(model.name(), &feature.name))?;
            add(model_request(kind, feature));
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
fn model_request(
    kind: crate::feature::registry::ExtractorKind,
    feature: &crate::model::ModelFeature,
) -> FeatureRequest {
    FeatureRequest {
        kind,
        options: feature.options.clone(),
        text_options: feature.text_options.clone(),
    }
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
