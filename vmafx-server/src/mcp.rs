//! The Model Context Protocol: JSON-RPC 2.0 messages (`initialize`, `ping`,
//! `tools/list`, `tools/call` and notifications), served on stdio (one message a line)
//! and on `POST /mcp` (streamable HTTP, answering with plain JSON).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWriteExt};

use crate::app::App;
use crate::errors::ApiError;
use crate::upload::UriRequest;
use crate::{api, ids, jobs, log};

/// Protocol revisions this server speaks, newest first.
const VERSIONS: [&str; 3] = ["2025-06-18", "2025-03-26", "2024-11-05"];

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;
const METHOD_NOT_FOUND: i64 = -32601;
const INVALID_PARAMS: i64 = -32602;

/// Handles one message (or a batch); `None` when nothing is to be answered
/// (notifications and responses).
pub async fn handle(app: &Arc<App>, message: Value) -> Option<Value> {
    if let Value::Array(batch) = message {
        if batch.is_empty() {
            return Some(error_response(Value::Null, INVALID_REQUEST, "empty batch"));
        }
        let mut answers = Vec::new();
        for item in batch {
            if let Some(answer) = Box::pin(handle(app, item)).await {
                answers.push(answer);
            }
        }
        return (!answers.is_empty()).then_some(Value::Array(answers));
    }
    let id = message.get("id").cloned();
    if message.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Some(error_response(
            id.unwrap_or(Value::Null),
            INVALID_REQUEST,
            "not a JSON-RPC 2.0 message",
        ));
    }
    let Some(method) = message.get("method").and_then(Value::as_str) else {
        // A response to something we never ask, or garbage without a method.
        return match message.get("result").or(message.get("error")) {
            Some(_) => None,
            None => Some(error_response(
                id.unwrap_or(Value::Null),
                INVALID_REQUEST,
                "no method",
            )),
        };
    };
    let params = message.get("params").cloned().unwrap_or(json!({}));
    let Some(id) = id else {
        // Notifications (`notifications/initialized`, `notifications/cancelled`, ...)
        // need no answer and change nothing here.
        return None;
    };
    let outcome = match method {
        "initialize" => Ok(initialize(&params)),
        "ping" => Ok(json!({})),
        "tools/list" => Ok(json!({ "tools": tools() })),
        "tools/call" => call_tool(app, &params).await,
        other => Err((METHOD_NOT_FOUND, format!("unknown method {other:?}"))),
    };
    Some(match outcome {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
        Err((code, message)) => error_response(id, code, &message),
    })
}

