//! The side-by-side harness: generate (or reuse) clip pairs, run vmafx and an optional
//! baseline command on each for every thread count, and print speed, memory and the
//! pooled VMAF of each.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::gen::{cached_pair, ClipPair, ClipSpec};
use crate::process::{run_measured, RunCost};
use crate::template::{fill, uses, RunValues};

/// How vmafx is run unless told otherwise.
pub const DEFAULT_VMAFX_COMMAND: &str =
    "{vmafx} -r {ref} -d {dist} --threads {threads} -q --json -o {out}";

/// Everything the harness needs.
#[derive(Debug, Clone)]
pub struct CompareConfig {
    /// Clip sizes and lengths to run.
    pub clips: Vec<ClipSpec>,
    /// Thread counts to run each clip with.
    pub threads: Vec<usize>,
    /// Runs per command and setting; the best and the median are kept.
    pub repeat: usize,
    /// Path of the vmafx executable (`{vmafx}`).
    pub vmafx: PathBuf,
    /// Template of the vmafx command.
    pub vmafx_command: String,
    /// Template of the baseline command, if any.
    pub baseline: Option<String>,
    /// Where clips are cached and run logs and reports written.
    pub cache_dir: PathBuf,
}

/// The cost of one command on one clip and thread count, over all repeats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measurement {
    /// The fastest run.
    pub best: Duration,
    /// The median run.
    pub median: Duration,
    /// The largest peak resident set of any run, in bytes.
    pub peak_rss: u64,
    /// The pooled (mean) VMAF the command reported, when its template writes `{out}`.
    pub vmaf: Option<f64>,
}

/// One line of the result table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The clip.
    pub clip: ClipSpec,
    /// The thread count asked for.
    pub threads: usize,
    /// vmafx's measurement.
    pub vmafx: Measurement,
    /// The baseline's measurement, when one was given.
    pub baseline: Option<Measurement>,
}

impl Measurement {
    /// Frames per second of the best run.
    pub fn fps(&self, frames: u64) -> f64 {
        frames as f64 / self.best.as_secs_f64()
    }

    /// Frames per second of the median run.
    pub fn median_fps(&self, frames: u64) -> f64 {
        frames as f64 / self.median.as_secs_f64()
    }
}

/// Runs the whole comparison, printing progress to stderr and the table to `table` row
/// by row, and returns the rows.
pub fn run(config: &CompareConfig, table: &mut impl Write) -> Result<Vec<Row>> {
    if config.repeat == 0 || config.threads.is_empty() || config.clips.is_empty() {
        bail!("nothing to run: give at least one size, one thread count and one repeat");
    }
    let vmafx = config.vmafx.to_string_lossy().into_owned();
    let runs_dir = config.cache_dir.join("runs");
    std::fs::create_dir_all(&runs_dir)
        .with_context(|| format!("creating {}", runs_dir.display()))?;
    writeln!(table, "{}", header(config.baseline.is_some()))?;
    let mut rows = Vec::new();
    for clip in &config.clips {
        let pair = prepare(clip, &config.cache_dir)?;
        for &threads in &config.threads {
            let values = run_values(&vmafx, &pair, clip, threads);
            let tag = format!("{}-t{threads}", clip.name());
            let ours = measure(
                "vmafx",
                &config.vmafx_command,
                config.repeat,
                &runs_dir.join(format!("vmafx-{tag}")),
                &values,
            )?;
            let theirs = match &config.baseline {
                Some(template) => Some(measure(
                    "baseline",
                    template,
                    config.repeat,
                    &runs_dir.join(format!("baseline-{tag}")),
                    &values,
                )?),
                None => None,
            };
            let row = Row {
                clip: *clip,
                threads,
                vmafx: ours,
                baseline: theirs,
            };
            writeln!(table, "{}", format_row(&row))?;
            table.flush()?;
            rows.push(row);
        }
    }
    Ok(rows)
}

/// The template values of running `exe` on `pair` (the files of `clip`) with `threads`;
/// `{out}` is filled in per run.
pub(crate) fn run_values<'a>(
    exe: &'a str,
    pair: &'a ClipPair,
    clip: &ClipSpec,
    threads: usize,
) -> RunValues<'a> {
    RunValues {
        vmafx: exe,
        reference: path_str(&pair.reference),
        distorted: path_str(&pair.distorted),
        out: "",
        threads,
        width: clip.width,
        height: clip.height,
        frames: clip.frames,
        bit_depth: clip.bit_depth,
    }
}

/// The cached pair of `clip`, generated with progress on stderr when missing.
pub(crate) fn prepare(clip: &ClipSpec, cache_dir: &Path) -> Result<ClipPair> {
    let name = clip.name();
    let pair = cached_pair(clip, cache_dir, |done| {
        if done % 10 == 0 || done == clip.frames {
            // Progress only: a closed stderr must not stop the run.
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\rgenerating {name}: {done}/{} frames", clip.frames);
            if done == clip.frames {
                let _ = writeln!(stderr);
            }
        }
    })?;
    Ok(pair)
}

/// Runs `template`, filled with `values`, `repeat` times; `stem` names its log and
/// report (`{out}`) files.
fn measure(
    who: &str,
    template: &str,
    repeat: usize,
    stem: &Path,
    values: &RunValues<'_>,
) -> Result<Measurement> {
    let timed = time_command(who, template, repeat, stem, values)?;
    let vmaf = if uses(template, "out") {
        Some(pooled_vmaf(&timed.report)?)
    } else {
        None
    };
    Ok(Measurement {
        best: timed.best,
        median: timed.median,
        peak_rss: timed.peak_rss,
        vmaf,
    })
}

