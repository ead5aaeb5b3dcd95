//! What a request asks to compute and the blocking run that computes it with
//! `vmafx::ScoreJob::run_until`.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Mutex, OnceLock};

use serde::{Deserialize, Serialize};
use vmafx::model::ModelOptions;
use vmafx::{
    BackendKind, ChromaSubsampling, FrameFormat, JobOutcome, Model, ScoreJob, ScorerBuilder,
};

use crate::control::RunControl;
use crate::errors::ApiError;
use crate::media;

/// The model used when a request names none.
pub const DEFAULT_MODEL: &str = "vmaf_v0.6.1";

/// What to compute, independent of where the inputs are. Stored with each job.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ScoreSpec {
    /// Models, in libvmaf's `--model` syntax without `path=` (`vmaf_v0.6.1`,
    /// `version=vmaf_v0.6.1neg:name=neg:disable_clip`); `None` means the default model,
    /// an empty list means features only.
    pub models: Option<Vec<String>>,
    /// Extra features in libvmaf's `--feature` syntax (`psnr`, `cambi=window_size=63`).
    #[serde(default)]
    pub features: Vec<String>,
    /// Geometry of raw YUV inputs; absent for Y4M and compressed inputs.
    pub raw: Option<RawGeometry>,
    /// Backend for this request; the server's default when absent.
    pub backend: Option<String>,
}

/// Size and layout of headerless YUV.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RawGeometry {
    /// Luma width.
    pub width: usize,
    /// Luma height.
    pub height: usize,
    /// `420`, `422`, `444` or `400` (also `yuv420p`, ...).
    pub pixel_format: String,
    /// 8 to 16.
    pub bit_depth: u8,
}

impl RawGeometry {
    /// The frame format these numbers describe.
    pub fn format(&self) -> Result<FrameFormat, ApiError> {
        let bad = |e: vmafx::Error| ApiError::bad_request(format!("raw geometry: {e}"));
        let chroma: ChromaSubsampling = self.pixel_format.parse().map_err(bad)?;
        FrameFormat::new(self.width, self.height, chroma, self.bit_depth).map_err(bad)
    }
}

/// One model request, parsed.
#[derive(Debug, Clone, PartialEq)]
struct ModelChoice {
    version: String,
    name: String,
    options: ModelOptions,
}

impl ModelChoice {
    /// `NAME` or `version=NAME[:name=LABEL][:disable_clip][:enable_transform]`. Model
    /// files (`path=`) are refused: a server reads no files but the inputs.
    fn parse(text: &str) -> Result<ModelChoice, ApiError> {
        let bad = |why: String| ApiError::bad_request(format!("model {text:?}: {why}"));
        let mut choice = ModelChoice {
            version: String::new(),
            name: vmafx::DEFAULT_MODEL_NAME.to_owned(),
            options: ModelOptions::default(),
        };
        for part in text.split(':').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = match part.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None if choice.version.is_empty() && !is_switch(part) => ("version", Some(part)),
                None => (part, None),
            };
            let switch = || match value {
                None | Some("true") => Ok(true),
                Some("false") => Ok(false),
                Some(v) => Err(bad(format!("{key} takes true or false, not {v:?}"))),
            };
            match key {
                "version" => choice.version = value.unwrap_or_default().to_owned(),
                "name" => choice.name = value.unwrap_or_default().to_owned(),
                "disable_clip" => choice.options.disable_clip = switch()?,
                "enable_transform" => choice.options.enable_transform = switch()?,
                "path" => {
                    return Err(bad(
                        "model files cannot be named; use a built-in version".into()
                    ))
                }
                other => return Err(bad(format!("unknown option {other:?}"))),
            }
        }
        if choice.version.is_empty() {
            return Err(bad("no version".into()));
        }
        if choice.name.is_empty() {
            return Err(bad("empty name".into()));
        }
        Ok(choice)
    }
}

fn is_switch(part: &str) -> bool {
    matches!(part, "disable_clip" | "enable_transform")
}

impl ScoreSpec {
    /// The backend this spec asks for, or `default`.
    pub fn backend_kind(&self, default: BackendKind) -> Result<BackendKind, ApiError> {
        match &self.backend {
            Some(name) => name
                .parse()
                .map_err(|e: vmafx::Error| ApiError::bad_request(e.to_string())),
            None => Ok(default),
        }
    }

    /// Builds the scorer options; fails early on unknown models, features or geometry.
    pub fn scorer(&self, backend: BackendKind, threads: usize) -> Result<ScorerBuilder, ApiError> {
        let mut builder = ScorerBuilder::new().threads(threads).backend(backend);
        let default = [DEFAULT_MODEL.to_owned()];
        let models = self.models.as_deref().unwrap_or(&default);
        let mut names = std::collections::HashSet::new();
        for text in models {
            let choice = ModelChoice::parse(text)?;
            if !names.insert(choice.name.clone()) {
                return Err(ApiError::bad_request(format!(
                    "two models are named {:?}; give one a name= label",
                    choice.name
                )));
            }
            let model = builtin_model(&choice.version)?.with_options(choice.options);
            builder = builder.named_model(choice.name, model);
        }
        for feature in &self.features {
            builder = builder.feature_spec(feature)?;
        }
        if models.is_empty() && self.features.is_empty() {
            return Err(ApiError::bad_request(
                "nothing to compute: no model and no feature",
            ));
        }
        if let Some(raw) = &self.raw {
            raw.format()?;
        }
        Ok(builder)
    }
}

