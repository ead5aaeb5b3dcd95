//! The hardened pod spec every Job the operator creates shares, matching the chart's:
//! non-root, no privilege escalation, read-only root filesystem, no capabilities, seccomp
//! RuntimeDefault, no service-account token.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Capabilities, Container, EmptyDirVolumeSource, PersistentVolumeClaimVolumeSource,
    PodSecurityContext, PodSpec, ResourceRequirements, SeccompProfile, SecurityContext, Volume,
    VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use crate::crd::{GpuVendor, MediaVolume};

/// The UID and GID of the image's non-root user (the chart uses the same).
pub const RUN_AS: i64 = 65532;

/// A child's name: `owner-suffix`, shortened with a hash of the owner when it would break
/// the 63 characters a Job's `job-name` label allows.
pub fn child_name(owner: &str, suffix: &str) -> String {
    let full = format!("{owner}-{suffix}");
    if full.len() <= 63 {
        return full;
    }
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let hash = owner.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let keep = 63 - suffix.len() - 10;
    let head: String = owner.chars().take(keep).collect();
    format!(
        "{}-{:08x}-{suffix}",
        head.trim_end_matches('-'),
        hash as u32
    )
}

/// What differs between the operator's pods.
pub struct PodParts {
    /// The one container's command (a `sh -c` script and its arguments).
    pub command: Vec<String>,
    /// The image.
    pub image: String,
    /// Environment, as name/value pairs.
    pub env: Vec<(String, String)>,
    /// The claims to mount.
    pub volumes: Vec<MediaVolume>,
    /// The GPU vendor whose device the container requests (`None` or `Cpu`: none).
    pub vendor: Option<GpuVendor>,
    /// Kubernetes nodes to run on.
    pub node_selector: BTreeMap<String, String>,
}

/// The pod spec of a batch pod: restartPolicy Never, the container `vmafx`, `/tmp` an
/// emptyDir (the root filesystem is read-only), the termination message read from
/// `/dev/termination-log` or, on error, the log's tail.
pub fn batch_pod_spec(parts: PodParts) -> PodSpec {
    let mut volumes = vec![Volume {
        name: "tmp".into(),
        empty_dir: Some(EmptyDirVolumeSource::default()),
        ..Volume::default()
    }];
    let mut mounts = vec![VolumeMount {
        name: "tmp".into(),
        mount_path: "/tmp".into(),
        ..VolumeMount::default()
    }];
    for (i, v) in parts.volumes.iter().enumerate() {
        let name = format!("media-{i}");
        volumes.push(Volume {
            name: name.clone(),
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                claim_name: v.claim_name.clone(),
                read_only: Some(v.read_only),
            }),
            ..Volume::default()
        });
        mounts.push(VolumeMount {
            name,
            mount_path: v.mount_path.clone(),
            read_only: Some(v.read_only),
            ..VolumeMount::default()
        });
    }
    let mut limits = BTreeMap::from([("memory".to_owned(), Quantity("4Gi".into()))]);
    let requests = BTreeMap::from([
        ("cpu".to_owned(), Quantity("1".into())),
        ("memory".to_owned(), Quantity("1Gi".into())),
    ]);
    if let Some(resource) = parts.vendor.and_then(GpuVendor::gpu_resource) {
        limits.insert(resource.to_owned(), Quantity("1".into()));
    }
    let container = Container {
        name: "vmafx".into(),
        image: Some(parts.image),
        image_pull_policy: Some("IfNotPresent".into()),
        command: Some(parts.command),
        env: Some(
            parts
                .env
                .into_iter()
                .map(|(name, value)| k8s_openapi::api::core::v1::EnvVar {
                    name,
                    value: Some(value),
                    ..Default::default()
                })
                .collect(),
        ),
        resources: Some(ResourceRequirements {
            limits: Some(limits),
            requests: Some(requests),
            ..ResourceRequirements::default()
        }),
        security_context: Some(SecurityContext {
            allow_privilege_escalation: Some(false),
            read_only_root_filesystem: Some(true),
            run_as_non_root: Some(true),
            privileged: Some(false),
            capabilities: Some(Capabilities {
                drop: Some(vec!["ALL".into()]),
                add: None,
            }),
            ..SecurityContext::default()
        }),
        termination_message_path: Some("/dev/termination-log".into()),
        termination_message_policy: Some("FallbackToLogsOnError".into()),
        volume_mounts: Some(mounts),
        ..Container::default()
    };
    PodSpec {
        restart_policy: Some("Never".into()),
        automount_service_account_token: Some(false),
        enable_service_links: Some(false),
        security_context: Some(PodSecurityContext {
            run_as_non_root: Some(true),
            run_as_user: Some(RUN_AS),
            run_as_group: Some(RUN_AS),
            fs_group: Some(RUN_AS),
            seccomp_profile: Some(SeccompProfile {
                type_: "RuntimeDefault".into(),
                localhost_profile: None,
            }),
            ..PodSecurityContext::default()
        }),
        node_selector: (!parts.node_selector.is_empty()).then_some(parts.node_selector),
        containers: vec![container],
        volumes: Some(volumes),
        ..PodSpec::default()
    }
}

/// The controller ownerReference to `owner`: Kubernetes' garbage collector deletes the
/// child with it, and with `blockOwnerDeletion` a foreground delete of the owner waits
/// for the child (the RBAC grants update on the owner's `finalizers` for that).
pub fn owner_reference<K: kube::Resource<DynamicType = ()>>(
    owner: &K,
) -> Option<Vec<k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference>> {
    let mut reference = owner.controller_owner_ref(&())?;
    reference.block_owner_deletion = Some(true);
    Some(vec![reference])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn child_names_fit_a_label() {
        assert_eq!(child_name("clip", "score"), "clip-score");
        let long = "x".repeat(120);
        let a = child_name(&long, "score");
        assert!(a.len() <= 63, "{a}");
        assert!(a.ends_with("-score"));
        assert_ne!(a, child_name(&format!("{long}y"), "score"));
    }
}
