//! `ciede`: libvmaf's CIEDE2000 extractor, as the registry sees it.

use crate::error::Result;
use crate::feature::descriptor::{Extractor, FrameMetric, MetricDescriptor, Output, Timing};
use crate::feature::device::Accelerator;
use crate::feature::options::{OptionSpec, OptionValues};
use crate::frame::{FrameFormat, FrameView};

use super::{CiedeExtractor, CiedeOptions};

/// The ciede metric.
pub static DESCRIPTOR: MetricDescriptor = MetricDescriptor {
    name: "ciede",
    aliases: &[],
    options: &[
        OptionSpec::bool("libvmaf_422_quirk", false),
    ],
    outputs: &[
        Output::plain("ciede2000"),
    ],
    timing: Timing::Spatial,
    active_outputs: |_, _| DESCRIPTOR.outputs.to_vec(),
    build,
};

fn build(values: &OptionValues, format: &FrameFormat, _: &dyn Accelerator) -> Result<Extractor> {
    let options = CiedeOptions::from_options(values);
    Ok(Extractor::spatial(CiedeExtractor::new(format, options)?))
}

impl FrameMetric for CiedeExtractor {
    fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
        out: &mut [f64],
    ) -> Result<()> {
        out[0] = CiedeExtractor::extract(self, reference, distorted)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_defaults_are_the_option_defaults() {
        assert_eq!(
            CiedeOptions::from_options(&DESCRIPTOR.default_values()),
            CiedeOptions::default()
        );
    }
}
