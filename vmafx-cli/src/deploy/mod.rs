//! `vmafx deploy values`: plans a Kubernetes deployment of vmafx for a throughput or a
//! deadline and writes it as a values file of the Helm chart in deploy/helm/vmafx.
//!
//! The node type is this machine (cores, memory, GPUs from the backend probe) unless
//! flags say otherwise; the speed is measured by a short calibration score or given.
//! The arithmetic is `plan::plan`, a pure function.

mod calibrate;
mod duration;
mod hardware;
mod plan;
mod values;
mod video;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};

use crate::console::{errln, outln};
use plan::{Demand, Layout, Node, PlanInput, Speed, Vendor};
use values::Placement;

/// Plans deployments of vmafx.
#[derive(Debug, Parser)]
#[command(name = "vmafx deploy", bin_name = "vmafx deploy")]
struct DeployCli {
    #[command(subcommand)]
    command: DeployCommand,
}

#[derive(Debug, Subcommand)]
enum DeployCommand {
    /// Writes a Helm values file (deploy/helm/vmafx) sized for a target throughput
    /// (a server Deployment) or for a video and a deadline (a scale-out IndexedJob).
    Values(ValuesArgs),
}

#[derive(Debug, clap::Args)]
struct ValuesArgs {
    /// Frames per second the server must score in all (plans a Deployment).
    #[arg(long, required_unless_present = "video", conflicts_with = "video")]
    target_fps: Option<f64>,
    /// A Y4M reference video to score by a deadline (plans an IndexedJob); its
    /// header and size give the frame count.
    #[arg(long, requires = "deadline")]
    video: Option<PathBuf>,
    /// The deadline for --video: seconds, or a duration such as 90s, 10m, 1h30m.
    #[arg(long, requires = "video")]
    deadline: Option<String>,
    /// The distorted video paired with --video (its name is used inside the pods).
    #[arg(long, requires = "video")]
    distorted: Option<PathBuf>,
    /// Frame size the --target-fps is for, WIDTHxHEIGHT (8-bit 4:2:0 assumed).
    #[arg(long, default_value = "1920x1080")]
    resolution: String,
    /// Plan for nodes of this kind: nvidia, amd, intel or cpu (default: this machine's).
    #[arg(long)]
    gpu_vendor: Option<Vendor>,
    /// GPUs per node (default: this machine's when the vendor is its own, else 1).
    #[arg(long)]
    gpus: Option<u32>,
    /// CPU cores a node can give pods (its allocatable cores; default: this machine's).
    #[arg(long)]
    cores: Option<u32>,
    /// Memory per node in GiB (default: this machine's).
    #[arg(long)]
    memory_gib: Option<f64>,
    /// Frames per second one core scores at the video's size (skips the calibration).
    #[arg(long)]
    fps_per_core: Option<f64>,
    /// Frames per second one GPU scores at the video's size (skips the calibration).
    #[arg(long)]
    fps_per_gpu: Option<f64>,
    /// Measure the speed with a short score on this machine.
    #[arg(long)]
    calibrate: bool,
    /// Reference of the calibration pair (default: the bundled sample).
    #[arg(long, requires = "calibration_distorted")]
    calibration_reference: Option<PathBuf>,
    /// Distorted video of the calibration pair.
    #[arg(long, requires = "calibration_reference")]
    calibration_distorted: Option<PathBuf>,
    /// PVC with the videos, mounted read-only in the pods.
    #[arg(long, default_value = "media")]
    media_claim: String,
    /// Where that PVC is mounted in the pods.
    #[arg(long, default_value = "/media")]
    media_dir: String,
    /// Scale-out: the ReadWriteMany PVC for the parts and the report.
    #[arg(long, default_value = "vmafx-scale-out")]
    parts_claim: String,
    /// Server with several replicas: the Secret holding the PostgreSQL URL.
    #[arg(long, default_value = "vmafx-postgres")]
    postgres_secret: String,
    /// Write the values here (default: standard output).
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
}

/// Runs `vmafx deploy ...`; `argv` starts with `deploy`.
pub fn main(argv: impl IntoIterator<Item = OsString>) -> Result<()> {
    let cli = DeployCli::try_parse_from(argv).unwrap_or_else(|error| error.exit());
    match cli.command {
        DeployCommand::Values(args) => write_values(&args),
    }
}

