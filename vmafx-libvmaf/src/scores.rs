//! Reading scores: one frame's, or pooled over a range of picture indices as libvmaf
//! pools them (indices subsampling skips are left out; every other index must have a
//! value).

use std::ffi::c_char;

use vmafx::{FeatureRequest, Model};

use crate::context::{with_context, VmafContext};
use crate::dictionary::text;
use crate::errno::{Failure, Outcome};
use crate::feature_names;
use crate::model::{VmafModel, VmafModelCollection, VmafModelCollectionScore, SCORE_BOOTSTRAP};

/// `VMAF_POOL_METHOD_MIN`.
const POOL_MIN: u32 = 1;
/// `VMAF_POOL_METHOD_MAX`.
const POOL_MAX: u32 = 2;
/// `VMAF_POOL_METHOD_MEAN`.
const POOL_MEAN: u32 = 3;
/// `VMAF_POOL_METHOD_HARMONIC_MEAN`.
const POOL_HARMONIC_MEAN: u32 = 4;

fn missing(name: &str, index: u32) -> Failure {
    Failure::invalid(format!("no score {name} at index {index} (yet)"))
}

fn feature_at(context: &VmafContext, name: &str, index: u32) -> Outcome<f64> {
    context
        .value(name, index)
        .ok_or_else(|| missing(name, index))
}

/// A model's score at an index: the scorer's when the model was registered, otherwise
/// predicted from the features computed for that frame, as libvmaf does.
fn model_at(context: &VmafContext, name: &str, model: &Model, index: u32) -> Outcome<f64> {
    if let Some(score) = context.value(name, index) {
        return Ok(score);
    }
    let (metrics, records) = context.frames();
    let record = records
        .iter()
        .find(|r| r.index == u64::from(index))
        .ok_or_else(|| missing(name, index))?;
    let inputs = model
        .features()
        .iter()
        .map(|feature| {
            let column = FeatureRequest::for_model_feature(feature)?
                .feature_name(&feature.name)
                .and_then(|column| feature_names::column(metrics, &column))
                .ok_or_else(|| missing(&feature.name, index))?;
            Ok(record.values[column])
        })
        .collect::<Outcome<Vec<f64>>>()?;
    Ok(model.predict(&inputs)?.score)
}

/// Pools `value(i)` over the indices from `low` to `high` that subsampling scores,
/// with libvmaf's arithmetic: a running sum in index order, and minimum and maximum
/// started from the value at `low`.
fn pool(
    context: &VmafContext,
    method: u32,
    low: u32,
    high: u32,
    value: impl Fn(u32) -> Outcome<f64>,
) -> Outcome<f64> {
    if low > high {
        return Err(Failure::invalid(format!(
            "index_low {low} is above index_high {high}"
        )));
    }
    if !(POOL_MIN..=POOL_HARMONIC_MEAN).contains(&method) {
        return Err(Failure::invalid(format!("unknown pooling method {method}")));
    }
    let subsample = context.subsample();
    let (mut count, mut sum, mut inverse_sum, mut min, mut max) = (0u32, 0.0, 0.0, 0.0, 0.0);
    for i in low..=high {
        if subsample > 1 && i % subsample != 0 {
            continue;
        }
        let s = value(i)?;
        count += 1;
        sum += s;
        inverse_sum += 1.0 / (s + 1.0);
        if i == low || s < min {
            min = s;
        }
        if i == low || s > max {
            max = s;
        }
    }
    Ok(match method {
        POOL_MIN => min,
        POOL_MAX => max,
        POOL_MEAN => sum / f64::from(count),
        _ => f64::from(count) / inverse_sum - 1.0,
    })
}

/// Writes an output argument.
///
/// # Safety
/// `out` is NULL or writable.
unsafe fn store<T>(out: *mut T, value: T, what: &str) -> Outcome {
    if out.is_null() {
        return Err(Failure::null(what));
    }
    // SAFETY: non-NULL and writable, as the caller promises.
    unsafe { out.write(value) };
    Ok(())
}

/// The model's score on picture `index` into `*score`. Returns 0, or -EINVAL for NULL
/// arguments or a frame not completed yet.
///
/// # Safety
/// `vmaf` NULL or live; `model` NULL or live; `score` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmaf_score_at_index(
    vmaf: *mut VmafContext,
    model: *mut VmafModel,
    score: *mut f64,
    index: u32,
) -> i32 {
    // SAFETY: as the caller promises.
    unsafe {
        with_context(vmaf, |context| {
            let model = model.as_ref().ok_or_else(|| Failure::null("model"))?;
            if score.is_null() {
                return Err(Failure::null("score"));
            }
            let value = model_at(context, &model.name, &model.model, index)?;
            store(score, value, "score")
        })
    }
}

