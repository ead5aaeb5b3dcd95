//! `vmafx-bench`: generate synthetic Y4M pairs, or time the `vmafx` command against a
//! baseline command on them (see `benches/README.md`).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use vmafx_bench::backends;
use vmafx_bench::compare::{self, CompareConfig, DEFAULT_VMAFX_COMMAND};
use vmafx_bench::gen::{generate_pair, ClipSpec};
use vmafx_bench::size::parse_size_with_frames;

#[derive(Parser)]
#[command(name = "vmafx-bench", version, about = "Benchmark tools for vmafx")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a deterministic synthetic pair, DIR/ref.y4m and DIR/dist.y4m (4:2:0).
    Gen {
        /// Width in pixels (even).
        #[arg(long, default_value_t = 1920)]
        width: usize,
        /// Height in pixels (even).
        #[arg(long, default_value_t = 1080)]
        height: usize,
        /// Number of frames.
        #[arg(long, default_value_t = 120)]
        frames: u64,
        /// Bits per sample (8..=16).
        #[arg(long, default_value_t = 8)]
        bit_depth: u8,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
    },
    /// Time vmafx (and a baseline command, if given) on generated pairs and print fps,
    /// peak memory, their ratio and the pooled VMAF of each.
    Compare {
        /// Clip sizes, comma-separated: 1080p, 2160p, WIDTHxHEIGHT, each optionally with
        /// its own frame count as SIZE:FRAMES.
        #[arg(long, value_delimiter = ',', default_value = "1080p,2160p")]
        sizes: Vec<String>,
        /// Frames of each clip without its own count.
        #[arg(long, default_value_t = 120)]
        frames: u64,
        /// Bits per sample of the clips.
        #[arg(long, default_value_t = 8)]
        bit_depth: u8,
        /// Thread counts, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,2")]
        threads: Vec<usize>,
        /// Runs of each command per setting (the best and the median are shown).
        #[arg(long, default_value_t = 3)]
        repeat: usize,
        /// The vmafx executable (default: `vmafx` next to this program).
        #[arg(long)]
        vmafx: Option<PathBuf>,
        /// The vmafx command template; placeholders {vmafx} {ref} {dist} {threads}
        /// {out} {width} {height} {frames} {bitdepth}.
        #[arg(long, default_value = DEFAULT_VMAFX_COMMAND)]
        vmafx_command: String,
        /// The baseline command template, same placeholders; with {out} (a JSON report)
        /// its pooled VMAF is compared with vmafx's.
        #[arg(long)]
        baseline: Option<String>,
        /// Where clips are cached and run logs written (default: the temp dir).
        #[arg(long)]
        cache_dir: Option<PathBuf>,
    },
    /// Score the same in-memory synthetic frames on a GPU backend and on the CPU in one
    /// process and print fps of each, their ratio and the pooled VMAF of both.
    Backends {
        /// The backend compared with the CPU: cuda, hip, sycl or vulkan.
        #[arg(long, default_value = "cuda")]
        backend: String,
        /// Clip sizes, comma-separated (1080p, 2160p or WIDTHxHEIGHT).
        #[arg(long, value_delimiter = ',', default_value = "1080p,2160p")]
        sizes: Vec<String>,
        /// Distinct frames held in memory per size.
        #[arg(long, default_value_t = 24)]
        frames: u64,
        /// Times the frames are scored over in one run.
        #[arg(long, default_value_t = 10)]
        laps: usize,
        /// Worker threads of both backends.
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Runs per backend and size (the best is shown).
        #[arg(long, default_value_t = 2)]
        repeat: usize,
        /// Instead: device throughput with the frames already on the device (VIF, ADM
        /// and motion on one uploaded pair per worker, `--laps` times; CUDA, HIP, SYCL).
        #[arg(long)]
        resident: bool,
    },
}

/// `vmafx-bench backends --resident`: device-only fps per size.
#[cfg(any(feature = "cuda", feature = "hip", feature = "sycl"))]
fn resident_table(
    backend: vmafx::BackendKind,
    sizes: &[String],
    laps: usize,
    threads: usize,
) -> Result<()> {
    let workers = if threads == 0 { 4 } else { threads };
    println!("| size | device | workers | resident fps |");
    println!("|---|---|---|---|");
    for size in sizes {
        let (width, height) = vmafx_bench::size::parse_size(size)?;
        let (device, fps) = backends::time_resident(backend, width, height, laps, workers)?;
        println!("| {width}x{height} | {device} | {workers} | {fps:.1} |");
    }
    Ok(())
}

#[cfg(not(any(feature = "cuda", feature = "hip", feature = "sycl")))]
fn resident_table(
    backend: vmafx::BackendKind,
    _sizes: &[String],
    _laps: usize,
    _threads: usize,
) -> Result<()> {
    anyhow::bail!("--resident needs vmafx-bench built with the feature of {backend}")
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Backends {
            backend,
            sizes,
            frames,
            laps,
            threads,
            repeat,
            resident,
        } => {
            let backend: vmafx::BackendKind = backend.parse()?;
            if resident {
                return resident_table(backend, &sizes, laps, threads);
            }
            println!("| size | backend | fps | vmaf | ratio to cpu |");
            println!("|---|---|---|---|---|");
            for size in &sizes {
                let (width, height) = vmafx_bench::size::parse_size(size)?;
                let pairs = backends::frames(width, height, frames)?;
                let cpu =
                    backends::time_backend(vmafx::BackendKind::Cpu, &pairs, laps, threads, repeat)?;
                let gpu = backends::time_backend(backend, &pairs, laps, threads, repeat)?;
                for run in [&cpu, &gpu] {
                    println!(
                        "| {width}x{height} | {} | {:.1} | {:.6} | {:.2} |",
                        run.backend,
                        run.fps,
                        run.vmaf,
                        run.fps / cpu.fps
                    );
                }
            }
        }
        Command::Gen {
            width,
            height,
            frames,
            bit_depth,
            out,
        } => {
            let spec = ClipSpec {
                width,
                height,
                frames,
                bit_depth,
            };
            let pair = generate_pair(&spec, &out, |done| {
                eprint!("\r{done}/{frames} frames");
            })?;
            eprintln!();
            println!("{}\n{}", pair.reference.display(), pair.distorted.display());
        }
        Command::Compare {
            sizes,
            frames,
            bit_depth,
            threads,
            repeat,
            vmafx,
            vmafx_command,
            baseline,
            cache_dir,
        } => {
            let clips = sizes
                .iter()
                .map(|text| {
                    let (width, height, own) = parse_size_with_frames(text)?;
                    Ok(ClipSpec {
                        width,
                        height,
                        frames: own.unwrap_or(frames),
                        bit_depth,
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let config = CompareConfig {
                clips,
                threads,
                repeat,
                vmafx: vmafx.map_or_else(default_vmafx, Ok)?,
                vmafx_command,
                baseline,
                cache_dir: cache_dir.unwrap_or_else(|| std::env::temp_dir().join("vmafx-bench")),
            };
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "# {}", machine_summary())?;
            compare::run(&config, &mut stdout)?;
        }
    }
    Ok(())
}

/// `vmafx` in the directory of this program (both build into `target/release`).
fn default_vmafx() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("locating this program")?;
    Ok(exe.with_file_name("vmafx"))
}

/// The processor model, core count and any `VMAFX_CPU` cap, for the record.
fn machine_summary() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, name)| name.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let cap = std::env::var("VMAFX_CPU").map_or(String::new(), |c| format!(", VMAFX_CPU={c}"));
    format!("{model}, {cores} cores{cap}")
}
