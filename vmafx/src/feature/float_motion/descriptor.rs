//! `float_motion`: libvmaf's float motion extractor, as the registry sees it.

use crate::error::Result;
use crate::feature::descriptor::{
    Extractor, MetricDescriptor, Output, SequenceMetric, TemporalContext, TemporalValues, Timing,
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
    // A frame's motion compares with the previous frame; motion2 also with the next.
    timing: Timing::Temporal(TemporalContext::new(1, 1)),
    active_outputs,
    build,
};

/// `motion` is libvmaf's debug output (on by default); `motion2` and `motion3` always.
fn active_outputs(values: &OptionValues, _: &FrameFormat) -> Vec<Output> {
    let skip = usize::from(!values.bool("debug"));
    DESCRIPTOR.outputs[skip..].to_vec()
}

fn build(values: &OptionValues, format: &FrameFormat, _: &dyn Accelerator) -> Result<Extractor> {
    let options = FloatMotionOptions::from_options(values);
    let (width, height, depth) = (format.width(), format.height(), format.bit_depth());
    Ok(Extractor::temporal(FloatMotionExtractor::new(
        width, height, depth, options,
    )?))
}

/// One frame's values in the order of the active outputs.
fn values(debug: bool, (frame, s): (u64, FloatMotionScores)) -> TemporalValues {
    let values = if debug {
        vec![s.motion, s.motion2, s.motion3]
    } else {
        vec![s.motion2, s.motion3]
    };
    TemporalValues { frame, values }
}

impl SequenceMetric for FloatMotionExtractor {
    fn push(
        &mut self,
        reference: &FrameView<'_>,
        _distorted: &FrameView<'_>,
    ) -> Result<Vec<TemporalValues>> {
        let debug = self.options().debug;
        let first = self.push_frame(reference)?;
        let mut ready: Vec<TemporalValues> =
            first.map(|v| values(debug, v)).into_iter().collect();
        while let Some(v) = self.pop() {
            ready.push(values(debug, v));
        }
        Ok(ready)
    }

    fn flush(&mut self) -> Result<Option<TemporalValues>> {
        let debug = self.options().debug;
        Ok(FloatMotionExtractor::flush(self).map(|v| values(debug, v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feature::request::FeatureRequest;
    use crate::test_support::outputs::check_temporal_outputs;

    #[test]
    fn declared_defaults_are_the_option_defaults() {
        assert_eq!(
            FloatMotionOptions::from_options(&DESCRIPTOR.default_values()),
            FloatMotionOptions::default()
        );
    }

    #[test]
    fn motion_is_the_debug_output_on_by_default() {
        for (spec, names) in [
            ("float_motion", &["motion", "motion2", "motion3"][..]),
            ("float_motion=debug=false", &["motion2", "motion3"][..]),
        ] {
            let request = FeatureRequest::parse(spec).unwrap();
            let options = FloatMotionOptions::from_options(request.options());
            check_temporal_outputs(&request, names, |frames, format| {
                let (w, h, depth) = (format.width(), format.height(), format.bit_depth());
                let debug = options.debug;
                let mut kernel = FloatMotionExtractor::new(w, h, depth, options).unwrap();
                let mut scores = Vec::new();
                for frame in frames {
                    scores.extend(kernel.push_frame(&frame.view()).unwrap());
                    while let Some(s) = kernel.pop() {
                        scores.push(s);
                    }
                }
                while let Some(s) = FloatMotionExtractor::flush(&mut kernel) {
                    scores.push(s);
                }
                scores.sort_by_key(|(frame, _)| *frame);
                let row = |s: FloatMotionScores| match debug {
                    true => vec![s.motion, s.motion2, s.motion3],
                    false => vec![s.motion2, s.motion3],
                };
                scores.into_iter().map(|(_, s)| row(s)).collect()
            });
        }
    }
}
