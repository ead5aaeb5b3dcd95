use super::*;
use crate::feature::frame_check::test_frames::{flat, format, noise};
use crate::frame::ChromaSubsampling::{Yuv400, Yuv420, Yuv422, Yuv444};
use crate::frame::Frame;
use crate::test_support::parity_runs::assert_matches_golden;
use crate::Error;

fn score(fmt: FrameFormat, r: &Frame, d: &Frame) -> f64 {
    let mut ex = FloatPsnrExtractor::new(&fmt, FloatPsnrOptions::default()).unwrap();
    ex.extract(&r.view(), &d.view()).unwrap().psnr
}

#[test]
fn matches_libvmaf_extra_features_runs() {
    assert_matches_golden("extra_features", 1e-6, |format| {
        let mut ex = FloatPsnrExtractor::new(format, FloatPsnrOptions::default()).unwrap();
        move |r, d| ex.extract(r, d).unwrap().named().to_vec()
    });
}

#[test]
fn identical_frames_score_the_cap() {
    for (bpc, cap) in [(8u8, 60.0), (10, 72.0), (12, 84.0), (16, 108.0)] {
        let fmt = format(9, 7, Yuv420, bpc);
        let f = noise(fmt, 5);
        assert_eq!(score(fmt, &f, &f), cap, "bpc {bpc}");
    }
}

#[test]
fn flat_frames_follow_the_formula() {
    let fmt = format(6, 3, Yuv444, 8);
    let got = score(fmt, &flat(fmt, [100, 0, 0]), &flat(fmt, [110, 9, 9]));
    assert_eq!(got, 10.0 * (255.0f64 * 255.0 / 100.0).log10());
    // 10 bits: a difference of 8 codes is 2 in 8-bit units; the peak is 1023 / 4.
    let fmt = format(6, 3, Yuv422, 10);
    let got = score(fmt, &flat(fmt, [400; 3]), &flat(fmt, [408; 3]));
    assert_eq!(got, 10.0 * (255.75f64 * 255.75 / 4.0).log10());
}

#[test]
fn high_bit_depths_scale_to_eight_bits() {
    for bpc in [12u8, 16] {
        let fmt = format(5, 5, Yuv420, bpc);
        let shift = bpc - 8;
        let r = flat(fmt, [50 << shift; 3]);
        let d = flat(fmt, [53 << shift; 3]);
        let peak = f64::from((1u32 << bpc) - 1) / f64::from(1u32 << shift);
        assert_eq!(score(fmt, &r, &d), 10.0 * (peak * peak / 9.0).log10());
    }
}

#[test]
fn tiny_and_gray_frames_work() {
    let fmt = format(1, 1, Yuv420, 8);
    assert_eq!(score(fmt, &flat(fmt, [0; 3]), &flat(fmt, [255; 3])), 0.0);
    let fmt = format(7, 7, Yuv400, 8);
    let (a, b) = (noise(fmt, 1), noise(fmt, 2));
    let got = score(fmt, &a, &b);
    assert!(got > 0.0 && got < 60.0);
}

#[test]
fn refuses_depths_libvmaf_has_no_peak_for() {
    for bpc in [9u8, 11, 13, 14, 15] {
        let result = FloatPsnrExtractor::new(&format(4, 4, Yuv420, bpc), Default::default());
        assert!(matches!(result, Err(Error::InvalidInput(_))), "bpc {bpc}");
    }
}

#[test]
fn mismatched_formats_are_rejected() {
    let a = format(4, 4, Yuv420, 8);
    let b = format(4, 4, Yuv444, 8);
    let mut ex = FloatPsnrExtractor::new(&a, FloatPsnrOptions::default()).unwrap();
    let (fa, fb) = (flat(a, [0; 3]), flat(b, [0; 3]));
    assert!(ex.extract(&fa.view(), &fb.view()).is_err());
    assert!(ex.extract(&fb.view(), &fb.view()).is_err());
}
