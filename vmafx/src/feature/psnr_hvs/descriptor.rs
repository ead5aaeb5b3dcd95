//! `psnr_hvs`: libvmaf's PSNR-HVS extractor, as the registry sees it.

use super::{PsnrHvsExtractor, PsnrHvsOptions};

crate::feature::descriptor::optionless_spatial_metric!(
    "psnr_hvs",
    PsnrHvsExtractor,
    PsnrHvsOptions,
    [
        "psnr_hvs_y",
        "psnr_hvs_cb",
        "psnr_hvs_cr",
        "psnr_hvs"
    ]
);
