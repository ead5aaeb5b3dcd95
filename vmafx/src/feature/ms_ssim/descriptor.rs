//! `float_ms_ssim`: libvmaf's float MS-SSIM extractor, as the registry sees it.

use crate::error::Result;
use crate::feature::descriptor::{Extractor, FrameMetric, MetricDescriptor, Output, Timing};
use crate::feature::device::Accelerator;
use crate::feature::options::{OptionSpec, OptionValues};
use crate::frame::{FrameFormat, FrameView};

use super::{MsSsimExtractor, MsSsimOptions};

/// The float_ms_ssim metric.
pub static DESCRIPTOR: MetricDescriptor = MetricDescriptor {
    name: "float_ms_ssim",
    aliases: &[],
    options: &[
        OptionSpec::bool("enable_lcs", false),
        OptionSpec::bool("enable_db", false),
        OptionSpec::bool("clip_db", false),
    ],
    outputs: &[
        Output::plain("float_ms_ssim"),
    ],
    timing: Timing::Spatial,
    active_outputs: |_, _| DESCRIPTOR.outputs.to_vec(),
    build,
};

fn build(values: &OptionValues, format: &FrameFormat, _: &dyn Accelerator) -> Result<Extractor> {
    let options = MsSsimOptions::from_options(values);
    Ok(Extractor::spatial(MsSsimExtractor::new(format, options)?))
}

impl FrameMetric for MsSsimExtractor {
    fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
        out: &mut [f64],
    ) -> Result<()> {
        out[0] = MsSsimExtractor::extract(self, reference, distorted)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_defaults_are_the_option_defaults() {
        assert_eq!(
            MsSsimOptions::from_options(&DESCRIPTOR.default_values()),
            MsSsimOptions::default()
        );
    }
}
