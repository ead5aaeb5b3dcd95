//! Probing a pool's vmafx-server: `/healthz` for liveness, `/v1/backends` for the device.

use std::time::Duration;

use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::time::elapsed;

/// How long one probe request may take.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// What one probe found.
#[derive(Debug, Clone, PartialEq)]
pub enum ProbeOutcome {
    /// `/healthz` answered 200; the device, when `/v1/backends` told it.
    Alive {
        /// e.g. `cuda: NVIDIA H100 80GB HBM3`.
        device: Option<String>,
    },
    /// No answer, or not 200; the text says what happened.
    Down(String),
}

/// True when `last` (RFC 3339) lies within `timeout` before `now`.
pub fn is_fresh(last: Option<&str>, now: &str, timeout: Duration) -> bool {
    last.and_then(|l| elapsed(l, now))
        .is_some_and(|age| age <= timeout)
}

async fn get(base: &str, path: &str, token: Option<&str>) -> Result<(u16, Bytes), String> {
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<Bytes>>();
    let mut request = hyper::Request::get(format!("{}{path}", base.trim_end_matches('/')));
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let request = request.body(Empty::new()).map_err(|e| e.to_string())?;
    let call = async {
        let response = client
            .request(request)
            .await
            .map_err(|e| format!("{path}: {e}"))?;
        let code = response.status().as_u16();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(|e| format!("{path}: {e}"))?
            .to_bytes();
        Ok((code, body))
    };
    tokio::time::timeout(PROBE_TIMEOUT, call)
        .await
        .map_err(|_| format!("{path}: no answer in {} s", PROBE_TIMEOUT.as_secs()))?
}

/// Probes the vmafx-server at `base` (e.g. `http://pool.ns.svc:8080`).
pub async fn probe(base: &str, token: Option<&str>) -> ProbeOutcome {
    match get(base, "/healthz", None).await {
        Ok((200, _)) => {}
        Ok((code, _)) => return ProbeOutcome::Down(format!("/healthz answered {code}")),
        Err(e) => return ProbeOutcome::Down(e),
    }
    let device = match get(base, "/v1/backends", token).await {
        Ok((200, body)) => device_of(&body),
        _ => None,
    };
    ProbeOutcome::Alive { device }
}

/// `backend: device` out of `/v1/backends`' `default`.
pub fn device_of(body: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let default = value.get("default")?;
    let backend = default.get("backend")?.as_str()?;
    Some(match default.get("device").and_then(|d| d.as_str()) {
        Some(device) if !device.is_empty() => format!("{backend}: {device}"),
        _ => backend.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use axum::Router;

    async fn fake_server(healthz: u16) -> String {
        let app = Router::new()
            .route(
                "/healthz",
                get(move || async move { (axum::http::StatusCode::from_u16(healthz).unwrap(), "{\"status\":\"ok\"}") }),
            )
            .route(
                "/v1/backends",
                get(|headers: axum::http::HeaderMap| async move {
                    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some("Bearer secret") {
                        return (axum::http::StatusCode::UNAUTHORIZED, String::new());
                    }
                    (
                        axum::http::StatusCode::OK,
                        r#"{"default":{"requested":"auto","backend":"cuda","device":"NVIDIA H100 80GB HBM3"}}"#.to_owned(),
                    )
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        format!("http://{addr}")
    }

    #[tokio::test]
    async fn a_healthy_server_reports_its_device() {
        let url = fake_server(200).await;
        assert_eq!(
            probe(&url, Some("secret")).await,
            ProbeOutcome::Alive {
                device: Some("cuda: NVIDIA H100 80GB HBM3".into())
            }
        );
        // Without the token the device stays unknown, the pool still alive.
        assert_eq!(
            probe(&url, None).await,
            ProbeOutcome::Alive { device: None }
        );
    }

    #[tokio::test]
    async fn a_failing_healthz_is_down() {
        let url = fake_server(503).await;
        assert_eq!(
            probe(&url, None).await,
            ProbeOutcome::Down("/healthz answered 503".into())
        );
    }

    #[tokio::test]
    async fn an_unreachable_server_is_down() {
        // Bind then drop: the port is closed.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        match probe(&format!("http://127.0.0.1:{port}"), None).await {
            ProbeOutcome::Down(why) => assert!(why.starts_with("/healthz"), "{why}"),
            other => panic!("closed port probed as {other:?}"),
        }
    }

    #[test]
    fn freshness_is_sixty_seconds() {
        let t = Duration::from_secs(60);
        assert!(is_fresh(
            Some("2026-01-01T00:00:00Z"),
            "2026-01-01T00:01:00Z",
            t
        ));
        assert!(!is_fresh(
            Some("2026-01-01T00:00:00Z"),
            "2026-01-01T00:01:01Z",
            t
        ));
        assert!(!is_fresh(None, "2026-01-01T00:00:00Z", t));
        assert!(!is_fresh(Some("garbage"), "2026-01-01T00:00:00Z", t));
    }
}
