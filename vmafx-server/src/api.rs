//! The REST handlers under `/v1`, and the unauthenticated probes.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::App;
use crate::control::RunControl;
use crate::errors::ApiError;
use crate::ids;
use crate::jobs::{self, Detail};
use crate::log;
use crate::score_result::{ScoreResult, StoredReport};
use crate::scoring;
use crate::store::{JobState, NewJob};
use crate::upload::{self, ParsedRequest};

/// `?frames=true` asks for per-frame values.
#[derive(Debug, Default, Deserialize)]
pub struct FramesQuery {
    /// Include per-frame values.
    #[serde(default)]
    pub frames: bool,
}

/// Deletes a request's scratch uploads however the request ends.
struct ScratchDir(std::path::PathBuf);

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Stops the scoring run when the request is dropped (client gone, or timed out).
struct StopOnDrop(Arc<RunControl>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.stop();
    }
}

/// `POST /v1/score`: score now, answer with the result.
pub async fn score(
    State(app): State<Arc<App>>,
    Query(query): Query<FramesQuery>,
    request: Request,
) -> Result<Json<ScoreResult>, ApiError> {
    let scratch = ScratchDir(app.scratch_dir());
    let parsed = upload::parse(&app, request, &scratch.0, false).await?;
    let result = score_parsed(&app, parsed, query.frames).await?;
    drop(scratch);
    Ok(Json(result))
}

/// Scores a parsed request within the backend's admission limit (shared with MCP).
pub async fn score_parsed(
    app: &Arc<App>,
    parsed: ParsedRequest,
    with_frames: bool,
) -> Result<ScoreResult, ApiError> {
    let backend = app.backend_for(parsed.spec.backend_kind(app.config.backend)?)?;
    // Refuse bad models or features before waiting for a slot.
    parsed.spec.scorer(backend, 1)?;
    let slot = app.admission.enter(backend).await?;
    let control = Arc::new(RunControl::default());
    let _registration = app
        .running
        .register(format!("request-{}", ids::new_id()), control.clone());
    let _stop_on_drop = StopOnDrop(control.clone());
    let settings = app.run_settings(backend);
    let started = Instant::now();
    let outcome = tokio::task::spawn_blocking(move || {
        // The slot is held by the run itself, so it is freed only when scoring stops.
        let _slot = slot;
        scoring::run(
            &parsed.reference,
            &parsed.distorted,
            &parsed.spec,
            &settings,
            &control,
        )
    })
    .await
    .map_err(|e| ApiError::internal(format!("scoring task: {e}")))?;
    let outcome = outcome?;
    app.metrics
        .record_run(outcome.report.frames.len() as u64, started.elapsed());
    Ok(ScoreResult::new(
        &outcome.report,
        outcome.length_mismatch,
        with_frames,
    ))
}

