//! Every supported kernel level gives the scalar reference's scores bit for bit.

use proptest::prelude::*;

use super::{VifExtractor, VifOptions, VifScores, MIN_DIMENSION};
use crate::cpu::CpuLevel;
use crate::frame::{Plane, PlaneRef};

/// SplitMix64: deterministic pictures from a proptest seed.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// How a test picture pair is made.
#[derive(Debug, Clone, Copy)]
enum Content {
    /// Independent uniform noise over the bit depth.
    Noise,
    /// A smooth pattern with flat areas, and a blurred, noisy copy.
    Textured,
    /// A smooth pattern and a contrast-stretched copy (gains above 1).
    Enhanced,
    /// Full 16-bit noise whatever the declared depth: out-of-range input.
    Garbage,
}

fn pictures(w: usize, h: usize, depth: u8, content: Content, seed: u64) -> [Vec<u16>; 2] {
    let mut noise = Noise(seed);
    let max = f64::from((1u32 << depth) - 1);
    let mut random = |bits: u8| (noise.next() >> (64 - u32::from(bits))) as u16;
    match content {
        Content::Noise => [0, 1].map(|_| (0..w * h).map(|_| random(depth)).collect()),
        Content::Garbage => [0, 1].map(|_| (0..w * h).map(|_| random(16)).collect()),
        Content::Textured | Content::Enhanced => {
            let phase = (seed % 97) as f64;
            let reference: Vec<f64> = (0..w * h)
                .map(|i| {
                    let (x, y) = ((i % w) as f64 + phase, (i / w) as f64);
                    let wave = (x / 5.0).sin() * (y / 7.0).cos();
                    // Flat plateaus where the wave is small.
                    let wave = if wave.abs() < 0.3 { 0.0 } else { wave };
                    0.5 + 0.35 * wave
                })
                .collect();
            let distorted: Vec<f64> = (0..w * h)
                .map(|i| {
                    let (x, y) = (i % w, i / w);
                    if let Content::Enhanced = content {
                        return 0.5 + 1.6 * (reference[i] - 0.5);
                    }
                    let right = reference[y * w + (x + 1).min(w - 1)];
                    let below = reference[(y + 1).min(h - 1) * w + x];
                    let grain = f64::from(random(8)) / 255.0 - 0.5;
                    (reference[i] + right + below) / 3.0 + 0.02 * grain
                })
                .collect();
            let quantize =
                |v: &Vec<f64>| v.iter().map(|s| (s.clamp(0.0, 1.0) * max) as u16).collect();
            [quantize(&reference), quantize(&distorted)]
        }
    }
}

/// An extractor for every supported level, and on x86_64 for every kernel variant (with
/// and without VNNI), named; the first one is the scalar reference.
fn extractors(w: usize, h: usize, depth: u8, options: VifOptions) -> Vec<(String, VifExtractor)> {
    let mut all = Vec::new();
    for level in CpuLevel::supported() {
        let vif = VifExtractor::with_cpu_level(w, h, depth, options, level).unwrap();
        assert_eq!(vif.cpu_level(), CpuLevel::capped(level));
        all.push((format!("{level:?}"), vif));
    }
    #[cfg(target_arch = "x86_64")]
    for kernel in super::x86::Kernel::all_supported() {
        let mut vif = VifExtractor::new(w, h, depth, options).unwrap();
        vif.engine = super::dispatch::Engine::X86 {
            kernel,
            workspace: Box::new(super::x86::Workspace::new(w)),
        };
        all.push((format!("{kernel:?}"), vif));
    }
    all
}

fn score(w: usize, h: usize, depth: u8, pair: &[Vec<u16>; 2], vif: &mut VifExtractor) -> VifScores {
    if depth == 8 {
        let bytes = pair
            .clone()
            .map(|p| p.iter().map(|&s| s as u8).collect::<Vec<u8>>());
        let plane = |i: usize| PlaneRef::U8(Plane::new(&bytes[i], w, h, w).unwrap());
        vif.extract(plane(0), plane(1)).unwrap()
    } else {
        let plane = |i: usize| PlaneRef::U16(Plane::new(&pair[i], w, h, w).unwrap());
        vif.extract(plane(0), plane(1)).unwrap()
    }
}

/// Equality of every number, by bits (so that even a NaN would have to match).
fn assert_identical(got: &VifScores, want: &VifScores, what: &str) {
    for i in 0..4 {
        assert_eq!(
            got.scale[i].to_bits(),
            want.scale[i].to_bits(),
            "{what}: {got:?} vs {want:?}"
        );
        assert_eq!(
            got.num[i].to_bits(),
            want.num[i].to_bits(),
            "{what}: {got:?} vs {want:?}"
        );
        assert_eq!(
            got.den[i].to_bits(),
            want.den[i].to_bits(),
            "{what}: {got:?} vs {want:?}"
        );
    }
}

fn check_all_levels(
    w: usize,
    h: usize,
    depth: u8,
    content: Content,
    seed: u64,
    options: VifOptions,
) {
    let pair = pictures(w, h, depth, content, seed);
    let mut all = extractors(w, h, depth, options);
    let reference = score(w, h, depth, &pair, &mut all[0].1);
    for (name, vif) in &mut all[1..] {
        let got = score(w, h, depth, &pair, vif);
        let what = format!("{w}x{h} {depth}-bit {content:?} seed {seed} {options:?} {name}");
        assert_identical(&got, &reference, &what);
    }
}

fn contents() -> impl Strategy<Value = Content> {
    prop_oneof![
        Just(Content::Noise),
        Just(Content::Textured),
        Just(Content::Enhanced),
        Just(Content::Garbage),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn every_level_equals_scalar(
        w in MIN_DIMENSION..140usize,
        h in MIN_DIMENSION..70usize,
        depth in prop_oneof![Just(8u8), Just(9), Just(10), Just(12), Just(16)],
        content in contents(),
        seed in any::<u64>(),
        gain_limit in prop_oneof![Just(1.0), Just(100.0), Just(1.7)],
        skip_scale0 in any::<bool>(),
    ) {
        let options = VifOptions { enhn_gain_limit: gain_limit, skip_scale0, ..Default::default() };
        check_all_levels(w, h, depth, content, seed, options);
    }
}

#[test]
fn smallest_and_wide_frames_match() {
    let options = VifOptions::default();
    for (w, h) in [
        (MIN_DIMENSION, MIN_DIMENSION),
        (MIN_DIMENSION + 1, 17),
        (333, 41),
    ] {
        for depth in [8, 10] {
            for content in [Content::Textured, Content::Noise] {
                check_all_levels(w, h, depth, content, 5, options);
            }
        }
    }
}
