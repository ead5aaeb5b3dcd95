//! The Kubernetes Jobs a VmafxJob becomes: one scoring Job (Indexed, one pod per frame
//! range, when `segments` > 1) and, for segments, a merge Job.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::placement::Placement;
use crate::crd::VmafxJob;
use crate::pod::{batch_pod_spec, child_name, PodParts};
use crate::validate::file_path;

/// The label every child carries with its VmafxJob's name.
pub const JOB_LABEL: &str = "vmafx.dev/job";

/// The scoring Job's name.
pub fn score_job_name(vmjob: &str) -> String {
    child_name(vmjob, "score")
}

/// The merge Job's name.
pub fn merge_job_name(vmjob: &str) -> String {
    child_name(vmjob, "merge")
}

// Scripts get paths and options as environment and arguments, never spliced into the
// text, so no spec field is ever parsed by the shell. TERMINATION_LOG is unset in the
// pods (the kubelet's default path); the tests point it at a file. Each ends by writing the pooled means
// of vmafx's JSON report as the termination message, which must stay under the kubelet's
// 4 KiB: means only.

/// The whole clip in one pod.
pub(crate) const SCORE_WHOLE: &str = r#"set -eu
result="${OUTPUT_DIR:-/tmp}/$RESULT_NAME"
vmafx -r "$REFERENCE" -d "$DISTORTED" --json -q -o "$result" "$@"
jq -c '{pooled: (.pooled_metrics | map_values(.mean))}' "$result" > "${TERMINATION_LOG:-/dev/termination-log}"
"#;

/// One frame range of an Indexed Job: pod K scores [K*N/S, (K+1)*N/S).
pub(crate) const SCORE_SEGMENT: &str = r#"set -eu
k=$JOB_COMPLETION_INDEX
start=$((k * FRAME_COUNT / SEGMENTS)); end=$(((k + 1) * FRAME_COUNT / SEGMENTS))
vmafx -r "$REFERENCE" -d "$DISTORTED" -q --frames "$start..$end" -o "$OUTPUT_DIR/part-$k.json" "$@"
"#;

/// Merges the parts in index order.
pub(crate) const MERGE: &str = r#"set -eu
parts=""
k=0
while [ "$k" -lt "$SEGMENTS" ]; do parts="$parts $OUTPUT_DIR/part-$k.json"; k=$((k + 1)); done
result="$OUTPUT_DIR/$RESULT_NAME"
# The part list is meant to split.
vmafx merge --json -o "$result" $parts
jq -c '{pooled: (.pooled_metrics | map_values(.mean))}' "$result" > "${TERMINATION_LOG:-/dev/termination-log}"
"#;

fn labels(vmjob: &str, component: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".into(), "vmafx".into()),
        ("app.kubernetes.io/component".into(), component.into()),
        (
            "app.kubernetes.io/managed-by".into(),
            "vmafx-operator".into(),
        ),
        (JOB_LABEL.into(), vmjob.into()),
    ])
}

fn common_env(vmjob: &VmafxJob) -> Vec<(String, String)> {
    let spec = &vmjob.spec;
    let mut env = vec![(
        "RESULT_NAME".to_owned(),
        format!(
            "{}.json",
            vmjob.metadata.name.as_deref().unwrap_or("result")
        ),
    )];
    if let Some(dir) = &spec.output_dir {
        if let Ok(path) = file_path("spec.outputDir", dir) {
            env.push(("OUTPUT_DIR".into(), path.trim_end_matches('/').to_owned()));
        }
    }
    env.push(("SEGMENTS".into(), spec.segments.to_string()));
    env
}

fn job_object(vmjob: &VmafxJob, name: String, component: &str, spec: JobSpec) -> Job {
    Job {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: vmjob.metadata.namespace.clone(),
            labels: Some(labels(
                vmjob.metadata.name.as_deref().unwrap_or_default(),
                component,
            )),
            owner_references: crate::pod::owner_reference(vmjob),
            ..ObjectMeta::default()
        },
        spec: Some(spec),
        status: None,
    }
}

