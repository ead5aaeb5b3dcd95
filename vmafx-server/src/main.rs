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

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use crate::app::App;
use crate::config::{Cli, Command, Config};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    let config = match Config::from_options(cli.options, matches!(command, Command::Serve)) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("vmafx-server: {message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("vmafx-server: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async move {
        let app = App::start(config, matches!(command, Command::Serve))?;
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
            eprintln!("vmafx-server: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(app: Arc<App>) -> Result<(), String> {
    let config = &app.config;
    // Watch signals before the port opens: a SIGTERM sent as soon as the server answers
    // must start a graceful shutdown, not end the process with the default action.
    let signals = watch_signals(app.clone());
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("listening address: {e}"))?;
    // The one line on stdout: scripts and tests read the port from it.
    println!("listening on http://{address}");
    let _ = std::io::stdout().flush();
    log::info!(
        "vmafx-server {} on {address}: backend {} ({}), {} slot(s) per backend, {} thread(s) per run, {} job worker(s), auth {}, roots {}, ffmpeg {}",
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
    );
    let workers = jobs::spawn_workers(&app);
    let router = routes::router(app.clone());
    let server = {
        let app = app.clone();
        axum::serve(listener, router)
            .with_graceful_shutdown(async move { app.shutdown_started().await })
    };
    let server = tokio::spawn(async move { server.await });
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

/// Installs the SIGTERM and SIGINT handlers now; the returned future begins the
/// shutdown when one arrives.
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
        app.begin_shutdown();
    }
}
