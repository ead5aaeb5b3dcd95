//! `aggregate_metrics`: kept in the order set, and written byte for byte as libvmaf
//! writes them.

use super::{FrameRecord, Report, ReportFormat};
use crate::test_support::clips_dir;

fn one_frame_report() -> Report {
    let frames = vec![FrameRecord {
        index: 0,
        values: vec![40.0],
    }];
    Report::new(vec!["psnr_y".into()], frames, 8, 8, "cpu".into(), 1.0)
}

#[test]
fn aggregates_are_written_like_libvmaf() {
    let Some(clips) = clips_dir() else {
        eprintln!("conformance corpus not found; set VMAFX_CONFORMANCE_DIR");
        return;
    };
    let path = clips.join("bikes_320x240_yuv420p__x264_crf28.aom_ctc_v7.0.json");
    let golden = std::fs::read_to_string(path).unwrap();
    let parsed: serde_json::Value = serde_json::from_str(&golden).unwrap();
    let mut report = one_frame_report();
    let mut expected_xml = String::from("  <aggregate_metrics ");
    // The golden file lists them in the order libvmaf set them: y, cb, cr.
    for plane in ["y", "cb", "cr"] {
        let name = format!("apsnr_{plane}");
        let value = parsed["aggregate_metrics"][&name].as_f64().unwrap();
        report.set_aggregate(&name, value).unwrap();
        expected_xml.push_str(&format!("{name}=\"{value:.6}\" "));
    }
    let tail = |text: &str| text[text.find("  \"aggregate_metrics\"").unwrap()..].to_string();
    assert_eq!(tail(&report.to_string(ReportFormat::Json)), tail(&golden));
    let xml = report.to_string(ReportFormat::Xml);
    assert!(
        xml.contains(&format!("{expected_xml}/>\n</VMAF>\n")),
        "{xml}"
    );
}

#[test]
fn no_aggregates_print_an_empty_block() {
    let report = one_frame_report();
    let json = report.to_string(ReportFormat::Json);
    assert!(
        json.ends_with("  \"aggregate_metrics\": {\n  }\n}\n"),
        "{json}"
    );
    let xml = report.to_string(ReportFormat::Xml);
    assert!(xml.ends_with("  <aggregate_metrics />\n</VMAF>\n"), "{xml}");
}

#[test]
fn an_aggregate_keeps_its_first_value() {
    let mut report = one_frame_report();
    report.set_aggregate("apsnr_y", 38.5).unwrap();
    report.set_aggregate("apsnr_cb", 45.0).unwrap();
    report.set_aggregate("apsnr_y", 38.5).unwrap();
    assert!(report.set_aggregate("apsnr_y", 39.0).is_err());
    assert_eq!(
        report.aggregate,
        [
            ("apsnr_y".to_string(), 38.5),
            ("apsnr_cb".to_string(), 45.0)
        ]
    );
}
