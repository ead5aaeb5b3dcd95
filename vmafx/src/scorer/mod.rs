//! The scoring pipeline: frames in, per-frame records and a pooled report out.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;
use std::time::Instant;

use crate::backend::{self, BackendChoice, BackendKind};
use crate::error::{Error, Result};
use crate::feature::descriptor::{SequenceMetric, TemporalContext, TemporalValues};
use crate::frame::{Frame, FrameFormat, FrameView};
use crate::report::{FrameRecord, Report, RunTotals};

mod builder;
mod column_order;
mod copies;
pub(crate) mod devices;
mod layout;
mod pipeline;
mod totals;

pub use builder::{ScorerBuilder, DEFAULT_MODEL_NAME, MAX_THREADS};
pub use column_order::ReportOrder;
use copies::SpatialCopies;
use devices::Devices;
use layout::{Layout, ModelSlot};
use pipeline::{Pipeline, TaskDone};
pub(crate) use totals::aggregates_of;

/// A frame whose values are not all known yet.
struct PendingFrame {
    values: Vec<f64>,
    awaiting_spatial: usize,
    awaiting_temporal: usize,
    scored: bool,
}

/// Which spatial extractors a frame needs.
enum SpatialWork {
    /// None: the frame is outside the reported range, or subsampling skips it and no
    /// extractor keeps whole-run totals.
    Nothing,
    /// Every one: the frame is scored.
    Scored,
    /// Only those that keep whole-run totals; their values are dropped.
    TotalsOnly,
}

/// Scores frame pairs pushed in order and keeps what the report needs.
///
/// Memory stays flat: at most a few frames are in flight, plus one row of values per
/// scored frame.
pub struct Scorer {
    format: FrameFormat,
    /// Output names in report order.
    metrics: Vec<String>,
    /// For each report column, its column in a frame's value row.
    report_order: Vec<usize>,
    copies: Arc<SpatialCopies>,
    /// Spatial extractors (by position) that keep whole-run totals, and so see every
    /// frame, also those subsampling leaves unscored.
    totalling: Vec<usize>,
    temporal: Vec<(Box<dyn SequenceMetric>, Range<usize>)>,
    /// What the temporal extractors need around a frame.
    context: TemporalContext,
    /// Frame number, in the whole video, of the first frame pushed.
    first_index: u64,
    /// Frames that are scored and reported; the others only feed temporal extractors.
    reported: Range<u64>,
    models: Vec<ModelSlot>,
    /// Worker threads for spatial extraction; `None` with one thread, which extracts
    /// on the caller's thread.
    pipeline: Option<Pipeline>,
    threads: usize,
    backend: BackendChoice,
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
        // Each frame is at least one task per spatial extractor, so a frame per worker
        // and two more in flight leave queued work for every worker while the caller
        // reads the next frame, with memory bounded by the thread count.
        let pipeline = match threads {
            1 => None,
            n => Some(Pipeline::new(n, n + 2)?),
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
            copies: Arc::new(SpatialCopies::new(
                format,
                devices,
                layout.spatial,
                layout.first_spatial_set,
            )),
            totalling,
            temporal: layout.temporal,
            context: layout.context,
            first_index: 0,
            reported: 0..u64::MAX,
            models: layout.models,
            pipeline,
            threads,
            backend,
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
        if self.pipeline.is_none() {
            return self.score_now(reference, distorted);
        }
        // The workers outlive the caller's borrow, so they get copies, in recycled
        // buffers where there are some.
        let reference = self.copy_of(reference);
        let distorted = self.copy_of(distorted);
        self.enqueue(reference, distorted)
    }

