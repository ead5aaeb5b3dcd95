//! The VmafxJob state machine, pure: what the operator saw goes in, the status to write,
//! the Job to create and the events to publish come out.

use std::time::Duration;

use super::placement::{Admission, Placement};
use super::result::parse_termination_message;
use crate::crd::{set_condition, Condition, JobPhase, VmafxJobSpec, VmafxJobStatus};
use crate::validate;

/// How a Kubernetes Job ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Finished {
    /// Its Complete condition is True.
    Complete,
    /// Its Failed condition is True, with the condition's message.
    Failed(String),
}

/// A child Job as the state machine needs it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChildView {
    /// Pods running now.
    pub active: i32,
    /// Set once the Job ended.
    pub finished: Option<Finished>,
    /// RFC 3339 time the Job started.
    pub start_time: Option<String>,
    /// RFC 3339 time it completed.
    pub completion_time: Option<String>,
    /// The termination message of its succeeded pod.
    pub result: Option<String>,
    /// What its failed pod said (reason, exit code, log tail).
    pub failure: Option<String>,
    /// The Kubernetes node its pod ran on.
    pub node_name: Option<String>,
}

/// Everything observed for one VmafxJob.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    /// The scoring Job, if it exists.
    pub score: Option<ChildView>,
    /// The merge Job (segmented runs), if it exists.
    pub merge: Option<ChildView>,
    /// Placement's verdict; asked only while no scoring Job exists.
    pub admission: Option<Admission>,
    /// RFC 3339 now.
    pub now: String,
    /// The name the scoring Job has (or gets).
    pub score_job_name: String,
}

/// A Job to create.
#[derive(Debug, Clone, PartialEq)]
pub enum Create {
    /// The scoring Job, placed.
    Score(Placement),
    /// The merge Job.
    Merge,
}

/// An event to publish on the VmafxJob.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    /// Warning rather than Normal.
    pub warning: bool,
    /// CamelCase reason.
    pub reason: String,
    /// Text.
    pub note: String,
}

/// What to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// A Job to create first.
    pub create: Option<Create>,
    /// The status to write (written only when it differs from the current one).
    pub status: VmafxJobStatus,
    /// Events, one per transition.
    pub events: Vec<Note>,
    /// Look again after this long (waiting for capacity); `None`: on the next change.
    pub requeue: Option<Duration>,
}

/// How often a waiting job asks for capacity again.
pub const WAIT_REQUEUE: Duration = Duration::from_secs(15);

/// The next step of a VmafxJob.
pub fn decide(
    spec: &VmafxJobSpec,
    current: Option<&VmafxJobStatus>,
    observed: &Observed,
) -> Decision {
    let before = current.cloned().unwrap_or_default();
    let mut step = Decision {
        create: None,
        status: before.clone(),
        events: Vec::new(),
        requeue: None,
    };
    if before.phase.is_terminal() {
        return step;
    }
    let now = observed.now.as_str();
    if let Err(e) = validate::job_spec(spec) {
        fail(&mut step, "InvalidSpec", &e.to_string(), now);
        return finish(step, &before);
    }
    match &observed.score {
        None if before.job_name.is_some() => {
            fail(
                &mut step,
                "JobDeleted",
                "the scoring Job was deleted before it finished",
                now,
            );
        }
        None => admit(&mut step, observed, now),
        Some(score) => match &score.finished {
            None => running(&mut step, score, now),
            Some(Finished::Failed(message)) => {
                let reason = score.failure.clone().unwrap_or_else(|| message.clone());
                fail(&mut step, "ScoringFailed", &reason, now);
            }
            Some(Finished::Complete) if spec.segments > 1 => {
                merge_step(&mut step, score, observed.merge.as_ref(), now)
            }
            Some(Finished::Complete) => succeed(&mut step, score, now),
        },
    }
    finish(step, &before)
}

fn admit(step: &mut Decision, observed: &Observed, now: &str) {
    match observed.admission.as_ref() {
        Some(Admission::Admit(placement)) => {
            let st = &mut step.status;
            st.phase = JobPhase::Pending;
            st.pool = placement.pool.clone();
            st.job_name = Some(observed.score_job_name.clone());
            st.reason = None;
            let where_ = placement
                .pool
                .as_deref()
                .map_or("any node".to_owned(), |p| format!("pool {p}"));
            set_condition(
                &mut st.conditions,
                Condition::new(
                    "Admitted",
                    true,
                    "Placed",
                    &format!("placed on {where_}"),
                    now,
                ),
            );
            step.create = Some(Create::Score(placement.clone()));
        }
        Some(Admission::Wait(why)) => wait(step, why, now),
        None => wait(step, "waiting for admission", now),
    }
}

