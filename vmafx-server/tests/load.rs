//! A bounded load test on loopback: many clients scoring a small pair at once.
//!
//! By default a short run (a few hundred requests) that must see no error; for numbers,
//! `scripts/load.sh` runs it longer. Knobs: VMAFX_LOAD_REQUESTS (per scenario),
//! VMAFX_LOAD_CLIENTS, VMAFX_LOAD_SECONDS (time cap per scenario).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

fn knob(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Sends one request and returns its status.
type Client = Arc<dyn Fn() -> u16 + Send + Sync>;

struct Outcome {
    ok: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

/// Runs `total` requests from `clients` threads (or until `cap` passes).
fn hammer(
    clients: usize,
    total: usize,
    cap: Duration,
    send: Arc<dyn Fn() -> u16 + Send + Sync>,
) -> Outcome {
    let issued = Arc::new(AtomicUsize::new(0));
    let results = Arc::new(Mutex::new((Vec::with_capacity(total), 0usize)));
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (issued, results, send) = (issued.clone(), results.clone(), send.clone());
            std::thread::spawn(move || {
                while issued.fetch_add(1, Ordering::SeqCst) < total && started.elapsed() < cap {
                    let t = Instant::now();
                    let status = send();
                    let latency = t.elapsed();
                    let mut results = results.lock().unwrap();
                    if status == 200 {
                        results.0.push(latency);
                    } else {
                        results.1 += 1;
                    }
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let elapsed = started.elapsed();
    let (mut latencies, errors) = std::mem::take(&mut *results.lock().unwrap());
    latencies.sort();
    Outcome {
        ok: latencies.len(),
        errors,
        elapsed,
        latencies,
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[test]
fn many_clients_score_small_pairs() {
    let clients = knob("VMAFX_LOAD_CLIENTS", 64);
    let total = knob("VMAFX_LOAD_REQUESTS", 384);
    let cap = Duration::from_secs(knob("VMAFX_LOAD_SECONDS", 60) as u64);
    let dir = TempDir::new("load");
    let (reference, distorted) = write_small_pair(dir.path(), 64, 64, 3);
    let server = Launch::new(dir.path())
        .arg("--root")
        .arg(dir.path().display().to_string())
        .args(["--max-waiting", &clients.to_string()])
        .start();
    let addr = server.addr;
    let auth = format!("Bearer {TOKEN}");

    let (content_type, upload) = multipart(&[
        ("reference", Part::File(&std::fs::read(&reference).unwrap())),
        ("distorted", Part::File(&std::fs::read(&distorted).unwrap())),
    ]);
    let uris =
        json!({ "reference": file_uri(&reference), "distorted": file_uri(&distorted) }).to_string();
    let probe = server.post_json("/v1/score", &serde_json::from_str(&uris).unwrap());
    assert_eq!(probe.status, 200, "{}", probe.text());
    let vmaf = probe.json()["vmaf"].as_f64().unwrap();

    let upload_auth = auth.clone();
    let scenarios: Vec<(&str, Client)> = vec![
        (
            "multipart upload",
            Arc::new(move || {
                request(
                    addr,
                    "POST",
                    "/v1/score",
                    &[
                        ("Authorization", &upload_auth),
                        ("Content-Type", &content_type),
                    ],
                    &upload,
                )
                .status
            }),
        ),
        (
            "file:// URI",
            Arc::new(move || {
                request(
                    addr,
                    "POST",
                    "/v1/score",
                    &[
                        ("Authorization", &auth),
                        ("Content-Type", "application/json"),
                    ],
                    uris.as_bytes(),
                )
                .status
            }),
        ),
    ];
    eprintln!("load: {clients} clients, 64x64 4:2:0 3-frame pair (VMAF {vmaf:.3}), up to {total} requests per scenario");
    eprintln!("| scenario | requests | ok | errors | req/s | p50 ms | p99 ms | max ms |");
    eprintln!("|---|---|---|---|---|---|---|---|");
    for (name, send) in scenarios {
        let outcome = hammer(clients, total, cap, send);
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        eprintln!(
            "| {name} | {} | {} | {} | {:.0} | {:.1} | {:.1} | {:.1} |",
            outcome.ok + outcome.errors,
            outcome.ok,
            outcome.errors,
            (outcome.ok + outcome.errors) as f64 / outcome.elapsed.as_secs_f64(),
            ms(percentile(&outcome.latencies, 50.0)),
            ms(percentile(&outcome.latencies, 99.0)),
            ms(outcome.latencies.last().copied().unwrap_or_default()),
        );
        assert_eq!(
            outcome.errors,
            0,
            "{name}: requests failed\n{}",
            server.log()
        );
        assert!(outcome.ok > 0);
    }
    let scored = server.metric("vmafx_scoring_runs_total").unwrap();
    assert!(scored >= 1.0);
}
