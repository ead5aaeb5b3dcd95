use super::*;
use crate::feature::frame_check::test_frames::{flat, format, frame_from, noise};
use crate::frame::ChromaSubsampling::{Yuv400, Yuv420, Yuv444};
use crate::frame::Frame;
use crate::test_support::parity_runs::assert_matches_golden;
use crate::Error;

fn score(fmt: FrameFormat, r: &Frame, d: &Frame) -> FloatMomentScores {
    let mut ex = FloatMomentExtractor::new(&fmt, FloatMomentOptions::default()).unwrap();
    ex.extract(&r.view(), &d.view()).unwrap()
}

#[test]
fn matches_libvmaf_extra_features_runs() {
    assert_matches_golden("extra_features", 1e-6, |format| {
        let mut ex = FloatMomentExtractor::new(format, FloatMomentOptions::default()).unwrap();
        move |r, d| ex.extract(r, d).unwrap().named().to_vec()
    });
}

#[test]
fn flat_frames_give_the_value_and_its_square() {
    let fmt = format(7, 5, Yuv420, 8);
    let s = score(fmt, &flat(fmt, [100, 1, 1]), &flat(fmt, [3, 200, 200]));
    assert_eq!((s.ref1st, s.ref2nd), (100.0, 10000.0));
    assert_eq!((s.dis1st, s.dis2nd), (3.0, 9.0));
}

#[test]
fn high_bit_depths_are_in_eight_bit_units() {
    for (bpc, value, unit) in [
        (10u8, 1023u16, 255.75),
        (12, 2050, 128.125),
        (16, 257, 1.00390625),
    ] {
        let fmt = format(3, 3, Yuv444, bpc);
        let s = score(fmt, &flat(fmt, [value; 3]), &flat(fmt, [0; 3]));
        assert_eq!(s.ref1st, unit, "bpc {bpc}");
        assert_eq!(s.ref2nd, unit * unit, "bpc {bpc}");
        assert_eq!((s.dis1st, s.dis2nd), (0.0, 0.0));
    }
}

#[test]
fn odd_and_tiny_sizes_use_every_luma_sample() {
    let fmt = format(1, 1, Yuv420, 8);
    let s = score(fmt, &flat(fmt, [9; 3]), &flat(fmt, [4; 3]));
    assert_eq!(
        (s.ref1st, s.ref2nd, s.dis1st, s.dis2nd),
        (9.0, 81.0, 4.0, 16.0)
    );
    // A ramp 0..=w*h-1 over a 5x3 picture: mean 7, mean square 203/3.
    let fmt = format(5, 3, Yuv400, 8);
    let ramp = frame_from(fmt, |_, x, y| (y * 5 + x) as u16);
    let s = score(fmt, &ramp, &noise(fmt, 4));
    assert_eq!(s.ref1st, 7.0);
    assert_eq!(s.ref2nd, 1015.0 / 15.0);
}

#[test]
fn refuses_depths_libvmaf_would_misread() {
    for bpc in [9u8, 11, 13, 14, 15] {
        let result = FloatMomentExtractor::new(&format(4, 4, Yuv420, bpc), Default::default());
        assert!(matches!(result, Err(Error::InvalidInput(_))), "bpc {bpc}");
    }
}

#[test]
fn mismatched_formats_are_rejected() {
    let a = format(4, 4, Yuv420, 8);
    let b = format(4, 4, Yuv420, 10);
    let mut ex = FloatMomentExtractor::new(&a, FloatMomentOptions::default()).unwrap();
    let (fa, fb) = (flat(a, [0; 3]), flat(b, [0; 3]));
    assert!(ex.extract(&fa.view(), &fb.view()).is_err());
    assert!(ex.extract(&fb.view(), &fb.view()).is_err());
}
