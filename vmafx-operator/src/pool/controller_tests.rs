//! The VmafxNode reconciler against a scripted API server.

use std::sync::Arc;

use serde_json::json;

use super::controller::{reconcile, PROBE_INTERVAL};
use crate::context::{Context, Settings};
use crate::crd::{GpuVendor, VmafxNode, VmafxNodeSpec};
use crate::metrics::Metrics;
use crate::test_support::{list, mock_api, Expect};

#[tokio::test]
async fn a_pool_gets_its_objects_and_an_unreachable_server_is_unhealthy() {
    let mut node = VmafxNode::new(
        "h100",
        VmafxNodeSpec {
            gpu_vendor: GpuVendor::Nvidia,
            capacity: 2,
            image: "vmafx:nvidia".into(),
            node_selector: [("pool".to_owned(), "h100".to_owned())].into(),
        },
    );
    node.metadata.namespace = Some("ns".into());
    node.metadata.uid = Some("uid-h100".into());
    let token = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "h100-pool"}, "data": {"token": "c2VjcmV0"}});
    let running = json!({
        "apiVersion": "vmafx.dev/v1", "kind": "VmafxJob", "metadata": {"name": "a", "namespace": "ns"},
        "spec": {"reference": "file:///m/r.y4m", "distorted": "file:///m/d.y4m", "volumes": [{"claimName": "c", "mountPath": "/m"}]},
        "status": {"phase": "Running", "jobName": "a-score", "pool": "h100"}
    });
    let ok =
        |kind: &str| json!({"apiVersion": "v1", "kind": kind, "metadata": {"name": "h100-pool"}});
    let script = vec![
        Expect::ok("GET", "/api/v1/namespaces/ns/secrets/h100-pool", token),
        Expect::ok(
            "PATCH",
            "/apis/apps/v1/namespaces/ns/deployments/h100-pool",
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "h100-pool"}}),
        ),
        Expect::ok(
            "PATCH",
            "/api/v1/namespaces/ns/services/h100-pool",
            ok("Service"),
        ),
        Expect::ok(
            "GET",
            "/apis/vmafx.dev/v1/namespaces/ns/vmafxjobs",
            list("VmafxJobList", vec![running]),
        ),
        Expect::ok(
            "PATCH",
            "/apis/vmafx.dev/v1/namespaces/ns/vmafxnodes/h100/status",
            serde_json::to_value(&node).unwrap(),
        ),
        Expect::ok(
            "POST",
            "/apis/events.k8s.io/v1/namespaces/ns/events",
            json!({"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "e"}, "eventTime": null}),
        ),
    ];
    let (client, api) = mock_api(script);
    let ctx = Arc::new(Context::new(
        client,
        Settings::default(),
        Arc::new(Metrics::default()),
        None,
    ));
    let action = reconcile(Arc::new(node), ctx).await.unwrap();
    let seen = api.await.unwrap();

    let deployment = &seen[1].2;
    assert_eq!(
        deployment["kind"], "Deployment",
        "server-side apply needs apiVersion and kind"
    );
    assert_eq!(
        deployment["metadata"]["ownerReferences"][0]["kind"],
        "VmafxNode"
    );
    let pod = &deployment["spec"]["template"]["spec"];
    assert_eq!(pod["nodeSelector"]["pool"], "h100");
    let container = &pod["containers"][0];
    assert_eq!(container["resources"]["limits"]["nvidia.com/gpu"], "1");
    assert_eq!(container["livenessProbe"]["httpGet"]["path"], "/healthz");
    assert_eq!(container["securityContext"]["readOnlyRootFilesystem"], true);
    // The probe of h100-pool.ns.svc cannot resolve here: never answered, unhealthy.
    let status = &seen[4].2["status"];
    assert_eq!(status["healthy"], false);
    assert_eq!(status["jobs"], 1);
    assert!(
        status["conditions"][0]["message"]
            .as_str()
            .unwrap()
            .contains("never answered"),
        "{status}"
    );
    assert_eq!(seen[5].2["reason"], "Unhealthy");
    assert_eq!(
        action,
        kube::runtime::controller::Action::requeue(PROBE_INTERVAL)
    );
}
