//! Tests of the ADM extractor: sanity on synthetic pictures and the conformance check
//! against libvmaf's golden output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;
use crate::frame::Plane;
use crate::io::{self, InputKind};
use crate::test_support::{as_printed, corpus_dir};

/// A small deterministic generator (xorshift64*), so tests need no dependency.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Smooth-ish random content: a gradient plus noise, `max` inclusive.
    fn picture(&mut self, w: usize, h: usize, max: u32) -> Vec<u32> {
        (0..w * h)
            .map(|i| {
                let (x, y) = ((i % w) as u32, (i / w) as u32);
                let base = (x * 7 + y * 3) % (max + 1);
                let jitter = (self.next() % (max as u64 / 4 + 1)) as u32;
                (base + jitter).min(max)
            })
            .collect()
    }
}

fn scores_u8(
    w: usize,
    h: usize,
    reference: &[u8],
    distorted: &[u8],
    opts: AdmOptions,
) -> AdmScores {
    let mut ex = AdmExtractor::new(w, h, 8, opts).unwrap();
    let r = PlaneRef::U8(Plane::new(reference, w, h, w).unwrap());
    let d = PlaneRef::U8(Plane::new(distorted, w, h, w).unwrap());
    ex.extract(r, d).unwrap()
}

/// Identical pictures score 1 only up to the fixed-point pipeline's bias, as in libvmaf:
/// the finest level's numerator uses the rounded constants 36453/49417 where the
/// denominator uses the float weights (36451.x/49414.x in the same units), which lifts
/// scale 0 by about 2e-5; the coarse levels' roundings add about 1e-6.
const SAME_PICTURE_TOLERANCE: f64 = 1e-4;

#[test]
fn identical_pictures_score_one() {
    let mut noise = Noise(0x1234_5678);
    for (w, h) in [(64, 48), (97, 71), (33, 33), (176, 144)] {
        let pic: Vec<u8> = noise
            .picture(w, h, 255)
            .into_iter()
            .map(|v| v as u8)
            .collect();
        for egl in [100.0, 1.0] {
            let opts = AdmOptions {
                enhn_gain_limit: egl,
                ..AdmOptions::default()
            };
            let s = scores_u8(w, h, &pic, &pic, opts);
            assert!(
                (s.adm2 - 1.0).abs() < SAME_PICTURE_TOLERANCE,
                "{w}x{h} egl {egl}: {s:?}"
            );
            for (k, v) in s.scale.iter().enumerate() {
                assert!(
                    (v - 1.0).abs() < SAME_PICTURE_TOLERANCE,
                    "{w}x{h} egl {egl} scale {k}: {v}"
                );
            }
            assert!(
                s.aim.abs() < SAME_PICTURE_TOLERANCE,
                "{w}x{h} egl {egl}: {s:?}"
            );
        }
    }
}

#[test]
fn identical_high_bit_depth_pictures_score_one() {
    let mut noise = Noise(99);
    let (w, h) = (81, 45);
    for bits in [10u8, 12, 16] {
        let pic: Vec<u16> = noise
            .picture(w, h, (1 << bits) - 1)
            .into_iter()
            .map(|v| v as u16)
            .collect();
        let mut ex = AdmExtractor::new(w, h, bits, AdmOptions::default()).unwrap();
        let p = PlaneRef::U16(Plane::new(&pic, w, h, w).unwrap());
        let s = ex.extract(p, p).unwrap();
        // 16 bits overflow libvmaf's 32-bit vertical sums; only require sanity there.
        if bits < 16 {
            assert!(
                (s.adm2 - 1.0).abs() < SAME_PICTURE_TOLERANCE,
                "{bits} bits: {s:?}"
            );
        } else {
            assert!(s.adm2.is_finite(), "{bits} bits: {s:?}");
        }
    }
}

