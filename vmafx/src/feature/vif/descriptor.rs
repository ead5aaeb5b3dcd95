//! `vif`: libvmaf's integer VIF extractor, as the registry sees it.

use crate::error::Result;
use crate::feature::descriptor::{Extractor, MetricDescriptor, Output, Timing};
use crate::feature::device::Accelerator;
use crate::feature::options::{OptionSpec, OptionValues};
use crate::frame::FrameFormat;

use super::{VifExtractor, VifOnDevice, VifOptions, VifPlan, VifScores};

/// The integer VIF metric.
pub static DESCRIPTOR: MetricDescriptor = MetricDescriptor {
    name: "vif",
    aliases: &["integer_vif"],
    options: &[
        OptionSpec::double("vif_enhn_gain_limit", 100.0, 1.0, 100.0).naming("egl"),
        OptionSpec::bool("vif_skip_scale0", false).naming("ssclz"),
        OptionSpec::bool("debug", false),
    ],
    outputs: &[
        Output::aliased(
            "VMAF_integer_feature_vif_scale0_score",
            "integer_vif_scale0",
        ),
        Output::aliased(
            "VMAF_integer_feature_vif_scale1_score",
            "integer_vif_scale1",
        ),
        Output::aliased(
            "VMAF_integer_feature_vif_scale2_score",
            "integer_vif_scale2",
        ),
        Output::aliased(
            "VMAF_integer_feature_vif_scale3_score",
            "integer_vif_scale3",
        ),
        Output::plain("integer_vif"),
        Output::plain("integer_vif_num"),
        Output::plain("integer_vif_den"),
        Output::plain("integer_vif_num_scale0"),
        Output::plain("integer_vif_den_scale0"),
        Output::plain("integer_vif_num_scale1"),
        Output::plain("integer_vif_den_scale1"),
        Output::plain("integer_vif_num_scale2"),
        Output::plain("integer_vif_den_scale2"),
        Output::plain("integer_vif_num_scale3"),
        Output::plain("integer_vif_den_scale3"),
    ],
    timing: Timing::Spatial,
    active_outputs,
    build,
};

/// The scores, then libvmaf's `debug` outputs when asked for.
fn active_outputs(values: &OptionValues, _: &FrameFormat) -> Vec<Output> {
    DESCRIPTOR.outputs_unless(values.bool("debug"), DEBUG_OUTPUTS)
}

/// How many of the outputs only `debug` asks for (they come last).
const DEBUG_OUTPUTS: usize = 11;

fn build(
    values: &OptionValues,
    format: &FrameFormat,
    accelerator: &dyn Accelerator,
) -> Result<Extractor> {
    let options = VifOptions::from_options(values)?;
    let (width, height, depth) = (format.width(), format.height(), format.bit_depth());
    let plan = VifPlan::new(width, height, depth, options)?;
    Ok(match accelerator.vif(&plan)? {
        Some(device) => {
            let mut engine = VifOnDevice::new(plan, device);
            Extractor::luma(move |r, d| engine.extract(r, d), write)
        }
        None => {
            let mut engine = VifExtractor::new(width, height, depth, options)?;
            Extractor::luma(move |r, d| engine.extract(r, d), write)
        }
    })
}

fn write(scores: &VifScores, out: &mut [f64]) {
    out[..4].copy_from_slice(&scores.scale);
    if out.len() > 4 {
        for (slot, (_, value)) in out[4..].iter_mut().zip(scores.debug_named()) {
            *slot = value;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feature::request::FeatureRequest;
    use crate::test_support::outputs::check_outputs;

    #[test]
    fn declared_defaults_are_the_option_defaults() {
        let values = DESCRIPTOR.default_values();
        assert_eq!(
            VifOptions::from_options(&values).unwrap(),
            VifOptions::default()
        );
    }

    #[test]
    fn debug_outputs_follow_the_scores_in_libvmaf_order() {
        let mut names = vec![
            "integer_vif_scale0",
            "integer_vif_scale1",
            "integer_vif_scale2",
            "integer_vif_scale3",
        ];
        for spec in ["vif", "vif=debug=true"] {
            let request = FeatureRequest::parse(spec).unwrap();
            let options = VifOptions::from_options(request.options()).unwrap();
            if request.options().bool("debug") {
                names.extend([
                    "integer_vif",
                    "integer_vif_num",
                    "integer_vif_den",
                    "integer_vif_num_scale0",
                    "integer_vif_den_scale0",
                    "integer_vif_num_scale1",
                    "integer_vif_den_scale1",
                    "integer_vif_num_scale2",
                    "integer_vif_den_scale2",
                    "integer_vif_num_scale3",
                    "integer_vif_den_scale3",
                ]);
            }
            let count = names.len();
            check_outputs(&request, &names, |reference, distorted, format| {
                let (w, h, depth) = (format.width(), format.height(), format.bit_depth());
                let mut kernel = VifExtractor::new(w, h, depth, options).unwrap();
                let s = kernel.extract(reference.luma(), distorted.luma()).unwrap();
                let mut values = s.scale.to_vec();
                values.extend(s.debug_named().map(|(_, v)| v));
                values.truncate(count);
                values
            });
        }
    }
}
