//! One metric with its options, as a model or the user asks for it, and the names its
//! outputs get.
//!
//! libvmaf names a feature after the extractor's internal name, aliased to a short
//! form, plus one `_<alias>_<value>` suffix for each naming option that differs from its
//! default, sorted by option name (for example `integer_vif_scale0_egl_1` when
//! `vif_enhn_gain_limit=1`). Models look features up by the same rule, so computing
//! names here once keeps models, reports and extractors in step.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::feature::descriptor::{Extractor, MetricDescriptor, Output, Timing};
use crate::feature::device::Accelerator;
use crate::feature::options::{OptionKind, OptionValue, OptionValues};
use crate::feature::registry;
use crate::frame::FrameFormat;
use crate::model::ModelFeature;

/// One metric with its options.
#[derive(Debug, Clone, PartialEq)]
pub struct FeatureRequest {
    metric: &'static MetricDescriptor,
    options: OptionValues,
}

impl FeatureRequest {
    /// A request for `metric` with default options.
    pub fn new(metric: &'static MetricDescriptor) -> Self {
        Self {
            metric,
            options: OptionValues::defaults(metric.name, metric.options),
        }
    }

    /// A request with default options for the metric libvmaf calls `name`.
    pub fn named(name: &str) -> Result<Self> {
        registry::metric(name).map(Self::new).ok_or_else(|| {
            Error::Feature(format!(
                "unknown feature {name:?} (known: {})",
                registry::names().join(", ")
            ))
        })
    }

    /// A request with numeric options (switches as 0 or 1), by libvmaf option name.
    pub fn with_options(
        metric: &'static MetricDescriptor,
        options: &BTreeMap<String, f64>,
    ) -> Result<Self> {
        Ok(Self {
            metric,
            options: metric.values_from_numbers(options)?,
        })
    }

