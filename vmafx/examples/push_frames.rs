//! Scores frames an application already holds in memory, pushing them one by one.
//!
//! Here the "decoder" is a synthetic moving gradient and its noisy copy.

use vmafx::frame::PlaneBuffer;
use vmafx::{ChromaSubsampling, Frame, FrameFormat, Model, PoolMethod, ScorerBuilder};

fn main() -> Result<(), vmafx::Error> {
    let format = FrameFormat::new(320, 240, ChromaSubsampling::Yuv420, 8)?;
    let mut scorer = ScorerBuilder::new()
        .model(Model::builtin("vmaf_v0.6.1")?)
        .build(format)?;
    for t in 0..8u32 {
        let reference = synthetic_frame(format, t, 0);
        let distorted = synthetic_frame(format, t, 9);
        scorer.push(&reference.view(), &distorted.view())?;
        for record in scorer.new_records() {
            println!("frame {} done", record.index);
        }
    }
    let report = scorer.finish()?;
    let mean = report
        .pooled_score("vmaf", PoolMethod::Mean)
        .unwrap_or(f64::NAN);
    println!("{} frames, pooled vmaf {mean:.3}", report.frames.len());
    Ok(())
}

/// A diagonal gradient moving with `t`, plus deterministic noise of amplitude `noise`.
fn synthetic_frame(format: FrameFormat, t: u32, noise: u32) -> Frame {
    let mut frame = Frame::zeroed(format);
    let width = format.width();
    if let PlaneBuffer::U8(luma) = frame.plane_buffer_mut(0) {
        for (i, sample) in luma.iter_mut().enumerate() {
            let (x, y) = ((i % width) as u32, (i / width) as u32);
            let hash = (x.wrapping_mul(73_856_093) ^ y.wrapping_mul(19_349_663) ^ t) % (noise + 1);
            *sample = ((x + y + 3 * t) % 200 + 20 + hash) as u8;
        }
    }
    for plane in 1..3 {
        if let PlaneBuffer::U8(chroma) = frame.plane_buffer_mut(plane) {
            chroma.fill(128);
        }
    }
    frame
}
