//! The device the chosen backend opened, and what it offers each metric: the one place
//! where backend choice meets the metrics.

use crate::backend::{BackendChoice, BackendKind};
use crate::error::Result;
use crate::feature::adm::{AdmDevice, AdmPlan};
use crate::feature::device::Accelerator;
use crate::feature::motion::GpuSad;
use crate::feature::vif::{VifDevice, VifPlan};

/// The device the chosen backend opened, which the extractors that can use it run on.
#[derive(Clone, Default)]
pub(crate) enum Devices {
    /// Everything on the CPU.
    #[default]
    Cpu,
    /// A Vulkan device.
    #[cfg(feature = "vulkan")]
    Vulkan(std::sync::Arc<crate::backend::vulkan::VulkanDevice>),
    /// A CUDA, HIP or SYCL device (or, in tests, the host emulator).
    #[cfg(feature = "compute")]
    // With only the emulator compiled in, tests alone make this variant.
    #[cfg_attr(
        not(any(feature = "cuda", feature = "hip", feature = "sycl")),
        allow(dead_code)
    )]
    Compute(std::sync::Arc<dyn crate::backend::compute::ComputeDevice>),
}

impl Devices {
    /// Opens the device of a GPU backend choice; nothing for the CPU.
    pub(crate) fn open(choice: &BackendChoice) -> Result<Self> {
        match choice.kind {
            BackendKind::Cpu => Ok(Self::Cpu),
            #[cfg(feature = "vulkan")]
            BackendKind::Vulkan => Ok(Self::Vulkan(crate::backend::vulkan::VulkanDevice::open(
                None,
            )?)),
            #[cfg(any(feature = "cuda", feature = "hip", feature = "sycl"))]
            kind @ (BackendKind::Cuda | BackendKind::Hip | BackendKind::Sycl) => {
                Ok(Self::Compute(crate::backend::open_compute(kind)?))
            }
            other => Err(crate::Error::Backend(format!(
                "{other}: the scorer cannot use this backend in this build"
            ))),
        }
    }
}

impl Accelerator for Devices {
    fn vif(&self, plan: &VifPlan) -> Result<Option<Box<dyn VifDevice>>> {
        let _ = plan;
        Ok(match self {
            Self::Cpu => None,
            #[cfg(feature = "vulkan")]
            Self::Vulkan(device) => Some(Box::new(crate::backend::vulkan::VulkanVif::new(
                device.clone(),
                plan,
            )?)),
            #[cfg(feature = "compute")]
            Self::Compute(device) => Some(Box::new(crate::backend::compute::ComputeVif::new(
                device, plan,
            )?)),
        })
    }

    fn adm(&self, plan: &AdmPlan) -> Result<Option<Box<dyn AdmDevice>>> {
        let _ = plan;
        Ok(match self {
            Self::Cpu => None,
            #[cfg(feature = "vulkan")]
            Self::Vulkan(device) => Some(Box::new(crate::backend::vulkan::VulkanAdm::new(
                device.clone(),
                plan,
            )?)),
            #[cfg(feature = "compute")]
            Self::Compute(device) => Some(Box::new(crate::backend::compute::ComputeAdm::new(
                device, plan,
            )?)),
        })
    }

    fn motion_sad(
        &self,
        width: usize,
        height: usize,
        bit_depth: u8,
    ) -> Result<Option<Box<dyn GpuSad>>> {
        let _ = (width, height, bit_depth);
        Ok(match self {
            Self::Cpu => None,
            #[cfg(feature = "vulkan")]
            Self::Vulkan(device) => Some(Box::new(crate::backend::vulkan::VulkanMotion::new(
                device.clone(),
                width,
                height,
                bit_depth,
            )?)),
            #[cfg(feature = "compute")]
            Self::Compute(device) => Some(Box::new(crate::backend::compute::ComputeMotion::new(
                device, width, height, bit_depth,
            )?)),
        })
    }
}
