//! Command-line flags, spelled as libvmaf's `vmaf` tool spells them.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser};
use vmafx::io::decode::{DecodeOptions, ScaleAlgorithm, Scaling};
use vmafx::io::InputKind;
use vmafx::{
    ChromaSubsampling, FrameFormat, PoolMethod, ReportFormat, ReportOrder, ScoreJob, ScorerBuilder,
};

use crate::request::{Item, Request};

/// Builds a request item from a flag's value.
type MakeItem = fn(String) -> Item;

/// Scores a distorted video against its reference: VMAF and companion metrics,
/// equal to libvmaf's.
#[derive(Debug, Parser)]
#[command(
    name = "vmafx",
    disable_help_flag = true,
    disable_version_flag = true,
    after_help = "Other commands (each has its own --help):\n  \
        vmafx merge PART... -o OUT      join the parts of a run split with --frames\n  \
        vmafx deploy values ...         plan Helm values from this machine's speed\n  \
        vmafx train --dataset D -o M    fit a VMAF model to your subjective scores\n  \
        vmafx evaluate --dataset D -m M how well a model predicts a dataset"
)]
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
    /// libvmaf's AOM CTC preset: v1.0 to v7.0.
    #[arg(long = "aom_ctc")]
    pub aom_ctc: Vec<String>,
    /// libvmaf's Netflix CTC preset: v1.0.
    #[arg(long = "nflx_ctc")]
    pub nflx_ctc: Vec<String>,
    /// Worker threads, at most 1024 (absent or 0: one per core). Scores do not depend on it; as in
    /// libvmaf, N >= 1 lists the temporal extractors' metrics first in reports.
    #[arg(long = "threads")]
    pub threads: Option<usize>,
    /// Score only every N-th frame.
    #[arg(long = "subsample", default_value_t = 1)]
    pub subsample: u64,
    /// Score at most N frames.
    #[arg(long = "frame_cnt")]
    pub frame_cnt: Option<u64>,
    /// Score only frames START..END (END excluded, clipped to the video's length) and
    /// write them as a part for `vmafx merge` to the -o file (--json/--xml/--csv/--sub
    /// do not apply to parts; the merge writes the report).
    #[arg(long = "frames", value_name = "START..END")]
    pub frames: Option<String>,
    /// Skip the first N reference frames.
    #[arg(long = "frame_skip_ref", default_value_t = 0)]
    pub frame_skip_ref: u64,
    /// Skip the first N distorted frames.
    #[arg(long = "frame_skip_dist", default_value_t = 0)]
    pub frame_skip_dist: u64,
    /// Deinterlace interlaced input with ffmpeg's yadif (interlaced input is refused
    /// otherwise).
    #[arg(long = "deinterlace")]
    pub deinterlace: bool,
    /// Scale the distorted video to the reference's size when they differ (through
    /// ffmpeg's scaler; inputs of different sizes are refused otherwise).
    #[arg(long = "scale")]
    pub scale: bool,
    /// Scale both inputs to WxH (e.g. 1920x1080) where their size differs.
    #[arg(long = "scale-to", value_name = "WxH")]
    pub scale_to: Option<String>,
    /// The scaler's kernel: bicubic (default), lanczos, bilinear, spline or neighbor.
    #[arg(long = "scale-algorithm", default_value = "bicubic")]
    pub scale_algorithm: String,
    /// Frame alignment: `off` (default: the skips as given) or `auto` (find the shift
    /// within --sync-window frames, either way, that maximises the luma PSNR of the
    /// first frames, report it, and score with it).
    #[arg(long = "sync", default_value = "off")]
    pub sync: String,
    /// How many frames, either way, `--sync auto` searches.
    #[arg(long = "sync-window", default_value_t = 10)]
    pub sync_window: u64,
    /// Write the report to this file (`-` for stdout).
    #[arg(short = 'o', long = "output")]
    pub output: Option<PathBuf>,
    /// Report as XML (the default). Of several layout flags the last one wins.
    #[arg(long = "xml", action = clap::ArgAction::Count)]
    pub xml: u8,
    /// Report as JSON.
    #[arg(long = "json", action = clap::ArgAction::Count)]
    pub json: u8,
    /// Report as CSV.
    #[arg(long = "csv", action = clap::ArgAction::Count)]
    pub csv: u8,
    /// Report as subtitles.
    #[arg(long = "sub", action = clap::ArgAction::Count)]
    pub sub: u8,
    /// How the summary pools each score: mean (default), min, max, harmonic_mean, or a
    /// percentile `pN` (`p5`, `p50`, `p99.9`; linear interpolation, numpy's default).
    /// Reports always carry libvmaf's four pooled values.
    #[arg(long = "pool", default_value = "mean")]
    pub pool: PoolMethod,
    /// No model scores: the models' features (and `--feature`s) only.
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
    /// Models, features and presets in command-line order.
    #[arg(skip)]
    pub items: Vec<Item>,
    /// The report layout the last layout flag names.
    #[arg(skip)]
    pub last_layout: Option<ReportFormat>,
}

