//! `VmafxOptions` and `VmafxFrameFormat`: what C callers set, and their checked
//! translation into the core library's builder and formats.

use std::ffi::c_char;

use vmafx::{ChromaSubsampling, FrameFormat, Percentile, PoolMethod, ReportOrder, ScorerBuilder};

use crate::ffi_util::{c_text, c_text_array, guard_status, write_out};
use crate::status::{FfiError, VmafxStatus};

/// Chroma layout of a video: one of the `VMAFX_CHROMA_*` values.
pub type VmafxChroma = u32;
/// 4:2:0: chroma planes of half width and half height (rounded up).
pub const VMAFX_CHROMA_420: VmafxChroma = 0;
/// 4:2:2: chroma planes of half width (rounded up), full height.
pub const VMAFX_CHROMA_422: VmafxChroma = 1;
/// 4:4:4: chroma planes of full size.
pub const VMAFX_CHROMA_444: VmafxChroma = 2;
/// 4:0:0: luma only; there are no chroma planes.
pub const VMAFX_CHROMA_400: VmafxChroma = 3;

/// How per-frame values are pooled into one: one of the `VMAFX_POOL_*` values.
pub type VmafxPoolMethod = u32;
/// Arithmetic mean (libvmaf's default).
pub const VMAFX_POOL_MEAN: VmafxPoolMethod = 0;
/// Smallest value.
pub const VMAFX_POOL_MIN: VmafxPoolMethod = 1;
/// Largest value.
pub const VMAFX_POOL_MAX: VmafxPoolMethod = 2;
/// libvmaf's harmonic mean, `n / sum(1 / (x + 1)) - 1`.
pub const VMAFX_POOL_HARMONIC_MEAN: VmafxPoolMethod = 3;
/// A percentile of the values (`VmafxOptions.pool_percentile`), interpolated linearly
/// between the sorted values as numpy's `percentile` does by default. Not one of
/// libvmaf's methods; for `vmafx_report_pooled` use `vmafx_report_percentile` instead.
pub const VMAFX_POOL_PERCENTILE: VmafxPoolMethod = 4;

/// Flag for `VmafxOptions.flags`: compute the features only, no model score;
/// `VmafxOptions.models` is then ignored.
pub const VMAFX_FLAG_NO_PREDICTION: u32 = 1;
/// Flag for `VmafxOptions.flags` (`vmafx_score` only): when one input is longer, score
/// the frames both have instead of failing with `VMAFX_STATUS_MISMATCH`.
pub const VMAFX_FLAG_ALLOW_LENGTH_MISMATCH: u32 = 2;
const KNOWN_FLAGS: u32 = VMAFX_FLAG_NO_PREDICTION | VMAFX_FLAG_ALLOW_LENGTH_MISMATCH;

/// Most worker threads a run may ask for; more is surely a mistake (or garbage). The
/// library's own cap, which the C header states as 1024.
const MAX_THREADS: u32 = vmafx::MAX_THREADS as u32;

/// The model used when `VmafxOptions.models` is empty.
const DEFAULT_MODEL: &str = "vmaf_v0.6.1";

/// Size, chroma layout and bit depth of a video's frames.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VmafxFrameFormat {
    /// Luma width in pixels, 1 to 65536.
    pub width: u32,
    /// Luma height in pixels, 1 to 65536.
    pub height: u32,
    /// Chroma layout, a `VMAFX_CHROMA_*` value.
    pub chroma: VmafxChroma,
    /// Bits per sample, 8 to 16. Samples of 8-bit video are `uint8_t`; deeper video uses
    /// `uint16_t` in native byte order (raw `.yuv` files: little-endian).
    pub bit_depth: u32,
}

