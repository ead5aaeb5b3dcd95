//! Reads a Kubernetes Job and its pods into the state machine's [`ChildView`].

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Pod;

use super::decide::{ChildView, Finished};
use super::result::failure_reason;

/// The container whose termination message carries the result.
pub const CONTAINER: &str = "vmafx";

/// What `job` and its `pods` say.
pub fn child_view(job: &Job, pods: &[Pod]) -> ChildView {
    let status = job.status.clone().unwrap_or_default();
    let condition = |kind: &str| {
        status
            .conditions
            .iter()
            .flatten()
            .find(|c| c.type_ == kind && c.status == "True")
            .cloned()
    };
    let finished = if condition("Complete").is_some() {
        Some(Finished::Complete)
    } else {
        condition("Failed").map(|c| {
            Finished::Failed(
                c.message
                    .or(c.reason)
                    .unwrap_or_else(|| "the Job failed".into()),
            )
        })
    };
    let mut view = ChildView {
        active: status.active.unwrap_or(0),
        finished,
        start_time: status.start_time.map(|t| t.0.to_string()),
        completion_time: status.completion_time.map(|t| t.0.to_string()),
        ..ChildView::default()
    };
    for pod in pods {
        let phase = pod
            .status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .unwrap_or("");
        if view.node_name.is_none() || phase == "Succeeded" {
            if let Some(node) = pod.spec.as_ref().and_then(|s| s.node_name.clone()) {
                view.node_name = Some(node);
            }
        }
        let terminated = pod
            .status
            .as_ref()
            .and_then(|s| s.container_statuses.as_ref())
            .and_then(|cs| cs.iter().find(|c| c.name == CONTAINER))
            .and_then(|c| c.state.as_ref())
            .and_then(|s| s.terminated.clone());
        let Some(t) = terminated else { continue };
        if t.exit_code == 0 {
            if t.message.as_deref().is_some_and(|m| !m.trim().is_empty()) {
                view.result = t.message;
            }
        } else if view.failure.is_none() {
            view.failure = Some(failure_reason(
                t.reason.as_deref(),
                Some(t.exit_code),
                t.message.as_deref(),
            ));
        }
    }
    view
}
