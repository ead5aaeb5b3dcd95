//! Streaming spatial extraction on worker threads: each frame's spatial extractors are
//! separate tasks, submitted as soon as the frame arrives, so the workers are never held
//! up by a batch boundary and a large frame keeps several of them busy at once. A bounded
//! number of frames is in flight, which keeps memory flat; results come back in any
//! order and the scorer puts them in place.

use std::collections::VecDeque;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{mpsc, Arc, Mutex};

use crate::error::{Error, Result};
use crate::frame::Frame;

use super::copies::SpatialCopies;

/// A frame pair shared by its tasks and the scorer.
pub(super) type SharedPair = Arc<(Frame, Frame)>;

/// What one finished task reports.
pub(super) struct TaskDone {
    /// The frame, numbered in the whole video.
    pub index: u64,
    /// The extractor, by position.
    pub slot: usize,
    /// One value per column of the extractor.
    pub values: Vec<f64>,
    /// Whether extraction succeeded.
    pub result: Result<()>,
}

/// The worker threads and the frames they are working on.
pub(super) struct Pipeline {
    workers: rayon::ThreadPool,
    done_tx: mpsc::Sender<TaskDone>,
    /// Only the scorer's thread receives; the lock keeps the scorer `Sync`.
    done_rx: Mutex<mpsc::Receiver<TaskDone>>,
    /// Frames whose tasks may still read them, oldest first.
    held: VecDeque<SharedPair>,
    /// Tasks submitted and not yet reported.
    outstanding: usize,
    /// Most frames held at once.
    limit: usize,
}

impl Pipeline {
    /// `threads` workers, with up to `limit` frames in flight.
    pub(super) fn new(threads: usize, limit: usize) -> Result<Self> {
        let workers = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("vmafx-worker-{i}"))
            .build()
            .map_err(|e| Error::InvalidOption(format!("cannot start threads: {e}")))?;
        let (done_tx, done_rx) = mpsc::channel();
        Ok(Self {
            workers,
            done_tx,
            done_rx: Mutex::new(done_rx),
            held: VecDeque::new(),
            outstanding: 0,
            limit: limit.max(1),
        })
    }

    /// Most frames in flight at once.
    pub(super) fn limit(&self) -> usize {
        self.limit
    }

    /// Whether the in-flight frames are at the limit, so a result must come back
    /// before another frame is submitted.
    pub(super) fn is_full(&self) -> bool {
        self.held.len() >= self.limit
    }

    /// Whether any task has not reported yet.
    pub(super) fn is_busy(&self) -> bool {
        self.outstanding > 0
    }

    /// Runs the extractors `slots` of `copies` on frame `index` on the workers.
    pub(super) fn submit(
        &mut self,
        copies: &Arc<SpatialCopies>,
        index: u64,
        pair: &SharedPair,
        slots: impl IntoIterator<Item = usize>,
    ) {
        for slot in slots {
            let (copies, pair, done) = (Arc::clone(copies), Arc::clone(pair), self.done_tx.clone());
            self.outstanding += 1;
            self.workers.spawn(move || {
                let mut values = vec![f64::NAN; copies.columns(slot).len()];
                let result = panic::catch_unwind(AssertUnwindSafe(|| {
                    copies.extract(slot, &pair.0.view(), &pair.1.view(), &mut values)
                }))
                .unwrap_or_else(|_| {
                    Err(Error::Feature(format!(
                        "extractor {} failed on frame {index}",
                        copies.request(slot).spec()
                    )))
                });
                // The frame is released before the report, so that the scorer, once
                // every task of a frame has reported, holds its only reference.
                drop(pair);
                // The scorer stops listening only when it is dropped mid-run.
                let _ = done.send(TaskDone {
                    index,
                    slot,
                    values,
                    result,
                });
            });
        }
        self.held.push_back(Arc::clone(pair));
    }

    /// The next finished task: waits for one when `wait` is set (and a task is still
    /// out), else only takes one already there.
    pub(super) fn next_done(&mut self, wait: bool) -> Option<TaskDone> {
        if self.outstanding == 0 {
            return None;
        }
        let receiver = match self.done_rx.get_mut() {
            Ok(receiver) => receiver,
            Err(poisoned) => poisoned.into_inner(),
        };
        let done = if wait {
            receiver.recv().ok()
        } else {
            receiver.try_recv().ok()
        };
        if done.is_some() {
            self.outstanding -= 1;
        }
        done
    }

    /// Frames no task reads any more, for reuse.
    pub(super) fn released(&mut self) -> Vec<Frame> {
        let mut released = Vec::new();
        let mut still_held = VecDeque::with_capacity(self.held.len());
        for pair in self.held.drain(..) {
            match Arc::try_unwrap(pair) {
                Ok((reference, distorted)) => released.extend([reference, distorted]),
                Err(pair) => still_held.push_back(pair),
            }
        }
        self.held = still_held;
        released
    }
}
