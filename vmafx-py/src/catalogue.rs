//! What this build offers: built-in models, metrics with their options, backends.

use pyo3::prelude::*;
use pyo3::types::PyDict;
use vmafx::metrics::{OptionKind, OptionValue};

/// The built-in models by libvmaf's version names.
#[pyfunction]
pub(crate) fn models() -> Vec<&'static str> {
    vmafx::Model::builtin_versions().to_vec()
}

/// Every metric: name, aliases, options (name, alias, type, default, range or choices)
/// and outputs in libvmaf's order.
#[pyfunction]
pub(crate) fn features(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    vmafx::metrics::all()
        .iter()
        .map(|metric| {
            let entry = PyDict::new(py);
            entry.set_item("name", metric.name)?;
            entry.set_item("aliases", metric.aliases.to_vec())?;
            let options = metric
                .options
                .iter()
                .map(|spec| {
                    let option = PyDict::new(py);
                    option.set_item("name", spec.name)?;
                    option.set_item("alias", spec.alias)?;
                    let (kind, low, high, choices) = match spec.kind {
                        OptionKind::Bool => ("bool", None, None, None),
                        OptionKind::Int { min, max } => {
                            ("int", Some(min as f64), Some(max as f64), None)
                        }
                        OptionKind::Double { min, max } => ("double", Some(min), Some(max), None),
                        OptionKind::Word { choices } => {
                            ("word", None, None, Some(choices.to_vec()))
                        }
                        OptionKind::Text => ("text", None, None, None),
                    };
                    option.set_item("type", kind)?;
                    match &spec.default {
                        OptionValue::Bool(b) => option.set_item("default", *b)?,
                        OptionValue::Int(n) => option.set_item("default", *n)?,
                        OptionValue::Double(x) => option.set_item("default", *x)?,
                        OptionValue::Word(w) => option.set_item("default", w.as_ref())?,
                    }
                    option.set_item("min", low)?;
                    option.set_item("max", high)?;
                    option.set_item("choices", choices)?;
                    Ok(option)
                })
                .collect::<PyResult<Vec<_>>>()?;
            entry.set_item("options", options)?;
            let outputs: Vec<&str> = metric.outputs.iter().map(|o| o.report).collect();
            entry.set_item("outputs", outputs)?;
            let temporal = matches!(metric.timing, vmafx::metrics::Timing::Temporal(_));
            entry.set_item("temporal", temporal)?;
            Ok(entry)
        })
        .collect()
}

/// Every backend compiled in, probed: name, devices, and why it cannot run (or `None`).
#[pyfunction]
pub(crate) fn backends(py: Python<'_>) -> PyResult<Vec<Bound<'_, PyDict>>> {
    let probes = py.detach(vmafx::backend::probe_all);
    probes
        .into_iter()
        .map(|probe| {
            let entry = PyDict::new(py);
            entry.set_item("name", probe.kind.name())?;
            entry.set_item("available", probe.is_available())?;
            entry.set_item("devices", probe.devices)?;
            entry.set_item("unavailable", probe.unavailable)?;
            Ok(entry)
        })
        .collect()
}
