//! `cambi`: libvmaf's banding extractor, as the registry sees it.

use crate::error::Result;
use crate::feature::descriptor::{Extractor, FrameMetric, MetricDescriptor, Output, Timing};
use crate::feature::device::Accelerator;
use crate::feature::options::{OptionSpec, OptionValues};
use crate::frame::{FrameFormat, FrameView};

use super::{CambiExtractor, CambiOptions};

const EOTFS: &[&str] = &["bt1886", "pq"];

/// The CAMBI metric.
pub static DESCRIPTOR: MetricDescriptor = MetricDescriptor {
    name: "cambi",
    aliases: &[],
    options: &[
        OptionSpec::word("cambi_eotf", "bt1886", EOTFS).naming("ceot"),
        OptionSpec::int("cambi_high_res_speedup", 0, 0, 2160).naming("hrs"),
        OptionSpec::double("cambi_max_val", 1000.0, 0.0, 1000.0).naming("cmxv"),
        OptionSpec::double("cambi_topk", 0.6, 0.0001, 1.0).naming("ctpk"),
        OptionSpec::double("cambi_vis_lum_threshold", 0.0, 0.0, 300.0).naming("vlt"),
        // Sizes and the bit depth default to 0, "from the input"; libvmaf refuses an
        // explicit 0 all the same.
        OptionSpec::int("enc_bitdepth", 0, 6, 16).naming("encbd"),
        OptionSpec::int("enc_height", 0, 150, 7680).naming("ench"),
        OptionSpec::int("enc_width", 0, 180, 7680).naming("encw"),
        OptionSpec::word("eotf", "bt1886", EOTFS).naming("eotf"),
        OptionSpec::bool("full_ref", false),
        OptionSpec::int("max_log_contrast", 2, 0, 5).naming("mlc"),
        OptionSpec::int("src_height", 0, 200, 4320).naming("srch"),
        OptionSpec::int("src_width", 0, 320, 7680).naming("srcw"),
        OptionSpec::double("topk", 0.6, 0.0001, 1.0).naming("topk"),
        OptionSpec::double("tvi_threshold", 0.019, 0.0001, 1.0).naming("tvit"),
        OptionSpec::int("window_size", 65, 15, 127).naming("ws"),
        OptionSpec::text("heatmaps_path"),
    ],
    outputs: &[
        Output::aliased("Cambi_feature_cambi_score", "cambi"),
        Output::plain("cambi_source"),
        Output::plain("cambi_full_reference"),
    ],
    timing: Timing::Spatial,
    active_outputs,
    build,
};

/// The two full-reference outputs only with `full_ref`.
fn active_outputs(values: &OptionValues, _: &FrameFormat) -> Vec<Output> {
    let count = if values.bool("full_ref") { 3 } else { 1 };
    DESCRIPTOR.outputs[..count].to_vec()
}

fn build(values: &OptionValues, format: &FrameFormat, _: &dyn Accelerator) -> Result<Extractor> {
    let options = CambiOptions::from_options(values)?;
    Ok(Extractor::spatial(CambiExtractor::new(format, options)?))
}

impl FrameMetric for CambiExtractor {
    fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
        out: &mut [f64],
    ) -> Result<()> {
        let s = CambiExtractor::extract(self, reference, distorted)?;
        out[0] = s.cambi;
        if let (Some(source), Some(full)) = (s.cambi_source, s.cambi_full_reference) {
            out[1..].copy_from_slice(&[source, full]);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_defaults_are_the_option_defaults() {
        assert_eq!(
            CambiOptions::from_options(&DESCRIPTOR.default_values()).unwrap(),
            CambiOptions::default()
        );
    }
}
