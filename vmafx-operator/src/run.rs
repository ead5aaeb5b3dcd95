//! Start-up and the controllers' life: endpoints first (so probes answer), then the API
//! server within a bounded wait, then the lease, then the three controllers until a signal.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::batch::v1::Job;
use kube::runtime::controller::{Config as ControllerConfig, Controller};
use kube::runtime::watcher;
use kube::{Api, Client};

use crate::config::Config;
use crate::context::Context;
use crate::crd::{VmafxJob, VmafxModelTraining, VmafxNode};
use crate::error::{Error, Result};
use crate::leader::{LeaseLock, LEASE_DURATION, RETRY_PERIOD};
use crate::metrics::Metrics;
use crate::ops::{health_router, metrics_router, spawn, Readiness};
use crate::{pool, scoring, training, webhook};

/// A client that has answered a version request, trying until `timeout` runs out.
pub async fn connect(timeout: Duration) -> Result<Client> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let last = match try_connect().await {
            Ok(client) => return Ok(client),
            Err(e) => e,
        };
        if tokio::time::Instant::now() + Duration::from_secs(1) >= deadline {
            return Err(Error::Unreachable(format!(
                "gave up after {} s: {last}",
                timeout.as_secs()
            )));
        }
        tracing::warn!(error = %last, "the Kubernetes API server does not answer yet");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn try_connect() -> std::result::Result<Client, String> {
    let config = kube::Config::infer()
        .await
        .map_err(|e| format!("no kubeconfig or in-cluster config: {e}"))?;
    let url = config.cluster_url.to_string();
    let client = Client::try_from(config).map_err(|e| format!("{url}: {e}"))?;
    match tokio::time::timeout(Duration::from_secs(5), client.apiserver_version()).await {
        Ok(Ok(version)) => {
            tracing::info!(server = %url, version = %version.git_version, "connected to the Kubernetes API server");
            Ok(client)
        }
        Ok(Err(e)) => Err(format!("{url}: {e}")),
        Err(_) => Err(format!("{url}: no answer in 5 s")),
    }
}

/// Runs the operator until SIGTERM/SIGINT.
pub async fn run(config: Config) -> Result<()> {
    let metrics = Arc::new(Metrics::default());
    let ready = Arc::new(Readiness::default());
    let health = spawn(config.health_addr, health_router(ready.clone())).await?;
    let metrics_at = spawn(config.metrics_addr, metrics_router(metrics.clone())).await?;
    tracing::info!(%health, metrics = %metrics_at, "probes and metrics listening");

    if config.webhook_port != 0 {
        let tls = webhook::tls_config(std::path::Path::new(&config.webhook_cert_dir))?;
        let addr = crate::config::parse_addr(
            "VMAFX_OPERATOR_WEBHOOK_HOST",
            &format!("{}:{}", config.webhook_host, config.webhook_port),
        )?;
        tokio::spawn(async move {
            if let Err(e) = webhook::serve(addr, tls).await {
                tracing::error!(error = %e, "the admission webhook stopped");
            }
        });
    }

    let client = connect(config.startup_timeout).await?;
    // Ready once the API server answers, leader or not: a follower that never became
    // ready would stall every rolling update behind the old leader.
    ready.set(true);
    if config.leader_election {
        lead(&client, &config, &metrics).await?;
    } else {
        metrics.set_leader(true);
    }
    let ctx = Arc::new(Context::new(
        client.clone(),
        config.settings.clone(),
        metrics.clone(),
        Some(config.identity.clone()),
    ));
    controllers(client, ctx, config.graceful_shutdown).await;
    ready.set(false);
    Ok(())
}

