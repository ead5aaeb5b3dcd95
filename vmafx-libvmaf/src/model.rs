//! `VmafModel` and `VmafModelCollection`: loaded models, the name their scores are
//! reported under, and libvmaf's per-extractor option overloads.

use std::ffi::c_char;
use std::path::PathBuf;

use vmafx::model::ModelOptions;
use vmafx::Model;

use crate::dictionary::{self, text, VmafFeatureDictionary};
use crate::errno::{guard, Failure, Outcome};

/// `VMAF_MODEL_FLAG_DISABLE_CLIP`.
const FLAG_DISABLE_CLIP: u64 = 1 << 0;
/// `VMAF_MODEL_FLAG_ENABLE_TRANSFORM`.
const FLAG_ENABLE_TRANSFORM: u64 = 1 << 1;
/// `VMAF_MODEL_FLAG_DISABLE_TRANSFORM`.
const FLAG_DISABLE_TRANSFORM: u64 = 1 << 2;

/// How a model is loaded, laid out as libvmaf's `VmafModelConfig`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VmafModelConfig {
    /// The name its scores are reported under; NULL means "vmaf".
    pub name: *const c_char,
    /// Bitwise OR of `VMAF_MODEL_FLAG_*` values.
    pub flags: u64,
}

/// A loaded model (opaque to C).
#[derive(Debug, Clone)]
pub struct VmafModel {
    pub(crate) name: String,
    pub(crate) model: Model,
}

/// A bootstrap model collection (opaque to C): its members score together, and the
/// collection reports their mean (`NAME_bagging`), spread and 95% interval.
#[derive(Debug, Clone)]
pub struct VmafModelCollection {
    pub(crate) name: String,
    pub(crate) model: Model,
}

/// `VMAF_MODEL_COLLECTION_SCORE_BOOTSTRAP`.
pub(crate) const SCORE_BOOTSTRAP: u32 = 1;

/// The 95% interval of a bootstrap score.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct VmafBootstrapInterval {
    /// Lower end.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

/// Confidence intervals of a bootstrap score.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct VmafBootstrapConfidence {
    /// The 95% interval.
    pub p95: VmafBootstrapInterval,
}

/// A bootstrap collection's scores.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct VmafBootstrapScore {
    /// Mean of the members' scores.
    pub bagging_score: f64,
    /// Standard deviation of the members' scores.
    pub stddev: f64,
    /// Confidence intervals.
    pub ci: VmafBootstrapConfidence,
}

/// A model collection's score, laid out as libvmaf's `VmafModelCollectionScore`.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct VmafModelCollectionScore {
    /// A `VMAF_MODEL_COLLECTION_SCORE_*` value.
    pub r#type: u32,
    /// The bootstrap scores.
    pub bootstrap: VmafBootstrapScore,
}

/// The reported name and the options a configuration asks for.
///
/// # Safety
/// `cfg` is NULL or readable, its `name` NULL or a NUL-terminated string.
unsafe fn read_config(cfg: *const VmafModelConfig) -> Outcome<(String, ModelOptions)> {
    // SAFETY: NULL or readable, as the caller promises.
    let cfg = unsafe { cfg.as_ref() }.ok_or_else(|| Failure::null("cfg"))?;
    let name = if cfg.name.is_null() {
        vmafx::DEFAULT_MODEL_NAME.to_string()
    } else {
        // SAFETY: a NUL-terminated string, as the caller promises.
        unsafe { text(cfg.name, "cfg->name") }?.to_string()
    };
    // Reports carry the name as an XML attribute and a CSV column.
    vmafx::model::check_name(&name)?;
    let options = ModelOptions {
        disable_clip: cfg.flags & FLAG_DISABLE_CLIP != 0,
        enable_transform: cfg.flags & FLAG_ENABLE_TRANSFORM != 0
            && cfg.flags & FLAG_DISABLE_TRANSFORM == 0,
    };
    Ok((name, options))
}

/// Where a model comes from.
enum Source<'a> {
    BuiltIn(&'a str),
    File(PathBuf),
}

/// # Safety
/// `what` is NULL or a NUL-terminated string.
unsafe fn source<'a>(what: *const c_char, from_path: bool) -> Outcome<Source<'a>> {
    if from_path {
        // SAFETY: as the caller promises.
        let path = unsafe { text(what, "path") }?;
        Ok(Source::File(PathBuf::from(path)))
    } else {
        // SAFETY: as the caller promises.
        Ok(Source::BuiltIn(unsafe { text(what, "version") }?))
    }
}

