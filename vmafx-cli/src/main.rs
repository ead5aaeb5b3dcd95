//! `vmafx`: scores a distorted video against its reference with libvmaf's flags.

mod args;
mod console;
mod deploy;
mod inputs;
mod merge;
mod model_spec;
mod output;
mod preset;
mod request;
mod train;

use std::io::IsTerminal;
use std::process::ExitCode;

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressState, ProgressStyle};

use args::Args;
use console::{errln, outln};

fn main() -> ExitCode {
    if let Some(status) = train::dispatch() {
        return status;
    }
    let argv: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let command = argv.get(1).cloned().unwrap_or_default();
    let outcome = if command == "deploy" {
        deploy::main(argv.into_iter().skip(1))
    } else if command == merge::COMMAND {
        merge::run(&argv)
    } else {
        Args::from_command_line().and_then(|args| run(&args))
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => console::fail(&error),
    }
}

fn run(args: &Args) -> Result<()> {
    if args.version {
        outln!("{}", vmafx::VERSION)?;
        return Ok(());
    }
    if args.list_backends {
        for probe in vmafx::backend::probe_all() {
            match &probe.unavailable {
                None => outln!("{:<7} available: {}", probe.kind, probe.devices.join(", "))?,
                Some(reason) => outln!("{:<7} unavailable: {reason}", probe.kind)?,
            }
        }
        let auto = vmafx::backend::resolve(vmafx::BackendKind::Auto)?;
        outln!("auto    -> {}", vmafx::backend::describe(&auto))?;
        return Ok(());
    }
    if args.list_models {
        for name in vmafx::Model::builtin_versions() {
            outln!("{name}")?;
        }
        return Ok(());
    }
    vmafx::check_cpu_env()?;
    let mut job = args.job()?;
    let request = args.request()?;
    let scorer = args.scorer(&request)?;
    if args.sync_auto()? {
        inputs::sync(&mut job, args.sync_window)?;
    }
    if job.frames.is_some() {
        return merge::write_part(args, &job, scorer);
    }
    let target = args
        .output
        .as_deref()
        .map(output::ReportTarget::open)
        .transpose()?;
    let opened = inputs::open(&job, args.quiet)?;
    let progress = progress_bar(args.quiet, inputs::expected_frames(&job, &opened));
    let outcome = job
        .run_opened(opened, scorer, |n| {
            if let Some(bar) = &progress {
                bar.set_position(n);
            }
            true
        })
        .map_err(|error| explain_bit_depths(error, request.common_bitdepth))
        .context("scoring failed")?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    if let Some(message) = &outcome.length_mismatch {
        errln!("vmafx: warning: {message}; scored the common frames");
    }
    let report = &outcome.report;
    if let Some(target) = target {
        target.write(report, args.report_format())?;
    }
    if !output::writes_to_stdout(args.output.as_deref()) {
        output::print_summary(report, &request.model_names(args.no_prediction), args.pool)?;
    }
    Ok(())
}

/// Says why inputs of different bit depths fail under `--aom_ctc v6.0` and later, where
/// libvmaf's bit-depth check is off.
fn explain_bit_depths(error: vmafx::Error, common_bitdepth: bool) -> anyhow::Error {
    match error {
        vmafx::Error::Mismatch(message) if common_bitdepth && message.contains("-bit") => {
            anyhow::anyhow!(
                "{message}. This preset turns libvmaf's bit-depth check off, but libvmaf then \
             reads the shallower input as if it had the deeper depth, which misreads it; \
             vmafx refuses such inputs: convert them to one bit depth first"
            )
        }
        other => other.into(),
    }
}

/// Progress on stderr when it is a terminal (nothing in pipes or with `-q`): with the
/// frame count known, a bar with percent, speed and time left; else a frame counter.
pub(crate) fn progress_bar(quiet: bool, total: Option<u64>) -> Option<ProgressBar> {
    if quiet || !std::io::stderr().is_terminal() {
        return None;
    }
    let (bar, template) = match total.filter(|&n| n > 0) {
        Some(total) => (
            ProgressBar::new(total),
            "{bar:30} {pos}/{len} frames {percent}%, {fps}, ETA {eta} [{elapsed}]",
        ),
        None => (
            ProgressBar::new_spinner(),
            "{spinner} {pos} frames, {fps} [{elapsed}]",
        ),
    };
    let style = ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
        .with_key(
            "fps",
            |state: &ProgressState, out: &mut dyn std::fmt::Write| {
                let _ = write!(out, "{:.1} fps", state.per_sec());
            },
        );
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    Some(bar)
}