/// The scoring Job of `vmjob` placed by `placement`; `default_image` when neither the spec
/// nor the pool names one.
pub fn score_job(vmjob: &VmafxJob, placement: &Placement, default_image: &str) -> Job {
    let spec = &vmjob.spec;
    let name = vmjob.metadata.name.clone().unwrap_or_default();
    let mut env = common_env(vmjob);
    env.push((
        "REFERENCE".into(),
        file_path("spec.reference", &spec.reference)
            .unwrap_or_default()
            .into(),
    ));
    env.push((
        "DISTORTED".into(),
        file_path("spec.distorted", &spec.distorted)
            .unwrap_or_default()
            .into(),
    ));
    env.push((
        "FRAME_COUNT".into(),
        spec.frame_count.unwrap_or(0).to_string(),
    ));
    let backend = match spec.backend {
        crate::crd::Backend::Auto => placement.vendor.map_or("auto", |v| v.backend()),
        other => other.as_str(),
    };
    let script = if spec.segments > 1 {
        SCORE_SEGMENT
    } else {
        SCORE_WHOLE
    };
    let mut command = vec![
        "/bin/sh".into(),
        "-c".into(),
        script.into(),
        "vmafx-score".into(),
    ];
    command.push("--backend".into());
    command.push(backend.into());
    if let Some(model) = &spec.model {
        command.push("--model".into());
        command.push(match file_path("spec.model", model) {
            Ok(path) => format!("path={path}"),
            Err(_) => format!("version={model}"),
        });
    }
    for feature in &spec.features {
        command.push("--feature".into());
        command.push(feature.clone());
    }
    let vendor = placement.vendor.or(spec.backend.required_vendor());
    let pod = batch_pod_spec(PodParts {
        command,
        image: spec
            .image
            .clone()
            .or_else(|| placement.image.clone())
            .unwrap_or_else(|| default_image.to_owned()),
        env,
        volumes: spec.volumes.clone(),
        vendor,
        node_selector: placement.node_selector.clone(),
    });
    let segmented = spec.segments > 1;
    let job_spec = JobSpec {
        backoff_limit: Some(if segmented {
            i32::try_from(spec.segments).unwrap_or(i32::MAX)
        } else {
            0
        }),
        completion_mode: segmented.then(|| "Indexed".to_owned()),
        completions: segmented.then(|| i32::try_from(spec.segments).unwrap_or(i32::MAX)),
        parallelism: segmented.then(|| i32::try_from(spec.segments).unwrap_or(i32::MAX)),
        template: PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some(labels(&name, "score")),
                ..ObjectMeta::default()
            }),
            spec: Some(pod),
        },
        ..JobSpec::default()
    };
    job_object(vmjob, score_job_name(&name), "score", job_spec)
}

