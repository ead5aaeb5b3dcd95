//! ADM on the emulated device against AdmExtractor: every f64 of the scores equal by
//! bits, on synthetic pictures (all sizes from the minimum, odd ones, 8..16 bits, every
//! distortion style, many options) and on the conformance clips when present.

use std::path::Path;

use proptest::prelude::*;

use super::super::adm_on;
use super::device;
use crate::feature::adm::{AdmExtractor, AdmOptions, CsfMode, MIN_DIMENSION};
use crate::frame::{Frame, PlaneRef};
use crate::io::{self, InputKind};
use crate::test_support::adm_cases::{adm_bits, adm_options};
use crate::test_support::clips_dir;
use crate::test_support::pictures::{narrow, pair, plane, with_stride};

/// Scores one pair (rows `stride_pad` samples longer than the picture) on both, then the
/// swapped pair on the same extractors: the second frame must not see the first's sums.
fn adm_case(
    (w, h, depth): (usize, usize, u8),
    style: u64,
    seed: u64,
    stride_pad: usize,
    options: AdmOptions,
) {
    let (a, b) = pair(w, h, depth, style, seed);
    let stride = w + stride_pad;
    let (a, b) = (
        with_stride(&a, w, stride, 5),
        with_stride(&b, w, stride, 11),
    );
    let (a8, b8) = (narrow(&a), narrow(&b));
    let pa = plane(&a, &a8, w, h, stride, depth);
    let pb = plane(&b, &b8, w, h, stride, depth);
    let mut cpu = AdmExtractor::new(w, h, depth, options).unwrap();
    let mut gpu = adm_on(&device(), w, h, depth, options).unwrap();
    for (r, d) in [(pa, pb), (pb, pa)] {
        let want = cpu.extract(r, d).unwrap();
        let got = gpu.extract(r, d).unwrap();
        assert_eq!(
            adm_bits(&got),
            adm_bits(&want),
            "{w}x{h} at {depth} bits, style {style}, {options:?}: {got:?} vs {want:?}"
        );
    }
}

#[test]
fn adm_fixed_cases() {
    let sizes = [
        (MIN_DIMENSION, MIN_DIMENSION, 8),
        (34, 33, 10),
        (33, 50, 12),
        (48, 37, 10),
        (64, 48, 8),
        (97, 65, 12),
        (70, 40, 16),
        (131, 77, 8),
        (176, 144, 16),
    ];
    for (k, &size) in sizes.iter().enumerate() {
        for style in 0..4 {
            let seed = (size.0 * 13 + size.1) as u64 + style;
            adm_case(size, style, seed, k % 3, adm_options(k as u64 * 4 + style));
        }
    }
}

#[test]
fn adm_large_frame() {
    // Above 2^20 scored level-0 samples the denominator's rows are shifted too.
    adm_case((3840, 2160, 10), 2, 4, 0, AdmOptions::default());
}

#[test]
fn adm_every_option_set_at_every_common_depth() {
    for choice in 0..12 {
        for (k, depth) in [8u8, 10, 12, 16].into_iter().enumerate() {
            adm_case(
                (45, 39, depth),
                k as u64,
                choice * 7 + k as u64,
                0,
                adm_options(choice),
            );
        }
    }
}

#[test]
fn adm_extreme_pictures() {
    // Full-range steps and flat pictures push the 16-bit level-0 sums to their wrap and
    // the decoupling to its edge cases (zero reference, sign flips, exact gains).
    for depth in [8u8, 12, 16] {
        let (w, h) = (40, 36);
        let max = (1u32 << depth) as u16 - 1;
        let step: Vec<u16> = (0..w * h)
            .map(|i| {
                if (i % w / 3 + i / w / 2) % 2 == 0 {
                    0
                } else {
                    max
                }
            })
            .collect();
        let inverse: Vec<u16> = step.iter().map(|&s| max - s).collect();
        let flat = vec![max / 2; w * h];
        let half: Vec<u16> = step.iter().map(|&s| s / 2).collect();
        for (r, d) in [
            (&step, &inverse),
            (&step, &flat),
            (&flat, &step),
            (&step, &step),
            (&step, &half),
        ] {
            for choice in [0, 1, 6] {
                let (r8, d8) = (narrow(r), narrow(d));
                let pr = plane(r, &r8, w, h, w, depth);
                let pd = plane(d, &d8, w, h, w, depth);
                let o = adm_options(choice);
                let want = AdmExtractor::new(w, h, depth, o)
                    .unwrap()
                    .extract(pr, pd)
                    .unwrap();
                let got = adm_on(&device(), w, h, depth, o)
                    .unwrap()
                    .extract(pr, pd)
                    .unwrap();
                assert_eq!(
                    adm_bits(&got),
                    adm_bits(&want),
                    "{depth} bits, options {choice}"
                );
            }
        }
    }
}

