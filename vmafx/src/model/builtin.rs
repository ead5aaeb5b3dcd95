//! The model files built into the library, under libvmaf's version names.

/// Declares the built-in table: each version with its file, embedded at compile time.
macro_rules! builtin_models {
    ($($version:literal => $path:literal),* $(,)?) => {
        /// Version names, in the order of [`SOURCES`].
        pub(crate) const VERSIONS: &[&str] = &[$($version),*];
        /// Model file texts, in the order of [`VERSIONS`].
        const SOURCES: &[&str] = &[$(include_str!(concat!("../../models/", $path))),*];
    };
}

builtin_models! {
    "vmaf_v0.6.1" => "vmaf_v0.6.1.json",
    "vmaf_v0.6.1neg" => "vmaf_v0.6.1neg.json",
    "vmaf_4k_v0.6.1" => "vmaf_4k_v0.6.1.json",
    "vmaf_4k_v0.6.1neg" => "vmaf_4k_v0.6.1neg.json",
    "vmaf_b_v0.6.3" => "vmaf_b_v0.6.3.json",
    "vmaf_float_v0.6.1" => "vmaf_float_v0.6.1.json",
    "vmaf_float_v0.6.1neg" => "vmaf_float_v0.6.1neg.json",
    "vmaf_float_b_v0.6.3" => "vmaf_float_b_v0.6.3.json",
    "vmaf_float_4k_v0.6.1" => "vmaf_float_4k_v0.6.1.json",
    "vmaf_v1.0.16_3d0h" => "vmaf_v1.0.16/vmaf_v1.0.16_3d0h.json",
    "vmaf_v1.0.16_3d0h_2160" => "vmaf_v1.0.16/vmaf_v1.0.16_3d0h_2160.json",
    "vmaf_v1.0.16_5d0h" => "vmaf_v1.0.16/vmaf_v1.0.16_5d0h.json",
    "vmaf_v1.0.16_1d5h_2160" => "vmaf_v1.0.16/vmaf_v1.0.16_1d5h_2160.json",
    "vmaf_v1.0.16_hfr_3d0h" => "vmaf_v1.0.16_hfr/vmaf_v1.0.16_hfr_3d0h.json",
    "vmaf_v1.0.16_hfr_3d0h_2160" => "vmaf_v1.0.16_hfr/vmaf_v1.0.16_hfr_3d0h_2160.json",
    "vmaf_v1.0.16_hfr_5d0h" => "vmaf_v1.0.16_hfr/vmaf_v1.0.16_hfr_5d0h.json",
    "vmaf_v1.0.16_hfr_1d5h_2160" => "vmaf_v1.0.16_hfr/vmaf_v1.0.16_hfr_1d5h_2160.json",
}

/// The JSON text of a built-in model, by its exact version name.
pub(crate) fn source(version: &str) -> Option<&'static str> {
    VERSIONS
        .iter()
        .position(|v| *v == version)
        .map(|index| SOURCES[index])
}
