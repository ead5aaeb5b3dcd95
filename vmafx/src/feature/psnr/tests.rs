use std::collections::BTreeMap;

use super::*;
use crate::feature::frame_check::test_frames::{flat, format, frame_from, noise};
use crate::frame::ChromaSubsampling::{Yuv400, Yuv420, Yuv422, Yuv444};
use crate::Error;

fn score(fmt: FrameFormat, options: PsnrOptions, r: &crate::Frame, d: &crate::Frame) -> PsnrScores {
    let mut ex = PsnrExtractor::new(&fmt, options).unwrap();
    ex.extract(&r.view(), &d.view()).unwrap()
}

#[test]
fn identical_frames_score_the_cap() {
    for (bpc, cap) in [(8u8, 60.0), (10, 72.0), (12, 84.0), (16, 108.0)] {
        let fmt = format(16, 8, Yuv420, bpc);
        let f = noise(fmt, 1);
        let s = score(fmt, PsnrOptions::default(), &f, &f);
        assert_eq!((s.y, s.cb, s.cr), (cap, Some(cap), Some(cap)), "bpc {bpc}");
    }
}

#[test]
fn flat_frames_follow_the_formula() {
    let fmt = format(8, 4, Yuv444, 8);
    let s = score(
        fmt,
        PsnrOptions::default(),
        &flat(fmt, [100, 50, 7]),
        &flat(fmt, [110, 53, 7]),
    );
    assert_eq!(s.y, 10.0 * (65025.0f64 / 100.0).log10());
    assert_eq!(s.cb, Some(10.0 * (65025.0f64 / 9.0).log10()));
    assert_eq!(s.cr, Some(60.0));
    let fmt = format(8, 4, Yuv444, 10);
    let s = score(
        fmt,
        PsnrOptions::default(),
        &flat(fmt, [400; 3]),
        &flat(fmt, [404; 3]),
    );
    assert_eq!(s.y, 10.0 * (1023.0f64 * 1023.0 / 16.0).log10());
}

#[test]
fn reduced_hbd_peak_uses_scaled_255() {
    let fmt = format(4, 4, Yuv444, 10);
    let options = PsnrOptions {
        reduced_hbd_peak: true,
        ..Default::default()
    };
    let s = score(fmt, options, &flat(fmt, [400; 3]), &flat(fmt, [402; 3]));
    assert_eq!(s.y, 10.0 * (1020.0f64 * 1020.0 / 4.0).log10());
}

#[test]
fn tiny_frames_work() {
    let fmt = format(1, 1, Yuv444, 8);
    let s = score(
        fmt,
        PsnrOptions::default(),
        &flat(fmt, [0; 3]),
        &flat(fmt, [255; 3]),
    );
    assert_eq!(s.y, 0.0);
    // 4:2:0 at 1x1 has no floor-sized chroma: nothing differs, so the cap.
    let fmt = format(1, 1, Yuv420, 8);
    let s = score(
        fmt,
        PsnrOptions::default(),
        &flat(fmt, [0; 3]),
        &flat(fmt, [255; 3]),
    );
    assert_eq!((s.y, s.cb), (0.0, Some(60.0)));
}

#[test]
fn chroma_uses_the_floor_sized_region() {
    // 5x3 4:2:0: Y4M chroma is 3x2, libvmaf's is 2x1. Differences outside 2x1 are ignored.
    let fmt = format(5, 3, Yuv420, 8);
    let r = flat(fmt, [9; 3]);
    let d = frame_from(
        fmt,
        |p, x, y| if p > 0 && (x >= 2 || y >= 1) { 200 } else { 9 },
    );
    let s = score(fmt, PsnrOptions::default(), &r, &d);
    assert_eq!((s.cb, s.cr), (Some(60.0), Some(60.0)));
    // 4:2:2 keeps full chroma height.
    let fmt = format(5, 3, Yuv422, 8);
    let d = frame_from(fmt, |p, _, y| if p == 1 && y == 2 { 19 } else { 9 });
    let s = score(fmt, PsnrOptions::default(), &flat(fmt, [9; 3]), &d);
    assert_eq!(s.cb, Some(10.0 * (65025.0f64 / (200.0 / 6.0)).log10()));
}

