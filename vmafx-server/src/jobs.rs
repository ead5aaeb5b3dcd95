//! Job workers: take queued jobs from the store, score them on the blocking pool, and
//! record exactly one ending per attempt.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::task::JoinHandle;

use crate::app::App;
use crate::control::RunControl;
use crate::errors::ApiError;
use crate::log;
use crate::score_result::{ScoreResult, StoredReport};
use crate::scoring::{self, ScoreSpec};
use crate::store::{Ending, JobRow, JobState, NewJob};

/// Scoring runs in progress (jobs and synchronous requests), so that cancels and
/// shutdown can reach them and progress can be read.
#[derive(Default)]
pub struct Running {
    runs: Mutex<HashMap<String, Arc<RunControl>>>,
}

/// Removes a run from [`Running`] when dropped.
pub struct Registration<'a> {
    running: &'a Running,
    key: String,
}

impl Drop for Registration<'_> {
    fn drop(&mut self) {
        self.running.lock().remove(&self.key);
    }
}

impl Running {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<RunControl>>> {
        self.runs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Registers a run under `key` until the returned guard is dropped.
    pub fn register(&self, key: String, control: Arc<RunControl>) -> Registration<'_> {
        self.lock().insert(key.clone(), control);
        Registration { running: self, key }
    }

    /// The run registered under `key`.
    pub fn get(&self, key: &str) -> Option<Arc<RunControl>> {
        self.lock().get(key).cloned()
    }

    /// Stops every run (at shutdown, once the grace period is over).
    pub fn stop_all(&self) {
        for control in self.lock().values() {
            control.stop();
        }
    }
}

/// Starts the configured number of job workers, each under a supervisor that restarts
/// it if it fails.
pub fn spawn_workers(app: &Arc<App>) -> Vec<JoinHandle<()>> {
    let mut tasks: Vec<JoinHandle<()>> = (0..app.config.job_workers)
        .map(|n| tokio::spawn(supervise(app.clone(), n, worker)))
        .collect();
    tasks.push(tokio::spawn(reap_expired_leases(app.clone())));
    tasks
}

/// Every replica's reaper: jobs whose server stopped renewing their lease (it died or
/// lost the database) go back to the queue, with no restart needed.
async fn reap_expired_leases(app: Arc<App>) {
    let period = (app.store.lease().duration / 2).max(Duration::from_millis(100));
    loop {
        tokio::select! {
            _ = tokio::time::sleep(period) => {}
            _ = app.shutdown_started() => return,
        }
        match app.store.call(|s| s.requeue_expired()).await {
            Ok(0) => {}
            Ok(n) => {
                log::info!("re-queued {n} job(s) whose lease expired");
                for _ in 0..n {
                    app.job_added.notify_one();
                }
            }
            Err(e) => log::warn!("lease reaper: {e}"),
        }
    }
}

/// Renews the lease of a job this server runs until aborted; stops the run when the
/// lease is lost, since another server may now hold the job.
async fn keep_lease(app: Arc<App>, id: String, attempt: i64, control: Arc<RunControl>) {
    let period = (app.store.lease().duration / 3).max(Duration::from_millis(50));
    loop {
        tokio::time::sleep(period).await;
        let renewed = app
            .store
            .call({
                let id = id.clone();
                move |s| s.renew_lease(&id, attempt)
            })
            .await;
        match renewed {
            Ok(true) => {}
            Ok(false) => {
                log::warn!("job {id} attempt {attempt} lost its lease; stopping it");
                control.stop();
                return;
            }
            // A database outage: keep trying; the lease may still be saved in time.
            Err(e) => log::warn!("job {id}: cannot renew its lease: {e}"),
        }
    }
}

/// Times a job may take its worker down before it is failed rather than re-queued.
const MAX_WORKER_FAILURES: i64 = 3;

/// The job a worker holds (id and attempt), so that its supervisor can put it back in
/// the queue if the worker dies.
pub type Held = Arc<Mutex<Option<(String, i64)>>>;

