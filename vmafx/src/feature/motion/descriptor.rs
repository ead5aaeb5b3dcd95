//! `motion`: libvmaf's integer motion extractor, as the registry sees it.

use crate::error::Result;
use crate::feature::descriptor::{
    Extractor, MetricDescriptor, Output, SequenceMetric, TemporalValues, Timing,
};
use crate::feature::device::Accelerator;
use crate::feature::options::{OptionSpec, OptionValues};
use crate::frame::{FrameFormat, FrameView};

use super::{MotionExtractor, MotionOptions, MotionScores};

/// The integer motion metric.
pub static DESCRIPTOR: MetricDescriptor = MetricDescriptor {
    name: "motion",
    aliases: &["integer_motion"],
    options: &[
        OptionSpec::bool("debug", false),
        OptionSpec::bool("motion_force_zero", false).naming("force_0"),
        OptionSpec::double("motion_blend_factor", 1.0, 0.0, 1.0).naming("mbf"),
        OptionSpec::double("motion_blend_offset", 40.0, 0.0, 1000.0).naming("mbo"),
        OptionSpec::double("motion_fps_weight", 1.0, 0.0, 5.0).naming("mfw"),
        OptionSpec::double("motion_max_val", 10000.0, 0.0, 10000.0).naming("mmxv"),
        OptionSpec::bool("motion_five_frame_window", false).naming("mffw"),
        OptionSpec::bool("motion_moving_average", false).naming("mma"),
    ],
    outputs: &[
        Output::plain("VMAF_integer_feature_motion_sad_score"),
        Output::aliased("VMAF_integer_feature_motion2_score", "integer_motion2"),
        Output::aliased("VMAF_integer_feature_motion3_score", "integer_motion3"),
    ],
    timing: Timing::Temporal,
    active_outputs: |_, _| DESCRIPTOR.outputs.to_vec(),
    build,
};

fn build(
    values: &OptionValues,
    format: &FrameFormat,
    accelerator: &dyn Accelerator,
) -> Result<Extractor> {
    let options = MotionOptions::from_options(values);
    let (width, height, depth) = (format.width(), format.height(), format.bit_depth());
    let extractor = match accelerator.motion_sad(width, height, depth)? {
        Some(gpu) => MotionExtractor::with_gpu(width, height, depth, options, gpu)?,
        None => MotionExtractor::new(width, height, depth, options)?,
    };
    Ok(Extractor::temporal(extractor))
}

fn values((frame, s): (u64, MotionScores)) -> TemporalValues {
    TemporalValues {
        frame,
        values: vec![s.sad, s.motion2, s.motion3],
    }
}

impl SequenceMetric for MotionExtractor {
    fn push(
        &mut self,
        reference: &FrameView<'_>,
        _distorted: &FrameView<'_>,
    ) -> Result<Vec<TemporalValues>> {
        let mut ready: Vec<TemporalValues> =
            MotionExtractor::push(self, reference.luma())?.map(values).into_iter().collect();
        while let Some(v) = self.pop() {
            ready.push(values(v));
        }
        Ok(ready)
    }

    fn flush(&mut self) -> Result<Option<TemporalValues>> {
        Ok(MotionExtractor::flush(self).map(values))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_defaults_are_the_option_defaults() {
        assert_eq!(
            MotionOptions::from_options(&DESCRIPTOR.default_values()),
            MotionOptions::default()
        );
    }
}
