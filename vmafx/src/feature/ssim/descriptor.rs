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
        Output::plain("float_ssim_l"),
        Output::plain("float_ssim_c"),
        Output::plain("float_ssim_s"),
    ],
    timing: Timing::Spatial,
    active_outputs,
    build,
};

/// The score, then with `enable_lcs` its luminance, contrast and structure means.
fn active_outputs(values: &OptionValues, _: &FrameFormat) -> Vec<Output> {
    // The score, then its l/c/s components with `enable_lcs`.
    DESCRIPTOR.outputs_unless(values.bool("enable_lcs"), 3)
}

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
        let c = self.extract_components(reference, distorted)?;
        for (slot, value) in out.iter_mut().zip([c.ssim, c.l, c.c, c.s]) {
            *slot = value;
        }
        Ok(())
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
            SsimOptions::from_options(&DESCRIPTOR.default_values()),
            SsimOptions::default()
        );
    }

    #[test]
    fn lcs_adds_three_outputs_in_libvmaf_order() {
        let request = FeatureRequest::parse("float_ssim=enable_lcs=true").unwrap();
        check_outputs(
            &request,
            &["float_ssim", "float_ssim_l", "float_ssim_c", "float_ssim_s"],
            |reference, distorted, format| {
                let options = SsimOptions::from_options(request.options());
                let mut kernel = SsimExtractor::new(format, options).unwrap();
                let c = kernel.extract_components(reference, distorted).unwrap();
                vec![c.ssim, c.l, c.c, c.s]
            },
        );
        let plain = FeatureRequest::named("float_ssim").unwrap();
        check_outputs(&plain, &["float_ssim"], |reference, distorted, format| {
            let mut kernel = SsimExtractor::new(format, SsimOptions::default()).unwrap();
            vec![kernel.extract(reference, distorted).unwrap()]
        });
    }
}
