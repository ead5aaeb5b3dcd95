//! `vmafx-server`: scores video pairs for other services over HTTP (REST and MCP), or
//! for a local agent over MCP on stdio. See `docs/server.md`.

mod admission;
mod api;
mod app;
mod auth;
mod config;
mod control;
mod errors;
mod ids;
mod jobs;
mod listener;
mod log;
mod mcp;
mod media;
mod metrics;
mod openapi;
mod paths;
mod routes;
mod score_result;
mod scoring;
mod store;
mod upload;

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use crate::app::App;
use crate::config::{Cli, Command, Config};

fn main() -> ExitCode {
    log::init();
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    let config = match Config::from_options(cli.options, matches!(command, Command::Serve)) {
        Ok(config) => config,
        Err(message) => {
            log::stderr_line(&format!("vmafx-server: {message}"));
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            log::stderr_line(&format!(
                "vmafx-server: cannot start the async runtime: {e}"
            ));
            return ExitCode::FAILURE;
        }
    };
    // Opened outside the async context: the PostgreSQL client blocks on a runtime of
    // its own, which cannot start inside another.
    let app = {
        let _entered = runtime.enter();
        App::start(config, matches!(command, Command::Serve))
    };
    let outcome = runtime.block_on(async move {
        let app = app?;
        match command {
            Command::Serve => serve(app).await,
            Command::Mcp => mcp::run_stdio(app).await.map_err(|e| format!("stdio: {e}")),
        }
    });
    // Blocking scoring threads that were told to stop may still be unwinding a frame.
    runtime.shutdown_timeout(std::time::Duration::from_secs(5));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            log::stderr_line(&format!("vmafx-server: {message}"));
            ExitCode::FAILURE
        }
    }
}

async fn serve(app: Arc<App>) -> Result<(), String> {
    let config = &app.config;
    // Watch signals before the port opens: a SIGTERM sent as soon as the server answers
    // must start a graceful shutdown, not end the process with the default action.
    let signals = watch_signals(app.clone());
    let max_connections = raise_file_limit(config.max_connections);
    if max_connections < config.max_connections {
        log::warn!(
            "the open-file limit allows {max_connections} connection(s), not the {} asked for",
            config.max_connections
        );
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("listening address: {e}"))?;
    // The one line on stdout: scripts and tests read the port from it.
    log::stdout_line(&format!("listening on http://{address}"));
    log::info!(
        "vmafx-server {} on {address}: backend {} ({}), {} slot(s) per backend, {} thread(s) per run, {} job worker(s), auth {}, roots {}, ffmpeg {}, at most {} connection(s)",
        env!("CARGO_PKG_VERSION"),
        app.default_backend.kind,
        app.default_backend.device,
        config.max_concurrent,
        config.threads_per_score,
        config.job_workers,
        if config.insecure_no_auth { "OFF (--insecure-no-auth)" } else { "bearer token" },
        if config.roots.is_empty() { "none (file:// URIs refused)".to_owned() } else { config.roots.to_string() },
        config.ffmpeg.as_ref().map_or_else(
            || format!("{} not found (compressed inputs refused)", config.ffmpeg_wanted.display()),
            |p| p.display().to_string()
        ),
        max_connections,
    );
    let workers = jobs::spawn_workers(&app);
    let router = routes::router(app.clone());
    let limits = listener::Limits {
        header_read_timeout: config.header_read_timeout,
        idle_timeout: config.idle_timeout,
        max_connections,
    };
    let server = tokio::spawn(listener::serve(listener, router, app.clone(), limits));
    tokio::spawn(signals);
    app.shutdown_started().await;
    log::info!(
        "shutting down: draining requests and jobs for up to {} s",
        config.shutdown_grace.as_secs()
    );
    let drain = async {
        let _ = server.await;
        for worker in workers {
            let _ = worker.await;
        }
    };
    tokio::pin!(drain);
    if tokio::time::timeout(config.shutdown_grace, &mut drain)
        .await
        .is_err()
    {
        log::warn!("grace period over: stopping runs; interrupted jobs go back to the queue");
        app.running.stop_all();
        let _ = tokio::time::timeout(std::time::Duration::from_secs(10), drain).await;
    }
    log::info!("stopped");
    Ok(())
}

/// Installs the SIGTERM and SIGINT handlers now; the returned future, on the first
/// signal, drains (readiness 503, serving on) for the drain delay and then begins the
/// shutdown; a second signal ends the drain at once.
fn watch_signals(app: Arc<App>) -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};
    let handlers = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    );
    async move {
        let (Ok(mut term), Ok(mut int)) = handlers else {
            log::warn!("cannot watch signals; SIGTERM will end the process at once");
            return;
        };
        tokio::select! {
            _ = term.recv() => log::info!("SIGTERM received"),
            _ = int.recv() => log::info!("SIGINT received"),
        }
        let delay = app.config.drain_delay;
        if !delay.is_zero() {
            app.begin_drain();
            log::info!(
                "draining: /readyz answers 503 for {} s before the port closes",
                delay.as_secs()
            );
            tokio::select! {
                _ = tokio::time::sleep(delay) => {}
                _ = term.recv() => log::info!("second signal: ending the drain"),
                _ = int.recv() => log::info!("second signal: ending the drain"),
            }
        }
        app.begin_shutdown();
    }
}

/// Raises the soft open-file limit toward the hard one so that `wanted` connections fit
/// beside the store, uploads and decoder pipes; returns how many connections fit.
fn raise_file_limit(wanted: usize) -> usize {
    // Descriptors kept for everything but connections.
    const RESERVED: u64 = 128;
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return wanted;
        }
        let needed = (wanted as u64).saturating_add(RESERVED);
        if limit.rlim_cur < needed && limit.rlim_cur != libc::RLIM_INFINITY {
            let raised = libc::rlimit {
                rlim_cur: needed.min(limit.rlim_max),
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit.rlim_cur = raised.rlim_cur;
            }
        }
    }
    if limit.rlim_cur == libc::RLIM_INFINITY {
        return wanted;
    }
    let fits = limit.rlim_cur.saturating_sub(RESERVED).max(1);
    wanted.min(usize::try_from(fits).unwrap_or(usize::MAX))
}