/// The Job that merges a segmented run's parts and leaves the pooled result.
pub fn merge_job(vmjob: &VmafxJob, placement: &Placement, default_image: &str) -> Job {
    let spec = &vmjob.spec;
    let name = vmjob.metadata.name.clone().unwrap_or_default();
    let pod = batch_pod_spec(PodParts {
        command: vec![
            "/bin/sh".into(),
            "-c".into(),
            MERGE.into(),
            "vmafx-merge".into(),
        ],
        image: spec
            .image
            .clone()
            .or_else(|| placement.image.clone())
            .unwrap_or_else(|| default_image.to_owned()),
        env: common_env(vmjob),
        volumes: spec.volumes.clone(),
        vendor: None,
        node_selector: placement.node_selector.clone(),
    });
    let job_spec = JobSpec {
        backoff_limit: Some(1),
        template: PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some(labels(&name, "merge")),
                ..ObjectMeta::default()
            }),
            spec: Some(pod),
        },
        ..JobSpec::default()
    };
    job_object(vmjob, merge_job_name(&name), "merge", job_spec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::{Backend, GpuVendor};
    use crate::test_support::vmjob;

    fn anywhere() -> Placement {
        Placement {
            pool: None,
            vendor: None,
            node_selector: BTreeMap::new(),
            image: None,
        }
    }

    fn pod(job: &Job) -> &k8s_openapi::api::core::v1::PodSpec {
        job.spec.as_ref().unwrap().template.spec.as_ref().unwrap()
    }

    #[test]
    fn the_job_is_owned_by_its_vmafxjob() {
        let job = score_job(&vmjob("clip", 0), &anywhere(), "img");
        let owners = job.metadata.owner_references.unwrap();
        assert_eq!(owners.len(), 1);
        assert_eq!(owners[0].kind, "VmafxJob");
        assert_eq!(owners[0].api_version, "vmafx.dev/v1");
        assert_eq!(owners[0].name, "clip");
        assert_eq!(owners[0].uid, "uid-clip");
        assert_eq!(owners[0].controller, Some(true));
        assert_eq!(job.metadata.name.as_deref(), Some("clip-score"));
        assert_eq!(job.metadata.namespace.as_deref(), Some("ns"));
    }

    #[test]
    fn the_pod_is_hardened_and_mounts_the_claims() {
        let job = score_job(&vmjob("clip", 0), &anywhere(), "img");
        let pod = pod(&job);
        assert_eq!(pod.restart_policy.as_deref(), Some("Never"));
        assert_eq!(pod.automount_service_account_token, Some(false));
        let psc = pod.security_context.as_ref().unwrap();
        assert_eq!(psc.run_as_non_root, Some(true));
        assert_eq!(
            psc.seccomp_profile.as_ref().unwrap().type_,
            "RuntimeDefault"
        );
        let c = &pod.containers[0];
        let sc = c.security_context.as_ref().unwrap();
        assert_eq!(sc.allow_privilege_escalation, Some(false));
        assert_eq!(sc.read_only_root_filesystem, Some(true));
        assert_eq!(
            sc.capabilities.as_ref().unwrap().drop.as_deref(),
            Some(&["ALL".to_owned()][..])
        );
        assert_eq!(
            c.termination_message_policy.as_deref(),
            Some("FallbackToLogsOnError")
        );
        let claim = pod
            .volumes
            .as_ref()
            .unwrap()
            .iter()
            .find_map(|v| v.persistent_volume_claim.clone())
            .unwrap();
        assert_eq!(claim.claim_name, "clips");
        let env: BTreeMap<_, _> = c
            .env
            .iter()
            .flatten()
            .map(|e| (e.name.as_str(), e.value.clone().unwrap()))
            .collect();
        assert_eq!(env["REFERENCE"], "/media/ref.y4m");
        assert_eq!(env["DISTORTED"], "/media/dist.y4m");
        assert_eq!(c.image.as_deref(), Some("img"));
    }

    #[test]
    fn the_backend_decides_the_gpu_request() {
        for (backend, resource) in [
            (Backend::Cuda, Some("nvidia.com/gpu")),
            (Backend::Hip, Some("amd.com/gpu")),
            (Backend::Sycl, Some("gpu.intel.com/i915")),
            (Backend::Cpu, None),
            (Backend::Auto, None),
        ] {
            let mut vm = vmjob("clip", 0);
            vm.spec.backend = backend;
            let job = score_job(&vm, &anywhere(), "img");
            let c = &pod(&job).containers[0];
            let limits = c.resources.as_ref().unwrap().limits.clone().unwrap();
            let gpus: Vec<_> = limits
                .keys()
                .filter(|k| k.contains("gpu"))
                .cloned()
                .collect();
            assert_eq!(
                gpus,
                resource.map(|r| vec![r.to_owned()]).unwrap_or_default(),
                "{backend:?}"
            );
            let args = c.command.as_ref().unwrap();
            let at = args.iter().position(|a| a == "--backend").unwrap();
            assert_eq!(args[at + 1], backend.as_str());
        }
    }

    #[test]
    fn a_pool_gives_vendor_nodes_and_image() {
        let placement = Placement {
            pool: Some("mi300".into()),
            vendor: Some(GpuVendor::Amd),
            node_selector: BTreeMap::from([("pool".into(), "mi300".into())]),
            image: Some("vmafx:amd".into()),
        };
        let job = score_job(&vmjob("clip", 0), &placement, "img");
        let pod = pod(&job);
        assert_eq!(pod.node_selector.as_ref().unwrap()["pool"], "mi300");
        let c = &pod.containers[0];
        assert_eq!(c.image.as_deref(), Some("vmafx:amd"));
        assert!(c
            .resources
            .as_ref()
            .unwrap()
            .limits
            .as_ref()
            .unwrap()
            .contains_key("amd.com/gpu"));
        let args = c.command.as_ref().unwrap();
        let at = args.iter().position(|a| a == "--backend").unwrap();
        assert_eq!(args[at + 1], "hip", "auto on an AMD pool runs HIP");
    }

    #[test]
    fn segments_make_an_indexed_job_and_a_merge_job() {
        let mut vm = vmjob("film", 0);
        vm.spec.segments = 4;
        vm.spec.frame_count = Some(1000);
        vm.spec.volumes[0].read_only = false;
        vm.spec.output_dir = Some("file:///media/out".into());
        vm.spec.model = Some("vmaf_4k_v0.6.1".into());
        vm.spec.features = vec!["psnr".into()];
        let job = score_job(&vm, &anywhere(), "img");
        let spec = job.spec.as_ref().unwrap();
        assert_eq!(spec.completion_mode.as_deref(), Some("Indexed"));
        assert_eq!(spec.completions, Some(4));
        assert_eq!(spec.parallelism, Some(4));
        let c = &spec.template.spec.as_ref().unwrap().containers[0];
        let command = c.command.as_ref().unwrap();
        assert!(command[2].contains("--frames \"$start..$end\""));
        assert!(command[2].contains("part-$k.json"));
        assert!(command
            .windows(2)
            .any(|w| w == ["--model", "version=vmaf_4k_v0.6.1"]));
        assert!(command.windows(2).any(|w| w == ["--feature", "psnr"]));
        let env: BTreeMap<_, _> = c
            .env
            .iter()
            .flatten()
            .map(|e| (e.name.as_str(), e.value.clone().unwrap()))
            .collect();
        assert_eq!(env["FRAME_COUNT"], "1000");
        assert_eq!(env["SEGMENTS"], "4");
        assert_eq!(env["OUTPUT_DIR"], "/media/out");

        let merge = merge_job(&vm, &anywhere(), "img");
        assert_eq!(merge.metadata.name.as_deref(), Some("film-merge"));
        assert!(merge.metadata.owner_references.is_some());
        let script = &merge.spec.unwrap().template.spec.unwrap().containers[0]
            .command
            .clone()
            .unwrap()[2];
        assert!(script.contains("vmafx merge"));
        assert!(script.contains("/dev/termination-log"));
    }

    #[test]
    fn a_single_run_is_not_indexed() {
        let job = score_job(&vmjob("clip", 0), &anywhere(), "img");
        let spec = job.spec.unwrap();
        assert_eq!(spec.completion_mode, None);
        assert_eq!(spec.backoff_limit, Some(0));
        let script = &spec.template.spec.unwrap().containers[0]
            .command
            .clone()
            .unwrap()[2];
        assert!(script.contains("/dev/termination-log"));
        assert!(!script.contains("--frames"));
    }
}
