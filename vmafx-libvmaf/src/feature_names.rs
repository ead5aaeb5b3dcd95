//! Feature names as callers give them: libvmaf's report names (`integer_adm2`,
//! `psnr_y`) or the internal names its extractors write (`VMAF_integer_feature_adm2_score`),
//! which libvmaf's reports alias to the short ones.

/// The column of `name` among the output names `metrics`.
pub(crate) fn column(metrics: &[String], name: &str) -> Option<usize> {
    metrics.iter().position(|m| m == name).or_else(|| {
        let short = vmafx::metrics::alias(name);
        metrics.iter().position(|m| m == short)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_names_find_their_report_column() {
        let metrics = vec!["psnr_y".to_string(), "integer_adm2".to_string()];
        assert_eq!(column(&metrics, "psnr_y"), Some(0));
        assert_eq!(column(&metrics, "VMAF_integer_feature_adm2_score"), Some(1));
        assert_eq!(column(&metrics, "float_ssim"), None);
    }
}
