//! `adm`: libvmaf's integer ADM extractor, as the registry sees it.

use crate::error::Result;
use crate::feature::descriptor::{Extractor, MetricDescriptor, Output, Timing};
use crate::feature::device::Accelerator;
use crate::feature::options::{OptionSpec, OptionValues};
use crate::frame::FrameFormat;

use super::{AdmExtractor, AdmOnDevice, AdmOptions, AdmPlan, AdmScores};

/// The integer ADM metric.
pub static DESCRIPTOR: MetricDescriptor = MetricDescriptor {
    name: "adm",
    aliases: &["integer_adm"],
    options: &[
        OptionSpec::bool("debug", false),
        OptionSpec::double("adm_csf_scale", 1.0, 0.0, 50.0).naming("scf"),
        OptionSpec::double("adm_csf_diag_scale", 1.0, 0.0, 50.0).naming("scfd"),
        OptionSpec::double("adm_dlm_weight", 0.5, 0.0, 1.0).naming("dlmw"),
        OptionSpec::double("adm_enhn_gain_limit", 100.0, 1.0, 100.0).naming("egl"),
        OptionSpec::double("adm_norm_view_dist", 3.0, 0.75, 24.0).naming("nvd"),
        OptionSpec::int("adm_ref_display_height", 1080, 1, 4320).naming("rdh"),
        OptionSpec::int("adm_csf_mode", 0, 0, 3).naming("csf"),
        OptionSpec::double("adm_noise_weight", 0.03125, 0.0, 1500.0).naming("nw"),
        OptionSpec::bool("adm_skip_aim", false),
        OptionSpec::bool("adm_skip_scale0", false).naming("ssz"),
        OptionSpec::double("adm_min_val", 0.0, 0.0, 1.0).naming("min"),
    ],
    outputs: &[
        Output::aliased("VMAF_integer_feature_adm2_score", "integer_adm2"),
        Output::aliased("VMAF_integer_feature_aim_score", "integer_aim"),
        Output::aliased("VMAF_integer_feature_adm3_score", "integer_adm3"),
        Output::plain("integer_adm_scale0"),
        Output::plain("integer_adm_scale1"),
        Output::plain("integer_adm_scale2"),
        Output::plain("integer_adm_scale3"),
        Output::plain("integer_adm"),
        Output::plain("integer_adm_num"),
        Output::plain("integer_adm_den"),
        Output::plain("integer_adm_num_scale0"),
        Output::plain("integer_adm_den_scale0"),
        Output::plain("integer_adm_num_scale1"),
        Output::plain("integer_adm_den_scale1"),
        Output::plain("integer_adm_num_scale2"),
        Output::plain("integer_adm_den_scale2"),
        Output::plain("integer_adm_num_scale3"),
        Output::plain("integer_adm_den_scale3"),
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
    let options = AdmOptions::from_options(values)?;
    let (width, height, depth) = (format.width(), format.height(), format.bit_depth());
    let plan = AdmPlan::new(width, height, depth, options)?;
    Ok(match accelerator.adm(&plan)? {
        Some(device) => {
            let mut engine = AdmOnDevice::new(plan, device);
            Extractor::luma(move |r, d| engine.extract(r, d), write)
        }
        None => {
            let mut engine = AdmExtractor::new(width, height, depth, options)?;
            Extractor::luma(move |r, d| engine.extract(r, d), write)
        }
    })
}

fn write(s: &AdmScores, out: &mut [f64]) {
    out[..3].copy_from_slice(&[s.adm2, s.aim, s.adm3]);
    out[3..7].copy_from_slice(&s.scale);
    if out.len() > 7 {
        for (slot, (_, value)) in out[7..].iter_mut().zip(s.debug_named()) {
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
            AdmOptions::from_options(&DESCRIPTOR.default_values()).unwrap(),
            AdmOptions::default()
        );
    }

    #[test]
    fn debug_outputs_follow_the_scores_in_libvmaf_order() {
        let mut names = vec![
            "integer_adm2",
            "integer_aim",
            "integer_adm3",
            "integer_adm_scale0",
            "integer_adm_scale1",
            "integer_adm_scale2",
            "integer_adm_scale3",
        ];
        for spec in ["adm", "adm=debug=true"] {
            let request = FeatureRequest::parse(spec).unwrap();
            let options = AdmOptions::from_options(request.options()).unwrap();
            if request.options().bool("debug") {
                names.extend([
                    "integer_adm",
                    "integer_adm_num",
                    "integer_adm_den",
                    "integer_adm_num_scale0",
                    "integer_adm_den_scale0",
                    "integer_adm_num_scale1",
                    "integer_adm_den_scale1",
                    "integer_adm_num_scale2",
                    "integer_adm_den_scale2",
                    "integer_adm_num_scale3",
                    "integer_adm_den_scale3",
                ]);
            }
            let count = names.len();
            check_outputs(&request, &names, |reference, distorted, format| {
                let (w, h, depth) = (format.width(), format.height(), format.bit_depth());
                let mut kernel = AdmExtractor::new(w, h, depth, options).unwrap();
                let s = kernel.extract(reference.luma(), distorted.luma()).unwrap();
                let mut values = vec![s.adm2, s.aim, s.adm3];
                values.extend(s.scale);
                values.extend(s.debug_named().map(|(_, v)| v));
                values.truncate(count);
                values
            });
        }
    }
}