/// `POST /v1/jobs`: queue a job; uploads are on disk before the answer.
pub async fn create_job(
    State(app): State<Arc<App>>,
    request: Request,
) -> Result<Response, ApiError> {
    if app.is_shutting_down() {
        return Err(ApiError::unavailable("the server is shutting down"));
    }
    jobs::ensure_queue_room(&app).await?;
    let id = ids::new_id();
    let final_dir = app.job_dir(&id);
    let partial = ScratchDir(final_dir.with_extension("partial"));
    let parsed = upload::parse(&app, request, &partial.0, true).await?;
    let backend = app.backend_for(parsed.spec.backend_kind(app.config.backend)?)?;
    parsed.spec.scorer(backend, 1)?;
    let (reference, distorted, upload_dir) = if parsed.uploaded {
        // Publish the folder under its final name and make the rename durable, then
        // record the job: after a crash, a folder without a job is swept at start-up.
        tokio::fs::rename(&partial.0, &final_dir).await?;
        upload::sync_dir(final_dir.parent().unwrap_or(&final_dir)).await?;
        let name = |p: &std::path::Path| final_dir.join(p.file_name().unwrap_or_default());
        (
            name(&parsed.reference),
            name(&parsed.distorted),
            Some(final_dir.clone()),
        )
    } else {
        (parsed.reference, parsed.distorted, None)
    };
    drop(partial);
    let spec = serde_json::to_string(&parsed.spec)
        .map_err(|e| ApiError::internal(format!("spec: {e}")))?;
    let row = jobs::submit(
        &app,
        NewJob {
            id,
            spec,
            reference,
            distorted,
            upload_dir: upload_dir.clone(),
        },
    )
    .await;
    let row = match row {
        Ok(row) => row,
        Err(e) => {
            if let Some(dir) = upload_dir {
                let _ = tokio::fs::remove_dir_all(dir).await;
            }
            return Err(e);
        }
    };
    let mut response = (
        StatusCode::ACCEPTED,
        Json(jobs::view(&app, &row, Detail::Full { frames: false })),
    )
        .into_response();
    if let Ok(location) = HeaderValue::from_str(&format!("/v1/jobs/{}", row.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

async fn find_job(app: &App, id: String) -> Result<crate::store::JobRow, ApiError> {
    if !ids::is_id(&id) {
        return Err(ApiError::not_found("no such job"));
    }
    app.store
        .call(move |s| s.get(&id))
        .await?
        .ok_or_else(|| ApiError::not_found("no such job"))
}

/// `GET /v1/jobs/{id}`: state, progress, result.
pub async fn get_job(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Query(query): Query<FramesQuery>,
) -> Result<Json<Value>, ApiError> {
    let job = find_job(&app, id).await?;
    Ok(Json(jobs::view(
        &app,
        &job,
        Detail::Full {
            frames: query.frames,
        },
    )))
}

/// `?format=json|xml|csv|sub` of a report.
#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    /// The layout; JSON when absent.
    pub format: Option<String>,
}

/// `GET /v1/jobs/{id}/report`: the finished job's report in libvmaf's layouts.
pub async fn job_report(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
    Query(query): Query<ReportQuery>,
) -> Result<Response, ApiError> {
    let format_name = query.format.as_deref().unwrap_or("json");
    let (format, content_type) = match format_name {
        "json" => (vmafx::ReportFormat::Json, "application/json"),
        "xml" => (vmafx::ReportFormat::Xml, "application/xml"),
        "csv" => (vmafx::ReportFormat::Csv, "text/csv; charset=utf-8"),
        "sub" => (vmafx::ReportFormat::Sub, "text/plain; charset=utf-8"),
        other => {
            return Err(ApiError::bad_request(format!(
                "unknown report format {other:?} (expected json, xml, csv or sub)"
            )))
        }
    };
    let job = find_job(&app, id).await?;
    let Some(text) = job.report.filter(|_| job.state == JobState::Succeeded) else {
        return Err(ApiError::conflict(format!(
            "job is {}; a report exists once it has succeeded",
            job.state.name()
        )));
    };
    let stored: StoredReport = serde_json::from_str(&text)
        .map_err(|e| ApiError::internal(format!("stored report: {e}")))?;
    let (report, _) = stored.into_report();
    let body = report.to_string(format);
    Ok(([(header::CONTENT_TYPE, content_type)], body).into_response())
}

/// `DELETE /v1/jobs/{id}`: cancel a queued or running job.
pub async fn cancel_job(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let job = find_job(&app, id.clone()).await?;
    if job.state.is_terminal() {
        return Err(ApiError::conflict(format!(
            "job already {}",
            job.state.name()
        )));
    }
    let mut job = app
        .store
        .call({
            let id = id.clone();
            move |s| s.request_cancel(&id)
        })
        .await?
        .ok_or_else(|| ApiError::not_found("no such job"))?;
    if job.state == JobState::Running {
        if let Some(control) = app.running.get(&id) {
            control.stop();
        }
        // The run stops at its next frame; wait a little so the answer shows the end.
        for _ in 0..100 {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            job = find_job(&app, id.clone()).await?;
            if job.state != JobState::Running {
                break;
            }
        }
    }
    Ok(Json(jobs::view(&app, &job, Detail::Full { frames: false })))
}

/// Paging of `GET /v1/jobs`.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    /// Only jobs in this state.
    pub state: Option<String>,
    /// Page size, 1 to 500 (default 50).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<i64>,
}

/// `GET /v1/jobs`: jobs newest first, a page at a time.
pub async fn list_jobs(
    State(app): State<Arc<App>>,
    Query(query): Query<ListQuery>,
) -> Result<Json<Value>, ApiError> {
    let state = match query.state.as_deref() {
        None => None,
        Some(name) => Some(
            JobState::parse(name)
                .ok_or_else(|| ApiError::bad_request(format!("unknown state {name:?}")))?,
        ),
    };
    let limit = query.limit.unwrap_or(50);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::bad_request("limit must be 1 to 500"));
    }
    let cursor = query.cursor;
    let rows = app
        .store
        .call(move |s| s.list(state, cursor, limit))
        .await?;
    let next_cursor = (rows.len() == limit as usize).then(|| rows.last().map(|r| r.seq));
    let jobs: Vec<Value> = rows
        .iter()
        .map(|r| jobs::view(&app, r, Detail::Listing))
        .collect();
    Ok(Json(
        json!({ "jobs": jobs, "next_cursor": next_cursor.flatten() }),
    ))
}

