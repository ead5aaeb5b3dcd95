//! The one error type of the server and how it becomes an HTTP answer:
//! `{"error": {"code": "...", "message": "..."}}` with a fitting status.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// A failed request: status, a stable machine-readable code, and a message for people.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status of the answer.
    pub status: StatusCode,
    /// Stable code, e.g. `bad_media`, `busy`, `unauthorized`.
    pub code: &'static str,
    /// What went wrong.
    pub message: String,
    /// Seconds for a `Retry-After` header.
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with the given status and code.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    /// 400: the request itself is malformed.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 403: a path outside the allowed roots.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 404: no such job or file.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 409: the job is not in a state that allows this.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }

    /// 413: the body is larger than allowed.
    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
    }

    /// 415: media the server cannot decode (e.g. compressed video without ffmpeg).
    pub fn unsupported_media(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media",
            message,
        )
    }

    /// 422: the inputs are readable but not valid video, or do not match.
    pub fn bad_media(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_media", message)
    }

    /// 429: every scoring slot is busy; retry after the given seconds.
    pub fn busy(message: impl Into<String>, retry_after: u64) -> Self {
        ApiError {
            retry_after: Some(retry_after),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "busy", message)
        }
    }

    /// 503: the server is shutting down or a backend cannot start.
    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
    }

    /// 500: something that should not happen.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    /// The JSON body of the answer.
    pub fn body(&self) -> serde_json::Value {
        json!({ "error": { "code": self.code, "message": self.message } })
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body())).into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"vmafx\""),
            );
        }
        response
    }
}

/// Middleware: every error answer in the documented JSON shape, including those made
/// outside the handlers (axum's extractor rejections, the body limit's 413, the
/// timeout's 504, 405), whose bodies are plain text or empty.
pub async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let message = match status {
        StatusCode::GATEWAY_TIMEOUT => "the request took longer than the request timeout".into(),
        StatusCode::PAYLOAD_TOO_LARGE => "body over the size limit".into(),
        _ if text.is_empty() => status
            .canonical_reason()
            .unwrap_or("error")
            .to_ascii_lowercase(),
        _ => text,
    };
    let mut answer = ApiError::new(status, code_for(status), message).into_response();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().insert(name.clone(), value.clone());
        }
    }
    answer
}

/// The stable code of an error answer made outside the handlers.
fn code_for(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 | 422 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        408 | 504 => "timeout",
        413 => "too_large",
        415 => "unsupported_content_type",
        429 => "busy",
        503 => "unavailable",
        _ => "internal",
    }
}

impl From<vmafx::Error> for ApiError {
    fn from(error: vmafx::Error) -> Self {
        use vmafx::Error as E;
        let message = error.to_string();
        match error {
            E::Y4m(_)
            | E::Truncated { .. }
            | E::InvalidInput(_)
            | E::Mismatch(_)
            | E::NoFrames
            | E::Decode { .. } => Self::bad_media(message),
            E::DecoderMissing { .. } => Self::unsupported_media(message),
            E::Model { .. }
            | E::UnknownModel(..)
            | E::Feature(_)
            | E::InvalidOption(_)
            | E::ModelFile { .. } => Self::bad_request(message),
            E::Backend(_) => Self::unavailable(message),
            E::Cancelled(_) => Self::new(StatusCode::SERVICE_UNAVAILABLE, "cancelled", message),
            _ => Self::internal(message),
        }
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(error: crate::store::StoreError) -> Self {
        Self::internal(format!("job store: {error}"))
    }
}

impl From<std::io::Error> for ApiError {
    fn from(error: std::io::Error) -> Self {
        Self::internal(format!("i/o: {error}"))
    }
}
