//! The SQLite job store: one file, written with full synchronous commits so that an
//! acknowledged job survives a crash of the process (and of the machine). It serves one
//! replica: the server that runs jobs holds a lock beside the file, and a second one is
//! refused.

use std::fs::File;
use std::os::fd::AsRawFd;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use super::now_ms;
use super::{path_text, Ending, JobRow, JobState, Lease, NewJob, StoreError, StoreResult};

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

/// Columns added after the first release; a database made before them gains them.
const LEASE_COLUMNS: [(&str, &str); 2] = [("lease_owner", "TEXT"), ("lease_until", "INTEGER")];

const COLUMNS: &str = "seq, id, state, spec, reference, distorted, upload_dir, attempts, \
     cancel_requested, frames_done, error_code, error_message, report, created_at, \
     started_at, finished_at";

/// A SQLite database file and this server's lease on the jobs it claims.
pub struct SqliteStore {
    connection: Mutex<Connection>,
    lease: Lease,
    /// Held open for the advisory lock that keeps a second server off the file.
    _lock: Option<File>,
}

impl SqliteStore {
    /// Opens (creating and migrating if needed) the database at `path`.
    pub fn open(path: &Path, lease: Lease, exclusive: bool) -> StoreResult<SqliteStore> {
        let lock = if exclusive {
            Some(lock_beside(path)?)
        } else {
            None
        };
        let connection = Connection::open(path)?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "FULL")?;
        connection.execute_batch(SCHEMA)?;
        migrate(&connection)?;
        Ok(SqliteStore {
            connection: Mutex::new(connection),
            lease,
            _lock: lock,
        })
    }

    pub(super) fn lease(&self) -> &Lease {
        &self.lease
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves SQLite itself consistent (each statement
        // is atomic), so the connection stays usable.
        self.connection.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(super) fn recover(&self) -> StoreResult<usize> {
        let db = self.lock();
        db.execute(
            "UPDATE jobs SET state = 'cancelled', finished_at = ?1, lease_owner = NULL
             WHERE state IN ('queued', 'running') AND cancel_requested = 1",
            params![now_ms()],
        )?;
        Ok(db.execute(
            "UPDATE jobs SET state = 'queued', lease_owner = NULL WHERE state = 'running'",
            [],
        )?)
    }

    pub(super) fn requeue_expired(&self) -> StoreResult<usize> {
        let db = self.lock();
        let now = now_ms();
        db.execute(
            "UPDATE jobs SET state = 'cancelled', finished_at = ?1, lease_owner = NULL
             WHERE state = 'running' AND cancel_requested = 1 AND lease_until < ?1",
            params![now],
        )?;
        Ok(db.execute(
            "UPDATE jobs SET state = 'queued', lease_owner = NULL
             WHERE state = 'running' AND lease_until < ?1",
            params![now],
        )?)
    }

    pub(super) fn insert(&self, job: &NewJob) -> StoreResult<JobRow> {
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
        get_with(&db, &job.id)?.ok_or(StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows))
    }

    pub(super) fn get(&self, id: &str) -> StoreResult<Option<JobRow>> {
        get_with(&self.lock(), id)
    }

    pub(super) fn claim_next(&self) -> StoreResult<Option<JobRow>> {
        let mut db = self.lock();
        // Write-locked from the start: a read lock upgraded later fails at once (busy)
        // when another connection to the file claimed in between.
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
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
        let now = now_ms();
        tx.execute(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ?2,
                 frames_done = 0, lease_owner = ?3, lease_until = ?4
             WHERE id = ?1",
            params![id, now, self.lease.owner, now + self.lease.millis()],
        )?;
        let row = get_with(&tx, &id)?;
        tx.commit()?;
        Ok(row)
    }

    pub(super) fn renew_lease(&self, id: &str, attempt: i64) -> StoreResult<bool> {
        let changed = self.lock().execute(
            "UPDATE jobs SET lease_until = ?4
             WHERE id = ?1 AND attempts = ?2 AND state = 'running' AND lease_owner = ?3",
            params![
                id,
                attempt,
                self.lease.owner,
                now_ms() + self.lease.millis()
            ],
        )?;
        Ok(changed == 1)
    }

    pub(super) fn finish(&self, id: &str, attempt: i64, ending: &Ending) -> StoreResult<bool> {
        let db = self.lock();
        let owner = &self.lease.owner;
        let guard = "WHERE id = ?1 AND attempts = ?2 AND state = 'running' AND lease_owner = ?3";
        let changed = match ending {
            Ending::Succeeded { report, frames } => db.execute(
                &format!(
                    "UPDATE jobs SET state = 'succeeded', report = ?4, frames_done = ?5,
                         finished_at = ?6, lease_owner = NULL {guard}"
                ),
                params![id, attempt, owner, report, frames, now_ms()],
            )?,
            Ending::Failed { code, message } => db.execute(
                &format!(
                    "UPDATE jobs SET state = 'failed', error_code = ?4, error_message = ?5,
                         finished_at = ?6, lease_owner = NULL {guard}"
                ),
                params![id, attempt, owner, code, message, now_ms()],
            )?,
            Ending::Cancelled => db.execute(
                &format!(
                    "UPDATE jobs SET state = 'cancelled', finished_at = ?4, lease_owner = NULL
                     {guard}"
                ),
                params![id, attempt, owner, now_ms()],
            )?,
            Ending::Requeued => db.execute(
                &format!("UPDATE jobs SET state = 'queued', lease_owner = NULL {guard}"),
                params![id, attempt, owner],
            )?,
        };
        Ok(changed == 1)
    }

    pub(super) fn set_progress(&self, id: &str, attempt: i64, frames: i64) -> StoreResult<()> {
        self.lock().execute(
            "UPDATE jobs SET frames_done = ?3 WHERE id = ?1 AND attempts = ?2 AND state = 'running'",
            params![id, attempt, frames],
        )?;
        Ok(())
    }

    pub(super) fn request_cancel(&self, id: &str) -> StoreResult<Option<JobRow>> {
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

    pub(super) fn list(
        &self,
        state: Option<JobState>,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<JobRow>> {
        let db = self.lock();
        let columns = COLUMNS.replace("report,", "NULL AS report,");
        let mut statement = db.prepare(&format!(
            "SELECT {columns} FROM jobs
             WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR seq < ?2)
             ORDER BY seq DESC LIMIT ?3"
        ))?;
        let rows =
            statement.query_map(params![state.map(JobState::name), before, limit], read_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub(super) fn raw_counts(&self) -> StoreResult<Vec<(String, i64)>> {
        let db = self.lock();
        let mut statement = db.prepare("SELECT state, COUNT(*) FROM jobs GROUP BY state")?;
        let found = statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(found)
    }

    pub(super) fn queued(&self) -> StoreResult<i64> {
        Ok(self.lock().query_row(
            "SELECT COUNT(*) FROM jobs WHERE state = 'queued'",
            [],
            |r| r.get(0),
        )?)
    }

    pub(super) fn upload_dir_state(&self, dir: &str) -> StoreResult<Option<String>> {
        Ok(self
            .lock()
            .query_row(
                "SELECT state FROM jobs WHERE upload_dir = ?1",
                params![dir],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Whether the database takes a write, read from the file itself: the page cache is
    /// dropped first, so a file that was damaged or replaced under the server fails here
    /// rather than only once a job is written. A one-row upsert keeps it cheap.
    pub(super) fn probe_write(&self) -> StoreResult<()> {
        let db = self.lock();
        db.execute_batch("PRAGMA shrink_memory")?;
        db.execute(
            "INSERT INTO health (id, checked_at) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
            params![now_ms()],
        )?;
        Ok(())
    }

    #[cfg(test)]
    pub(super) fn connection(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.lock()
    }
}

/// Adds the lease columns to a database made before them.
fn migrate(db: &Connection) -> StoreResult<()> {
    let mut statement = db.prepare("SELECT name FROM pragma_table_info('jobs')")?;
    let present: Vec<String> = statement
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for (name, kind) in LEASE_COLUMNS {
        if !present.iter().any(|p| p == name) {
            db.execute_batch(&format!("ALTER TABLE jobs ADD COLUMN {name} {kind}"))?;
        }
    }
    Ok(())
}

/// Takes the lock file beside the database, refusing when another server holds it.
fn lock_beside(path: &Path) -> StoreResult<File> {
    let mut lock_path = path.as_os_str().to_owned();
    lock_path.push(".lock");
    let lock_path = PathBuf::from(lock_path);
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| StoreError::Refused(format!("{}: {e}", lock_path.display())))?;
    // SAFETY: flock on a descriptor this function owns; no memory is involved.
    let taken = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0;
    if !taken {
        return Err(StoreError::Refused(format!(
            "another server uses {}: the SQLite job store serves one replica only \
             (set VMAFX_DATABASE_URL=postgres://... to share a job store)",
            path.display()
        )));
    }
    Ok(file)
}

fn get_with(db: &Connection, id: &str) -> StoreResult<Option<JobRow>> {
    Ok(db
        .query_row(
            &format!("SELECT {COLUMNS} FROM jobs WHERE id = ?1"),
            params![id],
            read_row,
        )
        .optional()?)
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
