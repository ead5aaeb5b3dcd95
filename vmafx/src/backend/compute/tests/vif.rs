//! VIF on the emulated device against VifExtractor: every f64 and f32 of the scores
//! equal by bits, on synthetic pictures (sizes down to the minimum, odd sizes, 8 to 16
//! bits, every distortion style, both options) and on the conformance clips.

use std::path::Path;

use proptest::prelude::*;

use super::super::vif_on;
use super::device;
use crate::feature::vif::{VifExtractor, VifOptions, VifScores};
use crate::frame::{Frame, PlaneRef};
use crate::io::{self, InputKind};
use crate::test_support::clips_dir;
use crate::test_support::pictures::{narrow, pair, plane, with_stride};

/// Every output as bits, for exact comparison.
fn bits(s: &VifScores) -> Vec<u64> {
    s.scale
        .iter()
        .map(|v| v.to_bits())
        .chain(s.num.iter().chain(&s.den).map(|v| u64::from(v.to_bits())))
        .collect()
}

fn options(enhn_gain_limit: f64, skip_scale0: bool) -> VifOptions {
    VifOptions {
        enhn_gain_limit,
        skip_scale0,
        ..VifOptions::default()
    }
}

/// Scores `samples` pairs (packed `w x h`) with both extractors; every pair must agree.
fn compare(w: usize, h: usize, depth: u8, options: VifOptions, pairs: &[(Vec<u16>, Vec<u16>)]) {
    let mut cpu = VifExtractor::new(w, h, depth, options).unwrap();
    let mut gpu = vif_on(&device(), w, h, depth, options).unwrap();
    for (a, b) in pairs {
        let (a8, b8) = (narrow(a), narrow(b));
        let (pa, pb) = (plane(a, &a8, w, h, w, depth), plane(b, &b8, w, h, w, depth));
        let want = cpu.extract(pa, pb).unwrap();
        let got = gpu.extract(pa, pb).unwrap();
        assert_eq!(
            bits(&got),
            bits(&want),
            "{w}x{h} at {depth} bits, {options:?}: {got:?} vs {want:?}"
        );
    }
}

fn vif_case(w: usize, h: usize, depth: u8, style: u64, seed: u64, options: VifOptions) {
    compare(w, h, depth, options, &[pair(w, h, depth, style, seed)]);
}

#[test]
fn vif_fixed_cases() {
    for (w, h, depth) in [
        (16, 16, 8),
        (17, 16, 8),
        (16, 19, 10),
        (31, 33, 12),
        (64, 48, 8),
        (101, 37, 10),
        (97, 61, 16),
        (176, 144, 8),
        (45, 23, 9),
        (40, 35, 14),
    ] {
        for style in 0..4 {
            vif_case(w, h, depth, style, 31 + style, VifOptions::default());
        }
    }
}

#[test]
fn vif_options_cases() {
    for (w, h, depth) in [(16, 16, 8), (67, 41, 8), (50, 38, 10), (37, 53, 16)] {
        for style in 0..4 {
            for (egl, skip) in [(1.0, false), (100.0, false), (1.0, true), (100.0, true)] {
                vif_case(w, h, depth, style, 5 + style, options(egl, skip));
            }
            vif_case(w, h, depth, style, 8, options(2.75, false));
        }
    }
}

/// The same extractors over several frames: nothing leaks from one frame to the next.
#[test]
fn vif_frame_sequence() {
    let frames: Vec<_> = (0..5).map(|i| pair(73, 45, 10, i % 4, 100 + i)).collect();
    compare(73, 45, 10, VifOptions::default(), &frames);
    compare(73, 45, 10, options(1.0, true), &frames);
}

/// Samples above the declared bit depth: the CPU's truncations to 16 and 32 bits hold.
#[test]
fn vif_samples_beyond_the_bit_depth() {
    for (depth, style) in [(9, 3), (10, 3), (12, 1), (10, 2)] {
        let (a, b) = pair(48, 40, 16, style, 77);
        compare(
            48,
            40,
            depth,
            VifOptions::default(),
            &[(a.clone(), b.clone())],
        );
        compare(48, 40, depth, options(1.0, false), &[(b, a)]);
    }
    // 8-bit: full-range noise is the worst case there.
    compare(35, 29, 8, VifOptions::default(), &[pair(35, 29, 8, 3, 4)]);
}

/// Identical, constant and extreme pictures.
#[test]
fn vif_degenerate_pictures() {
    for depth in [8u8, 10, 16] {
        let max = ((1u32 << depth) - 1) as u16;
        let (a, _) = pair(40, 24, depth, 0, 3);
        let flat = vec![max / 3; 40 * 24];
        let white = vec![max; 40 * 24];
        let zero = vec![0; 40 * 24];
        let checker: Vec<u16> = (0..40 * 24)
            .map(|i| if (i % 40 + i / 40) % 2 == 0 { max } else { 0 })
            .collect();
        let cases = [
            (a.clone(), a.clone()),
            (flat.clone(), a.clone()),
            (a.clone(), flat),
            (white.clone(), zero.clone()),
            (zero, white),
            (checker.clone(), a),
            (checker.clone(), checker),
        ];
        compare(40, 24, depth, VifOptions::default(), &cases);
        compare(40, 24, depth, options(1.0, true), &cases);
    }
}