fn error_response(id: Value, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

fn initialize(params: &Value) -> Value {
    let asked = params.get("protocolVersion").and_then(Value::as_str);
    let version = asked
        .filter(|v| VERSIONS.contains(v))
        .unwrap_or(VERSIONS[0]);
    json!({
        "protocolVersion": version,
        "capabilities": { "tools": { "listChanged": false } },
        "serverInfo": { "name": "vmafx-server", "version": env!("CARGO_PKG_VERSION") },
        "instructions": "Scores a distorted video against its reference with VMAF (equal to \
            libvmaf). Inputs are file:// URIs (or absolute paths) under the server's roots.",
    })
}

fn tools() -> Value {
    json!([
        {
            "name": "score",
            "title": "Score a video pair",
            "description": "VMAF and other metrics of a distorted video against its reference. \
                Y4M and raw YUV are read directly; mp4/mkv/webm need ffmpeg on the server.",
            "inputSchema": {
                "type": "object",
                "required": ["reference", "distorted"],
                "properties": {
                    "reference": { "type": "string", "description": "file:// URI or absolute path of the reference." },
                    "distorted": { "type": "string", "description": "file:// URI or absolute path of the distorted video." },
                    "models": { "type": "array", "items": { "type": "string" }, "description": "Built-in models; default vmaf_v0.6.1." },
                    "features": { "type": "array", "items": { "type": "string" }, "description": "Extra features, e.g. psnr, float_ssim." },
                    "width": { "type": "integer" }, "height": { "type": "integer" },
                    "pixel_format": { "type": "string" }, "bit_depth": { "type": "integer" },
                    "backend": { "type": "string" },
                    "frames": { "type": "boolean", "description": "Include per-frame values." }
                }
            }
        },
        {
            "name": "list_models",
            "title": "List VMAF models",
            "description": "The built-in VMAF models and the features each uses.",
            "inputSchema": { "type": "object", "properties": {} }
        },
        {
            "name": "list_backends",
            "title": "List backends",
            "description": "The scoring backends on this machine and the default one.",
            "inputSchema": { "type": "object", "properties": {} }
        },
        {
            "name": "get_job",
            "title": "Get a job",
            "description": "State, progress and result of a job submitted to the HTTP API.",
            "inputSchema": {
                "type": "object",
                "required": ["id"],
                "properties": { "id": { "type": "string" } }
            }
        }
    ])
}

async fn call_tool(app: &Arc<App>, params: &Value) -> Result<Value, (i64, String)> {
    let name = params
        .get("name")
        .and_then(Value::as_str)
        .ok_or((INVALID_PARAMS, "tools/call needs a tool name".to_owned()))?;
    let arguments = params.get("arguments").cloned().unwrap_or(json!({}));
    let outcome = match name {
        "score" => score_tool(app, arguments).await,
        "list_models" => Ok(api::models_value()),
        "list_backends" => Ok(api::backends_value(app)),
        "get_job" => get_job_tool(app, &arguments).await,
        other => return Err((INVALID_PARAMS, format!("unknown tool {other:?}"))),
    };
    // Tool failures are results the model can read, not protocol errors.
    Ok(match outcome {
        Ok(value) => json!({
            "content": [{ "type": "text", "text": value.to_string() }],
            "structuredContent": value,
            "isError": false,
        }),
        Err(e) => json!({
            "content": [{ "type": "text", "text": format!("{}: {}", e.code, e.message) }],
            "isError": true,
        }),
    })
}

async fn score_tool(app: &Arc<App>, mut arguments: Value) -> Result<Value, ApiError> {
    let frames = arguments
        .as_object_mut()
        .and_then(|o| o.remove("frames"))
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    if let Some(object) = arguments.as_object_mut() {
        for key in ["reference", "distorted"] {
            // Plain absolute paths are accepted too: make them URIs (same checks apply).
            if let Some(Value::String(text)) = object.get_mut(key) {
                if text.starts_with('/') {
                    *text = format!("file://{}", percent_encode_path(text));
                }
            }
        }
    }
    let request: UriRequest = serde_json::from_value(arguments)
        .map_err(|e| ApiError::bad_request(format!("score arguments: {e}")))?;
    let parsed = request.resolve(app)?;
    let result = api::score_parsed(app, parsed, frames).await?;
    serde_json::to_value(result).map_err(|e| ApiError::internal(e.to_string()))
}

fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'%' | b'?' | b'#' | b' ' | 0..=0x1f | 0x7f.. => out.push_str(&format!("%{byte:02X}")),
            _ => out.push(byte as char),
        }
    }
    out
}

async fn get_job_tool(app: &Arc<App>, arguments: &Value) -> Result<Value, ApiError> {
    let id = arguments
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::bad_request("get_job needs an id"))?
        .to_owned();
    if !ids::is_id(&id) {
        return Err(ApiError::not_found("no such job"));
    }
    let row = app
        .store
        .call(move |s| s.get(&id))
        .await?
        .ok_or_else(|| ApiError::not_found("no such job"))?;
    Ok(jobs::view(app, &row, jobs::Detail::Full { frames: false }))
}

/// `POST /mcp`: one JSON-RPC message or batch per request.
pub async fn http_post(State(app): State<Arc<App>>, request: Request) -> Response {
    if let Some(origin) = request.headers().get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        if !origin_allowed(origin, &app.config.allowed_origins) {
            return ApiError::forbidden(format!("origin {origin:?} is not allowed"))
                .into_response();
        }
    }
    if let Some(version) = request.headers().get("mcp-protocol-version") {
        let version = version.to_str().unwrap_or("");
        if !VERSIONS.contains(&version) {
            return ApiError::bad_request(format!("unsupported MCP-Protocol-Version {version:?}"))
                .into_response();
        }
    }
    let body: Bytes = match crate::upload::read_json_body(request, app.config.max_json_bytes).await
    {
        Ok(body) => body,
        Err(e) => return e.into_response(),
    };
    let message: Value = match serde_json::from_slice(&body) {
        Ok(message) => message,
        Err(e) => {
            let answer = error_response(Value::Null, PARSE_ERROR, &format!("parse error: {e}"));
            return (StatusCode::BAD_REQUEST, Json(answer)).into_response();
        }
    };
    match handle(&app, message).await {
        Some(answer) => Json(answer).into_response(),
        None => StatusCode::ACCEPTED.into_response(),
    }
}

/// Origins from the loopback interface, or named in the configuration.
fn origin_allowed(origin: &str, allowed: &[String]) -> bool {
    if allowed.iter().any(|a| a == origin) {
        return true;
    }
    let host = origin
        .split_once("://")
        .map_or("", |(_, rest)| rest)
        .trim_end_matches('/');
    let host = if host.starts_with('[') {
        host.split_once(']')
            .map_or(host, |(h, _)| h)
            .trim_start_matches('[')
    } else {
        host.split(':').next().unwrap_or("")
    };
    matches!(host, "localhost" | "127.0.0.1" | "::1")
}

