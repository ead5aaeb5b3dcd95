//! The VmafxModelTraining reconciler.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Pod;
use kube::api::{ListParams, Patch, PatchParams, PostParams};
use kube::runtime::controller::Action;
use kube::{Api, Resource, ResourceExt};
use serde_json::json;

use super::build::{training_job, training_job_name};
use super::decide::decide_training;
use crate::context::Context;
use crate::crd::{TrainingPhase, VmafxModelTraining};
use crate::error::{Error, Result};
use crate::scoring::observe::child_view;
use crate::time::now_rfc3339;

/// The controller's name in metrics and logs.
pub const NAME: &str = "vmafxmodeltraining";

/// One reconcile of a training.
pub async fn reconcile(training: Arc<VmafxModelTraining>, ctx: Arc<Context>) -> Result<Action> {
    ctx.metrics.reconciled(NAME);
    let status = training.status.as_ref();
    if status.is_some_and(|s| matches!(s.phase, TrainingPhase::Succeeded | TrainingPhase::Failed)) {
        return Ok(Action::await_change());
    }
    let namespace = training.namespace().unwrap_or_else(|| "default".into());
    let name = training.name_any();
    let jobs: Api<Job> = Api::namespaced(ctx.client.clone(), &namespace);
    let job_name = training_job_name(&name);
    let view = match jobs.get_opt(&job_name).await? {
        Some(job) => {
            let pods: Api<Pod> = Api::namespaced(ctx.client.clone(), &namespace);
            let selector = format!("batch.kubernetes.io/job-name={job_name}");
            let pods = pods.list(&ListParams::default().labels(&selector)).await?;
            Some(child_view(&job, &pods.items))
        }
        None => None,
    };
    let step = decide_training(
        &training.spec,
        status,
        view.as_ref(),
        &job_name,
        &now_rfc3339(),
    );
    if step.create_job {
        match jobs
            .create(
                &PostParams::default(),
                &training_job(&training, &ctx.settings.job_image),
            )
            .await
        {
            Ok(_) => {}
            Err(kube::Error::Api(e)) if e.code == 409 => {}
            Err(e) => return Err(e.into()),
        }
    }
    if status != Some(&step.status) {
        let patch = json!({ "status": step.status });
        Api::<VmafxModelTraining>::namespaced(ctx.client.clone(), &namespace)
            .patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
            .await?;
    }
    if let Some((warning, reason, note)) = &step.event {
        ctx.event(
            &training.object_ref(&()),
            *warning,
            reason,
            note,
            "Reconcile",
        )
        .await;
    }
    Ok(Action::requeue(Duration::from_secs(300)))
}

/// What to do after a failed reconcile.
pub fn error_policy(_t: Arc<VmafxModelTraining>, error: &Error, ctx: Arc<Context>) -> Action {
    ctx.metrics.failed(NAME);
    tracing::warn!(%error, controller = NAME, "reconcile failed");
    Action::requeue(Duration::from_secs(15))
}
