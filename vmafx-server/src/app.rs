//! The server's shared state and its start-up: database recovery, scratch clean-up,
//! the default backend.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::{watch, Notify};
use vmafx::backend::BackendChoice;
use vmafx::BackendKind;

use crate::admission::Admission;
use crate::config::Config;
use crate::errors::ApiError;
use crate::jobs::Running;
use crate::listener::Connections;
use crate::log;
use crate::metrics::Metrics;
use crate::scoring::RunSettings;
use crate::store::{Lease, Store};

/// Everything handlers share.
pub struct App {
    /// Checked settings.
    pub config: Config,
    /// Job database.
    pub store: Store,
    /// Scoring slots.
    pub admission: Admission,
    /// Runs in progress, by job id.
    pub running: Running,
    /// Counters for `/metrics`.
    pub metrics: Metrics,
    /// The backend that requests naming none get, resolved at start.
    pub default_backend: BackendChoice,
    /// Wakes idle job workers when a job is queued.
    pub job_added: Notify,
    /// Open HTTP connections.
    pub connections: Connections,
    shutdown: watch::Sender<bool>,
    draining: AtomicBool,
}

impl App {
    /// Opens the store. The server that runs jobs (`runs_jobs`) also recovers
    /// interrupted jobs and clears scratch space; an MCP stdio process, which may share
    /// the database with a running server, must not.
    pub fn start(config: Config, runs_jobs: bool) -> Result<Arc<App>, String> {
        let default_backend = vmafx::backend::resolve(config.backend)
            .map_err(|e| format!("backend {}: {e}", config.backend))?;
        for dir in [config.data_dir.join("jobs"), config.data_dir.join("tmp")] {
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        let lease = Lease::new(config.job_lease);
        let (store, store_name) = match &config.database_url {
            Some(url) => (
                Store::open_postgres(&url.0, lease),
                format!("job database {}", url.redacted()),
            ),
            None => (
                Store::open_sqlite(&config.db, lease, runs_jobs),
                format!("job database {}", config.db.display()),
            ),
        };
        let store = store.map_err(|e| format!("{store_name}: {e}"))?;
        if runs_jobs {
            let requeued = store.recover().map_err(|e| format!("{store_name}: {e}"))?;
            if requeued > 0 {
                log::info!("re-queued {requeued} job(s) interrupted by the last shutdown");
            }
            clean_scratch(&config, &store);
        }
        let admission = Admission::new(
            config.max_concurrent,
            config.max_waiting,
            config.retry_after,
        );
        let (shutdown, _) = watch::channel(false);
        Ok(Arc::new(App {
            config,
            store,
            admission,
            running: Running::default(),
            metrics: Metrics::default(),
            default_backend,
            job_added: Notify::new(),
            connections: Connections::default(),
            shutdown,
            draining: AtomicBool::new(false),
        }))
    }

    /// Resolves the backend a request asks for (or the default) to the one that runs.
    pub fn backend_for(&self, requested: BackendKind) -> Result<BackendKind, ApiError> {
        if requested == self.config.backend {
            return Ok(self.default_backend.kind);
        }
        Ok(vmafx::backend::resolve(requested)?.kind)
    }

    /// What a run on `backend` needs.
    pub fn run_settings(&self, backend: BackendKind) -> RunSettings {
        RunSettings {
            backend,
            threads: self.config.threads_per_score,
            ffmpeg: self.config.ffmpeg.clone(),
        }
    }

    /// Where a new request's uploads go while it is served.
    pub fn scratch_dir(&self) -> PathBuf {
        self.config.data_dir.join("tmp").join(crate::ids::new_id())
    }

    /// Where a job's uploads live.
    pub fn job_dir(&self, id: &str) -> PathBuf {
        self.config.data_dir.join("jobs").join(id)
    }

    /// Starts the drain before a shutdown: readiness goes false, everything else goes on.
    pub fn begin_drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    /// Starts the shutdown: readiness goes false, the port closes, workers stop taking
    /// jobs.
    pub fn begin_shutdown(&self) {
        self.begin_drain();
        self.shutdown.send_replace(true);
    }

    /// Whether shutdown has begun.
    pub fn is_shutting_down(&self) -> bool {
        *self.shutdown.borrow()
    }

    /// Resolves when shutdown begins.
    pub async fn shutdown_started(&self) {
        let mut receiver = self.shutdown.subscribe();
        let _ = receiver.wait_for(|down| *down).await;
    }

    /// Whether the server takes traffic (no drain or shutdown under way).
    pub fn is_ready(&self) -> bool {
        !self.draining.load(Ordering::SeqCst)
    }
}

/// Age under which a shared data folder's entries may belong to another replica's
/// request in flight (an upload being received, a job not yet acknowledged).
const SHARED_SCRATCH_GRACE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes what a previous process left: scratch uploads of requests it was serving,
/// job folders of finished or never-acknowledged jobs. With a shared store the data
/// folder is shared too, so only entries older than [`SHARED_SCRATCH_GRACE`] go.
fn clean_scratch(config: &Config, store: &Store) {
    let shared = store.is_shared();
    let stale = |path: &std::path::Path| {
        !shared
            || std::fs::metadata(path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > SHARED_SCRATCH_GRACE)
    };
    let tmp = config.data_dir.join("tmp");
    for entry in std::fs::read_dir(&tmp).into_iter().flatten().flatten() {
        if stale(&entry.path()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    let dirs: Vec<PathBuf> = std::fs::read_dir(config.data_dir.join("jobs"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| stale(p))
        .collect();
    match store.unowned_upload_dirs(dirs) {
        Ok(unowned) => {
            for dir in unowned {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
        Err(e) => log::warn!("could not check job folders: {e}"),
    }
}
