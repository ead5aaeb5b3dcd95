//! The whole scorer with VIF, ADM and motion on the emulated device, over every
//! conformance pair with vmaf_v0.6.1 and vmaf_v0.6.1neg: every value of every frame
//! equals the CPU scorer's bit for bit, and the VMAF scores printed as libvmaf prints
//! them equal the golden JSON.

use std::path::Path;

use super::device;
use crate::backend::{BackendChoice, BackendKind};
use crate::frame::Frame;
use crate::io::{self, InputKind};
use crate::model::Model;
use crate::report::Report;
use crate::scorer::devices::Devices;
use crate::scorer::{Scorer, ScorerBuilder};
use crate::test_support::{as_printed, corpus_dir, golden_frames};

fn score(reference: &Path, distorted: &Path, model: &str, on_device: bool) -> Report {
    let mut ref_reader = io::open(reference, InputKind::Y4m).expect("reference opens");
    let mut dis_reader = io::open(distorted, InputKind::Y4m).expect("distorted opens");
    let format = *ref_reader.format();
    let builder = ScorerBuilder::new()
        .model(Model::builtin(model).expect("built-in model"))
        .threads(2);
    let opened = on_device.then(|| {
        let choice = BackendChoice {
            kind: BackendKind::Cpu,
            device: "host emulator".to_string(),
        };
        (choice, Devices::Compute(device()))
    });
    let mut scorer = Scorer::on_devices(builder, format, opened).expect("scorer builds");
    loop {
        let (mut r, mut d) = (Frame::zeroed(format), Frame::zeroed(format));
        let more_r = ref_reader.read_into(&mut r).expect("reference reads");
        let more_d = dis_reader.read_into(&mut d).expect("distorted reads");
        if !(more_r && more_d) {
            break;
        }
        scorer.push_frames(r, d).expect("frame scores");
    }
    scorer.finish().expect("scorer finishes")
}

#[test]
fn conformance_pairs_score_as_on_the_cpu() {
    let Some(dir) = corpus_dir() else {
        eprintln!("skipped: conformance corpus not found");
        return;
    };
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("manifest.json")).expect("manifest reads"),
    )
    .expect("manifest parses");
    let (mut frames, mut goldens) = (0, 0);
    for pair in manifest["pairs"].as_array().expect("pairs") {
        let name = pair["name"].as_str().expect("name");
        let reference = dir.join(pair["ref"].as_str().expect("ref"));
        let distorted = dir.join(pair["dist"].as_str().expect("dist"));
        // The neg model runs VIF and ADM with their gain limits at one.
        for model in ["vmaf_v0.6.1", "vmaf_v0.6.1neg"] {
            let cpu = score(&reference, &distorted, model, false);
            let emulated = score(&reference, &distorted, model, true);
            assert_eq!(cpu.metrics, emulated.metrics, "{name} {model}");
            assert_eq!(cpu.frames.len(), emulated.frames.len(), "{name} {model}");
            for (a, b) in cpu.frames.iter().zip(&emulated.frames) {
                let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                let at = format!("{name} {model} frame {}", a.index);
                assert_eq!(bits(&a.values), bits(&b.values), "{at}");
            }
            let golden = dir.join(format!("clips/{name}.{model}.json"));
            if golden.is_file() {
                let column = emulated.metrics.iter().position(|m| m == "vmaf");
                let column = column.expect("a vmaf column");
                for (ours, theirs) in emulated.frames.iter().zip(golden_frames(&golden)) {
                    assert_eq!(as_printed(ours.values[column]), theirs["vmaf"], "{name}");
                }
                goldens += emulated.frames.len();
            }
            frames += emulated.frames.len();
        }
    }
    eprintln!(
        "emulated compute backend: {frames} conformance frames equal to the CPU, \
         {goldens} VMAF scores equal to libvmaf's JSON"
    );
    assert!(frames > 0);
}
