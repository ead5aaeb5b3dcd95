//! Prometheus metrics in the text exposition format, kept by hand: a few counters, one
//! latency histogram per route, and gauges read at scrape time.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::app::App;
use crate::log;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 60.0, 300.0,
];

#[derive(Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The server's counters.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    frames_scored: AtomicU64,
    scoring_micros: AtomicU64,
    runs: AtomicU64,
    last_fps_bits: AtomicU64,
}

impl Metrics {
    /// Counts one answered request.
    pub fn record_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let key = (method.to_owned(), route.to_owned(), status);
        *lock(&self.requests).entry(key).or_default() += 1;
        let seconds = elapsed.as_secs_f64();
        let mut latency = lock(&self.latency);
        let histogram = latency.entry(route.to_owned()).or_default();
        for (count, bound) in histogram.counts.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *count += 1;
            }
        }
        histogram.count += 1;
        histogram.sum += seconds;
    }

    /// Counts one finished scoring run.
    pub fn record_run(&self, frames: u64, elapsed: Duration) {
        self.frames_scored.fetch_add(frames, Ordering::Relaxed);
        self.scoring_micros
            .fetch_add(elapsed.as_micros() as u64, Ordering::Relaxed);
        self.runs.fetch_add(1, Ordering::Relaxed);
        let fps = frames as f64 / elapsed.as_secs_f64().max(1e-9);
        self.last_fps_bits.store(fps.to_bits(), Ordering::Relaxed);
    }

    /// The exposition text; `jobs` and `queue_depth` come from the store at scrape time.
    pub fn render(&self, app: &App, jobs: &[(crate::store::JobState, i64)]) -> String {
        let mut text = String::from(
            "# HELP vmafx_http_requests_total HTTP requests answered.\n\
             # TYPE vmafx_http_requests_total counter\n",
        );
        for ((method, route, status), n) in lock(&self.requests).iter() {
            let _ = writeln!(
                text,
                "vmafx_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        let _ = writeln!(
            text,
            "# HELP vmafx_http_request_duration_seconds Time to answer a request.\n\
             # TYPE vmafx_http_request_duration_seconds histogram"
        );
        for (route, h) in lock(&self.latency).iter() {
            let route = escape(route);
            for (count, bound) in h.counts.iter().zip(BUCKETS) {
                let _ = writeln!(
                    text,
                    "vmafx_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {count}"
                );
            }
            let _ = writeln!(
                text,
                "vmafx_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}\n\
                 vmafx_http_request_duration_seconds_sum{{route=\"{route}\"}} {}\n\
                 vmafx_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count, h.sum, h.count
            );
        }
        let scoring_seconds = self.scoring_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let simple = [
            (
                "vmafx_frames_scored_total",
                "counter",
                "Frames scored.",
                self.frames_scored.load(Ordering::Relaxed) as f64,
            ),
            (
                "vmafx_scoring_seconds_total",
                "counter",
                "Wall time spent scoring.",
                scoring_seconds,
            ),
            (
                "vmafx_scoring_runs_total",
                "counter",
                "Scoring runs finished.",
                self.runs.load(Ordering::Relaxed) as f64,
            ),
            (
                "vmafx_last_run_fps",
                "gauge",
                "Frames per second of the latest finished run.",
                f64::from_bits(self.last_fps_bits.load(Ordering::Relaxed)),
            ),
        ];
        for (name, kind, help, value) in simple {
            let _ = writeln!(
                text,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
        let _ = writeln!(
            text,
            "# HELP vmafx_http_connections Open HTTP connections.\n# TYPE vmafx_http_connections gauge\n\
             vmafx_http_connections {}\n\
             # HELP vmafx_http_connections_shed_total Connections closed or refused at the connection limit.\n\
             # TYPE vmafx_http_connections_shed_total counter\n\
             vmafx_http_connections_shed_total {}",
            app.connections.count(),
            app.connections.shed.load(Ordering::Relaxed)
        );
        let queued = jobs
            .iter()
            .find(|(s, _)| *s == crate::store::JobState::Queued)
            .map_or(0, |(_, n)| *n);
        let _ = writeln!(
            text,
            "# HELP vmafx_queue_depth Jobs waiting for a worker.\n# TYPE vmafx_queue_depth gauge\nvmafx_queue_depth {queued}\n\
             # HELP vmafx_jobs Jobs in the store by state.\n# TYPE vmafx_jobs gauge"
        );
        for (state, n) in jobs {
            let _ = writeln!(text, "vmafx_jobs{{state=\"{}\"}} {n}", state.name());
        }
        let backend = &app.default_backend;
        let _ = writeln!(
            text,
            "# HELP vmafx_backend_info The default backend and its device.\n# TYPE vmafx_backend_info gauge\n\
             vmafx_backend_info{{backend=\"{}\",device=\"{}\"}} 1\n\
             # HELP vmafx_backend_slots Scoring slots per backend.\n# TYPE vmafx_backend_slots gauge",
            backend.kind,
            escape(&backend.device)
        );
        let usage = app.admission.usage();
        let slots = app.admission.slots_per_backend();
        let _ = writeln!(
            text,
            "vmafx_backend_slots{{backend=\"{}\"}} {slots}",
            backend.kind
        );
        let _ = writeln!(
            text,
            "# HELP vmafx_backend_busy_slots Scoring slots in use.\n# TYPE vmafx_backend_busy_slots gauge"
        );
        for (kind, used, _) in &usage {
            let _ = writeln!(
                text,
                "vmafx_backend_busy_slots{{backend=\"{kind}\"}} {used}"
            );
        }
        let _ = writeln!(
            text,
            "# HELP vmafx_backend_waiting Requests waiting for a scoring slot.\n# TYPE vmafx_backend_waiting gauge"
        );
        for (kind, _, waiting) in &usage {
            let _ = writeln!(
                text,
                "vmafx_backend_waiting{{backend=\"{kind}\"}} {waiting}"
            );
        }
        text
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn escape(label: &str) -> String {
    label
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The label of anything outside the closed sets below.
const OTHER: &str = "other";

/// The method as a label: the methods HTTP defines, else `other`, so that made-up
/// methods cannot add series.
fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    const KNOWN: [Method; 9] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::CONNECT,
        Method::TRACE,
    ];
    KNOWN
        .iter()
        .find(|known| *known == method)
        .map_or(OTHER, Method::as_str)
}

/// Middleware: times every request and counts it under its route template (never the
/// concrete path, so neither job ids nor made-up paths multiply the series).
pub async fn track(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| OTHER.to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    app.metrics.record_request(method, &route, status, elapsed);
    if app.config.log_requests {
        log::info!(
            "{method} {route} {status} {:.1} ms",
            elapsed.as_secs_f64() * 1e3
        );
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_come_from_closed_sets() {
        assert_eq!(method_label(&axum::http::Method::GET), "GET");
        assert_eq!(method_label(&axum::http::Method::DELETE), "DELETE");
        let made_up = axum::http::Method::from_bytes(b"FROBNICATE").unwrap();
        assert_eq!(method_label(&made_up), "other");
    }
}
