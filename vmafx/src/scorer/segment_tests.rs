//! Segments at the scorer: the temporal context a run reads is the union of what its
//! metrics and models declare, and a segment is set before any frame.

use crate::backend::BackendKind;
use crate::feature::descriptor::TemporalContext;
use crate::frame::{ChromaSubsampling, Frame, FrameFormat};
use crate::model::Model;

use super::ScorerBuilder;

fn format() -> FrameFormat {
    // Large enough for cambi (216 one way) and SpEED (80 chroma rows).
    FrameFormat::new(224, 160, ChromaSubsampling::Yuv420, 8).unwrap()
}

fn context_of(builder: ScorerBuilder) -> TemporalContext {
    builder
        .backend(BackendKind::Cpu)
        .build(format())
        .unwrap()
        .temporal_context()
}

#[test]
fn context_is_the_union_over_features_and_models() {
    let features = |specs: &[&str]| {
        specs.iter().fold(ScorerBuilder::new(), |b, spec| {
            b.feature_spec(spec).unwrap()
        })
    };
    assert_eq!(
        context_of(features(&["psnr", "float_ssim"])),
        TemporalContext::NONE
    );
    assert_eq!(
        context_of(features(&["speed_temporal"])),
        TemporalContext::new(1, 0)
    );
    assert_eq!(
        context_of(features(&["psnr", "float_motion", "speed_temporal"])),
        TemporalContext::new(1, 1)
    );
    // The classic model's integer motion, and the HFR model's five-frame window with
    // its moving average.
    let model = |name| ScorerBuilder::new().model(Model::builtin(name).unwrap());
    assert_eq!(context_of(model("vmaf_v0.6.1")), TemporalContext::new(4, 2));
    assert_eq!(
        context_of(
            model("vmaf_v1.0.16_hfr_3d0h")
                .feature_spec("float_motion")
                .unwrap()
        ),
        TemporalContext::new(4, 2)
    );
}

#[test]
fn a_segment_is_set_before_the_first_frame() {
    let builder = ScorerBuilder::new()
        .backend(BackendKind::Cpu)
        .feature_spec("psnr")
        .unwrap();
    let mut scorer = builder.clone().build(format()).unwrap();
    assert!(
        scorer.score_segment(5, 3..9).is_err(),
        "starts before frame 5"
    );
    assert!(scorer.score_segment(3, 4..4).is_err(), "empty");
    scorer.score_segment(3, 4..6).unwrap();
    let frame = Frame::zeroed(format());
    for _ in 0..4 {
        scorer.push_frames(frame.clone(), frame.clone()).unwrap();
    }
    assert!(scorer.score_segment(0, 0..1).is_err(), "frames were pushed");
    let report = scorer.finish().unwrap();
    // Frames 3 and 6 are context; 4 and 5 keep their numbers in the whole video.
    let indices: Vec<u64> = report.frames.iter().map(|f| f.index).collect();
    assert_eq!(indices, [4, 5]);
}
