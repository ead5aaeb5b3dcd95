//! Flags of `vmafx train` and `vmafx evaluate`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Train a VMAF model on a dataset, or evaluate one against it.
#[derive(Debug, Parser)]
#[command(name = "vmafx", disable_version_flag = true)]
pub struct TrainCli {
    /// What to do.
    #[command(subcommand)]
    pub command: TrainCommand,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum TrainCommand {
    /// Train a model (libvmaf's JSON format) from scored pairs.
    Train(TrainArgs),
    /// Score a dataset with a model and compare with its subjective scores.
    Evaluate(EvaluateArgs),
}

/// What both subcommands share: the dataset and how features are extracted.
#[derive(Debug, Args)]
pub struct DatasetArgs {
    /// Dataset file: JSON `{"pairs": [...]}` or CSV with the same columns
    /// (docs/training.md).
    #[arg(long)]
    pub dataset: PathBuf,
    /// How per-frame values are pooled per pair: mean, harmonic_mean, min, max or pN.
    #[arg(long, default_value = "mean")]
    pub pool: String,
    /// Folder of per-pair feature files, kept between runs (default: beside the output,
    /// or beside the dataset for `evaluate`).
    #[arg(long)]
    pub cache: Option<PathBuf>,
    /// Extract every pair afresh and keep nothing.
    #[arg(long, conflicts_with = "cache")]
    pub no_cache: bool,
    /// Pairs scored at once (default: one per CPU core).
    #[arg(long, default_value_t = 0)]
    pub jobs: usize,
    /// Also draw predicted against subjective scores into this PNG.
    #[arg(long)]
    pub plot: Option<PathBuf>,
    /// No progress display.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Flags of `vmafx train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// The dataset and extraction.
    #[command(flatten)]
    pub data: DatasetArgs,
    /// Where to write the model.
    #[arg(short, long)]
    pub output: PathBuf,
    /// The base model whose features are extracted: a built-in version or a JSON model
    /// file.
    #[arg(long, default_value = "vmaf_v0.6.1")]
    pub features: String,
    /// Train on this feature of the base model only (repeatable), e.g. integer_adm2.
    #[arg(long = "feature")]
    pub feature: Vec<String>,
    /// nu-SVR cost C.
    #[arg(long = "c", default_value_t = 4.0)]
    pub c: f64,
    /// nu-SVR nu.
    #[arg(long, default_value_t = 0.9)]
    pub nu: f64,
    /// RBF kernel gamma.
    #[arg(long, default_value_t = 0.04)]
    pub gamma: f64,
    /// Choose C, nu and gamma by k-fold cross-validation grouped by content.
    #[arg(long)]
    pub grid_search: bool,
    /// Folds of the grid search.
    #[arg(long, default_value_t = 5)]
    pub folds: usize,
    /// Write a bootstrap model of this many resampled members (as vmaf_b_v0.6.3).
    #[arg(long)]
    pub bootstrap: Option<usize>,
    /// Range features and scores are rescaled to: clip_0to1 (vmaf_v0.6.1's) or
    /// clip_minus1to1.
    #[arg(long, default_value = "clip_0to1")]
    pub norm: String,
    /// Score clip written into the model, MIN:MAX.
    #[arg(long, default_value = "0:100")]
    pub score_clip: String,
    /// Write no score clip.
    #[arg(long, conflicts_with = "score_clip")]
    pub no_clip: bool,
}

/// Flags of `vmafx evaluate`.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// The dataset and extraction.
    #[command(flatten)]
    pub data: DatasetArgs,
    /// The model: a built-in version, a JSON file, or `path=FILE` / `version=NAME` as
    /// the scoring command takes them.
    #[arg(short, long)]
    pub model: String,
}
