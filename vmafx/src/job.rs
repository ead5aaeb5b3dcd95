//! Scoring a reference/distorted pair of files from start to end.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

use crate::error::{Error, Result};
use crate::feature::descriptor::TemporalContext;
use crate::frame::Frame;
use crate::io::decode::{DecodeOptions, ScaleTarget, Scaling};
use crate::io::{self, FrameReader, InputKind, OpenedInput};
use crate::report::{InputIdentity, Part, PartFrame, Report, RunTotals, VideoIdentity};
use crate::scorer::ScorerBuilder;

/// A pair of inputs and which of their frames to score.
#[derive(Debug, Clone)]
pub struct ScoreJob {
    /// The reference (original) video.
    pub reference: PathBuf,
    /// The distorted (encoded) video.
    pub distorted: PathBuf,
    /// How to read both inputs.
    pub input: InputKind,
    /// Frames to drop from the start of the reference.
    pub skip_reference: u64,
    /// Frames to drop from the start of the distorted video.
    pub skip_distorted: u64,
    /// Score at most this many frames.
    pub max_frames: Option<u64>,
    /// Score only frames `start..end` of the video (numbered after the skipped frames,
    /// the end clipped to the video's length), for a segment of a run split across
    /// machines. The frames around the range that temporal metrics need are read too,
    /// so each frame gets exactly the values a whole run gives it. `None`: every frame.
    pub frames: Option<Range<u64>>,
    /// Whether inputs of different lengths are an error (else the common frames are
    /// scored and the outcome says which input was longer, as libvmaf's CLI does).
    pub require_equal_length: bool,
    /// How inputs that are not raw YUV are decoded, deinterlaced and scaled.
    pub decode: DecodeOptions,
}

/// Both inputs of a job, opened (and their decoders started).
pub struct OpenedPair {
    /// The reference.
    pub reference: OpenedInput,
    /// The distorted video.
    pub distorted: OpenedInput,
}

/// What a finished job produced.
#[derive(Debug, Clone)]
pub struct JobOutcome {
    /// The report.
    pub report: Report,
    /// Set when one input ended before the other: which one was longer.
    pub length_mismatch: Option<String>,
}

impl ScoreJob {
    /// A job over two files of the given kind, every frame, equal lengths required.
    pub fn new(
        reference: impl Into<PathBuf>,
        distorted: impl Into<PathBuf>,
        input: InputKind,
    ) -> Self {
        Self {
            reference: reference.into(),
            distorted: distorted.into(),
            input,
            skip_reference: 0,
            skip_distorted: 0,
            max_frames: None,
            frames: None,
            require_equal_length: true,
            decode: DecodeOptions::default(),
        }
    }

    /// Opens both inputs as the job reads them: decoded, deinterlaced and scaled as
    /// [`ScoreJob::decode`] asks. The distorted video is scaled to the reference's size
    /// with [`Scaling::DistortedToReference`], so the reference is opened first.
    pub fn open_inputs(&self) -> Result<OpenedPair> {
        let both = match self.decode.scaling {
            Scaling::Both {
                width,
                height,
                algorithm,
            } => Some(ScaleTarget {
                width,
                height,
                algorithm,
            }),
            _ => None,
        };
        let reference = self.open_one(&self.reference, both, "reference")?;
        let distorted_target = match self.decode.scaling {
            Scaling::DistortedToReference(algorithm) => {
                let format = reference.reader.format();
                Some(ScaleTarget {
                    width: format.width(),
                    height: format.height(),
                    algorithm,
                })
            }
            _ => both,
        };
        let distorted = self.open_one(&self.distorted, distorted_target, "distorted")?;
        Ok(OpenedPair {
            reference,
            distorted,
        })
    }

    fn open_one(&self, path: &Path, scale: Option<ScaleTarget>, what: &str) -> Result<OpenedInput> {
        let name = format!("{what} {}", path.display());
        io::open_input(path, self.input, &self.decode, scale, &name)
            .map_err(|e| label(e, what, path))
    }

    /// Runs the job; `progress` is called with the number of frames read so far.
    pub fn run(&self, scorer: ScorerBuilder, mut progress: impl FnMut(u64)) -> Result<JobOutcome> {
        self.run_until(scorer, |n| {
            progress(n);
            true
        })
    }