/// What [`time_command`] measured over its runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Timed {
    /// The fastest run.
    pub best: Duration,
    /// The median run.
    pub median: Duration,
    /// The largest peak resident set of any run, in bytes.
    pub peak_rss: u64,
    /// Where `{out}` pointed: the report of the last run, if the command wrote one.
    pub report: PathBuf,
}

/// Runs `template`, filled with `values`, `repeat` times (at least once), logging each
/// command line on stderr under `who`; `stem` names its log (`.log`) and its report
/// (`{out}`, `.json`).
pub fn time_command(
    who: &str,
    template: &str,
    repeat: usize,
    stem: &Path,
    values: &RunValues<'_>,
) -> Result<Timed> {
    let report = stem.with_extension("json");
    let log = stem.with_extension("log");
    let values = RunValues {
        out: path_str(&report),
        ..values.clone()
    };
    let command = fill(template, &values)?;
    let mut walls: Vec<Duration> = Vec::with_capacity(repeat);
    let mut peak_rss = 0;
    for attempt in 1..=repeat.max(1) {
        let _ = writeln!(std::io::stderr(), "{who} run {attempt}/{repeat}: {command}");
        let _ = std::fs::remove_file(&report);
        let cost: RunCost = run_measured(&command, &log)?;
        walls.push(cost.wall);
        peak_rss = peak_rss.max(cost.peak_rss);
    }
    walls.sort();
    Ok(Timed {
        best: walls[0],
        median: walls[walls.len() / 2],
        peak_rss,
        report,
    })
}

/// The pooled mean VMAF of a libvmaf-style JSON report.
pub fn pooled_vmaf(report: &Path) -> Result<f64> {
    let text = std::fs::read_to_string(report)
        .with_context(|| format!("reading the report {}", report.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("parsing the report {}", report.display()))?;
    json["pooled_metrics"]["vmaf"]["mean"]
        .as_f64()
        .with_context(|| format!("{} has no pooled_metrics.vmaf.mean", report.display()))
}

pub(crate) fn path_str(path: &Path) -> &str {
    path.to_str().unwrap_or_default()
}

/// The table header.
pub fn header(with_baseline: bool) -> String {
    let mut line = format!(
        "{:<10} {:>6} {:>7} {:>10} {:>10} {:>10}",
        "size", "frames", "threads", "vmafx fps", "(median)", "vmafx MiB"
    );
    if with_baseline {
        line += &format!(
            " {:>10} {:>10} {:>10} {:>7} {:>11} {:>11} {:>9}",
            "base fps", "(median)", "base MiB", "ratio", "VMAF vmafx", "VMAF base", "|delta|"
        );
    } else {
        line += &format!(" {:>11}", "VMAF vmafx");
    }
    line
}

/// One table line; `ratio` is vmafx's best fps over the baseline's.
pub fn format_row(row: &Row) -> String {
    let frames = row.clip.frames;
    let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    let score = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.6}"));
    let mut line = format!(
        "{:<10} {:>6} {:>7} {:>10.2} {:>10.2} {:>10.1}",
        format!("{}x{}", row.clip.width, row.clip.height),
        frames,
        row.threads,
        row.vmafx.fps(frames),
        row.vmafx.median_fps(frames),
        mib(row.vmafx.peak_rss),
    );
    match &row.baseline {
        Some(base) => {
            let delta = match (row.vmafx.vmaf, base.vmaf) {
                (Some(a), Some(b)) => format!("{:.1e}", (a - b).abs()),
                _ => "-".to_string(),
            };
            line += &format!(
                " {:>10.2} {:>10.2} {:>10.1} {:>7.2} {:>11} {:>11} {:>9}",
                base.fps(frames),
                base.median_fps(frames),
                mib(base.peak_rss),
                row.vmafx.fps(frames) / base.fps(frames),
                score(row.vmafx.vmaf),
                score(base.vmaf),
                delta
            );
        }
        None => line += &format!(" {:>11}", score(row.vmafx.vmaf)),
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_line_up_with_the_header() {
        let measurement = Measurement {
            best: Duration::from_secs(2),
            median: Duration::from_secs(3),
            peak_rss: 100 << 20,
            vmaf: Some(90.5),
        };
        let row = Row {
            clip: ClipSpec {
                width: 1920,
                height: 1080,
                frames: 120,
                bit_depth: 8,
            },
            threads: 2,
            vmafx: measurement,
            baseline: Some(Measurement {
                best: Duration::from_secs(4),
                ..measurement
            }),
        };
        let line = format_row(&row);
        assert_eq!(line.len(), header(true).len());
        assert!(line.contains("60.00") && line.contains("30.00") && line.contains("2.00"));
        assert!(line.contains("0.0e0"));
    }

    #[test]
    fn runs_a_fake_tool_end_to_end() {
        let cache_dir =
            std::env::temp_dir().join(format!("vmafx-bench-compare-{}", std::process::id()));
        let report = r#"{"pooled_metrics": {"vmaf": {"mean": 77.25}}}"#;
        let config = CompareConfig {
            clips: vec![ClipSpec {
                width: 32,
                height: 16,
                frames: 2,
                bit_depth: 8,
            }],
            threads: vec![1, 2],
            repeat: 2,
            vmafx: PathBuf::from("/bin/true"),
            vmafx_command: format!("test -s {{ref}} && echo '{report}' > {{out}}"),
            baseline: Some("{vmafx} {dist} {threads}".to_string()),
            cache_dir: cache_dir.clone(),
        };
        let mut table = Vec::new();
        let rows = run(&config, &mut table).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].vmafx.vmaf, Some(77.25));
        assert_eq!(rows[1].baseline.unwrap().vmaf, None);
        assert_eq!(String::from_utf8(table).unwrap().lines().count(), 3);
        std::fs::remove_dir_all(cache_dir).unwrap();
    }
}
