//! The capacity plan: how many pods of what size meet a throughput or a deadline.
//! Pure arithmetic on the machine, the measured speed and the demand, so that every
//! number in a planned values file can be checked by hand.

use std::fmt;

use anyhow::{bail, Result};

/// Share of the measured speed a plan counts on: pods share nodes, read their inputs
/// over the network and start up, so they do not all run at the bench's speed.
pub const HEADROOM: f64 = 0.8;
/// Most threads one CPU score uses: beyond this vmafx's threads scale poorly, and two
/// smaller scores on a node beat one wide one.
pub const MAX_CPU_THREADS_PER_SCORE: u32 = 8;
/// Most CPU threads that feed one GPU score (decoding and the CPU-side features).
pub const MAX_GPU_FEEDER_THREADS: u32 = 4;
/// Memory of a score besides its frames: the binary, models, thread stacks.
const BASE_SCORE_MEMORY: u64 = 256 << 20;
/// Frames of the video's size a score holds per thread, plus a few shared ones.
const FRAMES_PER_THREAD: u64 = 2;
const SHARED_FRAMES: u64 = 4;
/// The feature extractors widen 8- or 16-bit samples to 32-bit ones.
const WORKING_BYTES_PER_SAMPLE_BYTE: u64 = 4;
/// Requests are rounded up to this, limits are twice the request.
const MEMORY_GRANULE: u64 = 64 << 20;

/// What runs the scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    /// CPU only.
    Cpu,
    /// NVIDIA GPUs (CUDA).
    Nvidia,
    /// AMD GPUs (HIP).
    Amd,
    /// Intel GPUs (SYCL).
    Intel,
}

impl Vendor {
    /// The chart's `gpu.vendor` value.
    pub fn chart_name(self) -> &'static str {
        match self {
            Self::Cpu => "cpu",
            Self::Nvidia => "nvidia",
            Self::Amd => "amd",
            Self::Intel => "intel",
        }
    }

    /// Whether scores run on a GPU.
    pub fn is_gpu(self) -> bool {
        self != Self::Cpu
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.chart_name())
    }
}

impl std::str::FromStr for Vendor {
    type Err = anyhow::Error;

    fn from_str(text: &str) -> Result<Self> {
        Ok(match text {
            "cpu" => Self::Cpu,
            "nvidia" => Self::Nvidia,
            "amd" => Self::Amd,
            "intel" => Self::Intel,
            other => bail!("unknown GPU vendor {other:?}: use nvidia, amd, intel or cpu"),
        })
    }
}

/// One node of the type the plan is for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Node {
    /// Who runs the scores.
    pub vendor: Vendor,
    /// CPU cores.
    pub cores: u32,
    /// Memory in bytes.
    pub memory_bytes: u64,
    /// GPUs of `vendor` (ignored for the CPU).
    pub gpus: u32,
}

/// What the deployment must deliver.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Demand {
    /// A server scoring this many frames per second in all, many requests at once.
    Throughput {
        /// Frames per second over all replicas.
        fps: f64,
    },
    /// One video scored within a deadline, in segments on many pods.
    Deadline {
        /// Frames of the video.
        frames: u64,
        /// Seconds the whole video may take.
        seconds: f64,
    },
}

/// Measured speed at the video's resolution: frames per second of one core (CPU) or
/// of one GPU (GPU vendors).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Speed {
    /// Frames per second a CPU score gets from each of its threads.
    pub fps_per_core: f64,
    /// Frames per second of a score on one GPU.
    pub fps_per_gpu: f64,
}

/// Everything the plan depends on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlanInput {
    /// The node type.
    pub node: Node,
    /// The speed measured or given.
    pub speed: Speed,
    /// The demand.
    pub demand: Demand,
    /// Bytes of one frame of the video (its planes), for the memory estimate.
    pub frame_bytes: u64,
}

/// How the scores are spread.
#[derive(Debug, Clone, PartialEq)]
pub enum Layout {
    /// The HTTP server as a Deployment.
    Server {
        /// Replicas.
        replicas: u32,
        /// Scores each replica runs at once (`VMAFX_MAX_CONCURRENT`).
        max_concurrent: u32,
    },
    /// An Indexed Job over the video's segments.
    ScaleOut {
        /// Frames of the video.
        frames: u64,
        /// Frames per segment.
        segment_frames: u64,
        /// Segments (the Job's completions).
        segments: u64,
        /// Pods at once.
        parallelism: u64,
    },
}

/// The plan: pod shape and count.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Who runs the scores.
    pub vendor: Vendor,
    /// Workload and counts.
    pub layout: Layout,
    /// Threads of each score.
    pub threads_per_score: u32,
    /// GPUs per pod (0 for the CPU).
    pub gpus_per_pod: u32,
    /// CPU cores a pod requests (and is limited to).
    pub cpu_per_pod: u32,
    /// Memory a pod requests; its limit is twice this.
    pub memory_per_pod: u64,
    /// Frames per second one score is planned at (the measured speed times `HEADROOM`).
    pub fps_per_score: f64,
    /// Frames per second of the whole deployment.
    pub planned_fps: f64,
    /// Pods that fit on one node.
    pub pods_per_node: u32,
    /// Nodes the pods need, at `pods_per_node`.
    pub nodes: u64,
}

