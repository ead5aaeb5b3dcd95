//! The OpenAPI 3.1 document, assembled from the route table and the schemas below.

use serde_json::{json, Map, Value};

use crate::routes::{Answer, Body, Group, RouteDoc};

/// The whole document for `routes`.
pub fn document(routes: &[RouteDoc]) -> Value {
    let mut paths = Map::new();
    for route in routes {
        let item = paths
            .entry(route.path)
            .or_insert_with(|| Value::Object(Map::new()));
        item[route.method] = operation(route);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "vmafx-server",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Scores video pairs with VMAF (equal to libvmaf) and companion metrics.",
        },
        "paths": paths,
        "components": {
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer" } },
            "schemas": schemas(),
        },
    })
}

/// Answers any route of its kind may give, added where the route's table leaves them
/// out: every route can fail inside (500), routes with a body can be too large (413),
/// and authenticated routes answer 503 while the server shuts down.
fn common_answers(route: &RouteDoc) -> Vec<Answer> {
    const ERROR: Option<&str> = Some("Error");
    const JSON: &str = "application/json";
    let mut answers = vec![(500, "Internal error.", ERROR, JSON)];
    if route.body != Body::None {
        answers.push((413, "Body over the size limit.", ERROR, JSON));
    }
    if route.group != Group::Public {
        answers.push((
            503,
            "Shutting down, or the backend cannot start.",
            ERROR,
            JSON,
        ));
    }
    answers.retain(|(status, ..)| route.answers.iter().all(|a| a.0 != *status));
    answers
}

fn operation(route: &RouteDoc) -> Value {
    let parameters: Vec<Value> = route
        .params
        .iter()
        .map(|p| {
            json!({
                "name": p.name,
                "in": p.location,
                "required": p.location == "path",
                "description": p.description,
                "schema": { "type": p.kind },
            })
        })
        .collect();
    let mut responses = Map::new();
    for (status, description, schema, content_type) in
        route.answers.iter().chain(&common_answers(route))
    {
        let mut answer = json!({ "description": description });
        if let Some(schema) = schema {
            answer["content"] = json!({ *content_type: { "schema": reference(schema) } });
        }
        if *status == 429 {
            answer["headers"] = json!({
                "Retry-After": { "description": "Seconds to wait.", "schema": { "type": "integer" } }
            });
        }
        responses.insert(status.to_string(), answer);
    }
    let mut op = json!({
        "operationId": route.operation,
        "summary": route.summary,
        "tags": [tag(route)],
        "parameters": parameters,
        "responses": responses,
        "security": if route.group == Group::Public { json!([]) } else { json!([{ "bearer": [] }]) },
    });
    match route.body {
        Body::None => {}
        Body::ScoreInput => {
            op["requestBody"] = json!({
                "required": true,
                "content": {
                    "multipart/form-data": { "schema": reference("ScoreUpload") },
                    "application/json": { "schema": reference("ScoreRequest") },
                },
            })
        }
        Body::JsonRpc => {
            op["requestBody"] = json!({
                "required": true,
                "content": { "application/json": { "schema": reference("JsonRpc") } },
            })
        }
    }
    op
}

