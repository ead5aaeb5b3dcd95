//! Settings: command-line flags, each with a `VMAFX_*` environment variable, resolved
//! and checked once at start-up into a [`Config`].

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::builder::FalseyValueParser;
use clap::{Args, Parser, Subcommand};
use vmafx::BackendKind;

use crate::auth::Tokens;
use crate::paths::Roots;

/// Scores video pairs with vmafx over HTTP, or over the Model Context Protocol on stdio.
#[derive(Debug, Parser)]
#[command(name = "vmafx-server", version = vmafx::VERSION)]
pub struct Cli {
    /// What to run; `serve` when left out.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Settings shared by every command.
    #[command(flatten)]
    pub options: Options,
}

/// The modes the binary runs in.
#[derive(Debug, Clone, Copy, Subcommand)]
pub enum Command {
    /// The HTTP server (REST API, /mcp, /metrics).
    Serve,
    /// The Model Context Protocol on stdin/stdout (JSON-RPC, one message a line).
    Mcp,
}

/// Every setting, as a flag and as an environment variable.
#[derive(Debug, Clone, Args)]
pub struct Options {
    /// Address to listen on; port 0 picks a free port (the address is printed).
    #[arg(
        long,
        env = "VMAFX_LISTEN",
        default_value = "127.0.0.1:8080",
        global = true
    )]
    pub listen: SocketAddr,
    /// Folder for uploaded job inputs and scratch files.
    #[arg(
        long,
        env = "VMAFX_DATA_DIR",
        default_value = "vmafx-data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// The SQLite job database [default: <data-dir>/jobs.sqlite3].
    #[arg(long, env = "VMAFX_DB", global = true)]
    pub db: Option<PathBuf>,
    /// A PostgreSQL job store shared by every replica (`postgres://user:pass@host/db`);
    /// without it the job store is the SQLite file, which serves one replica only. There
    /// is no flag, to keep the password out of `ps`.
    #[arg(skip = std::env::var("VMAFX_DATABASE_URL").ok().filter(|u| !u.is_empty()))]
    pub database_url: Option<String>,
    /// Seconds a claimed job stays with its server without a lease renewal; a job whose
    /// lease ran out (its server died) goes back to the queue.
    #[arg(
        long,
        env = "VMAFX_JOB_LEASE_SECS",
        default_value_t = 30,
        global = true
    )]
    pub job_lease_secs: u64,
    /// Folders whose files may be named by `file://` URI; comma-separated in the
    /// environment, repeatable as a flag. None: URIs are refused.
    #[arg(
        long = "root",
        env = "VMAFX_ROOTS",
        value_delimiter = ',',
        global = true
    )]
    pub roots: Vec<PathBuf>,
    /// File of API tokens, one a line (`#` starts a comment). Tokens may also come from
    /// `VMAFX_API_TOKENS` (comma-separated; there is no flag, to keep them out of `ps`).
    #[arg(long, env = "VMAFX_API_TOKENS_FILE", global = true)]
    pub tokens_file: Option<PathBuf>,
    /// Serve without authentication (refused otherwise when no token is configured).
    #[arg(long, env = "VMAFX_INSECURE_NO_AUTH", value_parser = FalseyValueParser::new(), global = true)]
    pub insecure_no_auth: bool,
    /// Backend to score with: auto, cpu, cuda, hip, sycl or vulkan.
    #[arg(long, env = "VMAFX_BACKEND", default_value = "auto", global = true)]
    pub backend: String,
    /// Scoring runs at once per backend [default: the number of cores].
    #[arg(long, env = "VMAFX_MAX_CONCURRENT", global = true)]
    pub max_concurrent: Option<usize>,
    /// Synchronous requests that may wait for a scoring slot; more get 429.
    #[arg(long, env = "VMAFX_MAX_WAITING", default_value_t = 64, global = true)]
    pub max_waiting: usize,
    /// Threads per scoring run; 0 shares the cores among the concurrent runs.
    #[arg(
        long,
        env = "VMAFX_THREADS_PER_SCORE",
        default_value_t = 0,
        global = true
    )]
    pub threads_per_score: usize,
    /// Job worker tasks [default: --max-concurrent].
    #[arg(long, env = "VMAFX_JOB_WORKERS", global = true)]
    pub job_workers: Option<usize>,
    /// Jobs that may wait in the queue; more get 429.
    #[arg(
        long,
        env = "VMAFX_MAX_QUEUED_JOBS",
        default_value_t = 1000,
        global = true
    )]
    pub max_queued_jobs: u64,
    /// Largest request body with uploads, in bytes (larger: 413).
    #[arg(long, env = "VMAFX_MAX_UPLOAD_BYTES", default_value_t = 4 << 30, global = true)]
    pub max_upload_bytes: u64,
    /// Largest JSON request body, in bytes (larger: 413).
    #[arg(long, env = "VMAFX_MAX_JSON_BYTES", default_value_t = 1 << 20, global = true)]
    pub max_json_bytes: usize,
    /// Seconds a request may take, uploads and scoring included (then 504).
    #[arg(
        long,
        env = "VMAFX_REQUEST_TIMEOUT",
        default_value_t = 600,
        global = true
    )]
    pub request_timeout: u64,
    /// Seconds the Retry-After header of a 429 answer asks clients to wait.
    #[arg(long, env = "VMAFX_RETRY_AFTER", default_value_t = 2, global = true)]
    pub retry_after: u64,
    /// The ffmpeg program that decodes compressed inputs (mp4, mkv, webm, ...).
    #[arg(long, env = "VMAFX_FFMPEG", default_value = "ffmpeg", global = true)]
    pub ffmpeg: PathBuf,
    /// Seconds to let requests and jobs finish after SIGTERM; running jobs are then
    /// put back in the queue.
    #[arg(
        long,
        env = "VMAFX_SHUTDOWN_GRACE",
        default_value_t = 30,
        global = true
    )]
    pub shutdown_grace: u64,
    /// Seconds after SIGTERM during which the server keeps serving but `/readyz` answers
    /// 503, so that load balancers stop sending traffic before the port closes.
    #[arg(long, env = "VMAFX_DRAIN_DELAY", default_value_t = 5, global = true)]
    pub drain_delay: u64,
    /// Seconds a client has to send a request's headers, counted from when the
    /// connection opens or its previous answer ends (then the connection is closed).
    #[arg(
        long,
        env = "VMAFX_HEADER_READ_TIMEOUT",
        default_value_t = 10,
        global = true
    )]
    pub header_read_timeout: u64,
    /// Seconds a connection may go without a byte moving while the server waits on the
    /// client (to read an answer, or between requests); then it is closed. Scoring time
    /// does not count.
    #[arg(long, env = "VMAFX_IDLE_TIMEOUT", default_value_t = 60, global = true)]
    pub idle_timeout: u64,
    /// Open connections at most. A new connection over the limit closes the oldest one
    /// that has no request in progress, or is closed itself when every one is busy.
    #[arg(
        long,
        env = "VMAFX_MAX_CONNECTIONS",
        default_value_t = 1024,
        global = true
    )]
    pub max_connections: usize,
    /// Browser origins allowed to call /mcp (requests without Origin are always allowed;
    /// loopback origins are too). Comma-separated in the environment.
    #[arg(
        long = "allowed-origin",
        env = "VMAFX_ALLOWED_ORIGINS",
        value_delimiter = ',',
        global = true
    )]
    pub allowed_origins: Vec<String>,
    /// Log every request (method, route, status, duration) on stderr.
    #[arg(long, env = "VMAFX_LOG_REQUESTS", value_parser = FalseyValueParser::new(), global = true)]
    pub log_requests: bool,
}

