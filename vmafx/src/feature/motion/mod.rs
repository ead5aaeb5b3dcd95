//! Integer motion: how much the reference video changes from frame to frame, equal to
//! libvmaf's `motion` feature extractor (`integer_motion2`, `integer_motion3` and the raw
//! `VMAF_integer_feature_motion_sad_score`).
//!
//! The work splits in two so that frames can be scored in parallel:
//! - [`MotionSad`] (the costly part) blurs the difference of two reference luma planes
//!   and sums its absolute values. Frame `i` needs only reference frames `i` and
//!   [`MotionOptions::compared_frame`]`(i)`, so each worker thread can own one kernel.
//! - [`MotionTracker`] (the cheap, sequential part) takes the per-frame SAD scores in
//!   frame order and derives `motion2` and `motion3`, one frame late.
//!
//! [`MotionExtractor`] chains both for callers that feed frames one by one.
//!
//! The blur runs with AVX2 or AVX-512 row kernels where the processor has them, chosen
//! from [`crate::cpu::level`] (or per extractor with `with_cpu_level`); every level gives
//! the scalar reference's integers exactly.

mod blur;
mod descriptor;
mod options;
mod scalar;
mod tracker;
#[cfg(target_arch = "x86_64")]
mod x86;

#[cfg(test)]
mod conformance_tests;
#[cfg(test)]
mod simd_tests;

use std::collections::VecDeque;

use crate::cpu::CpuLevel;
use crate::error::Result;
use crate::frame::{Plane, PlaneBuffer, PlaneRef};

pub use blur::{MotionSad, MIN_DIMENSION};
pub use descriptor::DESCRIPTOR;
pub use options::MotionOptions;
pub use tracker::MotionTracker;

/// A GPU implementation of [`MotionSad::sad`]: the same raw sums, computed elsewhere.
pub trait GpuSad: Send + Sync + std::fmt::Debug {
    /// The raw SAD of the blurred difference `earlier - current`.
    fn sad(&mut self, earlier: PlaneRef<'_>, current: PlaneRef<'_>) -> Result<u64>;
}

/// The motion scores of one frame.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MotionScores {
    /// `VMAF_integer_feature_motion_sad_score` (also `integer_motion` in debug mode):
    /// mean absolute blurred difference from the compared earlier frame; 0 on the
    /// first frame (first two with the five-frame window).
    pub sad: f64,
    /// `integer_motion2`: the smaller of this frame's and the next frame's SAD
    /// (the own SAD on the last frame); 0 on the first frame. With the five-frame
    /// window: the smaller of the previous and the next frame's SAD.
    pub motion2: f64,
    /// `integer_motion3`: `motion2` blended, clipped and optionally averaged over two
    /// frames; on the first frame, the processed SAD of the second.
    pub motion3: f64,
}

/// Scores motion frame by frame: keeps copies of the last reference planes it needs,
/// computes each SAD and hands out final scores in frame order.
#[derive(Debug)]
pub struct MotionExtractor {
    options: MotionOptions,
    kernel: MotionSad,
    /// When set, the SADs run on this GPU engine instead of `kernel` (which still
    /// checks the planes); the results are the same bit for bit.
    gpu: Option<Box<dyn GpuSad>>,
    tracker: MotionTracker,
    /// Copies of the most recent reference planes, oldest first, at most
    /// [`MotionOptions::frame_distance`] of them; their buffers are reused.
    history: VecDeque<PlaneBuffer>,
}

impl MotionExtractor {
    /// An extractor for `width` x `height` luma planes of `bit_depth` bits, using the
    /// process-wide [`crate::cpu::level`].
    pub fn new(width: usize, height: usize, bit_depth: u8, options: MotionOptions) -> Result<Self> {
        Self::with_cpu_level(width, height, bit_depth, options, crate::cpu::level())
    }

    /// As [`MotionExtractor::new`], with kernels of `level` lowered to what this
    /// processor supports ([`CpuLevel::capped`]). Every level gives the same scores.
    pub fn with_cpu_level(
        width: usize,
        height: usize,
        bit_depth: u8,
        options: MotionOptions,
        level: CpuLevel,
    ) -> Result<Self> {
        Ok(Self {
            options,
            kernel: MotionSad::with_cpu_level(width, height, bit_depth, level)?,
            gpu: None,
            tracker: MotionTracker::new(options),
            history: VecDeque::with_capacity(2),
        })
    }

