use super::*;
use crate::feature::frame_check::test_frames::{flat, format, noise};
use crate::frame::ChromaSubsampling::{Yuv400, Yuv420, Yuv444};
use crate::frame::Frame;
use crate::test_support::parity_runs::assert_matches_golden;
use crate::Error;

fn score(fmt: FrameFormat, r: &Frame, d: &Frame) -> FloatAnsnrScores {
    let mut ex = FloatAnsnrExtractor::new(&fmt, FloatAnsnrOptions::default()).unwrap();
    ex.extract(&r.view(), &d.view()).unwrap()
}

#[test]
fn matches_libvmaf_extra_features_runs() {
    assert_matches_golden("extra_features", 1e-6, |format| {
        let mut ex = FloatAnsnrExtractor::new(format, FloatAnsnrOptions::default()).unwrap();
        move |r, d| ex.extract(r, d).unwrap().named().to_vec()
    });
}

#[test]
fn identical_frames_score_the_cap() {
    for (bpc, cap) in [(8u8, 60.0), (10, 72.0), (12, 84.0), (16, 108.0)] {
        let fmt = format(11, 6, Yuv420, bpc);
        let f = noise(fmt, 9);
        let s = score(fmt, &f, &f);
        // The two filters differ, so only equal flat pictures give zero noise.
        assert!(s.ansnr < cap, "bpc {bpc}");
        let flat_frame = flat(fmt, [1 << (bpc - 1); 3]);
        let s = score(fmt, &flat_frame, &flat_frame);
        assert_eq!((s.ansnr, s.anpsnr), (cap, cap), "bpc {bpc}");
    }
}

#[test]
fn flat_frames_follow_the_formula() {
    // 100 and 110 become -28 and -18: signal 784, noise 100 per sample (the 5x5 weights
    // sum to 1 only up to rounding).
    let fmt = format(9, 5, Yuv444, 8);
    let s = score(fmt, &flat(fmt, [100; 3]), &flat(fmt, [110; 3]));
    assert!(
        (s.ansnr - 10.0 * 7.84f64.log10()).abs() < 1e-4,
        "{}",
        s.ansnr
    );
    assert!(
        (s.anpsnr - 10.0 * 650.25f64.log10()).abs() < 1e-4,
        "{}",
        s.anpsnr
    );
    let fmt = format(9, 5, Yuv444, 12);
    let s = score(fmt, &flat(fmt, [100 << 4; 3]), &flat(fmt, [110 << 4; 3]));
    let peak = 4095.0f64 / 16.0;
    assert!((s.anpsnr - 10.0 * (peak * peak / 100.0).log10()).abs() < 1e-4);
}

#[test]
fn smallest_pictures_work_and_smaller_ones_are_refused() {
    let fmt = format(3, 3, Yuv400, 8);
    let s = score(fmt, &noise(fmt, 1), &noise(fmt, 2));
    assert!(s.ansnr.is_finite() && s.anpsnr.is_finite());
    for (w, h) in [(1, 1), (2, 7), (7, 2)] {
        let result = FloatAnsnrExtractor::new(&format(w, h, Yuv420, 8), Default::default());
        assert!(matches!(result, Err(Error::InvalidInput(_))), "{w}x{h}");
    }
    let fmt = format(7, 7, Yuv420, 10);
    let s = score(fmt, &noise(fmt, 3), &noise(fmt, 4));
    assert!(s.ansnr.is_finite() && s.anpsnr.is_finite());
}

#[test]
fn refuses_depths_libvmaf_has_no_peak_for() {
    for bpc in [9u8, 11, 13, 14, 15] {
        let result = FloatAnsnrExtractor::new(&format(4, 4, Yuv420, bpc), Default::default());
        assert!(matches!(result, Err(Error::InvalidInput(_))), "bpc {bpc}");
    }
}

#[test]
fn mismatched_formats_are_rejected() {
    let a = format(4, 4, Yuv420, 8);
    let b = format(5, 4, Yuv420, 8);
    let mut ex = FloatAnsnrExtractor::new(&a, FloatAnsnrOptions::default()).unwrap();
    let (fa, fb) = (flat(a, [0; 3]), flat(b, [0; 3]));
    assert!(ex.extract(&fa.view(), &fb.view()).is_err());
    assert!(ex.extract(&fb.view(), &fb.view()).is_err());
}
