//! `float_psnr`: libvmaf's float PSNR extractor, as the registry sees it.

use crate::error::Result;
use crate::feature::descriptor::{Extractor, FrameMetric, MetricDescriptor, Output, Timing};
use crate::feature::device::Accelerator;
use crate::feature::options::OptionValues;
use crate::frame::{FrameFormat, FrameView};

use super::{FloatPsnrExtractor, FloatPsnrOptions};

/// The float_psnr metric. libvmaf declares no options for it.
pub static DESCRIPTOR: MetricDescriptor = MetricDescriptor {
    name: "float_psnr",
    aliases: &[],
    options: &[],
    outputs: &[
        Output::plain("float_psnr"),
    ],
    timing: Timing::Spatial,
    active_outputs: |_, _| DESCRIPTOR.outputs.to_vec(),
    build,
};

fn build(_: &OptionValues, format: &FrameFormat, _: &dyn Accelerator) -> Result<Extractor> {
    Ok(Extractor::spatial(FloatPsnrExtractor::new(format, FloatPsnrOptions::default())?))
}

impl FrameMetric for FloatPsnrExtractor {
    fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
        out: &mut [f64],
    ) -> Result<()> {
        let scores = FloatPsnrExtractor::extract(self, reference, distorted)?;
        for (slot, (_, value)) in out.iter_mut().zip(scores.named()) {
            *slot = value;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_are_the_named_scores_in_order() {
        let names: Vec<&str> = DESCRIPTOR.outputs.iter().map(|o| o.name).collect();
        assert_eq!(names, vec!["float_psnr"]);
    }
}
