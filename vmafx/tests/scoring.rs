//! Whole-pipeline properties: thread-count independence, identical inputs, and clear
//! errors for bad input.

mod common;

use common::{scratch_dir, textured_frame, write_file, y4m_bytes};
use proptest::prelude::*;
use vmafx::io::InputKind;
use vmafx::{ChromaSubsampling, Error, Frame, FrameFormat, Model, ScoreJob, ScorerBuilder};

fn score(frames: &[(Frame, Frame)], threads: usize) -> vmafx::Report {
    let format = *frames[0].0.format();
    let mut scorer = ScorerBuilder::new()
        .model(Model::builtin("vmaf_v0.6.1").unwrap())
        .feature_spec("psnr")
        .unwrap()
        .threads(threads)
        .build(format)
        .unwrap();
    for (r, d) in frames {
        scorer.push(&r.view(), &d.view()).unwrap();
    }
    scorer.finish().unwrap()
}

fn layout() -> impl Strategy<Value = ChromaSubsampling> {
    prop_oneof![
        Just(ChromaSubsampling::Yuv420),
        Just(ChromaSubsampling::Yuv422),
        Just(ChromaSubsampling::Yuv444),
        Just(ChromaSubsampling::Yuv400),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Every value of every frame is the same with 1, 2 or 3 worker threads.
    #[test]
    fn scores_do_not_depend_on_thread_count(
        width in 36usize..72,
        height in 36usize..64,
        chroma in layout(),
        depth in prop_oneof![Just(8u8), Just(10u8)],
        count in 1usize..7,
        seed in 0u32..1000,
    ) {
        let format = FrameFormat::new(width, height, chroma, depth).unwrap();
        let frames: Vec<_> = (0..count as u32)
            .map(|t| (textured_frame(format, seed + t, 0), textured_frame(format, seed + t, 9)))
            .collect();
        let one = score(&frames, 1);
        for threads in [2, 3] {
            let many = score(&frames, threads);
            prop_assert_eq!(&one.metrics, &many.metrics);
            prop_assert_eq!(one.frames.len(), many.frames.len());
            for (a, b) in one.frames.iter().zip(&many.frames) {
                let same = a.values.iter().zip(&b.values).all(|(x, y)| x.to_bits() == y.to_bits());
                prop_assert!(same, "frame {} differs with {} threads", a.index, threads);
            }
        }
    }

    /// Identical reference and distorted frames score as perfect: VIF and ADM at 1 on
    /// every scale (libvmaf's fixed-point arithmetic lands within 1e-4 of 1, and so does
    /// ours, bit for bit), PSNR at its cap, no motion on a static clip.
    #[test]
    fn identical_inputs_score_perfect(
        width in 36usize..80,
        height in 36usize..64,
        depth in prop_oneof![Just(8u8), Just(10u8), Just(12u8)],
        seed in 0u32..1000,
    ) {
        let format = FrameFormat::new(width, height, ChromaSubsampling::Yuv420, depth).unwrap();
        let frame = textured_frame(format, seed, 5);
        let frames = vec![(frame.clone(), frame.clone()), (frame.clone(), frame)];
        let report = score(&frames, 1);
        for n in 0..2 {
            for scale in 0..4 {
                let vif = report.frame_score(n, &format!("integer_vif_scale{scale}")).unwrap();
                let adm = report.frame_score(n, &format!("integer_adm_scale{scale}")).unwrap();
                prop_assert!((vif - 1.0).abs() < 1e-4, "vif scale {} = {}", scale, vif);
                prop_assert!((adm - 1.0).abs() < 1e-4, "adm scale {} = {}", scale, adm);
            }
            let adm2 = report.frame_score(n, "integer_adm2").unwrap();
            prop_assert!((adm2 - 1.0).abs() < 1e-4, "adm2 = {}", adm2);
            let cap = 6.0 * f64::from(depth) + 12.0;
            prop_assert_eq!(report.frame_score(n, "psnr_y").unwrap(), cap);
            prop_assert_eq!(report.frame_score(n, "integer_motion2").unwrap(), 0.0);
        }
    }
}

fn write_pair(
    dir: &std::path::Path,
    reference: &[Frame],
    distorted: &[Frame],
) -> (std::path::PathBuf, std::path::PathBuf) {
    (
        write_file(dir, "ref.y4m", &y4m_bytes(reference)),
        write_file(dir, "dist.y4m", &y4m_bytes(distorted)),
    )
}

fn default_scorer() -> ScorerBuilder {
    ScorerBuilder::new().model(Model::builtin("vmaf_v0.6.1").unwrap())
}

fn small_format(depth: u8) -> FrameFormat {
    FrameFormat::new(48, 40, ChromaSubsampling::Yuv420, depth).unwrap()
}

#[test]
fn truncated_y4m_is_a_clear_error() {
    let dir = scratch_dir("truncated");
    let frames: Vec<_> = (0..3)
        .map(|t| textured_frame(small_format(8), t, 0))
        .collect();
    let mut cut = y4m_bytes(&frames);
    cut.truncate(cut.len() - 100);
    let reference = write_file(&dir, "ref.y4m", &cut);
    let distorted = write_file(&dir, "dist.y4m", &y4m_bytes(&frames));
    let error = ScoreJob::new(&reference, &distorted, InputKind::Y4m)
        .run(default_scorer(), |_| {})
        .unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("truncated") && message.contains("frame 2"),
        "{message}"
    );
}

