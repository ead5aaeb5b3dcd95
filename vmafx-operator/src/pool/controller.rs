//! The VmafxNode reconciler: applies the pool's objects, probes its server, writes status.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Secret, Service};
use kube::api::{ListParams, Patch, PatchParams, PostParams};
use kube::runtime::controller::Action;
use kube::{Api, Resource, ResourceExt};
use serde_json::json;

use super::build::{deployment, pool_object_name, pool_url, service, token_secret};
use super::decide::node_status;
use crate::context::Context;
use crate::crd::{VmafxJob, VmafxNode};
use crate::error::{Error, Result};
use crate::health::probe;
use crate::time::now_rfc3339;

/// The controller's name in metrics and logs.
pub const NAME: &str = "vmafxnode";

/// How often a pool is probed.
pub const PROBE_INTERVAL: Duration = Duration::from_secs(20);

const MANAGER: &str = "vmafx-operator";

/// One reconcile of a pool.
pub async fn reconcile(node: Arc<VmafxNode>, ctx: Arc<Context>) -> Result<Action> {
    ctx.metrics.reconciled(NAME);
    let namespace = node.namespace().unwrap_or_else(|| "default".into());
    let name = node.name_any();
    if let Err(e) = crate::validate::node_spec(&node.spec) {
        ctx.event(
            &node.object_ref(&()),
            true,
            "InvalidSpec",
            &e.to_string(),
            "Reconcile",
        )
        .await;
        return Ok(Action::await_change());
    }
    let token = ensure_token(&ctx, &node, &namespace).await?;
    let apply = PatchParams::apply(MANAGER).force();
    let object = pool_object_name(&name);
    Api::<Deployment>::namespaced(ctx.client.clone(), &namespace)
        .patch(&object, &apply, &Patch::Apply(&deployment(&node)))
        .await?;
    Api::<Service>::namespaced(ctx.client.clone(), &namespace)
        .patch(&object, &apply, &Patch::Apply(&service(&node)))
        .await?;

    let outcome = probe(&pool_url(&name, &namespace), token.as_deref()).await;
    let jobs = Api::<VmafxJob>::namespaced(ctx.client.clone(), &namespace)
        .list(&ListParams::default())
        .await?
        .items;
    let running = jobs
        .iter()
        .filter_map(|j| j.status.as_ref())
        .filter(|s| {
            !s.phase.is_terminal()
                && s.job_name.is_some()
                && s.pool.as_deref() == Some(name.as_str())
        })
        .count() as u32;
    let (status, event) = node_status(
        node.status.as_ref(),
        &outcome,
        running,
        &now_rfc3339(),
        ctx.settings.heartbeat_timeout,
    );
    if node.status.as_ref() != Some(&status) {
        let patch = json!({ "status": status });
        Api::<VmafxNode>::namespaced(ctx.client.clone(), &namespace)
            .patch_status(&name, &PatchParams::default(), &Patch::Merge(&patch))
            .await?;
    }
    if let Some((warning, reason, note)) = event {
        ctx.event(&node.object_ref(&()), warning, reason, &note, "Probe")
            .await;
    }
    Ok(Action::requeue(PROBE_INTERVAL))
}

/// What to do after a failed reconcile.
pub fn error_policy(_node: Arc<VmafxNode>, error: &Error, ctx: Arc<Context>) -> Action {
    ctx.metrics.failed(NAME);
    tracing::warn!(%error, controller = NAME, "reconcile failed");
    Action::requeue(Duration::from_secs(15))
}

/// The pool's token: read from its Secret, created once with fresh random bytes.
async fn ensure_token(ctx: &Context, node: &VmafxNode, namespace: &str) -> Result<Option<String>> {
    let secrets: Api<Secret> = Api::namespaced(ctx.client.clone(), namespace);
    let object = pool_object_name(&node.name_any());
    if let Some(secret) = secrets.get_opt(&object).await? {
        return Ok(secret
            .data
            .and_then(|d| d.get("token").cloned())
            .and_then(|b| String::from_utf8(b.0).ok()));
    }
    let token = random_token()?;
    match secrets
        .create(&PostParams::default(), &token_secret(node, &token))
        .await
    {
        Ok(_) => Ok(Some(token)),
        Err(kube::Error::Api(e)) if e.code == 409 => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// 32 random bytes from the kernel, hex.
fn random_token() -> Result<String> {
    use std::io::Read;
    let mut bytes = [0u8; 32];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}
