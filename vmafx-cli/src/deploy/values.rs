//! A plan as a values file of the vmafx Helm chart (deploy/helm/vmafx): only the keys
//! the plan decides, the chart's defaults for the rest.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use serde::Serialize;

use super::plan::{Layout, Plan, Vendor};

/// Where the planned pods find what the plan does not know.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// `kubernetes.io/arch` of the nodes (the speed was measured on this one).
    pub arch: String,
    /// PVC holding the videos, mounted read-only at `media_dir`.
    pub media_claim: String,
    /// Where the videos are in the pods.
    pub media_dir: String,
    /// Scale-out only: the ReadWriteMany PVC for parts and report.
    pub parts_claim: String,
    /// Scale-out only: the video's name and its two files inside the pods.
    pub video_name: String,
    /// Reference path inside the pods.
    pub reference: String,
    /// Distorted path inside the pods.
    pub distorted: String,
    /// Server only, with more than one replica: the Secret with the PostgreSQL URL.
    pub postgres_secret: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Values {
    workload: &'static str,
    gpu: Gpu,
    resources: Resources,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    node_selector: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tolerations: Vec<Toleration>,
    inputs: Vec<Input>,
    #[serde(skip_serializing_if = "Option::is_none")]
    replica_count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    job_store: Option<JobStore>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extra_env: Vec<EnvVar>,
    #[serde(skip_serializing_if = "Option::is_none")]
    batch: Option<Batch>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scale_out: Option<ScaleOut>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Gpu {
    vendor: &'static str,
    count: u32,
    access: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    supplemental_groups: Vec<u32>,
}

#[derive(Serialize)]
struct Resources {
    requests: Quantities,
    limits: Quantities,
}

#[derive(Serialize)]
struct Quantities {
    cpu: String,
    memory: String,
}

#[derive(Serialize)]
struct Toleration {
    key: &'static str,
    operator: &'static str,
    effect: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Input {
    name: &'static str,
    mount_path: String,
    volume: Volume,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Volume {
    persistent_volume_claim: Claim,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Claim {
    claim_name: String,
    read_only: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JobStore {
    #[serde(rename = "type")]
    kind: &'static str,
    postgres: Postgres,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Postgres {
    existing_secret: String,
}

#[derive(Serialize)]
struct EnvVar {
    name: &'static str,
    value: String,
}

#[derive(Serialize)]
struct Batch {
    args: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ScaleOut {
    name: String,
    reference: String,
    distorted: String,
    frames: u64,
    segment_frames: u64,
    parallelism: u64,
    claim: String,
}

/// The node label and taint key of each GPU vendor, as values-<vendor>.yaml set them.
fn vendor_node(vendor: Vendor) -> Option<(&'static str, &'static str)> {
    match vendor {
        Vendor::Cpu => None,
        Vendor::Nvidia => Some(("nvidia.com/gpu.present", "nvidia.com/gpu")),
        Vendor::Amd => Some(("feature.node.kubernetes.io/amd-gpu", "amd.com/gpu")),
        Vendor::Intel => Some(("intel.feature.node.kubernetes.io/gpu", "gpu.intel.com/i915")),
    }
}

/// Memory as a Kubernetes quantity in Mi.
fn mebibytes(bytes: u64) -> String {
    format!("{}Mi", bytes.div_ceil(1 << 20))
}

/// The values file for `plan`: YAML after a comment header that says how it was made.
pub fn render(plan: &Plan, placement: &Placement, header: &[String]) -> Result<String> {
    let mut node_selector = BTreeMap::new();
    node_selector.insert("kubernetes.io/arch".to_owned(), placement.arch.clone());
    let mut tolerations = Vec::new();
    if let Some((label, taint)) = vendor_node(plan.vendor) {
        node_selector.insert(label.to_owned(), "true".to_owned());
        tolerations.push(Toleration {
            key: taint,
            operator: "Exists",
            effect: "NoSchedule",
        });
    }
    let cpu = plan.cpu_per_pod.to_string();
    let threads = plan.threads_per_score.to_string();
    let mut values = Values {
        workload: "Deployment",
        gpu: Gpu {
            vendor: plan.vendor.chart_name(),
            count: plan.gpus_per_pod.max(1),
            access: "devicePlugin",
            // The GPU device nodes of AMD and Intel belong to the node's "video" group
            // (44 on Debian and Ubuntu), as in values-amd.yaml and values-intel.yaml.
            supplemental_groups: match plan.vendor {
                Vendor::Amd | Vendor::Intel => vec![44],
                Vendor::Cpu | Vendor::Nvidia => Vec::new(),
            },
        },
        resources: Resources {
            requests: Quantities {
                cpu: cpu.clone(),
                memory: mebibytes(plan.memory_per_pod),
            },
            limits: Quantities {
                cpu,
                memory: mebibytes(plan.memory_per_pod * 2),
            },
        },
        node_selector,
        tolerations,
        inputs: vec![Input {
            name: "media",
            mount_path: placement.media_dir.clone(),
            volume: Volume {
                persistent_volume_claim: Claim {
                    claim_name: placement.media_claim.clone(),
                    read_only: true,
                },
            },
        }],
        replica_count: None,
        job_store: None,
        extra_env: Vec::new(),
        batch: None,
        scale_out: None,
    };
    match &plan.layout {
        Layout::Server {
            replicas,
            max_concurrent,
        } => {
            values.replica_count = Some(*replicas);
            // Replicas share their jobs only through PostgreSQL (the chart refuses
            // several sqlite replicas).
            if *replicas > 1 {
                values.job_store = Some(JobStore {
                    kind: "postgres",
                    postgres: Postgres {
                        existing_secret: placement.postgres_secret.clone(),
                    },
                });
            }
            values.extra_env = vec![
                EnvVar {
                    name: "VMAFX_MAX_CONCURRENT",
                    value: max_concurrent.to_string(),
                },
                EnvVar {
                    name: "VMAFX_THREADS_PER_SCORE",
                    value: threads,
                },
            ];
        }
        Layout::ScaleOut {
            frames,
            segment_frames,
            parallelism,
            ..
        } => {
            values.workload = "IndexedJob";
            values.batch = Some(Batch {
                args: vec!["--threads".to_owned(), threads],
            });
            values.scale_out = Some(ScaleOut {
                name: placement.video_name.clone(),
                reference: placement.reference.clone(),
                distorted: placement.distorted.clone(),
                frames: *frames,
                segment_frames: *segment_frames,
                parallelism: *parallelism,
                claim: placement.parts_claim.clone(),
            });
        }
    }
    let yaml = serde_yaml_ng::to_string(&values).context("cannot write the values as YAML")?;
    let mut text: String = header.iter().map(|line| format!("# {line}\n")).collect();
    text.push_str(&yaml);
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placement() -> Placement {
        Placement {
            arch: "amd64".into(),
            media_claim: "media".into(),
            media_dir: "/media".into(),
            parts_claim: "vmafx-scale-out".into(),
            video_name: "clip".into(),
            reference: "/media/clip.y4m".into(),
            distorted: "/media/clip.dist.y4m".into(),
            postgres_secret: "vmafx-postgres".into(),
        }
    }

    fn plan(vendor: Vendor, layout: Layout) -> Plan {
        Plan {
            vendor,
            layout,
            threads_per_score: 4,
            gpus_per_pod: if vendor.is_gpu() { 2 } else { 0 },
            cpu_per_pod: 8,
            memory_per_pod: 512 << 20,
            fps_per_score: 80.0,
            planned_fps: 160.0,
            pods_per_node: 1,
            nodes: 2,
        }
    }

    #[test]
    fn server_values_carry_replicas_concurrency_and_postgres() {
        let layout = Layout::Server {
            replicas: 2,
            max_concurrent: 2,
        };
        let text = render(
            &plan(Vendor::Nvidia, layout),
            &placement(),
            &["made".into()],
        )
        .unwrap();
        assert!(text.starts_with("# made\n"));
        let values: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
        assert_eq!(values["workload"], "Deployment");
        assert_eq!(values["replicaCount"], 2);
        assert_eq!(values["gpu"]["vendor"], "nvidia");
        assert_eq!(values["gpu"]["count"], 2);
        assert_eq!(values["jobStore"]["type"], "postgres");
        assert_eq!(values["resources"]["requests"]["memory"], "512Mi");
        assert_eq!(values["resources"]["limits"]["memory"], "1024Mi");
        assert_eq!(values["nodeSelector"]["nvidia.com/gpu.present"], "true");
        assert_eq!(values["tolerations"][0]["key"], "nvidia.com/gpu");
        assert_eq!(values["extraEnv"][0]["name"], "VMAFX_MAX_CONCURRENT");
        assert_eq!(values["extraEnv"][1]["value"], "4");
        assert!(values.get("scaleOut").is_none());
    }

    #[test]
    fn scale_out_values_carry_the_segments() {
        let layout = Layout::ScaleOut {
            frames: 1000,
            segment_frames: 250,
            segments: 4,
            parallelism: 4,
        };
        let text = render(&plan(Vendor::Cpu, layout), &placement(), &[]).unwrap();
        let values: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
        assert_eq!(values["workload"], "IndexedJob");
        assert_eq!(values["scaleOut"]["frames"], 1000);
        assert_eq!(values["scaleOut"]["segmentFrames"], 250);
        assert_eq!(values["scaleOut"]["claim"], "vmafx-scale-out");
        assert_eq!(values["batch"]["args"][1], "4");
        assert_eq!(values["gpu"]["vendor"], "cpu");
        assert!(values["tolerations"].is_null());
        assert!(values.get("replicaCount").is_none());
    }

    #[test]
    fn amd_and_intel_join_the_video_group() {
        let layout = Layout::Server {
            replicas: 1,
            max_concurrent: 1,
        };
        for vendor in [Vendor::Amd, Vendor::Intel] {
            let text = render(&plan(vendor, layout.clone()), &placement(), &[]).unwrap();
            let values: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
            assert_eq!(values["gpu"]["supplementalGroups"][0], 44);
            assert!(values.get("jobStore").is_none());
        }
    }
}
