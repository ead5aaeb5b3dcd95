//! Copies of the spatial extractors, shared by every thread that scores frames: a task
//! borrows one copy of the extractor it runs and gives it back, so there are never more
//! copies of an extractor than frames scored with it at the same moment.

use std::ops::Range;
use std::sync::{Mutex, MutexGuard};

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
        let result = copy.extract(reference, distorted, out);
        self.idle(slot).push(copy);
        result
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
