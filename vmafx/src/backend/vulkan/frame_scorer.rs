//! VIF and ADM of the same frame pairs in one submission per frame.

use std::sync::Arc;

use super::adm::AdmEngine;
use super::commands::FrameStream;
use super::device::VulkanDevice;
use super::vif::VifEngine;
use crate::error::Result;
use crate::feature::adm::{AdmExtractor, AdmOptions, AdmScores};
use crate::feature::vif::{VifExtractor, VifOptions, VifScores};
use crate::frame::PlaneRef;

/// Integer VIF and ADM of frame pairs on a Vulkan device: both read one upload of the
/// pair, in one command buffer per frame. [`extract_batch`](Self::extract_batch) keeps
/// two frames in flight: the host packs the next pair and finishes the previous
/// frame's scores while the device computes the current one.
pub struct VulkanFrameScorer {
    /// Declared first so that it drops first: its drop waits for work in flight.
    stream: FrameStream,
    vif: VifEngine,
    adm: AdmEngine,
    #[cfg(test)]
    pub(crate) work: [super::commands::Recording; 2],
}

impl VulkanFrameScorer {
    /// A scorer for `width x height` luma planes of `bit_depth` (8..=16) bits; it
    /// accepts what both CPU extractors accept.
    pub fn new(
        device: Arc<VulkanDevice>,
        width: usize,
        height: usize,
        bit_depth: u8,
        vif_options: VifOptions,
        adm_options: AdmOptions,
    ) -> Result<Self> {
        VifExtractor::new(width, height, bit_depth, vif_options)?;
        AdmExtractor::new(width, height, bit_depth, adm_options)?;
        let mut stream = FrameStream::new(&device, width, height, bit_depth)?;
        let (vif, vif_work) = VifEngine::new(&device, &stream, width, height, &vif_options)?;
        let (adm, adm_work) = AdmEngine::new(&device, &stream, width, height, &adm_options)?;
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

    /// Scores one pair.
    pub fn extract(
        &mut self,
        reference: PlaneRef<'_>,
        distorted: PlaneRef<'_>,
    ) -> Result<(VifScores, AdmScores)> {
        let (vif, adm) = (&self.vif, &self.adm);
        self.stream.run_one([reference, distorted], |slot| {
            Ok((vif.read(slot), adm.read(slot)))
        })
    }

    /// Scores many pairs in order, two in flight at a time.
    pub fn extract_batch(
        &mut self,
        pairs: &[(PlaneRef<'_>, PlaneRef<'_>)],
    ) -> Result<Vec<(VifScores, AdmScores)>> {
        let (vif, adm) = (&self.vif, &self.adm);
        self.stream
            .run_batch(pairs, |slot| Ok((vif.read(slot), adm.read(slot))))
    }
}

impl std::fmt::Debug for VulkanFrameScorer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VulkanFrameScorer").finish_non_exhaustive()
    }
}
