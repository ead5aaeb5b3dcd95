//! What the benchmarks in `benches/` time directly: the feature extractors one by one at
//! a chosen CPU level, and the GPU backends' device layers without the scorer around
//! them. Compiled only with the `bench` feature; not part of the supported API, and it
//! changes without notice.

pub use crate::cpu::CpuLevel;
// Every metric module (`adm`, `vif`, `psnr`, ...), as `vmafx::bench::adm` and so on.
pub use crate::feature::*;

/// What the CUDA, HIP and SYCL backends share: the device interface and the VIF, ADM
/// and motion engines over it.
#[cfg(feature = "compute")]
pub mod compute {
    pub use crate::backend::compute::*;

    /// The first device of a compute backend, self-checked against the CPU as the
    /// scorer opens it.
    #[cfg(any(feature = "cuda", feature = "hip", feature = "sycl"))]
    pub fn open(kind: crate::BackendKind) -> crate::Result<std::sync::Arc<dyn ComputeDevice>> {
        crate::backend::open_compute(kind)
    }
}

/// The Vulkan backend's device, its VIF, ADM and motion engines and its batch scorer.
#[cfg(feature = "vulkan")]
pub mod vulkan {
    pub use crate::backend::vulkan::*;
}
