//! SpEED against libvmaf's golden JSON, and the extractors' contracts.
//!
//! Without the corpus (see `test_support::corpus_dir`) the conformance tests say so
//! and pass.

use std::collections::BTreeMap;
use std::path::Path;

use super::*;
use crate::error::Error;
use crate::frame::{ChromaSubsampling, Frame, FrameFormat};
use crate::io::{self, InputKind};
use crate::test_support::{as_printed, corpus_dir, golden_frames};

/// libvmaf prints six decimals; values computed the same way print the same.
const TOLERANCE: f64 = 1e-4;

/// Per-frame values of one pair by name: `speed_chroma_*` (named with `suffix`) and,
/// when `temporal` is given, `speed_temporal`.
fn ours(
    clips: &Path,
    reference: &str,
    distorted: &str,
    chroma_options: SpeedChromaOptions,
    suffix: &str,
    temporal: Option<SpeedTemporalOptions>,
) -> Vec<BTreeMap<String, f64>> {
    let mut r_in = io::open(&clips.join(reference), InputKind::Y4m).expect("reference opens");
    let mut d_in = io::open(&clips.join(distorted), InputKind::Y4m).expect("distorted opens");
    let format = *r_in.format();
    let mut chroma = SpeedChromaExtractor::new(&format, chroma_options).unwrap();
    let mut temporal = temporal.map(|o| SpeedTemporalExtractor::new(&format, o).unwrap());
    let (mut r, mut d) = (Frame::zeroed(format), Frame::zeroed(format));
    let mut out = Vec::new();
    while r_in.read_into(&mut r).expect("reference reads") {
        assert!(d_in.read_into(&mut d).expect("distorted reads"));
        let mut row = BTreeMap::new();
        let scores = chroma.extract(&r.view(), &d.view()).unwrap();
        for (name, value) in scores.named() {
            row.insert(format!("{name}{suffix}"), value);
        }
        if let Some(t) = temporal.as_mut() {
            let (index, scores) = t
                .push(&r.view(), &d.view())
                .unwrap()
                .expect("final at once");
            assert_eq!(index, out.len() as u64);
            for (name, value) in scores.named() {
                row.insert(name.to_string(), value);
            }
        }
        out.push(row);
    }
    out
}

/// Records the worst |delta| of every value in `got` against `expected`.
fn compare(
    pair: &str,
    expected: &[BTreeMap<String, f64>],
    got: &[BTreeMap<String, f64>],
    worst: &mut BTreeMap<String, (f64, usize, String)>,
) {
    assert_eq!(expected.len(), got.len(), "{pair}: frame count");
    for (i, (e, g)) in expected.iter().zip(got).enumerate() {
        for (name, &value) in g {
            let want = *e
                .get(name)
                .unwrap_or_else(|| panic!("{pair}: golden lacks {name}"));
            let delta = (value - want).abs();
            let slot = worst.entry(name.clone()).or_insert((0.0, 0, String::new()));
            if as_printed(value) != want {
                slot.1 += 1;
            }
            if delta >= slot.0 {
                slot.0 = delta;
                slot.2 = format!("{pair} frame {i}: {value} vs {want}");
            }
        }
    }
}

fn report_and_check(worst: &BTreeMap<String, (f64, usize, String)>) {
    assert!(!worst.is_empty(), "no values were compared");
    for (name, (delta, misprinted, at)) in worst {
        eprintln!("{name:>48}: worst |delta| {delta:.3e}, {misprinted} printed differently ({at})");
    }
    for (name, (delta, _, at)) in worst {
        assert!(*delta <= TOLERANCE, "{name}: {delta:e} at {at}");
    }
}

