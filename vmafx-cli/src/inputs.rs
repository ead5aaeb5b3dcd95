//! Opening the two inputs before scoring: frame sync (`--sync auto`), what ffmpeg does
//! to each input (said on stderr), the size check, and the frame count for progress.

use anyhow::{bail, Context, Result};
use vmafx::io::decode::Scaling;
use vmafx::io::sync::find_offset;
use vmafx::{OpenedPair, ScoreJob};

use crate::console::errln;

/// Frame pairs `--sync auto` compares under each shift.
const SYNC_COMPARE_FRAMES: usize = 5;

/// Finds the shift that lines the inputs up and sets the job's skips to it; says what
/// it found on stderr.
pub fn sync(job: &mut ScoreJob, window: u64) -> Result<()> {
    if [&job.reference, &job.distorted]
        .iter()
        .any(|p| p.as_os_str() == "-")
    {
        bail!("--sync auto reads the start of both inputs twice, so they must be files, not standard input");
    }
    let mut inputs = job
        .open_inputs()
        .context("cannot open the inputs to sync them")?;
    check_sizes(job, &inputs)?;
    let offset = find_offset(
        inputs.reference.reader.as_mut(),
        inputs.distorted.reader.as_mut(),
        window,
        SYNC_COMPARE_FRAMES,
    )
    .context("--sync auto")?;
    drop(inputs);
    job.skip_reference = offset.skip_reference;
    job.skip_distorted = offset.skip_distorted;
    let shift = match (offset.skip_reference, offset.skip_distorted) {
        (0, 0) => "inputs are aligned".to_owned(),
        (r, 0) => format!("skipping {r} reference frame(s) (--frame_skip_ref {r})"),
        (_, d) => format!("skipping {d} distorted frame(s) (--frame_skip_dist {d})"),
    };
    errln!(
        "vmafx: sync: {shift}; luma PSNR {:.2} dB over {} frame(s)",
        offset.psnr,
        offset.frames_compared
    );
    Ok(())
}

/// Opens both inputs, says on stderr what ffmpeg does to each (unless `quiet`), and
/// refuses inputs of different sizes with a hint.
pub fn open(job: &ScoreJob, quiet: bool) -> Result<OpenedPair> {
    let inputs = job.open_inputs().context("scoring failed")?;
    if !quiet {
        for (role, input) in [
            ("reference", &inputs.reference),
            ("distorted", &inputs.distorted),
        ] {
            if let Some(note) = &input.note {
                errln!("vmafx: {role}: {note}");
            }
        }
    }
    check_sizes(job, &inputs)?;
    Ok(inputs)
}

/// Refuses inputs of different sizes when no scaling was asked for, naming both sizes
/// and the flags that would scale them.
fn check_sizes(job: &ScoreJob, inputs: &OpenedPair) -> Result<()> {
    let (r, d) = (
        inputs.reference.reader.format(),
        inputs.distorted.reader.format(),
    );
    if (r.width(), r.height()) != (d.width(), d.height()) && job.decode.scaling == Scaling::None {
        bail!(
            "the reference is {}x{} and the distorted video {}x{}; pass --scale to scale the \
             distorted video to the reference's size, or --scale-to WxH to scale both",
            r.width(),
            r.height(),
            d.width(),
            d.height()
        );
    }
    Ok(())
}

/// How many frame pairs the job will read, when the inputs say how long they are.
pub fn expected_frames(job: &ScoreJob, inputs: &OpenedPair) -> Option<u64> {
    let reference = inputs.reference.reader.frames_hint()?;
    let distorted = inputs.distorted.reader.frames_hint()?;
    let common = reference
        .saturating_sub(job.skip_reference)
        .min(distorted.saturating_sub(job.skip_distorted));
    Some(job.max_frames.map_or(common, |max| common.min(max)))
}
