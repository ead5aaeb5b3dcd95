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
        Output::plain("mse_y"),
        Output::plain("psnr_cb"),
        Output::plain("mse_cb"),
        Output::plain("psnr_cr"),
        Output::plain("mse_cr"),
    ],
    timing: Timing::Spatial,
    active_outputs,
    build,
};

/// Luma only when chroma is off or the format has none; each plane's MSE after its
/// PSNR with `enable_mse`, in libvmaf's order.
fn active_outputs(values: &OptionValues, format: &FrameFormat) -> Vec<Output> {
    let planes = if values.bool("enable_chroma") {
        format.plane_count().min(3)
    } else {
        1
    };
    let with_mse = values.bool("enable_mse");
    DESCRIPTOR.outputs[..2 * planes]
        .iter()
        .enumerate()
        .filter(|(i, _)| with_mse || i % 2 == 0)
        .map(|(_, o)| *o)
        .collect()
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
        let planes = [(Some(s.y), s.mse_y), (s.cb, s.mse_cb), (s.cr, s.mse_cr)];
        let values = planes
            .into_iter()
            .flat_map(|(psnr, mse)| [psnr, mse])
            .flatten();
        for (slot, value) in out.iter_mut().zip(values) {
            *slot = value;
        }
        Ok(())
    }

    fn run_totals(&self) -> Vec<u64> {
        if !self.keeps_run_totals() {
            return Vec::new();
        }
        PsnrExtractor::run_totals(self)
            .into_iter()
            .flat_map(|(sse, pixels)| [sse, pixels])
            .collect()
    }

    /// libvmaf sets all three, chroma or not (`null` then).
    fn aggregates(&self, totals: &[u64]) -> Vec<(&'static str, f64)> {
        ["apsnr_y", "apsnr_cb", "apsnr_cr"]
            .into_iter()
            .zip(totals.chunks_exact(2))
            .map(|(name, plane)| (name, self.apsnr_of(plane[0], plane[1])))
            .collect()
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
