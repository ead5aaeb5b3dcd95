//! The job store: SQLite for one replica (the embedded default), PostgreSQL for many
//! replicas sharing one queue. Both keep the same table and the same contract.
//!
//! States: `queued` -> `running` -> `succeeded` | `failed` | `cancelled`. A claim counts
//! an attempt and takes a lease (owner and expiry) that the worker renews while the job
//! runs; a reaper puts a job whose lease expired back in the queue. A job's ending is
//! written only by the run that holds its current attempt under its own lease, so a job
//! completes exactly once even when a crash or a lost lease made it run again.

mod postgres;
mod sqlite;

#[cfg(test)]
mod contract_tests;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::errors::ApiError;

pub use self::postgres::PostgresStore;
pub use self::sqlite::SqliteStore;

/// A job's lifecycle state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    /// Waiting for a worker.
    Queued,
    /// Being scored.
    Running,
    /// Finished with a result.
    Succeeded,
    /// Finished with an error.
    Failed,
    /// Stopped by a client.
    Cancelled,
}

impl JobState {
    /// Every state, in lifecycle order.
    pub const ALL: [JobState; 5] = [
        Self::Queued,
        Self::Running,
        Self::Succeeded,
        Self::Failed,
        Self::Cancelled,
    ];

    /// The name stored and shown by the API.
    pub fn name(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// The state of a name.
    pub fn parse(name: &str) -> Option<JobState> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether the job is over.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Cancelled)
    }
}

/// One row of the job table.
#[derive(Debug, Clone)]
pub struct JobRow {
    /// Position in submission order; also the list cursor.
    pub seq: i64,
    /// Public id.
    pub id: String,
    /// Lifecycle state.
    pub state: JobState,
    /// The score spec, as JSON.
    pub spec: String,
    /// Reference file.
    pub reference: PathBuf,
    /// Distorted file.
    pub distorted: PathBuf,
    /// Folder of uploaded inputs owned by the job, removed when it ends.
    pub upload_dir: Option<PathBuf>,
    /// Times a worker has started the job.
    pub attempts: i64,
    /// Whether a client asked to cancel it.
    pub cancel_requested: bool,
    /// Frames scored (last saved progress, or all of them when finished).
    pub frames_done: i64,
    /// Error code and message of a failed job.
    pub error: Option<(String, String)>,
    /// The stored report of a succeeded job, as JSON.
    pub report: Option<String>,
    /// Unix milliseconds.
    pub created_at: i64,
    /// Unix milliseconds of the latest start.
    pub started_at: Option<i64>,
    /// Unix milliseconds of the end.
    pub finished_at: Option<i64>,
}

/// A job to add.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// Public id.
    pub id: String,
    /// The score spec, as JSON.
    pub spec: String,
    /// Reference file.
    pub reference: PathBuf,
    /// Distorted file.
    pub distorted: PathBuf,
    /// Folder of uploaded inputs, if any.
    pub upload_dir: Option<PathBuf>,
}

/// How a run ended.
#[derive(Debug, Clone)]
pub enum Ending {
    /// With a stored report.
    Succeeded {
        /// The report, as JSON.
        report: String,
        /// Frames scored.
        frames: i64,
    },
    /// With an error.
    Failed {
        /// Stable error code.
        code: String,
        /// Message.
        message: String,
    },
    /// Stopped by a client.
    Cancelled,
    /// Interrupted by shutdown: back to the queue.
    Requeued,
}

/// What the job store failed with.
#[derive(Debug)]
pub enum StoreError {
    /// The SQLite database.
    Sqlite(rusqlite::Error),
    /// The PostgreSQL server or connection.
    Postgres(::postgres::Error),
    /// A database this server cannot use (schema from a newer release, a store held by
    /// another server).
    Refused(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Sqlite(e) => write!(f, "{e}"),
            // The driver's short text hides the server's message; the source carries it.
            Self::Postgres(e) => match e.as_db_error() {
                Some(db) => write!(f, "postgres: {}: {}", db.severity(), db.message()),
                None => write!(f, "postgres: {e}"),
            },
            Self::Refused(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Sqlite(error)
    }
}

impl From<::postgres::Error> for StoreError {
    fn from(error: ::postgres::Error) -> Self {
        Self::Postgres(error)
    }
}

/// A store call's result.
pub type StoreResult<T> = Result<T, StoreError>;

/// Who holds a claimed job and for how long a claim stays valid without renewal.
#[derive(Debug, Clone)]
pub struct Lease {
    /// This process's owner name, unique among replicas.
    pub owner: String,
    /// Time a claim stays valid after its latest renewal.
    pub duration: Duration,
}

impl Lease {
    /// A lease of `duration` held under a fresh owner name.
    pub fn new(duration: Duration) -> Lease {
        Lease {
            owner: format!("{}-{}", std::process::id(), crate::ids::new_id()),
            duration,
        }
    }

    fn millis(&self) -> i64 {
        i64::try_from(self.duration.as_millis()).unwrap_or(i64::MAX)
    }
}

enum Backend {
    Sqlite(SqliteStore),
    // The client's configuration is large; the enum stays small behind an Arc anyway.
    Postgres(Box<PostgresStore>),
}

/// The job database. Cheap to clone; calls block on the database, so async code goes
/// through [`Store::call`].
#[derive(Clone)]
pub struct Store {
    backend: std::sync::Arc<Backend>,
}

/// Unix time in milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

macro_rules! dispatch {
    ($self:ident, $store:ident => $call:expr) => {
        match &*$self.backend {
            Backend::Sqlite($store) => $call,
            Backend::Postgres($store) => $call,
        }
    };
}

impl Store {
    /// Opens (creating if needed) the SQLite database at `path`. A server that runs
    /// jobs (`exclusive`) holds it alone: a second one on the same file is refused,
    /// since SQLite serves one replica only.
    pub fn open_sqlite(path: &Path, lease: Lease, exclusive: bool) -> StoreResult<Store> {
        let store = SqliteStore::open(path, lease, exclusive)?;
        Ok(Store {
            backend: std::sync::Arc::new(Backend::Sqlite(store)),
        })
    }