/// Checked settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Listening address.
    pub listen: SocketAddr,
    /// Data folder (absolute).
    pub data_dir: PathBuf,
    /// Job database file (the SQLite store).
    pub db: PathBuf,
    /// The shared PostgreSQL job store, when configured.
    pub database_url: Option<DatabaseUrl>,
    /// Time a claimed job stays with its server without a lease renewal.
    pub job_lease: Duration,
    /// Folders `file://` URIs may point into.
    pub roots: Roots,
    /// Accepted bearer tokens; empty only with `insecure_no_auth`.
    pub tokens: Tokens,
    /// Whether requests go unauthenticated.
    pub insecure_no_auth: bool,
    /// The backend requests use unless they name one.
    pub backend: BackendKind,
    /// Scoring runs at once per backend.
    pub max_concurrent: usize,
    /// Synchronous requests allowed to wait for a slot.
    pub max_waiting: usize,
    /// Threads each scoring run uses.
    pub threads_per_score: usize,
    /// Job worker tasks.
    pub job_workers: usize,
    /// Queue length at which job submissions get 429.
    pub max_queued_jobs: u64,
    /// Upload body limit in bytes.
    pub max_upload_bytes: u64,
    /// JSON body limit in bytes.
    pub max_json_bytes: usize,
    /// Whole-request time limit.
    pub request_timeout: Duration,
    /// Retry-After value of 429 answers, in seconds.
    pub retry_after: u64,
    /// The ffmpeg executable, when one was found.
    pub ffmpeg: Option<PathBuf>,
    /// How ffmpeg was asked for, for error messages.
    pub ffmpeg_wanted: PathBuf,
    /// Time allowed for draining at shutdown.
    pub shutdown_grace: Duration,
    /// Time `/readyz` answers 503 after SIGTERM before the port closes.
    pub drain_delay: Duration,
    /// Time allowed for a request's headers.
    pub header_read_timeout: Duration,
    /// Time a connection may wait on its client without a byte moving.
    pub idle_timeout: Duration,
    /// Open connections at most.
    pub max_connections: usize,
    /// Extra origins allowed on /mcp.
    pub allowed_origins: Vec<String>,
    /// Whether each request is logged.
    pub log_requests: bool,
}

