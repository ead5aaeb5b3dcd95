//! What every reconciler shares: the client, the event recorder, settings and metrics.

use std::sync::Arc;

use k8s_openapi::api::core::v1::ObjectReference;
use kube::runtime::events::{Event, EventType, Recorder, Reporter};
use kube::Client;

use crate::metrics::Metrics;

/// The settings reconcilers read.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Image of scoring and training pods when neither spec nor pool names one.
    pub job_image: String,
    /// Jobs a namespace without VmafxNode pools runs at once.
    pub max_unpooled_jobs: u32,
    /// A pool's heartbeat older than this is stale.
    pub heartbeat_timeout: std::time::Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            job_image: "ghcr.io/vmafx/vmafx:latest".into(),
            max_unpooled_jobs: 4,
            heartbeat_timeout: std::time::Duration::from_secs(60),
        }
    }
}

/// Shared by every reconcile.
pub struct Context {
    /// The API client.
    pub client: Client,
    /// Publishes events as `vmafx-operator`.
    pub recorder: Recorder,
    /// Settings.
    pub settings: Settings,
    /// Counters the metrics endpoint shows.
    pub metrics: Arc<Metrics>,
}

impl Context {
    /// A context on `client`; `instance` tells replicas apart in events.
    pub fn new(
        client: Client,
        settings: Settings,
        metrics: Arc<Metrics>,
        instance: Option<String>,
    ) -> Self {
        let reporter = Reporter {
            controller: "vmafx-operator".into(),
            instance,
        };
        Context {
            recorder: Recorder::new(client.clone(), reporter),
            client,
            settings,
            metrics,
        }
    }

    /// Publishes one event; a failure is logged, never fatal (events are best effort).
    pub async fn event(
        &self,
        on: &ObjectReference,
        warning: bool,
        reason: &str,
        note: &str,
        action: &str,
    ) {
        let event = Event {
            type_: if warning {
                EventType::Warning
            } else {
                EventType::Normal
            },
            reason: reason.to_owned(),
            note: Some(note.chars().take(1024).collect()),
            action: action.to_owned(),
            secondary: None,
        };
        if let Err(e) = self.recorder.publish(&event, on).await {
            tracing::warn!(error = %e, reason, "could not publish an event");
        }
    }
}
