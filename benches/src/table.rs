//! `vmafx-bench table`: the benchmark table kept in `docs/benchmarks.md` — vmafx and
//! libvmaf's `vmaf` tool run side by side on the same generated clips, per scenario, clip
//! and thread count, with the machine and the versions they ran on.
//!
//! Both tools take the same command line (vmafx reads libvmaf's options), so each
//! scenario is one set of arguments given to both; the pooled means of every metric both
//! reports share are compared, so the table shows exactness next to speed.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::compare::{path_str, prepare, run_values, time_command, Timed};
use crate::gen::ClipSpec;

/// One workload: the arguments both tools get besides the inputs and threads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenario {
    /// The short name used on the command line (`--scenarios`).
    pub name: &'static str,
    /// What the table calls it.
    pub title: &'static str,
    /// Arguments given to both tools.
    pub args: &'static str,
}

/// The scenarios of the committed table, in its order.
pub const SCENARIOS: [Scenario; 4] = [
    Scenario {
        name: "vmaf",
        title: "VMAF v0.6.1 alone",
        args: "--model version=vmaf_v0.6.1",
    },
    Scenario {
        name: "companions",
        title: "VMAF v0.6.1 + psnr, float_ssim, float_ms_ssim, ciede, cambi",
        args: "--model version=vmaf_v0.6.1 --feature psnr --feature float_ssim \
               --feature float_ms_ssim --feature ciede --feature cambi",
    },
    Scenario {
        name: "v1",
        title: "VMAF v1 (vmaf_v1.0.16_3d0h)",
        args: "--model version=vmaf_v1.0.16_3d0h",
    },
    Scenario {
        name: "aom_ctc",
        title: "AOM CTC preset (--aom_ctc v7.0)",
        args: "--aom_ctc v7.0",
    },
];

/// The scenario called `name`.
pub fn scenario(name: &str) -> Result<Scenario> {
    match SCENARIOS.iter().find(|s| s.name == name) {
        Some(s) => Ok(*s),
        None => {
            let known: Vec<&str> = SCENARIOS.iter().map(|s| s.name).collect();
            bail!("unknown scenario {name:?}; known: {}", known.join(", "))
        }
    }
}

/// How both tools are called for `scenario` (`{vmafx}` is the tool).
fn template(scenario: &Scenario) -> String {
    format!(
        "{{vmafx}} -r {{ref}} -d {{dist}} --threads {{threads}} {} -q --json -o {{out}}",
        scenario.args
    )
}

/// Everything a table run needs.
#[derive(Debug, Clone)]
pub struct TableConfig {
    /// The workloads, in table order.
    pub scenarios: Vec<Scenario>,
    /// The clips (size, length, bit depth), in table order within a scenario.
    pub clips: Vec<ClipSpec>,
    /// Thread counts run for every clip.
    pub threads: Vec<usize>,
    /// Runs of each command per cell; the best is shown.
    pub repeat: usize,
    /// The vmafx executable.
    pub vmafx: PathBuf,
    /// libvmaf's `vmaf` executable.
    pub libvmaf: PathBuf,
    /// Where clips are cached and run logs and reports written.
    pub cache_dir: PathBuf,
}

/// Both tools on one scenario, clip and thread count.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The workload.
    pub scenario: Scenario,
    /// The clip.
    pub clip: ClipSpec,
    /// Threads asked of both.
    pub threads: usize,
    /// vmafx's runs.
    pub vmafx: Timed,
    /// libvmaf's runs.
    pub libvmaf: Timed,
    /// The largest |difference| of the pooled means of the metrics both report, and how
    /// many metrics that covers.
    pub agreement: Agreement,
}

/// How far apart the two reports' pooled means are.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    /// Metrics reported by both.
    pub compared: usize,
    /// The largest |vmafx − libvmaf| over them.
    pub max_delta: f64,
    /// Metrics libvmaf reports that vmafx's report lacks.
    pub missing: Vec<String>,
}

