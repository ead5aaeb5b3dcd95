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

/// Device throughput with the frames already on the device: one synthetic 8-bit pair
/// is uploaded per worker, then VIF, ADM and motion are scored on it `laps` times by
/// each of `workers` threads (each with its own queues, so their frames overlap on the
/// device). Frames per second over all workers; the scores are checked against the
/// CPU extractors first.
#[cfg(any(feature = "cuda", feature = "hip", feature = "sycl"))]
pub fn time_resident(
    backend: BackendKind,
    width: usize,
    height: usize,
    laps: usize,
    workers: usize,
) -> Result<(String, f64)> {
    use vmafx::bench::adm::{AdmExtractor, AdmOptions, AdmPlan, AdmSums};
    use vmafx::bench::compute::{ComputeAdm, ComputeMotion, ComputeVif};
    use vmafx::bench::vif::{VifExtractor, VifOptions, VifPlan};

    let device = vmafx::bench::compute::open(backend)?;
    let pairs = frames(width, height, 2)?;
    let (reference, distorted) = (pairs[0].0.plane(0), pairs[0].1.plane(0));
    let earlier = pairs[1].0.plane(0);
    let cpu_vif = VifExtractor::new(width, height, 8, VifOptions::default())?
        .extract(reference, distorted)?;
    let cpu_adm = AdmExtractor::new(width, height, 8, AdmOptions::default())?
        .extract(reference, distorted)?;
    let vif_plan = VifPlan::new(width, height, 8, VifOptions::default())?;
    let adm_plan = AdmPlan::new(width, height, 8, AdmOptions::default())?;
    let ready = std::sync::Barrier::new(workers.max(1));
    let run = || -> Result<std::time::Duration> {
        let mut vif = ComputeVif::new(&device, &vif_plan)?;
        let mut adm = ComputeAdm::new(&device, &adm_plan)?;
        let mut adm_sums = AdmSums::default();
        let mut motion = ComputeMotion::new(&device, width, height, 8)?;
        vif.upload(reference, distorted)?;
        adm.upload(reference, distorted)?;
        motion.upload(earlier, reference)?;
        let vif_scores = vif_plan.finish(&vif.sums_uploaded()?);
        anyhow::ensure!(vif_scores == cpu_vif, "VIF differs from the CPU");
        adm.sums_uploaded(&mut adm_sums)?;
        anyhow::ensure!(
            adm_plan.finish(&adm_sums) == cpu_adm,
            "ADM differs from the CPU"
        );
        // Timing starts when every worker is set up.
        ready.wait();
        let started = Instant::now();
        for _ in 0..laps {
            vif_plan.finish(&vif.sums_uploaded()?);
            adm.sums_uploaded(&mut adm_sums)?;
            adm_plan.finish(&adm_sums);
            motion.sad_uploaded()?;
        }
        Ok(started.elapsed())
    };
    let workers = workers.max(1);
    let times = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|_| scope.spawn(run)).collect();
        handles
            .into_iter()
            .map(|h| h.join().map_err(|_| anyhow::anyhow!("a worker panicked"))?)
            .collect::<Result<Vec<_>>>()
    })?;
    let slowest = times.into_iter().max().unwrap_or_default();
    let fps = (laps * workers) as f64 / slowest.as_secs_f64();
    Ok((format!("{} ({})", device.backend(), device.name()), fps))
}