fn tag(route: &RouteDoc) -> &'static str {
    match route.group {
        Group::Public => "operations",
        Group::Mcp => "mcp",
        Group::Api if route.path.starts_with("/v1/jobs") => "jobs",
        Group::Api => "scoring",
    }
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn schemas() -> Value {
    let options = json!({
        "models": {
            "type": "array", "items": { "type": "string" },
            "description": "Built-in models: `vmaf_v0.6.1` or `version=NAME[:name=LABEL][:disable_clip][:enable_transform]`. Absent: vmaf_v0.6.1; empty: features only.",
        },
        "features": {
            "type": "array", "items": { "type": "string" },
            "description": "Extra features in libvmaf's syntax, e.g. `psnr`, `float_ssim`, `cambi=window_size=63`.",
        },
        "width": { "type": "integer", "description": "Raw YUV width (with height: inputs are raw)." },
        "height": { "type": "integer", "description": "Raw YUV height." },
        "pixel_format": { "type": "string", "enum": ["420", "422", "444", "400"], "default": "420" },
        "bit_depth": { "type": "integer", "minimum": 8, "maximum": 16, "default": 8 },
        "backend": { "type": "string", "enum": ["auto", "cpu", "cuda", "hip", "sycl", "vulkan"] },
    });
    let mut request = options.clone();
    request["reference"] = json!({ "type": "string", "description": "file:///absolute/path under a configured root." });
    request["distorted"] = json!({ "type": "string", "description": "file:///absolute/path under a configured root." });
    let mut upload = options;
    upload["reference"] = json!({ "type": "string", "format": "binary", "description": "Y4M, raw YUV (with width/height) or compressed video (needs ffmpeg)." });
    upload["distorted"] = json!({ "type": "string", "format": "binary" });
    upload["model"] =
        json!({ "type": "string", "description": "Repeatable; `none` for features only." });
    upload["feature"] =
        json!({ "type": "string", "description": "Repeatable or comma-separated." });
    let pooled = json!({
        "type": "object",
        "properties": {
            "min": { "type": ["number", "null"] }, "max": { "type": ["number", "null"] },
            "mean": { "type": ["number", "null"] }, "harmonic_mean": { "type": ["number", "null"] },
        },
    });
    json!({
        "Error": {
            "type": "object", "required": ["error"],
            "properties": { "error": { "type": "object", "required": ["code", "message"], "properties": {
                "code": { "type": "string" }, "message": { "type": "string" } } } },
        },
        "Health": { "type": "object", "properties": { "status": { "const": "ok" } } },
        "Readiness": {
            "type": "object",
            "properties": {
                "ready": { "type": "boolean" },
                "store": { "type": "boolean", "description": "The job store took a write." },
                "draining": { "type": "boolean" },
                "shutting_down": { "type": "boolean" },
            },
        },
        "ScoreRequest": { "type": "object", "required": ["reference", "distorted"], "properties": request, "additionalProperties": false },
        "ScoreUpload": { "type": "object", "required": ["reference", "distorted"], "properties": upload },
        "ScoreResult": {
            "type": "object",
            "properties": {
                "version": { "type": "string" }, "backend": { "type": "string" },
                "width": { "type": "integer" }, "height": { "type": "integer" },
                "frames_scored": { "type": "integer" }, "fps": { "type": "number" },
                "vmaf": { "type": ["number", "null"], "description": "Pooled mean of the `vmaf` metric." },
                "pooled": { "type": "object", "additionalProperties": pooled },
                "frames": { "type": "array", "items": { "type": "object", "properties": {
                    "frame": { "type": "integer" },
                    "metrics": { "type": "object", "additionalProperties": { "type": ["number", "null"] } } } } },
                "length_mismatch": { "type": ["string", "null"] },
            },
        },
        "Job": {
            "type": "object",
            "properties": {
                "id": { "type": "string" },
                "state": { "type": "string", "enum": ["queued", "running", "succeeded", "failed", "cancelled"] },
                "created_at": { "type": "string", "format": "date-time" },
                "started_at": { "type": ["string", "null"], "format": "date-time" },
                "finished_at": { "type": ["string", "null"], "format": "date-time" },
                "attempts": { "type": "integer" },
                "cancel_requested": { "type": "boolean" },
                "progress": { "type": "object", "properties": { "frames_done": { "type": "integer" } } },
                "error": { "oneOf": [ { "type": "null" }, { "type": "object", "properties": {
                    "code": { "type": "string" }, "message": { "type": "string" } } } ] },
                "result": {
                    "description": "The scores once succeeded (null before); left out of lists.",
                    "oneOf": [ { "type": "null" }, reference("ScoreResult") ],
                },
                "links": { "type": "object", "additionalProperties": { "type": "string" } },
            },
        },
        "JobList": {
            "type": "object",
            "properties": {
                "jobs": { "type": "array", "items": reference("Job") },
                "next_cursor": { "type": ["integer", "null"] },
            },
        },
        "ModelList": {
            "type": "object",
            "properties": { "models": { "type": "array", "items": { "type": "object", "properties": {
                "name": { "type": "string" }, "default": { "type": "boolean" }, "bootstrap": { "type": "boolean" },
                "features": { "type": "array", "items": { "type": "string" } } } } } },
        },
        "BackendList": {
            "type": "object",
            "properties": {
                "default": { "type": "object", "properties": {
                    "requested": { "type": "string" }, "backend": { "type": "string" }, "device": { "type": "string" } } },
                "slots_per_backend": { "type": "integer" },
                "backends": { "type": "array", "items": { "type": "object", "properties": {
                    "name": { "type": "string" }, "available": { "type": "boolean" },
                    "devices": { "type": "array", "items": { "type": "string" } },
                    "reason": { "type": ["string", "null"] } } } },
            },
        },
        "JsonRpc": {
            "type": "object", "required": ["jsonrpc"],
            "properties": {
                "jsonrpc": { "const": "2.0" }, "id": { "type": ["string", "integer", "null"] },
                "method": { "type": "string" }, "params": { "type": "object" },
                "result": {}, "error": { "type": "object" },
            },
        },
    })
}
