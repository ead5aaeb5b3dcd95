//! Thread-count independence of whole runs: the same frames give the same report, bit
//! for bit, whatever the number of worker threads, with subsampling, temporal metrics,
//! whole-run aggregates and segments, over runs long enough that frames wait for room
//! in flight.

use crate::backend::BackendKind;
use crate::frame::{ChromaSubsampling, Frame, FrameFormat, PlaneBuffer};
use crate::model::Model;
use crate::report::{FrameRecord, Report};

use super::{Scorer, ScorerBuilder};

/// More frames than any thread count here keeps in flight.
const FRAMES: u64 = 40;
const THREADS: [usize; 4] = [1, 2, 3, 8];

/// A cheap integer hash for texture.
fn noise(x: usize, y: usize, t: u64) -> u32 {
    let mut h = (x as u32).wrapping_mul(0x9e37_79b1) ^ (y as u32).wrapping_mul(0x85eb_ca77);
    h ^= (t as u32).wrapping_mul(0xc2b2_ae3d);
    h ^= h >> 15;
    h = h.wrapping_mul(0x2c1b_3c6d);
    h ^ (h >> 12)
}

/// Frame `t` of a clip: a texture panning two samples per frame (so motion is never
/// zero), or, `distorted`, the same with noise added.
fn frame(format: FrameFormat, t: u64, distorted: bool) -> Frame {
    let mut frame = Frame::zeroed(format);
    let shift = format.bit_depth() - 8;
    for i in 0..format.plane_count() {
        let width = format.plane_width(i);
        let sample = |n: usize| {
            let (x, y) = (n % width + 2 * t as usize, n / width);
            let base = 64 + ((x / 4 + y / 3) % 64) as i32 + (noise(x, y, 0) & 63) as i32;
            let grain = if distorted {
                (noise(x, y, t + 1) & 15) as i32 - 8
            } else {
                0
            };
            ((base + grain).clamp(0, 255) as u16) << shift
        };
        match frame.plane_buffer_mut(i) {
            PlaneBuffer::U8(data) => {
                for (n, s) in data.iter_mut().enumerate() {
                    *s = sample(n) as u8;
                }
            }
            PlaneBuffer::U16(data) => {
                for (n, s) in data.iter_mut().enumerate() {
                    *s = sample(n);
                }
            }
        }
    }
    frame
}

fn scorer(format: FrameFormat, threads: usize, subsample: u64) -> Scorer {
    ScorerBuilder::new()
        .backend(BackendKind::Cpu)
        .model(Model::builtin("vmaf_v0.6.1").expect("the model is built in"))
        .feature_spec("psnr=enable_apsnr=true")
        .and_then(|b| b.feature_spec("float_motion"))
        .and_then(|b| b.feature_spec("float_ssim"))
        .expect("the features parse")
        .threads(threads)
        .subsample(subsample)
        .build(format)
        .expect("the scorer builds")
}

/// Pushes frames `frames` (alternately borrowed and handed over), collecting the
/// records streamed between pushes; returns the report and the streamed records.
fn run(mut scorer: Scorer, format: FrameFormat, frames: std::ops::Range<u64>) -> Report {
    let mut streamed: Vec<FrameRecord> = Vec::new();
    for t in frames {
        let (reference, distorted) = (frame(format, t, false), frame(format, t, true));
        if t % 2 == 0 {
            scorer
                .push(&reference.view(), &distorted.view())
                .expect("frames score");
        } else {
            scorer
                .push_frames(reference, distorted)
                .expect("frames score");
        }
        streamed.extend_from_slice(scorer.new_records());
    }
    let report = scorer.finish().expect("the run finishes");
    // Records streamed during the run are the report's first frames, in order.
    assert!(streamed.len() <= report.frames.len());
    assert_eq!(bits(&streamed), bits(&report.frames[..streamed.len()]));
    report
}

fn bits(frames: &[FrameRecord]) -> Vec<(u64, Vec<u64>)> {
    frames
        .iter()
        .map(|f| (f.index, f.values.iter().map(|v| v.to_bits()).collect()))
        .collect()
}

fn aggregate_bits(report: &Report) -> Vec<(String, u64)> {
    report
        .aggregate
        .iter()
        .map(|(name, value)| (name.clone(), value.to_bits()))
        .collect()
}

fn formats() -> [FrameFormat; 2] {
    [
        FrameFormat::new(96, 64, ChromaSubsampling::Yuv420, 8).expect("valid format"),
        FrameFormat::new(72, 48, ChromaSubsampling::Yuv444, 10).expect("valid format"),
    ]
}

#[test]
fn scorers_are_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Scorer>();
}

#[test]
fn whole_runs_are_the_same_at_every_thread_count() {
    for format in formats() {
        for subsample in [1, 3] {
            let one = run(scorer(format, 1, subsample), format, 0..FRAMES);
            let expected = FRAMES.div_ceil(subsample) as usize;
            assert_eq!(one.frames.len(), expected);
            assert!(one.metrics.iter().any(|m| m == "vmaf"));
            assert!(!one.aggregate.is_empty(), "apsnr is a whole-run value");
            for threads in &THREADS[1..] {
                let many = run(scorer(format, *threads, subsample), format, 0..FRAMES);
                let what = format!("{format:?}, {threads} threads, subsample {subsample}");
                assert_eq!(one.metrics, many.metrics, "{what}");
                assert_eq!(bits(&one.frames), bits(&many.frames), "{what}");
                assert_eq!(aggregate_bits(&one), aggregate_bits(&many), "{what}");
            }
        }
    }
}

#[test]
fn segments_are_the_same_at_every_thread_count_and_match_the_whole_run() {
    let format = formats()[0];
    let whole = run(scorer(format, 1, 1), format, 0..FRAMES);
    let segment = 12..29;
    let mut first_run: Option<Report> = None;
    for threads in THREADS {
        let mut part = scorer(format, threads, 1);
        let context = part.temporal_context();
        let first = segment.start - context.before;
        part.score_segment(first, segment.clone())
            .expect("the segment is valid");
        let report = run(part, format, first..segment.end + context.after);
        let indices: Vec<u64> = report.frames.iter().map(|f| f.index).collect();
        assert_eq!(indices, segment.clone().collect::<Vec<_>>());
        let from_whole = &whole.frames[segment.start as usize..segment.end as usize];
        assert_eq!(bits(&report.frames), bits(from_whole), "{threads} threads");
        match &first_run {
            None => first_run = Some(report),
            Some(one) => assert_eq!(aggregate_bits(one), aggregate_bits(&report)),
        }
    }
}