#[test]
fn chroma_can_be_disabled_and_is_absent_for_gray() {
    let fmt = format(4, 4, Yuv420, 8);
    let f = noise(fmt, 3);
    let off = PsnrOptions {
        enable_chroma: false,
        ..Default::default()
    };
    let s = score(fmt, off, &f, &f);
    assert_eq!((s.cb, s.cr), (None, None));
    let fmt = format(4, 4, Yuv400, 8);
    let f = noise(fmt, 3);
    let s = score(fmt, PsnrOptions::default(), &f, &f);
    assert_eq!((s.y, s.cb, s.cr), (60.0, None, None));
}

#[test]
fn mse_and_min_sse() {
    let fmt = format(4, 2, Yuv444, 8);
    let options = PsnrOptions {
        enable_mse: true,
        min_sse: 0.5,
        ..Default::default()
    };
    let s = score(fmt, options, &flat(fmt, [1; 3]), &flat(fmt, [3, 1, 1]));
    assert_eq!(s.mse_y, Some(4.0));
    assert_eq!(s.mse_cb, Some(0.0));
    // cap = ceil(10 log10(65025 / (0.5 / 8))) = ceil(60.17..) = 61
    assert_eq!(s.cb, Some(61.0));
}

#[test]
fn apsnr_accumulates_frames() {
    let fmt = format(4, 4, Yuv444, 8);
    let options = PsnrOptions {
        enable_apsnr: true,
        ..Default::default()
    };
    let mut ex = PsnrExtractor::new(&fmt, options).unwrap();
    let r = flat(fmt, [10; 3]);
    ex.extract(&r.view(), &flat(fmt, [12; 3]).view()).unwrap();
    ex.extract(&r.view(), &r.view()).unwrap();
    let a = ex.apsnr().unwrap();
    // sse 64 over 32 pixels: mse 2.
    assert!((a.y - 10.0 * (65025.0f64 / 2.0).log10()).abs() < 1e-12);
    // No error at all: the cap ceil(10 log10(65025 * 32 * 2)).
    assert_eq!(a.cb, a.cr);
    let none = PsnrExtractor::new(&fmt, PsnrOptions::default()).unwrap();
    assert!(none.apsnr().is_none());
}

#[test]
fn options_parse_libvmaf_names() {
    let dict = BTreeMap::from([
        ("enable_chroma".to_string(), 0.0),
        ("enable_mse".to_string(), 1.0),
        ("min_sse".to_string(), 2.5),
    ]);
    let o = PsnrOptions::from_dict(&dict).unwrap();
    assert!(!o.enable_chroma && o.enable_mse && !o.enable_apsnr);
    assert_eq!(o.min_sse, 2.5);
    let unknown = BTreeMap::from([("enable_chroma_planes".to_string(), 1.0)]);
    assert!(matches!(
        PsnrOptions::from_dict(&unknown),
        Err(Error::UnknownOption { .. })
    ));
    let negative = BTreeMap::from([("min_sse".to_string(), -1.0)]);
    assert!(matches!(
        PsnrOptions::from_dict(&negative),
        Err(Error::OptionValue { .. })
    ));
}

#[test]
fn mismatched_formats_are_rejected() {
    let a = format(4, 4, Yuv420, 8);
    let b = format(4, 4, Yuv444, 8);
    let mut ex = PsnrExtractor::new(&a, PsnrOptions::default()).unwrap();
    let fa = flat(a, [0; 3]);
    let fb = flat(b, [0; 3]);
    assert!(ex.extract(&fa.view(), &fb.view()).is_err());
    assert!(ex.extract(&fb.view(), &fb.view()).is_err());
}

#[test]
fn extractor_is_send() {
    fn send<T: Send>() {}
    send::<PsnrExtractor>();
}
