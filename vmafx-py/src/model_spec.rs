//! Model strings as Python callers write them: a built-in version name, or libvmaf's
//! `--model` syntax `version=NAME|path=FILE[:name=LABEL][:disable_clip][:enable_transform]`
//! (the same strings the CLI and the C API take).

use std::path::Path;

use pyo3::PyErr;
use vmafx::model::ModelOptions;
use vmafx::Model;

use crate::errors::{error, IntoPyResult, Kind};

/// Loads the model a string names; returns it with the name its score is reported under.
pub(crate) fn load(spec: &str) -> Result<(String, Model), PyErr> {
    if !spec.contains('=') && !spec.contains(':') {
        let model = Model::builtin(spec).py_err()?;
        return Ok((vmafx::DEFAULT_MODEL_NAME.to_string(), model));
    }
    let bad = |reason: String| error(Kind::Model, format!("model {spec:?}: {reason}"));
    let mut model = None;
    let mut name = None;
    let mut options = ModelOptions::default();
    for part in spec.split(':').filter(|p| !p.is_empty()) {
        let (key, value) = match part.split_once('=') {
            Some((k, v)) => (k, Some(v)),
            None => (part, None),
        };
        let text = || {
            value
                .filter(|v| !v.is_empty())
                .ok_or_else(|| bad(format!("{key} needs a value")))
        };
        let flag = || match value {
            None | Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(v) => Err(bad(format!("{key} takes true or false, not {v:?}"))),
        };
        match key {
            "version" => model = Some(Model::builtin(text()?).py_err()?),
            "path" => model = Some(Model::from_path(Path::new(text()?)).py_err()?),
            "name" => {
                let label = text()?;
                // The name becomes an XML attribute and a CSV column: refuse markup.
                vmafx::model::check_name(label).map_err(|e| bad(e.to_string()))?;
                name = Some(label.to_string());
            }
            "disable_clip" => options.disable_clip = flag()?,
            "enable_transform" => options.enable_transform = flag()?,
            _ => {
                return Err(bad(format!(
                    "unknown key {key:?} (expected version, path, name, disable_clip, \
                     enable_transform)"
                )))
            }
        }
    }
    let model = model.ok_or_else(|| bad("needs version= or path=".to_string()))?;
    let name = name.unwrap_or_else(|| vmafx::DEFAULT_MODEL_NAME.to_string());
    Ok((name, model.with_options(options)))
}
