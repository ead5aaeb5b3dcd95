//! Pointed at an API server that does not answer, the operator says so, is not ready
//! while it waits, and exits non-zero after its bounded wait.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut text = String::new();
    stream.read_to_string(&mut text).ok()?;
    text.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn an_unreachable_api_server_fails_startup_clearly() {
    let dir =
        std::env::temp_dir().join(format!("vmafx-operator-unreachable-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let closed = free_port();
    let kubeconfig = dir.join("kubeconfig");
    std::fs::write(
        &kubeconfig,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: https://127.0.0.1:{closed}\n    insecure-skip-tls-verify: true\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user:\n    token: t\n"
        ),
    )
    .unwrap();
    let health = free_port();
    let metrics = free_port();
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vmafx-operator"))
        .env_clear()
        .env("KUBECONFIG", &kubeconfig)
        .env(
            "VMAFX_OPERATOR_HEALTH_PROBE_ADDR",
            format!("127.0.0.1:{health}"),
        )
        .env(
            "VMAFX_OPERATOR_METRICS_ADDR",
            format!("127.0.0.1:{metrics}"),
        )
        .env("VMAFX_OPERATOR_STARTUP_TIMEOUT", "4s")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    // While it waits: alive, not ready.
    let mut saw = (None, None);
    while started.elapsed() < Duration::from_secs(3) && saw.1.is_none() {
        saw = (
            http_status(health, "/healthz"),
            http_status(health, "/readyz"),
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        saw,
        (Some(200), Some(503)),
        "healthz/readyz while the API server is unreachable"
    );

    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    let took = started.elapsed();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!status.success(), "exited successfully:\n{stderr}");
    assert!(took < Duration::from_secs(30), "took {took:?}");
    assert!(
        stderr.contains("cannot reach the Kubernetes API server")
            && stderr.contains(&format!("127.0.0.1:{closed}")),
        "{stderr}"
    );
}
