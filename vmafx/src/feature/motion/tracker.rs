//! The cheap, sequential part of motion: from the per-frame SAD scores, in frame order,
//! derive `motion2` (the smaller of neighbouring SADs) and `motion3` (blended, clipped,
//! optionally averaged).
//!
//! A frame's `motion2` needs the next frame's SAD, so scores come out one frame late
//! (two at the start with the five-frame window); [`MotionTracker::flush`] releases the
//! rest once the input has ended.

use std::collections::VecDeque;

use super::options::{smaller, MotionOptions};
use super::MotionScores;

/// Turns SAD scores, pushed in frame order, into final per-frame [`MotionScores`].
///
/// Memory stays constant: only the few SADs still needed are kept.
#[derive(Debug, Clone)]
pub struct MotionTracker {
    options: MotionOptions,
    /// SAD scores of frames `first_kept..received`.
    sads: VecDeque<f64>,
    first_kept: u64,
    received: u64,
    next_out: u64,
    ended: bool,
    /// `motion3` of the frames before the first compared one, once known.
    lead_in: Option<f64>,
    /// The processed (blended, clipped) `motion2` of the previous frame.
    previous_processed: f64,
}

impl MotionTracker {
    /// A tracker for a new sequence.
    pub fn new(options: MotionOptions) -> Self {
        Self {
            options,
            sads: VecDeque::with_capacity(4),
            first_kept: 0,
            received: 0,
            next_out: 0,
            ended: false,
            lead_in: None,
            previous_processed: 0.0,
        }
    }

    /// The options in use.
    pub fn options(&self) -> &MotionOptions {
        &self.options
    }

    /// Number of SAD scores pushed so far (the index the next push gets).
    pub fn frames_pushed(&self) -> u64 {
        self.received
    }

    /// Adds the SAD score of the next frame (see [`MotionOptions::sad_score`]; zero for
    /// frames that [`MotionOptions::compared_frame`] says are not compared) and returns
    /// the next frame whose scores are final, if any.
    ///
    /// More than one frame can become final at once; [`MotionTracker::pop`] returns the
    /// others. Pushing after [`MotionTracker::flush`] is a logic error and is ignored.
    pub fn push(&mut self, sad_score: f64) -> Option<(u64, MotionScores)> {
        debug_assert!(!self.ended, "motion tracker: push after flush");
        if !self.ended {
            self.sads.push_back(sad_score);
            self.received += 1;
        }
        self.pop()
    }

    /// Marks the end of the input and returns the next remaining frame. Call it until it
    /// returns `None` to collect every frame.
    pub fn flush(&mut self) -> Option<(u64, MotionScores)> {
        self.ended = true;
        self.pop()
    }

    /// The next frame whose scores are final, without pushing anything.
    pub fn pop(&mut self) -> Option<(u64, MotionScores)> {
        let index = self.next_out;
        if index >= self.received {
            return None;
        }
        let distance = self.options.frame_distance();
        let next = self.sad(index + 1);
        if next.is_none() && !self.ended {
            return None;
        }
        let sad = self.sad(index).expect("frames not yet scored are kept");
        let (motion2, motion3) = if index < distance {
            let lead_in = self.lead_in()?;
            self.previous_processed = lead_in;
            (0.0, lead_in)
        } else {
            let motion2 = match next {
                None => sad,
                Some(next) => {
                    // With the five-frame window the frame before is compared, not this one.
                    let lower = index + 1 - distance;
                    if lower >= distance {
                        let lower = self.sad(lower).expect("the previous frame's SAD is kept");
                        smaller(lower, next)
                    } else {
                        next
                    }
                }
            };
            let processed = self.options.processed(motion2);
            let motion3 = if self.options.moving_average {
                (processed + self.previous_processed) / 2.0
            } else {
                processed
            };
            self.previous_processed = processed;
            (motion2, motion3)
        };
        self.next_out += 1;
        self.forget_before(self.next_out - 1);
        Some((
            index,
            MotionScores {
                sad,
                motion2,
                motion3,
            },
        ))
    }

    /// `motion3` of the frames before the first comparison: the processed SAD of the
    /// first compared frame, or zero when the input ends before it.
    fn lead_in(&mut self) -> Option<f64> {
        if self.lead_in.is_none() {
            let first_compared = self.options.frame_distance();
            match self.sad(first_compared) {
                Some(sad) => self.lead_in = Some(self.options.processed(sad)),
                None if self.ended => self.lead_in = Some(0.0),
                None => return None,
            }
        }
        self.lead_in
    }