/// Plans the deployment. Fails when the input cannot be planned: no speed, a node too
/// small for one score, or a demand that is not a positive number.
pub fn plan(input: &PlanInput) -> Result<Plan> {
    let node = input.node;
    if node.cores == 0 {
        bail!("the node has no CPU core");
    }
    if node.vendor.is_gpu() && node.gpus == 0 {
        bail!(
            "planning for {} needs at least one GPU per node",
            node.vendor
        );
    }
    let threads = threads_per_score(node);
    let fps_per_score = HEADROOM
        * if node.vendor.is_gpu() {
            input.speed.fps_per_gpu
        } else {
            input.speed.fps_per_core * f64::from(threads)
        };
    if !(fps_per_score.is_finite() && fps_per_score > 0.0) {
        bail!(
            "no speed to plan with: give --fps-per-{} or --calibrate",
            if node.vendor.is_gpu() { "gpu" } else { "core" }
        );
    }
    // Scores one node holds: one per GPU, or as many CPU scores as its cores allow.
    let scores_per_node = if node.vendor.is_gpu() {
        node.gpus
    } else {
        (node.cores / threads).max(1)
    };
    let score_memory = score_memory(input.frame_bytes, threads);
    match input.demand {
        Demand::Throughput { fps } => {
            let scores = scores_needed(fps, fps_per_score)?;
            let max_concurrent = u32::try_from(scores.min(u64::from(scores_per_node)))?;
            let replicas = u32::try_from(scores.div_ceil(u64::from(max_concurrent)))?;
            let pod = PodShape::new(node, threads, max_concurrent, score_memory)?;
            Ok(Plan {
                vendor: node.vendor,
                layout: Layout::Server {
                    replicas,
                    max_concurrent,
                },
                threads_per_score: threads,
                gpus_per_pod: pod.gpus,
                cpu_per_pod: pod.cpu,
                memory_per_pod: pod.memory,
                fps_per_score,
                planned_fps: fps_per_score * f64::from(replicas) * f64::from(max_concurrent),
                pods_per_node: 1,
                nodes: u64::from(replicas),
            })
        }
        Demand::Deadline { frames, seconds } => {
            if frames == 0 {
                bail!("the video has no frame");
            }
            if !(seconds.is_finite() && seconds > 0.0) {
                bail!("the deadline must be above 0 seconds");
            }
            // One segment per pod, all at once: the video takes as long as one segment,
            // so a segment holds what one score does within the deadline (at least a
            // frame), and the frames are then spread evenly over that many segments.
            let longest = ((fps_per_score * seconds).floor() as u64).clamp(1, frames);
            let segments = frames.div_ceil(longest);
            let segment_frames = frames.div_ceil(segments);
            let segments = frames.div_ceil(segment_frames);
            let pod = PodShape::new(node, threads, 1, score_memory)?;
            Ok(Plan {
                vendor: node.vendor,
                layout: Layout::ScaleOut {
                    frames,
                    segment_frames,
                    segments,
                    parallelism: segments,
                },
                threads_per_score: threads,
                gpus_per_pod: pod.gpus,
                cpu_per_pod: pod.cpu,
                memory_per_pod: pod.memory,
                fps_per_score,
                planned_fps: fps_per_score * segments as f64,
                pods_per_node: scores_per_node,
                nodes: segments.div_ceil(u64::from(scores_per_node)),
            })
        }
    }
}

/// Threads of one score: a CPU score takes up to `MAX_CPU_THREADS_PER_SCORE` cores, a
/// GPU score up to `MAX_GPU_FEEDER_THREADS` of its GPU's share of the cores.
pub fn threads_per_score(node: Node) -> u32 {
    if node.vendor.is_gpu() {
        (node.cores / node.gpus.max(1)).clamp(1, MAX_GPU_FEEDER_THREADS)
    } else {
        node.cores.clamp(1, MAX_CPU_THREADS_PER_SCORE)
    }
}

/// Memory of one score of `threads` threads on frames of `frame_bytes`, rounded up.
pub fn score_memory(frame_bytes: u64, threads: u32) -> u64 {
    let frames = FRAMES_PER_THREAD * u64::from(threads) + SHARED_FRAMES;
    let bytes = BASE_SCORE_MEMORY + frames * frame_bytes * WORKING_BYTES_PER_SAMPLE_BYTE;
    bytes.div_ceil(MEMORY_GRANULE) * MEMORY_GRANULE
}

/// Scores of `fps_per_score` needed for `fps` in all, at least one.
fn scores_needed(fps: f64, fps_per_score: f64) -> Result<u64> {
    if !(fps.is_finite() && fps > 0.0) {
        bail!("the target must be above 0 frames per second (got {fps})");
    }
    let scores = (fps / fps_per_score).ceil();
    if scores > 1e6 {
        bail!("{fps} fps needs {scores} scores of {fps_per_score:.2} fps: more than a plan should hold");
    }
    Ok((scores as u64).max(1))
}

/// CPU, GPUs and memory of a pod running `scores` scores at once.
struct PodShape {
    cpu: u32,
    gpus: u32,
    memory: u64,
}

impl PodShape {
    fn new(node: Node, threads: u32, scores: u32, score_memory: u64) -> Result<Self> {
        let shape = Self {
            cpu: threads * scores,
            gpus: if node.vendor.is_gpu() { scores } else { 0 },
            memory: score_memory * u64::from(scores),
        };
        if node.memory_bytes > 0 && shape.memory > node.memory_bytes {
            bail!(
                "a pod of {scores} score(s) needs {} MiB, more than the node's {} MiB",
                shape.memory >> 20,
                node.memory_bytes >> 20
            );
        }
        Ok(shape)
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
