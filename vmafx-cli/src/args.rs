//! Command-line flags, spelled as libvmaf's `vmaf` tool spells them.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Parser;
use vmafx::io::{is_y4m_path, InputKind};
use vmafx::{ChromaSubsampling, FrameFormat, ReportFormat, ScoreJob, ScorerBuilder};

use crate::model_spec::ModelSpec;

/// Scores a distorted video against its reference: VMAF and companion metrics,
/// equal to libvmaf's.
#[derive(Debug, Parser)]
#[command(name = "vmafx", disable_help_flag = true, disable_version_flag = true)]
pub struct Args {
    /// Reference video: .y4m, or raw planar .yuv with -w -h -p -b; `-` reads stdin.
    #[arg(short = 'r', long = "reference", required_unless_present_any = ["version", "list_models", "list_backends"])]
    pub reference: Option<PathBuf>,
    /// Distorted video, same format as the reference.
    #[arg(short = 'd', long = "distorted", required_unless_present_any = ["version", "list_models", "list_backends"])]
    pub distorted: Option<PathBuf>,
    /// Width of raw input.
    #[arg(short = 'w', long = "width")]
    pub width: Option<usize>,
    /// Height of raw input.
    #[arg(short = 'h', long = "height")]
    pub height: Option<usize>,
    /// Pixel format of raw input: 420, 422, 444 or 400.
    #[arg(short = 'p', long = "pixel_format")]
    pub pixel_format: Option<String>,
    /// Bit depth of raw input, 8 to 16.
    #[arg(short = 'b', long = "bitdepth")]
    pub bitdepth: Option<u8>,
    /// Model, colon-separated: `version=NAME` (built in) or `path=FILE`, plus
    /// `name=LABEL`, `disable_clip`, `enable_transform`. Repeat for several models.
    /// Default: version=vmaf_v0.6.1.
    #[arg(short = 'm', long = "model")]
    pub model: Vec<String>,
    /// Extra feature, e.g. `psnr` or `cambi=window_size=63`. Repeatable.
    #[arg(long = "feature")]
    pub feature: Vec<String>,
    /// Worker threads (0: one per core). Scores do not depend on it.
    #[arg(long = "threads", default_value_t = 0)]
    pub threads: usize,
    /// Score only every N-th frame.
    #[arg(long = "subsample", default_value_t = 1)]
    pub subsample: u64,
    /// Score at most N frames.
    #[arg(long = "frame_cnt")]
    pub frame_cnt: Option<u64>,
    /// Skip the first N reference frames.
    #[arg(long = "frame_skip_ref", default_value_t = 0)]
    pub frame_skip_ref: u64,
    /// Skip the first N distorted frames.
    #[arg(long = "frame_skip_dist", default_value_t = 0)]
    pub frame_skip_dist: u64,
    /// Write the report to this file (`-` for stdout).
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    /// Report as XML (the default).
    #[arg(long = "xml")]
    pub xml: bool,
    /// Report as JSON.
    #[arg(long = "json")]
    pub json: bool,
    /// Report as CSV.
    #[arg(long = "csv")]
    pub csv: bool,
    /// Report as subtitles.
    #[arg(long = "sub")]
    pub sub: bool,
    /// Features only: no model, no VMAF score.
    #[arg(short = 'n', long = "no_prediction")]
    pub no_prediction: bool,
    /// Fail when the inputs have different frame counts (default: score the common frames).
    #[arg(long = "strict-frame-count")]
    pub strict_frame_count: bool,
    /// No progress display.
    #[arg(short = 'q', long = "quiet")]
    pub quiet: bool,
    /// Feature backend: auto, cpu, cuda, hip, sycl or vulkan (default: $VMAFX_BACKEND, else auto).
    #[arg(long = "backend")]
    pub backend: Option<String>,
    /// List the backends this build has and what they found, then exit.
    #[arg(long = "list-backends")]
    pub list_backends: bool,
    /// List the built-in models and exit.
    #[arg(long = "list-models")]
    pub list_models: bool,
    /// Print the version and exit.
    #[arg(short = 'v', long = "version")]
    pub version: bool,
    /// Print help.
    #[arg(long = "help", action = clap::ArgAction::Help)]
    pub help: Option<bool>,
}

impl Args {
    /// The inputs and frame selection.
    pub fn job(&self) -> Result<ScoreJob> {
        let reference = self.reference.clone().context("--reference is required")?;
        let distorted = self.distorted.clone().context("--distorted is required")?;
        let raw = self.width.is_some()
            || self.height.is_some()
            || self.pixel_format.is_some()
            || !(is_y4m_path(&reference) || reference.as_os_str() == "-");
        let input = if raw {
            InputKind::Raw(self.raw_format()?)
        } else {
            InputKind::Y4m
        };
        let mut job = ScoreJob::new(reference, distorted, input);
        job.skip_reference = self.frame_skip_ref;
        job.skip_distorted = self.frame_skip_dist;
        job.max_frames = self.frame_cnt.filter(|&n| n > 0);
        job.require_equal_length = self.strict_frame_count;
        Ok(job)
    }

    fn raw_format(&self) -> Result<FrameFormat> {
        let (Some(width), Some(height), Some(pixel_format)) =
            (self.width, self.height, self.pixel_format.as_deref())
        else {
            bail!("raw input needs --width, --height and --pixel_format (and --bitdepth above 8); use .y4m files otherwise");
        };
        let chroma: ChromaSubsampling = pixel_format.parse()?;
        Ok(FrameFormat::new(
            width,
            height,
            chroma,
            self.bitdepth.unwrap_or(8),
        )?)
    }

    /// The models and features to compute.
    pub fn scorer(&self) -> Result<ScorerBuilder> {
        let mut builder = ScorerBuilder::new()
            .threads(self.threads)
            .subsample(self.subsample);
        if let Some(name) = &self.backend {
            builder = builder.backend(name.parse()?);
        }
        if !self.no_prediction {
            for spec in self.model_specs()? {
                let (name, model) = spec.load()?;
                builder = builder.named_model(name, model);
            }
        }
        for feature in &self.feature {
            builder = builder.feature_spec(feature)?;
        }
        if self.no_prediction && self.feature.is_empty() {
            // Features only: those the default model would use.
            let (_, model) = ModelSpec::default().load()?;
            for f in model.features() {
                builder = builder.feature(vmafx::FeatureRequest::for_model_feature(f)?);
            }
        }
        Ok(builder)
    }

    fn model_specs(&self) -> Result<Vec<ModelSpec>> {
        if self.model.is_empty() {
            return Ok(vec![ModelSpec::default()]);
        }
        self.model.iter().map(|m| ModelSpec::parse(m)).collect()
    }

    /// Report names of the models, for the summary.
    pub fn model_names(&self) -> Result<Vec<String>> {
        if self.no_prediction {
            return Ok(Vec::new());
        }
        Ok(self.model_specs()?.into_iter().map(|m| m.name).collect())
    }

    /// The report layout the flags ask for (XML when none, as libvmaf).
    pub fn report_format(&self) -> ReportFormat {
        if self.json {
            ReportFormat::Json
        } else if self.csv {
            ReportFormat::Csv
        } else if self.sub {
            ReportFormat::Sub
        } else {
            ReportFormat::Xml
        }
    }
}
