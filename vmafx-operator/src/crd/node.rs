//! `VmafxNode`: a pool of scoring capacity on one kind of GPU.

use std::collections::BTreeMap;

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::Condition;

/// One pool: a vmafx-server Deployment the operator keeps and probes, and the scheduling
/// constraints (vendor, nodeSelector) of the jobs placed on it.
#[derive(CustomResource, kube::KubeSchema, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[kube(
    group = "vmafx.dev",
    version = "v1",
    kind = "VmafxNode",
    namespaced,
    status = "VmafxNodeStatus",
    shortname = "vmnode",
    printcolumn = r#"{"name":"VENDOR","type":"string","jsonPath":".spec.gpuVendor"}"#,
    printcolumn = r#"{"name":"HEALTHY","type":"boolean","jsonPath":".status.healthy"}"#,
    printcolumn = r#"{"name":"JOBS","type":"integer","jsonPath":".status.jobs"}"#,
    printcolumn = r#"{"name":"DEVICE","type":"string","jsonPath":".status.device"}"#,
    printcolumn = r#"{"name":"AGE","type":"date","jsonPath":".metadata.creationTimestamp"}"#
)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("self.gpuVendor == oldSelf.gpuVendor").message("gpuVendor is immutable"))]
pub struct VmafxNodeSpec {
    /// nvidia, amd, intel or cpu.
    pub gpu_vendor: GpuVendor,
    /// Jobs this pool runs at once.
    #[schemars(range(min = 1, max = 1024))]
    pub capacity: u32,
    /// The vmafx-server image of the pool (and of the jobs placed on it).
    #[schemars(length(min = 1, max = 512))]
    pub image: String,
    /// Kubernetes nodes of the pool.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: BTreeMap<String, String>,
}

/// The GPU kind a pool offers.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum GpuVendor {
    /// NVIDIA (`nvidia.com/gpu`).
    Nvidia,
    /// AMD (`amd.com/gpu`).
    Amd,
    /// Intel (`gpu.intel.com/i915`).
    Intel,
    /// No GPU.
    Cpu,
}

impl GpuVendor {
    /// Every vendor, in the order of the CRD's enum.
    pub const ALL: [GpuVendor; 4] = [
        GpuVendor::Nvidia,
        GpuVendor::Amd,
        GpuVendor::Intel,
        GpuVendor::Cpu,
    ];

    /// The name in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            GpuVendor::Nvidia => "nvidia",
            GpuVendor::Amd => "amd",
            GpuVendor::Intel => "intel",
            GpuVendor::Cpu => "cpu",
        }
    }

    /// The extended resource its device plugin advertises (as the chart's values files).
    pub fn gpu_resource(self) -> Option<&'static str> {
        match self {
            GpuVendor::Nvidia => Some("nvidia.com/gpu"),
            GpuVendor::Amd => Some("amd.com/gpu"),
            GpuVendor::Intel => Some("gpu.intel.com/i915"),
            GpuVendor::Cpu => None,
        }
    }

    /// The vmafx backend a job placed here without one of its own uses.
    pub fn backend(self) -> &'static str {
        match self {
            GpuVendor::Nvidia => "cuda",
            GpuVendor::Amd => "hip",
            GpuVendor::Intel => "sycl",
            GpuVendor::Cpu => "cpu",
        }
    }
}

/// What the last probe found.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VmafxNodeStatus {
    /// `/healthz` answered within the last 60 s.
    #[serde(default)]
    pub healthy: bool,
    /// RFC 3339 time `/healthz` last answered 200.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_heartbeat: Option<String>,
    /// VmafxJobs running on the pool.
    #[serde(default)]
    pub jobs: u32,
    /// The device `/v1/backends` reports, e.g. `cuda: NVIDIA H100`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// Ready.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}
