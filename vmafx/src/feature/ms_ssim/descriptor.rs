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
        Output::plain("float_ms_ssim_l_scale0"),
        Output::plain("float_ms_ssim_l_scale1"),
        Output::plain("float_ms_ssim_l_scale2"),
        Output::plain("float_ms_ssim_l_scale3"),
        Output::plain("float_ms_ssim_l_scale4"),
        Output::plain("float_ms_ssim_c_scale0"),
        Output::plain("float_ms_ssim_c_scale1"),
        Output::plain("float_ms_ssim_c_scale2"),
        Output::plain("float_ms_ssim_c_scale3"),
        Output::plain("float_ms_ssim_c_scale4"),
        Output::plain("float_ms_ssim_s_scale0"),
        Output::plain("float_ms_ssim_s_scale1"),
        Output::plain("float_ms_ssim_s_scale2"),
        Output::plain("float_ms_ssim_s_scale3"),
        Output::plain("float_ms_ssim_s_scale4"),
    ],
    timing: Timing::Spatial,
    active_outputs,
    build,
};

/// The score, then with `enable_lcs` the luminance terms of the five scales, the
/// contrast terms, then the structure terms, as libvmaf appends them.
fn active_outputs(values: &OptionValues, _: &FrameFormat) -> Vec<Output> {
    // The score, then its l/c/s components with `enable_lcs`.
    DESCRIPTOR.outputs_unless(values.bool("enable_lcs"), 15)
}

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
        let c = self.extract_components(reference, distorted)?;
        let terms = c.l.into_iter().chain(c.c).chain(c.s);
        for (slot, value) in out.iter_mut().zip(std::iter::once(c.ms_ssim).chain(terms)) {
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
            MsSsimOptions::from_options(&DESCRIPTOR.default_values()),
            MsSsimOptions::default()
        );
    }

    #[test]
    fn lcs_adds_fifteen_outputs_in_libvmaf_order() {
        let request = FeatureRequest::parse("float_ms_ssim=enable_lcs=true").unwrap();
        let mut names = vec!["float_ms_ssim".to_string()];
        for term in ["l", "c", "s"] {
            names.extend((0..5).map(|i| format!("float_ms_ssim_{term}_scale{i}")));
        }
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        check_outputs(&request, &names, |reference, distorted, format| {
            let options = MsSsimOptions::from_options(request.options());
            let mut kernel = MsSsimExtractor::new(format, options).unwrap();
            let c = kernel.extract_components(reference, distorted).unwrap();
            let mut values = vec![c.ms_ssim];
            values.extend(c.l.into_iter().chain(c.c).chain(c.s));
            values
        });
        let plain = FeatureRequest::named("float_ms_ssim").unwrap();
        check_outputs(&plain, &["float_ms_ssim"], |reference, distorted, format| {
            let mut kernel = MsSsimExtractor::new(format, MsSsimOptions::default()).unwrap();
            vec![kernel.extract(reference, distorted).unwrap()]
        });
    }
}
