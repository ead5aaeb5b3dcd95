//! `vmafx-bench`: generate synthetic Y4M pairs, or time the `vmafx` command against a
//! baseline command on them (see `benches/README.md`).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use vmafx_bench::backends;
use vmafx_bench::compare::{self, CompareConfig, DEFAULT_VMAFX_COMMAND};
use vmafx_bench::gen::{generate_pair, ClipSpec};
use vmafx_bench::size::parse_size_with_frames;
use vmafx_bench::table::{self, Environment, TableConfig};
use vmafx_bench::template;

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
    /// Run vmafx and libvmaf's `vmaf` side by side on generated clips for each scenario
    /// (VMAF alone, VMAF + companions, VMAF v1, the AOM CTC preset) and write the
    /// markdown table kept in docs/benchmarks.md.
    Table {
        /// libvmaf's `vmaf` tool, built with its built-in models.
        #[arg(long)]
        libvmaf: PathBuf,
        /// How that libvmaf was built, for the record (compiler, build type, options).
        #[arg(long, default_value = "build not described")]
        libvmaf_build: String,
        /// Scenarios, comma-separated: vmaf, companions, v1, aom_ctc.
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "vmaf,companions,v1,aom_ctc"
        )]
        scenarios: Vec<String>,
        /// Clip sizes, each optionally with its frame count as SIZE:FRAMES.
        #[arg(long, value_delimiter = ',', default_value = "1080p:48,2160p:12")]
        sizes: Vec<String>,
        /// Frames of each clip without its own count.
        #[arg(long, default_value_t = 48)]
        frames: u64,
        /// Bit depths, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "8,10")]
        bit_depths: Vec<u8>,
        /// Thread counts, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,2")]
        threads: Vec<usize>,
        /// Runs of each command per cell (the best is shown).
        #[arg(long, default_value_t = 3)]
        repeat: usize,
        /// The vmafx executable (default: `vmafx` next to this program).
        #[arg(long)]
        vmafx: Option<PathBuf>,
        /// Where clips are cached and run logs written (default: the temp dir).
        #[arg(long)]
        cache_dir: Option<PathBuf>,
        /// Write the page here instead of to stdout.
        #[arg(long)]
        out: Option<PathBuf>,
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
        Command::Table {
            libvmaf,
            libvmaf_build,
            scenarios,
            sizes,
            frames,
            bit_depths,
            threads,
            repeat,
            vmafx,
            cache_dir,
            out,
        } => {
            let mut clips = Vec::new();
            for text in &sizes {
                let (width, height, own) = parse_size_with_frames(text)?;
                for &bit_depth in &bit_depths {
                    clips.push(ClipSpec {
                        width,
                        height,
                        frames: own.unwrap_or(frames),
                        bit_depth,
                    });
                }
            }
            let config = TableConfig {
                scenarios: scenarios
                    .iter()
                    .map(|name| table::scenario(name))
                    .collect::<Result<_>>()?,
                clips,
                threads,
                repeat,
                vmafx: vmafx.map_or_else(default_vmafx, Ok)?,
                libvmaf,
                cache_dir: cache_dir.unwrap_or_else(|| std::env::temp_dir().join("vmafx-bench")),
            };
            let cells = table::run(&config)?;
            let env = Environment {
                machine: machine_summary(),
                vmafx_version: first_line_of(&config.vmafx, &["--version"]),
                libvmaf_version: first_line_of(&config.libvmaf, &["--version"]),
                rustc: first_line_of(Path::new("rustc"), &["--version"]),
                libvmaf_build,
                date: first_line_of(Path::new("date"), &["-u", "+%Y-%m-%d %H:%M UTC"]),
            };
            let command_line: Vec<String> = std::env::args()
                .map(|a| template::shell_quote(&a))
                .collect();
            let page = table::markdown(&cells, &env, &command_line.join(" "));
            match out {
                Some(path) => std::fs::write(&path, page)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => std::io::stdout().lock().write_all(page.as_bytes())?,
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
                let _ = write!(std::io::stderr(), "\r{done}/{frames} frames");
            })?;
            let _ = writeln!(std::io::stderr());
            writeln!(
                std::io::stdout().lock(),
                "{}\n{}",
                pair.reference.display(),
                pair.distorted.display()
            )?;
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

/// The first non-empty line `program args` prints (stdout, else stderr), or `unknown`.
fn first_line_of(program: &Path, args: &[&str]) -> String {
    let Ok(output) = std::process::Command::new(program).args(args).output() else {
        return "unknown".to_string();
    };
    [&output.stdout, &output.stderr]
        .iter()
        .flat_map(|bytes| {
            String::from_utf8_lossy(bytes)
                .lines()
                .map(str::trim)
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .find(|line| !line.is_empty())
        .unwrap_or_else(|| "unknown".to_string())
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