#[test]
fn adm_refuses_what_the_cpu_refuses() {
    let device = device();
    let good = AdmOptions::default();
    let bad = AdmOptions {
        enhn_gain_limit: 0.5,
        ..good
    };
    for (w, h, depth, o) in [
        (32, 40, 8, good),
        (40, 32, 8, good),
        (40, 40, 7, good),
        (40, 40, 17, good),
        (40, 40, 8, bad),
    ] {
        assert!(AdmExtractor::new(w, h, depth, o).is_err());
        assert!(adm_on(&device, w, h, depth, o).is_err(), "{w}x{h}");
    }
    let mut gpu = adm_on(&device, 40, 40, 10, good).unwrap();
    let (a, _) = pair(40, 40, 10, 0, 1);
    let small = plane(&a, &[], 39, 40, 40, 10);
    let right = plane(&a, &[], 40, 40, 40, 10);
    let a8 = narrow(&a);
    let bytes = plane(&a, &a8, 40, 40, 40, 8);
    assert!(gpu.extract(small, right).is_err());
    assert!(gpu.extract(right, bytes).is_err());
    assert!(gpu.extract(right, right).is_ok());
}

/// Options drawn from every field's range (valid combinations only).
fn any_options() -> impl Strategy<Value = AdmOptions> {
    (
        prop_oneof![Just(100.0), Just(1.0), 1.0f64..100.0],
        0u32..4,
        (0.0f64..50.0, 0.0f64..50.0),
        prop_oneof![Just(0.03125), 0.0f64..1500.0],
        (0.0f64..=1.0, 0.0f64..=1.0),
        (any::<bool>(), proptest::bool::weighted(0.2)),
    )
        .prop_map(
            |(egl, csf, (scale, diag), nw, (dlm, min), (skip_aim, ssz))| {
                let mut o = AdmOptions {
                    enhn_gain_limit: egl,
                    csf_mode: CsfMode::from_code(csf as i32).unwrap_or_default(),
                    csf_scale: scale,
                    csf_diag_scale: diag,
                    noise_weight: nw,
                    dlm_weight: dlm,
                    min_val: min,
                    skip_aim,
                    skip_scale0: ssz,
                    ..AdmOptions::default()
                };
                if csf == 1 {
                    // Barten also takes other viewing conditions.
                    o.norm_view_dist = 3.0 + scale / 10.0;
                }
                o
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn adm_equals_cpu(
        w in MIN_DIMENSION..120, h in MIN_DIMENSION..90,
        depth in proptest::sample::select(vec![8u8, 9, 10, 11, 12, 14, 16]),
        style in 0u64..4, seed in any::<u64>(), pad in 0usize..4, o in any_options(),
    ) {
        prop_assume!(o.validate().is_ok());
        adm_case((w, h, depth), style, seed, pad, o);
    }
}

/// Frames scored per clip pair: enough to cover scene content, cheap on the emulator.
const CLIP_FRAMES: usize = 10;

fn first_frames(path: &Path) -> Vec<Frame> {
    let mut reader = io::open(path, InputKind::Y4m).expect("clip opens");
    let mut frames = Vec::new();
    let mut frame = Frame::zeroed(*reader.format());
    while frames.len() < CLIP_FRAMES && reader.read_into(&mut frame).expect("clip reads") {
        frames.push(frame.clone());
    }
    frames
}

/// The first frames of every conformance pair, default options and the `neg` models'
/// gain limit: equal to the CPU by bits.
#[test]
fn adm_equals_cpu_on_conformance_clips() {
    let Some(clips) = clips_dir().filter(|dir| dir.is_dir()) else {
        eprintln!("skipped: conformance clips not found");
        return;
    };
    let root = clips.parent().expect("clips has a parent");
    let text = std::fs::read_to_string(root.join("manifest.json")).expect("manifest reads");
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("manifest parses");
    let pairs = manifest["pairs"].as_array().expect("pair list");
    let device = device();
    let (mut scored, mut mismatches) = (0usize, 0usize);
    for pair in pairs {
        let name = pair["name"].as_str().expect("pair name");
        let refs = first_frames(&root.join(pair["ref"].as_str().expect("ref path")));
        let dists = first_frames(&root.join(pair["dist"].as_str().expect("dist path")));
        let format = *refs[0].format();
        let (w, h, depth) = (format.width(), format.height(), format.bit_depth());
        for egl in [100.0, 1.0] {
            let o = AdmOptions {
                enhn_gain_limit: egl,
                ..AdmOptions::default()
            };
            let mut cpu = AdmExtractor::new(w, h, depth, o).expect("cpu adm");
            let mut gpu = adm_on(&device, w, h, depth, o).expect("compute adm");
            for (index, (r, d)) in refs.iter().zip(&dists).enumerate() {
                let (r, d): (PlaneRef<'_>, PlaneRef<'_>) = (r.plane(0), d.plane(0));
                let want = cpu.extract(r, d).expect("cpu scores");
                let got = gpu.extract(r, d).expect("compute scores");
                scored += 1;
                if adm_bits(&got) != adm_bits(&want) {
                    mismatches += 1;
                    eprintln!("MISMATCH {name} frame {index} egl {egl}: {got:?} vs {want:?}");
                }
            }
        }
    }
    eprintln!(
        "compute ADM vs CPU: {} pairs, {scored} frame scorings, {mismatches} mismatches",
        pairs.len()
    );
    assert!(scored > 0, "no conformance frames were scored");
    assert_eq!(mismatches, 0, "compute ADM differs from the CPU");
}
