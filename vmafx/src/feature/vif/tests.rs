use std::collections::BTreeMap;

use super::{VifExtractor, VifOptions, VifScores, MIN_DIMENSION};
use crate::frame::{Plane, PlaneRef};
use crate::Error;

/// SplitMix64: a small deterministic generator for test pictures.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn samples(&mut self, len: usize, bit_depth: u8) -> Vec<u16> {
        (0..len)
            .map(|_| (self.next() >> (64 - bit_depth)) as u16)
            .collect()
    }
}

fn as_u8(samples: &[u16]) -> Vec<u8> {
    samples.iter().map(|&s| s as u8).collect()
}

fn plane8(data: &[u8], w: usize, h: usize) -> PlaneRef<'_> {
    PlaneRef::U8(Plane::new(data, w, h, w).unwrap())
}

fn plane16(data: &[u16], w: usize, h: usize) -> PlaneRef<'_> {
    PlaneRef::U16(Plane::new(data, w, h, w).unwrap())
}

fn score_u8(w: usize, h: usize, a: &[u8], b: &[u8], options: VifOptions) -> VifScores {
    let mut vif = VifExtractor::new(w, h, 8, options).unwrap();
    let a = PlaneRef::U8(Plane::new(a, w, h, w).unwrap());
    let b = PlaneRef::U8(Plane::new(b, w, h, w).unwrap());
    vif.extract(a, b).unwrap()
}

fn score_u16(w: usize, h: usize, depth: u8, a: &[u16], b: &[u16]) -> VifScores {
    let mut vif = VifExtractor::new(w, h, depth, VifOptions::default()).unwrap();
    let a = PlaneRef::U16(Plane::new(a, w, h, w).unwrap());
    let b = PlaneRef::U16(Plane::new(b, w, h, w).unwrap());
    vif.extract(a, b).unwrap()
}

/// A smooth picture with texture, so that both the log and the flat branches occur.
fn textured(w: usize, h: usize, bit_depth: u8, noise: &mut Noise) -> Vec<u16> {
    let max = (1u32 << bit_depth) - 1;
    (0..w * h)
        .map(|i| {
            let (x, y) = ((i % w) as f64, (i / w) as f64);
            let base = 0.5 + 0.3 * (x / 7.0).sin() * (y / 11.0).cos();
            let grain = (noise.next() % 9) as f64 / 255.0;
            ((base + grain) * f64::from(max)).min(f64::from(max)) as u16
        })
        .collect()
}

/// Identical pictures score 1 up to the fixed-point log: the numerator's gain is truncated
/// just below 1 (`g = s / (s + eps)`), which now and then moves the 16-bit log2 argument
/// across a step. libvmaf behaves the same way.
fn assert_near_one(s: &VifScores, what: &str) {
    for i in 0..4 {
        assert!(s.num[i] <= s.den[i], "{what}: {s:?}");
        assert!((s.scale[i] - 1.0).abs() < 1e-4, "{what}: {s:?}");
    }
}

#[test]
fn identical_random_pictures_score_one() {
    let mut noise = Noise(7);
    for &(w, h) in &[(64, 48), (67, 45), (16, 16), (33, 129)] {
        let a = noise.samples(w * h, 8);
        let a8 = as_u8(&a);
        let s = score_u8(w, h, &a8, &a8, VifOptions::default());
        assert_near_one(&s, "8-bit");
        let a10 = noise.samples(w * h, 10);
        let s = score_u16(w, h, 10, &a10, &a10);
        assert_near_one(&s, "10-bit");
    }
}