/// Options of a scoring run. Fill it with `vmafx_options_init()` first, then change
/// the fields you need; the strings and arrays it points to are only read during the
/// call they are passed to.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct VmafxOptions {
    /// Must be `sizeof(VmafxOptions)`; `vmafx_options_init()` sets it. Lets later
    /// versions of the library grow the structure without breaking callers.
    pub struct_size: u32,
    /// Bitwise OR of `VMAFX_FLAG_*` values; 0 for none.
    pub flags: u32,
    /// Models to score with, `model_count` strings; may be NULL when `model_count` is 0,
    /// which means the built-in `vmaf_v0.6.1`. Each string is a built-in model name
    /// (e.g. "vmaf_v0.6.1", "vmaf_4k_v0.6.1") or libvmaf's `--model` syntax:
    /// "version=NAME" or "path=FILE.json", optionally followed by ":name=LABEL" (the
    /// name its score is reported under, of letters, digits, '_', '-' and '.'; "vmaf"
    /// when absent), ":disable_clip", ":enable_transform". Two models need distinct
    /// names. Model files may hold at most 64 MiB.
    pub models: *const *const c_char,
    /// Number of strings in `models`.
    pub model_count: usize,
    /// Extra features to compute, `feature_count` strings in libvmaf's `--feature`
    /// syntax ("psnr", "float_ssim", "cambi=window_size=63", ...); may be NULL when
    /// `feature_count` is 0.
    pub features: *const *const c_char,
    /// Number of strings in `features`.
    pub feature_count: usize,
    /// Worker threads, at most 1024; 0 means one per available core. Scores never
    /// depend on it.
    pub threads: u32,
    /// Score every `subsample`-th frame only; at least 1 (the default).
    pub subsample: u32,
    /// Compute backend: NULL (then `VMAFX_BACKEND` decides, else "auto"), "auto", "cpu",
    /// or a GPU backend compiled into this build ("cuda", "hip", "sycl" or "vulkan", each
    /// with its Cargo feature). Any other name fails with
    /// `VMAFX_STATUS_BACKEND_UNAVAILABLE`.
    pub backend: *const c_char,
    /// How `VmafxResult.score` pools the first model's per-frame scores, a
    /// `VMAFX_POOL_*` value.
    pub pool_method: VmafxPoolMethod,
    /// `vmafx_score` only: the geometry of raw YUV inputs (`.yuv` files need it); when
    /// set, both inputs are read as raw YUV. Left zero, inputs are read as Y4M or
    /// decoded by ffmpeg.
    pub raw_format: VmafxFrameFormat,
    /// `vmafx_score` only: frames to drop from the start of the reference.
    pub skip_reference_frames: u64,
    /// `vmafx_score` only: frames to drop from the start of the distorted video.
    pub skip_distorted_frames: u64,
    /// `vmafx_score` only: score at most this many frames; 0 means all.
    pub max_frames: u64,
    /// With `pool_method` `VMAFX_POOL_PERCENTILE`: the percentile, 0 to 100 (50 is the
    /// median). Ignored with the other methods.
    pub pool_percentile: f64,
    /// `vmafx_score` only: the first frame of a segment to score, numbered after the
    /// skipped frames. The frames around the segment that temporal metrics need are
    /// read too, so each frame gets the values a whole-video run gives it; the result
    /// pools the segment's frames only. 0 (the default) with `frame_end` 0 scores every
    /// frame.
    pub frame_start: u64,
    /// `vmafx_score` only: one past the segment's last frame (clipped to the video's
    /// length); 0 means the end of the video. Must exceed `frame_start` otherwise.
    pub frame_end: u64,
}

impl Default for VmafxOptions {
    fn default() -> Self {
        Self {
            struct_size: std::mem::size_of::<Self>() as u32,
            flags: 0,
            models: std::ptr::null(),
            model_count: 0,
            features: std::ptr::null(),
            feature_count: 0,
            threads: 0,
            subsample: 1,
            backend: std::ptr::null(),
            pool_method: VMAFX_POOL_MEAN,
            raw_format: VmafxFrameFormat {
                width: 0,
                height: 0,
                chroma: VMAFX_CHROMA_420,
                bit_depth: 8,
            },
            skip_reference_frames: 0,
            skip_distorted_frames: 0,
            max_frames: 0,
            pool_percentile: 50.0,
            frame_start: 0,
            frame_end: 0,
        }
    }
}

/// Fills `options` with the defaults: `vmaf_v0.6.1`, no extra features, all cores,
/// every frame, backend "auto", mean pooling, no raw geometry, no frame selection.
///
/// Returns `VMAFX_STATUS_NULL_POINTER` when `options` is NULL.
///
/// # Safety
/// `options` is NULL or valid for writing a `VmafxOptions`.
#[no_mangle]
pub unsafe extern "C" fn vmafx_options_init(options: *mut VmafxOptions) -> VmafxStatus {
    // SAFETY: the caller promises `options` is NULL or writable.
    guard_status(|| unsafe { write_out(options, VmafxOptions::default(), "options") })
}

