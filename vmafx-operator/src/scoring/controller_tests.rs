//! The VmafxJob reconciler against a scripted API server: the calls it makes, in order,
//! and what it writes.

use std::sync::Arc;

use serde_json::{json, Value};

use super::controller::reconcile;
use crate::context::{Context, Settings};
use crate::crd::{JobPhase, VmafxJob, VmafxJobStatus};
use crate::metrics::Metrics;
use crate::test_support::{list, mock_api, vmjob, Expect};

const JOBS: &str = "/apis/batch/v1/namespaces/ns/jobs";
const PODS: &str = "/api/v1/namespaces/ns/pods";
const VMJOBS: &str = "/apis/vmafx.dev/v1/namespaces/ns/vmafxjobs";
const VMNODES: &str = "/apis/vmafx.dev/v1/namespaces/ns/vmafxnodes";
const EVENTS: &str = "/apis/events.k8s.io/v1/namespaces/ns/events";

fn context(client: kube::Client) -> Arc<Context> {
    Arc::new(Context::new(
        client,
        Settings::default(),
        Arc::new(Metrics::default()),
        Some("test".into()),
    ))
}

fn with_status(mut job: VmafxJob, status: VmafxJobStatus) -> VmafxJob {
    job.status = Some(status);
    job
}

fn as_json(job: &VmafxJob) -> Value {
    serde_json::to_value(job).unwrap()
}

fn patched_status(seen: &[(String, String, Value)]) -> Value {
    seen.iter()
        .find(|(m, p, _)| m == "PATCH" && p.ends_with("/status"))
        .map(|s| s.2["status"].clone())
        .expect("no status patch")
}

#[tokio::test]
async fn a_new_job_is_admitted_and_its_owned_job_created() {
    let vm = vmjob("clip", 0);
    let script = vec![
        Expect::not_found("GET", format!("{JOBS}/clip-score")),
        Expect::ok("GET", VMJOBS, list("VmafxJobList", vec![as_json(&vm)])),
        Expect::ok("GET", VMNODES, list("VmafxNodeList", vec![])),
        Expect::ok(
            "POST",
            JOBS,
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "clip-score"}}),
        ),
        Expect::ok("PATCH", format!("{VMJOBS}/clip/status"), as_json(&vm)),
        Expect::ok(
            "POST",
            EVENTS,
            json!({"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e"}, "eventTime": null}),
        ),
    ];
    let (client, api) = mock_api(script);
    reconcile(Arc::new(vm), context(client)).await.unwrap();
    let seen = api.await.unwrap();

    let created = &seen[3].2;
    let owner = &created["metadata"]["ownerReferences"][0];
    assert_eq!(owner["kind"], "VmafxJob");
    assert_eq!(owner["uid"], "uid-clip");
    assert_eq!(owner["controller"], true);
    assert_eq!(
        owner["blockOwnerDeletion"], true,
        "deleting the VmafxJob cascades to its Job"
    );
    let status = patched_status(&seen);
    assert_eq!(status["phase"], "Pending");
    assert_eq!(status["jobName"], "clip-score");
    assert_eq!(seen[5].2["reason"], "Admitted");
}

#[tokio::test]
async fn a_completed_job_fills_score_and_node() {
    let vm = with_status(
        vmjob("clip", 0),
        VmafxJobStatus {
            phase: JobPhase::Running,
            job_name: Some("clip-score".into()),
            ..VmafxJobStatus::default()
        },
    );
    let job = json!({
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "clip-score", "namespace": "ns"},
        "status": {
            "succeeded": 1,
            "startTime": "2026-01-01T00:00:00Z", "completionTime": "2026-01-01T00:02:00Z",
            "conditions": [{"type": "Complete", "status": "True"}]
        }
    });
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "clip-score-abcde"},
        "spec": {"nodeName": "gpu-3", "containers": [{"name": "vmafx"}]},
        "status": {"phase": "Succeeded", "containerStatuses": [{
            "name": "vmafx", "image": "img", "imageID": "", "ready": false, "restartCount": 0,
            "state": {"terminated": {"exitCode": 0, "message": "{\"pooled\":{\"vmaf\":76.667938,\"float_ssim\":0.97}}"}}
        }]}
    });
    let script = vec![
        Expect::ok("GET", format!("{JOBS}/clip-score"), job),
        Expect::ok("GET", PODS, list("PodList", vec![pod])),
        Expect::ok("PATCH", format!("{VMJOBS}/clip/status"), as_json(&vm)),
        Expect::ok(
            "POST",
            EVENTS,
            json!({"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e"}, "eventTime": null}),
        ),
    ];
    let (client, api) = mock_api(script);
    reconcile(Arc::new(vm), context(client)).await.unwrap();
    let seen = api.await.unwrap();
    let status = patched_status(&seen);
    assert_eq!(status["phase"], "Succeeded");
    assert_eq!(status["score"], 76.667938);
    assert_eq!(status["pooled"]["float_ssim"], 0.97);
    assert_eq!(status["node"], "gpu-3");
    assert_eq!(status["completionTime"], "2026-01-01T00:02:00Z");
    assert_eq!(seen[3].2["reason"], "Succeeded");
}

