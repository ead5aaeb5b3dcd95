//! The vmafx Kubernetes operator: custom resources for scoring jobs (`VmafxJob`), server
//! pools (`VmafxNode`) and model training (`VmafxModelTraining`), their controllers, an
//! optional validating webhook, leader election and the operator's own endpoints.
//!
//! Each controller keeps its decisions in pure functions (`decide`, `plan`, `node_status`,
//! `decide_training`) that the reconcilers feed with what they read from the API.

#![deny(missing_docs)]

pub mod config;
pub mod context;
pub mod crd;
pub mod error;
pub mod health;
pub mod leader;
pub mod metrics;
pub mod ops;
pub mod pod;
pub mod pool;
pub mod run;
pub mod scoring;
pub mod time;
pub mod training;
pub mod validate;
pub mod webhook;

#[cfg(test)]
mod test_support;
