//! The VmafxJob state machine, transition by transition.

use std::collections::BTreeMap;

use super::decide::*;
use super::placement::{Admission, Placement};
use crate::crd::{GpuVendor, JobPhase, VmafxJobSpec, VmafxJobStatus};
use crate::test_support::vmjob;

const NOW: &str = "2026-01-01T00:00:00Z";

fn spec() -> VmafxJobSpec {
    vmjob("clip", 0).spec
}

fn observed(score: Option<ChildView>, admission: Option<Admission>) -> Observed {
    Observed {
        score,
        merge: None,
        admission,
        now: NOW.into(),
        score_job_name: "clip-score".into(),
    }
}

fn on_pool(pool: &str) -> Placement {
    Placement {
        pool: Some(pool.into()),
        vendor: Some(GpuVendor::Nvidia),
        node_selector: BTreeMap::new(),
        image: None,
    }
}

fn reasons(d: &Decision) -> Vec<&str> {
    d.events.iter().map(|e| e.reason.as_str()).collect()
}

#[test]
fn pending_then_running_then_succeeded_with_the_score() {
    // Admitted: the Job is created, the status stays Pending on its pool.
    let d = decide(
        &spec(),
        None,
        &observed(None, Some(Admission::Admit(on_pool("h100")))),
    );
    assert_eq!(d.create, Some(Create::Score(on_pool("h100"))));
    assert_eq!(d.status.phase, JobPhase::Pending);
    assert_eq!(d.status.pool.as_deref(), Some("h100"));
    assert_eq!(d.status.job_name.as_deref(), Some("clip-score"));
    assert_eq!(reasons(&d), ["Admitted"]);
    let pending = d.status;

    // A pod runs: Running, with its node and start time.
    let running_job = ChildView {
        active: 1,
        start_time: Some("2026-01-01T00:00:05Z".into()),
        node_name: Some("gpu-node-7".into()),
        ..ChildView::default()
    };
    let d = decide(
        &spec(),
        Some(&pending),
        &observed(Some(running_job.clone()), None),
    );
    assert_eq!(d.create, None);
    assert_eq!(d.status.phase, JobPhase::Running);
    assert_eq!(d.status.node.as_deref(), Some("gpu-node-7"));
    assert_eq!(d.status.start_time.as_deref(), Some("2026-01-01T00:00:05Z"));
    assert_eq!(reasons(&d), ["Started"]);
    let running = d.status;

    // Seen again while running: nothing changes, no event.
    let d = decide(&spec(), Some(&running), &observed(Some(running_job), None));
    assert_eq!(d.status, running);
    assert!(d.events.is_empty());

    // Complete: the score comes from the pod's termination message.
    let done = ChildView {
        active: 0,
        finished: Some(Finished::Complete),
        completion_time: Some("2026-01-01T00:01:00Z".into()),
        result: Some(r#"{"pooled":{"vmaf":91.234567,"psnr_y":40.5}}"#.into()),
        node_name: Some("gpu-node-7".into()),
        ..ChildView::default()
    };
    let d = decide(&spec(), Some(&running), &observed(Some(done), None));
    assert_eq!(d.status.phase, JobPhase::Succeeded);
    assert_eq!(d.status.score, Some(91.234567));
    assert_eq!(d.status.pooled["psnr_y"], 40.5);
    assert_eq!(
        d.status.completion_time.as_deref(),
        Some("2026-01-01T00:01:00Z")
    );
    assert_eq!(reasons(&d), ["Succeeded"]);
    assert_eq!(d.events[0].note, "VMAF 91.234567");
    assert!(d
        .status
        .conditions
        .iter()
        .any(|c| c.type_ == "Complete" && c.status == "True"));

    // Terminal: nothing more happens.
    let end = d.status.clone();
    let again = decide(&spec(), Some(&end), &observed(None, None));
    assert_eq!(again.status, end);
    assert!(again.events.is_empty() && again.create.is_none());
}

#[test]
fn a_failed_pod_fails_the_job_with_its_reason() {
    let running = VmafxJobStatus {
        phase: JobPhase::Running,
        job_name: Some("clip-score".into()),
        ..VmafxJobStatus::default()
    };
    let failed = ChildView {
        finished: Some(Finished::Failed(
            "Job has reached the specified backoff limit".into(),
        )),
        failure: Some("Error (exit code 1): error: cannot open /media/dist.y4m".into()),
        ..ChildView::default()
    };
    let d = decide(&spec(), Some(&running), &observed(Some(failed), None));
    assert_eq!(d.status.phase, JobPhase::Failed);
    assert_eq!(
        d.status.reason.as_deref(),
        Some("Error (exit code 1): error: cannot open /media/dist.y4m")
    );
    assert_eq!(reasons(&d), ["Failed"]);
    assert!(d.events[0].warning);
    assert!(d
        .status
        .conditions
        .iter()
        .any(|c| c.type_ == "Failed" && c.reason == "ScoringFailed"));
}

#[test]
fn without_a_pod_message_the_job_condition_is_the_reason() {
    let failed = ChildView {
        finished: Some(Finished::Failed("DeadlineExceeded".into())),
        ..ChildView::default()
    };
    let d = decide(&spec(), None, &observed(Some(failed), None));
    assert_eq!(d.status.reason.as_deref(), Some("DeadlineExceeded"));
}

#[test]
fn a_result_that_is_not_json_fails_clearly() {
    let done = ChildView {
        finished: Some(Finished::Complete),
        result: Some("Segmentation fault".into()),
        ..ChildView::default()
    };
    let d = decide(&spec(), None, &observed(Some(done), None));
    assert_eq!(d.status.phase, JobPhase::Failed);
    assert!(d.status.reason.unwrap().contains("not the expected JSON"));
}

#[test]
fn waiting_for_capacity_requeues_and_reports_once() {
    let wait = Admission::Wait("waiting for capacity: every matching pool is full".into());
    let d = decide(&spec(), None, &observed(None, Some(wait.clone())));
    assert_eq!(d.create, None);
    assert_eq!(d.status.phase, JobPhase::Pending);
    assert_eq!(d.requeue, Some(WAIT_REQUEUE));
    assert_eq!(reasons(&d), ["Waiting"]);
    let again = decide(&spec(), Some(&d.status), &observed(None, Some(wait)));
    assert!(
        again.events.is_empty(),
        "the same wait is not reported twice"
    );
}

#[test]
fn a_deleted_job_fails_the_run() {
    let pending = VmafxJobStatus {
        job_name: Some("clip-score".into()),
        ..VmafxJobStatus::default()
    };
    let d = decide(&spec(), Some(&pending), &observed(None, None));
    assert_eq!(d.status.phase, JobPhase::Failed);
    assert!(d.status.reason.unwrap().contains("deleted"));
}

#[test]
fn an_invalid_spec_fails_without_creating_anything() {
    let mut bad = spec();
    bad.reference = "s3://bucket/ref.y4m".into();
    let d = decide(
        &bad,
        None,
        &observed(None, Some(Admission::Admit(on_pool("p")))),
    );
    assert_eq!(d.create, None);
    assert_eq!(d.status.phase, JobPhase::Failed);
    assert!(d.status.reason.unwrap().contains("\"s3\" is not supported"));
}

#[test]
fn segments_are_merged_before_the_score() {
    let mut spec = spec();
    spec.segments = 4;
    spec.frame_count = Some(1000);
    spec.volumes[0].read_only = false;
    spec.output_dir = Some("file:///media/out".into());
    let scored = ChildView {
        finished: Some(Finished::Complete),
        ..ChildView::default()
    };
    let running = VmafxJobStatus {
        phase: JobPhase::Running,
        job_name: Some("clip-score".into()),
        ..VmafxJobStatus::default()
    };
    let mut obs = observed(Some(scored), None);
    let d = decide(&spec, Some(&running), &obs);
    assert_eq!(d.create, Some(Create::Merge));
    assert_eq!(d.status.phase, JobPhase::Running);
    assert_eq!(reasons(&d), ["Merging"]);

    obs.merge = Some(ChildView {
        finished: Some(Finished::Complete),
        result: Some(r#"{"pooled":{"vmaf":88.5}}"#.into()),
        ..ChildView::default()
    });
    let d = decide(&spec, Some(&running), &obs);
    assert_eq!(d.status.phase, JobPhase::Succeeded);
    assert_eq!(d.status.score, Some(88.5));
}
