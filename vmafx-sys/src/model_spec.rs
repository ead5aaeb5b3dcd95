//! Model strings as C callers write them: a built-in version name, or libvmaf's
//! `--model` syntax `version=NAME|path=FILE[:name=LABEL][:disable_clip][:enable_transform]`.

use std::path::Path;

use vmafx::model::ModelOptions;
use vmafx::Model;

use crate::status::{FfiError, VmafxStatus};

/// Loads the model a string names; returns it with the name its score is reported under.
pub(crate) fn load(spec: &str) -> Result<(String, Model), FfiError> {
    if !spec.contains('=') && !spec.contains(':') {
        let model = Model::builtin(spec)?;
        return Ok((vmafx::DEFAULT_MODEL_NAME.to_string(), model));
    }
    let bad =
        |reason: String| FfiError::new(VmafxStatus::Model, format!("model {spec:?}: {reason}"));
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
            "version" => model = Some(Model::builtin(text()?)?),
            "path" => model = Some(Model::from_path(Path::new(text()?))?),
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
                    "unknown key {key:?} (expected version, path, name, disable_clip, enable_transform)"
                )))
            }
        }
    }
    let model = model.ok_or_else(|| bad("needs version= or path=".to_string()))?;
    let name = name.unwrap_or_else(|| vmafx::DEFAULT_MODEL_NAME.to_string());
    Ok((name, model.with_options(options)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_bare_names_and_libvmaf_syntax() {
        let (name, model) = load("vmaf_v0.6.1").unwrap();
        assert_eq!((name.as_str(), model.name()), ("vmaf", "vmaf_v0.6.1"));
        let (name, model) = load("version=vmaf_v0.6.1neg:name=neg:disable_clip").unwrap();
        assert_eq!((name.as_str(), model.name()), ("neg", "vmaf_v0.6.1neg"));
        assert!(model.options().disable_clip);
        assert!(!model.options().enable_transform);
    }

    #[test]
    fn rejects_bad_strings() {
        for spec in [
            "no_such_model",
            "name=x",
            "version=",
            "version=vmaf_v0.6.1:colour=blue",
            "version=vmaf_v0.6.1:disable_clip=maybe",
            "path=/nonexistent/model.json",
            "version=vmaf_v0.6.1:name=a\"/><x",
            "version=vmaf_v0.6.1:name=a,b",
            "path=/dev/zero",
        ] {
            let error = load(spec).err().unwrap();
            assert_eq!(error.status, VmafxStatus::Model, "{spec}");
        }
    }

    #[test]
    fn names_that_would_break_reports_say_why() {
        let error = load("version=vmaf_v0.6.1:name=a\"/><x").err().unwrap();
        assert_eq!(error.status, VmafxStatus::Model);
        assert!(
            error.message.contains("letters, digits"),
            "{}",
            error.message
        );
    }
}