    /// As [`MotionExtractor::new`], with the SADs computed by a GPU engine for planes
    /// of the same size and depth.
    pub fn with_gpu(
        width: usize,
        height: usize,
        bit_depth: u8,
        options: MotionOptions,
        gpu: Box<dyn GpuSad>,
    ) -> Result<Self> {
        let mut extractor = Self::new(width, height, bit_depth, options)?;
        extractor.gpu = Some(gpu);
        Ok(extractor)
    }

    /// The options in use.
    pub fn options(&self) -> &MotionOptions {
        &self.options
    }

    /// The instruction-set level whose kernels run.
    pub fn cpu_level(&self) -> CpuLevel {
        self.kernel.cpu_level()
    }

    /// Scores the next reference luma plane and returns the next frame whose scores are
    /// final, if any (see [`MotionTracker::push`]; [`MotionExtractor::pop`] returns any
    /// further ones).
    pub fn push(&mut self, reference: PlaneRef<'_>) -> Result<Option<(u64, MotionScores)>> {
        self.kernel.check(&reference)?;
        let index = self.tracker.frames_pushed();
        let (width, height) = (self.kernel.width(), self.kernel.height());
        let sad = match self.options.compared_frame(index) {
            Some(_) => {
                let earlier = self
                    .history
                    .front()
                    .expect("the compared frame is kept in the history");
                let earlier = plane_of(earlier, width, height)?;
                let raw = match &mut self.gpu {
                    Some(gpu) => gpu.sad(earlier, reference)?,
                    None => self.kernel.sad(earlier, reference)?,
                };
                self.options.sad_score(raw, width, height)
            }
            None => 0.0,
        };
        self.remember(reference);
        Ok(self.tracker.push(sad))
    }

    /// The next frame whose scores are final, without pushing anything.
    pub fn pop(&mut self) -> Option<(u64, MotionScores)> {
        self.tracker.pop()
    }

    /// Marks the end of the input; call until `None` to collect the remaining frames.
    pub fn flush(&mut self) -> Option<(u64, MotionScores)> {
        self.tracker.flush()
    }

    /// Keeps a copy of `plane` for later comparisons, recycling the oldest buffer.
    fn remember(&mut self, plane: PlaneRef<'_>) {
        let keep = if self.options.force_zero {
            0
        } else {
            self.options.frame_distance() as usize
        };
        if keep == 0 {
            return;
        }
        let mut buffer = if self.history.len() >= keep {
            self.history
                .pop_front()
                .expect("a full history has an oldest entry")
        } else {
            PlaneBuffer::U8(Vec::new())
        };
        copy_plane(plane, &mut buffer);
        self.history.push_back(buffer);
    }
}

/// Copies the samples of `plane`, row by row, into the tightly packed `buffer`.
fn copy_plane(plane: PlaneRef<'_>, buffer: &mut PlaneBuffer) {
    fn copy<T: crate::frame::Sample>(plane: Plane<'_, T>, out: &mut Vec<T>) {
        out.clear();
        out.reserve(plane.width() * plane.height());
        for y in 0..plane.height() {
            out.extend_from_slice(plane.row(y));
        }
    }
    match plane {
        PlaneRef::U8(p) => {
            if !matches!(buffer, PlaneBuffer::U8(_)) {
                *buffer = PlaneBuffer::U8(Vec::new());
            }
            if let PlaneBuffer::U8(out) = buffer {
                copy(p, out);
            }
        }
        PlaneRef::U16(p) => {
            if !matches!(buffer, PlaneBuffer::U16(_)) {
                *buffer = PlaneBuffer::U16(Vec::new());
            }
            if let PlaneBuffer::U16(out) = buffer {
                copy(p, out);
            }
        }
    }
}

