//! The committed CRDs equal the generated ones, and the sample resources meet (or break,
//! with the right message) the CEL rules, evaluated by kube's client-side CEL checker.

use std::path::{Path, PathBuf};

use kube::core::cel::Validator;
use serde_json::Value;

use super::*;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn committed_crds_match_the_types() {
    let dir = repo_root().join("deploy/helm/vmafx/crds");
    for crd in all_crds() {
        let path = dir.join(crd_file_name(&crd));
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == crd_yaml(&crd).unwrap(),
            "{} differs from the Rust types: run `cargo run -p vmafx-operator -- --write-crds deploy/helm/vmafx/crds`",
            path.display()
        );
    }
}

#[test]
fn crds_are_namespaced_with_status_short_names_and_columns() {
    let expected = [
        ("VmafxJob", "vmjob", vec!["PHASE", "SCORE", "NODE", "AGE"]),
        (
            "VmafxNode",
            "vmnode",
            vec!["VENDOR", "HEALTHY", "JOBS", "DEVICE", "AGE"],
        ),
        (
            "VmafxModelTraining",
            "vmtrain",
            vec!["PHASE", "SAMPLES", "MODELVERSION", "AGE"],
        ),
    ];
    for (crd, (kind, short, columns)) in all_crds().iter().zip(expected) {
        assert_eq!(crd.spec.group, GROUP);
        assert_eq!(crd.spec.names.kind, kind);
        assert_eq!(crd.spec.scope, "Namespaced");
        assert_eq!(
            crd.spec.names.short_names.as_deref(),
            Some(&[short.to_owned()][..])
        );
        let version = &crd.spec.versions[0];
        assert_eq!(version.name, "v1");
        assert!(version
            .subresources
            .as_ref()
            .and_then(|s| s.status.as_ref())
            .is_some());
        let names: Vec<&str> = version
            .additional_printer_columns
            .iter()
            .flatten()
            .filter(|c| c.priority.unwrap_or(0) == 0)
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, columns, "{kind}");
    }
}

fn schema_of(kind: &str) -> Value {
    let crd = all_crds()
        .into_iter()
        .find(|c| c.spec.names.kind == kind)
        .unwrap_or_else(|| panic!("no CRD for {kind}"));
    let schema = crd.spec.versions[0]
        .schema
        .clone()
        .unwrap()
        .open_api_v3_schema
        .unwrap();
    serde_json::to_value(schema).unwrap()
}

/// (file name, first line, resource) of every sample in `samples/<which>`.
fn samples(which: &str) -> Vec<(String, String, Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(which);
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            let first = text.lines().next().unwrap_or_default().to_owned();
            let value: Value = serde_yaml::from_str(&text).unwrap();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                first,
                value,
            )
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(!out.is_empty(), "no samples in {}", dir.display());
    out
}

#[test]
fn valid_samples_pass_the_cel_rules_and_read_as_the_types() {
    for (file, _, resource) in samples("valid") {
        let kind = resource["kind"].as_str().unwrap();
        let result = Validator::new().validate(&schema_of(kind), &resource, None);
        assert!(result.is_ok(), "{file}: {}", result.unwrap_err());
        // Unchanged on update: the immutability rule holds.
        let update = Validator::new().validate(&schema_of(kind), &resource, Some(&resource));
        assert!(update.is_ok(), "{file} (update): {}", update.unwrap_err());
        let parsed = match kind {
            "VmafxJob" => serde_json::from_value::<VmafxJob>(resource.clone()).map(|_| ()),
            "VmafxNode" => serde_json::from_value::<VmafxNode>(resource.clone()).map(|_| ()),
            _ => serde_json::from_value::<VmafxModelTraining>(resource.clone()).map(|_| ()),
        };
        assert!(parsed.is_ok(), "{file}: {parsed:?}");
    }
}

#[test]
fn invalid_samples_break_the_rule_they_name() {
    let mut checked = 0;
    for (file, first, resource) in samples("invalid") {
        let Some(expect) = first.strip_prefix("# expect: ") else {
            // `# schema:` samples break the openAPI schema, checked by deploy/tests.
            assert!(
                first.starts_with("# schema: "),
                "{file}: first line must say what it breaks"
            );
            continue;
        };
        let kind = resource["kind"].as_str().unwrap();
        let errors = Validator::new()
            .validate(&schema_of(kind), &resource, None)
            .expect_err(&format!("{file} passed the CEL rules"));
        let text = errors.to_string();
        assert!(text.contains(expect), "{file}: {text}");
        checked += 1;
    }
    assert!(checked >= 4);
}

#[test]
fn spec_changes_are_refused_on_update() {
    let (_, _, old) = samples("valid")
        .into_iter()
        .find(|s| s.0 == "vmafxjob.yaml")
        .unwrap();
    let mut new = old.clone();
    new["spec"]["priority"] = Value::from(99);
    let errors = Validator::new()
        .validate(&schema_of("VmafxJob"), &new, Some(&old))
        .expect_err("a changed spec passed");
    assert!(errors.to_string().contains("immutable"), "{errors}");
}

/// Every `x-kubernetes-validations` rule with the schema node it sits on.
fn rules(schema: &Value, out: &mut Vec<(String, Value)>) {
    if let Some(list) = schema
        .get("x-kubernetes-validations")
        .and_then(Value::as_array)
    {
        for rule in list {
            out.push((
                rule["rule"].as_str().unwrap_or_default().to_owned(),
                schema.clone(),
            ));
        }
    }
    for key in ["properties", "items", "additionalProperties"] {
        match schema.get(key) {
            Some(Value::Object(map)) if key == "properties" => {
                map.values().for_each(|s| rules(s, out))
            }
            Some(s @ Value::Object(_)) => rules(s, out),
            _ => {}
        }
    }
}

#[test]
fn cel_rules_stay_within_scope_and_cost_budget() {
    use kube::core::cel::{analyze_rule, compile_schema, ScopeContext, WarningKind};
    let mut checked = 0;
    for crd in all_crds() {
        let mut found = Vec::new();
        rules(&schema_of(&crd.spec.names.kind), &mut found);
        for (rule, node) in found {
            let warnings = analyze_rule(&rule, &compile_schema(&node), ScopeContext::CrdValidation);
            let serious: Vec<_> = warnings
                .iter()
                .filter(|w| match w.kind {
                    WarningKind::CostExceeded => true,
                    // The analyzer does not know variables bound by macros such as
                    // exists(v, ...); the rules use `v` for exactly that.
                    WarningKind::WrongScope => !w.message.contains("variable 'v'"),
                    _ => false,
                })
                .collect();
            assert!(
                serious.is_empty(),
                "{}: {rule}: {serious:?}",
                crd.spec.names.kind
            );
            checked += 1;
        }
    }
    assert_eq!(
        checked,
        5 + 1 + 3,
        "rules: VmafxJob 5, VmafxNode 1, VmafxModelTraining 3"
    );
    // The estimator does flag what it should: a nested loop over unbounded lists.
    let unbounded = serde_json::json!({
        "type": "object",
        "properties": {"xs": {"type": "array", "items": {"type": "string"}}}
    });
    let warnings = analyze_rule(
        "self.xs.all(a, self.xs.all(b, a.contains(b)))",
        &compile_schema(&unbounded),
        ScopeContext::CrdValidation,
    );
    assert!(
        warnings.iter().any(|w| matches!(
            w.kind,
            WarningKind::CostExceeded | WarningKind::MissingBounds
        )),
        "{warnings:?}"
    );
}
