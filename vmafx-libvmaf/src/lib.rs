//! A drop-in libvmaf: libvmaf 3.x's C API and ABI, computed by VMAFX.
//!
//! Programs written for libvmaf (FFmpeg's `libvmaf` filter, GStreamer, encoders) link or
//! load `libvmaf.so.3` and call `vmaf_init`, `vmaf_model_load`,
//! `vmaf_use_features_from_model`, `vmaf_read_pictures`, `vmaf_score_pooled`,
//! `vmaf_write_output`... This crate builds that library from the `vmafx` crate: the
//! same functions, structures and enum values as libvmaf's headers (ours are in
//! `include/libvmaf/`), libvmaf's negative-errno return codes, and the same numbers.
//!
//! No panic crosses the boundary: every entry point runs under `catch_unwind` and turns
//! a panic into `-EINVAL` (a context that panicked refuses further pictures).
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![deny(clippy::undocumented_unsafe_blocks)]

mod context;
#[cfg(feature = "cuda")]
mod cuda;
mod dictionary;
mod errno;
mod feature_names;
#[cfg(test)]
mod golden_tests;
mod log;
mod model;
mod output;
mod picture;
mod scores;

pub use context::{
    vmaf_close, vmaf_import_feature_score, vmaf_init, vmaf_read_pictures, vmaf_use_feature,
    vmaf_use_features_from_model, vmaf_use_features_from_model_collection, VmafConfiguration,
    VmafContext,
};
#[cfg(feature = "cuda")]
pub use cuda::{
    vmaf_cuda_fetch_preallocated_picture, vmaf_cuda_import_state, vmaf_cuda_preallocate_pictures,
    vmaf_cuda_state_init, VmafCudaConfiguration, VmafCudaPictureConfiguration, VmafCudaState,
};
pub use dictionary::{
    vmaf_feature_dictionary_free, vmaf_feature_dictionary_set, VmafFeatureDictionary,
};
pub use model::{
    vmaf_model_collection_destroy, vmaf_model_collection_feature_overload,
    vmaf_model_collection_load, vmaf_model_collection_load_from_path, vmaf_model_destroy,
    vmaf_model_feature_overload, vmaf_model_load, vmaf_model_load_from_path, VmafModel,
    VmafModelCollection, VmafModelCollectionScore, VmafModelConfig,
};
pub use output::vmaf_write_output;
pub use picture::{
    vmaf_fetch_preallocated_picture, vmaf_picture_alloc, vmaf_picture_unref,
    vmaf_preallocate_pictures, VmafPicture, VmafPictureConfiguration,
};
pub use scores::{
    vmaf_feature_score_at_index, vmaf_feature_score_pooled, vmaf_score_at_index,
    vmaf_score_at_index_model_collection, vmaf_score_pooled, vmaf_score_pooled_model_collection,
};

/// libvmaf's API version this library implements, as `vmaf_version` reports it.
pub const LIBVMAF_API_VERSION: &str = "3.2.0";

/// The version string: libvmaf's API version, then this implementation's, e.g.
/// `3.2.0-vmafx-0.1.0`. Static; never NULL.
#[no_mangle]
pub extern "C" fn vmaf_version() -> *const std::ffi::c_char {
    VERSION.as_ptr()
}

/// `vmaf_version`'s text.
const VERSION: &std::ffi::CStr = match std::ffi::CStr::from_bytes_with_nul(
    concat!("3.2.0-vmafx-", env!("CARGO_PKG_VERSION"), "\0").as_bytes(),
) {
    Ok(text) => text,
    Err(_) => panic!("the version text has no interior NUL"),
};

/// `vmaf_version`'s text, as a Rust string (reports carry it as their version).
pub(crate) fn version_text() -> &'static str {
    VERSION.to_str().unwrap_or(LIBVMAF_API_VERSION)
}
