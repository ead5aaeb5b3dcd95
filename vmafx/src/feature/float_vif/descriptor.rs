//! `float_vif`: libvmaf's float VIF extractor, as the registry sees it.

use crate::error::Result;
use crate::feature::descriptor::{Extractor, MetricDescriptor, Output, Timing};
use crate::feature::device::Accelerator;
use crate::feature::options::{OptionSpec, OptionValues};
use crate::frame::FrameFormat;

use super::{FloatVifDebug, FloatVifExtractor, FloatVifOptions, FloatVifScores};

/// The float VIF metric.
pub static DESCRIPTOR: MetricDescriptor = MetricDescriptor {
    name: "float_vif",
    aliases: &[],
    options: &[
        OptionSpec::bool("debug", false),
        OptionSpec::double("vif_enhn_gain_limit", 100.0, 1.0, 100.0).naming("egl"),
        OptionSpec::double("vif_kernelscale", 1.0, 0.1, 4.0).naming("ks"),
        OptionSpec::double("vif_prescale", 1.0, 0.1, 4.0).naming("ps"),
        OptionSpec::word(
            "vif_prescale_method",
            "nearest",
            &["nearest", "bilinear", "bicubic", "lanczos4"],
        )
        .naming("pm"),
        OptionSpec::double("vif_scale1_min_val", 0.0, 0.0, 1.0).naming("s1miv"),
        OptionSpec::double("vif_scale2_min_val", 0.0, 0.0, 1.0).naming("s2miv"),
        OptionSpec::double("vif_scale3_min_val", 0.0, 0.0, 1.0).naming("s3miv"),
        OptionSpec::double("vif_sigma_nsq", 2.0, 0.0, 5.0).naming("snsq"),
        OptionSpec::bool("vif_skip_scale0", false).naming("ssclz"),
    ],
    outputs: &[
        Output::aliased("VMAF_feature_vif_scale0_score", "vif_scale0"),
        Output::aliased("VMAF_feature_vif_scale1_score", "vif_scale1"),
        Output::aliased("VMAF_feature_vif_scale2_score", "vif_scale2"),
        Output::aliased("VMAF_feature_vif_scale3_score", "vif_scale3"),
        Output::plain("vif"),
        Output::plain("vif_num"),
        Output::plain("vif_den"),
        Output::plain("vif_num_scale0"),
        Output::plain("vif_den_scale0"),
        Output::plain("vif_num_scale1"),
        Output::plain("vif_den_scale1"),
        Output::plain("vif_num_scale2"),
        Output::plain("vif_den_scale2"),
        Output::plain("vif_num_scale3"),
        Output::plain("vif_den_scale3"),
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
const DEBUG_OUTPUTS: usize = FloatVifDebug::NAMES.len();

fn build(values: &OptionValues, format: &FrameFormat, _: &dyn Accelerator) -> Result<Extractor> {
    let options = FloatVifOptions::from_options(values)?;
    let (width, height, depth) = (format.width(), format.height(), format.bit_depth());
    let mut engine = FloatVifExtractor::new(width, height, depth, options)?;
    Ok(Extractor::luma(move |r, d| engine.extract(r, d), write))
}

/// Lays the scores out in output order (the debug values only when asked for).
fn write(scores: &FloatVifScores, out: &mut [f64]) {
    out[..4].copy_from_slice(&scores.scale);
    if let Some(debug) = scores.debug {
        for (slot, (_, value)) in out[4..].iter_mut().zip(debug.named()) {
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
        assert_eq!(
            FloatVifOptions::from_options(&DESCRIPTOR.default_values()).unwrap(),
            FloatVifOptions::default()
        );
    }

    #[test]
    fn debug_adds_libvmaf_outputs_in_order() {
        let scores = ["vif_scale0", "vif_scale1", "vif_scale2", "vif_scale3"];
        let debug = [
            "vif",
            "vif_num",
            "vif_den",
            "vif_num_scale0",
            "vif_den_scale0",
            "vif_num_scale1",
            "vif_den_scale1",
            "vif_num_scale2",
            "vif_den_scale2",
            "vif_num_scale3",
            "vif_den_scale3",
        ];
        for spec in ["float_vif", "float_vif=debug=true"] {
            let request = FeatureRequest::parse(spec).unwrap();
            let options = FloatVifOptions::from_options(request.options()).unwrap();
            let mut names = scores.to_vec();
            if options.debug {
                names.extend(debug);
            }
            check_outputs(&request, &names, |reference, distorted, format| {
                let (w, h, depth) = (format.width(), format.height(), format.bit_depth());
                let mut kernel = FloatVifExtractor::new(w, h, depth, options.clone()).unwrap();
                let s = kernel.extract(reference.luma(), distorted.luma()).unwrap();
                let mut values = s.scale.to_vec();
                values.extend(s.debug.iter().flat_map(|d| d.named().map(|(_, v)| v)));
                values
            });
        }
        let egl = FeatureRequest::parse("float_vif=debug=true:vif_enhn_gain_limit=1").unwrap();
        let last = egl.active_outputs(&crate::test_support::outputs::test_format());
        assert_eq!(egl.output_name(&last[14]), "vif_den_scale3_egl_1");
    }
}
