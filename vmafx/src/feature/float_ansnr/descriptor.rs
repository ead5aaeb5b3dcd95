//! `float_ansnr`: libvmaf's float ANSNR extractor, as the registry sees it.

use super::{FloatAnsnrExtractor, FloatAnsnrOptions};

crate::feature::descriptor::optionless_spatial_metric!(
    "float_ansnr",
    FloatAnsnrExtractor,
    FloatAnsnrOptions,
    [
        "float_ansnr",
        "float_anpsnr"
    ]
);
