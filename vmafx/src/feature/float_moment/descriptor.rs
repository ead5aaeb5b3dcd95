//! `float_moment`: libvmaf's float moment extractor, as the registry sees it.

use super::{FloatMomentExtractor, FloatMomentOptions};

crate::feature::descriptor::optionless_spatial_metric!(
    "float_moment",
    FloatMomentExtractor,
    FloatMomentOptions,
    [
        "float_moment_ref1st",
        "float_moment_dis1st",
        "float_moment_ref2nd",
        "float_moment_dis2nd"
    ]
);
