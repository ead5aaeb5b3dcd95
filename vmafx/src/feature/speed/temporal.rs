//! `speed_temporal`: SpEED between the frame-to-frame changes of the reference and of
//! the distorted luma, as libvmaf's `speed_temporal` extractor.
//!
//! Frame 0 scores 0. Frame `n` compares `reference[n - 1] - reference[n]` with
//! `distorted[n - 1] - distorted[n]` (with `speed_use_ref_diff`,
//! `distorted[n - 1] - reference[n]`). Each score is final when its frame is pushed.

use super::engine::SpeedEngine;
use super::options::SpeedTemporalOptions;
use crate::error::{Error, Result};
use crate::feature::float_common::picture::{check_bit_depth, check_plane_size, plane_to_float};
use crate::frame::{FrameFormat, FrameView};

const FEATURE: &str = "speed_temporal";

/// The `speed_temporal` score of one frame.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct SpeedTemporalScores {
    /// `speed_temporal`. Not clipped: libvmaf ignores `speed_max_val` here.
    pub temporal: f64,
}

impl SpeedTemporalScores {
    /// libvmaf's name of the score with default options.
    pub const NAMES: [&'static str; 1] = ["speed_temporal"];

    /// The score with its libvmaf name (default options).
    pub fn named(&self) -> [(&'static str, f64); 1] {
        [(Self::NAMES[0], self.temporal)]
    }
}

/// The float luma of one frame pair.
#[derive(Debug, Default)]
struct LumaPair {
    reference: Vec<f32>,
    distorted: Vec<f32>,
}

/// Scores `speed_temporal` frame by frame, keeping the previous frame pair.
#[derive(Debug)]
pub struct SpeedTemporalExtractor {
    options: SpeedTemporalOptions,
    format: FrameFormat,
    engine: SpeedEngine,
    previous: LumaPair,
    current: LumaPair,
    frames: u64,
}

impl SpeedTemporalExtractor {
    /// Sets up for frames of `format` (any chroma layout: only luma is read). Fails for
    /// invalid options, bit depths other than 8, 10, 12 and 16, and luma planes that
    /// decimate to less than one 5x5 block.
    pub fn new(format: &FrameFormat, options: SpeedTemporalOptions) -> Result<Self> {
        options.validate()?;
        check_bit_depth(FEATURE, format.bit_depth())?;
        let (w, h) = (format.width(), format.height());
        let engine = SpeedEngine::new(FEATURE, w, h, &options.common, 0)?;
        let buffers = || LumaPair {
            reference: vec![0.0; w * h],
            distorted: vec![0.0; w * h],
        };
        Ok(Self {
            options,
            format: *format,
            engine,
            previous: buffers(),
            current: buffers(),
            frames: 0,
        })
    }

    /// The options in use.
    pub fn options(&self) -> &SpeedTemporalOptions {
        &self.options
    }

    /// Takes the next frame pair and returns its index and score, which are final at
    /// once (libvmaf reports each frame as it arrives).
    pub fn push(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
    ) -> Result<Option<(u64, SpeedTemporalScores)>> {
        let (w, h) = (self.format.width(), self.format.height());
        let depth = self.format.bit_depth();
        for view in [reference, distorted] {
            if view.format().bit_depth() != depth {
                return Err(Error::InvalidInput(format!(
                    "{FEATURE} was set up for {depth}-bit frames, got {}-bit",
                    view.format().bit_depth()
                )));
            }
            check_plane_size(FEATURE, &view.luma(), w, h)?;
        }
        let current = &mut self.current;
        plane_to_float(
            FEATURE,
            reference.luma(),
            depth,
            w,
            h,
            &mut current.reference,
        )?;
        plane_to_float(
            FEATURE,
            distorted.luma(),
            depth,
            w,
            h,
            &mut current.distorted,
        )?;
        let index = self.frames;
        self.frames += 1;
        let temporal = if index == 0 {
            0.0
        } else {
            let previous = &mut self.previous;
            subtract(&mut previous.reference, &current.reference);
            let subtrahend = if self.options.speed_use_ref_diff {
                &current.reference
            } else {
                &current.distorted
            };
            subtract(&mut previous.distorted, subtrahend);
            let pair = self
                .engine
                .compare(&previous.reference, &previous.distorted);
            f64::from(pair.score)
        };
        std::mem::swap(&mut self.previous, &mut self.current);
        Ok(Some((index, SpeedTemporalScores { temporal })))
    }

    /// Always `None`: every score is returned by [`SpeedTemporalExtractor::push`].
    pub fn pop(&mut self) -> Option<(u64, SpeedTemporalScores)> {
        None
    }

    /// Marks the end of the input; the extractor then starts over with frame 0.
    /// Returns `None`, as no score is ever held back.
    pub fn flush(&mut self) -> Option<(u64, SpeedTemporalScores)> {
        self.frames = 0;
        None
    }
}

/// `minuend -= subtrahend`, sample by sample.
fn subtract(minuend: &mut [f32], subtrahend: &[f32]) {
    for (m, &s) in minuend.iter_mut().zip(subtrahend) {
        *m -= s;
    }
}
