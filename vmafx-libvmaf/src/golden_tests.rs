//! The drop-in through its C entry points against libvmaf's golden reports: each
//! conformance pair's `vmaf_v0.6.1` output (with its extra features), every bit depth,
//! pictures filled as a libvmaf caller fills them, the report written by
//! `vmaf_write_output` compared value for value, as printed.

use std::ffi::CString;
use std::path::{Path, PathBuf};

use serde_json::Value;
use vmafx::io::{self, InputKind};
use vmafx::{Frame, PlaneRef};

use crate::context::{
    vmaf_close, vmaf_init, vmaf_read_pictures, vmaf_use_feature, vmaf_use_features_from_model,
    VmafConfiguration,
};
use crate::model::{vmaf_model_destroy, vmaf_model_load, VmafModelConfig};
use crate::output::vmaf_write_output;
use crate::picture::{self, VmafPicture};

/// The conformance corpus: `VMAFX_CONFORMANCE_DIR`, else `shared/conformance` at or
/// above the crate.
fn corpus() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("VMAFX_CONFORMANCE_DIR") {
        return Some(PathBuf::from(dir));
    }
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|dir| dir.join("shared/conformance"))
        .find(|dir| dir.join("clips").is_dir())
}

/// A libvmaf picture holding a frame, with libvmaf's floor-sized chroma.
fn picture_of(frame: &Frame) -> VmafPicture {
    let format = frame.format();
    let pix_fmt = match format.chroma() {
        vmafx::ChromaSubsampling::Yuv420 => picture::VMAF_PIX_FMT_YUV420P,
        vmafx::ChromaSubsampling::Yuv422 => picture::VMAF_PIX_FMT_YUV422P,
        vmafx::ChromaSubsampling::Yuv444 => picture::VMAF_PIX_FMT_YUV444P,
        vmafx::ChromaSubsampling::Yuv400 => picture::VMAF_PIX_FMT_YUV400P,
    };
    let mut pic = VmafPicture::empty();
    picture::allocate(
        &mut pic,
        pix_fmt,
        u32::from(format.bit_depth()),
        format.width() as u32,
        format.height() as u32,
    )
    .expect("allocates");
    for i in 0..format.plane_count() {
        for y in 0..pic.h[i] as usize {
            let width = pic.w[i] as usize;
            // SAFETY: row `y` of plane `i` lies in the buffer just allocated, `width`
            // samples long (the stride is at least that).
            unsafe {
                let row = pic.data[i].cast::<u8>().offset(y as isize * pic.stride[i]);
                match frame.plane(i) {
                    PlaneRef::U8(p) => std::ptr::copy_nonoverlapping(p.row(y).as_ptr(), row, width),
                    PlaneRef::U16(p) => {
                        std::ptr::copy_nonoverlapping(p.row(y).as_ptr(), row.cast::<u16>(), width)
                    }
                }
            }
        }
    }
    pic
}

