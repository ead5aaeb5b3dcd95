use std::collections::BTreeMap;

use super::*;
use crate::feature::frame_check::test_frames::{flat, format, frame_from, noise};
use crate::frame::ChromaSubsampling::{Yuv400, Yuv420, Yuv422, Yuv444};

fn score(fmt: FrameFormat, options: CiedeOptions, r: &crate::Frame, d: &crate::Frame) -> f64 {
    let mut ex = CiedeExtractor::new(&fmt, options).unwrap();
    ex.extract(&r.view(), &d.view()).unwrap()
}

#[test]
fn identical_frames_score_infinity() {
    for (chroma, bpc) in [(Yuv420, 8), (Yuv422, 10), (Yuv444, 12)] {
        let fmt = format(9, 7, chroma, bpc);
        let f = noise(fmt, 2);
        assert_eq!(score(fmt, CiedeOptions::default(), &f, &f), f64::INFINITY);
    }
}

#[test]
fn flat_frames_score_their_single_difference() {
    let fmt = format(6, 4, Yuv420, 8);
    let (r, d) = (flat(fmt, [120, 100, 150]), flat(fmt, [125, 104, 146]));
    let to_lab = YuvToLab::new(8);
    let de = delta_e_2000(
        to_lab.lab(120.0, 100.0, 150.0),
        to_lab.lab(125.0, 104.0, 146.0),
        LIBVMAF_WEIGHTS,
    );
    let expected = 45.0 - 20.0 * f64::from(de).log10();
    let got = score(fmt, CiedeOptions::default(), &r, &d);
    assert!((got - expected).abs() < 1e-9, "{got} vs {expected}");
    assert!(got > 30.0 && got < 60.0, "{got}");
}

#[test]
fn tiny_and_odd_frames_use_the_ceil_sized_chroma() {
    // 1x1 4:2:0 has one (ceil-sized) chroma sample.
    let fmt = format(1, 1, Yuv420, 8);
    let s = score(
        fmt,
        CiedeOptions::default(),
        &flat(fmt, [80; 3]),
        &flat(fmt, [90; 3]),
    );
    assert!(s.is_finite());
    // 3x3 4:2:0: only the last chroma column differs; it reaches the last luma column.
    let fmt = format(3, 3, Yuv420, 8);
    let r = flat(fmt, [100, 120, 130]);
    let d = frame_from(fmt, |p, x, _| match (p, x) {
        (0, _) => 100,
        (1, 1) => 140,
        (1, _) => 120,
        _ => 130,
    });
    let only_edge = score(fmt, CiedeOptions::default(), &r, &d);
    let everywhere = score(
        fmt,
        CiedeOptions::default(),
        &r,
        &flat(fmt, [100, 140, 130]),
    );
    // 3 of 9 pixels differ: the mean is a third, i.e. 20·log10(3) dB higher.
    assert!((only_edge - everywhere - 20.0 * 3f64.log10()).abs() < 1e-9);
}

#[test]
fn chroma_422_is_upsampled_correctly_by_default() {
    // A 4:2:2 frame whose chroma equals the 4:4:4 frame's, column-halved.
    let f422 = format(8, 4, Yuv422, 8);
    let f444 = format(8, 4, Yuv444, 8);
    let chroma = |p: usize, x: usize, y: usize| (60 + 17 * p + 9 * x + 23 * y) as u16;
    let r422 = frame_from(f422, |p, x, y| if p == 0 { 100 } else { chroma(p, x, y) });
    let r444 = frame_from(
        f444,
        |p, x, y| if p == 0 { 100 } else { chroma(p, x / 2, y) },
    );
    let d422 = flat(f422, [110, 128, 128]);
    let d444 = flat(f444, [110, 128, 128]);
    let default = score(f422, CiedeOptions::default(), &r422, &d422);
    assert_eq!(default, score(f444, CiedeOptions::default(), &r444, &d444));
    let quirk = CiedeOptions {
        libvmaf_422_quirk: true,
    };
    assert_ne!(default, score(f422, quirk, &r422, &d422));
}

#[test]
fn quirk_matches_libvmaf_indexing_and_leaves_other_layouts_alone() {
    // Build the 4:4:4 frame libvmaf's 4:2:2 indexing would see, and compare.
    let f422 = format(8, 4, Yuv422, 8);
    let f444 = format(8, 4, Yuv444, 8);
    let chroma = |p: usize, x: usize, y: usize| (60 + 17 * p + 9 * x + 23 * y) as u16;
    let r422 = frame_from(f422, |p, x, y| if p == 0 { 90 } else { chroma(p, x, y) });
    let seen = |p: usize, x: usize, y: usize| {
        let k = (y / 2) * 4 + x;
        chroma(p, k % 4, (k / 4).min(3))
    };
    let r444 = frame_from(f444, |p, x, y| if p == 0 { 90 } else { seen(p, x, y) });
    let quirk = CiedeOptions {
        libvmaf_422_quirk: true,
    };
    let d422 = flat(f422, [100, 128, 128]);
    let d444 = flat(f444, [100, 128, 128]);
    assert_eq!(
        score(f422, quirk, &r422, &d422),
        score(f444, CiedeOptions::default(), &r444, &d444)
    );
    let f420 = format(8, 4, Yuv420, 8);
    let (a, b) = (noise(f420, 1), noise(f420, 2));
    assert_eq!(
        score(f420, quirk, &a, &b),
        score(f420, CiedeOptions::default(), &a, &b)
    );
}

#[test]
fn gray_is_rejected() {
    let err = CiedeExtractor::new(&format(8, 8, Yuv400, 8), CiedeOptions::default());
    assert!(matches!(err, Err(Error::InvalidInput(_))));
}

#[test]
fn options_parse() {
    let dict = BTreeMap::from([("libvmaf_422_quirk".to_string(), 1.0)]);
    assert!(CiedeOptions::from_dict(&dict).unwrap().libvmaf_422_quirk);
    assert!(
        !CiedeOptions::from_dict(&BTreeMap::new())
            .unwrap()
            .libvmaf_422_quirk
    );
    let unknown = BTreeMap::from([("enable_chroma".to_string(), 1.0)]);
    assert!(matches!(
        CiedeOptions::from_dict(&unknown),
        Err(Error::UnknownOption { .. })
    ));
}

#[test]
fn extractor_is_send() {
    fn send<T: Send>() {}
    send::<CiedeExtractor>();
}
