//! Scale-out scoring: `vmafx ... --frames START..END -o part.json` writes one segment's
//! part, and `vmafx merge part-*.json -o report.json` combines the parts into the
//! report a single run over the whole video writes (docs/scale-out.md).

use std::ffi::OsString;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Parser;
use vmafx::report::{merge, Part};
use vmafx::{ReportFormat, ScoreJob, ScorerBuilder};

use crate::args::Args;
use crate::console::errln;
use crate::output::{self, ReportTarget};

/// The subcommand's name, the first argument.
pub const COMMAND: &str = "merge";

#[derive(Debug, Parser)]
#[command(
    name = "vmafx merge",
    bin_name = "vmafx merge",
    about = "Merges the parts written by `vmafx ... --frames START..END -o PART` into \
             the report of one run over the whole video",
    disable_version_flag = true
)]
struct MergeArgs {
    /// Part files, in any order; a segment's part given twice counts once.
    #[arg(required = true, value_name = "PART")]
    parts: Vec<PathBuf>,
    /// Where to write the report (`-` for standard output).
    #[arg(short = 'o', long = "output")]
    output: PathBuf,
    /// Write libvmaf's XML layout (the default).
    #[arg(long = "xml")]
    xml: bool,
    /// Write libvmaf's JSON layout.
    #[arg(long = "json")]
    json: bool,
    /// Write libvmaf's CSV layout.
    #[arg(long = "csv")]
    csv: bool,
    /// Write libvmaf's subtitle layout.
    #[arg(long = "sub")]
    sub: bool,
}

impl MergeArgs {
    fn format(&self) -> Result<ReportFormat> {
        let chosen: Vec<ReportFormat> = [
            (self.xml, ReportFormat::Xml),
            (self.json, ReportFormat::Json),
            (self.csv, ReportFormat::Csv),
            (self.sub, ReportFormat::Sub),
        ]
        .into_iter()
        .filter_map(|(on, format)| on.then_some(format))
        .collect();
        match chosen[..] {
            [] => Ok(ReportFormat::Xml),
            [one] => Ok(one),
            _ => bail!("choose one of --xml, --json, --csv and --sub"),
        }
    }
}

/// `vmafx merge ...`; `argv` is the whole command line, program name first.
pub fn run(argv: &[OsString]) -> Result<()> {
    let program = argv.first().cloned().unwrap_or_else(|| "vmafx".into());
    let args = MergeArgs::parse_from(std::iter::once(program).chain(argv.iter().skip(2).cloned()));
    let format = args.format()?;
    let parts = args
        .parts
        .iter()
        .map(|path| Part::read(path))
        .collect::<vmafx::Result<Vec<_>>>()?;
    // Opened before merging so that an unwritable output fails before any work.
    let target = ReportTarget::open(&args.output)?;
    let report = merge(&parts).context("cannot merge the parts")?;
    target.write(&report, format)
}

/// `vmafx ... --frames START..END -o PART`: scores the segment and writes its part.
pub fn write_part(args: &Args, job: &ScoreJob, scorer: ScorerBuilder) -> Result<()> {
    let Some(path) = args.output.as_deref() else {
        bail!("--frames writes a part file: give it with -o");
    };
    if output::writes_to_stdout(Some(path)) {
        bail!("--frames writes a part file, replaced whole when done; -o must name a file");
    }
    if args.last_layout.is_some() {
        errln!("vmafx: note: --json/--xml/--csv/--sub do not apply to parts; give them to `vmafx merge`");
    }
    let segment_length = job.frames.as_ref().map(|range| range.end - range.start);
    let progress = crate::progress_bar(args.quiet, segment_length);
    let part = job
        .run_part(scorer, |n| {
            if let Some(bar) = &progress {
                bar.set_position(n);
            }
        })
        .context("scoring failed")?;
    if let Some(bar) = progress {
        bar.finish_and_clear();
    }
    part.write_atomically(path)?;
    if !args.quiet {
        errln!(
            "vmafx: frames {}..{}{} written to {}",
            part.start,
            part.end,
            if part.video_ends {
                " (the video's end)"
            } else {
                ""
            },
            path.display()
        );
    }
    Ok(())
}
