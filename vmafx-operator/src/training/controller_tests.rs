//! The VmafxModelTraining reconciler against a scripted API server.

use std::sync::Arc;

use serde_json::json;

use super::controller::reconcile;
use crate::context::{Context, Settings};
use crate::crd::{
    Checkpoint, MediaVolume, TrainingPhase, VmafxModelTraining, VmafxModelTrainingSpec,
    VmafxModelTrainingStatus,
};
use crate::metrics::Metrics;
use crate::test_support::{list, mock_api, Expect};

const JOBS: &str = "/apis/batch/v1/namespaces/ns/jobs";
const EVENTS: &str = "/apis/events.k8s.io/v1/namespaces/ns/events";
const STATUS: &str = "/apis/vmafx.dev/v1/namespaces/ns/vmafxmodeltrainings/mobile/status";

fn training(status: Option<VmafxModelTrainingStatus>) -> VmafxModelTraining {
    let mut t = VmafxModelTraining::new(
        "mobile",
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
        },
    );
    t.metadata.namespace = Some("ns".into());
    t.metadata.uid = Some("uid-mobile".into());
    t.status = status;
    t
}

fn event() -> serde_json::Value {
    json!({"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e"}, "eventTime": null})
}

fn context(client: kube::Client) -> Arc<Context> {
    Arc::new(Context::new(
        client,
        Settings::default(),
        Arc::new(Metrics::default()),
        None,
    ))
}

#[tokio::test]
async fn a_new_training_creates_its_owned_job() {
    let t = training(None);
    let (client, api) = mock_api(vec![
        Expect::not_found("GET", format!("{JOBS}/mobile-train")),
        Expect::ok(
            "POST",
            JOBS,
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "mobile-train"}}),
        ),
        Expect::ok("PATCH", STATUS, serde_json::to_value(&t).unwrap()),
        Expect::ok("POST", EVENTS, event()),
    ]);
    reconcile(Arc::new(t), context(client)).await.unwrap();
    let seen = api.await.unwrap();
    assert_eq!(
        seen[1].2["metadata"]["ownerReferences"][0]["kind"],
        "VmafxModelTraining"
    );
    assert_eq!(seen[2].2["status"]["phase"], "Pending");
    assert_eq!(seen[2].2["status"]["jobName"], "mobile-train");
    assert_eq!(seen[3].2["reason"], "Created");
}

#[tokio::test]
async fn a_finished_training_reports_samples_and_version() {
    let t = training(Some(VmafxModelTrainingStatus {
        phase: TrainingPhase::Running,
        job_name: Some("mobile-train".into()),
        ..Default::default()
    }));
    let job = json!({
        "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "mobile-train"},
        "status": {"succeeded": 1, "conditions": [{"type": "Complete", "status": "True"}]}
    });
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "mobile-train-x"},
        "status": {"phase": "Succeeded", "containerStatuses": [{
            "name": "vmafx", "image": "img", "imageID": "", "ready": false, "restartCount": 0,
            "state": {"terminated": {"exitCode": 0, "message": "{\"samples\":5120,\"modelVersion\":\"vmaf_v0.6.1-0123456789ab\"}"}}
        }]}
    });
    let (client, api) = mock_api(vec![
        Expect::ok("GET", format!("{JOBS}/mobile-train"), job),
        Expect::ok(
            "GET",
            "/api/v1/namespaces/ns/pods",
            list("PodList", vec![pod]),
        ),
        Expect::ok("PATCH", STATUS, serde_json::to_value(&t).unwrap()),
        Expect::ok("POST", EVENTS, event()),
    ]);
    reconcile(Arc::new(t), context(client)).await.unwrap();
    let seen = api.await.unwrap();
    let status = &seen[2].2["status"];
    assert_eq!(status["phase"], "Succeeded");
    assert_eq!(status["samples"], 5120);
    assert_eq!(status["modelVersion"], "vmaf_v0.6.1-0123456789ab");
    assert_eq!(seen[3].2["reason"], "Succeeded");
}
