//! The VmafxJob reconciler: observes, asks [`decide`], carries out its decision.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{ListParams, Patch, PatchParams, PostParams};
use kube::runtime::controller::Action;
use kube::{Api, Resource, ResourceExt};
use serde_json::json;

use super::build::{merge_job, merge_job_name, score_job, score_job_name};
use super::decide::{decide, ChildView, Create, Finished, Observed};
use super::observe::child_view;
use super::placement::{plan, Admission, Candidate, Placement, PoolView};
use crate::context::Context;
use crate::crd::{JobPhase, VmafxJob, VmafxNode};
use crate::error::{Error, Result};
use crate::health::is_fresh;
use crate::time::now_rfc3339;

/// The controller's name in metrics and logs.
pub const NAME: &str = "vmafxjob";

/// One reconcile of `vmjob`.
pub async fn reconcile(vmjob: Arc<VmafxJob>, ctx: Arc<Context>) -> Result<Action> {
    ctx.metrics.reconciled(NAME);
    let status = vmjob.status.as_ref();
    if status.is_some_and(|s| s.phase.is_terminal()) {
        return Ok(Action::await_change());
    }
    let namespace = vmjob.namespace().unwrap_or_else(|| "default".into());
    let name = vmjob.name_any();
    let jobs: Api<Job> = Api::namespaced(ctx.client.clone(), &namespace);
    let pods: Api<Pod> = Api::namespaced(ctx.client.clone(), &namespace);

    let score_name = score_job_name(&name);
    let score = observe(&jobs, &pods, &score_name).await?;
    let merge = match &score {
        Some(s) if vmjob.spec.segments > 1 && s.finished == Some(Finished::Complete) => {
            observe(&jobs, &pods, &merge_job_name(&name)).await?
        }
        _ => None,
    };
    let now = now_rfc3339();
    let admission = if score.is_none() && status.and_then(|s| s.job_name.as_ref()).is_none() {
        Some(admission_for(&ctx, &namespace, &name, &now).await?)
    } else {
        None
    };
    let observed = Observed {
        score,
        merge,
        admission,
        now,
        score_job_name: score_name,
    };
    let decision = decide(&vmjob.spec, status, &observed);

    match &decision.create {
        Some(Create::Score(placement)) => {
            create(
                &jobs,
                &score_job(&vmjob, placement, &ctx.settings.job_image),
            )
            .await?;
        }
        Some(Create::Merge) => {
            let placement = placement_of(&vmjob);
            create(
                &jobs,
                &merge_job(&vmjob, &placement, &ctx.settings.job_image),
            )
            .await?;
        }
        None => {}
    }
    if status != Some(&decision.status) {
        let api: Api<VmafxJob> = Api::namespaced(ctx.client.clone(), &namespace);
        let patch = json!({ "status": decision.status });
        api.patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
            .await?;
    }
    let reference = vmjob.object_ref(&());
    for note in &decision.events {
        ctx.event(
            &reference,
            note.warning,
            &note.reason,
            &note.note,
            "Reconcile",
        )
        .await;
    }
    Ok(match decision.requeue {
        Some(after) => Action::requeue(after),
        // Owned Jobs wake the reconciler; the long requeue only guards against a lost watch.
        None if decision.status.phase.is_terminal() => Action::await_change(),
        None => Action::requeue(Duration::from_secs(300)),
    })
}

/// What to do after a failed reconcile: count it and retry with a short delay.
pub fn error_policy(_vmjob: Arc<VmafxJob>, error: &Error, ctx: Arc<Context>) -> Action {
    ctx.metrics.failed(NAME);
    tracing::warn!(%error, controller = NAME, "reconcile failed");
    Action::requeue(Duration::from_secs(10))
}

async fn observe(jobs: &Api<Job>, pods: &Api<Pod>, name: &str) -> Result<Option<ChildView>> {
    let Some(job) = jobs.get_opt(name).await? else {
        return Ok(None);
    };
    let selector = format!("batch.kubernetes.io/job-name={name}");
    let pod_list = pods.list(&ListParams::default().labels(&selector)).await?;
    Ok(Some(child_view(&job, &pod_list.items)))
}

