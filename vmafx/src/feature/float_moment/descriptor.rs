//! `float_moment`: libvmaf's float moment extractor, as the registry sees it.

use crate::error::Result;
use crate::feature::descriptor::{Extractor, FrameMetric, MetricDescriptor, Output, Timing};
use crate::feature::device::Accelerator;
use crate::feature::options::OptionValues;
use crate::frame::{FrameFormat, FrameView};

use super::{FloatMomentExtractor, FloatMomentOptions};

/// The float_moment metric. libvmaf declares no options for it.
pub static DESCRIPTOR: MetricDescriptor = MetricDescriptor {
    name: "float_moment",
    aliases: &[],
    options: &[],
    outputs: &[
        Output::plain("float_moment_ref1st"),
        Output::plain("float_moment_dis1st"),
        Output::plain("float_moment_ref2nd"),
        Output::plain("float_moment_dis2nd"),
    ],
    timing: Timing::Spatial,
    active_outputs: |_, _| DESCRIPTOR.outputs.to_vec(),
    build,
};

fn build(_: &OptionValues, format: &FrameFormat, _: &dyn Accelerator) -> Result<Extractor> {
    Ok(Extractor::spatial(FloatMomentExtractor::new(format, FloatMomentOptions::default())?))
}

impl FrameMetric for FloatMomentExtractor {
    fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
        out: &mut [f64],
    ) -> Result<()> {
        let scores = FloatMomentExtractor::extract(self, reference, distorted)?;
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
        assert_eq!(names, vec!["float_moment_ref1st", "float_moment_dis1st", "float_moment_ref2nd", "float_moment_dis2nd"]);
    }
}
