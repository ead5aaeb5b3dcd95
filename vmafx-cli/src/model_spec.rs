//! libvmaf's `--model` syntax:
//! `version=NAME|path=FILE[:name=LABEL][:disable_clip][:enable_transform][:EXTRACTOR.OPTION=VALUE]...`,
//! the last form changing an option the model passes to one of its extractors.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use vmafx::model::ModelOptions;
use vmafx::Model;

/// Where a model comes from and how it is reported.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    /// Built-in version or file.
    pub source: ModelSource,
    /// Report name of its score.
    pub name: String,
    /// Clip and transform switches.
    pub options: ModelOptions,
    /// Extractor option overrides `(extractor, option, value)`, in the order given.
    pub overrides: Vec<(String, String, String)>,
}

/// A built-in model or a JSON file.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelSource {
    /// `version=NAME`.
    Builtin(String),
    /// `path=FILE`.
    File(PathBuf),
}

impl Default for ModelSpec {
    fn default() -> Self {
        Self {
            source: ModelSource::Builtin("vmaf_v0.6.1".into()),
            name: vmafx::DEFAULT_MODEL_NAME.into(),
            options: ModelOptions::default(),
            overrides: Vec::new(),
        }
    }
}

impl ModelSpec {
    /// Parses one `--model` argument.
    pub fn parse(text: &str) -> Result<Self> {
        let mut source = None;
        let mut name = None;
        let mut options = ModelOptions::default();
        let mut overrides = Vec::new();
        for part in text.split(':').filter(|p| !p.is_empty()) {
            let (key, value) = match part.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (part, None),
            };
            let flag = || match value {
                None | Some("true") => Ok(true),
                Some("false") => Ok(false),
                Some(v) => bail!("model option {key} takes true or false, not {v:?}"),
            };
            match key {
                "version" => source = Some(ModelSource::Builtin(required(key, value)?.into())),
                "path" => source = Some(ModelSource::File(required(key, value)?.into())),
                "name" => {
                    let label = required(key, value)?;
                    vmafx::model::check_name(label)?;
                    name = Some(label.to_string());
                }
                "disable_clip" => options.disable_clip = flag()?,
                "enable_transform" => options.enable_transform = flag()?,
                _ if key.contains('.') => {
                    let (extractor, option) = key.split_once('.').unwrap_or((key, ""));
                    if extractor.is_empty() || option.is_empty() {
                        bail!("model option {key:?} in {text:?} should be EXTRACTOR.OPTION=VALUE");
                    }
                    let value = required(key, value)?;
                    overrides.push((extractor.to_string(), option.to_string(), value.to_string()));
                }
                _ => bail!("unknown model option {key:?} in {text:?} (expected version, path, name, disable_clip, enable_transform or EXTRACTOR.OPTION=VALUE)"),
            }
        }
        let source = source.with_context(|| format!("model {text:?} needs version= or path="))?;
        Ok(Self {
            source,
            name: name.unwrap_or_else(|| vmafx::DEFAULT_MODEL_NAME.into()),
            options,
            overrides,
        })
    }

    /// Loads the model; returns it with its report name.
    pub fn load(&self) -> Result<(String, Model)> {
        let model = match &self.source {
            ModelSource::Builtin(version) => Model::builtin(version)?,
            ModelSource::File(path) => Model::from_path(path)?,
        };
        let mut model = model.with_options(self.options);
        for (extractor, option, value) in &self.overrides {
            model = model
                .with_feature_option(extractor, option, value)
                .with_context(|| {
                    format!("cannot apply {extractor}.{option}={value} to the model")
                })?;
        }
        Ok((self.name.clone(), model))
    }
}

fn required<'a>(key: &str, value: Option<&'a str>) -> Result<&'a str> {
    value
        .filter(|v| !v.is_empty())
        .with_context(|| format!("model option {key} needs a value"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_libvmaf_model_strings() {
        let spec = ModelSpec::parse("version=vmaf_v0.6.1neg:name=neg:disable_clip").unwrap();
        assert_eq!(spec.source, ModelSource::Builtin("vmaf_v0.6.1neg".into()));
        assert_eq!(spec.name, "neg");
        assert!(spec.options.disable_clip);
        assert!(!spec.options.enable_transform);
        let file = ModelSpec::parse("path=/tmp/m.json:enable_transform=true").unwrap();
        assert_eq!(file.source, ModelSource::File("/tmp/m.json".into()));
        assert_eq!(file.name, "vmaf");
        assert!(file.options.enable_transform);
        assert!(ModelSpec::parse("name=x").is_err());
        assert!(ModelSpec::parse("version=").is_err());
        assert!(ModelSpec::parse("version=a:colour=blue").is_err());
    }

    #[test]
    fn parses_and_applies_extractor_overrides() {
        let spec = ModelSpec::parse(
            "version=vmaf_v0.6.1:vif.vif_enhn_gain_limit=1.0:adm.adm_enhn_gain_limit=1",
        )
        .unwrap();
        assert_eq!(
            spec.overrides,
            [
                ("vif".into(), "vif_enhn_gain_limit".into(), "1.0".into()),
                ("adm".into(), "adm_enhn_gain_limit".into(), "1".into()),
            ]
        );
        let (_, model) = spec.load().unwrap();
        let vif = model
            .features()
            .iter()
            .find(|f| f.name.contains("vif_scale0"))
            .unwrap();
        assert_eq!(vif.text_options["vif_enhn_gain_limit"], "1.0");
        for bad in [
            "version=vmaf_v0.6.1:vif.=1",
            "version=vmaf_v0.6.1:.egl=1",
            "version=vmaf_v0.6.1:vif.vif_enhn_gain_limit",
        ] {
            assert!(ModelSpec::parse(bad).is_err(), "{bad}");
        }
        for refused in [
            "version=vmaf_v0.6.1:vif.no_such=1",
            "version=vmaf_v0.6.1:vif.vif_enhn_gain_limit=abc",
            "version=vmaf_v0.6.1:cambi.window_size=63",
        ] {
            let error = ModelSpec::parse(refused).unwrap().load().unwrap_err();
            assert!(format!("{error:#}").contains("cannot apply"), "{error:#}");
        }
    }

    #[test]
    fn model_names_with_markup_are_refused() {
        let error = ModelSpec::parse("version=vmaf_v0.6.1:name=a\"/><x")
            .unwrap_err()
            .to_string();
        assert!(error.contains("letters, digits"), "{error}");
        assert!(ModelSpec::parse("version=vmaf_v0.6.1:name=a,b").is_err());
        assert!(ModelSpec::parse("version=vmaf_v0.6.1:name=vmaf_4k-v0.6.1").is_ok());
    }
}
