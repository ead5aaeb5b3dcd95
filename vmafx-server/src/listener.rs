//! The accept loop and the life of each HTTP connection, with the limits that keep a
//! flood of slow or idle clients from starving the probes:
//!
//! - a header-read timeout: a request's headers must arrive in time, counted from when
//!   the connection opens or its previous answer ends (hyper's own timer);
//! - an idle timeout: a connection on which nothing moves while the server waits on
//!   the client (between requests, or to take an answer) is closed; a request being
//!   scored is never cut by it;
//! - a connection limit: over it, the oldest connection without a request in progress
//!   (a half-sent request, an idle keep-alive) makes room; when every connection is
//!   busy, the new one is closed at once.

use std::collections::BTreeMap;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;

use crate::app::App;
use crate::log;

/// Limits of the connection layer.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Time allowed for a request's headers.
    pub header_read_timeout: Duration,
    /// Time a connection may wait on its client with nothing moving.
    pub idle_timeout: Duration,
    /// Open connections at most.
    pub max_connections: usize,
}

/// What the accept loop and a connection's task share about it.
struct ConnState {
    /// Milliseconds since `epoch` of the last byte read or written.
    last_progress_ms: AtomicU64,
    /// Requests being handled (headers in, handler not yet done).
    in_flight: AtomicUsize,
    /// Whether the last write found the client's window full.
    write_blocked: AtomicBool,
    /// Asks the connection's task to drop the connection.
    close: tokio::sync::Notify,
    epoch: Instant,
}

impl ConnState {
    fn new(epoch: Instant) -> Self {
        let state = ConnState {
            last_progress_ms: AtomicU64::new(0),
            in_flight: AtomicUsize::new(0),
            write_blocked: AtomicBool::new(false),
            close: tokio::sync::Notify::new(),
            epoch,
        };
        state.progressed();
        state
    }

    fn progressed(&self) {
        let now = self.epoch.elapsed().as_millis() as u64;
        self.last_progress_ms.store(now, Ordering::Relaxed);
    }

    /// Whether the connection waits on its client rather than on a handler.
    fn waits_on_client(&self) -> bool {
        self.in_flight.load(Ordering::SeqCst) == 0 || self.write_blocked.load(Ordering::SeqCst)
    }

    fn stalled_for(&self) -> Duration {
        let now = self.epoch.elapsed().as_millis() as u64;
        Duration::from_millis(now.saturating_sub(self.last_progress_ms.load(Ordering::Relaxed)))
    }
}

/// Open connections, oldest first, so that the limit can close the right one.
#[derive(Default)]
pub struct Connections {
    open: Mutex<BTreeMap<u64, Arc<ConnState>>>,
    next_id: AtomicU64,
    /// Connections closed to make room or refused at the limit.
    pub shed: AtomicU64,
}

impl Connections {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<u64, Arc<ConnState>>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Connections open now.
    pub fn count(&self) -> usize {
        self.lock().len()
    }

    /// Registers a new connection if there is room, making room by closing the oldest
    /// connection that has no request in progress.
    fn admit(&self, limit: usize, epoch: Instant) -> Option<(u64, Arc<ConnState>)> {
        let mut open = self.lock();
        if open.len() >= limit {
            let victim = open
                .iter()
                .find(|(_, c)| c.in_flight.load(Ordering::SeqCst) == 0)
                .map(|(id, _)| *id);
            self.shed.fetch_add(1, Ordering::Relaxed);
            let victim = open.remove(&victim?)?;
            victim.close.notify_one();
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let state = Arc::new(ConnState::new(epoch));
        open.insert(id, state.clone());
        Some((id, state))
    }

    fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }
}

/// Serves `router` on `listener` until shutdown starts, then lets open requests finish
/// (idle connections close at once) and returns when every connection is gone.
pub async fn serve(listener: TcpListener, router: Router, app: Arc<App>, limits: Limits) {
    let epoch = Instant::now();
    let mut tasks = JoinSet::new();
    let mut last_refusal_log: Option<Instant> = None;
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = app.shutdown_started() => break,
        };
        // Reap finished connection tasks so the set does not grow without bound.
        while tasks.try_join_next().is_some() {}
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors, typically: wait for connections to close.
                log::warn!("accept: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Some((id, state)) = app.connections.admit(limits.max_connections, epoch) else {
            drop(stream);
            let quiet = last_refusal_log.is_some_and(|t| t.elapsed() < Duration::from_secs(10));
            if !quiet {
                log::warn!(
                    "connection limit ({}) reached with every connection busy: refusing new ones",
                    limits.max_connections
                );
                last_refusal_log = Some(Instant::now());
            }
            continue;
        };
        let _ = stream.set_nodelay(true);
        let (router, app) = (router.clone(), app.clone());
        tasks.spawn(async move {
            serve_connection(stream, router, &app, state, limits).await;
            app.connections.remove(id);
        });
    }
    drop(listener);
    while tasks.join_next().await.is_some() {}
}