/// Runs every cell, in table order, and returns them.
pub fn run(config: &TableConfig) -> Result<Vec<Cell>> {
    if config.repeat == 0
        || config.threads.is_empty()
        || config.clips.is_empty()
        || config.scenarios.is_empty()
    {
        bail!("nothing to run: give a scenario, a size, a bit depth, a thread count and a repeat");
    }
    let runs = config.cache_dir.join("runs");
    std::fs::create_dir_all(&runs).with_context(|| format!("creating {}", runs.display()))?;
    let mut cells = Vec::new();
    for scenario in &config.scenarios {
        let template = template(scenario);
        for clip in &config.clips {
            let pair = prepare(clip, &config.cache_dir)?;
            for &threads in &config.threads {
                let tag = format!("{}-{}-t{threads}", scenario.name, clip.name());
                let time = |tool: &str, exe: &Path| {
                    let values = run_values(path_str(exe), &pair, clip, threads);
                    let stem = runs.join(format!("{tool}-{tag}"));
                    time_command(tool, &template, config.repeat, &stem, &values)
                };
                let vmafx = time("vmafx", &config.vmafx)?;
                let libvmaf = time("libvmaf", &config.libvmaf)?;
                let agreement = agree(&vmafx.report, &libvmaf.report)?;
                cells.push(Cell {
                    scenario: *scenario,
                    clip: *clip,
                    threads,
                    vmafx,
                    libvmaf,
                    agreement,
                });
            }
        }
    }
    Ok(cells)
}

/// The pooled means of a libvmaf-style JSON report, by metric.
pub fn pooled_means(report: &Path) -> Result<BTreeMap<String, f64>> {
    let text = std::fs::read_to_string(report)
        .with_context(|| format!("reading the report {}", report.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("parsing the report {}", report.display()))?;
    let pooled = json["pooled_metrics"]
        .as_object()
        .with_context(|| format!("{} has no pooled_metrics", report.display()))?;
    Ok(pooled
        .iter()
        .filter_map(|(name, stats)| Some((name.clone(), stats["mean"].as_f64()?)))
        .collect())
}

/// Compares the pooled means of two reports.
fn agree(vmafx: &Path, libvmaf: &Path) -> Result<Agreement> {
    let ours = pooled_means(vmafx)?;
    let theirs = pooled_means(libvmaf)?;
    let mut agreement = Agreement {
        compared: 0,
        max_delta: 0.0,
        missing: Vec::new(),
    };
    for (name, theirs) in theirs {
        match ours.get(&name) {
            Some(ours) => {
                agreement.compared += 1;
                agreement.max_delta = agreement.max_delta.max((ours - theirs).abs());
            }
            None => agreement.missing.push(name),
        }
    }
    Ok(agreement)
}

/// Where and with what the table was measured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Environment {
    /// Processor model and core count.
    pub machine: String,
    /// `vmafx --version`.
    pub vmafx_version: String,
    /// `vmaf --version`.
    pub libvmaf_version: String,
    /// The Rust compiler on `PATH`.
    pub rustc: String,
    /// How libvmaf was built, as the caller describes it.
    pub libvmaf_build: String,
    /// When the table was measured (UTC).
    pub date: String,
}

