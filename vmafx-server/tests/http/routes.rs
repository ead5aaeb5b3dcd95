//! Routes, documents, authentication, MCP over HTTP and shutdown.

use std::time::Duration;

use serde_json::json;

use crate::common::*;
use crate::samples_root;

#[test]
fn probes_metrics_and_openapi_describe_the_real_routes() {
    let dir = TempDir::new("probes");
    let server = Launch::new(dir.path()).start();
    assert_eq!(server.get_anonymous("/healthz").json()["status"], "ok");
    let ready = server.get_anonymous("/readyz");
    assert_eq!(ready.status, 200);
    assert_eq!(ready.json()["ready"], true);
    assert_eq!(server.get_anonymous("/no/such/route").status, 404);

    let document = server.get_anonymous("/openapi.json").json();
    assert_eq!(document["openapi"], "3.1.0");
    let paths = document["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            operations += 1;
            // Every documented route exists: it answers neither 404-for-route nor 405.
            let concrete = path.replace("{id}", "0123456789abcdef0123456789abcdef");
            let response = request(
                server.addr,
                &method.to_uppercase(),
                &concrete,
                &[
                    ("Authorization", &format!("Bearer {TOKEN}")),
                    ("Content-Type", "application/json"),
                ],
                b"{}",
            );
            assert_ne!(response.status, 405, "{method} {path}");
            if response.status == 404 {
                assert_eq!(response.error_code(), "not_found", "{method} {path}");
                assert_ne!(
                    response.json()["error"]["message"],
                    "no such route",
                    "{method} {path}"
                );
            }
            let secured = !operation["security"].as_array().unwrap().is_empty();
            assert_eq!(secured, path.starts_with("/v1") || path == "/mcp", "{path}");
        }
    }
    assert_eq!(operations, 13, "every route is documented once");
    for path in [
        "/v1/score",
        "/v1/jobs",
        "/v1/jobs/{id}",
        "/v1/jobs/{id}/report",
        "/v1/models",
        "/v1/backends",
        "/mcp",
        "/metrics",
    ] {
        assert!(paths.contains_key(path), "{path} missing from the document");
    }

    let metrics = server.get_anonymous("/metrics");
    assert!(metrics
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    let text = metrics.text();
    for family in [
        "vmafx_http_requests_total{",
        "vmafx_http_request_duration_seconds_bucket{",
        "vmafx_frames_scored_total",
        "vmafx_last_run_fps",
        "vmafx_queue_depth 0",
        "vmafx_jobs{state=\"succeeded\"}",
        "vmafx_backend_info{backend=\"cpu\"",
    ] {
        assert!(text.contains(family), "{family} missing from\n{text}");
    }

    let models = server.get("/v1/models").json();
    let names: Vec<&str> = models["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"vmaf_v0.6.1") && names.contains(&"vmaf_4k_v0.6.1"));
    let backends = server.get("/v1/backends").json();
    assert_eq!(backends["default"]["backend"], "cpu");
    let cpu = backends["backends"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "cpu")
        .unwrap();
    assert_eq!(cpu["available"], true);
}

#[test]
fn every_protected_route_needs_a_valid_token() {
    let dir = TempDir::new("auth");
    let server = Launch::new(dir.path()).start();
    let id = "0123456789abcdef0123456789abcdef";
    let routes = [
        ("POST", "/v1/score".to_owned()),
        ("POST", "/v1/jobs".to_owned()),
        ("GET", "/v1/jobs".to_owned()),
        ("GET", format!("/v1/jobs/{id}")),
        ("DELETE", format!("/v1/jobs/{id}")),
        ("GET", format!("/v1/jobs/{id}/report")),
        ("GET", "/v1/models".to_owned()),
        ("GET", "/v1/backends".to_owned()),
        ("POST", "/mcp".to_owned()),
    ];
    for (method, path) in &routes {
        for auth in [
            None,
            Some("Bearer wrong-token-0123456789"),
            Some("Basic dXNlcjpwYXNz"),
            Some(TOKEN),
        ] {
            let headers = auth.map(|a| vec![("Authorization", a)]).unwrap_or_default();
            let response = request(server.addr, method, path, &headers, b"");
            if auth == Some(TOKEN) {
                continue;
            }
            assert_eq!(response.status, 401, "{method} {path} with {auth:?}");
            assert_eq!(
                response.header("www-authenticate"),
                Some("Bearer realm=\"vmafx\"")
            );
            assert_eq!(response.error_code(), "unauthorized");
        }
        let good = request(
            server.addr,
            method,
            path,
            &[("Authorization", &format!("Bearer {TOKEN}"))],
            b"",
        );
        assert_ne!(good.status, 401, "{method} {path}");
    }
    // Probes stay open.
    for path in ["/healthz", "/readyz", "/metrics", "/openapi.json"] {
        assert_eq!(server.get_anonymous(path).status, 200, "{path}");
    }
    // An unauthenticated upload is refused before its body is read.
    let big = vec![0u8; 4 << 20];
    let refused = request(
        server.addr,
        "POST",
        "/v1/score",
        &[("Content-Type", "multipart/form-data; boundary=x")],
        &big,
    );
    assert_eq!(refused.status, 401);
}

#[test]
fn refuses_to_start_without_tokens_unless_told_to() {
    let dir = TempDir::new("noauth");
    let output = Launch::new(dir.path())
        .command()
        .env_remove("VMAFX_API_TOKENS")
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("data"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no API token configured"));

    let mut launch = Launch::new(dir.path()).arg("--insecure-no-auth");
    launch.env.clear();
    let open = launch.start();
    assert_eq!(open.get_anonymous("/v1/models").status, 200);

    // VMAFX_BACKEND is read: a name it does not know stops the server with why.
    let unknown = Launch::new(dir.path())
        .env("VMAFX_BACKEND", "opencl")
        .command()
        .args(["--data-dir"])
        .arg(dir.path().join("data"))
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown backend \"opencl\""));

    let mut short = Launch::new(dir.path());
    short.env = vec![("VMAFX_API_TOKENS".into(), "short".into())];
    let output = short
        .command()
        .args(["--data-dir"])
        .arg(dir.path().join("data"))
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("at least 16 characters"));
}

