//! The Vulkan compute backend: integer VIF, ADM and motion on a GPU, equal to the CPU
//! extractors bit for bit.
//!
//! Kernels are GLSL compute shaders under `vmafx/kernels/vulkan/`, compiled to SPIR-V by
//! `vmafx/kernels/vulkan/build.sh` and embedded here. They use only integer arithmetic
//! (64-bit where the reference needs it, hence `shaderInt64`); the few per-pixel steps
//! the reference does in double precision are done in exact integer emulation of IEEE
//! doubles (`vmafx/kernels/vulkan/include/softfloat.glsl`). The kernels return integer partial
//! sums, which the engines here add into the metrics' raw sums; the float steps at the
//! end (per-scale ratios, cube roots, sums in `f32`/`f64`) are the metric folders'
//! finishing, the CPU extractors' own code.
//!
//! The Vulkan loader is opened at run time, so a binary built with the `vulkan` feature
//! still runs (and reports an error from [`VulkanDevice::open`]) where none is installed.
//!
//! The scorer drives it through the feature extractors; tests and the benchmarks
//! (`vmafx::bench::vulkan`) use it directly: [`VulkanDevice::open`], then
//! [`VulkanVif::new`] with the device and a VIF plan
//! ([`VifPlan`](crate::feature::vif::VifPlan)), [`VulkanVif::sums`] per frame pair, and
//! the plan's `finish` for the scores.

mod adm;
mod commands;
mod device;
mod frame_scorer;
mod memory;
mod motion;
mod pipelines;
mod vif;

#[cfg(test)]
mod tests;

pub use adm::VulkanAdm;
pub use device::{DeviceType, VulkanDevice, VulkanDeviceInfo};
pub use frame_scorer::VulkanFrameScorer;
pub use motion::VulkanMotion;
pub use vif::VulkanVif;

use ash::vk;

use crate::error::Error;

/// A Vulkan error (no loader or device, or a driver failure) with its message.
fn gpu_error(message: String) -> Error {
    Error::Backend(format!("vulkan: {message}"))
}

/// Turns Vulkan results into crate errors naming what was being done.
trait VkContext<T> {
    fn vk(self, what: &str) -> crate::Result<T>;
}

impl<T> VkContext<T> for Result<T, vk::Result> {
    fn vk(self, what: &str) -> crate::Result<T> {
        self.map_err(|e| gpu_error(format!("cannot {what}: {e}")))
    }
}
