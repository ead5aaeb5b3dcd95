//! Copies of the spatial extractors, shared by every thread that scores frames: a task
//! borrows one copy of the extractor it runs and gives it back, so there are never more
//! copies of an extractor than frames scored with it at the same moment.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use crate::error::Result;
use crate::feature::descriptor::{Extractor, FrameMetric};
use crate::feature::request::FeatureRequest;
use crate::frame::{FrameFormat, FrameView};

use super::devices::Devices;

/// One spatial extractor of a run: how to build it, its columns and its idle copies.
struct Slot {
    request: FeatureRequest,
    columns: Range<usize>,
    idle: Mutex<Vec<Box<dyn FrameMetric>>>,
    /// Nanoseconds spent extracting, over all frames so far.
    busy_nanos: AtomicU64,
}

/// The spatial extractors of a run, by position (their order in the layout).
pub(super) struct SpatialCopies {
    format: FrameFormat,
    devices: Devices,
    slots: Vec<Slot>,
}

impl SpatialCopies {
    /// The extractors `requests` describe, with one ready copy of each (`first`, in the
    /// same order).
    pub(super) fn new(
        format: FrameFormat,
        devices: Devices,
        requests: Vec<(FeatureRequest, Range<usize>)>,
        first: Vec<Box<dyn FrameMetric>>,
    ) -> Self {
        let slots = requests
            .into_iter()
            .zip(first)
            .map(|((request, columns), copy)| Slot {
                request,
                columns,
                idle: Mutex::new(vec![copy]),
                busy_nanos: AtomicU64::new(0),
            })
            .collect();
        Self {
            format,
            devices,
            slots,
        }
    }

    /// How many spatial extractors there are.
    pub(super) fn len(&self) -> usize {
        self.slots.len()
    }

    /// The columns of a frame's value row that extractor `slot` fills.
    pub(super) fn columns(&self, slot: usize) -> Range<usize> {
        self.slots[slot].columns.clone()
    }

    /// The request extractor `slot` was built from.
    pub(super) fn request(&self, slot: usize) -> &FeatureRequest {
        &self.slots[slot].request
    }

    /// Runs extractor `slot` on one frame pair with an idle copy (built when every copy
    /// is busy); `out` has one value per column of the extractor.
    pub(super) fn extract(
        &self,
        slot: usize,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
        out: &mut [f64],
    ) -> Result<()> {
        let mut copy = self.take(slot)?;
        let started = Instant::now();
        let result = copy.extract(reference, distorted, out);
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.slots[slot]
            .busy_nanos
            .fetch_add(nanos, Ordering::Relaxed);
        self.idle(slot).push(copy);
        result
    }

    /// `slots` with the extractors that took longest so far first: workers that
    /// start a frame's longest task first finish a run's last frames sooner. The
    /// order never changes a value, only when each is computed.
    pub(super) fn longest_first(&self, mut slots: Vec<usize>) -> Vec<usize> {
        slots.sort_by_key(|&slot| {
            std::cmp::Reverse(self.slots[slot].busy_nanos.load(Ordering::Relaxed))
        });
        slots
    }

    /// Each idle copy of extractor `slot` (every copy, once no frame is being scored).
    pub(super) fn idle(&self, slot: usize) -> MutexGuard<'_, Vec<Box<dyn FrameMetric>>> {
        // A copy is pushed or popped whole, so a poisoned list is still consistent.
        match self.slots[slot].idle.lock() {
            Ok(idle) => idle,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn take(&self, slot: usize) -> Result<Box<dyn FrameMetric>> {
        if let Some(copy) = self.idle(slot).pop() {
            return Ok(copy);
        }
        match self.slots[slot]
            .request
            .build(&self.format, &self.devices)?
        {
            Extractor::Spatial(copy) => Ok(copy),
            Extractor::Temporal(_) => unreachable!("spatial requests build spatial extractors"),
        }
    }
}
