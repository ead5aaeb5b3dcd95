//! Extractor-level tests, and the comparison against libvmaf's golden output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::*;
use crate::frame::{ChromaSubsampling, Frame, PlaneBuffer};
use crate::test_support::{as_printed, clips_dir};

fn format(width: usize, height: usize, bit_depth: u8) -> FrameFormat {
    FrameFormat::new(width, height, ChromaSubsampling::Yuv420, bit_depth).unwrap()
}

/// A frame whose luma sample at (x, y) is `luma(x, y)`.
fn frame(format: FrameFormat, luma: impl Fn(usize, usize) -> u16) -> Frame {
    let mut f = Frame::zeroed(format);
    let width = format.width();
    match f.plane_buffer_mut(0) {
        PlaneBuffer::U8(d) => d
            .iter_mut()
            .enumerate()
            .for_each(|(i, v)| *v = luma(i % width, i / width) as u8),
        PlaneBuffer::U16(d) => d
            .iter_mut()
            .enumerate()
            .for_each(|(i, v)| *v = luma(i % width, i / width)),
    }
    f
}

fn cambi_of(f: &Frame, options: CambiOptions) -> CambiScores {
    let mut extractor = CambiExtractor::new(f.format(), options).unwrap();
    extractor.extract(&f.view(), &f.view()).unwrap()
}

/// Dark staircase: one code value (at 8 bits) per 24 columns.
fn staircase(x: usize, _y: usize) -> u16 {
    30 + (x / 24) as u16
}

#[test]
fn flat_frame_has_no_banding() {
    for depth in [8, 10] {
        let f = frame(format(320, 240, depth), |_, _| 100);
        assert_eq!(cambi_of(&f, CambiOptions::default()).cambi, 0.0);
    }
}

#[test]
fn staircase_shows_banding_at_8_and_10_bits() {
    let eight = cambi_of(
        &frame(format(320, 240, 8), staircase),
        CambiOptions::default(),
    );
    assert!(eight.cambi > 0.0, "{eight:?}");
    assert_eq!(eight.cambi_source, None);
    // The same picture at 10 bits: steps of 4 code values, no anti-dithering.
    let ten = frame(format(320, 240, 10), |x, y| staircase(x, y) << 2);
    let ten = cambi_of(&ten, CambiOptions::default());
    assert!(ten.cambi > 0.0, "{ten:?}");
    // At 12 bits, rounding down to 10 bits gives the same picture as at 10.
    let twelve = frame(format(320, 240, 12), |x, y| staircase(x, y) << 4);
    assert_eq!(cambi_of(&twelve, CambiOptions::default()), ten);
}

#[test]
fn score_is_clipped_to_max_val() {
    let f = frame(format(320, 240, 8), staircase);
    let options = CambiOptions {
        cambi_max_val: 0.001,
        ..Default::default()
    };
    assert_eq!(cambi_of(&f, options).cambi, 0.001);
}

#[test]
fn full_reference_reports_added_banding() {
    let fmt = format(320, 240, 8);
    let banded = frame(fmt, staircase);
    let flat = frame(fmt, |_, _| 100);
    let options =
        CambiOptions::from_dict(&BTreeMap::from([("full_ref".to_string(), 1.0)])).unwrap();
    let mut extractor = CambiExtractor::new(&fmt, options).unwrap();
    let alone = cambi_of(&banded, CambiOptions::default()).cambi;

    let added = extractor.extract(&flat.view(), &banded.view()).unwrap();
    assert_eq!(added.cambi, alone);
    assert_eq!(added.cambi_source, Some(0.0));
    assert_eq!(added.cambi_full_reference, Some(alone));

    let removed = extractor.extract(&banded.view(), &flat.view()).unwrap();
    assert_eq!(removed.cambi, 0.0);
    assert_eq!(removed.cambi_source, Some(alone));
    assert_eq!(removed.cambi_full_reference, Some(0.0));
}

