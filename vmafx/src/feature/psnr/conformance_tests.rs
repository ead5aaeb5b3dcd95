//! Holds `psnr`'s optional outputs equal to libvmaf's: per-frame `mse_*` and the
//! aggregate `apsnr_*` of the `extra_features` golden files, which libvmaf wrote with
//! `psnr=enable_apsnr=true:enable_mse=true`.

use std::path::Path;

use super::{PsnrExtractor, PsnrOptions};
use crate::io::{self, InputKind};
use crate::test_support::{as_printed, clips_dir, golden_files, golden_frames};

/// One frame's outputs with their libvmaf names.
type NamedFrame = Vec<(&'static str, f64)>;

/// Our per-frame outputs and the aggregate APSNR values of one pair.
fn psnr_of(reference: &Path, distorted: &Path) -> (Vec<NamedFrame>, [f64; 3]) {
    let mut reference = io::open(reference, InputKind::Y4m).expect("reference opens");
    let mut distorted = io::open(distorted, InputKind::Y4m).expect("distorted opens");
    let options = PsnrOptions {
        enable_mse: true,
        enable_apsnr: true,
        ..PsnrOptions::default()
    };
    let mut extractor = PsnrExtractor::new(reference.format(), options).expect("format is valid");
    let mut frames = Vec::new();
    while let Some(r) = reference.read_frame().expect("reference reads") {
        let d = distorted
            .read_frame()
            .expect("distorted reads")
            .expect("as many distorted frames");
        let s = extractor
            .extract(&r.view(), &d.view())
            .expect("frames match");
        let chroma = |v: Option<f64>| v.expect("chroma is scored");
        frames.push(vec![
            ("psnr_y", s.y),
            ("psnr_cb", chroma(s.cb)),
            ("psnr_cr", chroma(s.cr)),
            ("mse_y", s.mse_y.expect("mse is enabled")),
            ("mse_cb", chroma(s.mse_cb)),
            ("mse_cr", chroma(s.mse_cr)),
        ]);
    }
    let a = extractor.apsnr().expect("apsnr is enabled");
    let chroma = |v: Option<f64>| v.expect("chroma is scored");
    (frames, [a.y, chroma(a.cb), chroma(a.cr)])
}

fn aggregate(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).expect("golden JSON reads");
    let json: serde_json::Value = serde_json::from_str(&text).expect("golden JSON parses");
    json["aggregate_metrics"].clone()
}

#[test]
fn mse_and_apsnr_equal_libvmaf() {
    let Some(clips) = clips_dir() else {
        eprintln!("conformance corpus not found; set VMAFX_CONFORMANCE_DIR to run this test");
        return;
    };
    let goldens = golden_files(&clips, "extra_features");
    assert!(!goldens.is_empty(), "no extra_features golden JSON");
    let mut worst: Vec<(String, f64)> = Vec::new();
    let mut note = |name: &str, ours: f64, want: f64, at: &str| {
        let delta = (ours - want).abs();
        assert!(
            as_printed(ours) == want,
            "{at} {name}: ours {ours} libvmaf {want}"
        );
        match worst.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = entry.1.max(delta),
            None => worst.push((name.to_string(), delta)),
        }
    };
    for golden in &goldens {
        let file = golden.file_name().expect("file name").to_string_lossy();
        let pair = file.trim_end_matches(".extra_features.json").to_string();
        let source = pair.split("__").next().expect("pair name has a source");
        let (frames, apsnr) = psnr_of(
            &clips.join(format!("{source}.ref.y4m")),
            &clips.join(format!("{pair}.dist.y4m")),
        );
        let expected = golden_frames(golden);
        assert_eq!(frames.len(), expected.len(), "{pair}: frame count");
        for (i, (ours, want)) in frames.iter().zip(&expected).enumerate() {
            for &(name, value) in ours {
                let at = format!("{pair} frame {i}");
                let want = *want.get(name).unwrap_or_else(|| panic!("{at}: no {name}"));
                note(name, value, want, &at);
            }
        }
        let golden_aggregate = aggregate(golden);
        for (name, value) in ["apsnr_y", "apsnr_cb", "apsnr_cr"].iter().zip(apsnr) {
            let want = golden_aggregate[name]
                .as_f64()
                .unwrap_or_else(|| panic!("{pair}: no aggregate {name}"));
            note(name, value, want, &pair);
        }
    }
    for (name, delta) in &worst {
        eprintln!("psnr extra_features: {name} worst |delta| {delta:.3e}");
    }
}