#[test]
fn distortion_lowers_the_score_and_gain_limit_caps_it() {
    let mut noise = Noise(11);
    let (w, h) = (80, 64);
    let reference = as_u8(&textured(w, h, 8, &mut noise));
    let blurred: Vec<u8> = (0..w * h)
        .map(|i| {
            let (x, y) = (i % w, i / w);
            let at = |dx: usize| u16::from(reference[y * w + (x + dx).min(w - 1)]);
            ((at(0) + at(1) + at(2) + 1) / 3) as u8
        })
        .collect();
    let s = score_u8(w, h, &reference, &blurred, VifOptions::default());
    assert!(s.scale.iter().all(|&v| v > 0.0 && v < 1.0), "{:?}", s.scale);

    // Stretching the contrast looks like an enhancement: a gain above 1.
    let stretched: Vec<u8> = reference
        .iter()
        .map(|&v| (128.0 + 1.5 * (f64::from(v) - 128.0)).clamp(0.0, 255.0) as u8)
        .collect();
    let free = score_u8(w, h, &reference, &stretched, VifOptions::default());
    let egl = VifOptions {
        enhn_gain_limit: 1.0,
        ..VifOptions::default()
    };
    let capped = score_u8(w, h, &reference, &stretched, egl);
    assert!(free.scale.iter().all(|&v| v > 1.0), "{:?}", free.scale);
    assert!(capped.scale.iter().all(|&v| v <= 1.0), "{:?}", capped.scale);
}

#[test]
fn extraction_is_deterministic_and_keeps_no_state() {
    let mut noise = Noise(3);
    let (w, h) = (53, 37);
    let frames: Vec<Vec<u16>> = (0..3).map(|_| textured(w, h, 10, &mut noise)).collect();
    let mut vif = VifExtractor::new(w, h, 10, VifOptions::default()).unwrap();
    let plane = |d| plane16(d, w, h);
    let first = vif.extract(plane(&frames[0]), plane(&frames[1])).unwrap();
    vif.extract(plane(&frames[2]), plane(&frames[1])).unwrap();
    let again = vif.extract(plane(&frames[0]), plane(&frames[1])).unwrap();
    assert_eq!(first, again);
    assert_eq!(first, score_u16(w, h, 10, &frames[0], &frames[1]));
}

#[test]
fn stride_padding_is_ignored() {
    let mut noise = Noise(5);
    let (w, h, stride) = (41, 23, 64);
    let a = as_u8(&noise.samples(w * h, 8));
    let b = as_u8(&noise.samples(w * h, 8));
    let packed = score_u8(w, h, &a, &b, VifOptions::default());
    let spread = |src: &[u8]| {
        let mut out = vec![0xAB; stride * h];
        for y in 0..h {
            out[y * stride..y * stride + w].copy_from_slice(&src[y * w..(y + 1) * w]);
        }
        out
    };
    let (sa, sb) = (spread(&a), spread(&b));
    let mut vif = VifExtractor::new(w, h, 8, VifOptions::default()).unwrap();
    let strided = vif
        .extract(
            PlaneRef::U8(Plane::new(&sa, w, h, stride).unwrap()),
            PlaneRef::U8(Plane::new(&sb, w, h, stride).unwrap()),
        )
        .unwrap();
    assert_eq!(packed, strided);
}

#[test]
fn extreme_samples_do_not_panic() {
    let (w, h) = (MIN_DIMENSION, MIN_DIMENSION + 1);
    let full: Vec<u16> = (0..w * h)
        .map(|i| if i % 3 == 0 { 0 } else { u16::MAX })
        .collect();
    let zero = vec![0u16; w * h];
    for depth in [9, 10, 12, 16] {
        // Samples above the declared depth are garbage in, but must not crash.
        let s = score_u16(w, h, depth, &full, &zero);
        assert!(s.scale.iter().all(|v| !v.is_nan()));
        score_u16(w, h, depth, &zero, &full);
        score_u16(w, h, depth, &full, &full);
    }
    let full8 = as_u8(&full);
    score_u8(w, h, &full8, &vec![0; w * h], VifOptions::default());
}

