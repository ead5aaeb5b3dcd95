//! Backends side by side in one process: the same in-memory synthetic frames scored on a
//! GPU backend and on the CPU backend, fps of each and their ratio. Frames are made
//! before timing starts, so reading and decoding are not part of the numbers; uploads
//! to the device are.

use std::time::Instant;

use anyhow::{Context, Result};
use vmafx::{BackendKind, Frame, Model, PoolMethod, ScorerBuilder};

use crate::synth::SyntheticVideo;

/// One timed run.
#[derive(Debug, Clone)]
pub struct BackendRun {
    /// The backend and device the report names.
    pub backend: String,
    /// Frames scored per second (best of the repeats).
    pub fps: f64,
    /// Pooled mean VMAF, to show both backends scored the same.
    pub vmaf: f64,
}

/// `count` distinct frame pairs of `width x height`, 8-bit 4:2:0.
pub fn frames(width: usize, height: usize, count: u64) -> Result<Vec<(Frame, Frame)>> {
    let video = SyntheticVideo::new(width, height, 8)?;
    let (mut reference, mut distorted) = (video.blank_frame(), video.blank_frame());
    (0..count)
        .map(|i| {
            video.reference(i, &mut reference);
            video.distorted(i, &reference, &mut distorted);
            Ok((reference.to_frame(), distorted.to_frame()))
        })
        .collect()
}

/// Scores `pairs` `laps` times over on `backend` with `threads` workers, `repeat` times;
/// the best run's fps.
pub fn time_backend(
    backend: BackendKind,
    pairs: &[(Frame, Frame)],
    laps: usize,
    threads: usize,
    repeat: usize,
) -> Result<BackendRun> {
    let mut best: Option<BackendRun> = None;
    for _ in 0..repeat.max(1) {
        let format = *pairs.first().context("no frames")?.0.format();
        let mut scorer = ScorerBuilder::new()
            .model(Model::builtin("vmaf_v0.6.1")?)
            .backend(backend)
            .threads(threads)
            .build(format)
            .with_context(|| format!("{backend} cannot score"))?;
        let started = Instant::now();
        for _ in 0..laps {
            for (reference, distorted) in pairs {
                scorer.push(&reference.view(), &distorted.view())?;
            }
        }
        let report = scorer.finish()?;
        let fps = report.frames.len() as f64 / started.elapsed().as_secs_f64();
        let vmaf = report
            .pooled_score("vmaf", PoolMethod::Mean)
            .unwrap_or(f64::NAN);
        if best.as_ref().is_none_or(|b| fps > b.fps) {
            best = Some(BackendRun {
                backend: report.backend,
                fps,
                vmaf,
            });
        }
    }
    best.context("no run")
}