#[test]
fn distortion_lowers_the_score_and_frames_are_independent() {
    let mut noise = Noise(7);
    let (w, h) = (120, 90);
    let reference: Vec<u8> = noise
        .picture(w, h, 255)
        .into_iter()
        .map(|v| v as u8)
        .collect();
    // A box blur loses detail.
    let blurred: Vec<u8> = (0..w * h)
        .map(|i| {
            let (x, y) = (i % w, i / w);
            let (mut sum, mut n) = (0u32, 0u32);
            for yy in y.saturating_sub(1)..(y + 2).min(h) {
                for xx in x.saturating_sub(1)..(x + 2).min(w) {
                    sum += u32::from(reference[yy * w + xx]);
                    n += 1;
                }
            }
            (sum / n) as u8
        })
        .collect();
    let mut ex = AdmExtractor::new(w, h, 8, AdmOptions::default()).unwrap();
    let r = PlaneRef::U8(Plane::new(&reference, w, h, w).unwrap());
    let d = PlaneRef::U8(Plane::new(&blurred, w, h, w).unwrap());
    let first = ex.extract(r, d).unwrap();
    assert!(first.adm2 < 0.99 && first.adm2 > 0.0, "{first:?}");
    assert!(first.aim >= 0.0 && first.adm3 <= 1.0, "{first:?}");
    ex.extract(r, r).unwrap();
    assert_eq!(
        ex.extract(r, d).unwrap(),
        first,
        "scratch reuse must not leak"
    );
}

#[test]
fn strided_planes_give_the_same_scores() {
    let mut noise = Noise(3);
    let (w, h, stride) = (50, 40, 64);
    let a: Vec<u8> = noise
        .picture(w, h, 255)
        .into_iter()
        .map(|v| v as u8)
        .collect();
    let b: Vec<u8> = noise
        .picture(w, h, 255)
        .into_iter()
        .map(|v| v as u8)
        .collect();
    let widen = |p: &[u8]| -> Vec<u8> {
        let mut out = vec![0xAA; stride * h];
        for y in 0..h {
            out[y * stride..y * stride + w].copy_from_slice(&p[y * w..y * w + w]);
        }
        out
    };
    let (sa, sb) = (widen(&a), widen(&b));
    let mut ex = AdmExtractor::new(w, h, 8, AdmOptions::default()).unwrap();
    let strided = ex
        .extract(
            PlaneRef::U8(Plane::new(&sa, w, h, stride).unwrap()),
            PlaneRef::U8(Plane::new(&sb, w, h, stride).unwrap()),
        )
        .unwrap();
    assert_eq!(strided, scores_u8(w, h, &a, &b, AdmOptions::default()));
}

#[test]
fn sizes_and_formats_are_validated() {
    for (w, h) in [(32, 100), (100, 32), (1, 1), (0, 50)] {
        assert!(
            AdmExtractor::new(w, h, 8, AdmOptions::default()).is_err(),
            "{w}x{h}"
        );
    }
    assert!(AdmExtractor::new(33, 33, 8, AdmOptions::default()).is_ok());
    assert!(AdmExtractor::new(64, 64, 7, AdmOptions::default()).is_err());
    assert!(AdmExtractor::new(64, 64, 17, AdmOptions::default()).is_err());
    let bad = AdmOptions {
        enhn_gain_limit: 0.5,
        ..AdmOptions::default()
    };
    assert!(AdmExtractor::new(64, 64, 8, bad).is_err());

    let mut ex = AdmExtractor::new(40, 40, 8, AdmOptions::default()).unwrap();
    let narrow = vec![0u8; 39 * 40];
    let square = vec![0u8; 40 * 40];
    let wide = vec![0u16; 40 * 40];
    let narrow = PlaneRef::U8(Plane::new(&narrow, 39, 40, 39).unwrap());
    let square = PlaneRef::U8(Plane::new(&square, 40, 40, 40).unwrap());
    let wide = PlaneRef::U16(Plane::new(&wide, 40, 40, 40).unwrap());
    assert!(ex.extract(narrow, square).is_err());
    assert!(ex.extract(square, wide).is_err());
    assert!(ex.extract(square, square).is_ok());
}

