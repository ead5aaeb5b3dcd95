//! `speed_chroma` and `speed_temporal`: libvmaf's SpEED-QA extractors, as the registry
//! sees them.

use crate::error::Result;
use crate::feature::descriptor::{
    Extractor, FrameMetric, MetricDescriptor, Output, SequenceMetric, TemporalContext, TemporalValues,
    Timing,
};
use crate::feature::device::Accelerator;
use crate::feature::float_common::ResampleMethod;
use crate::feature::options::{OptionSpec, OptionValues};
use crate::frame::{FrameFormat, FrameView};

use super::{
    SpeedChromaExtractor, SpeedChromaOptions, SpeedCommonOptions, SpeedTemporalExtractor,
    SpeedTemporalOptions, SpeedTemporalScores,
};

const PRESCALE_METHODS: &[&str] = &["nearest", "bilinear", "bicubic", "lanczos4"];

/// Declares the options both extractors share, followed by each one's own.
macro_rules! speed_options {
    ($($own:expr),*) => {
        &[
            OptionSpec::double("speed_kernelscale", 1.0, 0.1, 4.0).naming("ks"),
            OptionSpec::double("speed_prescale", 1.0, 0.1, 4.0).naming("ps"),
            OptionSpec::word("speed_prescale_method", "nearest", PRESCALE_METHODS)
                .naming("psm"),
            OptionSpec::double("speed_sigma_nn", 0.29, 0.1, 2.0).naming("snn"),
            OptionSpec::double("speed_nn_floor", 0.0, 0.0, 1.0).naming("nnf"),
            OptionSpec::double("speed_max_val", 1000.0, 0.0, 1000.0).naming("mxv"),
            $($own),*
        ]
    };
}

/// The `speed_chroma` metric: SpEED on the U and V planes.
pub static CHROMA_DESCRIPTOR: MetricDescriptor = MetricDescriptor {
    name: "speed_chroma",
    aliases: &[],
    options: speed_options!(OptionSpec::int("speed_weight_var_mode", 0, 0, 6).naming("wvm")),
    outputs: &[
        Output::aliased("Speed_chroma_feature_speed_chroma_u_score", "speed_chroma_u"),
        Output::aliased("Speed_chroma_feature_speed_chroma_v_score", "speed_chroma_v"),
        Output::aliased(
            "Speed_chroma_feature_speed_chroma_uv_score",
            "speed_chroma_uv",
        ),
    ],
    timing: Timing::Spatial,
    active_outputs: |_, _| CHROMA_DESCRIPTOR.outputs.to_vec(),
    build: build_chroma,
};

/// The `speed_temporal` metric: SpEED on the difference of consecutive luma frames.
pub static TEMPORAL_DESCRIPTOR: MetricDescriptor = MetricDescriptor {
    name: "speed_temporal",
    aliases: &[],
    options: speed_options!(OptionSpec::bool("speed_use_ref_diff", false).naming("urd")),
    outputs: &[Output::aliased(
        "Speed_temporal_feature_speed_temporal_score",
        "speed_temporal",
    )],
    // Each frame's score differences it with the previous frame, and is final at once.
    timing: Timing::Temporal(TemporalContext::new(1, 0)),
    active_outputs: |_, _| TEMPORAL_DESCRIPTOR.outputs.to_vec(),
    build: build_temporal,
};

fn common(values: &OptionValues) -> Result<SpeedCommonOptions> {
    Ok(SpeedCommonOptions {
        speed_kernelscale: values.double("speed_kernelscale"),
        speed_prescale: values.double("speed_prescale"),
        speed_prescale_method: ResampleMethod::from_name(values.word("speed_prescale_method"))?,
        speed_sigma_nn: values.double("speed_sigma_nn"),
        speed_nn_floor: values.double("speed_nn_floor"),
        speed_max_val: values.double("speed_max_val"),
    })
}

fn chroma_options(values: &OptionValues) -> Result<SpeedChromaOptions> {
    Ok(SpeedChromaOptions {
        common: common(values)?,
        speed_weight_var_mode: i32::try_from(values.int("speed_weight_var_mode"))
            .unwrap_or(i32::MAX),
    })
}

fn temporal_options(values: &OptionValues) -> Result<SpeedTemporalOptions> {
    Ok(SpeedTemporalOptions {
        common: common(values)?,
        speed_use_ref_diff: values.bool("speed_use_ref_diff"),
    })
}

fn build_chroma(
    values: &OptionValues,
    format: &FrameFormat,
    _: &dyn Accelerator,
) -> Result<Extractor> {
    let options = chroma_options(values)?;
    Ok(Extractor::spatial(SpeedChromaExtractor::new(
        format, options,
    )?))
}

fn build_temporal(
    values: &OptionValues,
    format: &FrameFormat,
    _: &dyn Accelerator,
) -> Result<Extractor> {
    let options = temporal_options(values)?;
    Ok(Extractor::temporal(SpeedTemporalExtractor::new(
        format, options,
    )?))
}

impl FrameMetric for SpeedChromaExtractor {
    fn extract(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
        out: &mut [f64],
    ) -> Result<()> {
        let scores = SpeedChromaExtractor::extract(self, reference, distorted)?;
        out.copy_from_slice(&[scores.u, scores.v, scores.uv]);
        Ok(())
    }
}

fn values((frame, s): (u64, SpeedTemporalScores)) -> TemporalValues {
    TemporalValues {
        frame,
        values: vec![s.temporal],
    }
}

impl SequenceMetric for SpeedTemporalExtractor {
    fn push(
        &mut self,
        reference: &FrameView<'_>,
        distorted: &FrameView<'_>,
    ) -> Result<Vec<TemporalValues>> {
        let mut ready: Vec<TemporalValues> = SpeedTemporalExtractor::push(self, reference, distorted)?
            .map(values)
            .into_iter()
            .collect();
        while let Some(v) = self.pop() {
            ready.push(values(v));
        }
        Ok(ready)
    }

    fn flush(&mut self) -> Result<Option<TemporalValues>> {
        Ok(SpeedTemporalExtractor::flush(self).map(values))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_defaults_are_the_option_defaults() {
        assert_eq!(
            chroma_options(&CHROMA_DESCRIPTOR.default_values()).unwrap(),
            SpeedChromaOptions::default()
        );
        assert_eq!(
            temporal_options(&TEMPORAL_DESCRIPTOR.default_values()).unwrap(),
            SpeedTemporalOptions::default()
        );
    }
}