    /// Connects to PostgreSQL and creates or migrates the schema.
    pub fn open_postgres(url: &str, lease: Lease) -> StoreResult<Store> {
        let store = PostgresStore::open(url, lease)?;
        Ok(Store {
            backend: std::sync::Arc::new(Backend::Postgres(Box::new(store))),
        })
    }

    /// Whether several servers share this store (so that one server must leave the
    /// others' running jobs and scratch files alone).
    pub fn is_shared(&self) -> bool {
        matches!(&*self.backend, Backend::Postgres(_))
    }

    /// The lease this server claims jobs under.
    pub fn lease(&self) -> &Lease {
        dispatch!(self, s => s.lease())
    }

    /// Runs `f` with the store on the blocking pool.
    pub async fn call<R, F>(&self, f: F) -> Result<R, ApiError>
    where
        F: FnOnce(&Store) -> StoreResult<R> + Send + 'static,
        R: Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| ApiError::internal(format!("job store task: {e}")))?
            .map_err(ApiError::from)
    }

    /// At start: with SQLite (one replica) every interrupted run goes back to the
    /// queue, or to `cancelled` when a client had asked for that; with a shared store
    /// only runs whose lease expired do, since the others are alive elsewhere. Returns
    /// how many were re-queued.
    pub fn recover(&self) -> StoreResult<usize> {
        dispatch!(self, s => s.recover())
    }

    /// Puts running jobs whose lease expired back in the queue (cancelled ones end).
    /// Returns how many were re-queued.
    pub fn requeue_expired(&self) -> StoreResult<usize> {
        dispatch!(self, s => s.requeue_expired())
    }

    /// Adds a queued job.
    pub fn insert(&self, job: &NewJob) -> StoreResult<JobRow> {
        dispatch!(self, s => s.insert(job))
    }

    /// A job by id.
    pub fn get(&self, id: &str) -> StoreResult<Option<JobRow>> {
        dispatch!(self, s => s.get(id))
    }

    /// Takes the oldest queued job: marks it running under this server's lease and
    /// counts the attempt.
    pub fn claim_next(&self) -> StoreResult<Option<JobRow>> {
        dispatch!(self, s => s.claim_next())
    }

    /// Extends the lease of a job this server runs; false when the lease was lost
    /// (expired and re-queued, or taken by another attempt), so the run must stop.
    pub fn renew_lease(&self, id: &str, attempt: i64) -> StoreResult<bool> {
        dispatch!(self, s => s.renew_lease(id, attempt))
    }

    /// Records how a run ended. Only the run holding the job's current attempt under
    /// this server's lease may do so; returns whether this call was it.
    pub fn finish(&self, id: &str, attempt: i64, ending: &Ending) -> StoreResult<bool> {
        dispatch!(self, s => s.finish(id, attempt, ending))
    }

    /// Saves a running job's progress.
    pub fn set_progress(&self, id: &str, attempt: i64, frames: i64) -> StoreResult<()> {
        dispatch!(self, s => s.set_progress(id, attempt, frames))
    }

    /// A client's cancel: a queued job ends at once, a running one is flagged for its
    /// worker (and for recovery after a crash). Returns the job as it now stands.
    pub fn request_cancel(&self, id: &str) -> StoreResult<Option<JobRow>> {
        dispatch!(self, s => s.request_cancel(id))
    }

    /// Jobs newest first, optionally of one state, before the `before` cursor; without
    /// their reports (which can be large), so a page stays cheap.
    pub fn list(
        &self,
        state: Option<JobState>,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<JobRow>> {
        dispatch!(self, s => s.list(state, before, limit))
    }

    /// Number of jobs in each state.
    pub fn counts(&self) -> StoreResult<Vec<(JobState, i64)>> {
        let found = dispatch!(self, s => s.raw_counts())?;
        Ok(JobState::ALL
            .into_iter()
            .map(|s| {
                let n = found
                    .iter()
                    .find(|(name, _)| name == s.name())
                    .map_or(0, |f| f.1);
                (s, n)
            })
            .collect())
    }

    /// Number of queued jobs.
    pub fn queued(&self) -> StoreResult<i64> {
        dispatch!(self, s => s.queued())
    }

    /// Upload folders of jobs that are over, or of no job at all, among `dirs`.
    pub fn unowned_upload_dirs(&self, dirs: Vec<PathBuf>) -> StoreResult<Vec<PathBuf>> {
        let mut unowned = Vec::new();
        for dir in dirs {
            let state = dispatch!(self, s => s.upload_dir_state(&path_text(&dir)))?;
            let live = state
                .and_then(|s| JobState::parse(&s))
                .is_some_and(|s| !s.is_terminal());
            if !live {
                unowned.push(dir);
            }
        }
        Ok(unowned)
    }

    /// Whether the database takes a write (for readiness).
    pub fn probe_write(&self) -> StoreResult<()> {
        dispatch!(self, s => s.probe_write())
    }
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}
