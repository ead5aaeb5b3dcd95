//! `VmafxModelTraining`: run `vmafx train` as a Job.

use kube::CustomResource;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::{Condition, MediaVolume};

/// A training run.
#[derive(CustomResource, kube::KubeSchema, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[kube(
    group = "vmafx.dev",
    version = "v1",
    kind = "VmafxModelTraining",
    namespaced,
    status = "VmafxModelTrainingStatus",
    shortname = "vmtrain",
    printcolumn = r#"{"name":"PHASE","type":"string","jsonPath":".status.phase"}"#,
    printcolumn = r#"{"name":"SAMPLES","type":"integer","jsonPath":".status.samples"}"#,
    printcolumn = r#"{"name":"MODELVERSION","type":"string","jsonPath":".status.modelVersion"}"#,
    printcolumn = r#"{"name":"AGE","type":"date","jsonPath":".metadata.creationTimestamp"}"#
)]
#[serde(rename_all = "camelCase")]
#[x_kube(
    validation = Rule::new("self.dataSource.startsWith('file:///') && self.output.startsWith('file:///')").message("dataSource and output must be file:// URIs"),
    validation = Rule::new("self.volumes.exists(v, !v.readOnly && self.output.substring(7).startsWith(v.mountPath + '/'))").message("output must lie on a writable volume of spec.volumes"),
    validation = Rule::new("self == oldSelf").message("spec is immutable: create a new VmafxModelTraining")
)]
pub struct VmafxModelTrainingSpec {
    /// The model training starts from (built-in name or `file://` JSON).
    #[schemars(length(min = 1, max = 4096))]
    pub base_model: String,
    /// The regression to fit.
    #[serde(default)]
    pub algorithm: Algorithm,
    /// `file://` dataset (vmafx train's `--dataset`).
    #[schemars(length(min = 9, max = 4096))]
    pub data_source: String,
    /// `file://` path of the trained model JSON.
    #[schemars(length(min = 9, max = 4096))]
    pub output: String,
    /// Volumes the training pod mounts.
    #[schemars(length(min = 1, max = 8))]
    pub volumes: Vec<MediaVolume>,
    /// When to write intermediate models.
    #[serde(default)]
    pub checkpoint: Checkpoint,
    /// Container image; unset: the operator's VMAFX_OPERATOR_JOB_IMAGE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

/// Regression algorithms.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Algorithm {
    /// libsvm nu-SVR with an RBF kernel, as libvmaf's models.
    #[default]
    NuSvr,
}

impl Algorithm {
    /// The name in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::NuSvr => "nu-svr",
        }
    }
}

/// Checkpointing.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Checkpoint {
    /// Samples between checkpoints.
    #[serde(default = "default_interval")]
    #[schemars(range(min = 1))]
    pub interval: u32,
    /// Samples needed before the first checkpoint.
    #[serde(default = "default_min_samples")]
    #[schemars(range(min = 1))]
    pub min_samples: u32,
}

impl Default for Checkpoint {
    fn default() -> Self {
        Checkpoint {
            interval: default_interval(),
            min_samples: default_min_samples(),
        }
    }
}

fn default_interval() -> u32 {
    1000
}

fn default_min_samples() -> u32 {
    100
}

/// Where a training stands.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, JsonSchema)]
pub enum TrainingPhase {
    /// Its Job's pod has not started.
    #[default]
    Pending,
    /// Training.
    Running,
    /// The model is written.
    Succeeded,
    /// Failed; `reason` says why.
    Failed,
}

/// Progress of a training.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct VmafxModelTrainingStatus {
    /// Pending, Running, Succeeded or Failed.
    #[serde(default)]
    pub phase: TrainingPhase,
    /// Samples the model was fitted on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<u64>,
    /// Version string of the trained model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_version: Option<String>,
    /// The Kubernetes Job doing the work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_name: Option<String>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Complete, Failed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}