async fn serve_connection(
    stream: TcpStream,
    router: Router,
    app: &App,
    state: Arc<ConnState>,
    limits: Limits,
) {
    let io = TokioIo::new(TrackedIo {
        inner: stream,
        state: state.clone(),
    });
    let service = {
        let state = state.clone();
        hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let router = router.clone();
            let guard = InFlight::enter(state.clone());
            async move {
                let response = tower::ServiceExt::oneshot(router, request).await;
                drop(guard);
                response
            }
        })
    };
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .serve_connection(io, service);
    tokio::pin!(connection);
    let check_every =
        (limits.idle_timeout / 4).clamp(Duration::from_millis(50), Duration::from_secs(1));
    let mut shutting_down = false;
    loop {
        tokio::select! {
            // Errors here are the client's (reset, timeout, malformed request): nothing to
            // do but close.
            _ = connection.as_mut() => return,
            _ = state.close.notified() => return,
            _ = app.shutdown_started(), if !shutting_down => {
                shutting_down = true;
                connection.as_mut().graceful_shutdown();
            }
            _ = tokio::time::sleep(check_every) => {
                if state.waits_on_client() && state.stalled_for() >= limits.idle_timeout {
                    return;
                }
            }
        }
    }
}

/// Counts a request as in progress until its handler answers.
struct InFlight(Arc<ConnState>);

impl InFlight {
    fn enter(state: Arc<ConnState>) -> Self {
        state.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(state)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        self.0.progressed();
    }
}

/// A socket that notes when bytes move and when writes wait on the client.
struct TrackedIo {
    inner: TcpStream,
    state: Arc<ConnState>,
}

impl AsyncRead for TrackedIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.state.progressed();
        }
        polled
    }
}

impl AsyncWrite for TrackedIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.note_write(&polled);
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.note_write(&polled);
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

impl TrackedIo {
    fn note_write(&self, polled: &Poll<io::Result<usize>>) {
        match polled {
            Poll::Pending => self.state.write_blocked.store(true, Ordering::SeqCst),
            Poll::Ready(result) => {
                self.state.write_blocked.store(false, Ordering::SeqCst);
                if matches!(result, Ok(n) if *n > 0) {
                    self.state.progressed();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_closes_the_oldest_idle_connection_first() {
        let connections = Connections::default();
        let epoch = Instant::now();
        let (first, first_state) = connections.admit(2, epoch).unwrap();
        let (_, second_state) = connections.admit(2, epoch).unwrap();
        // The oldest has a request in progress, so the second one makes room.
        first_state.in_flight.fetch_add(1, Ordering::SeqCst);
        let (third, _) = connections.admit(2, epoch).unwrap();
        assert_eq!(connections.count(), 2);
        let open: Vec<u64> = connections.lock().keys().copied().collect();
        assert_eq!(open, [first, third]);
        assert!(
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async {
                    tokio::time::timeout(Duration::from_millis(100), second_state.close.notified())
                        .await
                        .is_ok()
                }),
            "the closed connection's task is told"
        );
        // With every connection busy, a new one is refused.
        connections.lock()[&third]
            .in_flight
            .fetch_add(1, Ordering::SeqCst);
        assert!(connections.admit(2, epoch).is_none());
        assert_eq!(connections.shed.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn only_waiting_on_the_client_counts_as_idle() {
        let state = ConnState::new(Instant::now());
        assert!(state.waits_on_client(), "no request: waiting for one");
        state.in_flight.fetch_add(1, Ordering::SeqCst);
        assert!(!state.waits_on_client(), "a handler is working");
        state.write_blocked.store(true, Ordering::SeqCst);
        assert!(
            state.waits_on_client(),
            "the client does not take the answer"
        );
    }
}
