//! `float_motion`: libvmaf's float motion extractor, as the registry sees it.

use crate::error::Result;
use crate::feature::descriptor::{
    Extractor, MetricDescriptor, Output, SequenceMetric, TemporalValues, Timing,
};
use crate::feature::device::Accelerator;
use crate::feature::options::{OptionSpec, OptionValues};
use crate::frame::{FrameFormat, FrameView};

use super::{FloatMotionExtractor, FloatMotionOptions, FloatMotionScores};

/// The float motion metric.
pub static DESCRIPTOR: MetricDescriptor = MetricDescriptor {
    name: "float_motion",
    aliases: &[],
    options: &[
        OptionSpec::bool("debug", true),
        OptionSpec::bool("motion_force_zero", false).naming("force_0"),
        OptionSpec::double("motion_fps_weight", 1.0, 0.0, 5.0).naming("mfw"),
        OptionSpec::double("motion_blend_factor", 1.0, 0.0, 1.0).naming("mbf"),
        OptionSpec::double("motion_blend_offset", 40.0, 0.0, 1000.0).naming("mbo"),
        OptionSpec::bool("motion_add_scale1", false).naming("mdc"),
        OptionSpec::int("motion_filter_size", 5, 0, 9).naming("mfs"),
        OptionSpec::bool("motion_add_uv", false).naming("mau"),
        OptionSpec::double("motion_max_val", 10000.0, 0.0, 10000.0).naming("mmxv"),
    ],
    outputs: &[
        Output::aliased("VMAF_feature_motion_score", "motion"),
        Output::aliased("VMAF_feature_motion2_score", "motion2"),
        Output::aliased("VMAF_feature_motion3_score", "motion3"),
    ],
    timing: Timing::Temporal,
    active_outputs: |_, _| DESCRIPTOR.outputs.to_vec(),
    build,
};

fn build(values: &OptionValues, format: &FrameFormat, _: &dyn Accelerator) -> Result<Extractor> {
    let options = FloatMotionOptions::from_options(values);
    let (width, height, depth) = (format.width(), format.height(), format.bit_depth());
    Ok(Extractor::temporal(FloatMotionExtractor::new(
        width, height, depth, options,
    )?))
}

fn values((frame, s): (u64, FloatMotionScores)) -> TemporalValues {
    TemporalValues {
        frame,
        values: vec![s.motion, s.motion2, s.motion3],
    }
}

impl SequenceMetric for FloatMotionExtractor {
    fn push(
        &mut self,
        reference: &FrameView<'_>,
        _distorted: &FrameView<'_>,
    ) -> Result<Vec<TemporalValues>> {
        let mut ready: Vec<TemporalValues> =
            self.push_frame(reference)?.map(values).into_iter().collect();
        while let Some(v) = self.pop() {
            ready.push(values(v));
        }
        Ok(ready)
    }

    fn flush(&mut self) -> Result<Option<TemporalValues>> {
        Ok(FloatMotionExtractor::flush(self).map(values))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_defaults_are_the_option_defaults() {
        assert_eq!(
            FloatMotionOptions::from_options(&DESCRIPTOR.default_values()),
            FloatMotionOptions::default()
        );
    }
}
