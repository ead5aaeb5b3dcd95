//! Feature extractors, one module per metric, each with its scalar reference.

pub mod adm;
pub mod cambi;
pub mod ciede;
pub(crate) mod extractor;
pub mod float_adm;
pub mod float_common;
pub mod float_motion;
pub mod float_vif;
pub(crate) mod frame_check;
pub mod motion;
pub mod ms_ssim;
pub(crate) mod option_dict;
pub mod psnr;
pub mod registry;
pub mod speed;
pub mod ssim;
pub mod vif;