impl Args {
    /// Parses the process's command line (exits with a message on bad flags).
    pub fn from_command_line() -> Result<Self> {
        Self::from_matches(&Self::command().get_matches())
    }

    /// Parses `argv` (with the program name first), for tests.
    #[cfg(test)]
    pub fn from_argv(argv: &[&str]) -> Result<Self> {
        Self::from_matches(&Self::command().try_get_matches_from(argv)?)
    }

    /// The flags, plus what only their positions tell: the order of models, features
    /// and presets, and which layout flag came last.
    fn from_matches(matches: &ArgMatches) -> Result<Self> {
        let mut args = Self::from_arg_matches(matches)?;
        let mut items: Vec<(usize, Item)> = Vec::new();
        let kinds: [(&str, MakeItem); 4] = [
            ("model", Item::Model),
            ("feature", Item::Feature),
            ("aom_ctc", Item::AomCtc),
            ("nflx_ctc", Item::NflxCtc),
        ];
        for (id, make) in kinds {
            let (Some(indices), Some(values)) =
                (matches.indices_of(id), matches.get_many::<String>(id))
            else {
                continue;
            };
            items.extend(indices.zip(values).map(|(i, v)| (i, make(v.clone()))));
        }
        items.sort_by_key(|(i, _)| *i);
        args.items = items.into_iter().map(|(_, item)| item).collect();
        let layouts = [
            ("xml", ReportFormat::Xml),
            ("json", ReportFormat::Json),
            ("csv", ReportFormat::Csv),
            ("sub", ReportFormat::Sub),
        ];
        args.last_layout = layouts
            .into_iter()
            .filter(|(id, _)| matches.value_source(id) == Some(ValueSource::CommandLine))
            .filter_map(|(id, format)| Some((matches.indices_of(id)?.max()?, format)))
            .max_by_key(|(index, _)| *index)
            .map(|(_, format)| format);
        Ok(args)
    }

