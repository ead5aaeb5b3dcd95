//! `VmafContext`: one scoring session. Extractors and models are registered first; the
//! first picture pair fixes the format and starts the scorer; the flush (NULL, NULL)
//! completes every frame. Scores are read while frames complete and after the flush.

use std::collections::BTreeMap;
use std::ffi::c_char;

use vmafx::{
    BackendKind, FeatureRequest, FrameFormat, FrameRecord, Model, Report, ReportOrder, Scorer,
    ScorerBuilder,
};

use crate::dictionary::{self, text, VmafFeatureDictionary};
use crate::errno::{guard, Failure, Outcome};
use crate::model::{VmafModel, VmafModelCollection};
use crate::picture::{self, VmafPicture, VmafPictureConfiguration};
use crate::{feature_names, log};

/// Session options, laid out as libvmaf's `VmafConfiguration`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VmafConfiguration {
    /// A `VMAF_LOG_LEVEL_*` value: what reaches stderr.
    pub log_level: u32,
    /// Worker threads; 0 scores on the calling thread. As in libvmaf, 1 or more also
    /// lists the temporal extractors' features first in reports.
    pub n_threads: u32,
    /// Score every `n_subsample`-th picture (0 and 1: every picture).
    pub n_subsample: u32,
    /// libvmaf's mask of SIMD paths to turn off; results never depend on it here.
    pub cpumask: u64,
    /// libvmaf's mask of GPU use; this library computes on the CPU.
    pub gpumask: u64,
}

/// Where a session stands.
enum State {
    /// Extractors and models may still be added; no picture read yet.
    Configuring,
    Scoring(Box<Scorer>),
    /// Flushed: no more pictures. The report is absent when none was read.
    Flushed(Option<Report>),
    /// A panic left the scorer in an unknown state.
    Broken,
}

/// One scoring session (opaque to C).
pub struct VmafContext {
    cfg: VmafConfiguration,
    models: Vec<(String, Model)>,
    features: Vec<FeatureRequest>,
    state: State,
    format: Option<FrameFormat>,
    /// Output names, in report order, once scoring started.
    metrics: Vec<String>,
    /// Completed frames in index order.
    records: Vec<FrameRecord>,
    /// Scores callers imported with `vmaf_import_feature_score`.
    imported: BTreeMap<String, BTreeMap<u32, f64>>,
    preallocated: Option<VmafPictureConfiguration>,
    /// The compute backend a caller chose (CUDA, through `vmaf_cuda_import_state`);
    /// otherwise `VMAFX_BACKEND` decides, else the CPU.
    backend: Option<BackendKind>,
}

impl VmafContext {
    fn new(cfg: VmafConfiguration) -> Self {
        Self {
            cfg,
            models: Vec::new(),
            features: Vec::new(),
            state: State::Configuring,
            format: None,
            metrics: Vec::new(),
            records: Vec::new(),
            imported: BTreeMap::new(),
            preallocated: None,
            backend: None,
        }
    }

    /// Every picture index is scored when 1.
    pub(crate) fn subsample(&self) -> u32 {
        self.cfg.n_subsample.max(1)
    }

    pub(crate) fn configuring(&self, what: &str) -> Outcome {
        match self.state {
            State::Configuring => Ok(()),
            _ => Err(Failure::invalid(format!(
                "{what} must come before the first picture"
            ))),
        }
    }

    /// Registers a model under its name. A bootstrap model replaces a plain model of
    /// the same name (its outputs include the plain score); any other repeat of a name
    /// is the model already registered.
    fn add_model(&mut self, name: &str, model: &Model) -> Outcome {
        self.configuring("registering a model")?;
        match self.models.iter_mut().find(|(n, _)| n == name) {
            None => self.models.push((name.to_string(), model.clone())),
            Some(entry) if model.is_bootstrap() && !entry.1.is_bootstrap() => {
                entry.1 = model.clone()
            }
            Some(entry) => {
                if entry.1.name() != model.name() {
                    log::warning(&format!(
                        "a model named {name} is already used; {} is ignored",
                        model.name()
                    ));
                }
            }
        }
        Ok(())
    }

    fn start(&mut self, format: FrameFormat) -> Outcome<Box<Scorer>> {
        let order = if self.cfg.n_threads > 0 {
            ReportOrder::Threaded
        } else {
            ReportOrder::Serial
        };
        let mut builder = ScorerBuilder::new()
            .threads(self.cfg.n_threads.max(1) as usize)
            .subsample(u64::from(self.subsample()))
            .report_order(order);
        for (name, model) in &self.models {
            builder = builder.named_model(name.clone(), model.clone());
        }
        for request in &self.features {
            builder = builder.feature(request.clone());
        }
        if let Some(kind) = self.backend {
            builder = builder.backend(kind);
        }
        let scorer = builder.build(format)?;
        self.metrics = scorer.metrics().to_vec();
        self.format = Some(format);
        Ok(Box::new(scorer))
    }

