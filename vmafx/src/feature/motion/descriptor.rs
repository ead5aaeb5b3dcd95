//! `motion`: libvmaf's integer motion extractor, as the registry sees it.

use crate::error::Result;
use crate::feature::descriptor::{
    Extractor, MetricDescriptor, Output, SequenceMetric, TemporalContext, TemporalValues, Timing,
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
        Output::aliased("VMAF_integer_feature_motion_score", "integer_motion"),
        Output::aliased("VMAF_integer_feature_motion2_score", "integer_motion2"),
        Output::aliased("VMAF_integer_feature_motion3_score", "integer_motion3"),
    ],
    // Frame i compares with frame i-1 (i-2 with the five-frame window); motion2 takes the
    // smaller of two neighbouring SADs and the moving average looks one frame further
    // back, so four frames before cover every option. After: motion2 waits for the next
    // frame's SAD, and the first frames' motion3 is the SAD of the first compared frame,
    // frame 2 with the five-frame window.
    timing: Timing::Temporal(TemporalContext::new(4, 2)),
    active_outputs,
    build,
};

/// The SAD score, with `debug` again as `integer_motion` right after it (libvmaf writes
/// both while extracting), then the flushed `integer_motion2` and `integer_motion3`.
fn active_outputs(values: &OptionValues, _: &FrameFormat) -> Vec<Output> {
    let debug = values.bool("debug");
    DESCRIPTOR
        .outputs
        .iter()
        .enumerate()
        .filter(|(i, _)| debug || *i != 1)
        .map(|(_, o)| *o)
        .collect()
}

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

/// One frame's values in the order of the active outputs.
fn values(debug: bool, (frame, s): (u64, MotionScores)) -> TemporalValues {
    let values = if debug {
        vec![s.sad, s.sad, s.motion2, s.motion3]
    } else {
        vec![s.sad, s.motion2, s.motion3]
    };
    TemporalValues { frame, values }
}

impl SequenceMetric for MotionExtractor {
    fn push(
        &mut self,
        reference: &FrameView<'_>,
        _distorted: &FrameView<'_>,
    ) -> Result<Vec<TemporalValues>> {
        let debug = self.options().debug;
        let first = MotionExtractor::push(self, reference.luma())?;
        let mut ready: Vec<TemporalValues> =
            first.map(|v| values(debug, v)).into_iter().collect();
        while let Some(v) = self.pop() {
            ready.push(values(debug, v));
        }
        Ok(ready)
    }

    fn flush(&mut self) -> Result<Option<TemporalValues>> {
        let debug = self.options().debug;
        Ok(MotionExtractor::flush(self).map(|v| values(debug, v)))
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
            MotionOptions::from_options(&DESCRIPTOR.default_values()),
            MotionOptions::default()
        );
    }

    #[test]
    fn debug_repeats_the_sad_score_as_integer_motion() {
        for (spec, names) in [
            (
                "motion",
                &[
                    "VMAF_integer_feature_motion_sad_score",
                    "integer_motion2",
                    "integer_motion3",
                ][..],
            ),
            (
                "motion=debug=true",
                &[
                    "VMAF_integer_feature_motion_sad_score",
                    "integer_motion",
                    "integer_motion2",
                    "integer_motion3",
                ][..],
            ),
        ] {
            let request = FeatureRequest::parse(spec).unwrap();
            let options = MotionOptions::from_options(request.options());
            check_temporal_outputs(&request, names, |frames, format| {
                let (w, h, depth) = (format.width(), format.height(), format.bit_depth());
                let mut kernel = MotionExtractor::new(w, h, depth, options).unwrap();
                let mut scores = Vec::new();
                for frame in frames {
                    scores.extend(MotionExtractor::push(&mut kernel, frame.plane(0)).unwrap());
                    while let Some(s) = kernel.pop() {
                        scores.push(s);
                    }
                }
                while let Some(s) = MotionExtractor::flush(&mut kernel) {
                    scores.push(s);
                }
                scores.sort_by_key(|(frame, _)| *frame);
                let row = |s: MotionScores| match options.debug {
                    true => vec![s.sad, s.sad, s.motion2, s.motion3],
                    false => vec![s.sad, s.motion2, s.motion3],
                };
                scores.into_iter().map(|(_, s)| row(s)).collect()
            });
        }
    }
}
