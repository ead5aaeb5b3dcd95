//! Which engine extracts the features: the CPU, or a GPU backend compiled in with its
//! Cargo feature. Every backend must produce the CPU's feature values.
//!
//! Selection: an explicit choice (builder option, CLI `--backend`, C option) or else
//! `VMAFX_BACKEND`; `auto` takes the first GPU backend that starts and otherwise the CPU.
//! An explicitly named backend that cannot start is an error that says why — never a
//! silent fallback.

// The device layers keep an API of their own (batches, device details, every launch
// argument type) for their tests and the `bench` feature, so without that feature parts
// of it go unused. Builds with every feature (CI's clippy) still lint their private items.
#[cfg(feature = "compute")]
#[cfg_attr(not(feature = "bench"), allow(dead_code, unused_imports))]
pub(crate) mod compute;
#[cfg(feature = "cuda")]
pub(crate) mod cuda;
#[cfg(feature = "hip")]
pub(crate) mod hip;
mod pci;
#[cfg(feature = "sycl")]
pub(crate) mod sycl;
#[cfg(feature = "vulkan")]
#[cfg_attr(not(feature = "bench"), allow(dead_code, unused_imports))]
pub(crate) mod vulkan;

use crate::error::{Error, Result};

/// The backends VMAFX knows of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BackendKind {
    /// The first GPU backend that starts, else the CPU.
    Auto,
    /// SIMD and threads on the CPU: the reference.
    Cpu,
    /// NVIDIA GPUs through CUDA.
    Cuda,
    /// AMD GPUs through HIP.
    Hip,
    /// Intel GPUs through SYCL.
    Sycl,
    /// Any GPU with a Vulkan driver.
    Vulkan,
}

impl BackendKind {
    /// Every kind, `Auto` first.
    pub const ALL: [BackendKind; 6] = [
        Self::Auto,
        Self::Cpu,
        Self::Cuda,
        Self::Hip,
        Self::Sycl,
        Self::Vulkan,
    ];

    /// The name `VMAFX_BACKEND` and `--backend` take.
    pub fn name(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Cpu => "cpu",
            Self::Cuda => "cuda",
            Self::Hip => "hip",
            Self::Sycl => "sycl",
            Self::Vulkan => "vulkan",
        }
    }

    /// The backend `VMAFX_BACKEND` asks for; `Auto` when it is unset or empty.
    pub fn from_env() -> Result<Self> {
        match std::env::var("VMAFX_BACKEND") {
            Ok(value) if !value.trim().is_empty() => value.parse(),
            _ => Ok(Self::Auto),
        }
    }

    /// The Cargo feature that compiles this backend in, if it needs one.
    fn cargo_feature(self) -> Option<&'static str> {
        match self {
            Self::Auto | Self::Cpu => None,
            Self::Cuda => Some("cuda"),
            Self::Hip => Some("hip"),
            Self::Sycl => Some("sycl"),
            Self::Vulkan => Some("vulkan"),
        }
    }
}

impl std::fmt::Display for BackendKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.name())
    }
}

impl std::str::FromStr for BackendKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let wanted = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|k| k.name() == wanted)
            .ok_or_else(|| {
                Error::Backend(format!(
                    "unknown backend {s:?} (expected auto, cpu, cuda, hip, sycl or vulkan)"
                ))
            })
    }
}

/// What probing found for one backend.
#[derive(Debug, Clone, PartialEq)]
pub struct BackendProbe {
    /// The backend.
    pub kind: BackendKind,
    /// Devices it can use, by name; empty when it cannot start.
    pub devices: Vec<String>,
    /// Why it cannot start, when it cannot.
    pub unavailable: Option<String>,
}

impl BackendProbe {
    /// Whether the backend can score on this machine.
    pub fn is_available(&self) -> bool {
        self.unavailable.is_none()
    }
}

/// The backend and device a run uses, as recorded in every result.
#[derive(Debug, Clone, PartialEq)]
pub struct BackendChoice {
    /// The resolved backend (never `Auto`).
    pub kind: BackendKind,
    /// The device, e.g. `NVIDIA H100 80GB HBM3` or the CPU level for the CPU.
    pub device: String,
}

/// Probes one backend.
pub fn probe(kind: BackendKind) -> BackendProbe {
    let unavailable = |reason: String| BackendProbe {
        kind,
        devices: Vec::new(),
        unavailable: Some(reason),
    };
    match kind {
        BackendKind::Auto => BackendProbe {
            kind,
            devices: vec![describe(
                &resolve(BackendKind::Auto).unwrap_or_else(|_| cpu_choice()),
            )],
            unavailable: None,
        },
        BackendKind::Cpu => BackendProbe {
            kind,
            devices: vec![cpu_choice().device],
            unavailable: None,
        },
        gpu => match gpu_devices(gpu, false) {
            Ok(devices) if !devices.is_empty() => BackendProbe {
                kind,
                devices,
                unavailable: None,
            },
            Ok(_) => unavailable(format!("{gpu}: no usable device found")),
            Err(reason) => unavailable(reason),
        },
    }
}

/// Probes every backend, for `vmafx --list-backends`.
pub fn probe_all() -> Vec<BackendProbe> {
    BackendKind::ALL[1..].iter().map(|k| probe(*k)).collect()
}