/// Waits for the lease, then keeps renewing it in the background; losing it ends the
/// process (a fresh start re-reads everything, the safest way to hand over).
async fn lead(client: &Client, config: &Config, metrics: &Arc<Metrics>) -> Result<()> {
    let lock = LeaseLock::new(
        client.clone(),
        &config.namespace,
        &config.leader_election_id,
        &config.identity,
    );
    loop {
        match lock.try_lead().await {
            Ok(true) => break,
            Ok(false) => {
                tracing::info!(lease = %config.leader_election_id, "another replica leads; waiting")
            }
            Err(e) => tracing::warn!(error = %e, "lease check failed"),
        }
        tokio::time::sleep(RETRY_PERIOD).await;
    }
    tracing::info!(identity = %config.identity, "leading");
    metrics.set_leader(true);
    let metrics = metrics.clone();
    tokio::spawn(async move {
        let mut last_ok = tokio::time::Instant::now();
        loop {
            tokio::time::sleep(RETRY_PERIOD).await;
            match lock.try_lead().await {
                Ok(true) => last_ok = tokio::time::Instant::now(),
                Ok(false) => {
                    metrics.set_leader(false);
                    tracing::error!("lost the lease to another replica; exiting");
                    std::process::exit(1);
                }
                Err(e) if last_ok.elapsed() > LEASE_DURATION => {
                    metrics.set_leader(false);
                    tracing::error!(error = %e, "could not renew the lease in time; exiting");
                    std::process::exit(1);
                }
                Err(e) => tracing::warn!(error = %e, "lease renewal failed; retrying"),
            }
        }
    });
    Ok(())
}

async fn controllers(client: Client, ctx: Arc<Context>, grace: Duration) {
    let all = watcher::Config::default();
    // One admission at a time: placement reads every job's status, so two concurrent
    // reconciles could both take the last slot.
    let jobs = Controller::new(Api::<VmafxJob>::all(client.clone()), all.clone())
        .owns(Api::<Job>::all(client.clone()), all.clone())
        .with_config(ControllerConfig::default().concurrency(1));
    let store = jobs.store();
    let phase_metrics = ctx.metrics.clone();
    tokio::spawn(async move {
        loop {
            let mut counts = BTreeMap::new();
            for job in store.state() {
                let phase = job.status.as_ref().map(|s| s.phase).unwrap_or_default();
                *counts.entry(phase.as_str().to_owned()).or_insert(0) += 1;
            }
            phase_metrics.set_jobs_by_phase(counts);
            tokio::time::sleep(Duration::from_secs(10)).await;
        }
    });
    let jobs = jobs
        .shutdown_on_signal()
        .run(
            scoring::controller::reconcile,
            scoring::controller::error_policy,
            ctx.clone(),
        )
        .for_each(|_| async {});
    let nodes = Controller::new(Api::<VmafxNode>::all(client.clone()), all.clone())
        .owns(Api::<Deployment>::all(client.clone()), all.clone())
        .shutdown_on_signal()
        .run(
            pool::controller::reconcile,
            pool::controller::error_policy,
            ctx.clone(),
        )
        .for_each(|_| async {});
    let trainings = Controller::new(Api::<VmafxModelTraining>::all(client.clone()), all.clone())
        .owns(Api::<Job>::all(client), all)
        .shutdown_on_signal()
        .run(
            training::controller::reconcile,
            training::controller::error_policy,
            ctx,
        )
        .for_each(|_| async {});
    let all_three = async {
        tokio::join!(jobs, nodes, trainings);
    };
    // The controllers finish their in-flight reconciles after a signal; the grace period
    // bounds how long that may take.
    tokio::select! {
        () = all_three => tracing::info!("controllers stopped"),
        () = async {
            shutdown_signal().await;
            tokio::time::sleep(grace).await;
        } => tracing::warn!(grace_s = grace.as_secs(), "graceful shutdown ran out of time"),
    }
}

/// SIGTERM (what the kubelet sends) or SIGINT.
async fn shutdown_signal() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(e) => {
            tracing::warn!(error = %e, "cannot watch SIGTERM; only SIGINT stops the operator");
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
