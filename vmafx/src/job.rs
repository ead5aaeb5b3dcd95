//! Scoring a reference/distorted pair of files from start to end.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use crate::error::{Error, Result};
use crate::frame::Frame;
use crate::io::decode::{DecodeOptions, ScaleTarget, Scaling};
use crate::io::{self, FrameReader, InputKind, OpenedInput};
use crate::report::Report;
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
        mut keep_going: impl FnMut(u64) -> bool,
    ) -> Result<JobOutcome> {
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
        // A reader thread decodes the next frames while the scorer works on these; the
        // bounded channel and recycled buffers keep memory flat.
        let (frames_tx, frames_rx) = mpsc::sync_channel::<ReadEvent>(2);
        let (spare_tx, spare_rx) = mpsc::channel::<Frame>();
        let mut length_mismatch = None;
        let mut count = 0u64;
        std::thread::scope(|scope| -> Result<()> {
            scope.spawn(move || self.read_pairs(reference, distorted, format, frames_tx, spare_rx));
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
        Ok(JobOutcome {
            report: scorer.finish()?,
            length_mismatch,
        })
    }
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
    /// the frame limit is reached or the receiver goes away.
    fn read_pairs(
        &self,
        mut reference: Box<dyn FrameReader>,
        mut distorted: Box<dyn FrameReader>,
        format: crate::frame::FrameFormat,
        frames: mpsc::SyncSender<ReadEvent>,
        spares: mpsc::Receiver<Frame>,
    ) {
        let event = match self.read_all(
            reference.as_mut(),
            distorted.as_mut(),
            format,
            &frames,
            &spares,
        ) {
            Ok(Some(end)) => end,
            Ok(None) => return,
            Err(error) => ReadEvent::Failed(error),
        };
        let _ = frames.send(event);
    }

    /// Returns the closing event, or `None` when the scorer stopped listening.
    fn read_all(
        &self,
        reference: &mut dyn FrameReader,
        distorted: &mut dyn FrameReader,
        format: crate::frame::FrameFormat,
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
        let mut count = 0u64;
        while self.max_frames.is_none_or(|max| count < max) {
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

fn skip(reader: &mut dyn FrameReader, frame: &mut Frame, count: u64, path: &Path) -> Result<()> {
    for n in 0..count {
        if !read_labelled(reader, frame, path)? {
            return Err(Error::InvalidInput(format!(
                "{} has only {n} frames, cannot skip {count}",
                path.display()
            )));
        }
    }
    Ok(())
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