    /// The inputs and frame selection.
    pub fn job(&self) -> Result<ScoreJob> {
        let reference = self.reference.clone().context("--reference is required")?;
        let distorted = self.distorted.clone().context("--distorted is required")?;
        if reference.as_os_str() == "-" && distorted.as_os_str() == "-" {
            bail!("the reference and the distorted video cannot both be read from standard input (`-`); give at least one of them as a file");
        }
        let is_raw_name = |path: &std::path::Path| {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("yuv"))
        };
        let raw = self.width.is_some()
            || self.height.is_some()
            || self.pixel_format.is_some()
            || is_raw_name(&reference)
            || is_raw_name(&distorted);
        // Without a geometry, Y4M is read as it is and anything else goes to ffmpeg.
        let input = if raw {
            InputKind::Raw(self.raw_format()?)
        } else {
            InputKind::Auto
        };
        let mut job = ScoreJob::new(reference, distorted, input);
        job.skip_reference = self.frame_skip_ref;
        job.skip_distorted = self.frame_skip_dist;
        job.max_frames = self.frame_cnt.filter(|&n| n > 0);
        job.require_equal_length = self.strict_frame_count;
        job.decode = self.decode_options()?;
        job.frames = self.frames.as_deref().map(parse_frame_range).transpose()?;
        Ok(job)
    }

    /// Deinterlacing and scaling.
    fn decode_options(&self) -> Result<DecodeOptions> {
        let algorithm: ScaleAlgorithm = self.scale_algorithm.parse()?;
        let scaling = match (self.scale, self.scale_to.as_deref()) {
            (true, Some(_)) => bail!("--scale and --scale-to exclude each other: --scale fits the distorted video to the reference, --scale-to WxH scales both"),
            (true, None) => Scaling::DistortedToReference(algorithm),
            (false, Some(size)) => {
                let (width, height) = parse_size(size)?;
                Scaling::Both {
                    width,
                    height,
                    algorithm,
                }
            }
            (false, None) => Scaling::None,
        };
        Ok(DecodeOptions {
            ffmpeg: None,
            deinterlace: self.deinterlace,
            scaling,
        })
    }

    /// Whether `--sync auto` was asked for.
    pub fn sync_auto(&self) -> Result<bool> {
        match self.sync.as_str() {
            "off" => Ok(false),
            "auto" => {
                if self.frame_skip_ref > 0 || self.frame_skip_dist > 0 {
                    bail!("--sync auto finds the frame skips itself; drop --frame_skip_ref/--frame_skip_dist");
                }
                if self.sync_window == 0 {
                    bail!("--sync-window must be at least 1");
                }
                Ok(true)
            }
            other => bail!("--sync takes `auto` or `off`, not {other:?}"),
        }
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

    /// The models, features and presets, in libvmaf's order.
    pub fn request(&self) -> Result<Request> {
        let request = Request::from_items(&self.items, self.no_prediction)?;
        if request.models.is_empty() && request.features.is_empty() {
            bail!("--no_prediction without --model or --feature computes nothing (libvmaf writes an empty report); name a model or a feature");
        }
        Ok(request)
    }

    /// The scorer options: what to compute, threads, backend.
    pub fn scorer(&self, request: &Request) -> Result<ScorerBuilder> {
        let threads = self.threads.unwrap_or(0);
        if threads > vmafx::MAX_THREADS {
            bail!(
                "--threads {threads} is more than {}, the most a run may use",
                vmafx::MAX_THREADS
            );
        }
        let order = if threads > 0 {
            ReportOrder::Threaded
        } else {
            ReportOrder::Serial
        };
        let mut builder = ScorerBuilder::new()
            .threads(threads)
            .subsample(self.subsample)
            .report_order(order);
        if let Some(name) = &self.backend {
            builder = builder.backend(name.parse()?);
        }
        request.apply(builder, self.no_prediction)
    }

    /// The report layout the flags ask for (XML when none, as libvmaf).
    pub fn report_format(&self) -> ReportFormat {
        self.last_layout.unwrap_or(ReportFormat::Xml)
    }
}

/// `WxH` as two positive numbers.
fn parse_size(text: &str) -> Result<(usize, usize)> {
    let parsed = text
        .split_once(['x', 'X'])
        .and_then(|(w, h)| Some((w.parse::<usize>().ok()?, h.parse::<usize>().ok()?)))
        .filter(|&(w, h)| w > 0 && h > 0);
    parsed.with_context(|| {
        format!(
            "--scale-to takes WIDTHxHEIGHT with positive numbers (e.g. 1920x1080), not {text:?}"
        )
    })
}

/// Reads `START..END` (END excluded), e.g. `40..60`.
fn parse_frame_range(text: &str) -> Result<std::ops::Range<u64>> {
    let (start, end) = text
        .split_once("..")
        .with_context(|| format!("--frames {text:?}: expected START..END, e.g. 40..60"))?;
    let number = |n: &str| {
        n.trim()
            .parse::<u64>()
            .with_context(|| format!("--frames {text:?}: {n:?} is not a frame number"))
    };
    let (start, end) = (number(start)?, number(end)?);
    if start >= end {
        bail!("--frames {text:?}: the range is empty (START must be below END)");
    }
    Ok(start..end)
}
