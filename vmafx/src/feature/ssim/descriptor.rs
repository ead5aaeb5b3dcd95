//! `float_ssim`: libvmaf's float SSIM extractor, as the registry sees it.

use crate::error::Result;
use crate::feature::descriptor::{Extractor, FrameMetric, MetricDescriptor, Output, Timing};
use crate::feature::device::Accelerator;
use crate::feature::options::{OptionSpec, OptionValues};
use crate::frame::{FrameFormat, FrameView};

use super::{SsimExtractor, SsimOptions};

/// The float_ssim metric.
pub static DESCRIPTOR: MetricDescriptor = MetricDescriptor {
    name: "float_ssim",
    aliases: &[],
    options: &[
        OptionSpec::bool("enable_lcs", false),
        OptionSpec::bool("enable_db", false),
        OptionSpec::bool("clip_db", false),
        OptionSpec::int("scale", 0, 0, 10),
    ],
    outputs: &[
        Output::plain("float_ssim"),
    ],
    timing: Timing::Spatial,
    active_outputs: |_, _| DESCRIPTOR.outputs.to_vec(),
    build,
};

fn build(values: &OptionValues, format: &FrameFormat, _: &dyn Accelerator) -> Result<Extractor> {
    let options = SsimOptions::from_options(values);
    Ok(Extractor::spatial(SsimExtractor::new(format, options)?))
}

impl FrameMetric for SsimExtractor {
    fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
        out: &mut [f64],
    ) -> Result<()> {
        out[0] = SsimExtractor::extract(self, reference, distorted)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_defaults_are_the_option_defaults() {
        assert_eq!(
            SsimOptions::from_options(&DESCRIPTOR.default_values()),
            SsimOptions::default()
        );
    }
}
