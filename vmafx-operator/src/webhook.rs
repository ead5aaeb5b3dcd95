//! The validating admission webhook: refuses what the CRD schema cannot (model and feature
//! names vmafx knows, paths on mounted volumes, `..`), with a message naming the field.
//! Off by default; served over TLS from a mounted certificate.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use kube::core::admission::{AdmissionRequest, AdmissionResponse, AdmissionReview};
use kube::core::DynamicObject;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

use crate::crd::{VmafxJobSpec, VmafxModelTrainingSpec, VmafxNodeSpec};
use crate::error::{Error, Result};
use crate::validate;

/// The path the ValidatingWebhookConfiguration calls.
pub const PATH: &str = "/validate";

/// Why `request` must be refused, or `None` to allow it.
pub fn refusal(request: &AdmissionRequest<DynamicObject>) -> Option<String> {
    let object = request.object.as_ref()?; // DELETE carries no object: allowed
    let spec = object.data.get("spec").cloned().unwrap_or_default();
    let checked = match request.kind.kind.as_str() {
        "VmafxJob" => serde_json::from_value::<VmafxJobSpec>(spec)
            .map_err(|e| Error::InvalidSpec(e.to_string()))
            .and_then(|s| validate::job_spec(&s)),
        "VmafxNode" => serde_json::from_value::<VmafxNodeSpec>(spec)
            .map_err(|e| Error::InvalidSpec(e.to_string()))
            .and_then(|s| validate::node_spec(&s)),
        "VmafxModelTraining" => serde_json::from_value::<VmafxModelTrainingSpec>(spec)
            .map_err(|e| Error::InvalidSpec(e.to_string()))
            .and_then(|s| validate::training_spec(&s)),
        other => Err(Error::InvalidSpec(format!(
            "this webhook does not validate {other}"
        ))),
    };
    checked.err().map(|e| e.to_string())
}

/// Answers one AdmissionReview body.
pub fn review(body: &[u8]) -> std::result::Result<AdmissionReview<DynamicObject>, String> {
    let review: AdmissionReview<DynamicObject> =
        serde_json::from_slice(body).map_err(|e| format!("not an AdmissionReview: {e}"))?;
    let request: AdmissionRequest<DynamicObject> = review
        .try_into()
        .map_err(|e| format!("AdmissionReview without a request: {e}"))?;
    let response = AdmissionResponse::from(&request);
    let response = match refusal(&request) {
        Some(why) => response.deny(why),
        None => response,
    };
    Ok(response.into_review())
}

async fn handle(body: Bytes) -> Response {
    match review(&body) {
        Ok(review) => axum::Json(review).into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, e).into_response(),
    }
}

/// The webhook's routes (without TLS, for tests and for serving).
pub fn router() -> Router {
    Router::new().route(PATH, post(handle))
}

/// TLS from `dir/tls.crt` and `dir/tls.key` (the layout of a kubernetes.io/tls Secret,
/// as cert-manager writes it).
pub fn tls_config(dir: &Path) -> Result<ServerConfig> {
    let cert_path = dir.join("tls.crt");
    let key_path = dir.join("tls.key");
    let certs = CertificateDer::pem_file_iter(&cert_path)
        .and_then(|i| i.collect::<std::result::Result<Vec<_>, _>>())
        .map_err(|e| Error::Tls(format!("{}: {e}", cert_path.display())))?;
    let key = PrivateKeyDer::from_pem_file(&key_path)
        .map_err(|e| Error::Tls(format!("{}: {e}", key_path.display())))?;
    // ring, as the kube client uses: one crypto stack in the binary. Its deprecation
    // concerns post-quantum key exchange, which API servers do not offer webhooks yet.
    #[allow(deprecated)]
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| Error::Tls(e.to_string()))
}

