//! Building blocks shared by the floating-point extractors (`float_vif`, `float_adm`,
//! `float_motion`, `float_psnr`, `float_moment`, `float_ansnr`): sample conversion,
//! mirrored borders and frame resampling.
//! (Feature names and their option suffixes live in the registry.)

pub(crate) mod mirror;
pub(crate) mod picture;
pub mod resample;

pub use resample::ResampleMethod;

#[cfg(test)]
mod conformance_tests;