/// A view of a tightly packed plane copy.
fn plane_of(buffer: &PlaneBuffer, width: usize, height: usize) -> Result<PlaneRef<'_>> {
    Ok(match buffer {
        PlaneBuffer::U8(data) => PlaneRef::U8(Plane::new(data, width, height, width)?),
        PlaneBuffer::U16(data) => PlaneRef::U16(Plane::new(data, width, height, width)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(
        extractor: &mut MotionExtractor,
        planes: &[Vec<u8>],
        w: usize,
        h: usize,
    ) -> Vec<(u64, MotionScores)> {
        let mut out = Vec::new();
        for data in planes {
            let plane = PlaneRef::U8(Plane::new(data, w, h, w).unwrap());
            out.extend(extractor.push(plane).unwrap());
            while let Some(r) = extractor.pop() {
                out.push(r);
            }
        }
        while let Some(r) = extractor.flush() {
            out.push(r);
        }
        out
    }

    fn ramp(w: usize, h: usize, offset: usize) -> Vec<u8> {
        (0..w * h)
            .map(|i| ((i * 7 + offset * 13) % 251) as u8)
            .collect()
    }

    #[test]
    fn identical_frames_score_zero() {
        let (w, h) = (19, 11);
        let frames = vec![ramp(w, h, 3); 5];
        let mut e = MotionExtractor::new(w, h, 8, MotionOptions::default()).unwrap();
        let out = collect(&mut e, &frames, w, h);
        assert_eq!(out.len(), 5);
        assert!(out.iter().all(|(_, s)| *s == MotionScores::default()));
    }

    #[test]
    fn every_frame_once_in_order_for_both_windows() {
        let (w, h) = (9, 7);
        for window in [false, true] {
            for n in 0..6 {
                let frames: Vec<_> = (0..n).map(|i| ramp(w, h, i)).collect();
                let options = MotionOptions {
                    five_frame_window: window,
                    ..Default::default()
                };
                let mut e = MotionExtractor::new(w, h, 8, options).unwrap();
                let out = collect(&mut e, &frames, w, h);
                let indices: Vec<u64> = out.iter().map(|(i, _)| *i).collect();
                assert_eq!(indices, (0..n as u64).collect::<Vec<_>>());
                for (i, s) in &out {
                    assert_eq!(s.sad == 0.0, *i < e.options().frame_distance(), "frame {i}");
                }
            }
        }
    }

    #[test]
    fn sad_compares_with_the_right_earlier_frame() {
        let (w, h) = (12, 10);
        let frames: Vec<_> = (0..4).map(|i| ramp(w, h, i * i)).collect();
        fn plane(d: &[u8], w: usize, h: usize) -> PlaneRef<'_> {
            PlaneRef::U8(Plane::new(d, w, h, w).unwrap())
        }
        let mut kernel = MotionSad::new(w, h, 8).unwrap();
        for window in [false, true] {
            let options = MotionOptions {
                five_frame_window: window,
                ..Default::default()
            };
            let mut e = MotionExtractor::new(w, h, 8, options).unwrap();
            for (i, (_, scores)) in collect(&mut e, &frames, w, h).into_iter().enumerate() {
                let expected = match options.compared_frame(i as u64) {
                    Some(j) => {
                        let raw = kernel
                            .sad(plane(&frames[j as usize], w, h), plane(&frames[i], w, h))
                            .unwrap();
                        options.sad_score(raw, w, h)
                    }
                    None => 0.0,
                };
                assert_eq!(
                    scores.sad, expected,
                    "frame {i}, five-frame window {window}"
                );
            }
        }
    }

    #[test]
    fn force_zero_scores_nothing() {
        let (w, h) = (8, 8);
        let frames: Vec<_> = (0..4).map(|i| ramp(w, h, i * 5)).collect();
        let options = MotionOptions {
            force_zero: true,
            ..Default::default()
        };
        let mut e = MotionExtractor::new(w, h, 8, options).unwrap();
        let out = collect(&mut e, &frames, w, h);
        assert_eq!(out.len(), 4);
        assert!(out.iter().all(|(_, s)| *s == MotionScores::default()));
    }

    #[test]
    fn wrong_planes_are_errors() {
        let mut e = MotionExtractor::new(8, 8, 10, MotionOptions::default()).unwrap();
        let d8 = vec![0u8; 64];
        assert!(e
            .push(PlaneRef::U8(Plane::new(&d8, 8, 8, 8).unwrap()))
            .is_err());
        let d16 = vec![0u16; 64];
        assert!(e
            .push(PlaneRef::U16(Plane::new(&d16, 7, 8, 8).unwrap()))
            .is_err());
        assert!(e
            .push(PlaneRef::U16(Plane::new(&d16, 8, 8, 8).unwrap()))
            .is_ok());
    }
}
