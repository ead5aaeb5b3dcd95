//! `psnr`: libvmaf's integer PSNR extractor, as the registry sees it.

use crate::error::Result;
use crate::feature::descriptor::{Extractor, FrameMetric, MetricDescriptor, Output, Timing};
use crate::feature::device::Accelerator;
use crate::feature::options::{OptionSpec, OptionValues};
use crate::frame::{FrameFormat, FrameView};

use super::{PsnrExtractor, PsnrOptions};

/// The psnr metric.
pub static DESCRIPTOR: MetricDescriptor = MetricDescriptor {
    name: "psnr",
    aliases: &[],
    options: &[
        OptionSpec::bool("enable_chroma", true),
        OptionSpec::bool("enable_mse", false),
        OptionSpec::bool("enable_apsnr", false),
        OptionSpec::bool("reduced_hbd_peak", false),
        OptionSpec::double("min_sse", 0.0, 0.0, f64::MAX),
    ],
    outputs: &[
        Output::plain("psnr_y"),
        Output::plain("psnr_cb"),
        Output::plain("psnr_cr"),
    ],
    timing: Timing::Spatial,
    active_outputs,
    build,
};

/// Luma only when chroma is off or the format has none.
fn active_outputs(values: &OptionValues, format: &FrameFormat) -> Vec<Output> {
    let planes = if values.bool("enable_chroma") {
        format.plane_count()
    } else {
        1
    };
    DESCRIPTOR.outputs[..planes.min(3)].to_vec()
}

fn build(values: &OptionValues, format: &FrameFormat, _: &dyn Accelerator) -> Result<Extractor> {
    let options = PsnrOptions::from_options(values);
    Ok(Extractor::spatial(PsnrExtractor::new(format, options)?))
}

impl FrameMetric for PsnrExtractor {
    fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
        out: &mut [f64],
    ) -> Result<()> {
        let s = PsnrExtractor::extract(self, reference, distorted)?;
        out[0] = s.y;
        if let (Some(cb), Some(cr)) = (s.cb, s.cr) {
            out[1..].copy_from_slice(&[cb, cr]);
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
            PsnrOptions::from_options(&DESCRIPTOR.default_values()),
            PsnrOptions::default()
        );
    }
}