#[test]
fn option_variants_run() {
    let mut noise = Noise(11);
    let (w, h) = (90, 70);
    let a: Vec<u8> = noise
        .picture(w, h, 255)
        .into_iter()
        .map(|v| v as u8)
        .collect();
    let b: Vec<u8> = noise
        .picture(w, h, 255)
        .into_iter()
        .map(|v| v as u8)
        .collect();
    let variants: [&[(&str, f64)]; 5] = [
        &[("adm_csf_mode", 1.0), ("adm_csf_scale", 2.0)],
        &[("adm_csf_mode", 2.0)],
        &[("adm_csf_mode", 3.0), ("adm_norm_view_dist", 5.0)],
        &[("adm_skip_scale0", 1.0), ("adm_skip_aim", 1.0)],
        &[
            ("adm_norm_view_dist", 4.0),
            ("adm_dlm_weight", 1.0),
            ("adm_min_val", 0.9),
        ],
    ];
    for pairs in variants {
        let dict: BTreeMap<String, f64> = pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        let opts = AdmOptions::from_dict(&dict).unwrap();
        let s = scores_u8(w, h, &a, &b, opts);
        assert!(s.adm2.is_finite() && s.adm3.is_finite(), "{pairs:?}: {s:?}");
        if opts.skip_scale0 {
            assert_eq!(s.scale[0], 0.0);
            assert_eq!(s.aim, 0.0);
        }
        if opts.min_val > 0.0 {
            assert!(s.adm3 >= opts.min_val);
        }
    }
}

#[test]
fn extractor_is_send() {
    fn assert_send<T: Send>() {}
    assert_send::<AdmExtractor>();
}

// ---------------------------------------------------------------------------------------
// Conformance against the golden per-frame values printed by libvmaf.

/// `(pair name, reference path, distorted path)` for every pair of the manifest.
fn conformance_pairs(root: &Path) -> Vec<(String, PathBuf, PathBuf)> {
    let text = std::fs::read_to_string(root.join("manifest.json")).unwrap();
    let manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    manifest["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let path = |k: &str| root.join(p[k].as_str().unwrap());
            (
                p["name"].as_str().unwrap().to_string(),
                path("ref"),
                path("dist"),
            )
        })
        .collect()
}

/// Per metric: worst |ours - golden|, where it happened, and how many frames print
/// differently from the golden value.
type Worst = BTreeMap<String, (f64, String, usize)>;

/// Worst |ours - golden| per metric over one pair's frames, with `suffix` on the names.
fn compare_pair(
    pair: &(String, PathBuf, PathBuf),
    golden_path: &Path,
    suffix: &str,
    options: AdmOptions,
    worst: &mut Worst,
) {
    let text = std::fs::read_to_string(golden_path).unwrap();
    let golden: serde_json::Value = serde_json::from_str(&text).unwrap();
    let frames = golden["frames"].as_array().unwrap();
    let mut reference = io::open(&pair.1, InputKind::Y4m).unwrap();
    let mut distorted = io::open(&pair.2, InputKind::Y4m).unwrap();
    let format = *reference.format();
    let mut ex =
        AdmExtractor::new(format.width(), format.height(), format.bit_depth(), options).unwrap();
    for (n, expected) in frames.iter().enumerate() {
        let r = reference.read_frame().unwrap().unwrap();
        let d = distorted.read_frame().unwrap().unwrap();
        let s = ex.extract(r.plane(0), d.plane(0)).unwrap();
        let ours = [
            ("integer_adm2", s.adm2),
            ("integer_adm3", s.adm3),
            ("integer_aim", s.aim),
            ("integer_adm_scale0", s.scale[0]),
            ("integer_adm_scale1", s.scale[1]),
            ("integer_adm_scale2", s.scale[2]),
            ("integer_adm_scale3", s.scale[3]),
        ];
        for (name, value) in ours {
            let key = format!("{name}{suffix}");
            let want = expected["metrics"][&key].as_f64().unwrap();
            let delta = (value - want).abs();
            let entry = worst.entry(key).or_insert((0.0, String::new(), 0));
            if as_printed(value) != want {
                entry.2 += 1;
            }
            if delta >= entry.0 {
                entry.0 = delta;
                entry.1 = format!("{} frame {n}: ours {value:.9} golden {want}", pair.0);
            }
        }
    }
}

fn run_conformance() -> Option<Worst> {
    let Some(root) = corpus_dir() else {
        eprintln!("adm conformance skipped: shared/conformance not found");
        return None;
    };
    let neg = AdmOptions {
        enhn_gain_limit: 1.0,
        ..AdmOptions::default()
    };
    let mut worst = BTreeMap::new();
    for pair in conformance_pairs(&root) {
        let clips = root.join("clips");
        let normal = clips.join(format!("{}.vmaf_v0.6.1.json", pair.0));
        compare_pair(&pair, &normal, "", AdmOptions::default(), &mut worst);
        let egl = clips.join(format!("{}.vmaf_v0.6.1neg.json", pair.0));
        compare_pair(&pair, &egl, "_egl_1", neg, &mut worst);
    }
    Some(worst)
}

