//! VIF and ADM of the same frame pairs in one submission per frame.

use std::sync::Arc;

use super::adm::AdmEngine;
use super::commands::FrameStream;
use super::device::VulkanDevice;
use super::vif::VifEngine;
use crate::error::{Error, Result};
use crate::feature::adm::{AdmPlan, AdmSums};
use crate::feature::vif::{VifPlan, VifSums};
use crate::frame::PlaneRef;

/// Integer VIF's and ADM's sums of frame pairs on a Vulkan device: both read one upload
/// of the pair, in one command buffer per frame. [`sums_batch`](Self::sums_batch) keeps
/// two frames in flight: the host packs the next pair and reads the previous frame's
/// sums while the device computes the current one.
pub struct VulkanFrameScorer {
    /// Declared first so that it drops first: its drop waits for work in flight.
    stream: FrameStream,
    vif: VifEngine,
    adm: AdmEngine,
    #[cfg(test)]
    pub(crate) work: [super::commands::Recording; 2],
}

impl VulkanFrameScorer {
    /// A scorer for the pairs of two validated plans of one size and bit depth.
    pub fn new(device: Arc<VulkanDevice>, vif_plan: &VifPlan, adm_plan: &AdmPlan) -> Result<Self> {
        let (width, height, bit_depth) =
            (vif_plan.width(), vif_plan.height(), vif_plan.bit_depth());
        if (width, height, bit_depth) != (adm_plan.width(), adm_plan.height(), adm_plan.bit_depth())
        {
            return Err(Error::InvalidInput(format!(
                "the VIF plan is for {width}x{height} at {bit_depth} bits, the ADM plan for \
                 {}x{} at {} bits",
                adm_plan.width(),
                adm_plan.height(),
                adm_plan.bit_depth()
            )));
        }
        let mut stream = FrameStream::new(&device, width, height, bit_depth)?;
        let (vif, vif_work) = VifEngine::new(&device, &stream, vif_plan)?;
        let (adm, adm_work) = AdmEngine::new(&device, &stream, adm_plan)?;
        stream.record(|slot, rec| {
            vif_work.record(&device, slot, rec)?;
            adm_work.record(&device, slot, rec)
        })?;
        Ok(Self {
            stream,
            vif,
            adm,
            #[cfg(test)]
            work: [vif_work, adm_work],
        })
    }

    /// The sums of one pair.
    pub fn sums(
        &mut self,
        reference: PlaneRef<'_>,
        distorted: PlaneRef<'_>,
    ) -> Result<(VifSums, AdmSums)> {
        let (vif, adm) = (&self.vif, &self.adm);
        self.stream
            .run_one([reference, distorted], |slot| Ok(read(vif, adm, slot)))
    }

    /// The sums of many pairs in order, two in flight at a time.
    pub fn sums_batch(
        &mut self,
        pairs: &[(PlaneRef<'_>, PlaneRef<'_>)],
    ) -> Result<Vec<(VifSums, AdmSums)>> {
        let (vif, adm) = (&self.vif, &self.adm);
        self.stream
            .run_batch(pairs, |slot| Ok(read(vif, adm, slot)))
    }
}

/// Both engines' sums of the frame computed in `slot`.
fn read(vif: &VifEngine, adm: &AdmEngine, slot: usize) -> (VifSums, AdmSums) {
    let mut adm_sums = AdmSums::default();
    adm.read(slot, &mut adm_sums);
    (vif.read(slot), adm_sums)
}

impl std::fmt::Debug for VulkanFrameScorer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VulkanFrameScorer").finish_non_exhaustive()
    }
}