impl Config {
    /// Checks the options: folders exist (the data folder is created), tokens are there
    /// unless authentication is off, numbers are in range.
    pub fn from_options(options: Options, needs_auth: bool) -> Result<Config, String> {
        let backend: BackendKind = options.backend.parse().map_err(|e| format!("{e}"))?;
        std::fs::create_dir_all(&options.data_dir)
            .map_err(|e| format!("cannot create data dir {}: {e}", options.data_dir.display()))?;
        let data_dir = options
            .data_dir
            .canonicalize()
            .map_err(|e| format!("data dir {}: {e}", options.data_dir.display()))?;
        let db = options
            .db
            .clone()
            .unwrap_or_else(|| data_dir.join("jobs.sqlite3"));
        let roots = Roots::new(&options.roots)?;
        let tokens = Tokens::load(
            options.tokens_file.as_deref(),
            std::env::var("VMAFX_API_TOKENS").ok().as_deref(),
        )?;
        if needs_auth && tokens.is_empty() && !options.insecure_no_auth {
            return Err(
                "no API token configured: set VMAFX_API_TOKENS or --tokens-file, \
                        or pass --insecure-no-auth to serve without authentication"
                    .into(),
            );
        }
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let max_concurrent = options.max_concurrent.unwrap_or(cores);
        if max_concurrent == 0 {
            return Err("--max-concurrent must be at least 1".into());
        }
        let threads_per_score = match options.threads_per_score {
            0 => (cores / max_concurrent).max(1),
            n => n,
        };
        let job_workers = options.job_workers.unwrap_or(max_concurrent);
        if job_workers == 0 {
            return Err("--job-workers must be at least 1".into());
        }
        if options.request_timeout == 0 {
            return Err("--request-timeout must be at least 1 second".into());
        }
        for (name, seconds) in [
            ("--header-read-timeout", options.header_read_timeout),
            ("--idle-timeout", options.idle_timeout),
        ] {
            if seconds == 0 {
                return Err(format!("{name} must be at least 1 second"));
            }
        }
        if options.max_connections == 0 {
            return Err("--max-connections must be at least 1".into());
        }
        if options.job_lease_secs == 0 {
            return Err("--job-lease-secs must be at least 1 second".into());
        }
        let database_url = match options.database_url {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Some(DatabaseUrl(url))
            }
            Some(_) => {
                return Err("VMAFX_DATABASE_URL must be a postgres:// URL".into());
            }
            None => None,
        };
        let ffmpeg = find_program(&options.ffmpeg);
        Ok(Config {
            database_url,
            job_lease: Duration::from_secs(options.job_lease_secs),
            listen: options.listen,
            data_dir,
            db,
            roots,
            tokens,
            insecure_no_auth: options.insecure_no_auth,
            backend,
            max_concurrent,
            max_waiting: options.max_waiting,
            threads_per_score,
            job_workers,
            max_queued_jobs: options.max_queued_jobs,
            max_upload_bytes: options.max_upload_bytes,
            max_json_bytes: options.max_json_bytes,
            request_timeout: Duration::from_secs(options.request_timeout),
            retry_after: options.retry_after,
            ffmpeg,
            ffmpeg_wanted: options.ffmpeg,
            shutdown_grace: Duration::from_secs(options.shutdown_grace),
            drain_delay: Duration::from_secs(options.drain_delay),
            header_read_timeout: Duration::from_secs(options.header_read_timeout),
            idle_timeout: Duration::from_secs(options.idle_timeout),
            max_connections: options.max_connections,
            allowed_origins: options.allowed_origins,
            log_requests: options.log_requests,
        })
    }
}

/// A database URL; its `Debug` form hides the password.
#[derive(Clone)]
pub struct DatabaseUrl(pub String);

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl DatabaseUrl {
    /// The URL without its user and password, for logs.
    pub fn redacted(&self) -> String {
        match self.0.split_once("://") {
            Some((scheme, rest)) => {
                let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
                format!("{scheme}://{host}")
            }
            None => "postgres://".into(),
        }
    }
}

/// The executable `program` names: a path as given, or a bare name looked up on `PATH`.
pub fn find_program(program: &Path) -> Option<PathBuf> {
    let is_executable = |p: &Path| {
        use std::os::unix::fs::PermissionsExt;
        p.metadata()
            .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.components().count() > 1 {
        return is_executable(program).then(|| program.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_programs_on_path_and_by_path() {
        assert!(find_program(Path::new("sh")).is_some());
        assert!(find_program(Path::new("/bin/sh")).is_some());
        assert!(find_program(Path::new("no-such-program-vmafx")).is_none());
        assert!(find_program(Path::new("/nonexistent/ffmpeg")).is_none());
    }

    #[test]
    fn refuses_to_start_without_tokens() {
        let dir = std::env::temp_dir().join(format!("vmafx-config-{}", std::process::id()));
        let cli = Cli::parse_from(["vmafx-server", "--data-dir", dir.to_str().unwrap()]);
        // The test environment may carry tokens; only judge when it does not.
        if std::env::var_os("VMAFX_API_TOKENS").is_none() {
            let error = Config::from_options(cli.options.clone(), true).unwrap_err();
            assert!(error.contains("no API token"), "{error}");
        }
        let mut insecure = cli.options;
        insecure.insecure_no_auth = true;
        assert!(Config::from_options(insecure, true).is_ok());
        let _ = std::fs::remove_dir_all(dir);
    }
}