    /// Parses libvmaf's `--feature` syntax: `name` or `name=opt=value:opt=value`.
    pub fn parse(spec: &str) -> Result<Self> {
        let (name, rest) = spec.split_once('=').unwrap_or((spec, ""));
        let mut request = Self::named(name)?;
        for pair in rest.split(':').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').ok_or_else(|| Error::OptionValue {
                feature: request.metric.name.to_string(),
                option: pair.to_string(),
                reason: "lacks '=value'".to_string(),
            })?;
            request.options.set_text(key, value)?;
        }
        Ok(request)
    }

    /// The request a model's input feature implies, with the model's options, as
    /// libvmaf reads a model file's `feature_opts_dicts`.
    pub fn for_model_feature(feature: &ModelFeature) -> Result<Self> {
        let metric = registry::providing(&feature.name).ok_or_else(|| {
            Error::Feature(format!(
                "feature {:?} is not provided by any extractor",
                feature.name
            ))
        })?;
        let mut request = Self::new(metric);
        for (key, &value) in &feature.options {
            request.options.set_number(key, value)?;
        }
        for (key, text) in &feature.text_options {
            request.options.set_text(key, text)?;
        }
        Ok(request)
    }

    /// Sets one option from its text form.
    pub fn set(&mut self, key: &str, text: &str) -> Result<()> {
        self.options.set_text(key, text)
    }

    /// The metric.
    pub fn metric(&self) -> &'static MetricDescriptor {
        self.metric
    }

    /// Every option's value.
    pub fn options(&self) -> &OptionValues {
        &self.options
    }

    /// The request in `--feature` syntax, `name` or `name=opt=value:...`, naming every
    /// option that differs from its default with numbers written to round-trip exactly:
    /// [`FeatureRequest::parse`] of it gives this request back.
    pub fn spec(&self) -> String {
        let mut spec = self.metric.name.to_string();
        for (n, (option, value)) in self.options.changed().enumerate() {
            spec.push(if n == 0 { '=' } else { ':' });
            let text = match value {
                OptionValue::Double(x) => format!("{x}"),
                other => other.to_string(),
            };
            spec.push_str(&format!("{}={text}", option.name));
        }
        spec
    }

    /// Whether the metric needs the frames in order.
    pub fn is_temporal(&self) -> bool {
        matches!(self.metric.timing, Timing::Temporal(_))
    }

    /// The outputs this request yields for frames of `format`, in libvmaf's order.
    pub fn active_outputs(&self, format: &FrameFormat) -> Vec<Output> {
        (self.metric.active_outputs)(&self.options, format)
    }

    /// The name under which an output is reported with these options.
    pub fn output_name(&self, output: &Output) -> String {
        let mut name = output.report.to_string();
        // Sorted by option name, as libvmaf sorts its dictionary.
        let mut suffixes: Vec<(&str, String)> = self
            .options
            .changed()
            .filter(|(spec, _)| spec.names_output)
            .map(|(spec, value)| {
                let suffix = match spec.kind {
                    OptionKind::Bool => format!("_{}", spec.name_key()),
                    _ => format!("_{}_{value}", spec.name_key()),
                };
                (spec.name, suffix)
            })
            .collect();
        suffixes.sort_by(|a, b| a.0.cmp(b.0));
        for (_, suffix) in suffixes {
            name.push_str(&suffix);
        }
        name
    }

    /// The report name of the output whose internal name is `feature`.
    pub fn feature_name(&self, feature: &str) -> Option<String> {
        self.metric.output(feature).map(|o| self.output_name(o))
    }

    /// Builds a live extractor for frames of `format`.
    pub(crate) fn build(
        &self,
        format: &FrameFormat,
        accelerator: &dyn Accelerator,
    ) -> Result<Extractor> {
        (self.metric.build)(&self.options, format, accelerator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(request: &FeatureRequest, feature: &str) -> String {
        request.feature_name(feature).unwrap()
    }

    #[test]
    fn names_follow_libvmaf_rules() {
        let plain = FeatureRequest::named("vif").unwrap();
        assert_eq!(
            name_of(&plain, "VMAF_integer_feature_vif_scale0_score"),
            "integer_vif_scale0"
        );
        let egl = FeatureRequest::parse("vif=vif_enhn_gain_limit=1.0").unwrap();
        assert_eq!(
            name_of(&egl, "VMAF_integer_feature_vif_scale2_score"),
            "integer_vif_scale2_egl_1"
        );
        let defaulted = FeatureRequest::parse("adm=adm_enhn_gain_limit=100").unwrap();
        assert_eq!(
            name_of(&defaulted, "integer_adm_scale0"),
            "integer_adm_scale0"
        );
        assert_eq!(defaulted, FeatureRequest::named("integer_adm").unwrap());
        let two =
            FeatureRequest::parse("adm=adm_norm_view_dist=1.5:adm_enhn_gain_limit=1").unwrap();
        assert_eq!(
            name_of(&two, "VMAF_integer_feature_adm2_score"),
            "integer_adm2_egl_1_nvd_1.5"
        );
        let flag = FeatureRequest::parse("motion=motion_force_zero=true").unwrap();
        assert_eq!(
            name_of(&flag, "VMAF_integer_feature_motion2_score"),
            "integer_motion2_force_0"
        );
        assert_eq!(
            name_of(
                &FeatureRequest::named("motion").unwrap(),
                "VMAF_integer_feature_motion_sad_score"
            ),
            "VMAF_integer_feature_motion_sad_score"
        );
    }

    #[test]
    fn word_options_name_like_libvmaf() {
        let pq = FeatureRequest::parse("cambi=eotf=pq:window_size=63").unwrap();
        assert_eq!(pq.options().word("eotf"), "pq");
        assert_eq!(
            name_of(&pq, "Cambi_feature_cambi_score"),
            "cambi_eotf_pq_ws_63"
        );
        let default = FeatureRequest::parse("cambi=eotf=bt1886").unwrap();
        assert_eq!(default, FeatureRequest::named("cambi").unwrap());
        assert!(FeatureRequest::parse("cambi=window_size=big").is_err());
    }

    #[test]
    fn bad_requests_say_what_is_wrong() {
        assert!(matches!(
            FeatureRequest::parse("nonsense"),
            Err(Error::Feature(_))
        ));
        assert!(matches!(
            FeatureRequest::parse("psnr=enable_chroma"),
            Err(Error::OptionValue { .. })
        ));
        assert!(matches!(
            FeatureRequest::parse("psnr=min_sse=abc"),
            Err(Error::OptionValue { .. })
        ));
        assert!(matches!(
            FeatureRequest::parse("psnr=no_such_option=1"),
            Err(Error::UnknownOption { .. })
        ));
    }

    #[test]
    fn model_features_find_their_metric() {
        let feature = |name: &str| ModelFeature {
            name: name.to_string(),
            options: BTreeMap::new(),
            text_options: BTreeMap::new(),
        };
        let motion =
            FeatureRequest::for_model_feature(&feature("VMAF_integer_feature_motion2_score"))
                .unwrap();
        assert_eq!(motion.metric().name, "motion");
        let adm = FeatureRequest::for_model_feature(&feature("VMAF_feature_adm2_score")).unwrap();
        assert_eq!(adm.metric().name, "float_adm");
        assert!(FeatureRequest::for_model_feature(&feature("nothing")).is_err());
    }
}
