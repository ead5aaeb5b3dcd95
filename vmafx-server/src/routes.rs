//! The route table: every route once, with its handler and its description. The router
//! and `/openapi.json` are both built from this table, so the document cannot drift
//! from the routes that exist.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{delete, get, post, MethodRouter};
use axum::{Json, Router};
use serde_json::Value;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

use crate::app::App;
use crate::errors::ApiError;
use crate::{api, auth, mcp, metrics, openapi};

/// Which middleware a route gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Probes and documents: no token, small bodies.
    Public,
    /// `/v1`: token, upload-sized bodies, request timeout.
    Api,
    /// `/mcp`: token, JSON-sized bodies, request timeout.
    Mcp,
}

/// A query or path parameter.
#[derive(Debug, Clone, Copy)]
pub struct Param {
    /// Name.
    pub name: &'static str,
    /// `path` or `query`.
    pub location: &'static str,
    /// JSON schema type: `string`, `boolean`, `integer`.
    pub kind: &'static str,
    /// What it does.
    pub description: &'static str,
}

/// What a route takes as body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// No body.
    None,
    /// Multipart upload or JSON with URIs (`ScoreRequest`).
    ScoreInput,
    /// A JSON-RPC message.
    JsonRpc,
}

/// One answer a route may give: status, description, schema name, content type.
pub type Answer = (u16, &'static str, Option<&'static str>, &'static str);

/// The description of a route, for the OpenAPI document.
#[derive(Debug, Clone, Copy)]
pub struct RouteDoc {
    /// `get`, `post` or `delete`.
    pub method: &'static str,
    /// The path, with `{name}` parameters (axum and OpenAPI share the syntax).
    pub path: &'static str,
    /// Unique operation name.
    pub operation: &'static str,
    /// One-line summary.
    pub summary: &'static str,
    /// Middleware group (decides authentication).
    pub group: Group,
    /// Parameters.
    pub params: &'static [Param],
    /// Body.
    pub body: Body,
    /// Answers.
    pub answers: &'static [Answer],
}

/// A route: its description and its handler.
pub struct Route {
    /// Description.
    pub doc: RouteDoc,
    /// Handler.
    pub handler: MethodRouter<Arc<App>>,
}

const JSON: &str = "application/json";
const ID: Param = Param {
    name: "id",
    location: "path",
    kind: "string",
    description: "Job id (32 hex digits).",
};
const FRAMES: Param = Param {
    name: "frames",
    location: "query",
    kind: "boolean",
    description: "Include per-frame values.",
};
const UNAUTHORIZED: Answer = (401, "Missing or invalid bearer token.", Some("Error"), JSON);
const NOT_FOUND: Answer = (404, "No such job.", Some("Error"), JSON);
const SCORE_ERRORS: [Answer; 7] = [
    (
        400,
        "Malformed request, unknown model or feature.",
        Some("Error"),
        JSON,
    ),
    UNAUTHORIZED,
    (
        403,
        "A file:// URI outside the allowed roots.",
        Some("Error"),
        JSON,
    ),
    (
        404,
        "A file:// URI that names no file.",
        Some("Error"),
        JSON,
    ),
    (
        415,
        "Compressed input without ffmpeg, or an unknown content type.",
        Some("Error"),
        JSON,
    ),
    (
        422,
        "Inputs that are not valid video or do not match.",
        Some("Error"),
        JSON,
    ),
    (429, "Busy: see Retry-After.", Some("Error"), JSON),
];

/// Every route of the server.
pub fn routes() -> Vec<Route> {
    let route = |doc: RouteDoc, handler: MethodRouter<Arc<App>>| Route { doc, handler };
    vec![
        route(
            RouteDoc {
                method: "post",
                path: "/v1/score",
                operation: "score",
                summary: "Score a pair now and answer with the result.",
                group: Group::Api,
                params: &[FRAMES],
                body: Body::ScoreInput,
                answers: &[
                    (200, "Scores.", Some("ScoreResult"), JSON),
                    SCORE_ERRORS[0],
                    SCORE_ERRORS[1],
                    SCORE_ERRORS[2],
                    SCORE_ERRORS[3],
                    SCORE_ERRORS[4],
                    SCORE_ERRORS[5],
                    SCORE_ERRORS[6],
                    (
                        504,
                        "Scoring took longer than the request timeout.",
                        Some("Error"),
                        JSON,
                    ),
                ],
            },
            post(api::score),
        ),
        route(
            RouteDoc {
                method: "post",
                path: "/v1/jobs",
                operation: "createJob",
                summary: "Queue a scoring job; uploads are stored before the answer.",
                group: Group::Api,
                params: &[],
                body: Body::ScoreInput,
                answers: &[
                    (202, "Queued; Location names the job.", Some("Job"), JSON),
                    SCORE_ERRORS[0],
                    SCORE_ERRORS[1],
                    SCORE_ERRORS[2],
                    SCORE_ERRORS[3],
                    SCORE_ERRORS[4],
                    SCORE_ERRORS[6],
                ],
            },
            post(api::create_job),
        ),
        route(
            RouteDoc {
                method: "get",
                path: "/v1/jobs",
                operation: "listJobs",
                summary: "List jobs, newest first, a page at a time.",
                group: Group::Api,
                params: &[
                    Param {
                        name: "state",
                        location: "query",
                        kind: "string",
                        description: "Only jobs in this state.",
                    },
                    Param {
                        name: "limit",
                        location: "query",
                        kind: "integer",
                        description: "Page size, 1 to 500 (default 50).",
                    },
                    Param {
                        name: "cursor",
                        location: "query",
                        kind: "integer",
                        description: "next_cursor of the previous page.",
                    },
                ],
                body: Body::None,
                answers: &[
                    (200, "A page of jobs.", Some("JobList"), JSON),
                    (400, "Bad state or limit.", Some("Error"), JSON),
                    UNAUTHORIZED,
                ],
            },
            get(api::list_jobs),
        ),
        route(
            RouteDoc {
                method: "get",
                path: "/v1/jobs/{id}",
                operation: "getJob",
                summary: "A job's state, progress in frames, and result.",
                group: Group::Api,
                params: &[ID, FRAMES],
                body: Body::None,
                answers: &[
                    (200, "The job.", Some("Job"), JSON),
                    UNAUTHORIZED,
                    NOT_FOUND,
                ],
            },
            get(api::get_job),
        ),
        route(
            RouteDoc {
                method: "delete",
                path: "/v1/jobs/{id}",
                operation: "cancelJob",
                summary: "Cancel a queued or running job.",
                group: Group::Api,
                params: &[ID],
                body: Body::None,
                answers: &[
                    (200, "The job after the cancel.", Some("Job"), JSON),
                    UNAUTHORIZED,
                    NOT_FOUND,
                    (409, "The job is already over.", Some("Error"), JSON),
                ],
            },
            delete(api::cancel_job),
        ),
        route(
            RouteDoc {
                method: "get",
                path: "/v1/jobs/{id}/report",
                operation: "getJobReport",
                summary: "A succeeded job's report in libvmaf's JSON, XML, CSV or subtitle layout.",
                group: Group::Api,
                params: &[
                    ID,
                    Param {
                        name: "format",
                        location: "query",
                        kind: "string",
                        description: "json (default), xml, csv or sub.",
                    },
                ],
                body: Body::None,
                answers: &[
                    (
                        200,
                        "The report.",
                        None,
                        "application/json, application/xml, text/csv, text/plain",
                    ),
                    (400, "Unknown format.", Some("Error"), JSON),
                    UNAUTHORIZED,
                    NOT_FOUND,
                    (409, "The job has not succeeded.", Some("Error"), JSON),
                ],
            },
            get(api::job_report),
        ),
        route(
            RouteDoc {
                method: "get",
                path: "/v1/models",
                operation: "listModels",
                summary: "The built-in VMAF models.",
                group: Group::Api,
                params: &[],
                body: Body::None,
                answers: &[(200, "Models.", Some("ModelList"), JSON), UNAUTHORIZED],
            },
            get(api::models),
        ),
        route(
            RouteDoc {
                method: "get",
                path: "/v1/backends",
                operation: "listBackends",
                summary: "Backends on this machine and the default one.",
                group: Group::Api,
                params: &[],
                body: Body::None,
                answers: &[(200, "Backends.", Some("BackendList"), JSON), UNAUTHORIZED],
            },
            get(api::backends),
        ),
        route(
            RouteDoc {
                method: "post",
                path: "/mcp",
                operation: "mcp",
                summary: "Model Context Protocol over streamable HTTP (JSON-RPC 2.0 messages).",
                group: Group::Mcp,
                params: &[],
                body: Body::JsonRpc,
                answers: &[
                    (200, "JSON-RPC response.", Some("JsonRpc"), JSON),
                    (202, "Notification accepted.", None, JSON),
                    (400, "Not JSON-RPC.", Some("JsonRpc"), JSON),
                    UNAUTHORIZED,
                    (403, "Origin not allowed.", Some("Error"), JSON),
                ],
            },
            post(mcp::http_post),
        ),
        route(
            RouteDoc {
                method: "get",
                path: "/healthz",
                operation: "healthz",
                summary: "Liveness: the process answers.",
                group: Group::Public,
                params: &[],
                body: Body::None,
                answers: &[(200, "Alive.", Some("Health"), JSON)],
            },
            get(api::healthz),
        ),
        route(
            RouteDoc {
                method: "get",
                path: "/readyz",
                operation: "readyz",
                summary:
                    "Readiness: the job store takes writes and no drain or shutdown is under way.",
                group: Group::Public,
                params: &[],
                body: Body::None,
                answers: &[
                    (200, "Ready.", Some("Readiness"), JSON),
                    (
                        503,
                        "Not ready: draining, shutting down, or the job store cannot write.",
                        Some("Readiness"),
                        JSON,
                    ),
                ],
            },
            get(api::readyz),
        ),
        route(
            RouteDoc {
                method: "get",
                path: "/metrics",
                operation: "metrics",
                summary: "Prometheus metrics (text format).",
                group: Group::Public,
                params: &[],
                body: Body::None,
                answers: &[(200, "Metrics.", None, "text/plain")],
            },
            get(api::metrics),
        ),
        route(
            RouteDoc {
                method: "get",
                path: "/openapi.json",
                operation: "openapi",
                summary: "This document.",
                group: Group::Public,
                params: &[],
                body: Body::None,
                answers: &[(200, "OpenAPI 3.1 document.", None, JSON)],
            },
            get(openapi_json),
        ),
    ]
}

async fn openapi_json() -> Json<Value> {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    Json(
        DOCUMENT
            .get_or_init(|| {
                let docs: Vec<RouteDoc> = routes().into_iter().map(|r| r.doc).collect();
                openapi::document(&docs)
            })
            .clone(),
    )
}

/// The whole application: routes grouped by middleware, plus request metrics.
pub fn router(app: Arc<App>) -> Router {
    let config = &app.config;
    let mut public = Router::new();
    let mut api = Router::new();
    let mut mcp = Router::new();
    for route in routes() {
        let group = match route.doc.group {
            Group::Public => &mut public,
            Group::Api => &mut api,
            Group::Mcp => &mut mcp,
        };
        *group = std::mem::take(group).route(route.doc.path, route.handler);
    }
    let upload_limit = usize::try_from(config.max_upload_bytes).unwrap_or(usize::MAX);
    let timeout =
        TimeoutLayer::with_status_code(StatusCode::GATEWAY_TIMEOUT, config.request_timeout);
    let require_token = from_fn_with_state(app.clone(), auth::require_token);
    let api = api
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(upload_limit))
        .layer(timeout)
        .route_layer(require_token.clone());
    let mcp = mcp
        .layer(RequestBodyLimitLayer::new(config.max_json_bytes))
        .layer(timeout)
        .route_layer(require_token);
    let public = public.layer(TimeoutLayer::with_status_code(
        StatusCode::GATEWAY_TIMEOUT,
        Duration::from_secs(30),
    ));
    public
        .merge(api)
        .merge(mcp)
        .fallback(no_such_route)
        .layer(from_fn(crate::errors::json_errors))
        .layer(from_fn_with_state(app.clone(), metrics::track))
        .with_state(app)
}

async fn no_such_route() -> ApiError {
    ApiError::not_found("no such route")
}