fn load(source: &Source<'_>, options: ModelOptions) -> Outcome<Model> {
    let model = match source {
        Source::BuiltIn(version) => Model::builtin(version)?,
        Source::File(path) => Model::from_path(path)?,
    };
    Ok(model.with_options(options))
}

/// Writes a new handle into an output argument.
///
/// # Safety
/// `out` is non-NULL and writable.
unsafe fn hand_out<T>(out: *mut *mut T, value: T) {
    // SAFETY: as the caller promises.
    unsafe { *out = Box::into_raw(Box::new(value)) };
}

/// # Safety
/// As the public loaders.
unsafe fn model_load(
    model: *mut *mut VmafModel,
    cfg: *mut VmafModelConfig,
    what: *const c_char,
    from_path: bool,
) -> i32 {
    guard(|| {
        if model.is_null() {
            return Err(Failure::null("model"));
        }
        // SAFETY: as the caller promises.
        let (name, options) = unsafe { read_config(cfg) }?;
        // SAFETY: as the caller promises.
        let model_value = load(&unsafe { source(what, from_path) }?, options)?;
        // SAFETY: checked non-NULL; writable as the caller promises.
        unsafe {
            hand_out(
                model,
                VmafModel {
                    name,
                    model: model_value,
                },
            )
        };
        Ok(())
    })
}

/// Loads the built-in model `version` (e.g. "vmaf_v0.6.1", "vmaf_4k_v0.6.1neg") into
/// `*model`, reported under `cfg->name`. Returns 0 or -EINVAL.
///
/// # Safety
/// `model` is NULL or writable; `cfg` NULL or readable; `version` NULL or a string.
#[no_mangle]
pub unsafe extern "C" fn vmaf_model_load(
    model: *mut *mut VmafModel,
    cfg: *mut VmafModelConfig,
    version: *const c_char,
) -> i32 {
    // SAFETY: the caller's promises are the loader's.
    unsafe { model_load(model, cfg, version, false) }
}

/// Loads a JSON model file into `*model`. Returns 0 or -EINVAL.
///
/// # Safety
/// As `vmaf_model_load`, with `path` NULL or a string.
#[no_mangle]
pub unsafe extern "C" fn vmaf_model_load_from_path(
    model: *mut *mut VmafModel,
    cfg: *mut VmafModelConfig,
    path: *const c_char,
) -> i32 {
    // SAFETY: the caller's promises are the loader's.
    unsafe { model_load(model, cfg, path, true) }
}

/// Whether the model takes an input from the extractor libvmaf calls `extractor`.
fn uses_extractor(model: &Model, extractor: &str) -> bool {
    model.features().iter().any(|feature| {
        vmafx::metrics::providing(&feature.name).is_some_and(|m| m.name == extractor)
    })
}

/// Applies a dictionary's options to the model's inputs from `extractor`; like
/// libvmaf, an extractor the model does not use leaves it unchanged.
fn overload(model: &mut Model, extractor: &str, dict: &VmafFeatureDictionary) -> Outcome {
    if !uses_extractor(model, extractor) {
        return Ok(());
    }
    let mut changed = model.clone();
    for (key, value) in dict.entries() {
        changed = changed.with_feature_option(extractor, key, value)?;
    }
    *model = changed;
    Ok(())
}

/// Sets options of the model's extractor `feature_name` (e.g. "vif" with
/// `vif_enhn_gain_limit`), as libvmaf's model overloads; takes and frees `opts_dict`
/// (but, as libvmaf, not when `model` or `feature_name` is NULL). Returns 0, or -EINVAL
/// for a NULL argument or an option the extractor lacks.
///
/// # Safety
/// `model` is NULL or a live model; `feature_name` NULL or a string; `opts_dict` NULL or
/// a dictionary the caller gives up.
#[no_mangle]
pub unsafe extern "C" fn vmaf_model_feature_overload(
    model: *mut VmafModel,
    feature_name: *const c_char,
    opts_dict: *mut VmafFeatureDictionary,
) -> i32 {
    guard(|| {
        // As in libvmaf, a NULL argument leaves the dictionary to the caller.
        // SAFETY: NULL or live, as the caller promises.
        let model = unsafe { model.as_mut() }.ok_or_else(|| Failure::null("model"))?;
        // SAFETY: NULL or a string, as the caller promises.
        let extractor = unsafe { text(feature_name, "feature_name") }?;
        // SAFETY: from here on the caller gives the dictionary up, whatever the outcome.
        let dict =
            unsafe { dictionary::take(opts_dict) }.ok_or_else(|| Failure::null("opts_dict"))?;
        overload(&mut model.model, extractor, &dict)
    })
}