/// A built-in model, parsed once per process (parsing dominates small requests).
pub fn builtin_model(version: &str) -> Result<Model, ApiError> {
    static CACHE: OnceLock<Mutex<HashMap<String, Model>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(model) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(version) {
        return Ok(model.clone());
    }
    let model = Model::builtin(version)?;
    cache
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(version.to_owned(), model.clone());
    Ok(model)
}

/// Everything a run needs besides the spec.
#[derive(Debug, Clone)]
pub struct RunSettings {
    /// Resolved backend.
    pub backend: BackendKind,
    /// Worker threads for the run.
    pub threads: usize,
    /// ffmpeg, when available.
    pub ffmpeg: Option<std::path::PathBuf>,
}

/// Scores `reference` against `distorted`; blocks until done, failed or stopped.
pub fn run(
    reference: &Path,
    distorted: &Path,
    spec: &ScoreSpec,
    settings: &RunSettings,
    control: &RunControl,
) -> Result<JobOutcome, ApiError> {
    let scorer = spec.scorer(settings.backend, settings.threads)?;
    let raw = spec.raw.as_ref().map(RawGeometry::format).transpose()?;
    let inputs = media::prepare(
        reference,
        distorted,
        raw,
        settings.ffmpeg.as_deref(),
        control,
    )?;
    // vmafx names inputs by path; a client learns only the role of each.
    let mut names = [
        (inputs.reference.clone(), "reference"),
        (inputs.distorted.clone(), "distorted"),
        (reference.to_path_buf(), "reference"),
        (distorted.to_path_buf(), "distorted"),
    ]
    .map(|(path, role)| (path.display().to_string(), role));
    // Longest first: `/dev/fd/1` must not replace the start of `/dev/fd/12`.
    names.sort_by_key(|(path, _)| std::cmp::Reverse(path.len()));
    let redact = |mut error: ApiError| {
        for (path, role) in &names {
            error.message = error.message.replace(path.as_str(), role);
        }
        error
    };
    let mut job = ScoreJob::new(&inputs.reference, &inputs.distorted, inputs.kind);
    job.require_equal_length = false;
    let outcome = job.run_until(scorer, |frames| {
        control.frames.store(frames, Ordering::Relaxed);
        !control.is_stopped()
    });
    let outcome = outcome.map_err(ApiError::from);
    let outcome = match inputs.finish(outcome.as_ref().err().cloned()) {
        Some(error) => Err(error),
        None => outcome,
    };
    // A stop that killed a decoder shows up as a broken input; it is a cancel.
    match outcome {
        Err(_) if control.is_stopped() => {
            let frames = control.frames.load(Ordering::Relaxed);
            Err(vmafx::Error::Cancelled(frames).into())
        }
        other => other.map_err(redact),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_model_choices() {
        let plain = ModelChoice::parse("vmaf_v0.6.1").unwrap();
        assert_eq!(plain.version, "vmaf_v0.6.1");
        assert_eq!(plain.name, "vmaf");
        let full = ModelChoice::parse("version=vmaf_v0.6.1neg:name=neg:disable_clip").unwrap();
        assert_eq!(full.version, "vmaf_v0.6.1neg");
        assert_eq!(full.name, "neg");
        assert!(full.options.disable_clip);
        assert!(ModelChoice::parse("path=/etc/passwd").is_err());
        assert!(ModelChoice::parse("name=x").is_err());
        assert!(ModelChoice::parse("vmaf_v0.6.1:colour=red").is_err());
    }

    #[test]
    fn checks_specs_before_running() {
        let ok = ScoreSpec::default();
        assert!(ok.scorer(BackendKind::Cpu, 1).is_ok());
        let unknown = ScoreSpec {
            models: Some(vec!["vmaf_v9".into()]),
            ..ScoreSpec::default()
        };
        assert_eq!(unknown.scorer(BackendKind::Cpu, 1).unwrap_err().status, 400);
        let nothing = ScoreSpec {
            models: Some(vec![]),
            ..ScoreSpec::default()
        };
        assert!(nothing.scorer(BackendKind::Cpu, 1).is_err());
        let twice = ScoreSpec {
            models: Some(vec!["vmaf_v0.6.1".into(), "vmaf_v0.6.1neg".into()]),
            ..ScoreSpec::default()
        };
        assert!(twice.scorer(BackendKind::Cpu, 1).is_err());
        let bad_feature = ScoreSpec {
            features: vec!["nosuch".into()],
            ..ScoreSpec::default()
        };
        assert_eq!(
            bad_feature.scorer(BackendKind::Cpu, 1).unwrap_err().status,
            400
        );
    }
}