/// Turns a request into the backend a run will use.
pub fn resolve(requested: BackendKind) -> Result<BackendChoice> {
    match requested {
        BackendKind::Cpu => Ok(cpu_choice()),
        BackendKind::Auto => {
            for gpu in auto_order() {
                if let Ok(devices) = gpu_devices(gpu, true) {
                    if let Some(device) = devices.into_iter().next() {
                        return Ok(BackendChoice { kind: gpu, device });
                    }
                }
            }
            Ok(cpu_choice())
        }
        gpu => match gpu_devices(gpu, false) {
            Ok(devices) => devices
                .into_iter()
                .next()
                .map(|device| BackendChoice { kind: gpu, device })
                .ok_or_else(|| Error::Backend(format!("{gpu}: no usable device found"))),
            Err(reason) => Err(Error::Backend(reason)),
        },
    }
}

/// The first device of a compute backend (CUDA, HIP or SYCL, as compiled in), once it
/// has passed its self-check against the CPU ([`compute::checked`]).
#[cfg(any(feature = "cuda", feature = "hip", feature = "sycl"))]
pub(crate) fn open_compute(
    kind: BackendKind,
) -> Result<std::sync::Arc<dyn compute::ComputeDevice>> {
    let device = match kind {
        #[cfg(feature = "cuda")]
        BackendKind::Cuda => cuda::open(0)?,
        #[cfg(feature = "hip")]
        BackendKind::Hip => hip::open(0)?,
        #[cfg(feature = "sycl")]
        BackendKind::Sycl => sycl::open(0)?,
        other => {
            return Err(Error::Backend(format!(
                "{other}: not a compute backend of this build"
            )))
        }
    };
    compute::checked(device)
}

/// `kind (device)`, as reports print it.
pub fn describe(choice: &BackendChoice) -> String {
    format!("{} ({})", choice.kind, choice.device)
}

fn cpu_choice() -> BackendChoice {
    BackendChoice {
        kind: BackendKind::Cpu,
        device: crate::cpu::level().name().to_string(),
    }
}

/// GPU backends in the order `auto` tries them: the vendor's own API before Vulkan,
/// and only the vendors whose GPUs are on the PCI bus.
fn auto_order() -> Vec<BackendKind> {
    let vendors = pci::display_vendors();
    let mut order = Vec::new();
    for (vendor, kind) in [
        (pci::NVIDIA, BackendKind::Cuda),
        (pci::AMD, BackendKind::Hip),
        (pci::INTEL, BackendKind::Sycl),
    ] {
        if vendors.contains(&vendor) {
            order.push(kind);
        }
    }
    order.push(BackendKind::Vulkan);
    order
}

/// Devices a GPU backend can use, or why it cannot start. `real_gpus_only` leaves out
/// software devices (Mesa's lavapipe): `auto` must not pick a CPU emulation of a GPU
/// over the CPU backend, while naming the backend explicitly may.
fn gpu_devices(
    kind: BackendKind,
    real_gpus_only: bool,
) -> std::result::Result<Vec<String>, String> {
    match kind {
        #[cfg(feature = "vulkan")]
        BackendKind::Vulkan => {
            let devices = vulkan::VulkanDevice::enumerate().map_err(|e| e.to_string())?;
            Ok(devices
                .into_iter()
                .filter(|d| d.usable)
                .filter(|d| !real_gpus_only || d.device_type != vulkan::DeviceType::Cpu)
                .map(|d| d.name)
                .collect())
        }
        #[cfg(feature = "cuda")]
        BackendKind::Cuda => cuda::devices(),
        #[cfg(feature = "hip")]
        BackendKind::Hip => hip::devices(),
        #[cfg(feature = "sycl")]
        BackendKind::Sycl => sycl::devices(),
        _ => {
            let _ = real_gpus_only;
            Err(format!(
                "{kind}: not compiled in (build vmafx with the Cargo feature \"{}\")",
                kind.cargo_feature().unwrap_or(kind.name())
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in BackendKind::ALL {
            assert_eq!(kind.name().parse::<BackendKind>().unwrap(), kind);
        }
        assert_eq!(" CUDA ".parse::<BackendKind>().unwrap(), BackendKind::Cuda);
        let error = "opencl".parse::<BackendKind>().unwrap_err();
        assert!(error.to_string().contains("unknown backend"));
    }

    #[test]
    fn cpu_always_resolves() {
        let choice = resolve(BackendKind::Cpu).unwrap();
        assert_eq!(choice.kind, BackendKind::Cpu);
        assert_eq!(choice.device, crate::cpu::level().name());
        assert!(probe(BackendKind::Cpu).is_available());
    }

    #[test]
    fn auto_without_a_gpu_backend_is_the_cpu() {
        let usable_gpu = [
            BackendKind::Cuda,
            BackendKind::Hip,
            BackendKind::Sycl,
            BackendKind::Vulkan,
        ]
        .into_iter()
        .any(|k| probe(k).is_available());
        if !usable_gpu {
            assert_eq!(resolve(BackendKind::Auto).unwrap().kind, BackendKind::Cpu);
        }
    }

    #[test]
    fn an_explicit_backend_that_cannot_start_is_an_error_with_the_reason() {
        for kind in [BackendKind::Cuda, BackendKind::Hip, BackendKind::Sycl] {
            let probe = probe(kind);
            if probe.is_available() {
                continue;
            }
            let error = resolve(kind).unwrap_err();
            assert!(matches!(error, Error::Backend(_)));
            assert!(error.to_string().contains(kind.name()), "{error}");
        }
    }
}