impl VmafxOptions {
    /// The segment `frame_start` and `frame_end` select; `None` for every frame.
    pub(crate) fn frame_range(&self) -> Result<Option<std::ops::Range<u64>>, FfiError> {
        let end = if self.frame_end == 0 {
            u64::MAX
        } else {
            self.frame_end
        };
        if self.frame_start == 0 && self.frame_end == 0 {
            return Ok(None);
        }
        if self.frame_start >= end {
            return Err(FfiError::invalid(format!(
                "options->frame_start {} is not below options->frame_end {}",
                self.frame_start, self.frame_end
            )));
        }
        Ok(Some(self.frame_start..end))
    }
}

/// Checked, owned translation of a `VmafxOptions`.
pub(crate) struct RunOptions {
    /// The configured scorer.
    pub(crate) builder: ScorerBuilder,
    /// Name of the first model's score, `None` with no prediction.
    pub(crate) primary_metric: Option<String>,
    /// Pooling for `VmafxResult.score`.
    pub(crate) pool_method: PoolMethod,
    /// The copied C structure, for the fields only `vmafx_score` reads.
    pub(crate) raw: VmafxOptions,
}

impl RunOptions {
    /// Reads and checks `options`; NULL means the defaults.
    ///
    /// # Safety
    /// `options` is NULL or points to a `VmafxOptions` whose `struct_size` is correct
    /// (or at least to a readable `uint32_t` holding a wrong size), with valid strings.
    pub(crate) unsafe fn from_c(options: *const VmafxOptions) -> Result<Self, FfiError> {
        let raw = if options.is_null() {
            VmafxOptions::default()
        } else {
            // SAFETY: `struct_size` is the first field; the caller promises at least it
            // is readable, and `VmafxOptions` is aligned for it.
            let size = unsafe { options.cast::<u32>().read() };
            let expected = std::mem::size_of::<VmafxOptions>();
            if size as usize != expected {
                return Err(FfiError::invalid(format!(
                    "options->struct_size is {size}, this library needs {expected} \
                     (call vmafx_options_init)"
                )));
            }
            // SAFETY: the size matches, so the caller's structure is a whole VmafxOptions.
            unsafe { *options }
        };
        if raw.flags & !KNOWN_FLAGS != 0 {
            return Err(FfiError::invalid(format!(
                "options->flags has unknown bits {:#x}",
                raw.flags & !KNOWN_FLAGS
            )));
        }
        // SAFETY: the caller promises valid strings for the non-NULL pointers.
        let backend = match unsafe { optional_text(raw.backend, "options->backend") }? {
            None | Some("") => None,
            Some(name) => Some(check_backend(name)?),
        };
        if raw.threads > MAX_THREADS {
            return Err(FfiError::invalid(format!(
                "options->threads is {}, more than {MAX_THREADS}",
                raw.threads
            )));
        }
        if raw.subsample == 0 {
            return Err(FfiError::invalid("options->subsample must be at least 1"));
        }
        let pool_method = pool_method(raw.pool_method, Some(raw.pool_percentile))?;
        // libvmaf lists metrics in another order when it runs a thread pool
        // (`n_threads` >= 1, as its FFmpeg filter takes it); 0, its default and ours for
        // "one per core", keeps its serial order.
        let order = if raw.threads >= 1 {
            ReportOrder::Threaded
        } else {
            ReportOrder::Serial
        };
        let mut builder = ScorerBuilder::new()
            .threads(raw.threads as usize)
            .subsample(u64::from(raw.subsample))
            .report_order(order);
        if let Some(kind) = backend {
            builder = builder.backend(kind);
        }

        let mut primary_metric = None;
        if raw.flags & VMAFX_FLAG_NO_PREDICTION == 0 {
            // SAFETY: the caller promises `model_count` valid strings at `models`.
            let mut specs =
                unsafe { c_text_array(raw.models, raw.model_count, "options->models") }?;
            if specs.is_empty() {
                specs.push(DEFAULT_MODEL);
            }
            for spec in specs {
                let (name, model) = vmafx::model::load_spec(spec)?;
                primary_metric.get_or_insert_with(|| name.clone());
                builder = builder.named_model(name, model);
            }
        }
        // SAFETY: the caller promises `feature_count` valid strings at `features`.
        let features =
            unsafe { c_text_array(raw.features, raw.feature_count, "options->features") }?;
        for spec in features {
            builder = builder.feature_spec(spec).map_err(|e| match e {
                vmafx::Error::InvalidOption(m) => FfiError::new(VmafxStatus::Feature, m),
                other => other.into(),
            })?;
        }
        Ok(Self {
            builder,
            primary_metric,
            pool_method,
            raw,
        })
    }
}

