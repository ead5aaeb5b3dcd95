//! The job store: one SQLite table, written with full synchronous commits so that an
//! acknowledged job survives a crash of the process (and of the machine).
//!
//! States: `queued` -> `running` -> `succeeded` | `failed` | `cancelled`. A job's result is
//! written only by the run that holds its current attempt number, so a job completes
//! exactly once even when a crash made it run again.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::errors::ApiError;

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

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    spec TEXT NOT NULL,
    reference TEXT NOT NULL,
    distorted TEXT NOT NULL,
    upload_dir TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    frames_done INTEGER NOT NULL DEFAULT 0,
    error_code TEXT,
    error_message TEXT,
    report TEXT,
    created_at INTEGER NOT NULL,
    started_at INTEGER,
    finished_at INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs(state, seq);
CREATE TABLE IF NOT EXISTS health (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at INTEGER NOT NULL
);
";

const COLUMNS: &str = "seq, id, state, spec, reference, distorted, upload_dir, attempts, \
     cancel_requested, frames_done, error_code, error_message, report, created_at, \
     started_at, finished_at";

/// The job database. Cheap to clone; calls block briefly on a mutex and on disk syncs,
/// so async code goes through [`Store::call`].
#[derive(Clone)]
pub struct Store {
    connection: Arc<Mutex<Connection>>,
}

/// Unix time in milliseconds.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

impl Store {
    /// Opens (creating if needed) the database at `path`.
    pub fn open(path: &Path) -> rusqlite::Result<Store> {
        let connection = Connection::open(path)?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.execute_batch(SCHEMA)?;
        Ok(Store {
            connection: Arc::new(Mutex::new(connection)),
        })
    }