/// `GET /v1/models`: the built-in models.
pub async fn models() -> Json<Value> {
    Json(models_value())
}

/// The built-in models with their features (shared with MCP).
pub fn models_value() -> Value {
    let models: Vec<Value> = vmafx::Model::builtin_versions()
        .iter()
        .map(|version| {
            let model = scoring::builtin_model(version).ok();
            json!({
                "name": version,
                "default": *version == scoring::DEFAULT_MODEL,
                "bootstrap": model.as_ref().is_some_and(|m| m.is_bootstrap()),
                "features": model.map(|m| m.features().iter().map(|f| f.name.clone()).collect::<Vec<_>>()),
            })
        })
        .collect();
    json!({ "models": models })
}

/// `GET /v1/backends`: what each backend can do on this machine.
pub async fn backends(State(app): State<Arc<App>>) -> Json<Value> {
    Json(backends_value(&app))
}

/// The backend probe (shared with MCP).
pub fn backends_value(app: &App) -> Value {
    let probes: Vec<Value> = vmafx::backend::probe_all()
        .into_iter()
        .map(|p| {
            json!({
                "name": p.kind.name(),
                "available": p.is_available(),
                "devices": p.devices,
                "reason": p.unavailable,
            })
        })
        .collect();
    json!({
        "default": {
            "requested": app.config.backend.name(),
            "backend": app.default_backend.kind.name(),
            "device": app.default_backend.device,
        },
        "slots_per_backend": app.admission.slots_per_backend(),
        "backends": probes,
    })
}

/// `GET /healthz`: the process answers.
pub async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// `GET /readyz`: the database takes a write and the server is neither draining nor
/// shutting down.
pub async fn readyz(State(app): State<Arc<App>>) -> Response {
    let store_ok = match app.store.call(|s| s.probe_write()).await {
        Ok(()) => true,
        Err(e) => {
            log::warn!("readiness: the job store fails: {}", e.message);
            false
        }
    };
    let ready = store_ok && app.is_ready();
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "ready": ready,
        "store": store_ok,
        "draining": !app.is_ready(),
        "shutting_down": app.is_shutting_down(),
    });
    (status, Json(body)).into_response()
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    let counts = app.store.call(|s| s.counts()).await?;
    let text = app.metrics.render(&app, &counts);
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response())
}