/// The manifest's pairs with the parity output named `output`: (pair, ref, dist,
/// golden JSON or the reason libvmaf failed).
fn parity_runs(
    corpus: &Path,
    output: &str,
) -> Vec<(String, String, String, Result<String, String>)> {
    let text = std::fs::read_to_string(corpus.join("manifest.json")).expect("manifest reads");
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("manifest parses");
    let mut runs = Vec::new();
    for pair in manifest["pairs"].as_array().expect("pairs") {
        let file = |key: &str| {
            let path = pair[key].as_str().expect("clip path");
            path.trim_start_matches("clips/").to_string()
        };
        for run in pair["parity_outputs"].as_array().expect("parity outputs") {
            if run["output"] != output {
                continue;
            }
            let golden = match run["json"].as_str() {
                Some(json) => Ok(json.trim_start_matches("clips/").to_string()),
                None => Err(run["libvmaf_failed"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()),
            };
            let name = pair["name"].as_str().expect("pair name").to_string();
            runs.push((name, file("ref"), file("dist"), golden));
        }
    }
    runs
}

#[test]
fn speed_equals_libvmaf_on_extra_features_runs() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("conformance corpus not found; set VMAFX_CONFORMANCE_DIR to run this test");
        return;
    };
    let clips = corpus.join("clips");
    let mut worst = BTreeMap::new();
    let mut compared = 0;
    for (pair, reference, distorted, golden) in parity_runs(&corpus, "extra_features") {
        let Ok(json) = golden else { continue };
        let expected = golden_frames(&clips.join(json));
        let got = ours(
            &clips,
            &reference,
            &distorted,
            SpeedChromaOptions::default(),
            "",
            Some(SpeedTemporalOptions::default()),
        );
        compare(&pair, &expected, &got, &mut worst);
        compared += 1;
    }
    eprintln!("{compared} extra_features runs compared");
    assert!(compared >= 10, "only {compared} runs found");
    report_and_check(&worst);
}

/// The options VMAF v1.0.16 models give `speed_chroma`.
fn vmaf_v1_chroma_options() -> SpeedChromaOptions {
    SpeedChromaOptions {
        common: SpeedCommonOptions {
            speed_kernelscale: 1.0,
            speed_nn_floor: 0.1,
            speed_sigma_nn: 0.19,
            speed_max_val: 45.0,
            ..Default::default()
        },
        speed_weight_var_mode: 5,
    }
}

#[test]
fn speed_chroma_equals_libvmaf_on_vmaf_v1_runs() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("conformance corpus not found; set VMAFX_CONFORMANCE_DIR to run this test");
        return;
    };
    let clips = corpus.join("clips");
    let mut worst = BTreeMap::new();
    let mut compared = 0;
    for (pair, reference, distorted, golden) in parity_runs(&corpus, "vmaf_v1.0.16_3d0h") {
        let Ok(json) = golden else { continue };
        let expected = golden_frames(&clips.join(json));
        // Non-default options appear in the names, sorted by option name.
        let suffix = "_mxv_45_nnf_0.1_snn_0.19_wvm_5";
        let got = ours(
            &clips,
            &reference,
            &distorted,
            vmaf_v1_chroma_options(),
            suffix,
            None,
        );
        compare(&pair, &expected, &got, &mut worst);
        compared += 1;
    }
    eprintln!("{compared} VMAF v1 runs compared");
    assert!(compared >= 10, "only {compared} runs found");
    report_and_check(&worst);
}

#[test]
fn pairs_libvmaf_finds_too_small_are_refused() {
    let Some(corpus) = corpus_dir() else {
        eprintln!("conformance corpus not found; set VMAFX_CONFORMANCE_DIR to run this test");
        return;
    };
    let clips = corpus.join("clips");
    let mut refused = 0;
    for (pair, reference, _, golden) in parity_runs(&corpus, "extra_features") {
        let Err(reason) = golden else { continue };
        assert!(
            reason.contains("SpEED: image too small"),
            "{pair}: {reason}"
        );
        let input = io::open(&clips.join(reference), InputKind::Y4m).expect("reference opens");
        let format = *input.format();
        for options in [SpeedChromaOptions::default(), vmaf_v1_chroma_options()] {
            let err = SpeedChromaExtractor::new(&format, options).unwrap_err();
            assert!(matches!(err, Error::InvalidInput(_)), "{pair}: {err}");
            assert!(err.to_string().contains("image too small"), "{pair}: {err}");
        }
        refused += 1;
    }
    assert!(refused >= 4, "only {refused} too-small pairs found");
}