#[test]
fn size_limits() {
    let small = format(215, 215, 8);
    assert!(matches!(
        CambiExtractor::new(&small, CambiOptions::default()),
        Err(Error::InvalidInput(_))
    ));
    // One side long enough is enough.
    assert!(CambiExtractor::new(&format(216, 100, 8), CambiOptions::default()).is_ok());
    assert!(CambiExtractor::new(&format(100, 216, 10), CambiOptions::default()).is_ok());
    // An encoding size below the limit is refused too.
    let options = CambiOptions {
        enc_width: 200,
        enc_height: 200,
        ..Default::default()
    };
    assert!(matches!(
        CambiExtractor::new(&format(640, 480, 8), options),
        Err(Error::InvalidInput(_))
    ));
    // Source and encoding sizes must be ordered alike.
    let options = CambiOptions {
        full_ref: true,
        src_width: 1280,
        src_height: 400,
        ..Default::default()
    };
    assert!(matches!(
        CambiExtractor::new(&format(640, 480, 8), options),
        Err(Error::InvalidInput(_))
    ));
    // Out-of-range fields are caught even when set directly.
    let options = CambiOptions {
        window_size: 3,
        ..Default::default()
    };
    assert!(matches!(
        CambiExtractor::new(&format(640, 480, 8), options),
        Err(Error::OptionValue { .. })
    ));
}

#[test]
fn mismatched_pictures_are_refused() {
    let f = frame(format(320, 240, 8), staircase);
    let g = frame(format(320, 240, 10), |_, _| 0);
    let mut extractor = CambiExtractor::new(f.format(), CambiOptions::default()).unwrap();
    assert!(matches!(
        extractor.extract(&g.view(), &g.view()),
        Err(Error::Mismatch(_))
    ));
    let over = frame(format(320, 240, 10), |_, _| 1024);
    let mut extractor = CambiExtractor::new(over.format(), CambiOptions::default()).unwrap();
    assert!(matches!(
        extractor.extract(&over.view(), &over.view()),
        Err(Error::InvalidInput(_))
    ));
}

#[test]
fn window_scales_with_the_picture() {
    assert_eq!(scaled_window(65, 3840, 2160, false), 65);
    assert_eq!(scaled_window(65, 1920, 1080, false), 33);
    assert_eq!(scaled_window(65, 1920, 1080, true), 17);
    assert_eq!(scaled_window(65, 320, 240, false), 7);
    assert_eq!(scaled_window(65, 4096, 2160, false), 67);
}

#[test]
fn extreme_aspect_ratios_are_scored() {
    // Windows reach past the coarsest scales here; the result must still be defined.
    let wide = frame(format(1600, 40, 8), staircase);
    assert!(cambi_of(&wide, CambiOptions::default()).cambi.is_finite());
    let tall = frame(format(30, 1200, 8), |x, y| staircase(y, x));
    assert!(cambi_of(&tall, CambiOptions::default()).cambi.is_finite());
}

/// Per-frame `key` (a cambi output name) of libvmaf's golden JSON, `None` for frames
/// without it.
fn golden_cambi(json: &Path, key: &str) -> Vec<Option<f64>> {
    let text = std::fs::read_to_string(json).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["frames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["metrics"][key].as_f64())
        .collect()
}

/// Compares every frame of every pair that has golden `cambi` values.
#[test]
fn matches_libvmaf_golden_output() {
    compare_with_golden("vmaf_v0.6.1", "cambi", CambiOptions::default());
}

/// The VMAF v1 models' cambi: `cambi_high_res_speedup 1080`, `cambi_vis_lum_threshold
/// 0.06`, `cambi_max_val 17`.
#[test]
fn v1_model_options_match_libvmaf() {
    let options = CambiOptions {
        cambi_high_res_speedup: 1080,
        cambi_vis_lum_threshold: 0.06,
        cambi_max_val: 17.0,
        ..CambiOptions::default()
    };
    compare_with_golden(
        "vmaf_v1.0.16_3d0h",
        "cambi_hrs_1080_cmxv_17_vlt_0.06",
        options,
    );
}

/// Compares `key` on every frame of every `<pair>.<model>.json` that has it.
fn compare_with_golden(model: &str, key: &str, options: CambiOptions) {
    let Some(dir) = clips_dir() else {
        eprintln!("cambi conformance skipped: shared/conformance/clips not found");
        return;
    };
    let entries = std::fs::read_dir(&dir).expect("conformance clips folder is readable");
    let mut jsons: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(&format!(".{model}.json")))
        .collect();
    jsons.sort();
    let mut worst = (0.0f64, String::new());
    let mut misprinted = Vec::new();
    let mut compared = 0;
    for json in &jsons {
        let golden = golden_cambi(json, key);
        if golden.iter().all(Option::is_none) {
            continue;
        }
        let file = json.file_name().unwrap().to_string_lossy().to_string();
        let pair = file.trim_end_matches(&format!(".{model}.json"));
        let source = pair.split("__").next().unwrap();
        let open = |p: PathBuf| crate::io::open(&p, crate::io::InputKind::Y4m).unwrap();
        let mut reference = open(dir.join(format!("{source}.ref.y4m")));
        let mut distorted = open(dir.join(format!("{pair}.dist.y4m")));
        let mut extractor = CambiExtractor::new(distorted.format(), options.clone()).unwrap();
        let mut pair_worst = 0.0f64;
        for (index, expected) in golden.iter().enumerate() {
            let r = reference.read_frame().unwrap().unwrap();
            let d = distorted.read_frame().unwrap().unwrap();
            let got = extractor.extract(&r.view(), &d.view()).unwrap().cambi;
            let expected = expected.unwrap_or_else(|| panic!("{pair} frame {index}: no {key}"));
            let delta = (got - expected).abs();
            pair_worst = pair_worst.max(delta);
            if as_printed(got) != expected {
                misprinted.push(format!("{pair} frame {index}: {got} vs {expected}"));
            }
            if delta > worst.0 {
                worst = (delta, format!("{pair} frame {index}: {got} vs {expected}"));
            }
            compared += 1;
        }
        eprintln!("{key} {pair}: worst |delta| {pair_worst:.3e}");
    }
    eprintln!(
        "{key} over {compared} frames: worst |delta| {:.3e} ({})",
        worst.0, worst.1
    );
    assert!(compared > 0);
    assert!(
        misprinted.is_empty(),
        "printed values differ: {misprinted:#?}"
    );
}

