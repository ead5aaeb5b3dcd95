//! Model strings as the C API and the Python package take them: a built-in version
//! name, or libvmaf's `--model` syntax
//! `version=NAME|path=FILE[:name=LABEL][:disable_clip][:enable_transform]`.

use std::path::Path;

use super::{check_name, Model, ModelOptions};
use crate::error::{Error, Result};

/// Loads the model `spec` names; returns it with the name its score is reported under
/// (`vmaf` unless `name=` gives another). A malformed string is [`Error::Model`];
/// a model that cannot be found or read keeps its own error.
pub fn load_spec(spec: &str) -> Result<(String, Model)> {
    if !spec.contains('=') && !spec.contains(':') {
        return Ok((crate::DEFAULT_MODEL_NAME.to_string(), Model::builtin(spec)?));
    }
    let bad = |reason: String| Error::Model {
        name: format!("{spec:?}"),
        reason,
    };
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
                check_name(label).map_err(|e| bad(e.to_string()))?;
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
    let name = name.unwrap_or_else(|| crate::DEFAULT_MODEL_NAME.to_string());
    Ok((name, model.with_options(options)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_bare_names_and_libvmaf_syntax() {
        let (name, model) = load_spec("vmaf_v0.6.1").unwrap();
        assert_eq!((name.as_str(), model.name()), ("vmaf", "vmaf_v0.6.1"));
        let (name, model) = load_spec("version=vmaf_v0.6.1neg:name=neg:disable_clip").unwrap();
        assert_eq!((name.as_str(), model.name()), ("neg", "vmaf_v0.6.1neg"));
        assert!(model.options().disable_clip);
        assert!(!model.options().enable_transform);
    }

    #[test]
    fn malformed_strings_are_model_errors() {
        for spec in [
            "name=x",
            "version=",
            "version=vmaf_v0.6.1:colour=blue",
            "version=vmaf_v0.6.1:disable_clip=maybe",
            "version=vmaf_v0.6.1:name=a\"/><x",
            "version=vmaf_v0.6.1:name=a,b",
        ] {
            let error = load_spec(spec).err().unwrap();
            assert!(matches!(error, Error::Model { .. }), "{spec}: {error}");
        }
        let error = load_spec("version=vmaf_v0.6.1:name=a\"/><x").err().unwrap();
        assert!(error.to_string().contains("letters, digits"), "{error}");
    }

    #[test]
    fn models_that_cannot_be_found_keep_their_own_error() {
        let unknown = load_spec("no_such_model").err().unwrap();
        assert!(matches!(unknown, Error::UnknownModel(..)), "{unknown}");
        let missing = load_spec("path=/nonexistent/model.json").err().unwrap();
        assert!(
            matches!(missing, Error::ModelFile { .. } | Error::Io { .. }),
            "{missing}"
        );
    }
}