fn textured(format: FrameFormat, seed: u32) -> Frame {
    let mut frame = Frame::zeroed(format);
    for p in 0..format.plane_count() {
        if let crate::frame::PlaneBuffer::U8(data) = frame.plane_buffer_mut(p) {
            let w = format.plane_width(p);
            for (i, s) in data.iter_mut().enumerate() {
                // A smooth gradient under hashed noise: varied at every scale.
                let (x, y) = ((i % w) as u32, (i / w) as u32);
                let mut h =
                    (i as u32 ^ (seed << 20) ^ ((p as u32) << 28)).wrapping_mul(0x9e37_79b9);
                h ^= h >> 15;
                h = h.wrapping_mul(0x85eb_ca6b);
                h ^= h >> 13;
                *s = ((x + 2 * y + 7 * seed) % 128 + (h >> 25)) as u8;
            }
        }
    }
    frame
}

fn format(width: usize, height: usize, chroma: ChromaSubsampling) -> FrameFormat {
    FrameFormat::new(width, height, chroma, 8).unwrap()
}

#[test]
fn identical_frames_score_zero() {
    let f = format(192, 160, ChromaSubsampling::Yuv444);
    let frame = textured(f, 3);
    let mut chroma = SpeedChromaExtractor::new(&f, SpeedChromaOptions::default()).unwrap();
    let s = chroma.extract(&frame.view(), &frame.view()).unwrap();
    assert_eq!(s, SpeedChromaScores::default());
    let other = textured(f, 4);
    let s = chroma.extract(&frame.view(), &other.view()).unwrap();
    assert!(s.u > 0.0 && s.v > 0.0, "{s:?}");
    assert_eq!(
        s.uv,
        f64::from((f64::from(s.u as f32 + s.v as f32) / 2.0) as f32)
    );
}

#[test]
fn chroma_scores_are_clipped_to_max_val() {
    let f = format(192, 160, ChromaSubsampling::Yuv444);
    let (a, b) = (textured(f, 1), textured(f, 9));
    let mut options = SpeedChromaOptions::default();
    let mut free = SpeedChromaExtractor::new(&f, options.clone()).unwrap();
    let s = free.extract(&a.view(), &b.view()).unwrap();
    options.common.speed_max_val = s.u / 2.0;
    let mut clipped = SpeedChromaExtractor::new(&f, options).unwrap();
    let c = clipped.extract(&a.view(), &b.view()).unwrap();
    assert_eq!(c.u, s.u / 2.0);
}

#[test]
fn temporal_reports_zero_first_then_frame_differences() {
    let f = format(320, 240, ChromaSubsampling::Yuv400);
    let frames: Vec<Frame> = (0..3).map(|i| textured(f, i)).collect();
    let mut t = SpeedTemporalExtractor::new(&f, SpeedTemporalOptions::default()).unwrap();
    let mut scores = Vec::new();
    for frame in &frames {
        // The distorted video is the reference: equal differences, score 0.
        let (index, s) = t.push(&frame.view(), &frame.view()).unwrap().unwrap();
        assert_eq!(index, scores.len() as u64);
        assert!(t.pop().is_none());
        scores.push(s.temporal);
    }
    assert!(t.flush().is_none());
    assert_eq!(scores, [0.0, 0.0, 0.0]);

    // A distorted video that moves otherwise differs from frame 1 on.
    let mut moved = Vec::new();
    for (i, frame) in frames.iter().enumerate() {
        let other = textured(f, 10 + 3 * i as u32);
        let (index, s) = t.push(&frame.view(), &other.view()).unwrap().unwrap();
        assert_eq!(index, moved.len() as u64, "flush starts over at frame 0");
        moved.push(s.temporal);
    }
    assert_eq!(moved[0], 0.0);
    assert!(moved[1] > 0.0 && moved[2] > 0.0, "{moved:?}");

    // A frozen distorted video has no change to model (a singular covariance) while
    // the reference has: libvmaf then reports 0 rather than an inflated score.
    t.flush();
    for frame in &frames {
        let (_, s) = t.push(&frame.view(), &frames[0].view()).unwrap().unwrap();
        assert_eq!(s.temporal, 0.0);
    }
}