/// The markdown page: environment, how to regenerate it, then one table per scenario.
pub fn markdown(cells: &[Cell], env: &Environment, command_line: &str) -> String {
    let mut page = String::new();
    let _ = writeln!(page, "# Benchmarks\n");
    let _ = writeln!(
        page,
        "Generated by `vmafx-bench table`; do not edit by hand. To measure again (see \
         `benches/README.md` for building libvmaf by hand):\n\n```sh\n{command_line}\n```\n"
    );
    let _ = writeln!(page, "- Measured: {}", env.date);
    let _ = writeln!(page, "- Machine: {}", env.machine);
    let _ = writeln!(
        page,
        "- vmafx: {} (built by {})",
        env.vmafx_version, env.rustc
    );
    let _ = writeln!(
        page,
        "- libvmaf: {} ({})",
        env.libvmaf_version, env.libvmaf_build
    );
    let _ = writeln!(
        page,
        "- Each cell: the whole process, start to exit (reading the Y4M files included), \
         best wall time of the runs; fps = frames / that time; MiB = peak resident memory; \
         ratio = vmafx fps / libvmaf fps; max |Δ| = the largest difference of the pooled \
         means of every metric both report. Clips: `vmafx-bench gen` (synthetic, 4:2:0).\n"
    );
    let mut scenarios: Vec<Scenario> = Vec::new();
    for cell in cells {
        if !scenarios.contains(&cell.scenario) {
            scenarios.push(cell.scenario);
        }
    }
    for scenario in scenarios {
        let _ = writeln!(
            page,
            "## {}\n\nArguments: `{}`\n",
            scenario.title, scenario.args
        );
        let _ = writeln!(
            page,
            "| size | bits | frames | threads | vmafx fps | libvmaf fps | ratio | vmafx MiB | libvmaf MiB | max \\|Δ\\| (metrics) |"
        );
        let _ = writeln!(page, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        for cell in cells.iter().filter(|c| c.scenario == scenario) {
            let _ = writeln!(page, "{}", markdown_row(cell));
        }
        let _ = writeln!(page);
    }
    page
}

fn markdown_row(cell: &Cell) -> String {
    let frames = cell.clip.frames;
    let fps = |t: &Timed| frames as f64 / t.best.as_secs_f64();
    let mib = |t: &Timed| t.peak_rss as f64 / (1024.0 * 1024.0);
    let a = &cell.agreement;
    let mut agreement = format!("{:.1e} ({})", a.max_delta, a.compared);
    if !a.missing.is_empty() {
        let _ = write!(agreement, "; vmafx lacks {}", a.missing.join(", "));
    }
    format!(
        "| {}x{} | {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.0} | {:.0} | {} |",
        cell.clip.width,
        cell.clip.height,
        cell.clip.bit_depth,
        frames,
        cell.threads,
        fps(&cell.vmafx),
        fps(&cell.libvmaf),
        fps(&cell.vmafx) / fps(&cell.libvmaf),
        mib(&cell.vmafx),
        mib(&cell.libvmaf),
        agreement
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A stand-in tool: writes a report with the given pooled means to the path after
    /// `-o`, after checking the scenario's arguments arrived.
    fn fake_tool(dir: &Path, name: &str, means: &str) -> PathBuf {
        let path = dir.join(name);
        let script = format!(
            "#!/bin/sh\ncase \"$*\" in *--model*) ;; *) exit 9 ;; esac\n\
             while [ $# -gt 0 ]; do if [ \"$1\" = -o ]; then out=$2; fi; shift; done\n\
             echo '{{\"pooled_metrics\": {means}}}' > \"$out\"\n"
        );
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[test]
    fn runs_both_tools_and_compares_every_pooled_metric() {
        let dir = std::env::temp_dir().join(format!("vmafx-bench-table-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let ours = fake_tool(
            &dir,
            "ours",
            r#"{"vmaf": {"mean": 80.5}, "psnr_y": {"mean": 30.25}}"#,
        );
        let theirs = fake_tool(
            &dir,
            "theirs",
            r#"{"vmaf": {"mean": 80.5}, "psnr_y": {"mean": 30.0}, "cambi": {"mean": 1.0}}"#,
        );
        let config = TableConfig {
            scenarios: vec![scenario("vmaf").unwrap(), scenario("v1").unwrap()],
            clips: vec![ClipSpec {
                width: 32,
                height: 16,
                frames: 2,
                bit_depth: 10,
            }],
            threads: vec![1, 2],
            repeat: 2,
            vmafx: ours,
            libvmaf: theirs,
            cache_dir: dir.clone(),
        };
        let cells = run(&config).unwrap();
        assert_eq!(cells.len(), 4);
        let first = &cells[0];
        assert_eq!((first.scenario.name, first.threads), ("vmaf", 1));
        assert_eq!(first.agreement.compared, 2);
        assert_eq!(first.agreement.max_delta, 0.25);
        assert_eq!(first.agreement.missing, vec!["cambi".to_string()]);

        let env = Environment {
            machine: "test cpu, 2 cores".into(),
            vmafx_version: "vmafx 0.1.0".into(),
            libvmaf_version: "3.2.0".into(),
            rustc: "rustc 1.95.0".into(),
            libvmaf_build: "release".into(),
            date: "2026-12-08".into(),
        };
        let page = markdown(&cells, &env, "vmafx-bench table ...");
        assert_eq!(page.matches("\n## ").count(), 2);
        assert!(page.contains("| 32x16 | 10 | 2 | 2 |"));
        assert!(page.contains("2.5e-1 (2); vmafx lacks cambi"));
        assert!(page.contains("Machine: test cpu, 2 cores"));
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn unknown_scenarios_are_named() {
        let error = scenario("vmaf_v2").unwrap_err().to_string();
        assert!(error.contains("vmaf, companions, v1, aom_ctc"), "{error}");
    }
}