#[test]
fn extractor_can_move_between_threads() {
    fn assert_send<T: Send>() {}
    assert_send::<CambiExtractor>();
}

/// Reads a heatmap file back as `u16` samples.
fn heatmap_samples(path: &Path) -> Vec<u16> {
    let bytes = std::fs::read(path).unwrap();
    bytes
        .chunks(2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .collect()
}

/// The heatmaps hold the c-values the score is pooled from: pooling the stored samples,
/// scaled back, gives the score up to the truncation to 16 bits.
#[test]
fn heatmaps_hold_the_pooled_c_values() {
    let dir = std::env::temp_dir().join(format!("vmafx_cambi_maps_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (w, h) = (320, 240);
    let fmt = format(w, h, 8);
    let options = CambiOptions {
        heatmaps_path: Some(dir.clone()),
        ..CambiOptions::default()
    };
    let mut extractor = CambiExtractor::new(&fmt, options).unwrap();
    let flat = frame(fmt, |_, _| 100);
    let stairs = frame(fmt, staircase);
    // Frame 1 first: its place in the files comes from its index.
    let banded = extractor
        .extract_frame(1, &stairs.view(), &stairs.view())
        .unwrap();
    extractor
        .extract_frame(0, &flat.view(), &flat.view())
        .unwrap();
    assert!(banded.cambi > 0.0);

    let window = scaled_window(65, w, h, false);
    // Weights 1..4 at the default max_log_contrast 2.
    let scaling = 65535.0 / (4 * window * window / 4) as f64;
    let (mut sw, mut sh) = (w, h);
    let mut per_scale = [0.0; 5];
    for (scale, pooled) in per_scale.iter_mut().enumerate() {
        if scale > 0 {
            sw = sw.div_ceil(2);
            sh = sh.div_ceil(2);
        }
        let path = dir.join(format!("cambi_heatmap_scale_{scale}_{sw}x{sh}_16b.gray"));
        let samples = heatmap_samples(&path);
        assert_eq!(samples.len(), 2 * sw * sh, "scale {scale}: two frames");
        let (first, second) = samples.split_at(sw * sh);
        assert!(first.iter().all(|&v| v == 0), "a flat frame has no banding");
        let mut values: Vec<f32> = second
            .iter()
            .map(|&v| (f64::from(v) / scaling) as f32)
            .collect();
        *pooled = pooling::mean_of_largest(&mut values, 0.6);
    }
    let from_maps = pooling::combine_scales(&per_scale, window);
    // Each sample loses less than one unit, 1/scaling in c-value terms.
    assert!(
        (from_maps - banded.cambi).abs() <= 1.0 / scaling && from_maps <= banded.cambi,
        "{from_maps} vs {}",
        banded.cambi
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