#[test]
fn unusable_formats_and_options_are_refused() {
    let grey = format(320, 240, ChromaSubsampling::Yuv400);
    assert!(SpeedChromaExtractor::new(&grey, SpeedChromaOptions::default()).is_err());
    assert!(SpeedTemporalExtractor::new(&grey, SpeedTemporalOptions::default()).is_ok());

    let nine_bit = FrameFormat::new(320, 240, ChromaSubsampling::Yuv420, 9).unwrap();
    assert!(SpeedChromaExtractor::new(&nine_bit, SpeedChromaOptions::default()).is_err());

    // 4:2:0 chroma of 176x144 is 88x72: it decimates to 5x4, no whole block.
    let small = format(176, 144, ChromaSubsampling::Yuv420);
    assert!(SpeedChromaExtractor::new(&small, SpeedChromaOptions::default()).is_err());
    assert!(SpeedTemporalExtractor::new(&small, SpeedTemporalOptions::default()).is_ok());
    let tiny = format(64, 64, ChromaSubsampling::Yuv444);
    assert!(SpeedTemporalExtractor::new(&tiny, SpeedTemporalOptions::default()).is_err());

    let ok = format(320, 240, ChromaSubsampling::Yuv420);
    let bad_chroma = SpeedChromaOptions {
        speed_weight_var_mode: 7,
        ..Default::default()
    };
    assert!(matches!(
        SpeedChromaExtractor::new(&ok, bad_chroma),
        Err(Error::InvalidOption(_))
    ));
    let bad_temporal = SpeedTemporalOptions {
        common: SpeedCommonOptions {
            speed_sigma_nn: 0.0,
            ..Default::default()
        },
        ..Default::default()
    };
    assert!(matches!(
        SpeedTemporalExtractor::new(&ok, bad_temporal),
        Err(Error::InvalidOption(_))
    ));
}

#[test]
fn frames_of_another_format_are_refused() {
    let f = format(320, 240, ChromaSubsampling::Yuv420);
    let g = format(320, 240, ChromaSubsampling::Yuv444);
    let mut chroma = SpeedChromaExtractor::new(&f, SpeedChromaOptions::default()).unwrap();
    let (a, b) = (textured(f, 0), textured(g, 0));
    assert!(chroma.extract(&a.view(), &b.view()).is_err());
    let wide = format(336, 240, ChromaSubsampling::Yuv420);
    let mut t = SpeedTemporalExtractor::new(&f, SpeedTemporalOptions::default()).unwrap();
    let c = textured(wide, 0);
    assert!(t.push(&a.view(), &c.view()).is_err());
}

#[test]
fn prescale_and_use_ref_diff_change_the_scores() {
    let f = format(320, 240, ChromaSubsampling::Yuv444);
    let frames: Vec<Frame> = (0..2).map(|i| textured(f, i * 3)).collect();
    let dist: Vec<Frame> = (0..2).map(|i| textured(f, i * 3 + 1)).collect();
    let run = |options: SpeedTemporalOptions| {
        let mut t = SpeedTemporalExtractor::new(&f, options).unwrap();
        let mut last = 0.0;
        for (r, d) in frames.iter().zip(&dist) {
            last = t.push(&r.view(), &d.view()).unwrap().unwrap().1.temporal;
        }
        last
    };
    let base = run(SpeedTemporalOptions::default());
    let ref_diff = run(SpeedTemporalOptions {
        speed_use_ref_diff: true,
        ..Default::default()
    });
    let mut prescaled = SpeedTemporalOptions::default();
    prescaled.common.speed_prescale = 2.0;
    prescaled.common.speed_prescale_method = crate::feature::float_common::ResampleMethod::Bilinear;
    let scaled = run(prescaled);
    for v in [base, ref_diff, scaled] {
        assert!(v.is_finite() && v > 0.0, "{base} {ref_diff} {scaled}");
    }
    assert_ne!(base, ref_diff);
    assert_ne!(base, scaled);
}
