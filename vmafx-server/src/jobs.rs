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

/// Starts the configured number of job workers.
pub fn spawn_workers(app: &Arc<App>) -> Vec<JoinHandle<()>> {
    (0..app.config.job_workers)
        .map(|_| tokio::spawn(worker(app.clone())))
        .collect()
}

async fn worker(app: Arc<App>) {
    while !app.is_shutting_down() {
        match app.store.call(|s| s.claim_next()).await {
            Ok(Some(job)) => run_job(&app, job).await,
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