/// Scores a pair through the C entry points; returns the JSON report.
fn score(ref_path: &Path, dist_path: &Path, features: &[String], out: &Path) -> Value {
    let cfg = VmafConfiguration {
        log_level: 1,
        n_threads: 0,
        n_subsample: 1,
        cpumask: 0,
        gpumask: 0,
    };
    let mut vmaf = std::ptr::null_mut();
    let mut model = std::ptr::null_mut();
    let mut model_cfg = VmafModelConfig {
        name: std::ptr::null(),
        flags: 0,
    };
    let mut reference = io::open(ref_path, InputKind::Y4m).expect("reference opens");
    let mut distorted = io::open(dist_path, InputKind::Y4m).expect("distorted opens");
    // SAFETY: every pointer is live or NULL as each call allows; pictures come from
    // `picture::allocate`.
    unsafe {
        assert_eq!(vmaf_init(&mut vmaf, cfg), 0);
        assert_eq!(
            vmaf_model_load(&mut model, &mut model_cfg, c"vmaf_v0.6.1".as_ptr()),
            0
        );
        assert_eq!(vmaf_use_features_from_model(vmaf, model), 0);
        for feature in features {
            let name = CString::new(feature.as_str()).expect("no NUL");
            assert_eq!(
                vmaf_use_feature(vmaf, name.as_ptr(), std::ptr::null_mut()),
                0
            );
        }
        let mut index = 0;
        while let (Some(r), Some(d)) = (
            reference.read_frame().expect("reads"),
            distorted.read_frame().expect("reads"),
        ) {
            let (mut r, mut d) = (picture_of(&r), picture_of(&d));
            assert_eq!(vmaf_read_pictures(vmaf, &mut r, &mut d, index), 0);
            index += 1;
        }
        let flush = vmaf_read_pictures(vmaf, std::ptr::null_mut(), std::ptr::null_mut(), 0);
        assert_eq!(flush, 0);
        let path = CString::new(out.to_string_lossy().as_bytes()).expect("no NUL");
        assert_eq!(vmaf_write_output(vmaf, path.as_ptr(), 2), 0);
        vmaf_model_destroy(model);
        assert_eq!(vmaf_close(vmaf), 0);
    }
    let text = std::fs::read_to_string(out).expect("report written");
    serde_json::from_str(&text).expect("report is JSON")
}

#[test]
fn every_pair_equals_libvmaf_through_the_c_entry_points() {
    let Some(root) = corpus() else {
        eprintln!("SKIP: no conformance corpus (set VMAFX_CONFORMANCE_DIR)");
        return;
    };
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("manifest.json")).expect("manifest"),
    )
    .expect("manifest is JSON");
    let out =
        std::env::temp_dir().join(format!("vmafx-libvmaf-golden-{}.json", std::process::id()));
    let mut compared = 0;
    for pair in manifest["pairs"].as_array().expect("pairs") {
        let Some(output) = pair["outputs"]
            .as_array()
            .and_then(|o| o.iter().find(|o| o["model"] == "vmaf_v0.6.1"))
        else {
            continue;
        };
        // libvmaf's ciede2000 on 4:2:2 reads the wrong chroma samples (the pair's
        // notes); it is left out, as in the core's conformance test.
        let skip_ciede = pair["chroma_subsampling"] == "422";
        let features: Vec<String> = output["extra_features"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f.as_str())
            .filter(|f| !(skip_ciede && *f == "ciede"))
            .map(str::to_string)
            .collect();
        let golden: Value = serde_json::from_str(
            &std::fs::read_to_string(root.join(output["json"].as_str().expect("json path")))
                .expect("golden report"),
        )
        .expect("golden is JSON");
        let ours = score(
            &root.join(pair["ref"].as_str().expect("ref")),
            &root.join(pair["dist"].as_str().expect("dist")),
            &features,
            &out,
        );
        let name = pair["name"].as_str().unwrap_or("?");
        let ours_frames = ours["frames"].as_array().expect("frames");
        let golden_frames = golden["frames"].as_array().expect("frames");
        assert_eq!(
            ours_frames.len(),
            golden_frames.len(),
            "{name}: frame count"
        );
        for (mine, theirs) in ours_frames.iter().zip(golden_frames) {
            for (metric, value) in theirs["metrics"].as_object().expect("metrics") {
                if skip_ciede && metric == "ciede2000" {
                    continue;
                }
                assert_eq!(
                    &mine["metrics"][metric], value,
                    "{name} frame {} {metric}",
                    theirs["frameNum"]
                );
            }
        }
        for (metric, pooled) in golden["pooled_metrics"].as_object().expect("pooled") {
            if !(skip_ciede && metric == "ciede2000") {
                assert_eq!(
                    &ours["pooled_metrics"][metric], pooled,
                    "{name} pooled {metric}"
                );
            }
        }
        compared += 1;
    }
    let _ = std::fs::remove_file(&out);
    eprintln!("{compared} pairs equal libvmaf's golden reports");
    assert!(compared > 0, "the manifest lists no vmaf_v0.6.1 outputs");
}