    /// Runs the job while `keep_going` (called after each frame with the count so far)
    /// returns `true`; stopping yields [`Error::Cancelled`].
    pub fn run_until(
        &self,
        scorer: ScorerBuilder,
        keep_going: impl FnMut(u64) -> bool,
    ) -> Result<JobOutcome> {
        let inputs = self.open_inputs()?;
        self.run_opened(inputs, scorer, keep_going)
    }

    /// [`ScoreJob::run_until`] on inputs already opened by [`ScoreJob::open_inputs`].
    pub fn run_opened(
        &self,
        inputs: OpenedPair,
        scorer: ScorerBuilder,
        keep_going: impl FnMut(u64) -> bool,
    ) -> Result<JobOutcome> {
        let run = self.execute(inputs, scorer, keep_going)?;
        Ok(JobOutcome {
            report: run.report,
            length_mismatch: run.length_mismatch,
        })
    }

    /// Scores the segment [`ScoreJob::frames`] names (every frame without one) and
    /// returns it as a [`Part`] for [`crate::report::merge`]. `progress` is called with
    /// the number of frames read so far, context frames included.
    pub fn run_part(&self, scorer: ScorerBuilder, mut progress: impl FnMut(u64)) -> Result<Part> {
        let settings = scorer.settings();
        let started = Instant::now();
        let inputs = self.open_inputs()?;
        let run = self.execute(inputs, scorer, |n| {
            progress(n);
            true
        })?;
        let seconds = started.elapsed().as_secs_f64();
        let format = run.format;
        let kind = match self.input {
            InputKind::Y4m => "y4m".to_string(),
            InputKind::Raw(raw) => format!("raw {}", describe(&raw)),
            InputKind::Auto => "auto".to_string(),
        };
        // Decoding choices change the frames scored, so parts made with different ones
        // must not merge.
        let input = format!(
            "{kind}; deinterlace {}; scaling {:?}",
            self.decode.deinterlace, self.decode.scaling
        );
        Ok(Part {
            format: crate::report::PART_FORMAT.to_string(),
            format_version: crate::report::PART_FORMAT_VERSION,
            vmafx_version: crate::VERSION.to_string(),
            identity: VideoIdentity {
                reference: identify(&self.reference),
                distorted: identify(&self.distorted),
                input,
                width: format.width(),
                height: format.height(),
                chroma: format.chroma().name().to_string(),
                bit_depth: format.bit_depth(),
                skip_reference: self.skip_reference,
                skip_distorted: self.skip_distorted,
                settings,
            },
            metrics: run.report.metrics,
            start: run.scored.start,
            end: run.scored.end,
            video_ends: run.video_ends,
            backend: run.report.backend,
            seconds,
            frames: run
                .report
                .frames
                .into_iter()
                .map(|f| PartFrame {
                    index: f.index,
                    values: f.values,
                })
                .collect(),
            run_totals: run.totals,
        })
    }