#[test]
fn mcp_over_http() {
    let dir = TempDir::new("mcp-http");
    let server = Launch::new(dir.path())
        .arg("--root")
        .arg(samples_root())
        .start();
    let init = server.post_json("/mcp", &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-03-26", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}}));
    assert_eq!(init.status, 200);
    let init = init.json();
    assert_eq!(init["result"]["protocolVersion"], "2025-03-26");
    assert_eq!(init["result"]["serverInfo"]["name"], "vmafx-server");
    let note = server.post_json(
        "/mcp",
        &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    );
    assert_eq!(note.status, 202);
    let (reference, distorted) = samples();
    let call = server.post_json("/mcp", &json!({"jsonrpc": "2.0", "id": "s", "method": "tools/call",
        "params": {"name": "score", "arguments": {"reference": file_uri(&reference), "distorted": distorted.display().to_string()}}}));
    let call = call.json();
    assert_eq!(call["id"], "s");
    assert_eq!(call["result"]["isError"], false, "{call}");
    assert_sample_vmaf(&call["result"]["structuredContent"]);
    let outside = server.post_json("/mcp", &json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call",
        "params": {"name": "score", "arguments": {"reference": "file:///etc/passwd", "distorted": "file:///etc/passwd"}}}));
    assert_eq!(outside.json()["result"]["isError"], true);
    let unknown = server
        .post_json(
            "/mcp",
            &json!({"jsonrpc": "2.0", "id": 3, "method": "resources/list"}),
        )
        .json();
    assert_eq!(unknown["error"]["code"], -32601);
    let garbage = request(
        server.addr,
        "POST",
        "/mcp",
        &[
            ("Authorization", &format!("Bearer {TOKEN}")),
            ("Content-Type", "application/json"),
        ],
        b"{nope",
    );
    assert_eq!(garbage.status, 400);
    assert_eq!(garbage.json()["error"]["code"], -32700);
    let foreign = request(
        server.addr,
        "POST",
        "/mcp",
        &[
            ("Authorization", &format!("Bearer {TOKEN}")),
            ("Origin", "https://evil.example"),
        ],
        b"{}",
    );
    assert_eq!(foreign.status, 403);
    let get = request(
        server.addr,
        "GET",
        "/mcp",
        &[("Authorization", &format!("Bearer {TOKEN}"))],
        b"",
    );
    assert_eq!(get.status, 405);
}

#[test]
fn sigterm_drains_and_stops() {
    let dir = TempDir::new("sigterm");
    let mut server = Launch::new(dir.path()).start();
    assert_eq!(server.get_anonymous("/readyz").status, 200);
    let status = server.terminate(Duration::from_secs(20));
    assert!(status.success(), "{status:?}");
    let log = std::fs::read_to_string(dir.path().join("server.log")).unwrap();
    assert!(
        log.contains("SIGTERM received") && log.contains("stopped"),
        "{log}"
    );
}
