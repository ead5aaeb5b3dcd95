use super::*;

/// Columns of extractors in registration order, each with its features in layout order.
fn columns<'a>(extractors: &[&[&'a str]]) -> Vec<FeatureColumn<'a>> {
    extractors
        .iter()
        .enumerate()
        .flat_map(|(extractor, features)| {
            features
                .iter()
                .map(move |&feature| FeatureColumn { feature, extractor })
        })
        .collect()
}

fn ordered(extractors: &[&[&str]], order: ReportOrder) -> Vec<String> {
    let columns = columns(extractors);
    report_order(&columns, order)
        .into_iter()
        .map(|i| registry::alias(columns[i].feature).to_string())
        .collect()
}

const ADM: &[&str] = &["VMAF_integer_feature_adm2_score", "integer_adm_scale0"];
const MOTION: &[&str] = &[
    "VMAF_integer_feature_motion_sad_score",
    "VMAF_integer_feature_motion2_score",
    "VMAF_integer_feature_motion3_score",
];
const VIF: &[&str] = &["VMAF_integer_feature_vif_scale0_score"];
const PSNR: &[&str] = &["psnr_y", "mse_y", "psnr_cb"];
const SSIM: &[&str] = &["float_ssim"];

#[test]
fn serial_runs_list_flushed_motion_after_every_frame_feature() {
    assert_eq!(
        ordered(&[ADM, MOTION, VIF, PSNR, SSIM], ReportOrder::Serial),
        [
            "integer_adm2",
            "integer_adm_scale0",
            "VMAF_integer_feature_motion_sad_score",
            "integer_vif_scale0",
            "psnr_y",
            "mse_y",
            "psnr_cb",
            "float_ssim",
            "integer_motion2",
            "integer_motion3",
        ]
    );
}

#[test]
fn threaded_runs_list_temporal_extractors_first() {
    let speed_temporal: &[&str] = &["speed_temporal"];
    assert_eq!(
        ordered(
            &[ADM, MOTION, VIF, SSIM, speed_temporal, PSNR],
            ReportOrder::Threaded
        ),
        [
            "speed_temporal",
            "psnr_y",
            "mse_y",
            "psnr_cb",
            "integer_adm2",
            "integer_adm_scale0",
            "VMAF_integer_feature_motion_sad_score",
            "integer_vif_scale0",
            "float_ssim",
            "integer_motion2",
            "integer_motion3",
        ]
    );
}

#[test]
fn float_motion_writes_motion2_first_and_motion3_a_frame_late() {
    let float_adm: &[&str] = &["VMAF_feature_adm2_score"];
    let float_motion: &[&str] = &[
        "VMAF_feature_motion_score",
        "VMAF_feature_motion2_score",
        "VMAF_feature_motion3_score",
    ];
    let float_vif: &[&str] = &["VMAF_feature_vif_scale0_score"];
    assert_eq!(
        ordered(&[float_adm, float_motion, float_vif], ReportOrder::Serial),
        ["adm2", "motion2", "motion", "vif_scale0", "motion3"]
    );
}

#[test]
fn features_the_tables_do_not_name_keep_the_layout_order() {
    let new: &[&str] = &["psnr_hvs_y", "psnr_hvs_cb", "psnr_hvs_cr", "psnr_hvs"];
    let other: &[&str] = &["float_moment_ref1st", "float_moment_dis1st"];
    for order in [ReportOrder::Serial, ReportOrder::Threaded] {
        assert_eq!(
            ordered(&[new, other], order),
            [
                "psnr_hvs_y",
                "psnr_hvs_cb",
                "psnr_hvs_cr",
                "psnr_hvs",
                "float_moment_ref1st",
                "float_moment_dis1st"
            ]
        );
    }
    assert!(report_order(&[], ReportOrder::Serial).is_empty());
}