    /// Reads, scores and pools; for a segment, reads its context frames too.
    fn execute(
        &self,
        inputs: OpenedPair,
        scorer: ScorerBuilder,
        mut keep_going: impl FnMut(u64) -> bool,
    ) -> Result<Executed> {
        let (reference, distorted) = (inputs.reference.reader, inputs.distorted.reader);
        let format = *reference.format();
        if *distorted.format() != format {
            return Err(Error::Mismatch(format!(
                "reference is {}, distorted is {}",
                describe(&format),
                describe(distorted.format())
            )));
        }
        let mut scorer = scorer.build(format)?;
        let window = self.window(scorer.temporal_context())?;
        if let Some(range) = &self.frames {
            scorer.score_segment(window.first, range.clone())?;
        }
        // A reader thread decodes the next frames while the scorer works on these; the
        // bounded channel and recycled buffers keep memory flat.
        let (frames_tx, frames_rx) = mpsc::sync_channel::<ReadEvent>(2);
        let (spare_tx, spare_rx) = mpsc::channel::<Frame>();
        let mut length_mismatch = None;
        let mut count = 0u64;
        std::thread::scope(|scope| -> Result<()> {
            let inputs = (reference, distorted);
            scope.spawn(move || self.read_pairs(inputs, format, window, frames_tx, spare_rx));
            // Dropping `frames_rx` on any early return stops the reader.
            let frames_rx = frames_rx;
            loop {
                let event = frames_rx.recv().unwrap_or(ReadEvent::End(None));
                match event {
                    ReadEvent::Pair(reference, distorted) => {
                        scorer.push_frames(reference, distorted)?;
                        for frame in scorer.take_spare_frames() {
                            let _ = spare_tx.send(frame);
                        }
                        count += 1;
                        if !keep_going(count) {
                            return Err(Error::Cancelled(count));
                        }
                    }
                    ReadEvent::End(mismatch) => {
                        length_mismatch = mismatch;
                        return Ok(());
                    }
                    ReadEvent::Failed(error) => return Err(error),
                }
            }
        })?;
        if let Some(message) = &length_mismatch {
            if self.require_equal_length {
                return Err(Error::Mismatch(message.clone()));
            }
        }
        // Reading stops short of the window's limit only at the video's end; reaching
        // `max_frames` is the end too, by definition.
        let read_to = window.first + count;
        let length =
            (read_to < window.limit || self.max_frames == Some(read_to)).then_some(read_to);
        let requested = self.frames.clone().unwrap_or(0..u64::MAX);
        let video_ends = length.is_some_and(|n| n <= requested.end);
        let scored = requested.start..requested.end.min(read_to);
        if self.frames.is_some() && scored.is_empty() {
            return Err(Error::InvalidInput(format!(
                "frames {}..{} are past the end of the video",
                requested.start, requested.end
            )));
        }
        let (report, totals) = scorer.finish_with_totals()?;
        Ok(Executed {
            report,
            totals,
            length_mismatch,
            format,
            scored,
            video_ends,
        })
    }

    /// Which frames to read: the segment and its context, within `max_frames`.
    fn window(&self, context: TemporalContext) -> Result<ReadWindow> {
        let cap = self.max_frames.unwrap_or(u64::MAX);
        let Some(range) = &self.frames else {
            return Ok(ReadWindow {
                first: 0,
                limit: cap,
            });
        };
        if range.is_empty() {
            return Err(Error::InvalidOption(format!(
                "frames {}..{} is an empty range",
                range.start, range.end
            )));
        }
        // One frame past the segment is read even without temporal metrics: finding it
        // or not tells whether the video ends with this segment.
        let after = context.after.max(1);
        Ok(ReadWindow {
            first: range.start.saturating_sub(context.before),
            limit: range.end.saturating_add(after).min(cap),
        })
    }
}

/// The frames a job reads, numbered in the video after the skipped frames.
#[derive(Debug, Clone, Copy)]
struct ReadWindow {
    /// The first frame read.
    first: u64,
    /// Reading stops before this frame.
    limit: u64,
}

/// What [`ScoreJob::execute`] produced.
struct Executed {
    report: Report,
    totals: Vec<RunTotals>,
    length_mismatch: Option<String>,
    format: crate::frame::FrameFormat,
    /// The frames reported: the requested range, clipped to the video's end.
    scored: Range<u64>,
    /// Whether the video ends at `scored.end`.
    video_ends: bool,
}

/// What the reader thread hands to the scorer.
enum ReadEvent {
    /// The next reference/distorted pair.
    Pair(Frame, Frame),
    /// Both inputs ended; the text says which one was longer when they differ.
    End(Option<String>),
    /// Reading failed.
    Failed(Error),
}

impl ScoreJob {
    /// Runs on the reader thread: skips, then sends frame pairs until an input ends,
    /// the window's end is reached or the receiver goes away.
    fn read_pairs(
        &self,
        (mut reference, mut distorted): (Box<dyn FrameReader>, Box<dyn FrameReader>),
        format: crate::frame::FrameFormat,
        window: ReadWindow,
        frames: mpsc::SyncSender<ReadEvent>,
        spares: mpsc::Receiver<Frame>,
    ) {
        let (reference, distorted) = (reference.as_mut(), distorted.as_mut());
        let event = match self.read_all([reference, distorted], format, window, &frames, &spares) {
            Ok(Some(end)) => end,
            Ok(None) => return,
            Err(error) => ReadEvent::Failed(error),
        };
        let _ = frames.send(event);
    }