    fn read(
        &mut self,
        reference: &mut VmafPicture,
        distorted: &mut VmafPicture,
        index: u32,
    ) -> Outcome {
        let format = picture::format(reference)?;
        if picture::format(distorted)? != format {
            return Err(Failure::invalid(
                "the reference and distorted pictures differ in size, layout or depth",
            ));
        }
        if let Some(expected) = self.format {
            if expected != format {
                return Err(Failure::invalid(
                    "the pictures' format changed during the run",
                ));
            }
        }
        let mut scorer = match std::mem::replace(&mut self.state, State::Broken) {
            State::Configuring => self.start(format),
            State::Scoring(scorer) => Ok(scorer),
            other => {
                self.state = other;
                return Err(Failure::invalid("the context is flushed or unusable"));
            }
        }
        .inspect_err(|_| self.state = State::Configuring)?;
        let expected = scorer.frames_pushed();
        let outcome = if u64::from(index) != expected {
            Err(Failure::invalid(format!(
                "picture index {index} is out of order; this library takes indices 0, 1, 2... \
                 and expected {expected}"
            )))
        } else {
            // SAFETY: pictures from `vmaf_picture_alloc` cover their planes; they stay
            // untouched during the call.
            let views = unsafe {
                picture::view(reference, format, "reference")
                    .and_then(|r| Ok((r, picture::view(distorted, format, "distorted")?)))
            };
            views.and_then(|(r, d)| Ok(scorer.push(&r, &d)?))
        };
        self.records.extend_from_slice(scorer.new_records());
        self.state = State::Scoring(scorer);
        outcome?;
        // As libvmaf, the pictures' references are dropped once they are read.
        // SAFETY: the pictures' references, if any, come from `picture::allocate`.
        let released = unsafe { [picture::release(reference), picture::release(distorted)] };
        released.into_iter().collect()
    }

    fn flush(&mut self) -> Outcome {
        match std::mem::replace(&mut self.state, State::Broken) {
            State::Configuring => {
                self.state = State::Flushed(None);
                Ok(())
            }
            State::Scoring(scorer) => {
                let mut report = scorer.finish()?;
                report.version = crate::version_text().to_string();
                // libvmaf's reports do not name a backend; an empty one is left out.
                report.backend = String::new();
                self.records = report.frames.clone();
                self.state = State::Flushed(Some(report));
                Ok(())
            }
            State::Flushed(report) => {
                self.state = State::Flushed(report);
                Err(Failure::invalid("the context is already flushed"))
            }
            State::Broken => Err(Failure::invalid("the context is unusable")),
        }
    }

    /// Scores with `kind` instead of the default backend.
    #[cfg_attr(not(feature = "cuda"), allow(dead_code))]
    pub(crate) fn use_backend(&mut self, kind: BackendKind) -> Outcome {
        self.configuring("choosing a backend")?;
        self.backend = Some(kind);
        Ok(())
    }

    /// Keeps the geometry `vmaf_fetch_preallocated_picture` allocates.
    pub(crate) fn preallocate(&mut self, cfg: VmafPictureConfiguration) -> Outcome {
        let p = cfg.pic_params;
        if p.w == 0 || p.h == 0 || cfg.pic_cnt == 0 {
            return Err(Failure::invalid(
                "preallocated pictures need a size and a count",
            ));
        }
        picture::chroma(p.pix_fmt)
            .ok_or_else(|| Failure::invalid(format!("unknown pixel format {}", p.pix_fmt)))?;
        self.preallocated = Some(cfg);
        Ok(())
    }

    /// Allocates a picture of the preallocated geometry.
    pub(crate) fn fetch_preallocated(&self, pic: &mut VmafPicture) -> Outcome {
        let cfg = self
            .preallocated
            .ok_or_else(|| Failure::invalid("no pictures were preallocated"))?;
        let p = cfg.pic_params;
        picture::allocate(pic, p.pix_fmt, p.bpc, p.w, p.h)
    }

    /// The value of a feature or model output (by report name or libvmaf's internal
    /// name) at a picture index, or an imported score.
    pub(crate) fn value(&self, name: &str, index: u32) -> Option<f64> {
        if let Some(value) = self.imported.get(name).and_then(|s| s.get(&index)) {
            return Some(*value);
        }
        let column = feature_names::column(&self.metrics, name)?;
        let at = self
            .records
            .binary_search_by_key(&u64::from(index), |r| r.index)
            .ok()?;
        self.records[at].values.get(column).copied()
    }