/// Borrows an optional C string.
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string outliving `'a`.
unsafe fn optional_text<'a>(ptr: *const c_char, what: &str) -> Result<Option<&'a str>, FfiError> {
    if ptr.is_null() {
        return Ok(None);
    }
    // SAFETY: non-NULL, and the caller promises a NUL-terminated string.
    unsafe { c_text(ptr, what) }.map(Some)
}

/// The backend a name asks for, refused at once when it cannot start here.
fn check_backend(name: &str) -> Result<vmafx::BackendKind, FfiError> {
    let unavailable =
        |e: vmafx::Error| FfiError::new(VmafxStatus::BackendUnavailable, e.to_string());
    let kind: vmafx::BackendKind = name.parse().map_err(unavailable)?;
    vmafx::backend::resolve(kind).map_err(unavailable)?;
    Ok(kind)
}

/// The pooling method a `VMAFX_POOL_*` value names; `percentile` is the value that goes
/// with `VMAFX_POOL_PERCENTILE`, `None` where the caller cannot give one.
pub(crate) fn pool_method(
    value: VmafxPoolMethod,
    percentile: Option<f64>,
) -> Result<PoolMethod, FfiError> {
    match value {
        VMAFX_POOL_MEAN => Ok(PoolMethod::Mean),
        VMAFX_POOL_MIN => Ok(PoolMethod::Min),
        VMAFX_POOL_MAX => Ok(PoolMethod::Max),
        VMAFX_POOL_HARMONIC_MEAN => Ok(PoolMethod::HarmonicMean),
        VMAFX_POOL_PERCENTILE => match percentile {
            Some(p) => percentile_method(p),
            None => Err(FfiError::invalid(
                "VMAFX_POOL_PERCENTILE needs a percentile: use vmafx_report_percentile",
            )),
        },
        other => Err(FfiError::invalid(format!(
            "pool method {other} is not a VMAFX_POOL_* value"
        ))),
    }
}

/// Pooling at a percentile from 0 to 100.
pub(crate) fn percentile_method(p: f64) -> Result<PoolMethod, FfiError> {
    Percentile::new(p)
        .map(PoolMethod::Percentile)
        .map_err(|e| FfiError::invalid(e.to_string()))
}