#[test]
fn mismatched_sizes_and_depths_are_errors() {
    let dir = scratch_dir("mismatch");
    let a: Vec<_> = (0..2)
        .map(|t| textured_frame(small_format(8), t, 0))
        .collect();
    let wider = FrameFormat::new(50, 40, ChromaSubsampling::Yuv420, 8).unwrap();
    let b: Vec<_> = (0..2).map(|t| textured_frame(wider, t, 0)).collect();
    let (r, d) = write_pair(&dir, &a, &b);
    let error = ScoreJob::new(&r, &d, InputKind::Y4m)
        .run(default_scorer(), |_| {})
        .unwrap_err();
    assert!(matches!(error, Error::Mismatch(_)), "{error}");
    assert!(error.to_string().contains("48x40") && error.to_string().contains("50x40"));

    let deeper: Vec<_> = (0..2)
        .map(|t| textured_frame(small_format(10), t, 0))
        .collect();
    let (r, d) = write_pair(&dir, &a, &deeper);
    let error = ScoreJob::new(&r, &d, InputKind::Y4m)
        .run(default_scorer(), |_| {})
        .unwrap_err();
    assert!(matches!(error, Error::Mismatch(_)), "{error}");

    // Pushing a frame of another format into a scorer is refused too.
    let mut scorer = default_scorer().build(small_format(8)).unwrap();
    let error = scorer.push(&b[0].view(), &b[0].view()).unwrap_err();
    assert!(matches!(error, Error::Mismatch(_)), "{error}");
}

#[test]
fn different_frame_counts_are_reported() {
    let dir = scratch_dir("lengths");
    let long: Vec<_> = (0..3)
        .map(|t| textured_frame(small_format(8), t, 0))
        .collect();
    let (r, d) = write_pair(&dir, &long, &long[..2]);
    let strict = ScoreJob::new(&r, &d, InputKind::Y4m);
    let error = strict.run(default_scorer(), |_| {}).unwrap_err();
    assert!(matches!(error, Error::Mismatch(_)), "{error}");

    let mut lenient = ScoreJob::new(&r, &d, InputKind::Y4m);
    lenient.require_equal_length = false;
    let outcome = lenient.run(default_scorer(), |_| {}).unwrap();
    assert_eq!(outcome.report.frames.len(), 2);
    assert!(outcome
        .length_mismatch
        .unwrap()
        .contains("ended after 2 frames"));
}

#[test]
fn zero_frames_is_an_error() {
    let dir = scratch_dir("empty");
    let header = b"YUV4MPEG2 W48 H40 F25:1 C420jpeg\n";
    let r = write_file(&dir, "ref.y4m", header);
    let d = write_file(&dir, "dist.y4m", header);
    let error = ScoreJob::new(&r, &d, InputKind::Y4m)
        .run(default_scorer(), |_| {})
        .unwrap_err();
    assert!(matches!(error, Error::NoFrames), "{error}");
    let scorer = default_scorer().build(small_format(8)).unwrap();
    assert!(matches!(scorer.finish(), Err(Error::NoFrames)));
}

#[test]
fn broken_models_are_errors() {
    for (text, expect) in [
        ("{", "invalid model"),
        ("{}", "invalid model"),
        (
            r#"{"model_dict": {"feature_names": ["x"]}}"#,
            "invalid model",
        ),
        ("[1, 2, 3]", "invalid model"),
    ] {
        let error = Model::from_json_str("broken", text).unwrap_err();
        assert!(error.to_string().contains(expect), "{text}: {error}");
    }
    let missing = Model::from_path(std::path::Path::new("/nonexistent/model.json")).unwrap_err();
    assert!(matches!(missing, Error::ModelFile { .. }), "{missing}");
    assert!(matches!(
        Model::builtin("vmaf_v9"),
        Err(Error::UnknownModel(..))
    ));
}

#[test]
fn missing_files_and_garbage_are_errors() {
    let dir = scratch_dir("garbage");
    let good = write_file(
        &dir,
        "good.y4m",
        &y4m_bytes(&[textured_frame(small_format(8), 0, 0)]),
    );
    let garbage = write_file(&dir, "garbage.y4m", b"this is not a video\n");
    let missing = dir.join("missing.y4m");
    let error = ScoreJob::new(&missing, &good, InputKind::Y4m)
        .run(default_scorer(), |_| {})
        .unwrap_err();
    assert!(error.to_string().contains("missing.y4m"), "{error}");
    let error = ScoreJob::new(&good, &garbage, InputKind::Y4m)
        .run(default_scorer(), |_| {})
        .unwrap_err();
    assert!(error.to_string().contains("YUV4MPEG2"), "{error}");
}

#[test]
fn tiny_frames_are_clear_errors() {
    let format = FrameFormat::new(8, 8, ChromaSubsampling::Yuv420, 8).unwrap();
    let error = default_scorer()
        .build(format)
        .err()
        .expect("8x8 is below VIF's minimum");
    assert!(matches!(error, Error::InvalidInput(_)), "{error}");
}

#[test]
fn a_run_can_be_cancelled() {
    let dir = scratch_dir("cancel");
    let frames: Vec<_> = (0..5)
        .map(|t| textured_frame(small_format(8), t, 0))
        .collect();
    let (r, d) = write_pair(&dir, &frames, &frames);
    let error = ScoreJob::new(&r, &d, InputKind::Y4m)
        .run_until(default_scorer(), |n| n < 2)
        .unwrap_err();
    assert!(matches!(error, Error::Cancelled(2)), "{error}");
}
