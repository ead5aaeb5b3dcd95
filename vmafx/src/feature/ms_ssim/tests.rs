use std::collections::BTreeMap;

use super::*;
use crate::feature::frame_check::test_frames::{flat, format, noise};
use crate::frame::ChromaSubsampling::{Yuv420, Yuv444};

#[test]
fn identical_frames_score_one() {
    for (w, h, bpc) in [(176, 176, 8), (181, 190, 10)] {
        let fmt = format(w, h, Yuv420, bpc);
        let mut ex = MsSsimExtractor::new(&fmt, MsSsimOptions::default()).unwrap();
        let f = noise(fmt, 9);
        let c = ex.extract_components(&f.view(), &f.view()).unwrap();
        assert!((c.ms_ssim - 1.0).abs() < 1e-6, "{w}x{h}: {}", c.ms_ssim);
    }
}

#[test]
fn flat_frames_depend_only_on_luminance_at_the_last_scale() {
    let fmt = format(176, 180, Yuv444, 8);
    let mut ex = MsSsimExtractor::new(&fmt, MsSsimOptions::default()).unwrap();
    let (r, d) = (flat(fmt, [100; 3]), flat(fmt, [120; 3]));
    let c = ex.extract_components(&r.view(), &d.view()).unwrap();
    // Only the coarsest luminance term has a non-zero exponent.
    let expected = c.l[4].powf(f64::from(0.1333f32));
    assert!((c.ms_ssim - expected).abs() < 1e-12);
    assert!(c.ms_ssim < 1.0 && c.ms_ssim > 0.9);
    for i in 0..SCALES {
        assert!(
            (c.c[i] - 1.0).abs() < 1e-6 && (c.s[i] - 1.0).abs() < 1e-6,
            "scale {i}"
        );
    }
}

#[test]
fn different_noise_scores_low() {
    let fmt = format(200, 180, Yuv420, 8);
    let mut ex = MsSsimExtractor::new(&fmt, MsSsimOptions::default()).unwrap();
    let (r, d) = (noise(fmt, 1), noise(fmt, 2));
    let s = ex.extract(&r.view(), &d.view()).unwrap();
    assert!(s < 0.5, "{s}");
}

#[test]
fn frames_below_176_pixels_are_rejected() {
    for (w, h) in [(175, 300), (300, 175), (176, 144), (10, 10)] {
        let err = MsSsimExtractor::new(&format(w, h, Yuv420, 8), MsSsimOptions::default());
        assert!(matches!(err, Err(Error::InvalidInput(_))), "{w}x{h}");
    }
    assert!(MsSsimExtractor::new(&format(176, 176, Yuv420, 8), MsSsimOptions::default()).is_ok());
}

#[test]
fn options_parse_libvmaf_names() {
    let dict = BTreeMap::from([("enable_db".to_string(), 1.0), ("clip_db".to_string(), 1.0)]);
    let o = MsSsimOptions::from_dict(&dict).unwrap();
    assert!(o.enable_db && o.clip_db && !o.enable_lcs);
    let unknown = BTreeMap::from([("scale".to_string(), 1.0)]);
    assert!(matches!(
        MsSsimOptions::from_dict(&unknown),
        Err(Error::UnknownOption { .. })
    ));
}

#[test]
fn clipped_decibels_cap_identical_frames() {
    let fmt = format(176, 176, Yuv420, 8);
    let options = MsSsimOptions {
        enable_db: true,
        clip_db: true,
        ..Default::default()
    };
    let mut ex = MsSsimExtractor::new(&fmt, options).unwrap();
    let f = noise(fmt, 4);
    let s = ex.extract(&f.view(), &f.view()).unwrap();
    let cap = (10.0 * (65025.0f64 / (0.5 / (176.0 * 176.0))).log10()).ceil();
    assert!(s <= cap && s > 40.0, "{s} vs {cap}");
}

#[test]
fn extractor_is_send() {
    fn send<T: Send>() {}
    send::<MsSsimExtractor>();
}