impl VmafxFrameFormat {
    /// The checked core format.
    pub(crate) fn to_format(self, what: &str) -> Result<FrameFormat, FfiError> {
        let chroma = match self.chroma {
            VMAFX_CHROMA_420 => ChromaSubsampling::Yuv420,
            VMAFX_CHROMA_422 => ChromaSubsampling::Yuv422,
            VMAFX_CHROMA_444 => ChromaSubsampling::Yuv444,
            VMAFX_CHROMA_400 => ChromaSubsampling::Yuv400,
            other => {
                return Err(FfiError::invalid(format!(
                    "{what}.chroma {other} is not a VMAFX_CHROMA_* value"
                )))
            }
        };
        let bit_depth = u8::try_from(self.bit_depth).unwrap_or(u8::MAX);
        FrameFormat::new(self.width as usize, self.height as usize, chroma, bit_depth)
            .map_err(|e| FfiError::invalid(format!("{what}: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_options(options: &VmafxOptions) -> Result<RunOptions, FfiError> {
        // SAFETY: a live VmafxOptions with NULL or static strings.
        unsafe { RunOptions::from_c(options) }
    }

    #[test]
    fn defaults_score_vmaf_v061() {
        // SAFETY: NULL asks for the defaults.
        let run = unsafe { RunOptions::from_c(std::ptr::null()) }.unwrap();
        assert_eq!(run.primary_metric.as_deref(), Some("vmaf"));
        assert_eq!(run.pool_method, PoolMethod::Mean);
        let median = VmafxOptions {
            pool_method: VMAFX_POOL_PERCENTILE,
            ..VmafxOptions::default()
        };
        let run = run_options(&median).unwrap();
        assert_eq!(run.pool_method, "p50".parse().unwrap());
    }

    #[test]
    fn frame_range_fields_select_a_segment() {
        let range = |start, end| {
            VmafxOptions {
                frame_start: start,
                frame_end: end,
                ..VmafxOptions::default()
            }
            .frame_range()
        };
        assert_eq!(range(0, 0).unwrap(), None);
        assert_eq!(range(0, 40).unwrap(), Some(0..40));
        assert_eq!(range(40, 60).unwrap(), Some(40..60));
        assert_eq!(range(40, 0).unwrap(), Some(40..u64::MAX));
        let error = range(60, 40).expect_err("an empty range fails");
        assert_eq!(error.status, VmafxStatus::InvalidArgument);
        assert!(error.message.contains("frame_start"), "{}", error.message);
    }

    #[test]
    fn rejects_bad_fields() {
        let check = |change: fn(&mut VmafxOptions), status: VmafxStatus| {
            let mut options = VmafxOptions::default();
            change(&mut options);
            let error = run_options(&options).err().expect("must fail");
            assert_eq!(error.status, status, "{}", error.message);
        };
        check(|o| o.struct_size = 8, VmafxStatus::InvalidArgument);
        check(|o| o.flags = 64, VmafxStatus::InvalidArgument);
        check(|o| o.subsample = 0, VmafxStatus::InvalidArgument);
        check(|o| o.threads = 1025, VmafxStatus::InvalidArgument);
        check(|o| o.pool_method = 9, VmafxStatus::InvalidArgument);
        check(
            |o| {
                o.pool_method = VMAFX_POOL_PERCENTILE;
                o.pool_percentile = 100.5;
            },
            VmafxStatus::InvalidArgument,
        );
        check(
            |o| o.backend = c"cuda".as_ptr(),
            VmafxStatus::BackendUnavailable,
        );
        check(|o| o.model_count = 1, VmafxStatus::NullPointer);
        check(|o| o.feature_count = 2, VmafxStatus::NullPointer);
    }

    #[test]
    fn reads_models_and_features() {
        let models = [
            c"vmaf_v0.6.1".as_ptr(),
            c"version=vmaf_v0.6.1neg:name=neg".as_ptr(),
        ];
        let features = [c"psnr".as_ptr()];
        let mut options = VmafxOptions {
            models: models.as_ptr(),
            model_count: 2,
            features: features.as_ptr(),
            feature_count: 1,
            backend: c"CPU".as_ptr(),
            ..VmafxOptions::default()
        };
        let run = run_options(&options).unwrap();
        assert_eq!(run.primary_metric.as_deref(), Some("vmaf"));

        let unknown = [c"no_such_feature".as_ptr()];
        options.features = unknown.as_ptr();
        let error = run_options(&options).err().unwrap();
        assert_eq!(error.status, VmafxStatus::Feature, "{}", error.message);
    }

    #[test]
    fn checks_frame_formats() {
        let good = VmafxFrameFormat {
            width: 352,
            height: 288,
            chroma: VMAFX_CHROMA_422,
            bit_depth: 10,
        };
        let format = good.to_format("format").unwrap();
        assert_eq!(format.chroma(), ChromaSubsampling::Yuv422);
        for bad in [
            VmafxFrameFormat { chroma: 4, ..good },
            VmafxFrameFormat {
                bit_depth: 7,
                ..good
            },
            VmafxFrameFormat {
                bit_depth: 300,
                ..good
            },
            VmafxFrameFormat { width: 0, ..good },
            VmafxFrameFormat {
                height: 70_000,
                ..good
            },
        ] {
            assert!(bad.to_format("format").is_err(), "{bad:?}");
        }
    }
}
