//! Builders of resources for the tests.

use kube::api::ObjectMeta;

use crate::crd::{MediaVolume, VmafxJob, VmafxJobSpec};

/// A valid single-segment VmafxJob `name` in namespace `ns`, with a uid (owner refs need one).
pub fn vmjob(name: &str, priority: i32) -> VmafxJob {
    let mut job = VmafxJob::new(
        name,
        VmafxJobSpec {
            reference: "file:///media/ref.y4m".into(),
            distorted: "file:///media/dist.y4m".into(),
            volumes: vec![MediaVolume {
                claim_name: "clips".into(),
                mount_path: "/media".into(),
                read_only: true,
            }],
            model: None,
            features: vec![],
            backend: Default::default(),
            priority,
            segments: 1,
            frame_count: None,
            output_dir: None,
            image: None,
        },
    );
    job.metadata = ObjectMeta {
        name: Some(name.into()),
        namespace: Some("ns".into()),
        uid: Some(format!("uid-{name}")),
        creation_timestamp: None,
        ..ObjectMeta::default()
    };
    job
}

/// One call the fake API server expects, in order, and its answer.
pub struct Expect {
    /// `GET`, `POST`, `PATCH`, `PUT`.
    pub method: &'static str,
    /// The request path, e.g. `/apis/batch/v1/namespaces/ns/jobs/clip-score`.
    pub path: String,
    /// The HTTP status to answer.
    pub status: u16,
    /// The JSON to answer.
    pub body: serde_json::Value,
}

impl Expect {
    /// Expects `method path`, answers `200 body`.
    pub fn ok(method: &'static str, path: impl Into<String>, body: serde_json::Value) -> Self {
        Expect {
            method,
            path: path.into(),
            status: 200,
            body,
        }
    }

    /// Expects `method path`, answers 404 NotFound.
    pub fn not_found(method: &'static str, path: impl Into<String>) -> Self {
        Expect {
            method,
            path: path.into(),
            status: 404,
            body: serde_json::json!({
                "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": "not found", "reason": "NotFound", "code": 404
            }),
        }
    }
}

/// The calls a mock API saw: method, path, JSON body.
pub type Seen = Vec<(String, String, serde_json::Value)>;

/// A kube Client over a tower-test mock that answers `script` in order, and a handle that
/// yields the JSON bodies the client sent (method, path, body) once the script is done.
pub fn mock_api(script: Vec<Expect>) -> (kube::Client, tokio::task::JoinHandle<Seen>) {
    use http::{Request, Response};
    use kube::client::Body;

    let (service, handle) = tower_test::mock::pair::<Request<Body>, Response<Body>>();
    let task = tokio::spawn(async move {
        let mut handle = Box::pin(handle);
        let mut seen = Vec::new();
        for expect in script {
            let (request, send) = handle.next_request().await.unwrap_or_else(|| {
                panic!(
                    "the reconciler stopped before {} {}",
                    expect.method, expect.path
                )
            });
            let method = request.method().to_string();
            let path = request.uri().path().to_owned();
            assert_eq!(
                (method.as_str(), path.as_str()),
                (expect.method, expect.path.as_str()),
                "unexpected call (query: {:?})",
                request.uri().query()
            );
            let bytes = request
                .into_body()
                .collect_bytes()
                .await
                .unwrap_or_default();
            let body = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
            seen.push((method, path, body));
            let response = Response::builder()
                .status(expect.status)
                .header("content-type", "application/json")
                .body(Body::from(serde_json::to_vec(&expect.body).unwrap()))
                .unwrap();
            send.send_response(response);
        }
        seen
    });
    (kube::Client::new(service, "default"), task)
}

/// An empty list answer of `kind`.
pub fn list(kind: &str, items: Vec<serde_json::Value>) -> serde_json::Value {
    serde_json::json!({ "apiVersion": "v1", "kind": kind, "metadata": {"resourceVersion": "1"}, "items": items })
}
