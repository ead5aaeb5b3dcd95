//! The scoring pipeline: frames in, per-frame records and a pooled report out.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;

use crate::backend::{self, BackendChoice, BackendKind};
use crate::error::{Error, Result};
use crate::feature::descriptor::{
    Extractor, FrameMetric, SequenceMetric, TemporalContext, TemporalValues,
};
use crate::feature::request::FeatureRequest;
use crate::frame::{Frame, FrameFormat, FrameView};
use crate::report::{FrameRecord, Report, RunTotals};

mod builder;
mod column_order;
pub(crate) mod devices;
mod layout;
mod totals;

pub use builder::{ScorerBuilder, DEFAULT_MODEL_NAME, MAX_THREADS};
pub use column_order::ReportOrder;
use devices::Devices;
use layout::{Layout, ModelSlot};
pub(crate) use totals::aggregates_of;

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
    /// Output names in report order.
    metrics: Vec<String>,
    /// For each report column, its column in a frame's value row.
    report_order: Vec<usize>,
    spatial_ranges: Vec<Range<usize>>,
    spatial_requests: Vec<FeatureRequest>,
    idle_spatial_sets: Mutex<Vec<Vec<Box<dyn FrameMetric>>>>,
    /// Spatial extractors (by position in a set) that keep whole-run totals, and so see
    /// every frame, also those subsampling leaves unscored.
    totalling: Vec<usize>,
    temporal: Vec<(Box<dyn SequenceMetric>, Range<usize>)>,
    /// What the temporal extractors need around a frame.
    context: TemporalContext,
    /// Frame number, in the whole video, of the first frame pushed.
    first_index: u64,
    /// Frames that are scored and reported; the others only feed temporal extractors.
    reported: Range<u64>,
    models: Vec<ModelSlot>,
    workers: Option<rayon::ThreadPool>,
    threads: usize,
    backend: BackendChoice,
    devices: Devices,
    batch: Vec<(u64, Frame, Frame)>,
    batch_capacity: usize,
    subsample: u64,
    pushed: u64,
    pending: BTreeMap<u64, PendingFrame>,
    completed: Vec<FrameRecord>,
    delivered: usize,
    spare: Vec<Frame>,
    started: Option<Instant>,
}

impl Scorer {
    fn new(builder: ScorerBuilder, format: FrameFormat) -> Result<Self> {
        Self::on_devices(builder, format, None)
    }