/// Serves the webhook over TLS on `addr` until the process ends.
pub async fn serve(addr: SocketAddr, tls: ServerConfig) -> Result<()> {
    let listener = TcpListener::bind(addr).await?;
    tracing::info!(%addr, "admission webhook listening");
    let acceptor = TlsAcceptor::from(Arc::new(tls));
    let app = router();
    loop {
        let (tcp, peer) = listener.accept().await?;
        let acceptor = acceptor.clone();
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let stream = match acceptor.accept(tcp).await {
                Ok(s) => s,
                Err(e) => {
                    tracing::debug!(%peer, error = %e, "TLS handshake failed");
                    return;
                }
            };
            if let Err(e) = Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), service)
                .await
            {
                tracing::debug!(%peer, error = %e, "webhook connection ended");
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn admission_review(kind: &str, spec: Value) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "apiVersion": "admission.k8s.io/v1",
            "kind": "AdmissionReview",
            "request": {
                "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
                "kind": {"group": "vmafx.dev", "version": "v1", "kind": kind},
                "resource": {"group": "vmafx.dev", "version": "v1", "resource": format!("{}s", kind.to_lowercase())},
                "requestKind": {"group": "vmafx.dev", "version": "v1", "kind": kind},
                "requestResource": {"group": "vmafx.dev", "version": "v1", "resource": format!("{}s", kind.to_lowercase())},
                "name": "x",
                "namespace": "ns",
                "operation": "CREATE",
                "userInfo": {"username": "alice"},
                "object": {"apiVersion": "vmafx.dev/v1", "kind": kind, "metadata": {"name": "x", "namespace": "ns"}, "spec": spec},
                "oldObject": null,
                "dryRun": false,
                "options": {"apiVersion": "meta.k8s.io/v1", "kind": "CreateOptions"}
            }
        }))
        .unwrap()
    }

    fn job_spec(reference: &str) -> Value {
        json!({
            "reference": reference,
            "distorted": "file:///media/dist.y4m",
            "volumes": [{"claimName": "clips", "mountPath": "/media"}]
        })
    }

    fn answer(body: &[u8]) -> Value {
        let review = review(body).unwrap();
        let value = serde_json::to_value(review).unwrap();
        assert_eq!(
            value["response"]["uid"],
            "705ab4f5-6393-11e8-b7cc-42010a800002"
        );
        value["response"].clone()
    }

    #[test]
    fn allows_a_valid_job() {
        let r = answer(&admission_review(
            "VmafxJob",
            job_spec("file:///media/ref.y4m"),
        ));
        assert_eq!(r["allowed"], true, "{r}");
    }

    #[test]
    fn denies_other_uri_schemes_with_a_message() {
        let r = answer(&admission_review(
            "VmafxJob",
            job_spec("s3://bucket/ref.y4m"),
        ));
        assert_eq!(r["allowed"], false);
        let message = r["status"]["message"].as_str().unwrap();
        assert!(
            message.contains("spec.reference") && message.contains("\"s3\" is not supported"),
            "{message}"
        );
    }

    #[test]
    fn denies_paths_off_the_volumes_and_dot_dot() {
        let r = answer(&admission_review(
            "VmafxJob",
            job_spec("file:///etc/passwd"),
        ));
        assert!(
            r["status"]["message"]
                .as_str()
                .unwrap()
                .contains("none of spec.volumes"),
            "{r}"
        );
        let r = answer(&admission_review(
            "VmafxJob",
            job_spec("file:///media/../etc/passwd"),
        ));
        assert!(
            r["status"]["message"].as_str().unwrap().contains("'..'"),
            "{r}"
        );
    }

    #[test]
    fn denies_unknown_models_and_features() {
        let mut spec = job_spec("file:///media/ref.y4m");
        spec["model"] = json!("vmaf_v9");
        let r = answer(&admission_review("VmafxJob", spec.clone()));
        assert!(
            r["status"]["message"]
                .as_str()
                .unwrap()
                .contains("no built-in model"),
            "{r}"
        );
        spec["model"] = json!("vmaf_v0.6.1");
        spec["features"] = json!(["no_such_metric"]);
        let r = answer(&admission_review("VmafxJob", spec));
        assert_eq!(r["allowed"], false, "{r}");
        assert!(
            r["status"]["message"]
                .as_str()
                .unwrap()
                .contains("spec.features"),
            "{r}"
        );
    }

    #[test]
    fn gpu_vendor_is_checked() {
        let ok = json!({"gpuVendor": "amd", "capacity": 2, "image": "vmafx:amd"});
        assert_eq!(answer(&admission_review("VmafxNode", ok))["allowed"], true);
        let bad = json!({"gpuVendor": "tpu", "capacity": 2, "image": "vmafx:amd"});
        let r = answer(&admission_review("VmafxNode", bad));
        assert_eq!(r["allowed"], false);
        assert!(
            r["status"]["message"].as_str().unwrap().contains("tpu"),
            "{r}"
        );
    }

    #[test]
    fn training_output_must_be_writable() {
        let spec = json!({
            "baseModel": "vmaf_v0.6.1", "dataSource": "file:///data/set.json", "output": "file:///data/m.json",
            "volumes": [{"claimName": "t", "mountPath": "/data"}]
        });
        let r = answer(&admission_review("VmafxModelTraining", spec));
        assert!(
            r["status"]["message"]
                .as_str()
                .unwrap()
                .contains("read-only"),
            "{r}"
        );
    }

    #[test]
    fn garbage_is_a_bad_request() {
        assert!(review(b"{}").is_err());
        assert!(review(b"not json")
            .unwrap_err()
            .contains("not an AdmissionReview"));
    }

    #[tokio::test]
    async fn the_route_answers_over_http() {
        use tower::ServiceExt;
        let request = axum::http::Request::post(PATH)
            .header("content-type", "application/json")
            .body(axum::body::Body::from(admission_review(
                "VmafxJob",
                job_spec("http://x/y"),
            )))
            .unwrap();
        let response = router().oneshot(request).await.unwrap();
        assert_eq!(response.status(), 200);
        let body = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap()
            .to_bytes();
        let value: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(value["kind"], "AdmissionReview");
        assert_eq!(value["response"]["allowed"], false);
    }
}
