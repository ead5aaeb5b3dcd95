//! `VmafxJob`: score one reference/distorted pair as a Kubernetes Job.

use std::collections::BTreeMap;

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Condition, MediaVolume};
use super::node::GpuVendor;

/// What to score and how.
#[derive(CustomResource, kube::KubeSchema, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[kube(
    group = "vmafx.dev",
    version = "v1",
    kind = "VmafxJob",
    namespaced,
    status = "VmafxJobStatus",
    shortname = "vmjob",
    printcolumn = r#"{"name":"PHASE","type":"string","jsonPath":".status.phase"}"#,
    printcolumn = r#"{"name":"SCORE","type":"number","jsonPath":".status.score"}"#,
    printcolumn = r#"{"name":"NODE","type":"string","jsonPath":".status.node"}"#,
    printcolumn = r#"{"name":"AGE","type":"date","jsonPath":".metadata.creationTimestamp"}"#,
    printcolumn = r#"{"name":"POOL","type":"string","jsonPath":".status.pool","priority":1}"#
)]
#[serde(rename_all = "camelCase")]
#[x_kube(
    validation = Rule::new("self.reference.startsWith('file:///') && self.distorted.startsWith('file:///')").message("reference and distorted must be file:// URIs (other schemes are not supported)"),
    validation = Rule::new("self.volumes.exists(v, self.reference.substring(7).startsWith(v.mountPath + '/')) && self.volumes.exists(v, self.distorted.substring(7).startsWith(v.mountPath + '/'))").message("reference and distorted must lie under a mountPath of spec.volumes"),
    validation = Rule::new("self.segments == 1 || (has(self.frameCount) && has(self.outputDir))").message("segments > 1 needs frameCount and outputDir"),
    validation = Rule::new("!has(self.outputDir) || (self.outputDir.startsWith('file:///') && self.volumes.exists(v, !v.readOnly && self.outputDir.substring(7).startsWith(v.mountPath)))").message("outputDir must be a file:// directory on a writable volume of spec.volumes"),
    validation = Rule::new("self == oldSelf").message("spec is immutable: create a new VmafxJob")
)]
pub struct VmafxJobSpec {
    /// Reference clip, `file:///path` on one of `volumes`.
    #[schemars(length(min = 9, max = 4096))]
    pub reference: String,
    /// Distorted clip, `file:///path` on one of `volumes`.
    #[schemars(length(min = 9, max = 4096))]
    pub distorted: String,
    /// Volumes the scoring pod mounts.
    #[schemars(length(min = 1, max = 8))]
    pub volumes: Vec<MediaVolume>,
    /// Model: a built-in version name (e.g. `vmaf_v0.6.1`) or a `file://` JSON model;
    /// unset: vmafx's default model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Extra features, in vmafx's `--feature` syntax (e.g. `psnr`, `float_ssim`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 32))]
    pub features: Vec<String>,
    /// Compute backend; decides the GPU the pod requests.
    #[serde(default)]
    pub backend: Backend,
    /// Higher runs first when capacity is short.
    #[serde(default)]
    #[schemars(range(min = -1000, max = 1000))]
    pub priority: i32,
    /// Split the clip into this many frame ranges scored in parallel (an Indexed Job),
    /// then merged.
    #[serde(default = "one")]
    #[schemars(range(min = 1, max = 100))]
    pub segments: u32,
    /// Frames in the clip; needed to split it into segments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub frame_count: Option<u32>,
    /// `file://` directory for the JSON report (and segment parts); needs a writable volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_dir: Option<String>,
    /// Container image; unset: the operator's VMAFX_OPERATOR_JOB_IMAGE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

fn one() -> u32 {
    1
}

/// vmafx's `--backend` values.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// The first GPU backend that starts, else the CPU.
    #[default]
    Auto,
    /// CPU only.
    Cpu,
    /// NVIDIA GPUs.
    Cuda,
    /// AMD GPUs.
    Hip,
    /// Intel GPUs.
    Sycl,
    /// Any GPU with a Vulkan driver.
    Vulkan,
}

impl Backend {
    /// The name vmafx's `--backend` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Auto => "auto",
            Backend::Cpu => "cpu",
            Backend::Cuda => "cuda",
            Backend::Hip => "hip",
            Backend::Sycl => "sycl",
            Backend::Vulkan => "vulkan",
        }
    }

    /// The one vendor this backend needs, or `None` when any pool serves it.
    pub fn required_vendor(self) -> Option<GpuVendor> {
        match self {
            Backend::Cpu => Some(GpuVendor::Cpu),
            Backend::Cuda => Some(GpuVendor::Nvidia),
            Backend::Hip => Some(GpuVendor::Amd),
            Backend::Sycl => Some(GpuVendor::Intel),
            Backend::Auto | Backend::Vulkan => None,
        }
    }
}

/// Where a VmafxJob stands.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, JsonSchema)]
pub enum JobPhase {
    /// Waiting for capacity, or its Job's pods are not running yet.
    #[default]
    Pending,
    /// Pods are scoring.
    Running,
    /// Scored; `score` and `pooled` hold the result.
    Succeeded,
    /// Failed for good; `reason` says why.
    Failed,
}

impl JobPhase {
    /// Succeeded or Failed: nothing more happens.
    pub fn is_terminal(self) -> bool {
        matches!(self, JobPhase::Succeeded | JobPhase::Failed)
    }

    /// The word the status and metrics use.
    pub fn as_str(self) -> &'static str {
        match self {
            JobPhase::Pending => "Pending",
            JobPhase::Running => "Running",
            JobPhase::Succeeded => "Succeeded",
            JobPhase::Failed => "Failed",
        }
    }
}

/// What the operator observed and decided.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VmafxJobStatus {
    /// Pending, Running, Succeeded or Failed.
    #[serde(default)]
    pub phase: JobPhase,
    /// Pooled (mean) VMAF score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Pooled mean of every metric the report holds.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pooled: BTreeMap<String, f64>,
    /// The Kubernetes node the scoring pod ran on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// The VmafxNode pool the job was placed on (unset when the namespace has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<String>,
    /// The Kubernetes Job doing the work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_name: Option<String>,
    /// RFC 3339 time the work started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// RFC 3339 time it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion_time: Option<String>,
    /// Why it failed, or why it waits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Admitted, Complete, Failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}