/// Frees a model. NULL is allowed.
///
/// # Safety
/// `model` is NULL or a live model, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn vmaf_model_destroy(model: *mut VmafModel) {
    if !model.is_null() {
        // SAFETY: made by Box::into_raw in this library; the caller gives it up.
        drop(unsafe { Box::from_raw(model) });
    }
}

/// # Safety
/// As the public collection loaders.
unsafe fn collection_load(
    model: *mut *mut VmafModel,
    collection: *mut *mut VmafModelCollection,
    cfg: *mut VmafModelConfig,
    what: *const c_char,
    from_path: bool,
) -> i32 {
    guard(|| {
        if model.is_null() || collection.is_null() {
            return Err(Failure::null("model or model_collection"));
        }
        // SAFETY: as the caller promises.
        let (name, options) = unsafe { read_config(cfg) }?;
        // SAFETY: as the caller promises.
        let loaded = load(&unsafe { source(what, from_path) }?, options)?;
        if !loaded.is_bootstrap() {
            return Err(Failure::invalid(format!(
                "{} is not a model collection",
                loaded.name()
            )));
        }
        // SAFETY: both checked non-NULL; writable as the caller promises.
        unsafe {
            hand_out(
                model,
                VmafModel {
                    name: name.clone(),
                    model: loaded.clone(),
                },
            );
            hand_out(
                collection,
                VmafModelCollection {
                    name,
                    model: loaded,
                },
            );
        }
        Ok(())
    })
}

/// Loads the built-in bootstrap collection `version` (e.g. "vmaf_b_v0.6.3"): `*model`
/// gets its main model, `*model_collection` the collection. Returns 0 or -EINVAL.
///
/// # Safety
/// `model` and `model_collection` are NULL or writable; `cfg` NULL or readable;
/// `version` NULL or a string.
#[no_mangle]
pub unsafe extern "C" fn vmaf_model_collection_load(
    model: *mut *mut VmafModel,
    model_collection: *mut *mut VmafModelCollection,
    cfg: *mut VmafModelConfig,
    version: *const c_char,
) -> i32 {
    // SAFETY: the caller's promises are the loader's.
    unsafe { collection_load(model, model_collection, cfg, version, false) }
}

/// Loads a bootstrap collection from a JSON file, as `vmaf_model_collection_load`.
///
/// # Safety
/// As `vmaf_model_collection_load`, with `path` NULL or a string.
#[no_mangle]
pub unsafe extern "C" fn vmaf_model_collection_load_from_path(
    model: *mut *mut VmafModel,
    model_collection: *mut *mut VmafModelCollection,
    cfg: *mut VmafModelConfig,
    path: *const c_char,
) -> i32 {
    // SAFETY: the caller's promises are the loader's.
    unsafe { collection_load(model, model_collection, cfg, path, true) }
}

/// Overloads extractor options in the collection's members and in `model`, as
/// `vmaf_model_feature_overload`; takes and frees `opts_dict`.
///
/// # Safety
/// `model` NULL or live; `model_collection` NULL or pointing to NULL or a live
/// collection; `feature_name` NULL or a string; `opts_dict` NULL or given up.
#[no_mangle]
pub unsafe extern "C" fn vmaf_model_collection_feature_overload(
    model: *mut VmafModel,
    model_collection: *mut *mut VmafModelCollection,
    feature_name: *const c_char,
    opts_dict: *mut VmafFeatureDictionary,
) -> i32 {
    guard(|| {
        // As in libvmaf, a NULL argument leaves the dictionary to the caller.
        // SAFETY: NULL or pointing to NULL or a live collection, as the caller promises.
        let collection = unsafe { model_collection.as_ref().and_then(|c| c.as_mut()) }
            .ok_or_else(|| Failure::null("model_collection"))?;
        // SAFETY: NULL or live, as the caller promises.
        let model = unsafe { model.as_mut() }.ok_or_else(|| Failure::null("model"))?;
        // SAFETY: NULL or a string, as the caller promises.
        let extractor = unsafe { text(feature_name, "feature_name") }?;
        // SAFETY: from here on the caller gives the dictionary up, whatever the outcome.
        let dict =
            unsafe { dictionary::take(opts_dict) }.ok_or_else(|| Failure::null("opts_dict"))?;
        overload(&mut collection.model, extractor, &dict)?;
        overload(&mut model.model, extractor, &dict)
    })
}

/// Frees a model collection. NULL is allowed.
///
/// # Safety
/// `model_collection` is NULL or a live collection, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn vmaf_model_collection_destroy(model_collection: *mut VmafModelCollection) {
    if !model_collection.is_null() {
        // SAFETY: made by Box::into_raw in this library; the caller gives it up.
        drop(unsafe { Box::from_raw(model_collection) });
    }
}
