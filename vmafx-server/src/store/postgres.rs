//! The PostgreSQL job store, shared by any number of server replicas: any replica
//! serves any job, workers claim with `FOR UPDATE SKIP LOCKED`, and lease times come
//! from the database's clock so that replicas whose clocks drift still agree on expiry.

use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Mutex;

use postgres::{Client, Config, NoTls, Row};

use super::now_ms;
use super::{path_text, Ending, JobRow, JobState, Lease, NewJob, StoreError, StoreResult};

/// The schema this release writes; a database marked with a newer one is refused.
const SCHEMA_VERSION: i32 = 1;

/// Serialises schema creation among replicas that start at once.
const SCHEMA_LOCK: i64 = 0x766d_6166_7800;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS vmafx_jobs (
    seq BIGSERIAL PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    spec TEXT NOT NULL,
    reference TEXT NOT NULL,
    distorted TEXT NOT NULL,
    upload_dir TEXT,
    attempts BIGINT NOT NULL DEFAULT 0,
    cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
    frames_done BIGINT NOT NULL DEFAULT 0,
    error_code TEXT,
    error_message TEXT,
    report TEXT,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    lease_owner TEXT,
    lease_until BIGINT
);
CREATE INDEX IF NOT EXISTS vmafx_jobs_by_state ON vmafx_jobs(state, seq);
CREATE INDEX IF NOT EXISTS vmafx_jobs_by_upload_dir ON vmafx_jobs(upload_dir);
CREATE TABLE IF NOT EXISTS vmafx_health (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS vmafx_schema (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
";

/// The database's time in Unix milliseconds.
const DB_NOW: &str = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

const COLUMNS: &str = "seq, id, state, spec, reference, distorted, upload_dir, attempts, \
     cancel_requested, frames_done, error_code, error_message, report, created_at, \
     started_at, finished_at";

/// A connection to the shared database (re-opened when it breaks) and this server's
/// lease on the jobs it claims.
pub struct PostgresStore {
    config: Config,
    client: Mutex<Option<Client>>,
    lease: Lease,
}

impl PostgresStore {
    /// Connects to `url` and creates or migrates the schema.
    pub fn open(url: &str, lease: Lease) -> StoreResult<PostgresStore> {
        let config = Config::from_str(url)?;
        Self::open_with(config, lease)
    }

    /// Connects with a parsed configuration and creates or migrates the schema.
    pub fn open_with(config: Config, lease: Lease) -> StoreResult<PostgresStore> {
        let store = PostgresStore {
            config,
            client: Mutex::new(None),
            lease,
        };
        store.with_client(create_schema)?;
        Ok(store)
    }

    pub(super) fn lease(&self) -> &Lease {
        &self.lease
    }

    /// Runs `f` on the connection, opening it first when there is none or it broke.
    fn with_client<R>(&self, f: impl FnOnce(&mut Client) -> StoreResult<R>) -> StoreResult<R> {
        let mut slot = self.client.lock().unwrap_or_else(|p| p.into_inner());
        if slot.as_ref().is_none_or(Client::is_closed) {
            *slot = Some(self.config.connect(NoTls)?);
        }
        let Some(client) = slot.as_mut() else {
            return Err(StoreError::Refused("no database connection".into()));
        };
        let result = f(client);
        if client.is_closed() {
            *slot = None;
        }
        result
    }

    pub(super) fn recover(&self) -> StoreResult<usize> {
        // Other replicas' running jobs are alive; only expired leases are this start's
        // business.
        self.requeue_expired()
    }

    pub(super) fn requeue_expired(&self) -> StoreResult<usize> {
        // One statement over rows taken with SKIP LOCKED: reapers of several replicas
        // never wait on (or deadlock with) each other or with a claim.
        let rows = self.with_client(|c| {
            Ok(c.query(
                &format!(
                    "UPDATE vmafx_jobs SET
                         state = CASE WHEN cancel_requested THEN 'cancelled' ELSE 'queued' END,
                         finished_at = CASE WHEN cancel_requested THEN $1 ELSE finished_at END,
                         lease_owner = NULL
                     WHERE seq IN (
                         SELECT seq FROM vmafx_jobs
                         WHERE state = 'running' AND lease_until < {DB_NOW}
                         ORDER BY seq
                         FOR UPDATE SKIP LOCKED)
                     RETURNING cancel_requested"
                ),
                &[&now_ms()],
            )?)
        })?;
        let mut requeued = 0;
        for row in rows {
            if !row.try_get::<_, bool>(0)? {
                requeued += 1;
            }
        }
        Ok(requeued)
    }

    pub(super) fn insert(&self, job: &NewJob) -> StoreResult<JobRow> {
        let row = self.with_client(|c| {
            Ok(c.query_one(
                &format!(
                    "INSERT INTO vmafx_jobs
                         (id, state, spec, reference, distorted, upload_dir, created_at)
                     VALUES ($1, 'queued', $2, $3, $4, $5, $6) RETURNING {COLUMNS}"
                ),
                &[
                    &job.id,
                    &job.spec,
                    &path_text(&job.reference),
                    &path_text(&job.distorted),
                    &job.upload_dir.as_deref().map(path_text),
                    &now_ms(),
                ],
            )?)
        })?;
        read_row(&row)
    }

    pub(super) fn get(&self, id: &str) -> StoreResult<Option<JobRow>> {
        let row = self.with_client(|c| {
            Ok(c.query_opt(
                &format!("SELECT {COLUMNS} FROM vmafx_jobs WHERE id = $1"),
                &[&id],
            )?)
        })?;
        row.as_ref().map(read_row).transpose()
    }

    pub(super) fn claim_next(&self) -> StoreResult<Option<JobRow>> {
        let row = self.with_client(|c| {
            Ok(c.query_opt(
                &format!(
                    "UPDATE vmafx_jobs SET state = 'running', attempts = attempts + 1,
                         started_at = $1, frames_done = 0, lease_owner = $2,
                         lease_until = {DB_NOW} + $3
                     WHERE seq = (
                         SELECT seq FROM vmafx_jobs
                         WHERE state = 'queued' AND NOT cancel_requested
                         ORDER BY seq LIMIT 1
                         FOR UPDATE SKIP LOCKED)
                     RETURNING {COLUMNS}"
                ),
                &[&now_ms(), &self.lease.owner, &self.lease.millis()],
            )?)
        })?;
        row.as_ref().map(read_row).transpose()
    }

    pub(super) fn renew_lease(&self, id: &str, attempt: i64) -> StoreResult<bool> {
        let changed = self.with_client(|c| {
            Ok(c.execute(
                &format!(
                    "UPDATE vmafx_jobs SET lease_until = {DB_NOW} + $4
                     WHERE id = $1 AND attempts = $2 AND state = 'running'
                         AND lease_owner = $3"
                ),
                &[&id, &attempt, &self.lease.owner, &self.lease.millis()],
            )?)
        })?;
        Ok(changed == 1)
    }

    pub(super) fn finish(&self, id: &str, attempt: i64, ending: &Ending) -> StoreResult<bool> {
        let owner = &self.lease.owner;
        let guard = "WHERE id = $1 AND attempts = $2 AND state = 'running' AND lease_owner = $3";
        let now = now_ms();
        let changed = self.with_client(|c| {
            Ok(match ending {
                Ending::Succeeded { report, frames } => c.execute(
                    &format!(
                        "UPDATE vmafx_jobs SET state = 'succeeded', report = $4,
                             frames_done = $5, finished_at = $6, lease_owner = NULL {guard}"
                    ),
                    &[&id, &attempt, owner, report, frames, &now],
                )?,
                Ending::Failed { code, message } => c.execute(
                    &format!(
                        "UPDATE vmafx_jobs SET state = 'failed', error_code = $4,
                             error_message = $5, finished_at = $6, lease_owner = NULL {guard}"
                    ),
                    &[&id, &attempt, owner, code, message, &now],
                )?,
                Ending::Cancelled => c.execute(
                    &format!(
                        "UPDATE vmafx_jobs SET state = 'cancelled', finished_at = $4,
                             lease_owner = NULL {guard}"
                    ),
                    &[&id, &attempt, owner, &now],
                )?,
                Ending::Requeued => c.execute(
                    &format!("UPDATE vmafx_jobs SET state = 'queued', lease_owner = NULL {guard}"),
                    &[&id, &attempt, owner],
                )?,
            })
        })?;
        Ok(changed == 1)
    }

    pub(super) fn set_progress(&self, id: &str, attempt: i64, frames: i64) -> StoreResult<()> {
        self.with_client(|c| {
            c.execute(
                "UPDATE vmafx_jobs SET frames_done = $3
                 WHERE id = $1 AND attempts = $2 AND state = 'running'",
                &[&id, &attempt, &frames],
            )?;
            Ok(())
        })
    }

    pub(super) fn request_cancel(&self, id: &str) -> StoreResult<Option<JobRow>> {
        let row = self.with_client(|c| {
            let mut tx = c.transaction()?;
            tx.execute(
                "UPDATE vmafx_jobs SET state = 'cancelled', cancel_requested = TRUE,
                     finished_at = $2
                 WHERE id = $1 AND state = 'queued'",
                &[&id, &now_ms()],
            )?;
            tx.execute(
                "UPDATE vmafx_jobs SET cancel_requested = TRUE
                 WHERE id = $1 AND state = 'running'",
                &[&id],
            )?;
            let row = tx.query_opt(
                &format!("SELECT {COLUMNS} FROM vmafx_jobs WHERE id = $1"),
                &[&id],
            )?;
            tx.commit()?;
            Ok(row)
        })?;
        row.as_ref().map(read_row).transpose()
    }

    pub(super) fn list(
        &self,
        state: Option<JobState>,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<JobRow>> {
        let columns = COLUMNS.replace("report,", "NULL::text AS report,");
        let rows = self.with_client(|c| {
            Ok(c.query(
                &format!(
                    "SELECT {columns} FROM vmafx_jobs
                     WHERE ($1::text IS NULL OR state = $1)
                         AND ($2::bigint IS NULL OR seq < $2)
                     ORDER BY seq DESC LIMIT $3"
                ),
                &[&state.map(JobState::name), &before, &i64::from(limit)],
            )?)
        })?;
        rows.iter().map(read_row).collect()
    }

    pub(super) fn raw_counts(&self) -> StoreResult<Vec<(String, i64)>> {
        let rows = self.with_client(|c| {
            Ok(c.query("SELECT state, COUNT(*) FROM vmafx_jobs GROUP BY state", &[])?)
        })?;
        rows.iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .collect()
    }

    pub(super) fn queued(&self) -> StoreResult<i64> {
        self.with_client(|c| {
            let row = c.query_one(
                "SELECT COUNT(*) FROM vmafx_jobs WHERE state = 'queued'",
                &[],
            )?;
            Ok(row.try_get(0)?)
        })
    }

    pub(super) fn upload_dir_state(&self, dir: &str) -> StoreResult<Option<String>> {
        self.with_client(|c| {
            let row = c.query_opt(
                "SELECT state FROM vmafx_jobs WHERE upload_dir = $1 LIMIT 1",
                &[&dir],
            )?;
            Ok(row.map(|r| r.try_get(0)).transpose()?)
        })
    }

    pub(super) fn probe_write(&self) -> StoreResult<()> {
        self.with_client(|c| {
            c.execute(
                "INSERT INTO vmafx_health (id, checked_at) VALUES (1, $1)
                 ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
                &[&now_ms()],
            )?;
            Ok(())
        })
    }
}

impl Drop for PostgresStore {
    fn drop(&mut self) {
        // Closing the connection blocks on the client's own runtime, which panics on a
        // thread that drives async tasks (the server drops its state on one): close it
        // on a thread of its own.
        let client = self
            .client
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(client) = client {
            let _ = std::thread::spawn(move || drop(client)).join();
        }
    }
}

/// Creates the tables when missing and checks the schema version, under an advisory
/// lock so that replicas starting together do not race on `CREATE`.
fn create_schema(client: &mut Client) -> StoreResult<()> {
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])?;
    tx.batch_execute(SCHEMA)?;
    let found: Option<i32> = tx
        .query_opt("SELECT version FROM vmafx_schema WHERE id = 1", &[])?
        .map(|r| r.try_get(0))
        .transpose()?;
    match found {
        Some(version) if version > SCHEMA_VERSION => {
            return Err(StoreError::Refused(format!(
                "the job database has schema version {version}, newer than this server's \
                 {SCHEMA_VERSION}: upgrade the server"
            )));
        }
        Some(_) => {}
        None => {
            tx.execute(
                "INSERT INTO vmafx_schema (id, version) VALUES (1, $1)",
                &[&SCHEMA_VERSION],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}

fn read_row(r: &Row) -> StoreResult<JobRow> {
    let state: String = r.try_get(2)?;
    let error_code: Option<String> = r.try_get(10)?;
    let error_message: Option<String> = r.try_get(11)?;
    Ok(JobRow {
        seq: r.try_get(0)?,
        id: r.try_get(1)?,
        state: JobState::parse(&state).unwrap_or(JobState::Failed),
        spec: r.try_get(3)?,
        reference: PathBuf::from(r.try_get::<_, String>(4)?),
        distorted: PathBuf::from(r.try_get::<_, String>(5)?),
        upload_dir: r.try_get::<_, Option<String>>(6)?.map(PathBuf::from),
        attempts: r.try_get(7)?,
        cancel_requested: r.try_get(8)?,
        frames_done: r.try_get(9)?,
        error: error_code.zip(error_message),
        report: r.try_get(12)?,
        created_at: r.try_get(13)?,
        started_at: r.try_get(14)?,
        finished_at: r.try_get(15)?,
    })
}