fn write_values(args: &ValuesArgs) -> Result<()> {
    let found = hardware::detect();
    let vendor = args.gpu_vendor.unwrap_or(found.vendor);
    let node = Node {
        vendor,
        cores: args.cores.unwrap_or(found.cores),
        memory_bytes: match args.memory_gib {
            Some(gib) if gib.is_finite() && gib > 0.0 => (gib * f64::from(1u32 << 30)) as u64,
            Some(gib) => bail!("--memory-gib must be above 0 (got {gib})"),
            None => found.memory_bytes,
        },
        gpus: match (args.gpus, vendor == found.vendor) {
            (Some(gpus), _) => gpus,
            (None, true) => found.gpus,
            (None, false) => 1,
        },
    };
    let mut header = vec![
        format!(
            "vmafx deploy values ({}): a plan, not a measurement of the cluster",
            vmafx::VERSION
        ),
        format!(
            "node: {vendor}, {} cores, {} MiB, {} GPU(s){}",
            node.cores,
            node.memory_bytes >> 20,
            if vendor.is_gpu() { node.gpus } else { 0 },
            if found.gpu_names.is_empty() || vendor != found.vendor {
                String::new()
            } else {
                format!(" ({})", found.gpu_names.join(", "))
            }
        ),
    ];
    let (demand, pixels, frame_bytes, video) = demand_of(args)?;
    let speed = speed_of(args, node, pixels, &mut header)?;
    let plan = plan::plan(&PlanInput {
        node,
        speed,
        demand,
        frame_bytes,
    })?;
    describe(&plan, &mut header);
    if let (Demand::Deadline { seconds, .. }, Layout::ScaleOut { segment_frames, .. }) =
        (demand, &plan.layout)
    {
        let took = *segment_frames as f64 / plan.fps_per_score;
        if took > seconds {
            let warning = format!(
                "the deadline cannot be met: even one-frame segments take {took:.2} s \
                 (deadline {seconds} s)"
            );
            errln!("vmafx deploy: warning: {warning}");
            header.push(format!("WARNING: {warning}"));
        }
    }
    let placement = placement_of(args, video.as_deref())?;
    if matches!(plan.layout, Layout::Server { replicas, .. } if replicas > 1) {
        header.push(format!(
            "several replicas share jobs through PostgreSQL: create the Secret {} with the \
             postgres:// URL under the key `url`",
            placement.postgres_secret
        ));
    }
    if video.is_some() && args.distorted.is_none() {
        header.push(format!(
            "scaleOut.distorted is a guess ({}): set it",
            placement.distorted
        ));
    }
    let text = values::render(&plan, &placement, &header)?;
    match &args.output {
        Some(path) => std::fs::write(path, &text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => outln!("{}", text.trim_end())?,
    }
    Ok(())
}

/// The demand, the frame's pixels and bytes, and the video when one was given.
fn demand_of(args: &ValuesArgs) -> Result<(Demand, u64, u64, Option<PathBuf>)> {
    if let (Some(video), Some(deadline)) = (&args.video, &args.deadline) {
        let shape = video::y4m_shape(video)?;
        let seconds = duration::seconds(deadline)?;
        let demand = Demand::Deadline {
            frames: shape.frames,
            seconds,
        };
        return Ok((demand, shape.pixels, shape.frame_bytes, Some(video.clone())));
    }
    let fps = args
        .target_fps
        .context("give --target-fps, or --video and --deadline")?;
    let (width, height) = args
        .resolution
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse::<u64>().ok()?, h.parse::<u64>().ok()?)))
        .filter(|&(w, h)| w > 0 && h > 0)
        .with_context(|| format!("--resolution {:?} is not WIDTHxHEIGHT", args.resolution))?;
    let pixels = width * height;
    Ok((Demand::Throughput { fps }, pixels, pixels * 3 / 2, None))
}