    /// The columns and completed frames, for predicting a model not registered.
    pub(crate) fn frames(&self) -> (&[String], &[FrameRecord]) {
        (&self.metrics, &self.records)
    }

    /// The report `vmaf_write_output` writes: the finished one after the flush, else
    /// the frames completed so far.
    pub(crate) fn report(&self) -> Outcome<Report> {
        if let State::Flushed(Some(report)) = &self.state {
            return Ok(report.clone());
        }
        let format = self
            .format
            .ok_or_else(|| Failure::invalid("no picture was read; there is nothing to write"))?;
        let mut report = Report::new(
            self.metrics.clone(),
            self.records.clone(),
            format.width(),
            format.height(),
            String::new(),
            0.0,
        );
        report.version = crate::version_text().to_string();
        Ok(report)
    }
}

/// Runs `body` on a live context; a panic inside leaves the context unusable.
///
/// # Safety
/// `vmaf` is NULL or a live context used by no one else meanwhile.
pub(crate) unsafe fn with_context(
    vmaf: *mut VmafContext,
    body: impl FnOnce(&mut VmafContext) -> Outcome,
) -> i32 {
    guard(|| {
        // SAFETY: NULL or live and unaliased, as the caller promises.
        let context = unsafe { vmaf.as_mut() }.ok_or_else(|| Failure::null("vmaf"))?;
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(context))) {
            Ok(outcome) => outcome,
            Err(_) => {
                context.state = State::Broken;
                Err(Failure::invalid("internal error; the context is unusable"))
            }
        }
    })
}

/// Creates a session into `*vmaf` with the options `cfg`. Returns 0, or -EINVAL when
/// `vmaf` is NULL.
///
/// # Safety
/// `vmaf` is NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmaf_init(vmaf: *mut *mut VmafContext, cfg: VmafConfiguration) -> i32 {
    guard(|| {
        if vmaf.is_null() {
            return Err(Failure::null("vmaf"));
        }
        log::set_level(cfg.log_level);
        // SAFETY: non-NULL and writable, as the caller promises.
        unsafe { *vmaf = Box::into_raw(Box::new(VmafContext::new(cfg))) };
        Ok(())
    })
}

/// Ends a session and frees it; pictures it still held are released. Returns 0, or
/// -EINVAL for NULL.
///
/// # Safety
/// `vmaf` is NULL or a live context, not used afterwards.
#[no_mangle]
pub unsafe extern "C" fn vmaf_close(vmaf: *mut VmafContext) -> i32 {
    guard(|| {
        if vmaf.is_null() {
            return Err(Failure::null("vmaf"));
        }
        // SAFETY: made by Box::into_raw in `vmaf_init`; the caller gives it up.
        drop(unsafe { Box::from_raw(vmaf) });
        Ok(())
    })
}

/// Adds the extractor libvmaf calls `feature_name` ("psnr", "float_ssim", "ciede",
/// "cambi", ...) with the options in `opts_dict` (NULL for the defaults), which it takes
/// and frees. An unknown name returns -EINVAL and leaves the dictionary to the caller,
/// as libvmaf does; so do NULL arguments. A bad option, or a call after the first
/// picture, returns -EINVAL and frees the dictionary.
///
/// # Safety
/// `vmaf` NULL or live; `feature_name` NULL or a string; `opts_dict` NULL or a live
/// dictionary.
#[no_mangle]
pub unsafe extern "C" fn vmaf_use_feature(
    vmaf: *mut VmafContext,
    feature_name: *const c_char,
    opts_dict: *mut VmafFeatureDictionary,
) -> i32 {
    // SAFETY: as the caller promises.
    unsafe {
        with_context(vmaf, |context| {
            let name = text(feature_name, "feature_name")?;
            let mut request = FeatureRequest::named(name)?;
            // From here on the dictionary is the library's.
            let dict = dictionary::take(opts_dict);
            context.configuring("vmaf_use_feature")?;
            for (key, value) in dict.iter().flat_map(|d| d.entries()) {
                request.set(key, value)?;
            }
            context.features.push(request);
            Ok(())
        })
    }
}