    /// As [`Scorer::new`], on devices opened by the caller instead of the backend the
    /// builder or environment names (tests run the compute backends' host emulator so).
    pub(crate) fn on_devices(
        builder: ScorerBuilder,
        format: FrameFormat,
        opened: Option<(BackendChoice, Devices)>,
    ) -> Result<Self> {
        if builder.subsample == 0 {
            return Err(Error::InvalidOption("subsample must be at least 1".into()));
        }
        if builder.threads > MAX_THREADS {
            return Err(Error::InvalidOption(format!(
                "{} threads asked for, more than {MAX_THREADS}",
                builder.threads
            )));
        }
        for (name, _) in &builder.models {
            crate::model::check_name(name)?;
        }
        let threads = match builder.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        let (backend, devices) = match opened {
            Some(opened) => opened,
            None => {
                let requested = match builder.backend {
                    Some(kind) => kind,
                    None => BackendKind::from_env()?,
                };
                let backend = backend::resolve(requested)?;
                match Devices::open(&backend) {
                    Ok(devices) => (backend, devices),
                    // `auto` means a GPU that works, else the CPU; only a named backend
                    // that fails (to open, or its self-check) is an error.
                    Err(_) if requested == BackendKind::Auto => {
                        let cpu = backend::resolve(BackendKind::Cpu)?;
                        (cpu, Devices::Cpu)
                    }
                    Err(error) => return Err(error),
                }
            }
        };
        let layout = Layout::new(&builder, &format, &devices)?;
        let (spatial_requests, spatial_ranges) = layout.spatial.into_iter().unzip();

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
        let totalling = layout
            .first_spatial_set
            .iter()
            .enumerate()
            .filter(|(_, x)| !x.run_totals().is_empty())
            .map(|(i, _)| i)
            .collect();
        let metrics = layout
            .report_order
            .iter()
            .map(|&column| layout.metrics[column].clone())
            .collect();
        Ok(Self {
            format,
            metrics,
            report_order: layout.report_order,
            spatial_ranges,
            spatial_requests,
            idle_spatial_sets: Mutex::new(vec![layout.first_spatial_set]),
            totalling,
            temporal: layout.temporal,
            context: layout.context,
            first_index: 0,
            reported: 0..u64::MAX,
            models: layout.models,
            workers,
            threads,
            backend,
            devices,
            batch: Vec::new(),
            batch_capacity: 2 * threads,
            subsample: builder.subsample,
            pushed: 0,
            pending: BTreeMap::new(),
            completed: Vec::new(),
            delivered: 0,
            spare: Vec::new(),
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

    /// The frames before and after a scored frame that the requested metrics and
    /// models depend on: a segment scored with that much context on each side gives the
    /// values of a whole run (see [`Scorer::score_segment`]).
    pub fn temporal_context(&self) -> TemporalContext {
        self.context
    }

    /// Scores part of a longer video. The next pushed frame is frame `first` of the
    /// whole video (frame numbers in the report, subsampling and temporal state follow
    /// the whole video's numbering); only frames in `range` are scored and reported, the
    /// others are context that only temporal extractors see. Push from at least
    /// [`Scorer::temporal_context`]`.before` frames before `range.start` (or from frame
    /// 0) to `after` frames past its end (or the video's end) for exact values. Call
    /// before the first push.
    pub fn score_segment(&mut self, first: u64, range: Range<u64>) -> Result<()> {
        if self.pushed > 0 {
            return Err(Error::InvalidOption(
                "a segment must be set before the first frame is pushed".into(),
            ));
        }
        if range.start < first || range.is_empty() {
            return Err(Error::InvalidOption(format!(
                "segment {}..{} is empty or starts before frame {first}, the first pushed",
                range.start, range.end
            )));
        }
        self.first_index = first;
        self.reported = range;
        Ok(())
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
        self.check_formats(reference.format(), distorted.format())?;
        if self.workers.is_none() {
            return self.score_now(reference, distorted);
        }
        let (reference, distorted) = (Frame::from_view(reference), Frame::from_view(distorted));
        self.enqueue(reference, distorted)
    }

    /// Scores the next frame pair, taking ownership so that no copy is made. Buffers the
    /// scorer is done with come back through [`Scorer::take_spare_frames`].
    pub fn push_frames(&mut self, reference: Frame, distorted: Frame) -> Result<()> {
        self.check_formats(reference.format(), distorted.format())?;
        if self.workers.is_none() {
            self.score_now(&reference.view(), &distorted.view())?;
            self.recycle(reference);
            self.recycle(distorted);
            return Ok(());
        }
        self.enqueue(reference, distorted)
    }

    /// Frame buffers no longer needed, for a reader to fill again (keeps memory flat
    /// without an allocation per frame).
    pub fn take_spare_frames(&mut self) -> Vec<Frame> {
        std::mem::take(&mut self.spare)
    }

    /// Keeps a finished buffer for reuse, at most two batches' worth.
    fn recycle(&mut self, frame: Frame) {
        if self.spare.len() < 2 * self.batch_capacity.max(2) {
            self.spare.push(frame);
        }
    }

    fn check_formats(&self, reference: &FrameFormat, distorted: &FrameFormat) -> Result<()> {
        for (what, format) in [("reference", reference), ("distorted", distorted)] {
            if *format != self.format {
                return Err(Error::Mismatch(format!(
                    "{what} frame {} is {format:?}, the scorer expects {:?}",
                    self.pushed, self.format
                )));
            }
        }
        Ok(())
    }

    /// Single-threaded path: extract at once, straight from the caller's planes.
    fn score_now(&mut self, reference: &FrameView<'_>, distorted: &FrameView<'_>) -> Result<()> {
        self.started.get_or_insert_with(Instant::now);
        let index = self.first_index + self.pushed;
        self.pushed += 1;
        let spatial = self.spatial_row(index, reference, distorted)?;
        let temporal = push_temporal(&mut self.temporal, reference, distorted)?;
        self.record(index, spatial, temporal);
        Ok(())
    }

    fn enqueue(&mut self, reference: Frame, distorted: Frame) -> Result<()> {
        self.started.get_or_insert_with(Instant::now);
        let index = self.first_index + self.pushed;
        self.pushed += 1;
        self.batch.push((index, reference, distorted));
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
    pub fn finish(self) -> Result<Report> {
        self.finish_with_totals().map(|(report, _)| report)
    }

    /// As [`Scorer::finish`], with the whole-run counters behind the report's
    /// aggregate metrics, by extractor: what a segment's part keeps so that merged
    /// parts get the aggregates of a single run.
    pub fn finish_with_totals(mut self) -> Result<(Report, Vec<RunTotals>)> {
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
        // A segment may hold no frame that subsampling scores; its counters still count.
        if self.completed.is_empty() && self.reported == (0..u64::MAX) {
            return Err(Error::NoFrames);
        }
        let seconds = self.started.map_or(0.0, |t| t.elapsed().as_secs_f64());
        let fps = if seconds > 0.0 {
            self.pushed as f64 / seconds
        } else {
            0.0
        };
        let backend = self.backend_description();
        let totals = self.run_totals();
        let aggregates = self.aggregates();
        let mut report = Report::new(
            self.metrics,
            self.completed,
            self.format.width(),
            self.format.height(),
            backend,
            fps,
        );
        for (name, value) in aggregates {
            report.set_aggregate(name, value)?;
        }
        Ok((report, totals))
    }

    /// A frame's spatial values, or `None` for a frame subsampling skips; extractors
    /// with whole-run totals see that frame all the same, as libvmaf's do.
    fn spatial_row(
        &self,
        index: u64,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
    ) -> Result<Option<Vec<f64>>> {
        // Context frames of a segment belong to a neighbouring segment's totals.
        if !self.reported.contains(&index) {
            return Ok(None);
        }
        let scored = self.scores_spatially(index);
        if !scored && self.totalling.is_empty() {
            return Ok(None);
        }
        let mut set = self.take_spatial_set()?;
        let row = if scored {
            self.extract_spatial(&mut set, reference, distorted)
                .map(Some)
        } else {
            self.extract_totals_only(&mut set, reference, distorted)
                .map(|()| None)
        };
        self.return_spatial_set(set);
        row
    }

    /// Runs only the extractors that keep whole-run totals; their values are dropped.
    fn extract_totals_only(
        &self,
        set: &mut [Box<dyn FrameMetric>],
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
    ) -> Result<()> {
        let mut scratch = vec![f64::NAN; self.metrics.len()];
        for &i in &self.totalling {
            let range = self.spatial_ranges[i].clone();
            set[i].extract(reference, distorted, &mut scratch[range])?;
        }
        Ok(())
    }

    fn scores_spatially(&self, index: u64) -> bool {
        index.is_multiple_of(self.subsample)
    }

    fn take_spatial_set(&self) -> Result<Vec<Box<dyn FrameMetric>>> {
        let idle = self.idle_spatial_sets.lock().map(|mut s| s.pop());
        match idle.ok().flatten() {
            Some(set) => Ok(set),
            None => self
                .spatial_requests
                .iter()
                .map(|r| match r.build(&self.format, &self.devices)? {
                    Extractor::Spatial(x) => Ok(x),
                    Extractor::Temporal(_) => {
                        unreachable!("spatial requests build spatial extractors")
                    }
                })
                .collect(),
        }
    }

    fn return_spatial_set(&self, set: Vec<Box<dyn FrameMetric>>) {
        if let Ok(mut idle) = self.idle_spatial_sets.lock() {
            idle.push(set);
        }
    }

    fn extract_spatial(
        &self,
        set: &mut [Box<dyn FrameMetric>],
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
                        .map(|(index, r, d)| this.spatial_row(*index, &r.view(), &d.view()))
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
        for ((index, reference, distorted), row) in batch.into_iter().zip(spatial) {
            self.open_frame(index, row);
            self.recycle(reference);
            self.recycle(distorted);
        }
        self.apply_temporal(produced);
        Ok(())
    }

    fn record(
        &mut self,
        index: u64,
        spatial: Option<Vec<f64>>,
        temporal: Vec<Vec<TemporalValues>>,
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
    fn apply_temporal(&mut self, produced: Vec<Vec<TemporalValues>>) {
        for (slot, values) in produced.into_iter().enumerate() {
            let range = self.temporal[slot].1.clone();
            for v in values {
                if let Some(frame) = self.pending.get_mut(&(self.first_index + v.frame)) {
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
                for model in &self.models {
                    model.predict(&mut values);
                }
                let values = self.report_order.iter().map(|&c| values[c]).collect();
                self.completed.push(FrameRecord { index, values });
            }
        }
    }
}

fn push_temporal(
    temporal: &mut [(Box<dyn SequenceMetric>, Range<usize>)],
    reference: &FrameView<'_>,
    distorted: &FrameView<'_>,
) -> Result<Vec<Vec<TemporalValues>>> {
    temporal
        .iter_mut()
        .map(|(x, _)| x.push(reference, distorted))
        .collect()
}

#[cfg(test)]
mod aggregate_tests;

#[cfg(test)]
mod segment_tests;
