//! Changing the options a model passes to one of its extractors, as libvmaf's
//! `vmaf --model version=vmaf_v0.6.1:vif.vif_enhn_gain_limit=1.0` does
//! (`vmaf_model_feature_overload`).
//!
//! The new value replaces the model file's for every input the extractor computes, so
//! the inputs' report names change with it (`integer_vif_scale0_egl_1`). Unlike libvmaf,
//! which ignores an override that matches nothing, an unknown extractor, an extractor the
//! model does not use, an unknown option and a bad value are all refused.

use std::sync::Arc;

use crate::feature::registry;
use crate::feature::request::FeatureRequest;
use crate::{Error, Result};

use super::Model;

impl Model {
    /// The same model with the option `option` of the extractor `metric` (libvmaf's
    /// extractor name, such as `vif` or `float_adm`) set to `value`, written as on
    /// libvmaf's command line.
    pub fn with_feature_option(self, metric: &str, option: &str, value: &str) -> Result<Model> {
        let descriptor = registry::metric(metric).ok_or_else(|| {
            Error::Feature(format!(
                "unknown feature {metric:?} in a model override (known: {})",
                registry::names().join(", ")
            ))
        })?;
        if descriptor.name != metric {
            return Err(Error::Feature(format!(
                "model overrides name the extractor as libvmaf does: {}, not {metric}",
                descriptor.name
            )));
        }
        // Checks the name and the value even where the model would not use them.
        descriptor.default_values().set_text(option, value)?;
        let mut data = (*self.data).clone();
        let mut changed = false;
        for feature in &mut data.features {
            if registry::providing(&feature.name) != Some(descriptor) {
                continue;
            }
            feature.options.remove(option);
            feature
                .text_options
                .insert(option.to_owned(), value.to_owned());
            FeatureRequest::for_model_feature(feature)?;
            changed = true;
        }
        if !changed {
            return Err(Error::Model {
                name: self.name,
                reason: format!("none of its features comes from {metric}, so {metric}.{option} would change nothing"),
            });
        }
        Ok(Model {
            data: Arc::new(data),
            ..self
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::feature::request::FeatureRequest;
    use crate::{Error, Model};

    fn report_names(model: &Model) -> Vec<String> {
        model
            .features()
            .iter()
            .map(|f| {
                let request = FeatureRequest::for_model_feature(f).unwrap();
                request.feature_name(&f.name).unwrap()
            })
            .collect()
    }

    #[test]
    fn overrides_rename_the_extractors_inputs_like_libvmaf() {
        let model = Model::builtin("vmaf_v0.6.1")
            .unwrap()
            .with_feature_option("vif", "vif_enhn_gain_limit", "1.0")
            .unwrap()
            .with_feature_option("adm", "adm_enhn_gain_limit", "1")
            .unwrap();
        assert_eq!(
            report_names(&model),
            [
                "integer_adm2_egl_1",
                "integer_motion2",
                "integer_vif_scale0_egl_1",
                "integer_vif_scale1_egl_1",
                "integer_vif_scale2_egl_1",
                "integer_vif_scale3_egl_1",
            ]
        );
        let defaulted = Model::builtin("vmaf_v0.6.1")
            .unwrap()
            .with_feature_option("vif", "vif_enhn_gain_limit", "100")
            .unwrap();
        assert!(report_names(&defaulted).contains(&"integer_vif_scale0".to_string()));
    }

    #[test]
    fn an_override_replaces_the_model_files_value() {
        let neg = Model::builtin("vmaf_v0.6.1neg").unwrap();
        assert!(report_names(&neg).contains(&"integer_adm2_egl_1".to_string()));
        let relaxed = neg
            .with_feature_option("adm", "adm_enhn_gain_limit", "1.2")
            .unwrap();
        assert!(report_names(&relaxed).contains(&"integer_adm2_egl_1.2".to_string()));
    }

    #[test]
    fn overrides_that_change_nothing_or_are_wrong_are_refused() {
        let model = || Model::builtin("vmaf_v0.6.1").unwrap();
        let err = |r: crate::Result<Model>| r.expect_err("refused");
        assert!(matches!(
            err(model().with_feature_option("nonsense", "x", "1")),
            Error::Feature(_)
        ));
        assert!(matches!(
            err(model().with_feature_option("integer_vif", "vif_enhn_gain_limit", "1")),
            Error::Feature(_)
        ));
        assert!(matches!(
            err(model().with_feature_option("float_vif", "vif_enhn_gain_limit", "1")),
            Error::Model { .. }
        ));
        assert!(matches!(
            err(model().with_feature_option("vif", "no_such_option", "1")),
            Error::UnknownOption { .. }
        ));
        assert!(matches!(
            err(model().with_feature_option("vif", "vif_enhn_gain_limit", "0.5")),
            Error::OptionValue { .. }
        ));
    }
}
