//! The compute backends — CUDA, HIP and SYCL — and what they share: one kernel source
//! (`vmafx/kernels/cuda/`, written in the dialect of `portable.h`), the host code that drives
//! those kernels for VIF, ADM and motion, and the [`ComputeDevice`] interface each
//! backend implements.
//!
//! The kernels compute the CPU extractors' integer sums exactly, and the engines here
//! return those sums; the metric folders finish them into scores with the CPU
//! extractors' own code. So every compute
//! backend gives the CPU's scores bit for bit, as the tests check against the host
//! emulator (feature `gpu-emulator`) everywhere and against real devices where present.

mod adm;
#[cfg(test)]
pub(crate) mod contract;
mod device;
#[cfg(feature = "gpu-emulator")]
pub mod emulator;
mod motion;
mod planes;
mod self_check;
mod signature;
pub mod source;
mod staging;
mod vif;

#[cfg(all(test, feature = "gpu-emulator"))]
mod tests;

pub use adm::ComputeAdm;
pub use device::{ComputeDevice, ComputeQueue, DeviceBuffer, KernelArg, LaunchShape};
pub use motion::ComputeMotion;
pub use self_check::checked;
#[cfg(test)]
pub(crate) use self_check::{adm_on, vif_on};
pub use signature::check_launch;
pub use staging::{PinnedAllocator, StagingArena};
pub use vif::ComputeVif;