    /// Scores the next frame pair, taking ownership so that no copy is made. Buffers the
    /// scorer is done with come back through [`Scorer::take_spare_frames`].
    pub fn push_frames(&mut self, reference: Frame, distorted: Frame) -> Result<()> {
        self.check_formats(reference.format(), distorted.format())?;
        if self.pipeline.is_none() {
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

    /// An owned copy of a view, in a recycled buffer when one is spare.
    fn copy_of(&mut self, view: &FrameView<'_>) -> Frame {
        match self.spare.pop() {
            Some(mut frame) => {
                frame.copy_from_view(view);
                frame
            }
            None => Frame::from_view(view),
        }
    }

    /// Keeps a finished buffer for reuse, at most as many as can be in flight.
    fn recycle(&mut self, frame: Frame) {
        let in_flight = self.pipeline.as_ref().map_or(1, Pipeline::limit);
        if self.spare.len() < 2 * in_flight.max(2) {
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
        let mut row = self.open_frame(index, 0);
        for slot in self.spatial_slots(index) {
            let columns = self.copies.columns(slot);
            let mut scratch = vec![f64::NAN; columns.len()];
            let out = match row.as_mut() {
                Some(row) => &mut row[columns],
                None => &mut scratch[..],
            };
            self.copies.extract(slot, reference, distorted, out)?;
        }
        if let (Some(row), Some(frame)) = (row, self.pending.get_mut(&index)) {
            frame.values = row;
        }
        let temporal = push_temporal(&mut self.temporal, reference, distorted)?;
        self.apply_temporal(temporal);
        Ok(())
    }

    /// Threaded path: the frame's spatial extractors go to the workers at once, its
    /// temporal ones run here, in frame order, meanwhile.
    fn enqueue(&mut self, reference: Frame, distorted: Frame) -> Result<()> {
        self.started.get_or_insert_with(Instant::now);
        let index = self.first_index + self.pushed;
        self.pushed += 1;
        let slots = self.spatial_slots(index);
        let row = self.open_frame(index, slots.len());
        if let (Some(row), Some(frame)) = (row, self.pending.get_mut(&index)) {
            frame.values = row;
        }
        let pair = Arc::new((reference, distorted));
        if let Some(pipeline) = self.pipeline.as_mut() {
            if !slots.is_empty() {
                let slots = self.copies.longest_first(slots);
                pipeline.submit(&self.copies, index, &pair, slots);
            }
        }
        let temporal = push_temporal(&mut self.temporal, &pair.0.view(), &pair.1.view())?;
        self.apply_temporal(temporal);
        if let Ok((reference, distorted)) = Arc::try_unwrap(pair) {
            self.recycle(reference);
            self.recycle(distorted);
        }
        self.collect_spatial(false)?;
        while self
            .pipeline
            .as_ref()
            .is_some_and(|p| p.is_full() && p.is_busy())
        {
            self.collect_spatial(true)?;
        }
        Ok(())
    }

    /// Puts finished spatial values in place and takes back the frames no task reads
    /// any more. With `wait`, waits for at least one task (when any is out).
    fn collect_spatial(&mut self, mut wait: bool) -> Result<()> {
        let Some(pipeline) = self.pipeline.as_mut() else {
            return Ok(());
        };
        let mut finished = Vec::new();
        while let Some(done) = pipeline.next_done(wait) {
            finished.push(done);
            wait = false;
        }
        let released = pipeline.released();
        for frame in released {
            self.recycle(frame);
        }
        for done in finished {
            self.apply_spatial(done)?;
        }
        self.complete_ready();
        Ok(())
    }

    fn apply_spatial(&mut self, done: TaskDone) -> Result<()> {
        done.result?;
        let columns = self.copies.columns(done.slot);
        if let Some(frame) = self.pending.get_mut(&done.index) {
            if frame.scored {
                frame.values[columns].copy_from_slice(&done.values);
            }
            frame.awaiting_spatial -= 1;
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
        while self.pipeline.as_ref().is_some_and(Pipeline::is_busy) {
            self.collect_spatial(true)?;
        }
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

    /// What frame `index` needs of the spatial extractors: every one for a scored
    /// frame; for a frame subsampling skips, those with whole-run totals, which see it
    /// all the same, as libvmaf's do.
    fn spatial_work(&self, index: u64) -> SpatialWork {
        // Context frames of a segment belong to a neighbouring segment's totals.
        if !self.reported.contains(&index) {
            SpatialWork::Nothing
        } else if index.is_multiple_of(self.subsample) {
            SpatialWork::Scored
        } else if self.totalling.is_empty() {
            SpatialWork::Nothing
        } else {
            SpatialWork::TotalsOnly
        }
    }

    /// The spatial extractors (by position) frame `index` goes through.
    fn spatial_slots(&self, index: u64) -> Vec<usize> {
        match self.spatial_work(index) {
            SpatialWork::Nothing => Vec::new(),
            SpatialWork::Scored => (0..self.copies.len()).collect(),
            SpatialWork::TotalsOnly => self.totalling.clone(),
        }
    }

    /// Starts frame `index`'s bookkeeping, waiting for `spatial_tasks` spatial results
    /// and every temporal extractor. Returns the frame's value row to fill when it is
    /// scored (the caller stores it back).
    fn open_frame(&mut self, index: u64, spatial_tasks: usize) -> Option<Vec<f64>> {
        let scored = matches!(self.spatial_work(index), SpatialWork::Scored);
        self.pending.insert(
            index,
            PendingFrame {
                values: Vec::new(),
                awaiting_spatial: spatial_tasks,
                awaiting_temporal: self.temporal.len(),
                scored,
            },
        );
        scored.then(|| vec![f64::NAN; self.metrics.len()])
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
            if entry.get().awaiting_temporal > 0 || entry.get().awaiting_spatial > 0 {
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

#[cfg(test)]
mod thread_tests;
