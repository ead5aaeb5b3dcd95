//! Feature extractors, one folder per metric, each with its scalar reference and its
//! [`descriptor::MetricDescriptor`].

pub mod descriptor;
pub(crate) mod device;
pub mod float_common;
pub(crate) mod frame_check;
pub mod options;
pub mod registry;
pub mod request;

#[cfg(test)]
mod option_errors_tests;

/// Declares each metric's module and lists its descriptors in the registry, in one
/// place: `module: DESCRIPTOR, ...;` (a folder may hold more than one metric).
macro_rules! metrics {
    ($($module:ident: $($descriptor:ident),+;)*) => {
        $(pub mod $module;)*

        /// Every metric's descriptor, in registry order.
        pub(crate) static METRICS: &[&descriptor::MetricDescriptor] =
            &[$($(&$module::$descriptor),+),*];
    };
}

// The registry: one line per metric folder.
metrics! {
    adm: DESCRIPTOR;
    motion: DESCRIPTOR;
    vif: DESCRIPTOR;
    float_adm: DESCRIPTOR;
    float_motion: DESCRIPTOR;
    float_vif: DESCRIPTOR;
    psnr: DESCRIPTOR;
    ssim: DESCRIPTOR;
    ms_ssim: DESCRIPTOR;
    ciede: DESCRIPTOR;
    cambi: DESCRIPTOR;
    float_psnr: DESCRIPTOR;
    float_ansnr: DESCRIPTOR;
    float_moment: DESCRIPTOR;
    psnr_hvs: DESCRIPTOR;
    speed: CHROMA_DESCRIPTOR, TEMPORAL_DESCRIPTOR;
}