    /// Runs `f` with the connection on the blocking pool.
    pub async fn call<R, F>(&self, f: F) -> Result<R, ApiError>
    where
        F: FnOnce(&Store) -> rusqlite::Result<R> + Send + 'static,
        R: Send + 'static,
    {
        let store = self.clone();
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| ApiError::internal(format!("job store task: {e}")))?
            .map_err(ApiError::from)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite itself consistent (each statement
        // is atomic), so the connection stays usable.
        self.connection.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// After a restart: interrupted runs go back to the queue, or to `cancelled` when a
    /// client had asked for that. Returns how many were re-queued.
    pub fn recover(&self) -> rusqlite::Result<usize> {
        let db = self.lock();
        db.execute(
            "UPDATE jobs SET state = 'cancelled', finished_at = ?1
             WHERE state IN ('queued', 'running') AND cancel_requested = 1",
            params![now_ms()],
        )?;
        db.execute(
            "UPDATE jobs SET state = 'queued' WHERE state = 'running'",
            [],
        )
    }

    /// Adds a queued job.
    pub fn insert(&self, job: &NewJob) -> rusqlite::Result<JobRow> {
        let db = self.lock();
        db.execute(
            "INSERT INTO jobs (id, state, spec, reference, distorted, upload_dir, created_at)
             VALUES (?1, 'queued', ?2, ?3, ?4, ?5, ?6)",
            params![
                job.id,
                job.spec,
                path_text(&job.reference),
                path_text(&job.distorted),
                job.upload_dir.as_deref().map(path_text),
                now_ms()
            ],
        )?;
        get_with(&db, &job.id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)
    }

    /// A job by id.
    pub fn get(&self, id: &str) -> rusqlite::Result<Option<JobRow>> {
        get_with(&self.lock(), id)
    }

    /// Takes the oldest queued job: marks it running and counts the attempt.
    pub fn claim_next(&self) -> rusqlite::Result<Option<JobRow>> {
        let mut db = self.lock();
        let tx = db.transaction()?;
        let id: Option<String> = tx
            .query_row(
                "SELECT id FROM jobs WHERE state = 'queued' AND cancel_requested = 0
                 ORDER BY seq LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()?;
        let Some(id) = id else {
            return Ok(None);
        };
        tx.execute(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ?2,
                 frames_done = 0
             WHERE id = ?1",
            params![id, now_ms()],
        )?;
        let row = get_with(&tx, &id)?;
        tx.commit()?;
        Ok(row)
    }

    /// Records how a run ended. Only the run holding the job's current attempt may do
    /// so; returns whether this call was it.
    pub fn finish(&self, id: &str, attempt: i64, ending: &Ending) -> rusqlite::Result<bool> {
        let db = self.lock();
        let guard = "WHERE id = ?1 AND attempts = ?2 AND state = 'running'";
        let changed = match ending {
            Ending::Succeeded { report, frames } => db.execute(
                &format!(
                    "UPDATE jobs SET state = 'succeeded', report = ?3, frames_done = ?4,
                         finished_at = ?5 {guard}"
                ),
                params![id, attempt, report, frames, now_ms()],
            )?,
            Ending::Failed { code, message } => db.execute(
                &format!(
                    "UPDATE jobs SET state = 'failed', error_code = ?3, error_message = ?4,
                         finished_at = ?5 {guard}"
                ),
                params![id, attempt, code, message, now_ms()],
            )?,
            Ending::Cancelled => db.execute(
                &format!("UPDATE jobs SET state = 'cancelled', finished_at = ?3 {guard}"),
                params![id, attempt, now_ms()],
            )?,
            Ending::Requeued => db.execute(
                &format!("UPDATE jobs SET state = 'queued' {guard}"),
                params![id, attempt],
            )?,
        };
        Ok(changed == 1)
    }

    /// Saves a running job's progress.
    pub fn set_progress(&self, id: &str, attempt: i64, frames: i64) -> rusqlite::Result<()> {
        self.lock().execute(
            "UPDATE jobs SET frames_done = ?3 WHERE id = ?1 AND attempts = ?2 AND state = 'running'",
            params![id, attempt, frames],
        )?;
        Ok(())
    }

    /// A client's cancel: a queued job ends at once, a running one is flagged for its
    /// worker (and for recovery after a crash). Returns the job as it now stands.
    pub fn request_cancel(&self, id: &str) -> rusqlite::Result<Option<JobRow>> {
        let db = self.lock();
        db.execute(
            "UPDATE jobs SET state = 'cancelled', cancel_requested = 1, finished_at = ?2
             WHERE id = ?1 AND state = 'queued'",
            params![id, now_ms()],
        )?;
        db.execute(
            "UPDATE jobs SET cancel_requested = 1 WHERE id = ?1 AND state = 'running'",
            params![id],
        )?;
        get_with(&db, id)
    }

    /// Jobs newest first, optionally of one state, before the `before` cursor; without
    /// their reports (which can be large), so a page stays cheap.
    pub fn list(
        &self,
        state: Option<JobState>,
        before: Option<i64>,
        limit: u32,
    ) -> rusqlite::Result<Vec<JobRow>> {
        let db = self.lock();
        let columns = COLUMNS.replace("report,", "NULL AS report,");
        let mut statement = db.prepare(&format!(
            "SELECT {columns} FROM jobs
             WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR seq < ?2)
             ORDER BY seq DESC LIMIT ?3"
        ))?;
        let rows =
            statement.query_map(params![state.map(JobState::name), before, limit], read_row)?;
        rows.collect()
    }

    /// Number of jobs in each state.
    pub fn counts(&self) -> rusqlite::Result<Vec<(JobState, i64)>> {
        let db = self.lock();
        let mut statement = db.prepare("SELECT state, COUNT(*) FROM jobs GROUP BY state")?;
        let found: Vec<(String, i64)> = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
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
    pub fn queued(&self) -> rusqlite::Result<i64> {
        self.lock().query_row(
            "SELECT COUNT(*) FROM jobs WHERE state = 'queued'",
            [],
            |r| r.get(0),
        )
    }

    /// Upload folders of jobs that are over, or of no job at all, among `names`.
    pub fn unowned_upload_dirs(&self, dirs: Vec<PathBuf>) -> rusqlite::Result<Vec<PathBuf>> {
        let db = self.lock();
        let mut statement = db.prepare("SELECT state FROM jobs WHERE upload_dir = ?1")?;
        let mut unowned = Vec::new();
        for dir in dirs {
            let state: Option<String> = statement
                .query_row(params![path_text(&dir)], |r| r.get(0))
                .optional()?;
            let live = state
                .and_then(|s| JobState::parse(&s))
                .is_some_and(|s| !s.is_terminal());
            if !live {
                unowned.push(dir);
            }
        }
        Ok(unowned)
    }

    /// Whether the database takes a write, read from the file itself: the page cache is
    /// dropped first, so a file that was damaged or replaced under the server fails here
    /// rather than only once a job is written. A one-row upsert keeps it cheap.
    pub fn probe_write(&self) -> rusqlite::Result<()> {
        let db = self.lock();
        db.execute_batch("PRAGMA shrink_memory")?;
        db.execute(
            "INSERT INTO health (id, checked_at) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
            params![now_ms()],
        )?;
        Ok(())
    }
}

fn path_text(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn get_with(db: &Connection, id: &str) -> rusqlite::Result<Option<JobRow>> {
    db.query_row(
        &format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1"),
        params![id],
        read_row,
    )
    .optional()
}

fn read_row(r: &Row<'_>) -> rusqlite::Result<JobRow> {
    let state: String = r.get(2)?;
    let error_code: Option<String> = r.get(10)?;
    let error_message: Option<String> = r.get(11)?;
    Ok(JobRow {
        seq: r.get(0)?,
        id: r.get(1)?,
        state: JobState::parse(&state).unwrap_or(JobState::Failed),
        spec: r.get(3)?,
        reference: PathBuf::from(r.get::<_, String>(4)?),
        distorted: PathBuf::from(r.get::<_, String>(5)?),
        upload_dir: r.get::<_, Option<String>>(6)?.map(PathBuf::from),
        attempts: r.get(7)?,
        cancel_requested: r.get::<_, i64>(8)? != 0,
        frames_done: r.get(9)?,
        error: error_code.zip(error_message),
        report: r.get(12)?,
        created_at: r.get(13)?,
        started_at: r.get(14)?,
        finished_at: r.get(15)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store(name: &str) -> (Store, PathBuf) {
        let path =
            std::env::temp_dir().join(format!("vmafx-store-{}-{name}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        (Store::open(&path).unwrap(), path)
    }

    fn job(id: &str) -> NewJob {
        NewJob {
            id: id.into(),
            spec: "{}".into(),
            reference: "/r".into(),
            distorted: "/d".into(),
            upload_dir: None,
        }
    }

    #[test]
    fn a_job_completes_once_per_attempt() {
        let (store, path) = store("once");
        store.insert(&job("a")).unwrap();
        store.insert(&job("b")).unwrap();
        let first = store.claim_next().unwrap().unwrap();
        assert_eq!((first.id.as_str(), first.attempts), ("a", 1));
        // A crash: the run is lost, recovery re-queues it, a new attempt starts.
        assert_eq!(store.recover().unwrap(), 1);
        let again = store.claim_next().unwrap().unwrap();
        assert_eq!((again.id.as_str(), again.attempts), ("a", 2));
        let done = Ending::Succeeded {
            report: "{}".into(),
            frames: 3,
        };
        assert!(
            !store.finish("a", 1, &done).unwrap(),
            "a stale attempt may not finish"
        );
        assert!(store.finish("a", 2, &done).unwrap());
        assert!(!store.finish("a", 2, &done).unwrap(), "finished twice");
        assert_eq!(store.get("a").unwrap().unwrap().state, JobState::Succeeded);
        assert_eq!(store.claim_next().unwrap().unwrap().id, "b");
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn the_write_probe_sees_a_damaged_file() {
        let (store, path) = store("probe");
        store.insert(&job("a")).unwrap();
        store.probe_write().unwrap();
        {
            let db = store.lock();
            db.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
        }
        let size = std::fs::metadata(&path).unwrap().len() as usize;
        std::fs::write(&path, vec![0x5a; size]).unwrap();
        assert!(store.probe_write().is_err());
        let _ = std::fs::remove_file(path);
    }

    #[test]
    fn cancels_and_lists() {
        let (store, path) = store("cancel");
        for id in ["a", "b", "c"] {
            store.insert(&job(id)).unwrap();
        }
        assert_eq!(
            store.request_cancel("b").unwrap().unwrap().state,
            JobState::Cancelled
        );
        let running = store.claim_next().unwrap().unwrap();
        let flagged = store.request_cancel(&running.id).unwrap().unwrap();
        assert!(flagged.cancel_requested && flagged.state == JobState::Running);
        assert_eq!(
            store.recover().unwrap(),
            0,
            "a cancelled run is not re-queued"
        );
        assert_eq!(store.get("a").unwrap().unwrap().state, JobState::Cancelled);
        assert!(store.request_cancel("zzz").unwrap().is_none());
        let all = store.list(None, None, 2).unwrap();
        assert_eq!(
            all.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(),
            ["c", "b"]
        );
        let next = store.list(None, Some(all[1].seq), 2).unwrap();
        assert_eq!(next.len(), 1);
        let queued = store.list(Some(JobState::Queued), None, 10).unwrap();
        assert_eq!(queued.len(), 1);
        let counts = store.counts().unwrap();
        assert!(counts.contains(&(JobState::Cancelled, 2)));
        assert_eq!(store.queued().unwrap(), 1);
        let _ = std::fs::remove_file(path);
    }
}
