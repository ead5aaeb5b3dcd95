use super::*;
use crate::feature::frame_check::test_frames::{flat, format, frame_from, noise};
use crate::frame::ChromaSubsampling::{Yuv400, Yuv420, Yuv422, Yuv444};
use crate::frame::Frame;
use crate::test_support::parity_runs::assert_matches_golden;

fn score(fmt: FrameFormat, r: &Frame, d: &Frame) -> PsnrHvsScores {
    let mut ex = PsnrHvsExtractor::new(&fmt, PsnrHvsOptions::default()).unwrap();
    ex.extract(&r.view(), &d.view()).unwrap()
}

#[test]
fn matches_libvmaf_extra_features_runs() {
    assert_matches_golden("extra_features", 1e-6, |format| {
        let mut ex = PsnrHvsExtractor::new(format, PsnrHvsOptions::default()).unwrap();
        move |r, d| ex.extract(r, d).unwrap().named().to_vec()
    });
}

#[test]
fn flat_block_error_is_the_weighted_dc_difference() {
    // One 8x8 block, flat 100 against flat 110: the DC coefficients differ by 8 * 10 and
    // flat blocks mask nothing.
    let fmt = format(8, 8, Yuv444, 8);
    let s = score(fmt, &flat(fmt, [100, 50, 50]), &flat(fmt, [110, 50, 50]));
    let dc = 80.0f32 * Weights::for_plane(0).csf[0];
    let error = f64::from(dc * dc / 64.0 / 65025.0);
    assert_eq!(s.y, -10.0 * error.log10());
    assert_eq!((s.cb, s.cr), (f64::INFINITY, f64::INFINITY));
    assert_eq!(s.combined, -10.0 * (error * 0.8).log10());
}

#[test]
fn identical_frames_score_infinity() {
    for bpc in [8u8, 9, 10, 11, 12] {
        let fmt = format(24, 18, Yuv420, bpc);
        let f = noise(fmt, 2);
        let s = score(fmt, &f, &f);
        assert!(
            s.named().iter().all(|&(_, v)| v == f64::INFINITY),
            "bpc {bpc}"
        );
    }
}

#[test]
fn noisy_frames_score_finite_values_at_every_depth_and_layout() {
    for chroma in [Yuv420, Yuv422, Yuv444] {
        for bpc in [8u8, 10, 12] {
            let fmt = format(33, 17, chroma, bpc);
            let s = score(fmt, &noise(fmt, 1), &noise(fmt, 2));
            for (name, v) in s.named() {
                assert!(v.is_finite() && v > -10.0 && v < 100.0, "{name} {v}");
            }
        }
    }
}

#[test]
fn planes_without_a_whole_block_score_nan() {
    // 7x7: no block anywhere.
    let fmt = format(7, 7, Yuv444, 8);
    let s = score(fmt, &noise(fmt, 1), &noise(fmt, 2));
    assert!(s.named().iter().all(|(_, v)| v.is_nan()));
    // 8x8 4:2:0: luma has one block, the 4x4 chroma planes none.
    let fmt = format(8, 8, Yuv420, 8);
    let s = score(fmt, &noise(fmt, 1), &noise(fmt, 2));
    assert!(s.y.is_finite());
    assert!(s.cb.is_nan() && s.cr.is_nan() && s.combined.is_nan());
    let fmt = format(1, 1, Yuv420, 10);
    let s = score(fmt, &flat(fmt, [0; 3]), &flat(fmt, [1023; 3]));
    assert!(s.named().iter().all(|(_, v)| v.is_nan()));
}

#[test]
fn chroma_uses_the_floor_sized_region() {
    // 17x17 4:2:0: Y4M chroma is 9x9, libvmaf's 8x8; the ninth row and column are ignored.
    let fmt = format(17, 17, Yuv420, 8);
    let r = flat(fmt, [60; 3]);
    let d = frame_from(
        fmt,
        |p, x, y| if p > 0 && (x == 8 || y == 8) { 200 } else { 60 },
    );
    let s = score(fmt, &r, &d);
    assert_eq!((s.cb, s.cr), (f64::INFINITY, f64::INFINITY));
    // 4:2:2 keeps the full chroma height (8x15, two block rows at 0 and 7): a difference
    // in the last chroma row counts.
    let fmt = format(16, 15, Yuv422, 8);
    let d = frame_from(fmt, |p, _, y| if p == 1 && y == 14 { 90 } else { 60 });
    let s = score(fmt, &flat(fmt, [60; 3]), &d);
    assert!(s.cb.is_finite());
    assert_eq!(s.cr, f64::INFINITY);
}

#[test]
fn refuses_what_libvmaf_refuses() {
    for bpc in [13u8, 14, 16] {
        let result = PsnrHvsExtractor::new(&format(16, 16, Yuv420, bpc), Default::default());
        assert!(matches!(result, Err(Error::InvalidInput(_))), "bpc {bpc}");
    }
    let gray = PsnrHvsExtractor::new(&format(16, 16, Yuv400, 8), Default::default());
    assert!(matches!(gray, Err(Error::InvalidInput(_))));
}

#[test]
fn mismatched_formats_are_rejected() {
    let a = format(16, 16, Yuv420, 8);
    let b = format(16, 16, Yuv444, 8);
    let mut ex = PsnrHvsExtractor::new(&a, PsnrHvsOptions::default()).unwrap();
    let (fa, fb) = (flat(a, [0; 3]), flat(b, [0; 3]));
    assert!(ex.extract(&fa.view(), &fb.view()).is_err());
    assert!(ex.extract(&fb.view(), &fb.view()).is_err());
}
