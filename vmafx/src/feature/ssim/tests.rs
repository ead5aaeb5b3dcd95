use std::collections::BTreeMap;

use super::*;
use crate::feature::frame_check::test_frames::{flat, format, noise};
use crate::frame::ChromaSubsampling::{Yuv400, Yuv420};

fn ssim(fmt: FrameFormat, options: SsimOptions, seed_r: u32, seed_d: u32) -> f64 {
    let mut ex = SsimExtractor::new(&fmt, options).unwrap();
    let (r, d) = (noise(fmt, seed_r), noise(fmt, seed_d));
    ex.extract(&r.view(), &d.view()).unwrap()
}

#[test]
fn identical_frames_score_one() {
    for (w, h, bpc) in [(16, 11, 8), (64, 48, 10), (800, 600, 8), (40, 30, 16)] {
        let fmt = format(w, h, Yuv420, bpc);
        let s = ssim(fmt, SsimOptions::default(), 5, 5);
        assert!((s - 1.0).abs() < 1e-6, "{w}x{h}@{bpc}: {s}");
    }
}

#[test]
fn flat_frames_score_the_luminance_ratio() {
    // Flat windows have no variance: contrast and structure are 1, luminance is
    // (2ab + C1) / (a² + b² + C1).
    let fmt = format(24, 16, Yuv400, 8);
    let mut ex = SsimExtractor::new(&fmt, SsimOptions::default()).unwrap();
    let (r, d) = (flat(fmt, [100, 0, 0]), flat(fmt, [120, 0, 0]));
    let c = ex.extract_components(&r.view(), &d.view()).unwrap();
    let c1 = (0.01f64 * 255.0).powi(2);
    let expected = (2.0 * 100.0 * 120.0 + c1) / (100.0f64 * 100.0 + 120.0 * 120.0 + c1);
    assert!((c.ssim - expected).abs() < 1e-6, "{} vs {expected}", c.ssim);
    assert_eq!((c.c, c.s), (1.0, 1.0));
}

#[test]
fn different_noise_scores_low() {
    let fmt = format(32, 32, Yuv420, 8);
    let s = ssim(fmt, SsimOptions::default(), 1, 2);
    assert!(s < 0.1, "{s}");
}

#[test]
fn ten_bit_equals_eight_bit_scaled_up() {
    let f8 = format(40, 24, Yuv420, 8);
    let f10 = format(40, 24, Yuv420, 10);
    let (r8, d8) = (noise(f8, 7), noise(f8, 8));
    let up = |f: &crate::Frame| {
        crate::feature::frame_check::test_frames::frame_from(f10, |p, x, y| {
            let w = f8.plane_width(p);
            match f.plane_buffer(p) {
                crate::frame::PlaneBuffer::U8(v) => u16::from(v[y * w + x]) << 2,
                crate::frame::PlaneBuffer::U16(_) => unreachable!(),
            }
        })
    };
    let mut e8 = SsimExtractor::new(&f8, SsimOptions::default()).unwrap();
    let mut e10 = SsimExtractor::new(&f10, SsimOptions::default()).unwrap();
    let a = e8.extract(&r8.view(), &d8.view()).unwrap();
    let b = e10.extract(&up(&r8).view(), &up(&d8).view()).unwrap();
    assert_eq!(a, b);
}

#[test]
fn automatic_scale_follows_the_short_side() {
    assert_eq!(auto_scale(320, 240), 1);
    assert_eq!(auto_scale(1280, 720), 3);
    assert_eq!(auto_scale(1920, 1080), 4);
    assert_eq!(auto_scale(3840, 2160), 8);
    assert_eq!(auto_scale(640, 384), 2);
    assert_eq!(auto_scale(640, 383), 1);
}

#[test]
fn tiny_frames_are_rejected() {
    assert!(SsimExtractor::new(&format(10, 40, Yuv420, 8), SsimOptions::default()).is_err());
    assert!(SsimExtractor::new(&format(40, 10, Yuv420, 8), SsimOptions::default()).is_err());
    assert!(SsimExtractor::new(&format(11, 11, Yuv420, 8), SsimOptions::default()).is_ok());
    let shrink = SsimOptions {
        scale: 4,
        ..Default::default()
    };
    // 40 / 4 = 10 < 11.
    assert!(SsimExtractor::new(&format(40, 44, Yuv420, 8), shrink).is_err());
    assert!(SsimExtractor::new(&format(44, 44, Yuv420, 8), shrink).is_ok());
}

#[test]
fn decibels_and_their_cap() {
    let fmt = format(32, 32, Yuv420, 8);
    let plain = ssim(fmt, SsimOptions::default(), 1, 2);
    let db = SsimOptions {
        enable_db: true,
        ..Default::default()
    };
    assert_eq!(ssim(fmt, db, 1, 2), -10.0 * (1.0 - plain).log10());
    let clipped = SsimOptions {
        clip_db: true,
        ..db
    };
    // Identical frames: ssim 1 -> infinite dB, capped at ceil(10 log10(65025 * 2048)).
    let cap = (10.0 * (65025.0f64 * 2048.0).log10()).ceil();
    let s = ssim(fmt, clipped, 3, 3);
    assert!(s <= cap, "{s} vs {cap}");
}

#[test]
fn options_parse_libvmaf_names() {
    let dict = BTreeMap::from([("scale".to_string(), 2.0), ("enable_lcs".to_string(), 1.0)]);
    let o = SsimOptions::from_dict(&dict).unwrap();
    assert_eq!((o.scale, o.enable_lcs, o.enable_db), (2, true, false));
    let bad = BTreeMap::from([("scale".to_string(), 11.0)]);
    assert!(matches!(
        SsimOptions::from_dict(&bad),
        Err(Error::OptionValue { .. })
    ));
    let unknown = BTreeMap::from([("gaussian".to_string(), 1.0)]);
    assert!(matches!(
        SsimOptions::from_dict(&unknown),
        Err(Error::UnknownOption { .. })
    ));
}

#[test]
fn extractor_is_send() {
    fn send<T: Send>() {}
    send::<SsimExtractor>();
}

#[test]
fn explicit_scale_overrides_the_automatic_one() {
    // 520 / 256 rounds to 2, so `scale 2` is the automatic choice and `scale 1` is not.
    let fmt = format(520, 520, Yuv400, 8);
    let with_scale = |scale| {
        let options = SsimOptions {
            scale,
            ..Default::default()
        };
        ssim(fmt, options, 11, 12)
    };
    let automatic = with_scale(0);
    assert_eq!(with_scale(2), automatic);
    assert_ne!(with_scale(1), automatic);
    assert_ne!(with_scale(3), automatic);
    // The box average of 2x2 noise is smoother, and SSIM of smoothed noise pairs is higher.
    assert!(with_scale(4) > with_scale(1));
}
