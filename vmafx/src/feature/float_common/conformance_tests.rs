//! Holds float VIF, ADM and motion equal to libvmaf's golden JSON for the
//! `vmaf_float_v0.6.1` runs of the conformance corpus, frame by frame.
//!
//! Without the corpus (see `test_support::corpus_dir`) the test says so and passes.

use std::collections::BTreeMap;
use std::path::Path;

use crate::feature::float_adm::{FloatAdmExtractor, FloatAdmOptions};
use crate::feature::float_motion::{FloatMotionExtractor, FloatMotionOptions};
use crate::feature::float_vif::{FloatVifExtractor, FloatVifOptions};
use crate::frame::Frame;
use crate::io::{self, InputKind};
use crate::test_support::{as_printed, clips_dir, golden_frames};

/// libvmaf prints `%.6f`, so a value computed the same way lies within half a unit of
/// the sixth decimal of the golden one, on a host like the one that made it. ADM divides
/// through the CPU's reciprocal estimate, which differs between Intel and AMD (the golden
/// host) in the last bits, so a value may land on the other side of a rounding edge:
/// allow a full unit of the sixth decimal.
const TOLERANCE: f64 = 1e-6;

const PAIRS: [&str; 2] = [
    "carphone_176x144_yuv420p__x264_crf35",
    "bikes_337x191_yuv420p__x264_crf30",
];

/// Our per-frame float features for one pair, by libvmaf's names.
fn ours(clips: &Path, pair: &str) -> Vec<BTreeMap<String, f64>> {
    let reference_path = clips.join(format!("{}.ref.y4m", pair.split("__").next().unwrap()));
    let mut reference = io::open(&reference_path, InputKind::Y4m).expect("reference opens");
    let mut distorted =
        io::open(&clips.join(format!("{pair}.dist.y4m")), InputKind::Y4m).expect("dist opens");
    let format = *reference.format();
    let (w, h, depth) = (format.width(), format.height(), format.bit_depth());
    let mut vif = FloatVifExtractor::new(w, h, depth, FloatVifOptions::default()).unwrap();
    let mut adm = FloatAdmExtractor::new(w, h, depth, FloatAdmOptions::default()).unwrap();
    let mut motion = FloatMotionExtractor::new(w, h, depth, FloatMotionOptions::default()).unwrap();
    let mut out: Vec<BTreeMap<String, f64>> = Vec::new();
    let (mut r, mut d) = (Frame::zeroed(format), Frame::zeroed(format));
    let mut motion_rows = Vec::new();
    while reference.read_into(&mut r).expect("reference reads") {
        assert!(distorted.read_into(&mut d).expect("dist reads"));
        let mut row = BTreeMap::new();
        let v = vif.extract(r.plane(0), d.plane(0)).unwrap();
        for (name, value) in v.named() {
            row.insert(name.to_string(), value);
        }
        let a = adm.extract(r.plane(0), d.plane(0)).unwrap();
        for (name, value) in a.named() {
            row.insert(name.to_string(), value);
        }
        out.push(row);
        motion_rows.extend(motion.push(r.plane(0)).unwrap());
        while let Some(m) = motion.pop() {
            motion_rows.push(m);
        }
    }
    while let Some(m) = motion.flush() {
        motion_rows.push(m);
    }
    assert_eq!(motion_rows.len(), out.len());
    for (expected, (index, scores)) in motion_rows.into_iter().enumerate() {
        assert_eq!(index, expected as u64);
        for (name, value) in scores.named() {
            out[expected].insert(name.to_string(), value);
        }
    }
    out
}

#[test]
fn float_features_equal_libvmaf_on_conformance_pairs() {
    let Some(clips) = clips_dir() else {
        eprintln!("conformance corpus not found; set VMAFX_CONFORMANCE_DIR to run this test");
        return;
    };
    let mut worst: BTreeMap<String, (f64, String)> = BTreeMap::new();
    let mut misprinted: BTreeMap<String, usize> = BTreeMap::new();
    for pair in PAIRS {
        let expected = golden_frames(&clips.join(format!("{pair}.vmaf_float_v0.6.1.json")));
        let got = ours(&clips, pair);
        assert_eq!(expected.len(), got.len(), "{pair}: frame count");
        for (i, (e, g)) in expected.iter().zip(&got).enumerate() {
            for (name, value) in g {
                let want = e
                    .get(name)
                    .unwrap_or_else(|| panic!("{pair}: golden lacks {name}"));
                let delta = (value - want).abs();
                if as_printed(*value) != *want {
                    *misprinted.entry(name.clone()).or_default() += 1;
                }
                let slot = worst.entry(name.clone()).or_insert((0.0, String::new()));
                if delta >= slot.0 {
                    *slot = (delta, format!("{pair} frame {i}: {value} vs {want}"));
                }
            }
        }
    }
    for (name, (delta, at)) in &worst {
        let wrong = misprinted.get(name).copied().unwrap_or(0);
        eprintln!("{name:>12}: worst |delta| {delta:.3e}, {wrong} printed differently ({at})");
    }
    for (name, (delta, at)) in &worst {
        assert!(*delta <= TOLERANCE, "{name}: {delta:e} at {at}");
    }
}
