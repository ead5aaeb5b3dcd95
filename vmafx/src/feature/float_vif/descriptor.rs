//! `float_vif`: libvmaf's float VIF extractor, as the registry sees it.

use crate::error::Result;
use crate::feature::descriptor::{Extractor, FrameMetric, MetricDescriptor, Output, Timing};
use crate::feature::device::Accelerator;
use crate::feature::options::{OptionSpec, OptionValues};
use crate::frame::{FrameFormat, FrameView};

use super::{FloatVifExtractor, FloatVifOptions};

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
    ],
    timing: Timing::Spatial,
    active_outputs: |_, _| DESCRIPTOR.outputs.to_vec(),
    build,
};

fn build(values: &OptionValues, format: &FrameFormat, _: &dyn Accelerator) -> Result<Extractor> {
    let options = FloatVifOptions::from_options(values)?;
    let (width, height, depth) = (format.width(), format.height(), format.bit_depth());
    Ok(Extractor::spatial(FloatVifExtractor::new(
        width, height, depth, options,
    )?))
}

impl FrameMetric for FloatVifExtractor {
    fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
        out: &mut [f64],
    ) -> Result<()> {
        let scores = FloatVifExtractor::extract(self, reference.luma(), distorted.luma())?;
        out.copy_from_slice(&scores.scale);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_defaults_are_the_option_defaults() {
        assert_eq!(
            FloatVifOptions::from_options(&DESCRIPTOR.default_values()).unwrap(),
            FloatVifOptions::default()
        );
    }
}
