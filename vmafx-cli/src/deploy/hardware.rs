//! This machine's cores, memory and GPUs, as a plan's default node.

use vmafx::backend::BackendProbe;
use vmafx::BackendKind;

use super::plan::Vendor;

/// What was found on this machine.
#[derive(Debug, Clone, PartialEq)]
pub struct Hardware {
    /// Cores this process may use.
    pub cores: u32,
    /// Total memory in bytes; 0 when it cannot be read.
    pub memory_bytes: u64,
    /// The GPU vendor whose backend found devices (the CPU when none did).
    pub vendor: Vendor,
    /// GPUs of that vendor.
    pub gpus: u32,
    /// The GPUs' names.
    pub gpu_names: Vec<String>,
}

/// Looks at this machine: cores, memory, and the first GPU backend with devices.
pub fn detect() -> Hardware {
    let cores = std::thread::available_parallelism()
        .map(|n| u32::try_from(n.get()).unwrap_or(u32::MAX))
        .unwrap_or(1);
    let memory_bytes = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| mem_total(&text))
        .unwrap_or(0);
    let (vendor, gpu_names) = gpus_of(&vmafx::backend::probe_all());
    Hardware {
        cores,
        memory_bytes,
        vendor,
        gpus: u32::try_from(gpu_names.len()).unwrap_or(u32::MAX),
        gpu_names,
    }
}

/// The vendor of the first vendor backend that found devices, and those devices.
/// Vulkan names no vendor, so it counts only through the vendor's own backend.
pub fn gpus_of(probes: &[BackendProbe]) -> (Vendor, Vec<String>) {
    probes
        .iter()
        .filter(|probe| probe.is_available() && !probe.devices.is_empty())
        .find_map(|probe| {
            let vendor = match probe.kind {
                BackendKind::Cuda => Vendor::Nvidia,
                BackendKind::Hip => Vendor::Amd,
                BackendKind::Sycl => Vendor::Intel,
                _ => return None,
            };
            Some((vendor, probe.devices.clone()))
        })
        .unwrap_or((Vendor::Cpu, Vec::new()))
}

/// `MemTotal` of /proc/meminfo, in bytes.
pub fn mem_total(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let mut words = line.split_whitespace().skip(1);
    let value: u64 = words.next()?.parse().ok()?;
    match words.next() {
        Some("kB") => value.checked_mul(1024),
        None => Some(value),
        Some(_) => None,
    }
}

/// The backend a calibration score of `vendor` runs on.
pub fn backend_of(vendor: Vendor) -> BackendKind {
    match vendor {
        Vendor::Cpu => BackendKind::Cpu,
        Vendor::Nvidia => BackendKind::Cuda,
        Vendor::Amd => BackendKind::Hip,
        Vendor::Intel => BackendKind::Sycl,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn probe(kind: BackendKind, devices: &[&str], unavailable: Option<&str>) -> BackendProbe {
        BackendProbe {
            kind,
            devices: devices.iter().map(|d| d.to_string()).collect(),
            unavailable: unavailable.map(str::to_owned),
        }
    }

    #[test]
    fn reads_mem_total() {
        let text = "MemTotal:       131072000 kB\nMemFree:        1000 kB\n";
        assert_eq!(mem_total(text), Some(131_072_000 * 1024));
        assert_eq!(mem_total("MemFree: 1 kB\n"), None);
    }

    #[test]
    fn the_first_vendor_backend_with_devices_names_the_gpus() {
        let probes = [
            probe(BackendKind::Cpu, &["avx2"], None),
            probe(BackendKind::Cuda, &[], Some("no driver")),
            probe(BackendKind::Hip, &["MI300X", "MI300X"], None),
            probe(BackendKind::Vulkan, &["llvmpipe"], None),
        ];
        let (vendor, gpus) = gpus_of(&probes);
        assert_eq!((vendor, gpus.len()), (Vendor::Amd, 2));
    }

    #[test]
    fn vulkan_alone_plans_for_the_cpu() {
        let probes = [
            probe(BackendKind::Cpu, &["avx2"], None),
            probe(BackendKind::Vulkan, &["llvmpipe"], None),
        ];
        assert_eq!(gpus_of(&probes), (Vendor::Cpu, Vec::new()));
    }
}