#[test]
fn vif_strided_planes() {
    let (w, h, stride) = (53, 29, 64);
    for depth in [8u8, 12] {
        let (a, b) = pair(w, h, depth, 2, 9);
        let (sa, sb) = (with_stride(&a, w, stride, 5), with_stride(&b, w, stride, 1));
        let (sa8, sb8) = (narrow(&sa), narrow(&sb));
        let (pa, pb) = (
            plane(&sa, &sa8, w, h, stride, depth),
            plane(&sb, &sb8, w, h, stride, depth),
        );
        let want = VifExtractor::new(w, h, depth, VifOptions::default())
            .unwrap()
            .extract(pa, pb)
            .unwrap();
        let mut gpu = vif_on(&device(), w, h, depth, VifOptions::default()).unwrap();
        assert_eq!(bits(&gpu.extract(pa, pb).unwrap()), bits(&want));
    }
}

/// `new` and `extract` refuse exactly what the CPU extractor refuses.
#[test]
fn vif_refuses_what_the_cpu_refuses() {
    let device = device();
    for (w, h, depth, egl) in [
        (15, 16, 8, 100.0),
        (16, 15, 8, 100.0),
        (16, 16, 7, 100.0),
        (16, 16, 17, 100.0),
        (16, 16, 8, 0.5),
        (16, 16, 8, 100.5),
        (16, 16, 8, f64::NAN),
    ] {
        let opts = options(egl, false);
        let cpu = VifExtractor::new(w, h, depth, opts).map(|_| ());
        let gpu = vif_on(&device, w, h, depth, opts).map(|_| ());
        assert!(cpu.is_err(), "{w}x{h} {depth} {egl}");
        assert_eq!(gpu.unwrap_err().to_string(), cpu.unwrap_err().to_string());
    }
    let (a, b) = pair(32, 32, 10, 0, 1);
    let (a8, b8) = (narrow(&a), narrow(&b));
    let wide = plane(&a, &a8, 32, 32, 32, 10);
    let small = plane(&b, &b8, 32, 16, 32, 10);
    let byte = plane(&a, &a8, 32, 32, 32, 8);
    let mut cpu = VifExtractor::new(32, 32, 10, VifOptions::default()).unwrap();
    let mut gpu = vif_on(&device, 32, 32, 10, VifOptions::default()).unwrap();
    for (r, d) in [(wide, small), (small, wide), (wide, byte), (byte, byte)] {
        let want = cpu.extract(r, d).unwrap_err().to_string();
        assert_eq!(gpu.extract(r, d).unwrap_err().to_string(), want);
    }
    let mut gpu8 = vif_on(&device, 32, 32, 8, VifOptions::default()).unwrap();
    assert!(gpu8.extract(wide, wide).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn vif_equals_cpu(
        w in 16usize..90, h in 16usize..70,
        depth in proptest::sample::select(vec![8u8, 9, 10, 11, 12, 14, 16]),
        style in 0u64..4, seed in any::<u64>(),
        egl in prop_oneof![Just(1.0f64), Just(100.0f64), 1.0f64..100.0],
        skip in any::<bool>(),
    ) {
        vif_case(w, h, depth, style, seed, options(egl, skip));
    }
}

/// Frames read from the conformance clips, at most this many per clip.
const CLIP_FRAMES: usize = 10;

fn read_frames(path: &Path) -> Vec<Frame> {
    let mut reader = io::open(path, InputKind::Y4m).expect("clip opens");
    let mut frames = Vec::new();
    while frames.len() < CLIP_FRAMES {
        match reader.read_frame().expect("clip reads") {
            Some(frame) => frames.push(frame),
            None => break,
        }
    }
    frames
}

/// The first frames of every conformance pair, default options and the `neg` models'
/// gain limit: the compute scores equal the CPU's bit for bit.
#[test]
fn vif_equals_cpu_on_conformance_clips() {
    let Some(clips) = clips_dir() else {
        eprintln!("skipped: shared/conformance not found");
        return;
    };
    let root = clips.parent().expect("clips has a parent");
    let text = std::fs::read_to_string(root.join("manifest.json")).expect("manifest reads");
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("manifest parses");
    let device = device();
    let (mut frames, mut values) = (0, 0);
    for entry in manifest["pairs"].as_array().expect("pair list") {
        let path = |key: &str| root.join(entry[key].as_str().expect("clip path"));
        let (refs, dists) = (read_frames(&path("ref")), read_frames(&path("dist")));
        let format = *refs[0].format();
        let (w, h, depth) = (format.width(), format.height(), format.bit_depth());
        for egl in [100.0, 1.0] {
            let opts = options(egl, false);
            let mut cpu = VifExtractor::new(w, h, depth, opts).expect("cpu vif");
            let mut gpu = vif_on(&device, w, h, depth, opts).expect("compute vif");
            for (index, (r, d)) in refs.iter().zip(&dists).enumerate() {
                let (r, d): (PlaneRef<'_>, PlaneRef<'_>) = (r.plane(0), d.plane(0));
                let want = cpu.extract(r, d).expect("cpu scores");
                let got = gpu.extract(r, d).expect("compute scores");
                assert_eq!(
                    bits(&got),
                    bits(&want),
                    "{} frame {index}, gain limit {egl}",
                    entry["name"]
                );
                frames += 1;
                values += bits(&got).len();
            }
        }
    }
    eprintln!(
        "compute VIF vs CPU on the conformance clips: {frames} frames, {values} values equal"
    );
}