    /// Returns the closing event, or `None` when the scorer stopped listening.
    fn read_all(
        &self,
        [reference, distorted]: [&mut dyn FrameReader; 2],
        format: crate::frame::FrameFormat,
        window: ReadWindow,
        frames: &mpsc::SyncSender<ReadEvent>,
        spares: &mpsc::Receiver<Frame>,
    ) -> Result<Option<ReadEvent>> {
        let fresh = || spares.try_recv().unwrap_or_else(|_| Frame::zeroed(format));
        let mut scratch = fresh();
        skip(
            reference,
            &mut scratch,
            self.skip_reference,
            &self.reference,
        )?;
        skip(
            distorted,
            &mut scratch,
            self.skip_distorted,
            &self.distorted,
        )?;
        // Frames before a segment's context: jumped over where the reader can seek. A
        // video shorter than that reads as ended at once.
        let ref_before = pass(reference, &mut scratch, window.first, &self.reference)?;
        let dist_before = pass(distorted, &mut scratch, window.first, &self.distorted)?;
        if ref_before < window.first || dist_before < window.first {
            return Ok(Some(ReadEvent::End(None)));
        }
        let mut count = window.first;
        while count < window.limit {
            let (mut ref_frame, mut dist_frame) = (fresh(), fresh());
            let got_ref = read_labelled(reference, &mut ref_frame, &self.reference)?;
            let got_dist = read_labelled(distorted, &mut dist_frame, &self.distorted)?;
            match (got_ref, got_dist) {
                (true, true) => {}
                (false, false) => break,
                (ref_more, _) => {
                    let (longer, shorter) = if ref_more {
                        (&self.reference, &self.distorted)
                    } else {
                        (&self.distorted, &self.reference)
                    };
                    let message = format!(
                        "{} ended after {count} frames, before {}",
                        shorter.display(),
                        longer.display()
                    );
                    return Ok(Some(ReadEvent::End(Some(message))));
                }
            }
            if frames.send(ReadEvent::Pair(ref_frame, dist_frame)).is_err() {
                return Ok(None);
            }
            count += 1;
        }
        Ok(Some(ReadEvent::End(None)))
    }
}

fn read_labelled(reader: &mut dyn FrameReader, frame: &mut Frame, path: &Path) -> Result<bool> {
    reader.read_into(frame).map_err(|e| label(e, "input", path))
}

/// Drops the first `count` frames (`--frame_skip_*`), seeking where the reader can.
fn skip(reader: &mut dyn FrameReader, frame: &mut Frame, count: u64, path: &Path) -> Result<()> {
    let passed = pass(reader, frame, count, path)?;
    if passed < count {
        return Err(Error::InvalidInput(format!(
            "{} has only {passed} frames, cannot skip {count}",
            path.display()
        )));
    }
    Ok(())
}

/// Moves past up to `count` frames; returns how many there were.
fn pass(reader: &mut dyn FrameReader, frame: &mut Frame, count: u64, path: &Path) -> Result<u64> {
    reader
        .skip_frames(count, frame)
        .map_err(|e| label(e, "input", path))
}

/// The input as a part records it: the path given and the file's size.
fn identify(path: &Path) -> InputIdentity {
    InputIdentity {
        path: path.display().to_string(),
        bytes: std::fs::metadata(path)
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len()),
    }
}

/// Prefixes an error with the file it came from, keeping its variant where it has no text.
fn label(error: Error, what: &str, path: &Path) -> Error {
    let shown = path.display().to_string();
    match error {
        // Messages that name the input already stay as they are.
        Error::Y4m(m) | Error::InvalidInput(m) if m.contains(&shown) => Error::InvalidInput(m),
        Error::Io { context, source } => Error::Io {
            context: format!("{what} {}: {context}", path.display()),
            source,
        },
        Error::Y4m(m) => Error::Y4m(format!("{what} {}: {m}", path.display())),
        Error::InvalidInput(m) => Error::InvalidInput(format!("{what} {}: {m}", path.display())),
        Error::Truncated {
            frame,
            got,
            expected,
        } => Error::InvalidInput(format!(
            "{what} {} is truncated: frame {frame} has {got} of {expected} bytes",
            path.display()
        )),
        other => other,
    }
}

fn describe(format: &crate::frame::FrameFormat) -> String {
    format!(
        "{}x{} {} {}-bit",
        format.width(),
        format.height(),
        format.chroma().name(),
        format.bit_depth()
    )
}
