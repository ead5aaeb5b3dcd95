//! The Kubernetes Jobs a VmafxJob becomes: one scoring Job (Indexed, one pod per frame
//! range, when `segments` > 1) and, for segments, a merge Job.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::Resource;

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
// text, so no spec field is ever parsed by the shell. Each ends by writing the pooled means
// of vmafx's JSON report as the termination message, which must stay under the kubelet's
// 4 KiB: means only.

/// The whole clip in one pod.
const SCORE_WHOLE: &str = r#"set -eu
result="${OUTPUT_DIR:-/tmp}/$RESULT_NAME"
vmafx -r "$REFERENCE" -d "$DISTORTED" --json -q -o "$result" "$@"
jq -c '{pooled: (.pooled_metrics | map_values(.mean))}' "$result" > /dev/termination-log
"#;

/// One frame range of an Indexed Job: pod K scores [K*N/S, (K+1)*N/S).
const SCORE_SEGMENT: &str = r#"set -eu
k=$JOB_COMPLETION_INDEX
start=$((k * FRAME_COUNT / SEGMENTS)); end=$(((k + 1) * FRAME_COUNT / SEGMENTS))
vmafx -r "$REFERENCE" -d "$DISTORTED" --json -q --frames "$start..$end" -o "$OUTPUT_DIR/part-$k.json" "$@"
"#;

/// Merges the parts in index order.
const MERGE: &str = r#"set -eu
parts=""
k=0
while [ "$k" -lt "$SEGMENTS" ]; do parts="$parts $OUTPUT_DIR/part-$k.json"; k=$((k + 1)); done
result="$OUTPUT_DIR/$RESULT_NAME"
# The part list is meant to split.
vmafx merge -o "$result" $parts
jq -c '{pooled: (.pooled_metrics | map_values(.mean))}' "$result" > /dev/termination-log
"#;

fn labels(vmjob: &str, component: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".into(), "vmafx".into()),
        ("app.kubernetes.io/component".into(), component.into()),
        ("app.kubernetes.io/managed-by".into(), "vmafx-operator".into()),
        (JOB_LABEL.into(), vmjob.into()),
    ])
}

fn common_env(vmjob: &VmafxJob) -> Vec<(String, String)> {
    let spec = &vmjob.spec;
    let mut env = vec![(
        "RESULT_NAME".to_owned(),
        format!("{}.json", vmjob.metadata.name.as_deref().unwrap_or("result")),
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
    let owner = vmjob.controller_owner_ref(&());
    Job {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: vmjob.metadata.namespace.clone(),
            labels: Some(labels(vmjob.metadata.name.as_deref().unwrap_or_default(), component)),
            owner_references: owner.map(|o| vec![o]),
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
    env.push(("REFERENCE".into(), file_path("spec.reference", &spec.reference).unwrap_or_default().into()));
    env.push(("DISTORTED".into(), file_path("spec.distorted", &spec.distorted).unwrap_or_default().into()));
    env.push(("FRAME_COUNT".into(), spec.frame_count.unwrap_or(0).to_string()));
    let backend = match spec.backend {
        crate::crd::Backend::Auto => placement.vendor.map_or("auto", |v| v.backend()),
        other => other.as_str(),
    };
    let script = if spec.segments > 1 { SCORE_SEGMENT } else { SCORE_WHOLE };
    let mut command = vec!["/bin/sh".into(), "-c".into(), script.into(), "vmafx-score".into()];
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
        backoff_limit: Some(if segmented { i32::try_from(spec.segments).unwrap_or(i32::MAX) } else { 0 }),
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
        command: vec!["/bin/sh".into(), "-c".into(), MERGE.into(), "vmafx-merge".into()],
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
