//! `vmafx`: scores a distorted video against its reference with libvmaf's flags.

mod args;
mod model_spec;
mod output;

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};

use args::Args;

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("vmafx: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<()> {
    if args.version {
        println!("{}", vmafx::VERSION);
        return Ok(());
    }
    if args.list_backends {
        for probe in vmafx::backend::probe_all() {
            match &probe.unavailable {
                None => println!("{:<7} available: {}", probe.kind, probe.devices.join(", ")),
                Some(reason) => println!("{:<7} unavailable: {reason}", probe.kind),
            }
        }
        let auto = vmafx::backend::resolve(vmafx::BackendKind::Auto)?;
        println!("auto    -> {}", vmafx::backend::describe(&auto));
        return Ok(());
    }
    if args.list_models {
        for name in vmafx::Model::builtin_versions() {
            println!("{name}");
        }
        return Ok(());
    }
    let job = args.job()?;
    let scorer = args.scorer()?;
    let progress = progress_bar(args.quiet);
    let outcome = job
        .run(scorer, |n| {
            if let Some(bar) = &progress {
                bar.set_position(n);
            }
        })
        .context("scoring failed")?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if let Some(message) = &outcome.length_mismatch {
        eprintln!("vmafx: warning: {message}; scored the common frames");
    }
    let report = &outcome.report;
    if let Some(path) = &args.output {
        output::write_report(report, args.report_format(), path)?;
    }
    if !output::writes_to_stdout(args.output.as_deref()) {
        output::print_summary(report, &args.model_names()?);
    }
    Ok(())
}

/// A frame counter on stderr when it is a terminal, nothing in pipes or with `-q`.
fn progress_bar(quiet: bool) -> Option<ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    let style = ProgressStyle::with_template("{spinner} {pos} frames, {per_sec} [{elapsed}]")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}