/// Every frame of every pair, normal and with `adm_enhn_gain_limit = 1` (`_egl_1`), must
/// print exactly as libvmaf printed it (so |delta| <= 5e-7).
#[test]
fn conformance_with_libvmaf() {
    let Some(worst) = run_conformance() else {
        return;
    };
    for (name, (delta, at, misprints)) in &worst {
        eprintln!("{name:28} worst |delta| {delta:.3e}, {misprints} misprinted ({at})");
    }
    for (name, (delta, at, misprints)) in &worst {
        assert!(*delta <= 1e-6, "{name}: |delta| {delta:e} at {at}");
        assert_eq!(
            *misprints, 0,
            "{name}: frames print differently from libvmaf"
        );
    }
}

/// The ADM options of the VMAF v1 models: the tabulated Barten/Watson CSF, a `0.5` floor
/// on `adm3`, no enhancement gain, with the model's viewing condition.
fn v1_options(norm_view_dist: f64, ref_display_height: i32) -> AdmOptions {
    AdmOptions {
        enhn_gain_limit: 1.0,
        norm_view_dist,
        ref_display_height,
        csf_mode: CsfMode::BartenWatsonBlend,
        noise_weight: 0.02,
        dlm_weight: 0.7,
        min_val: 0.5,
        ..AdmOptions::default()
    }
}

/// Every frame of every pair with a VMAF v1 golden file, for the 3H/1080 and the
/// 1.5H/2160 viewing conditions, prints exactly as libvmaf printed it.
#[test]
fn v1_model_options_match_libvmaf() {
    let Some(root) = corpus_dir() else {
        eprintln!("adm conformance skipped: shared/conformance not found");
        return;
    };
    let base = "_csf_2_dlmw_0.7_egl_1_min_0.5_nw_0.02";
    let models = [
        ("vmaf_v1.0.16_3d0h", base.to_string(), v1_options(3.0, 1080)),
        (
            "vmaf_v1.0.16_1d5h_2160",
            format!("{base}_nvd_1.5_rdh_2160"),
            v1_options(1.5, 2160),
        ),
    ];
    let mut worst = BTreeMap::new();
    let mut pairs = 0;
    for pair in conformance_pairs(&root) {
        for (model, suffix, options) in &models {
            let golden = root.join("clips").join(format!("{}.{model}.json", pair.0));
            if golden.exists() {
                compare_pair(&pair, &golden, suffix, *options, &mut worst);
                pairs += 1;
            }
        }
    }
    assert!(pairs > 0, "no VMAF v1 golden files");
    for (name, (delta, at, misprints)) in &worst {
        eprintln!("{name:60} worst |delta| {delta:.3e}, {misprints} misprinted ({at})");
    }
    for (name, (delta, at, misprints)) in &worst {
        assert!(*delta <= 1e-6, "{name}: |delta| {delta:e} at {at}");
        assert_eq!(
            *misprints, 0,
            "{name}: frames print differently from libvmaf"
        );
    }
}

/// The `debug` outputs (`integer_adm`, `_num`, `_den`, `_num_scaleN`, `_den_scaleN`) are
/// the sums the scores are formed from, as libvmaf forms them.
#[test]
fn debug_sums_agree_with_the_scores() {
    let mut noise = Noise(41);
    let (w, h) = (96, 64);
    let reference: Vec<u8> = noise
        .picture(w, h, 255)
        .into_iter()
        .map(|v| v as u8)
        .collect();
    let distorted: Vec<u8> = noise
        .picture(w, h, 255)
        .into_iter()
        .map(|v| v as u8)
        .collect();
    let s = scores_u8(w, h, &reference, &distorted, AdmOptions::default());
    for scale in 0..4 {
        assert_eq!(s.scale_num[scale] / s.scale_den[scale], s.scale[scale]);
    }
    assert_eq!(s.num, s.scale_num.iter().sum::<f64>());
    assert_eq!(s.den, s.scale_den.iter().sum::<f64>());
    assert_eq!(s.num / s.den, s.adm2);
    let named = s.debug_named();
    assert_eq!(named[0], ("integer_adm", s.adm2));
    assert_eq!(named[2], ("integer_adm_den", s.den));
    assert_eq!(named[9], ("integer_adm_num_scale3", s.scale_num[3]));
}
