//! The Job that runs `vmafx train`.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use kube::ResourceExt;

use crate::crd::VmafxModelTraining;
use crate::pod::{batch_pod_spec, child_name, PodParts};
use crate::validate::file_path;

/// The training Job's name.
pub fn training_job_name(training: &str) -> String {
    child_name(training, "train")
}

// Trains, then leaves {"samples": N, "modelVersion": "..."} as the termination message:
// the sample count from the dataset (a JSON array or object with `samples`, else CSV rows
// after the header) and a version naming the model by the hash of its bytes.
pub(crate) const TRAIN: &str = r#"set -eu
vmafx train --dataset "$DATASET" -o "$OUTPUT" "$@"
samples=$(jq 'if type == "array" then length elif type == "object" and has("samples") then (.samples | length) else error("csv") end' "$DATASET" 2>/dev/null \
  || echo $(($(wc -l < "$DATASET") - 1)))
version="$BASE_NAME-$(sha256sum "$OUTPUT" | cut -c1-12)"
jq -cn --argjson samples "$samples" --arg version "$version" '{samples: $samples, modelVersion: $version}' > "${TERMINATION_LOG:-/dev/termination-log}"
"#;

/// The Job of `training`; `default_image` when the spec names none.
pub fn training_job(training: &VmafxModelTraining, default_image: &str) -> Job {
    let spec = &training.spec;
    let name = training.name_any();
    let labels = BTreeMap::from([
        ("app.kubernetes.io/name".to_owned(), "vmafx".to_owned()),
        ("app.kubernetes.io/component".to_owned(), "train".to_owned()),
        (
            "app.kubernetes.io/managed-by".to_owned(),
            "vmafx-operator".to_owned(),
        ),
        ("vmafx.dev/training".to_owned(), name.clone()),
    ]);
    let base_name = spec
        .base_model
        .rsplit('/')
        .next()
        .unwrap_or(&spec.base_model)
        .trim_end_matches(".json")
        .to_owned();
    let base_arg = match file_path("spec.baseModel", &spec.base_model) {
        Ok(path) => format!("path={path}"),
        Err(_) => format!("version={}", spec.base_model),
    };
    // `vmafx train` takes --dataset and -o; the rest of the spec travels as environment
    // (VMAFX_TRAIN_*), so a CLI without those options still runs.
    let command = vec![
        "/bin/sh".to_owned(),
        "-c".to_owned(),
        TRAIN.to_owned(),
        "vmafx-train".to_owned(),
    ];
    let env = vec![
        (
            "DATASET".to_owned(),
            file_path("spec.dataSource", &spec.data_source)
                .unwrap_or_default()
                .to_owned(),
        ),
        (
            "OUTPUT".to_owned(),
            file_path("spec.output", &spec.output)
                .unwrap_or_default()
                .to_owned(),
        ),
        ("BASE_NAME".to_owned(), base_name),
        ("VMAFX_TRAIN_BASE_MODEL".to_owned(), base_arg),
        (
            "VMAFX_TRAIN_ALGORITHM".to_owned(),
            spec.algorithm.as_str().to_owned(),
        ),
        (
            "VMAFX_TRAIN_CHECKPOINT_INTERVAL".to_owned(),
            spec.checkpoint.interval.to_string(),
        ),
        (
            "VMAFX_TRAIN_CHECKPOINT_MIN_SAMPLES".to_owned(),
            spec.checkpoint.min_samples.to_string(),
        ),
    ];
    let pod = batch_pod_spec(PodParts {
        command,
        image: spec
            .image
            .clone()
            .unwrap_or_else(|| default_image.to_owned()),
        env,
        volumes: spec.volumes.clone(),
        vendor: None,
        node_selector: BTreeMap::new(),
    });
    Job {
        metadata: ObjectMeta {
            name: Some(training_job_name(&name)),
            namespace: training.namespace(),
            labels: Some(labels.clone()),
            owner_references: crate::pod::owner_reference(training),
            ..ObjectMeta::default()
        },
        spec: Some(JobSpec {
            backoff_limit: Some(0),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..ObjectMeta::default()
                }),
                spec: Some(pod),
            },
            ..JobSpec::default()
        }),
        status: None,
    }
}

#[cfg(test)]
mod tests {
    use super::TRAIN;
    use crate::scoring::script_tests::{has_jq, Sandbox};

    #[test]
    fn the_script_trains_and_reports_samples_and_version() {
        assert!(
            has_jq(),
            "jq is needed (the runtime image has it; deploy/ci.sh installs it)"
        );
        let sb = Sandbox::new("train");
        let dataset = sb.path("set.json");
        std::fs::write(&dataset, r#"[{"score": 1}, {"score": 2}, {"score": 3}]"#).unwrap();
        let model = sb.path("model.json");
        let env = [
            ("DATASET", dataset.display().to_string()),
            ("OUTPUT", model.display().to_string()),
            ("BASE_NAME", "vmaf_v0.6.1".to_owned()),
        ];
        let out = sb.run(TRAIN, &env, &[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            sb.read("args.log").trim(),
            format!(
                "train --dataset {} -o {}",
                dataset.display(),
                model.display()
            )
        );
        let message: serde_json::Value = serde_json::from_str(&sb.read("termination-log")).unwrap();
        assert_eq!(message["samples"], 3);
        let version = message["modelVersion"].as_str().unwrap();
        assert!(
            version.starts_with("vmaf_v0.6.1-") && version.len() == "vmaf_v0.6.1-".len() + 12,
            "{version}"
        );

        // A CSV dataset counts its rows after the header.
        std::fs::write(&dataset, "ref,dist,score\na,b,1\nc,d,2\n").unwrap();
        let out = sb.run(TRAIN, &env, &[]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let message: serde_json::Value = serde_json::from_str(&sb.read("termination-log")).unwrap();
        assert_eq!(message["samples"], 2);
    }
}
