//! The VmafxModelTraining state machine, pure.

use serde::Deserialize;

use crate::crd::{
    set_condition, Condition, TrainingPhase, VmafxModelTrainingSpec, VmafxModelTrainingStatus,
};
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
    let terminal = matches!(
        before.phase,
        TrainingPhase::Succeeded | TrainingPhase::Failed
    );
    if !terminal {
        match (crate::validate::training_spec(spec), job) {
            (Err(e), _) => failed(&mut st, "InvalidSpec", &e.to_string(), now),
            (Ok(()), None) if before.job_name.is_some() => failed(
                &mut st,
                "JobDeleted",
                "the training Job was deleted before it finished",
                now,
            ),
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
                    match view
                        .result
                        .as_deref()
                        .map(serde_json::from_str::<TrainingResult>)
                    {
                        Some(Ok(result)) => {
                            st.phase = TrainingPhase::Succeeded;
                            st.samples = Some(result.samples);
                            st.model_version = Some(result.model_version);
                            set_condition(
                                &mut st.conditions,
                                Condition::new("Complete", true, "Trained", "", now),
                            );
                        }
                        Some(Err(e)) => {
                            failed(&mut st, "NoResult", &format!("unreadable result: {e}"), now)
                        }
                        None => failed(
                            &mut st,
                            "NoResult",
                            "the Job completed but left no result",
                            now,
                        ),
                    }
                }
            },
        }
    }
    let event =
        (st.phase != before.phase || (create_job && current.is_none())).then(|| match st.phase {
            TrainingPhase::Pending => (
                false,
                "Created".to_owned(),
                format!("training Job {job_name} created"),
            ),
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
            TrainingPhase::Failed => (
                true,
                "Failed".to_owned(),
                st.reason.clone().unwrap_or_default(),
            ),
        });
    TrainingStep {
        create_job,
        status: st,
        event,
    }
}

fn failed(st: &mut VmafxModelTrainingStatus, reason: &str, message: &str, now: &str) {
    st.phase = TrainingPhase::Failed;
    st.reason = Some(message.to_owned());
    set_condition(
        &mut st.conditions,
        Condition::new("Failed", true, reason, message, now),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::{Checkpoint, MediaVolume, VmafxModelTraining};

    const NOW: &str = "2026-01-01T00:00:00Z";

    fn spec() -> VmafxModelTrainingSpec {
        VmafxModelTrainingSpec {
            base_model: "vmaf_v0.6.1".into(),
            algorithm: Default::default(),
            data_source: "file:///data/set.json".into(),
            output: "file:///data/model.json".into(),
            volumes: vec![MediaVolume {
                claim_name: "t".into(),
                mount_path: "/data".into(),
                read_only: false,
            }],
            checkpoint: Checkpoint::default(),
            image: None,
        }
    }

    #[test]
    fn pending_running_succeeded() {
        let step = decide_training(&spec(), None, None, "m-train", NOW);
        assert!(step.create_job);
        assert_eq!(step.status.phase, TrainingPhase::Pending);
        assert_eq!(step.event.as_ref().map(|e| e.1.as_str()), Some("Created"));

        let running = ChildView {
            active: 1,
            ..ChildView::default()
        };
        let step = decide_training(&spec(), Some(&step.status), Some(&running), "m-train", NOW);
        assert!(!step.create_job);
        assert_eq!(step.status.phase, TrainingPhase::Running);

        let done = ChildView {
            finished: Some(Finished::Complete),
            result: Some(r#"{"samples":4200,"modelVersion":"vmaf_v0.6.1-3f2a9c0d11ee"}"#.into()),
            ..ChildView::default()
        };
        let step = decide_training(&spec(), Some(&step.status), Some(&done), "m-train", NOW);
        assert_eq!(step.status.phase, TrainingPhase::Succeeded);
        assert_eq!(step.status.samples, Some(4200));
        assert_eq!(
            step.status.model_version.as_deref(),
            Some("vmaf_v0.6.1-3f2a9c0d11ee")
        );
        assert_eq!(
            step.event.unwrap().2,
            "model vmaf_v0.6.1-3f2a9c0d11ee from 4200 samples"
        );
    }

    #[test]
    fn failures_carry_the_reason() {
        let failed = ChildView {
            finished: Some(Finished::Failed("BackoffLimitExceeded".into())),
            failure: Some("Error (exit code 2): error: dataset has no scores".into()),
            ..ChildView::default()
        };
        let running = VmafxModelTrainingStatus {
            phase: TrainingPhase::Running,
            job_name: Some("m-train".into()),
            ..Default::default()
        };
        let step = decide_training(&spec(), Some(&running), Some(&failed), "m-train", NOW);
        assert_eq!(step.status.phase, TrainingPhase::Failed);
        assert_eq!(
            step.status.reason.as_deref(),
            Some("Error (exit code 2): error: dataset has no scores")
        );
        assert!(step.event.unwrap().0);

        let mut bad = spec();
        bad.volumes[0].read_only = true;
        let step = decide_training(&bad, None, None, "m-train", NOW);
        assert!(!step.create_job);
        assert!(step.status.reason.unwrap().contains("read-only"));

        let done_no_result = ChildView {
            finished: Some(Finished::Complete),
            ..ChildView::default()
        };
        let step = decide_training(
            &spec(),
            Some(&running),
            Some(&done_no_result),
            "m-train",
            NOW,
        );
        assert_eq!(step.status.phase, TrainingPhase::Failed);
    }

    #[test]
    fn the_job_runs_vmafx_train() {
        let training = VmafxModelTraining::new("m", spec());
        let job = crate::training::build::training_job(&training, "img");
        let c = &job.spec.unwrap().template.spec.unwrap().containers[0];
        assert!(c.command.as_ref().unwrap()[2]
            .contains("vmafx train --dataset \"$DATASET\" -o \"$OUTPUT\""));
        let env: std::collections::BTreeMap<_, _> = c
            .env
            .iter()
            .flatten()
            .map(|e| (e.name.as_str(), e.value.clone().unwrap()))
            .collect();
        assert_eq!(env["DATASET"], "/data/set.json");
        assert_eq!(env["OUTPUT"], "/data/model.json");
        assert_eq!(env["VMAFX_TRAIN_CHECKPOINT_INTERVAL"], "1000");
    }
}