/// Runs `worker` until it returns (at shutdown); a worker that panics is replaced, and
/// the job it held goes back to the queue, so no job waits forever for a dead worker.
async fn supervise<W, F>(app: Arc<App>, n: usize, worker: W)
where
    W: Fn(Arc<App>, Held) -> F,
    F: std::future::Future<Output = ()> + Send + 'static,
{
    loop {
        let held = Held::default();
        let Err(failure) = tokio::spawn(worker(app.clone(), held.clone())).await else {
            return;
        };
        log::warn!("job worker {n} failed ({failure}); starting a new one");
        let job = held.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some((id, attempt)) = job {
            give_back(&app, id, attempt).await;
        }
        if app.is_shutting_down() {
            return;
        }
        // A failure that repeats at once must not spin.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Re-queues the job a failed worker held, or fails it once it has taken down
/// [`MAX_WORKER_FAILURES`] workers.
async fn give_back(app: &App, id: String, attempt: i64) {
    let ending = if attempt < MAX_WORKER_FAILURES {
        Ending::Requeued
    } else {
        Ending::Failed {
            code: "internal".into(),
            message: format!("the job stopped its worker {attempt} times"),
        }
    };
    let recorded = app
        .store
        .call({
            let (id, ending) = (id.clone(), ending.clone());
            move |s| s.finish(&id, attempt, &ending)
        })
        .await;
    match recorded {
        Ok(true) if matches!(ending, Ending::Requeued) => {
            log::info!("job {id} queued again after its worker failed (attempt {attempt})");
            app.job_added.notify_one();
        }
        Ok(true) => log::warn!("job {id} failed: it stopped its worker {attempt} times"),
        Ok(false) => {}
        Err(e) => log::warn!("job {id}: cannot put it back in the queue: {e}"),
    }
}

async fn worker(app: Arc<App>, held: Held) {
    while !app.is_shutting_down() {
        match app.store.call(|s| s.claim_next()).await {
            Ok(Some(job)) => {
                *held.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some((job.id.clone(), job.attempts));
                run_job(&app, job).await;
                *held.lock().unwrap_or_else(|p| p.into_inner()) = None;
            }
            Ok(None) => {
                tokio::select! {
                    _ = app.job_added.notified() => {}
                    // A wake-up can be missed between the claim and the wait; poll too.
                    _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                    _ = app.shutdown_started() => {}
                }
            }
            Err(e) => {
                log::warn!("job worker: {e}");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

async fn run_job(app: &Arc<App>, job: JobRow) {
    let id = job.id.clone();
    let attempt = job.attempts;
    let control = Arc::new(RunControl::default());
    let registration = app.running.register(id.clone(), control.clone());
    log::info!("job {id} running (attempt {attempt})");
    let lease = tokio::spawn(keep_lease(
        app.clone(),
        id.clone(),
        attempt,
        control.clone(),
    ));
    // A cancel that arrived between the claim and the registration is only in the store.
    if let Ok(Some(now)) = app
        .store
        .call({
            let id = id.clone();
            move |s| s.get(&id)
        })
        .await
    {
        if now.cancel_requested {
            control.stop();
        }
    }
    let ending = score_job(app, &job, &control).await;
    lease.abort();
    drop(registration);
    let ending = match ending {
        Ending::Cancelled if app.is_shutting_down() && !cancel_requested(app, &id).await => {
            Ending::Requeued
        }
        other => other,
    };
    let state = match &ending {
        Ending::Succeeded { .. } => JobState::Succeeded,
        Ending::Failed { .. } => JobState::Failed,
        Ending::Cancelled => JobState::Cancelled,
        Ending::Requeued => JobState::Queued,
    };
    let recorded = app
        .store
        .call({
            let (id, ending) = (id.clone(), ending.clone());
            move |s| s.finish(&id, attempt, &ending)
        })
        .await;
    match recorded {
        Ok(true) => {
            let detail = match &ending {
                Ending::Failed { message, .. } => format!(": {message}"),
                Ending::Succeeded { frames, .. } => format!(", {frames} frames"),
                _ => String::new(),
            };
            log::info!("job {id} {} (attempt {attempt}{detail})", state.name());
            if state.is_terminal() {
                if let Some(dir) = &job.upload_dir {
                    let _ = tokio::fs::remove_dir_all(dir).await;
                }
            }
        }
        Ok(false) => log::warn!("job {id} attempt {attempt} ended after being superseded"),
        Err(e) => log::warn!("job {id}: cannot record its end: {e}"),
    }
}

async fn cancel_requested(app: &App, id: &str) -> bool {
    let id = id.to_owned();
    matches!(
        app.store.call(move |s| s.get(&id)).await,
        Ok(Some(row)) if row.cancel_requested
    )
}

/// Runs one attempt and says how it ended.
async fn score_job(app: &Arc<App>, job: &JobRow, control: &Arc<RunControl>) -> Ending {
    let failed = |e: ApiError| Ending::Failed {
        code: e.code.to_owned(),
        message: e.message,
    };
    let spec: ScoreSpec = match serde_json::from_str(&job.spec) {
        Ok(spec) => spec,
        Err(e) => return failed(ApiError::internal(format!("stored job spec: {e}"))),
    };
    let backend = match spec
        .backend_kind(app.config.backend)
        .and_then(|kind| app.backend_for(kind))
    {
        Ok(backend) => backend,
        Err(e) => return failed(e),
    };
    let slot = tokio::select! {
        slot = app.admission.enter_queued(backend) => slot,
        _ = wait_stopped(control) => return Ending::Cancelled,
    };
    let slot = match slot {
        Ok(slot) => slot,
        Err(e) => return failed(e),
    };
    // Inputs named by URI are checked again: the tree under a root may have changed
    // (a folder swapped for a symlink) since the job was accepted.
    let (reference, distorted) = if job.upload_dir.is_some() {
        (job.reference.clone(), job.distorted.clone())
    } else {
        let roots = &app.config.roots;
        match (roots.confine(&job.reference), roots.confine(&job.distorted)) {
            (Ok(reference), Ok(distorted)) => (reference, distorted),
            (Err(e), _) | (_, Err(e)) => return failed(e),
        }
    };
    let settings = app.run_settings(backend);
    let run_control = control.clone();
    let started = Instant::now();
    let mut run = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        scoring::run(&reference, &distorted, &spec, &settings, &run_control)
    });
    let mut ticker = tokio::time::interval(Duration::from_secs(1));
    let mut saved = 0;
    let outcome = loop {
        tokio::select! {
            outcome = &mut run => break outcome,
            _ = ticker.tick() => {
                let frames = control.frames.load(Ordering::Relaxed) as i64;
                if frames != saved {
                    saved = frames;
                    let (id, attempt) = (job.id.clone(), job.attempts);
                    let _ = app.store.call(move |s| s.set_progress(&id, attempt, frames)).await;
                }
            }
        }
    };
    match outcome {
        Ok(Ok(outcome)) => {
            let frames = outcome.report.frames.len();
            app.metrics.record_run(frames as u64, started.elapsed());
            match serde_json::to_string(&StoredReport::from_outcome(&outcome)) {
                Ok(report) => Ending::Succeeded {
                    report,
                    frames: frames as i64,
                },
                Err(e) => failed(ApiError::internal(format!("cannot store the report: {e}"))),
            }
        }
        Ok(Err(e)) if e.code == "cancelled" => Ending::Cancelled,
        Ok(Err(e)) => failed(e),
        Err(e) => failed(ApiError::internal(format!("scoring task: {e}"))),
    }
}

/// Resolves once the run has been asked to stop.
async fn wait_stopped(control: &RunControl) {
    while !control.cancel.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Queues a job whose inputs are in place; 429 when the queue is full.
pub async fn submit(app: &App, job: NewJob) -> Result<JobRow, ApiError> {
    ensure_queue_room(app).await?;
    let row = app.store.call(move |s| s.insert(&job)).await?;
    app.job_added.notify_one();
    log::info!("job {} queued", row.id);
    Ok(row)
}

/// 429 when the queue is full.
pub async fn ensure_queue_room(app: &App) -> Result<(), ApiError> {
    let queued = app.store.call(|s| s.queued()).await?;
    if queued as u64 >= app.config.max_queued_jobs {
        return Err(ApiError::busy(
            format!("the job queue is full ({queued} jobs waiting)"),
            app.config.retry_after,
        ));
    }
    Ok(())
}

/// How much of a job a view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// For lists: no result (GET the job for it).
    Listing,
    /// The result, with per-frame values or not.
    Full {
        /// Include per-frame values.
        frames: bool,
    },
}

/// The API view of a job.
pub fn view(app: &App, job: &JobRow, detail: Detail) -> Value {
    let frames_done = match (job.state, app.running.get(&job.id)) {
        (JobState::Running, Some(control)) => control.frames.load(Ordering::Relaxed) as i64,
        _ => job.frames_done,
    };
    let result = |frames: bool| {
        job.report.as_deref().and_then(|text| {
            let stored: StoredReport = serde_json::from_str(text).ok()?;
            let (report, mismatch) = stored.into_report();
            serde_json::to_value(ScoreResult::new(&report, mismatch, frames)).ok()
        })
    };
    let time = |ms: Option<i64>| ms.map(log::timestamp);
    let mut view = json!({
        "id": job.id,
        "state": job.state.name(),
        "created_at": log::timestamp(job.created_at),
        "started_at": time(job.started_at),
        "finished_at": time(job.finished_at),
        "attempts": job.attempts,
        "cancel_requested": job.cancel_requested,
        "progress": { "frames_done": frames_done },
        "error": job.error.as_ref().map(|(code, message)| json!({"code": code, "message": message})),
        "links": {
            "self": format!("/v1/jobs/{}", job.id),
            "report": format!("/v1/jobs/{}/report", job.id),
        },
    });
    if let Detail::Full { frames } = detail {
        view["result"] = result(frames).unwrap_or(Value::Null);
    }
    view
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn test_app(name: &str, extra: &[&str]) -> (Arc<App>, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("vmafx-jobs-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut args = vec![
            "vmafx-server",
            "--insecure-no-auth",
            "--data-dir",
            dir.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let cli = crate::config::Cli::parse_from(args);
        let config = crate::config::Config::from_options(cli.options, true).unwrap();
        (App::start(config, true).unwrap(), dir)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_run_whose_lease_is_lost_is_stopped() {
        let (app, dir) = test_app("lease", &["--job-lease-secs", "1"]);
        let job = NewJob {
            id: crate::ids::new_id(),
            spec: "{}".into(),
            reference: "/r".into(),
            distorted: "/d".into(),
            upload_dir: None,
        };
        app.store.insert(&job).unwrap();
        let claimed = app.store.claim_next().unwrap().unwrap();
        let control = Arc::new(RunControl::default());
        let renewal = tokio::spawn(keep_lease(
            app.clone(),
            claimed.id.clone(),
            claimed.attempts,
            control.clone(),
        ));
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert!(
            !control.cancel.load(Ordering::SeqCst),
            "a held lease runs on"
        );
        // The job was taken away (as the reaper does once a lease expires).
        assert!(app
            .store
            .finish(&claimed.id, claimed.attempts, &Ending::Requeued)
            .unwrap());
        tokio::time::timeout(Duration::from_secs(5), renewal)
            .await
            .expect("the renewal notices the loss")
            .unwrap();
        assert!(control.cancel.load(Ordering::SeqCst), "the run was stopped");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failed_worker_is_replaced_and_its_job_queued_again() {
        let (app, dir) = test_app("supervise", &[]);
        let job = NewJob {
            id: crate::ids::new_id(),
            spec: "{}".into(),
            reference: "/r".into(),
            distorted: "/d".into(),
            upload_dir: None,
        };
        app.store.insert(&job).unwrap();
        let starts = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let worker = {
            let starts = starts.clone();
            move |app: Arc<App>, held: Held| {
                let start = starts.fetch_add(1, Ordering::SeqCst);
                async move {
                    let claimed = app.store.claim_next().unwrap().unwrap();
                    *held.lock().unwrap() = Some((claimed.id.clone(), claimed.attempts));
                    if start == 0 {
                        panic!("worker failure under test");
                    }
                    assert_eq!(claimed.attempts, 2, "the same job, claimed again");
                    app.store
                        .finish(&claimed.id, claimed.attempts, &Ending::Cancelled)
                        .unwrap();
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(10), supervise(app.clone(), 0, worker))
            .await
            .expect("the supervisor returns once its worker does");
        assert_eq!(starts.load(Ordering::SeqCst), 2, "one restart");
        let row = app.store.get(&job.id).unwrap().unwrap();
        assert_eq!((row.state, row.attempts), (JobState::Cancelled, 2));
        let _ = std::fs::remove_dir_all(dir);
    }
}
