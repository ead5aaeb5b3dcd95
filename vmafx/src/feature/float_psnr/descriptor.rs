//! `float_psnr`: libvmaf's float PSNR extractor, as the registry sees it.

use super::{FloatPsnrExtractor, FloatPsnrOptions};

crate::feature::descriptor::optionless_spatial_metric!(
    "float_psnr",
    FloatPsnrExtractor,
    FloatPsnrOptions,
    [
        "float_psnr"
    ]
);
