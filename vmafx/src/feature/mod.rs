//! Feature extractors, one folder per metric, each with its scalar reference and its
//! [`descriptor::MetricDescriptor`].

pub mod descriptor;
pub(crate) mod device;
pub mod float_common;
pub(crate) mod frame_check;
pub mod options;
pub mod registry;
pub mod request;

/// Declares each metric's module and lists its descriptor in the registry, in one place.
macro_rules! metrics {
    ($($metric:ident),* $(,)?) => {
        $(pub mod $metric;)*

        /// Every metric's descriptor, in registry order.
        pub(crate) static METRICS: &[&descriptor::MetricDescriptor] =
            &[$(&$metric::DESCRIPTOR),*];
    };
}

// The registry: one name per metric.
metrics!(
    adm,
    motion,
    vif,
    float_adm,
    float_motion,
    float_vif,
    psnr,
    ssim,
    ms_ssim,
    ciede,
    cambi,
    float_psnr,
    float_ansnr,
    float_moment,
    psnr_hvs,
);
