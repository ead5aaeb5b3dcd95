//! The custom resources of group `vmafx.dev/v1`, their shared status vocabulary and the
//! YAML that `deploy/helm/vmafx/crds/` holds.

mod common;
mod generate;
mod job;
mod node;
mod training;

pub use common::{set_condition, Condition, MediaVolume};
pub use generate::{all_crds, crd_file_name, crd_yaml};
pub use job::{Backend, JobPhase, VmafxJob, VmafxJobSpec, VmafxJobStatus};
pub use node::{GpuVendor, VmafxNode, VmafxNodeSpec, VmafxNodeStatus};
pub use training::{
    Checkpoint, TrainingPhase, VmafxModelTraining, VmafxModelTrainingSpec, VmafxModelTrainingStatus,
};

/// The API group of every resource here.
pub const GROUP: &str = "vmafx.dev";

#[cfg(test)]
mod tests;