/// Adds the extractors `model` needs and scores it on every frame, under its name.
/// Returns 0, or -EINVAL for NULL arguments or a call after the first picture.
///
/// # Safety
/// `vmaf` NULL or live; `model` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn vmaf_use_features_from_model(
    vmaf: *mut VmafContext,
    model: *mut VmafModel,
) -> i32 {
    // SAFETY: as the caller promises.
    unsafe {
        with_context(vmaf, |context| {
            let model = model.as_ref().ok_or_else(|| Failure::null("model"))?;
            context.add_model(&model.name, &model.model)
        })
    }
}

/// As `vmaf_use_features_from_model`, for every member of a bootstrap collection; the
/// collection's scores are reported as NAME, NAME_0001..., NAME_bagging, NAME_stddev,
/// NAME_ci_p95_lo, NAME_ci_p95_hi.
///
/// # Safety
/// `vmaf` NULL or live; `model_collection` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn vmaf_use_features_from_model_collection(
    vmaf: *mut VmafContext,
    model_collection: *mut VmafModelCollection,
) -> i32 {
    // SAFETY: as the caller promises.
    unsafe {
        with_context(vmaf, |context| {
            let collection = model_collection
                .as_ref()
                .ok_or_else(|| Failure::null("model_collection"))?;
            context.add_model(&collection.name, &collection.model)
        })
    }
}

/// Records a score the caller computed, readable with `vmaf_feature_score_at_index`
/// and `vmaf_feature_score_pooled`. A name already set at `index` returns -EINVAL.
///
/// # Safety
/// `vmaf` NULL or live; `feature_name` NULL or a string.
#[no_mangle]
pub unsafe extern "C" fn vmaf_import_feature_score(
    vmaf: *mut VmafContext,
    feature_name: *const c_char,
    value: f64,
    index: u32,
) -> i32 {
    // SAFETY: as the caller promises.
    unsafe {
        with_context(vmaf, |context| {
            let name = text(feature_name, "feature_name")?;
            let scores = context.imported.entry(name.to_string()).or_default();
            if scores.contains_key(&index) {
                return Err(Failure::invalid(format!(
                    "{name} is already set at index {index}"
                )));
            }
            scores.insert(index, value);
            Ok(())
        })
    }
}

/// Scores a picture pair, `index` 0, 1, 2... in order; the first pair fixes the size,
/// layout and depth. On success the library drops both pictures' references (freeing
/// them). `vmaf_read_pictures(vmaf, NULL, NULL, 0)` flushes: every frame is completed
/// and no more pictures are taken. Returns 0 or -EINVAL (NULL context, only one picture
/// NULL, a picture that does not match, an index out of order, after the flush).
///
/// # Safety
/// `vmaf` NULL or live; `ref` and `dist` NULL or pictures from `vmaf_picture_alloc` or
/// `vmaf_fetch_preallocated_picture`.
#[no_mangle]
pub unsafe extern "C" fn vmaf_read_pictures(
    vmaf: *mut VmafContext,
    r#ref: *mut VmafPicture,
    dist: *mut VmafPicture,
    index: u32,
) -> i32 {
    // SAFETY: as the caller promises.
    unsafe {
        with_context(vmaf, |context| match (r#ref.as_mut(), dist.as_mut()) {
            (None, None) => context.flush(),
            (Some(reference), Some(distorted)) => {
                if matches!(context.state, State::Flushed(_)) {
                    return Err(Failure::invalid("no pictures can be read after the flush"));
                }
                context.read(reference, distorted, index)
            }
            _ => Err(Failure::invalid(
                "ref and dist must both be given, or both NULL",
            )),
        })
    }
}

/// Prepares pictures of one geometry for `vmaf_fetch_preallocated_picture`. Returns 0,
/// or -EINVAL for a NULL context or a zero size or count.
///
/// # Safety
/// `vmaf` NULL or live.
#[no_mangle]
pub unsafe extern "C" fn vmaf_preallocate_pictures(
    vmaf: *mut VmafContext,
    cfg: VmafPictureConfiguration,
) -> i32 {
    // SAFETY: as the caller promises.
    unsafe { with_context(vmaf, |context| context.preallocate(cfg)) }
}

/// Fills `pic` with a picture of the preallocated geometry, holding one reference.
/// Returns 0, -EINVAL (NULL arguments, nothing preallocated) or -ENOMEM.
///
/// # Safety
/// `vmaf` NULL or live; `pic` NULL or writable.
#[no_mangle]
pub unsafe extern "C" fn vmaf_fetch_preallocated_picture(
    vmaf: *mut VmafContext,
    pic: *mut VmafPicture,
) -> i32 {
    // SAFETY: as the caller promises.
    unsafe {
        with_context(vmaf, |context| {
            let pic = pic.as_mut().ok_or_else(|| Failure::null("pic"))?;
            context.fetch_preallocated(pic)
        })
    }
}