async fn create(jobs: &Api<Job>, job: &Job) -> Result<()> {
    match jobs.create(&PostParams::default(), job).await {
        Ok(_) => Ok(()),
        // Created by an earlier reconcile whose status write was lost: the same Job.
        Err(kube::Error::Api(e)) if e.code == 409 => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// The placement an admitted job already has (the merge Job runs where the scoring did).
fn placement_of(vmjob: &VmafxJob) -> Placement {
    Placement {
        pool: vmjob.status.as_ref().and_then(|s| s.pool.clone()),
        vendor: None,
        node_selector: Default::default(),
        image: None,
    }
}

/// Gathers the namespace's waiting jobs and pools and plans admission for all of them,
/// returning this job's verdict.
async fn admission_for(ctx: &Context, namespace: &str, name: &str, now: &str) -> Result<Admission> {
    let vmjobs: Api<VmafxJob> = Api::namespaced(ctx.client.clone(), namespace);
    let nodes: Api<VmafxNode> = Api::namespaced(ctx.client.clone(), namespace);
    let all_jobs = vmjobs.list(&ListParams::default()).await?.items;
    let all_nodes = nodes.list(&ListParams::default()).await?.items;
    let (candidates, pools, unpooled_running) =
        admission_inputs(&all_jobs, &all_nodes, now, ctx.settings.heartbeat_timeout);
    ctx.metrics.set_queue_depth(candidates.len());
    let free = ctx
        .settings
        .max_unpooled_jobs
        .saturating_sub(unpooled_running);
    let mut verdicts = plan(&candidates, &pools, free);
    Ok(verdicts
        .remove(name)
        .unwrap_or_else(|| Admission::Wait("waiting for admission".into())))
}

/// The inputs of [`plan`] from the namespace's VmafxJobs and VmafxNodes: the waiting
/// jobs, the pools with their slots in use, and the jobs running without a pool.
pub fn admission_inputs(
    jobs: &[VmafxJob],
    nodes: &[VmafxNode],
    now: &str,
    heartbeat_timeout: Duration,
) -> (Vec<Candidate>, Vec<PoolView>, u32) {
    let holds_slot = |j: &&VmafxJob| {
        j.status
            .as_ref()
            .is_some_and(|s| !s.phase.is_terminal() && s.job_name.is_some())
    };
    let candidates = jobs
        .iter()
        .filter(|j| {
            j.status
                .as_ref()
                .is_none_or(|s| s.phase == JobPhase::Pending && s.job_name.is_none())
        })
        .map(|j| Candidate {
            name: j.name_any(),
            priority: j.spec.priority,
            created: j
                .metadata
                .creation_timestamp
                .as_ref()
                .map(|t| t.0.to_string())
                .unwrap_or_default(),
            vendor: j.spec.backend.required_vendor(),
        })
        .collect();
    let pools = nodes
        .iter()
        .map(|n| {
            let name = n.name_any();
            let status = n.status.clone().unwrap_or_default();
            PoolView {
                running: jobs
                    .iter()
                    .filter(holds_slot)
                    .filter(|j| {
                        j.status.as_ref().and_then(|s| s.pool.as_deref()) == Some(name.as_str())
                    })
                    .count() as u32,
                healthy: status.healthy
                    && is_fresh(status.last_heartbeat.as_deref(), now, heartbeat_timeout),
                vendor: n.spec.gpu_vendor,
                capacity: n.spec.capacity,
                node_selector: n.spec.node_selector.clone(),
                image: n.spec.image.clone(),
                name,
            }
        })
        .collect();
    let unpooled = jobs
        .iter()
        .filter(holds_slot)
        .filter(|j| j.status.as_ref().is_some_and(|s| s.pool.is_none()))
        .count() as u32;
    (candidates, pools, unpooled)
}