#[tokio::test]
async fn a_failed_job_records_the_pods_reason() {
    let vm = with_status(
        vmjob("clip", 0),
        VmafxJobStatus {
            phase: JobPhase::Running,
            job_name: Some("clip-score".into()),
            ..VmafxJobStatus::default()
        },
    );
    let job = json!({
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "clip-score"},
        "status": {"failed": 1, "conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded", "message": "Job has reached the specified backoff limit"}]}
    });
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "clip-score-x"},
        "status": {"phase": "Failed", "containerStatuses": [{
            "name": "vmafx", "image": "img", "imageID": "", "ready": false, "restartCount": 0,
            "state": {"terminated": {"exitCode": 1, "reason": "Error", "message": "error: frame sizes differ (1920x1080 vs 1280x720)\n"}}
        }]}
    });
    let script = vec![
        Expect::ok("GET", format!("{JOBS}/clip-score"), job),
        Expect::ok("GET", PODS, list("PodList", vec![pod])),
        Expect::ok("PATCH", format!("{VMJOBS}/clip/status"), as_json(&vm)),
        Expect::ok(
            "POST",
            EVENTS,
            json!({"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e"}, "eventTime": null}),
        ),
    ];
    let (client, api) = mock_api(script);
    reconcile(Arc::new(vm), context(client)).await.unwrap();
    let seen = api.await.unwrap();
    let status = patched_status(&seen);
    assert_eq!(status["phase"], "Failed");
    assert_eq!(
        status["reason"],
        "Error (exit code 1): error: frame sizes differ (1920x1080 vs 1280x720)"
    );
    assert_eq!(seen[3].2["type"], "Warning");
    assert_eq!(seen[3].2["reason"], "Failed");
}

#[tokio::test]
async fn a_lower_priority_job_waits_while_a_higher_one_takes_the_pool() {
    let mut high = vmjob("high", 100);
    high.metadata.creation_timestamp = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
        "2026-01-02T00:00:00Z".parse().unwrap(),
    ));
    let mut low = vmjob("low", 1);
    low.metadata.creation_timestamp = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
        "2026-01-01T00:00:00Z".parse().unwrap(),
    ));
    let now = crate::time::now_rfc3339();
    let pool = json!({
        "apiVersion": "vmafx.dev/v1", "kind": "VmafxNode", "metadata": {"name": "h100", "namespace": "ns"},
        "spec": {"gpuVendor": "nvidia", "capacity": 1, "image": "vmafx:nvidia"},
        "status": {"healthy": true, "lastHeartbeat": now, "jobs": 0}
    });
    // The low-priority job reconciles first, but the one slot belongs to "high".
    let script = vec![
        Expect::not_found("GET", format!("{JOBS}/low-score")),
        Expect::ok(
            "GET",
            VMJOBS,
            list("VmafxJobList", vec![as_json(&low), as_json(&high)]),
        ),
        Expect::ok("GET", VMNODES, list("VmafxNodeList", vec![pool])),
        Expect::ok("PATCH", format!("{VMJOBS}/low/status"), as_json(&low)),
        Expect::ok(
            "POST",
            EVENTS,
            json!({"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e"}, "eventTime": null}),
        ),
    ];
    let (client, api) = mock_api(script);
    let action = reconcile(Arc::new(low), context(client)).await.unwrap();
    let seen = api.await.unwrap();
    assert!(
        !seen.iter().any(|(m, p, _)| m == "POST" && p == JOBS),
        "low must not start"
    );
    let status = patched_status(&seen);
    assert_eq!(status["phase"], "Pending");
    assert!(
        status["reason"].as_str().unwrap().contains("capacity"),
        "{status}"
    );
    assert_eq!(
        action,
        kube::runtime::controller::Action::requeue(super::decide::WAIT_REQUEUE)
    );
}
