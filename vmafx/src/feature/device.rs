//! What a metric may ask of an opened GPU device, decided in one place.
//!
//! A metric's descriptor builds its extractor through an [`Accelerator`]: when the
//! chosen backend can run the metric's device kernels it hands back a device engine,
//! else `None` and the metric runs on the CPU. Each metric declares its device trait
//! in its own folder ([`crate::feature::vif::VifDevice`],
//! [`crate::feature::adm::AdmDevice`], [`crate::feature::motion::GpuSad`]); the
//! backends implement them, so `feature/` never depends on `backend/`. A device
//! returns the kernels' integer sums; the metric's folder plans the work and finishes
//! the sums into scores with the CPU extractor's own code.

use crate::error::Result;
use crate::feature::adm::{AdmDevice, AdmPlan};
use crate::feature::motion::GpuSad;
use crate::feature::vif::{VifDevice, VifPlan};

/// The device engines an opened backend offers the metrics.
pub(crate) trait Accelerator: Sync {
    /// Integer VIF's sums on the device, for a validated plan; `None` to use the CPU.
    fn vif(&self, _plan: &VifPlan) -> Result<Option<Box<dyn VifDevice>>> {
        Ok(None)
    }

    /// Integer ADM's sums on the device, for a validated plan; `None` to use the CPU.
    fn adm(&self, _plan: &AdmPlan) -> Result<Option<Box<dyn AdmDevice>>> {
        Ok(None)
    }

    /// Motion's blurred SAD on the device, or `None` to use the CPU.
    fn motion_sad(
        &self,
        _width: usize,
        _height: usize,
        _bit_depth: u8,
    ) -> Result<Option<Box<dyn GpuSad>>> {
        Ok(None)
    }
}