/// The model's score pooled with `pool_method` (a `VMAF_POOL_METHOD_*` value) over the
/// pictures `index_low` to `index_high`, into `*score`. Returns 0, or -EINVAL for NULL
/// arguments, a bad method or range, or a frame in the range not completed yet.
///
/// # Safety
/// As `vmaf_score_at_index`.
#[no_mangle]
pub unsafe extern "C" fn vmaf_score_pooled(
    vmaf: *mut VmafContext,
    model: *mut VmafModel,
    pool_method: u32,
    score: *mut f64,
    index_low: u32,
    index_high: u32,
) -> i32 {
    // SAFETY: as the caller promises.
    unsafe {
        with_context(vmaf, |context| {
            let model = model.as_ref().ok_or_else(|| Failure::null("model"))?;
            if score.is_null() {
                return Err(Failure::null("score"));
            }
            let value = pool(context, pool_method, index_low, index_high, |i| {
                model_at(context, &model.name, &model.model, i)
            })?;
            store(score, value, "score")
        })
    }
}

/// A feature's value on picture `index` (report name such as "psnr_y" or libvmaf's
/// internal name), into `*score`. Returns 0 or -EINVAL.
///
/// # Safety
/// `vmaf` NULL or live; `feature_name` NULL or a string; `score` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmaf_feature_score_at_index(
    vmaf: *mut VmafContext,
    feature_name: *const c_char,
    score: *mut f64,
    index: u32,
) -> i32 {
    // SAFETY: as the caller promises.
    unsafe {
        with_context(vmaf, |context| {
            let name = text(feature_name, "feature_name")?;
            if score.is_null() {
                return Err(Failure::null("score"));
            }
            store(score, feature_at(context, name, index)?, "score")
        })
    }
}

/// A feature's values pooled as `vmaf_score_pooled` pools a model's. Returns 0 or
/// -EINVAL.
///
/// # Safety
/// As `vmaf_feature_score_at_index`.
#[no_mangle]
pub unsafe extern "C" fn vmaf_feature_score_pooled(
    vmaf: *mut VmafContext,
    feature_name: *const c_char,
    pool_method: u32,
    score: *mut f64,
    index_low: u32,
    index_high: u32,
) -> i32 {
    // SAFETY: as the caller promises.
    unsafe {
        with_context(vmaf, |context| {
            let name = text(feature_name, "feature_name")?;
            if score.is_null() {
                return Err(Failure::null("score"));
            }
            let value = pool(context, pool_method, index_low, index_high, |i| {
                feature_at(context, name, i)
            })?;
            store(score, value, "score")
        })
    }
}

/// The collection's output names: bagging, stddev, 95% interval low and high.
/// Writes a collection's four statistics to `score`, each value from `value_of` called
/// with the statistic's output name (`<collection>_bagging`, ...).
///
/// # Safety
/// `model_collection` NULL or live; `score` NULL or writable.
unsafe fn store_collection_score(
    model_collection: *mut VmafModelCollection,
    score: *mut VmafModelCollectionScore,
    mut value_of: impl FnMut(&str) -> Outcome<f64>,
) -> Outcome {
    // SAFETY: NULL or live, as the caller promises.
    let collection =
        unsafe { model_collection.as_ref() }.ok_or_else(|| Failure::null("model_collection"))?;
    if score.is_null() {
        return Err(Failure::null("score"));
    }
    let mut values = [0.0; 4];
    for (value, statistic) in values
        .iter_mut()
        .zip(["bagging", "stddev", "ci_p95_lo", "ci_p95_hi"])
    {
        *value = value_of(&format!("{}_{statistic}", collection.name))?;
    }
    // SAFETY: checked non-NULL above; writable as the caller promises.
    unsafe { store(score, collection_score(values), "score") }
}

fn collection_score(values: [f64; 4]) -> VmafModelCollectionScore {
    let mut score = VmafModelCollectionScore {
        r#type: SCORE_BOOTSTRAP,
        ..Default::default()
    };
    score.bootstrap.bagging_score = values[0];
    score.bootstrap.stddev = values[1];
    score.bootstrap.ci.p95.lo = values[2];
    score.bootstrap.ci.p95.hi = values[3];
    score
}

/// A registered collection's scores on picture `index`. Returns 0 or -EINVAL.
///
/// # Safety
/// `vmaf` NULL or live; `model_collection` NULL or live; `score` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmaf_score_at_index_model_collection(
    vmaf: *mut VmafContext,
    model_collection: *mut VmafModelCollection,
    score: *mut VmafModelCollectionScore,
    index: u32,
) -> i32 {
    // SAFETY: as the caller promises.
    unsafe {
        with_context(vmaf, |context| {
            store_collection_score(model_collection, score, |name| {
                feature_at(context, name, index)
            })
        })
    }
}

/// A registered collection's scores, each pooled as `vmaf_score_pooled` pools.
/// Returns 0 or -EINVAL.
///
/// # Safety
/// As `vmaf_score_at_index_model_collection`.
#[no_mangle]
pub unsafe extern "C" fn vmaf_score_pooled_model_collection(
    vmaf: *mut VmafContext,
    model_collection: *mut VmafModelCollection,
    pool_method: u32,
    score: *mut VmafModelCollectionScore,
    index_low: u32,
    index_high: u32,
) -> i32 {
    // SAFETY: as the caller promises.
    unsafe {
        with_context(vmaf, |context| {
            store_collection_score(model_collection, score, |name| {
                pool(context, pool_method, index_low, index_high, |i| {
                    feature_at(context, name, i)
                })
            })
        })
    }
}
