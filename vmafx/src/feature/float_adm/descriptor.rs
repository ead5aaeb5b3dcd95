//! `float_adm`: libvmaf's float ADM extractor, as the registry sees it.

use crate::error::Result;
use crate::feature::descriptor::{Extractor, MetricDescriptor, Output, Timing};
use crate::feature::device::Accelerator;
use crate::feature::options::{OptionSpec, OptionValues};
use crate::frame::FrameFormat;

use super::{FloatAdmDebug, FloatAdmExtractor, FloatAdmOptions, FloatAdmScores};

/// The float ADM metric.
pub static DESCRIPTOR: MetricDescriptor = MetricDescriptor {
    name: "float_adm",
    aliases: &[],
    options: &[
        OptionSpec::bool("debug", false),
        OptionSpec::double("adm_enhn_gain_limit", 100.0, 1.0, 100.0).naming("egl"),
        OptionSpec::double("adm_norm_view_dist", 3.0, 0.75, 24.0).naming("nvd"),
        OptionSpec::double("adm_noise_weight", 0.03125, 0.0, 1500.0).naming("nw"),
        OptionSpec::double("adm_csf_scale", 1.0, 0.0, 50.0).naming("scf"),
        OptionSpec::double("adm_csf_diag_scale", 1.0, 0.0, 50.0).naming("scfd"),
        OptionSpec::int("adm_ref_display_height", 1080, 1, 4320).naming("rdf"),
        OptionSpec::int("adm_csf_mode", 0, 0, 9).naming("csf"),
        OptionSpec::int("adm_bypass_cm", 0, 0, 1).naming("bcm"),
        OptionSpec::bool("adm_adm3_apply_hm", false).naming("aah"),
        OptionSpec::double("adm_p_norm", 3.0, 1.0, 20.0).naming("apn"),
        OptionSpec::double("adm_dlm_weight", 0.5, 0.0, 1.0).naming("dlmw"),
        OptionSpec::double("adm_min_val", 0.0, 0.0, 1.0).naming("min"),
        OptionSpec::double("adm_f1s0", -1.0, -1.0, 10.0).naming("f1s0"),
        OptionSpec::double("adm_f1s1", -1.0, -1.0, 10.0).naming("f1s1"),
        OptionSpec::double("adm_f1s2", -1.0, -1.0, 10.0).naming("f1s2"),
        OptionSpec::double("adm_f1s3", -1.0, -1.0, 10.0).naming("f1s3"),
        OptionSpec::double("adm_f2s0", -1.0, -1.0, 10.0).naming("f2s0"),
        OptionSpec::double("adm_f2s1", -1.0, -1.0, 10.0).naming("f2s1"),
        OptionSpec::double("adm_f2s2", -1.0, -1.0, 10.0).naming("f2s2"),
        OptionSpec::double("adm_f2s3", -1.0, -1.0, 10.0).naming("f2s3"),
        OptionSpec::int("adm_skip_aim_scale", -1, 0, 3).naming("sasc"),
        OptionSpec::bool("adm_skip_scale0", false).naming("ssz"),
    ],
    outputs: &[
        Output::aliased("VMAF_feature_adm2_score", "adm2"),
        Output::aliased("VMAF_feature_aim_score", "aim"),
        Output::aliased("VMAF_feature_adm3_score", "adm3"),
        Output::aliased("VMAF_feature_adm_scale0_score", "adm_scale0"),
        Output::aliased("VMAF_feature_adm_scale1_score", "adm_scale1"),
        Output::aliased("VMAF_feature_adm_scale2_score", "adm_scale2"),
        Output::aliased("VMAF_feature_adm_scale3_score", "adm_scale3"),
        Output::plain("adm"),
        Output::plain("adm_num"),
        Output::plain("adm_den"),
        Output::plain("adm_num_scale0"),
        Output::plain("adm_den_scale0"),
        Output::plain("adm_num_scale1"),
        Output::plain("adm_den_scale1"),
        Output::plain("adm_num_scale2"),
        Output::plain("adm_den_scale2"),
        Output::plain("adm_num_scale3"),
        Output::plain("adm_den_scale3"),
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
const DEBUG_OUTPUTS: usize = FloatAdmDebug::NAMES.len();

fn build(values: &OptionValues, format: &FrameFormat, _: &dyn Accelerator) -> Result<Extractor> {
    let options = FloatAdmOptions::from_options(values);
    let (width, height, depth) = (format.width(), format.height(), format.bit_depth());
    let mut engine = FloatAdmExtractor::new(width, height, depth, options)?;
    Ok(Extractor::luma(move |r, d| engine.extract(r, d), write))
}

/// Lays the scores out in output order (the debug values only when asked for).
fn write(s: &FloatAdmScores, out: &mut [f64]) {
    out[..3].copy_from_slice(&[s.adm2, s.aim, s.adm3]);
    out[3..7].copy_from_slice(&s.scale);
    if let Some(debug) = s.debug {
        for (slot, (_, value)) in out[7..].iter_mut().zip(debug.named()) {
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
            FloatAdmOptions::from_options(&DESCRIPTOR.default_values()),
            FloatAdmOptions::default()
        );
    }

    #[test]
    fn debug_adds_libvmaf_outputs_in_order() {
        let scores = [
            "adm2",
            "aim",
            "adm3",
            "adm_scale0",
            "adm_scale1",
            "adm_scale2",
            "adm_scale3",
        ];
        let debug = [
            "adm",
            "adm_num",
            "adm_den",
            "adm_num_scale0",
            "adm_den_scale0",
            "adm_num_scale1",
            "adm_den_scale1",
            "adm_num_scale2",
            "adm_den_scale2",
            "adm_num_scale3",
            "adm_den_scale3",
        ];
        for spec in ["float_adm", "float_adm=debug=true"] {
            let request = FeatureRequest::parse(spec).unwrap();
            let options = FloatAdmOptions::from_options(request.options());
            let mut names = scores.to_vec();
            if options.debug {
                names.extend(debug);
            }
            check_outputs(&request, &names, |reference, distorted, format| {
                let (w, h, depth) = (format.width(), format.height(), format.bit_depth());
                let mut kernel = FloatAdmExtractor::new(w, h, depth, options.clone()).unwrap();
                let s = kernel.extract(reference.luma(), distorted.luma()).unwrap();
                let mut values = vec![s.adm2, s.aim, s.adm3];
                values.extend(s.scale);
                values.extend(s.debug.iter().flat_map(|d| d.named().map(|(_, v)| v)));
                values
            });
        }
    }
}
