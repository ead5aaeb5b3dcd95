//! The objects a VmafxNode pool becomes: a token Secret, a vmafx-server Deployment and
//! its Service.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Capabilities, Container, ContainerPort, EmptyDirVolumeSource, EnvVar, HTTPGetAction,
    PodSecurityContext, PodSpec, PodTemplateSpec, Probe, ResourceRequirements, SeccompProfile,
    Secret, SecretVolumeSource, SecurityContext, Service, ServicePort, ServiceSpec, Volume,
    VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::ByteString;
use kube::ResourceExt;

use crate::crd::VmafxNode;
use crate::pod::{child_name, RUN_AS};

/// The port vmafx-server listens on in a pool.
pub const PORT: i32 = 8080;

/// The name of a pool's Deployment, Service and Secret.
pub fn pool_object_name(node: &str) -> String {
    child_name(node, "pool")
}

/// Where the operator reaches a pool's server.
pub fn pool_url(node: &str, namespace: &str) -> String {
    format!("http://{}.{namespace}.svc:{PORT}", pool_object_name(node))
}

fn labels(node: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".into(), "vmafx".into()),
        ("app.kubernetes.io/component".into(), "pool".into()),
        (
            "app.kubernetes.io/managed-by".into(),
            "vmafx-operator".into(),
        ),
        ("vmafx.dev/pool".into(), node.into()),
    ])
}

fn meta(node: &VmafxNode) -> ObjectMeta {
    let name = node.name_any();
    ObjectMeta {
        name: Some(pool_object_name(&name)),
        namespace: node.namespace(),
        labels: Some(labels(&name)),
        owner_references: crate::pod::owner_reference(node),
        ..ObjectMeta::default()
    }
}

/// The Secret holding the bearer token the pool's server accepts (and the operator uses
/// for `/v1/backends`).
pub fn token_secret(node: &VmafxNode, token: &str) -> Secret {
    Secret {
        metadata: meta(node),
        type_: Some("Opaque".into()),
        data: Some(BTreeMap::from([(
            "token".into(),
            ByteString(token.as_bytes().to_vec()),
        )])),
        ..Secret::default()
    }
}

/// The pool's Service.
pub fn service(node: &VmafxNode) -> Service {
    Service {
        metadata: meta(node),
        spec: Some(ServiceSpec {
            selector: Some(labels(&node.name_any())),
            ports: Some(vec![ServicePort {
                name: Some("http".into()),
                port: PORT,
                target_port: Some(IntOrString::Int(PORT)),
                ..ServicePort::default()
            }]),
            ..ServiceSpec::default()
        }),
        status: None,
    }
}

/// The pool's vmafx-server Deployment: one replica, the vendor's GPU, the pool's nodes,
/// the same hardening as the chart's server.
pub fn deployment(node: &VmafxNode) -> Deployment {
    let name = node.name_any();
    let spec = &node.spec;
    let mut limits = BTreeMap::from([("memory".to_owned(), Quantity("4Gi".into()))]);
    if let Some(resource) = spec.gpu_vendor.gpu_resource() {
        limits.insert(resource.to_owned(), Quantity("1".into()));
    }
    let http_probe = |path: &str| Probe {
        http_get: Some(HTTPGetAction {
            path: Some(path.into()),
            port: IntOrString::Int(PORT),
            ..HTTPGetAction::default()
        }),
        period_seconds: Some(10),
        ..Probe::default()
    };
    let env = [
        ("VMAFX_LISTEN", format!("0.0.0.0:{PORT}")),
        ("VMAFX_BACKEND", spec.gpu_vendor.backend().to_owned()),
        ("VMAFX_DATA_DIR", "/tmp/vmafx".to_owned()),
        ("VMAFX_API_TOKENS_FILE", "/etc/vmafx/token/token".to_owned()),
    ];
    let container = Container {
        name: "vmafx-server".into(),
        image: Some(spec.image.clone()),
        command: Some(vec!["vmafx-server".into()]),
        env: Some(
            env.into_iter()
                .map(|(n, v)| EnvVar {
                    name: n.into(),
                    value: Some(v),
                    ..EnvVar::default()
                })
                .collect(),
        ),
        ports: Some(vec![ContainerPort {
            name: Some("http".into()),
            container_port: PORT,
            ..ContainerPort::default()
        }]),
        liveness_probe: Some(http_probe("/healthz")),
        readiness_probe: Some(http_probe("/readyz")),
        resources: Some(ResourceRequirements {
            limits: Some(limits),
            requests: Some(BTreeMap::from([
                ("cpu".to_owned(), Quantity("500m".into())),
                ("memory".to_owned(), Quantity("512Mi".into())),
            ])),
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
        volume_mounts: Some(vec![
            VolumeMount {
                name: "tmp".into(),
                mount_path: "/tmp".into(),
                ..VolumeMount::default()
            },
            VolumeMount {
                name: "token".into(),
                mount_path: "/etc/vmafx/token".into(),
                read_only: Some(true),
                ..VolumeMount::default()
            },
        ]),
        ..Container::default()
    };
    Deployment {
        metadata: meta(node),
        spec: Some(DeploymentSpec {
            replicas: Some(1),
            selector: LabelSelector {
                match_labels: Some(labels(&name)),
                ..LabelSelector::default()
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels(&name)),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
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
                    node_selector: (!spec.node_selector.is_empty())
                        .then(|| spec.node_selector.clone()),
                    containers: vec![container],
                    volumes: Some(vec![
                        Volume {
                            name: "tmp".into(),
                            empty_dir: Some(EmptyDirVolumeSource::default()),
                            ..Volume::default()
                        },
                        Volume {
                            name: "token".into(),
                            secret: Some(SecretVolumeSource {
                                secret_name: Some(pool_object_name(&name)),
                                ..SecretVolumeSource::default()
                            }),
                            ..Volume::default()
                        },
                    ]),
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        }),
        status: None,
    }
}