/// One line of stdin.
#[derive(Debug, PartialEq)]
enum Line {
    /// Its bytes, without the newline.
    Text(Vec<u8>),
    /// A line over the limit, read through to its end and dropped.
    TooLong,
}

/// The next line, holding at most `limit` bytes of it: a longer line is skipped, so a
/// client cannot make the server buffer an unbounded message. `None` at the end.
async fn next_line<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    limit: usize,
) -> std::io::Result<Option<Line>> {
    let mut line = Vec::new();
    let mut too_long = false;
    loop {
        let buffer = reader.fill_buf().await?;
        if buffer.is_empty() {
            return Ok(match (too_long, line.is_empty()) {
                (true, _) => Some(Line::TooLong),
                (false, true) => None,
                (false, false) => Some(Line::Text(line)),
            });
        }
        let newline = buffer.iter().position(|&b| b == b'\n');
        let piece = &buffer[..newline.unwrap_or(buffer.len())];
        if !too_long && line.len() + piece.len() > limit {
            too_long = true;
            line = Vec::new();
        }
        if !too_long {
            line.extend_from_slice(piece);
        }
        let used = newline.map_or(buffer.len(), |at| at + 1);
        reader.consume(used);
        if newline.is_some() {
            return Ok(Some(if too_long {
                Line::TooLong
            } else {
                Line::Text(line)
            }));
        }
    }
}

/// `vmafx-server mcp`: messages on stdin, answers on stdout, one JSON text a line.
/// Requests run concurrently, so `ping` is answered while a score runs.
pub async fn run_stdio(app: Arc<App>) -> std::io::Result<()> {
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel::<Value>();
    let writer = tokio::spawn(async move {
        let mut stdout = tokio::io::stdout();
        while let Some(answer) = receiver.recv().await {
            let mut line = answer.to_string();
            line.push('\n');
            stdout.write_all(line.as_bytes()).await?;
            stdout.flush().await?;
        }
        Ok::<(), std::io::Error>(())
    });
    let mut stdin = tokio::io::BufReader::new(tokio::io::stdin());
    let limit = app.config.max_json_bytes;
    let mut tasks = tokio::task::JoinSet::new();
    while let Some(line) = next_line(&mut stdin, limit).await? {
        let sender = sender.clone();
        let line = match line {
            Line::Text(line) => line,
            Line::TooLong => {
                let _ = sender.send(error_response(
                    Value::Null,
                    INVALID_REQUEST,
                    &format!("message over {limit} bytes (--max-json-bytes)"),
                ));
                continue;
            }
        };
        if line.trim_ascii().is_empty() {
            continue;
        }
        match serde_json::from_slice::<Value>(&line) {
            Ok(message) => {
                let app = app.clone();
                tasks.spawn(async move {
                    if let Some(answer) = handle(&app, message).await {
                        let _ = sender.send(answer);
                    }
                });
            }
            Err(e) => {
                let _ = sender.send(error_response(
                    Value::Null,
                    PARSE_ERROR,
                    &format!("parse error: {e}"),
                ));
            }
        }
    }
    while tasks.join_next().await.is_some() {}
    drop(sender);
    match writer.await {
        Ok(result) => result,
        Err(e) => {
            log::warn!("stdout writer: {e}");
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_origins() {
        assert!(origin_allowed("http://localhost:3000", &[]));
        assert!(origin_allowed("http://127.0.0.1", &[]));
        assert!(origin_allowed("http://[::1]:8080", &[]));
        assert!(!origin_allowed("https://evil.example", &[]));
        assert!(!origin_allowed("http://localhost.evil.example", &[]));
        assert!(origin_allowed(
            "https://ok.example",
            &["https://ok.example".into()]
        ));
    }

    #[tokio::test]
    async fn long_lines_are_skipped_not_buffered() {
        let input = format!("{}\n{}\nshort\nlast", "a".repeat(10), "b".repeat(11));
        let mut reader = tokio::io::BufReader::with_capacity(4, input.as_bytes());
        let mut lines = Vec::new();
        while let Some(line) = next_line(&mut reader, 10).await.unwrap() {
            lines.push(line);
        }
        assert_eq!(
            lines,
            [
                Line::Text(b"aaaaaaaaaa".to_vec()),
                Line::TooLong,
                Line::Text(b"short".to_vec()),
                Line::Text(b"last".to_vec()),
            ]
        );
    }

    #[test]
    fn encodes_paths_as_uris() {
        assert_eq!(percent_encode_path("/a b/c%?.y4m"), "/a%20b/c%25%3F.y4m");
        let uri = format!("file://{}", percent_encode_path("/x y/ü"));
        assert_eq!(
            crate::paths::file_uri_path(&uri).unwrap(),
            std::path::PathBuf::from("/x y/ü")
        );
    }
}
