//! A short timed score on this machine: how many pixels per second one core (CPU) or
//! one GPU scores, which a plan turns into frames per second at the video's size.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use vmafx::BackendKind;

use super::video::y4m_shape;

/// The sample pair shipped in the repository's samples/ folder.
pub const SAMPLE_REFERENCE: &str = "samples/testsrc2_352x288.ref.y4m";
/// Its distorted half.
pub const SAMPLE_DISTORTED: &str = "samples/testsrc2_352x288.x265_crf32.dist.y4m";
/// Timed runs go on until this much time has passed (the sample is short: one run is
/// mostly start-up).
const MIN_TIMED: Duration = Duration::from_secs(3);
const MAX_RUNS: u32 = 50;

/// What the calibration measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Calibration {
    /// Pixels scored per second by one core (CPU) or one GPU.
    pub pixels_per_second_per_unit: f64,
    /// Frames per run and runs timed.
    pub frames: u64,
    /// Runs timed (after one untimed warm-up run).
    pub runs: u32,
    /// Seconds the timed runs took.
    pub seconds: f64,
    /// Threads each run used.
    pub threads: u32,
    /// The pair scored.
    pub reference: PathBuf,
}

/// Scores `reference` against `distorted` with this very vmafx binary on `backend`
/// with `threads` threads, again and again for a few seconds. `per_unit` divides the
/// speed: the thread count for the CPU, 1 for one GPU.
pub fn calibrate(
    reference: &Path,
    distorted: &Path,
    backend: BackendKind,
    threads: u32,
    per_unit: u32,
) -> Result<Calibration> {
    let shape = y4m_shape(reference)?;
    let frames = shape.frames.min(y4m_shape(distorted)?.frames);
    if frames == 0 {
        bail!("{} has no frame to calibrate on", reference.display());
    }
    let vmafx =
        std::env::current_exe().context("cannot find the vmafx binary to calibrate with")?;
    let run = || -> Result<()> {
        let status = Command::new(&vmafx)
            .arg("-r")
            .arg(reference)
            .arg("-d")
            .arg(distorted)
            .args([
                "--threads",
                &threads.to_string(),
                "--backend",
                &backend.to_string(),
            ])
            .arg("-q")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .status()
            .context("cannot start the calibration score")?;
        if !status.success() {
            bail!("the calibration score on {backend} failed ({status})");
        }
        Ok(())
    };
    run()?; // warm-up: the page cache and the GPU driver
    let started = Instant::now();
    let mut runs = 0;
    while runs < MAX_RUNS && (runs == 0 || started.elapsed() < MIN_TIMED) {
        run()?;
        runs += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    let pixels = (shape.pixels * frames) as f64 * f64::from(runs);
    Ok(Calibration {
        pixels_per_second_per_unit: pixels / seconds / f64::from(per_unit.max(1)),
        frames,
        runs,
        seconds,
        threads,
        reference: reference.to_owned(),
    })
}

/// The bundled sample pair: looked for under the working directory and the folders
/// above it and above the vmafx binary (a build in target/release finds the checkout's).
pub fn find_sample() -> Result<(PathBuf, PathBuf)> {
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Ok(dir) = std::env::current_dir() {
        roots.extend(dir.ancestors().map(Path::to_path_buf));
    }
    if let Ok(exe) = std::env::current_exe() {
        roots.extend(exe.ancestors().skip(1).map(Path::to_path_buf));
    }
    roots
        .into_iter()
        .map(|root| (root.join(SAMPLE_REFERENCE), root.join(SAMPLE_DISTORTED)))
        .find(|(reference, distorted)| reference.is_file() && distorted.is_file())
        .context(
            "the bundled sample (samples/testsrc2_352x288.*.y4m) is not here: give a pair \
             with --calibration-reference and --calibration-distorted",
        )
}
