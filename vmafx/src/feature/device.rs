//! What a metric may ask of an opened GPU device, decided in one place.
//!
//! A metric's descriptor builds its extractor through an [`Accelerator`]: when the
//! chosen backend can run the metric's device kernels it hands back a device engine,
//! else `None` and the metric runs on the CPU. Each metric declares its device trait
//! in its own folder ([`crate::feature::vif::VifDevice`],
//! [`crate::feature::adm::AdmDevice`], [`crate::feature::motion::GpuSad`]); the
//! backends implement them, so `feature/` never depends on `backend/`.

use crate::error::Result;
use crate::feature::adm::{AdmDevice, AdmOptions};
use crate::feature::motion::GpuSad;
use crate::feature::vif::{VifDevice, VifOptions};

/// The device engines an opened backend offers the metrics.
pub(crate) trait Accelerator: Sync {
    /// Integer VIF on the device, or `None` to use the CPU.
    fn vif(
        &self,
        _width: usize,
        _height: usize,
        _bit_depth: u8,
        _options: VifOptions,
    ) -> Result<Option<Box<dyn VifDevice>>> {
        Ok(None)
    }

    /// Integer ADM on the device, or `None` to use the CPU.
    fn adm(
        &self,
        _width: usize,
        _height: usize,
        _bit_depth: u8,
        _options: AdmOptions,
    ) -> Result<Option<Box<dyn AdmDevice>>> {
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