    fn sad(&self, index: u64) -> Option<f64> {
        let offset = index.checked_sub(self.first_kept)?;
        self.sads.get(usize::try_from(offset).ok()?).copied()
    }

    fn forget_before(&mut self, index: u64) {
        while self.first_kept < index && !self.sads.is_empty() {
            self.sads.pop_front();
            self.first_kept += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(options: MotionOptions, sads: &[f64]) -> Vec<(u64, MotionScores)> {
        let mut tracker = MotionTracker::new(options);
        let mut out = Vec::new();
        for &s in sads {
            out.extend(tracker.push(s));
            while let Some(r) = tracker.pop() {
                out.push(r);
            }
        }
        while let Some(r) = tracker.flush() {
            out.push(r);
        }
        assert_eq!(tracker.flush(), None);
        out
    }

    fn triples(out: &[(u64, MotionScores)]) -> Vec<(f64, f64, f64)> {
        out.iter()
            .map(|(_, s)| (s.sad, s.motion2, s.motion3))
            .collect()
    }

    #[test]
    fn frames_come_out_once_in_order() {
        for window in [false, true] {
            for n in 0..7 {
                let options = MotionOptions {
                    five_frame_window: window,
                    ..Default::default()
                };
                let sads: Vec<f64> = (0..n).map(|i| i as f64).collect();
                let out = run(options, &sads);
                let indices: Vec<u64> = out.iter().map(|(i, _)| *i).collect();
                assert_eq!(
                    indices,
                    (0..n as u64).collect::<Vec<_>>(),
                    "n={n} window={window}"
                );
            }
        }
    }

    #[test]
    fn push_releases_frames_one_late() {
        let mut t = MotionTracker::new(MotionOptions::default());
        assert_eq!(t.push(0.0), None);
        assert_eq!(t.push(3.0).map(|(i, _)| i), Some(0));
        assert_eq!(t.push(2.0).map(|(i, _)| i), Some(1));
        assert_eq!(t.pop(), None);
        assert_eq!(t.flush().map(|(i, _)| i), Some(2));
        assert_eq!(t.flush(), None);
    }

    #[test]
    fn default_window_takes_the_smaller_neighbour() {
        let out = run(MotionOptions::default(), &[0.0, 3.0, 2.0, 5.0, 4.0]);
        assert_eq!(
            triples(&out),
            vec![
                (0.0, 0.0, 3.0),
                (3.0, 2.0, 2.0),
                (2.0, 2.0, 2.0),
                (5.0, 4.0, 4.0),
                (4.0, 4.0, 4.0),
            ]
        );
    }

    #[test]
    fn short_inputs() {
        assert_eq!(
            triples(&run(MotionOptions::default(), &[0.0])),
            vec![(0.0, 0.0, 0.0)]
        );
        assert_eq!(
            triples(&run(MotionOptions::default(), &[0.0, 7.0])),
            vec![(0.0, 0.0, 7.0), (7.0, 7.0, 7.0)]
        );
        assert!(run(MotionOptions::default(), &[]).is_empty());
    }

    #[test]
    fn five_frame_window_skips_its_own_sad_except_at_the_end() {
        let options = MotionOptions {
            five_frame_window: true,
            moving_average: true,
            max_val: 18.0,
            ..Default::default()
        };
        let out = run(options, &[0.0, 0.0, 6.0, 4.0, 30.0, 25.0]);
        assert_eq!(
            triples(&out),
            vec![
                (0.0, 0.0, 6.0),
                (0.0, 0.0, 6.0),
                // Frame 2: the next SAD only; motion3 averages with the lead-in.
                (6.0, 4.0, 5.0),
                // Frame 3: min(SAD 2, SAD 4).
                (4.0, 6.0, 5.0),
                // Frame 4: min(SAD 3, SAD 5).
                (30.0, 4.0, 5.0),
                // Last frame: its own SAD, clipped to 18 before averaging.
                (25.0, 25.0, 11.0),
            ]
        );
    }

    #[test]
    fn blending_and_clipping() {
        let options = MotionOptions {
            blend_factor: 0.5,
            blend_offset: 10.0,
            max_val: 12.0,
            ..Default::default()
        };
        let out = run(options, &[0.0, 30.0, 40.0, 6.0]);
        // processed(s) = min(0.5 s + 0.5 min(10, s), 12)
        assert_eq!(
            triples(&out),
            vec![
                (0.0, 0.0, 12.0),
                (30.0, 30.0, 12.0),
                (40.0, 6.0, 6.0),
                (6.0, 6.0, 6.0)
            ]
        );
    }
}
