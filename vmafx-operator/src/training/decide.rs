//! The VmafxModelTraining state machine, pure.

use serde::Deserialize;

use crate::crd::{set_condition, Condition, TrainingPhase, VmafxModelTrainingSpec, VmafxModelTrainingStatus};
use crate::scoring::decide::{ChildView, Finished};

/// What to do next.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainingStep {
    /// Create the training Job.
    pub create_job: bool,
    /// The status to write.
    pub status: VmafxModelTrainingStatus,
    /// An event for a phase change: (warning, reason, note).
    pub event: Option<(bool, String, String)>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TrainingResult {
    samples: u64,
    model_version: String,
}

/// The next step, from the Job (if any) and `now` (RFC 3339).
pub fn decide_training(
    spec: &VmafxModelTrainingSpec,
    current: Option<&VmafxModelTrainingStatus>,
    job: Option<&ChildView>,
    job_name: &str,
    now: &str,
) -> TrainingStep {
    let before = current.cloned().unwrap_or_default();
    let mut st = before.clone();
    let mut create_job = false;
    let terminal = matches!(before.phase, TrainingPhase::Succeeded | TrainingPhase::Failed);
    if !terminal {
        match (crate::validate::training_spec(spec), job) {
            (Err(e), _) => failed(&mut st, "InvalidSpec", &e.to_string(), now),
            (Ok(()), None) if before.job_name.is_some() => {
                failed(&mut st, "JobDeleted", "the training Job was deleted before it finished", now)
            }
            (Ok(()), None) => {
                create_job = true;
                st.phase = TrainingPhase::Pending;
                st.job_name = Some(job_name.to_owned());
            }
            (Ok(()), Some(view)) => match &view.finished {
                None if view.active > 0 => st.phase = TrainingPhase::Running,
                None => {}
                Some(Finished::Failed(message)) => {
                    let why = view.failure.clone().unwrap_or_else(|| message.clone());
                    failed(&mut st, "TrainingFailed", &why, now)
                }
                Some(Finished::Complete) => {
                    match view.result.as_deref().map(serde_json::from_str::<TrainingResult>) {
                        Some(Ok(result)) => {
                            st.phase = TrainingPhase::Succeeded;
                            st.samples = Some(result.samples);
                            st.model_version = Some(result.model_version);
                            set_condition(&mut st.conditions, Condition::new("Complete", true, "Trained", "", now));
                        }
                        Some(Err(e)) => failed(&mut st, "NoResult", &format!("unreadable result: {e}"), now),
                        None => failed(&mut st, "NoResult", "the Job completed but left no result", now),
                    }
                }
            },
        }
    }
    let event = (st.phase != before.phase || (create_job && current.is_none())).then(|| match st.phase {
        TrainingPhase::Pending => (false, "Created".to_owned(), format!("training Job {job_name} created")),
        TrainingPhase::Running => (false, "Started".to_owned(), "training".to_owned()),
        TrainingPhase::Succeeded => (
            false,
            "Succeeded".to_owned(),
            format!(
                "model {} from {} samples",
                st.model_version.as_deref().unwrap_or("?"),
                st.samples.unwrap_or(0)
            ),
        ),
        TrainingPhase::Failed => (true, "Failed".to_owned(), st.reason.clone().unwrap_or_default()),
    });
    TrainingStep { create_job, status: st, event }
}

fn failed(st: &mut VmafxModelTrainingStatus, reason: &str, message: &str, now: &str) {
    st.phase = TrainingPhase::Failed;
    st.reason = Some(message.to_owned());
    set_condition(&mut st.conditions, Condition::new("Failed", true, reason, message, now));
}
