//! The REST API, driven over loopback against the real binary.

#[path = "../common/mod.rs"]
mod common;

mod jobs;
mod paths;
mod routes;
mod scoring;

use common::*;
use serde_json::{json, Value};

pub fn sample_uris() -> Value {
    let (reference, distorted) = samples();
    json!({ "reference": file_uri(&reference), "distorted": file_uri(&distorted) })
}

pub fn samples_root() -> String {
    samples().0.parent().unwrap().display().to_string()
}