#[test]
fn skipping_scale0_reports_zero() {
    let mut noise = Noise(9);
    let (w, h) = (32, 32);
    let a = as_u8(&textured(w, h, 8, &mut noise));
    let b = as_u8(&textured(w, h, 8, &mut noise));
    let full = score_u8(w, h, &a, &b, VifOptions::default());
    let skip = VifOptions {
        skip_scale0: true,
        ..VifOptions::default()
    };
    let skipped = score_u8(w, h, &a, &b, skip);
    assert_eq!(skipped.scale[0], 0.0);
    assert_eq!(skipped.den[0], -1.0);
    assert_eq!(skipped.scale[1..], full.scale[1..]);
    let expected = (1..4).map(|i| f64::from(full.num[i])).sum::<f64>()
        / (1..4).map(|i| f64::from(full.den[i])).sum::<f64>();
    assert_eq!(skipped.combined(), expected);
    let debug = skipped.debug_named();
    assert_eq!(debug[0], ("integer_vif", expected));
    assert_eq!(
        debug[1].1,
        (1..4).map(|i| f64::from(full.num[i])).sum::<f64>()
    );
    assert_eq!(debug[3], ("integer_vif_num_scale0", 0.0));
    assert_eq!(debug[4], ("integer_vif_den_scale0", -1.0));
    assert_eq!(
        debug[10],
        ("integer_vif_den_scale3", f64::from(full.den[3]))
    );
}

#[test]
fn sizes_depths_and_planes_are_validated() {
    let opts = VifOptions::default();
    assert!(VifExtractor::new(MIN_DIMENSION - 1, 64, 8, opts).is_err());
    assert!(VifExtractor::new(64, MIN_DIMENSION - 1, 8, opts).is_err());
    assert!(VifExtractor::new(64, 64, 7, opts).is_err());
    assert!(VifExtractor::new(64, 64, 17, opts).is_err());
    assert!(VifExtractor::new(MIN_DIMENSION, MIN_DIMENSION, 16, opts).is_ok());
    let bad_gain = VifOptions {
        enhn_gain_limit: 0.5,
        ..opts
    };
    assert!(matches!(
        VifExtractor::new(64, 64, 8, bad_gain),
        Err(Error::Feature(_))
    ));

    let mut vif = VifExtractor::new(20, 20, 8, opts).unwrap();
    let small = vec![0u8; 19 * 20];
    let right = vec![0u8; 20 * 20];
    let wide = vec![0u16; 20 * 20];
    let p8 = |d, w| plane8(d, w, 20);
    let p16 = plane16(&wide, 20, 20);
    assert!(vif.extract(p8(&small, 19), p8(&right, 20)).is_err());
    assert!(vif.extract(p8(&right, 20), p8(&small, 19)).is_err());
    assert!(vif.extract(p16, p16).is_err());
    assert!(vif.extract(p8(&right, 20), p16).is_err());
    let mut vif10 = VifExtractor::new(20, 20, 10, opts).unwrap();
    assert!(vif10.extract(p8(&right, 20), p8(&right, 20)).is_err());
    assert!(vif10.extract(p16, p16).is_ok());
}

#[test]
fn options_follow_libvmaf_names_and_ranges() {
    let dict = |k: &str, v: f64| BTreeMap::from([(k.to_string(), v)]);
    assert_eq!(
        VifOptions::from_dict(&BTreeMap::new()).unwrap(),
        VifOptions::default()
    );
    assert_eq!(VifOptions::default().enhn_gain_limit, 100.0);
    let neg = VifOptions::from_dict(&dict("vif_enhn_gain_limit", 1.0)).unwrap();
    assert_eq!(neg.enhn_gain_limit, 1.0);
    assert!(
        VifOptions::from_dict(&dict("vif_skip_scale0", 1.0))
            .unwrap()
            .skip_scale0
    );
    assert!(VifOptions::from_dict(&dict("debug", 1.0)).unwrap().debug);
    for (k, v) in [
        ("vif_enhn_gain_limit", 0.99),
        ("vif_enhn_gain_limit", 100.5),
        ("vif_enhn_gain_limit", f64::NAN),
        ("vif_skip_scale0", 0.5),
        ("debug", 2.0),
        ("adm_enhn_gain_limit", 1.0),
        ("egl", 1.0),
    ] {
        let got = VifOptions::from_dict(&dict(k, v));
        assert!(
            matches!(
                got,
                Err(Error::OptionValue { .. } | Error::UnknownOption { .. })
            ),
            "{k}={v}: {got:?}"
        );
    }
}

fn assert_send<T: Send>() {}

#[test]
fn extractor_is_send() {
    assert_send::<VifExtractor>();
}
