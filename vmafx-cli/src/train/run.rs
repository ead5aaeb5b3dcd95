//! Carrying out `vmafx train` and `vmafx evaluate`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use vmafx::{Model, PoolMethod};
use vmafx_train::{
    Dataset, ExtractOptions, FeatureCache, FeatureSet, Grid, NormRange, PairFeatures, Samples,
    SvrParams, TrainOptions,
};

use super::args::{DatasetArgs, EvaluateArgs, TrainArgs, TrainCommand};
use super::report;
use crate::console::outln;

/// Runs one subcommand.
pub fn run(command: TrainCommand) -> Result<()> {
    match command {
        TrainCommand::Train(args) => train(&args),
        TrainCommand::Evaluate(args) => evaluate(&args),
    }
}

fn train(args: &TrainArgs) -> Result<()> {
    let started = Instant::now();
    let pool: PoolMethod = args.data.pool.parse()?;
    let dataset = Dataset::load(&args.data.dataset)?;
    if args.grid_search {
        // Before the slow part: a fold count the dataset cannot fill.
        vmafx_train::grid::check_folds(dataset.pairs.len(), dataset.groups().len(), args.folds)?;
    }
    let base = load_model(&args.features)?;
    let mut features = FeatureSet::of_model(base)?;
    if !args.feature.is_empty() {
        features = features.select(&args.feature)?;
    }
    // Before the slow part: libsvm, which only training needs, must be there.
    vmafx_train::libsvm::available()?;
    let default_cache = cache_beside(&args.output);
    let values = extract_all(&dataset, &features, &args.data, &default_cache)?;
    let extracted = started.elapsed();
    let samples = Samples::pooled(&dataset, &values, pool)?;
    let mut options = TrainOptions {
        params: SvrParams {
            c: args.c,
            nu: args.nu,
            gamma: args.gamma,
        },
        range: args.norm.parse::<NormRange>()?,
        score_clip: if args.no_clip {
            None
        } else {
            Some(parse_clip(&args.score_clip)?)
        },
    };
    if args.grid_search {
        let results = vmafx_train::grid_search(
            &samples,
            features.features(),
            &options,
            &Grid::default(),
            args.folds,
        )?;
        let best = &results[0];
        outln!(
            "grid search ({} settings, {} folds by content): best C {} nu {} gamma {}, \
             cross-validated RMSE {:.4}, PLCC {}",
            results.len(),
            args.folds,
            best.params.c,
            best.params.nu,
            best.params.gamma,
            best.rmse,
            report::optional(best.plcc)
        )?;
        options.params = best.params;
    }
    let model_json = match args.bootstrap {
        None => vmafx_train::train(&samples, features.features(), &options)?.to_json(),
        Some(members) => {
            let models =
                vmafx_train::train_bootstrap(&samples, features.features(), &options, members)?;
            vmafx_train::bootstrap_json(&models)
        }
    };
    std::fs::write(&args.output, &model_json)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    let trained = Model::from_path(&args.output)
        .with_context(|| format!("the written model {} does not load", args.output.display()))?;
    let predicted = vmafx_train::predict_pairs(&trained, &values, pool)?;
    let evaluation = vmafx_train::evaluate(&dataset, predicted)?;
    outln!(
        "trained on {} pairs ({} features: {}), C {} nu {} gamma {}, {}; features {:.1} s, \
         total {:.1} s",
        samples.len(),
        features.columns().len(),
        features.columns().join(", "),
        options.params.c,
        options.params.nu,
        options.params.gamma,
        options.range.name(),
        extracted.as_secs_f64(),
        started.elapsed().as_secs_f64()
    )?;
    outln!("on the training pairs (not held out):")?;
    report::print(&evaluation)?;
    if let Some(plot) = &args.data.plot {
        plot_evaluation(plot, &dataset, &evaluation)?;
    }
    outln!("model written to {}", args.output.display())?;
    Ok(())
}

fn evaluate(args: &EvaluateArgs) -> Result<()> {
    let pool: PoolMethod = args.data.pool.parse()?;
    let dataset = Dataset::load(&args.data.dataset)?;
    let model = load_model(&args.model)?;
    let features = FeatureSet::of_model(model.clone())?;
    let default_cache = cache_beside(&args.data.dataset);
    let values = extract_all(&dataset, &features, &args.data, &default_cache)?;
    let predicted = vmafx_train::predict_pairs(&model, &values, pool)?;
    let evaluation = vmafx_train::evaluate(&dataset, predicted)?;
    report::print(&evaluation)?;
    if let Some(plot) = &args.data.plot {
        plot_evaluation(plot, &dataset, &evaluation)?;
    }
    Ok(())
}

/// A built-in version, `version=NAME`, `path=FILE`, or a file path.
fn load_model(spec: &str) -> Result<Model> {
    if let Some(version) = spec.strip_prefix("version=") {
        return Ok(Model::builtin(version)?);
    }
    if let Some(path) = spec.strip_prefix("path=") {
        return Ok(Model::from_path(Path::new(path))?);
    }
    if Model::builtin_versions().contains(&spec) {
        return Ok(Model::builtin(spec)?);
    }
    let path = Path::new(spec);
    if !path.is_file() {
        bail!(
            "model {spec:?} is neither a built-in version ({}) nor a file",
            Model::builtin_versions().join(", ")
        );
    }
    Ok(Model::from_path(path)?)
}

/// `<file>.features/` beside a file.
fn cache_beside(file: &Path) -> PathBuf {
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(".features");
    file.with_file_name(name)
}

fn extract_all(
    dataset: &Dataset,
    features: &FeatureSet,
    args: &DatasetArgs,
    default_cache: &Path,
) -> Result<Vec<PairFeatures>> {
    let cache = if args.no_cache {
        None
    } else {
        Some(FeatureCache::open(
            args.cache.as_deref().unwrap_or(default_cache),
        )?)
    };
    let options = ExtractOptions {
        cache,
        jobs: args.jobs,
    };
    let bar = progress_bar(args.quiet, dataset.pairs.len());
    let values = vmafx_train::extract(dataset, features, &options, &|done| {
        if let Some(bar) = &bar {
            bar.set_position(done as u64);
        }
    })
    .context("feature extraction failed")?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(values)
}

fn progress_bar(quiet: bool, pairs: usize) -> Option<ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(pairs as u64);
    let style = ProgressStyle::with_template("{bar:30} {pos}/{len} pairs [{elapsed}, eta {eta}]")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    Some(bar)
}

fn parse_clip(text: &str) -> Result<(f64, f64)> {
    let parsed = text.split_once(':').and_then(|(lo, hi)| {
        Some((
            lo.trim().parse::<f64>().ok()?,
            hi.trim().parse::<f64>().ok()?,
        ))
    });
    match parsed {
        Some((lo, hi)) if lo.is_finite() && hi.is_finite() && lo < hi => Ok((lo, hi)),
        _ => bail!("--score-clip must be MIN:MAX with MIN < MAX, got {text:?}"),
    }
}

fn plot_evaluation(
    path: &Path,
    dataset: &Dataset,
    evaluation: &vmafx_train::Evaluation,
) -> Result<()> {
    let subjective: Vec<f64> = dataset.pairs.iter().map(|p| p.score).collect();
    let groups: Vec<String> = dataset.pairs.iter().map(|p| p.group.clone()).collect();
    vmafx_train::plot::scatter_png(path, &subjective, &evaluation.predicted, &groups)?;
    outln!("plot written to {}", path.display())?;
    Ok(())
}