fn wait(step: &mut Decision, why: &str, now: &str) {
    let st = &mut step.status;
    st.phase = JobPhase::Pending;
    st.reason = Some(why.to_owned());
    set_condition(
        &mut st.conditions,
        Condition::new("Admitted", false, "WaitingForCapacity", why, now),
    );
    step.requeue = Some(WAIT_REQUEUE);
}

fn running(step: &mut Decision, child: &ChildView, now: &str) {
    let st = &mut step.status;
    if child.active > 0 {
        st.phase = JobPhase::Running;
        st.start_time = st
            .start_time
            .clone()
            .or_else(|| child.start_time.clone())
            .or_else(|| Some(now.to_owned()));
    }
    if child.node_name.is_some() {
        st.node = child.node_name.clone();
    }
}

fn merge_step(step: &mut Decision, score: &ChildView, merge: Option<&ChildView>, now: &str) {
    if score.node_name.is_some() {
        step.status.node = score.node_name.clone();
    }
    match merge {
        None => {
            step.status.phase = JobPhase::Running;
            step.status.start_time = step
                .status
                .start_time
                .clone()
                .or_else(|| score.start_time.clone());
            step.create = Some(Create::Merge);
        }
        Some(m) => match &m.finished {
            None => step.status.phase = JobPhase::Running,
            Some(Finished::Failed(message)) => {
                let reason = m.failure.clone().unwrap_or_else(|| message.clone());
                fail(step, "MergeFailed", &reason, now);
            }
            Some(Finished::Complete) => succeed(step, m, now),
        },
    }
}

fn succeed(step: &mut Decision, child: &ChildView, now: &str) {
    let Some(text) = child.result.as_deref() else {
        fail(
            step,
            "NoResult",
            "the Job completed but its pod left no result",
            now,
        );
        return;
    };
    match parse_termination_message(text) {
        Ok(result) => {
            let st = &mut step.status;
            st.phase = JobPhase::Succeeded;
            st.score = result.score;
            st.pooled = result.pooled;
            st.reason = None;
            if child.node_name.is_some() {
                st.node = child.node_name.clone();
            }
            st.start_time = st.start_time.clone().or_else(|| child.start_time.clone());
            st.completion_time = child
                .completion_time
                .clone()
                .or_else(|| Some(now.to_owned()));
            set_condition(
                &mut st.conditions,
                Condition::new("Complete", true, "Scored", "", now),
            );
        }
        Err(e) => fail(step, "NoResult", &e, now),
    }
}

fn fail(step: &mut Decision, reason: &str, message: &str, now: &str) {
    let st = &mut step.status;
    st.phase = JobPhase::Failed;
    st.reason = Some(message.to_owned());
    st.completion_time = Some(now.to_owned());
    set_condition(
        &mut st.conditions,
        Condition::new("Failed", true, reason, message, now),
    );
    step.create = None;
    step.requeue = None;
}

/// Adds the events of the transition from `before`.
fn finish(mut step: Decision, before: &VmafxJobStatus) -> Decision {
    let after = &step.status;
    if let Some(Create::Score(p)) = &step.create {
        let where_ = p
            .pool
            .as_deref()
            .map_or("any node".to_owned(), |p| format!("pool {p}"));
        step.events.push(Note {
            warning: false,
            reason: "Admitted".into(),
            note: format!("scoring Job created, placed on {where_}"),
        });
    }
    if matches!(step.create, Some(Create::Merge)) {
        step.events.push(Note {
            warning: false,
            reason: "Merging".into(),
            note: "every segment scored; merge Job created".into(),
        });
    }
    if after.phase == JobPhase::Pending && after.reason != before.reason {
        if let Some(why) = &after.reason {
            step.events.push(Note {
                warning: false,
                reason: "Waiting".into(),
                note: why.clone(),
            });
        }
    }
    if after.phase != before.phase {
        let note = match after.phase {
            JobPhase::Pending => None,
            JobPhase::Running => Some(Note {
                warning: false,
                reason: "Started".into(),
                note: format!("scoring on {}", after.node.as_deref().unwrap_or("a node")),
            }),
            JobPhase::Succeeded => Some(Note {
                warning: false,
                reason: "Succeeded".into(),
                note: after.score.map_or_else(
                    || "scored (no VMAF model)".to_owned(),
                    |s| format!("VMAF {s:.6}"),
                ),
            }),
            JobPhase::Failed => Some(Note {
                warning: true,
                reason: "Failed".into(),
                note: after.reason.clone().unwrap_or_default(),
            }),
        };
        step.events.extend(note);
    }
    step
}