/// The speed given on the command line, or measured on this machine.
fn speed_of(args: &ValuesArgs, node: Node, pixels: u64, header: &mut Vec<String>) -> Result<Speed> {
    let given = Speed {
        fps_per_core: args.fps_per_core.unwrap_or(0.0),
        fps_per_gpu: args.fps_per_gpu.unwrap_or(0.0),
    };
    let needed = if node.vendor.is_gpu() {
        args.fps_per_gpu
    } else {
        args.fps_per_core
    };
    if let Some(fps) = needed {
        header.push(format!(
            "speed: {fps} fps per {} (given)",
            if node.vendor.is_gpu() { "GPU" } else { "core" }
        ));
        return Ok(given);
    }
    if !args.calibrate {
        bail!(
            "no speed for {}: give --fps-per-{} or --calibrate to measure it on this machine",
            node.vendor,
            if node.vendor.is_gpu() { "gpu" } else { "core" }
        );
    }
    let (reference, distorted) = match (&args.calibration_reference, &args.calibration_distorted) {
        (Some(r), Some(d)) => (r.clone(), d.clone()),
        _ => calibrate::find_sample()?,
    };
    let threads = plan::threads_per_score(node);
    let per_unit = if node.vendor.is_gpu() { 1 } else { threads };
    errln!(
        "vmafx deploy: calibrating on {} ({threads} threads)...",
        reference.display()
    );
    let measured = calibrate::calibrate(
        &reference,
        &distorted,
        hardware::backend_of(node.vendor),
        threads,
        per_unit,
    )?;
    let fps = measured.pixels_per_second_per_unit / pixels as f64;
    header.push(format!(
        "speed: {fps:.3} fps per {} at {pixels} pixels a frame, measured: {} run(s) of {} frames \
         of {} in {:.2} s with {} threads",
        if node.vendor.is_gpu() { "GPU" } else { "core" },
        measured.runs,
        measured.frames,
        file_name(&measured.reference),
        measured.seconds,
        measured.threads
    ));
    Ok(if node.vendor.is_gpu() {
        Speed {
            fps_per_gpu: fps,
            ..given
        }
    } else {
        Speed {
            fps_per_core: fps,
            ..given
        }
    })
}

/// Header lines that explain the plan's numbers.
fn describe(plan: &plan::Plan, header: &mut Vec<String>) {
    header.push(format!(
        "per score: {} thread(s), {:.2} fps planned ({:.0}% of the speed)",
        plan.threads_per_score,
        plan.fps_per_score,
        plan::HEADROOM * 100.0
    ));
    match &plan.layout {
        Layout::Server {
            replicas,
            max_concurrent,
        } => header.push(format!(
            "server: {replicas} replica(s) x {max_concurrent} score(s) at once = {:.2} fps planned",
            plan.planned_fps
        )),
        Layout::ScaleOut {
            frames,
            segment_frames,
            segments,
            parallelism,
        } => header.push(format!(
            "scale-out: {frames} frames in {segments} segment(s) of {segment_frames}, {parallelism} \
             at once, each about {:.1} s; {} node(s) of {} pod(s)",
            *segment_frames as f64 / plan.fps_per_score,
            plan.nodes,
            plan.pods_per_node
        )),
    }
}

fn placement_of(args: &ValuesArgs, video: Option<&Path>) -> Result<Placement> {
    let media_dir = args.media_dir.trim_end_matches('/').to_owned();
    if !media_dir.starts_with('/') {
        bail!(
            "--media-dir must be an absolute path (got {:?})",
            args.media_dir
        );
    }
    let in_pod = |path: &Path| format!("{media_dir}/{}", file_name(path));
    let (video_name, reference, distorted) = match video {
        Some(path) => {
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("video");
            let distorted = match &args.distorted {
                Some(d) => in_pod(d),
                None => format!("{media_dir}/{stem}.dist.y4m"),
            };
            (label_of(stem), in_pod(path), distorted)
        }
        None => ("video".to_owned(), String::new(), String::new()),
    };
    Ok(Placement {
        arch: match std::env::consts::ARCH {
            "x86_64" => "amd64".to_owned(),
            "aarch64" => "arm64".to_owned(),
            other => other.to_owned(),
        },
        media_claim: args.media_claim.clone(),
        media_dir,
        parts_claim: args.parts_claim.clone(),
        video_name,
        reference,
        distorted,
        postgres_secret: args.postgres_secret.clone(),
    })
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A chart label from a file stem: letters, digits, '.', '_' and '-', starting with a
/// letter or digit.
fn label_of(stem: &str) -> String {
    let cleaned: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .take(128)
        .collect();
    let trimmed = cleaned.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    if trimmed.is_empty() {
        "video".to_owned()
    } else {
        trimmed.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::label_of;

    #[test]
    fn labels_are_chart_names() {
        assert_eq!(label_of("episode 1 (final)"), "episode-1--final-");
        assert_eq!(label_of("__x"), "x");
        assert_eq!(label_of("ü"), "video");
    }
}
