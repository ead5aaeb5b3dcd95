//! `--feature` strings: `FeatureRequest::parse`, the output names of each accepted
//! request, then a CPU scorer with that feature over two small frames.
//!
//! The first byte picks the frame format (size, chroma layout, bit depth); the rest is
//! the feature string.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vmafx::{BackendKind, ChromaSubsampling, FeatureRequest, Frame, FrameFormat, ScorerBuilder};

fn format_from(selector: u8) -> Option<FrameFormat> {
    let chroma = match selector & 3 {
        0 => ChromaSubsampling::Yuv400,
        1 => ChromaSubsampling::Yuv420,
        2 => ChromaSubsampling::Yuv422,
        _ => ChromaSubsampling::Yuv444,
    };
    let bit_depth = [8, 10, 12, 16][usize::from((selector >> 2) & 3)];
    // Below and above the 33x33 some extractors need, odd and even.
    let (width, height) = [(48, 36), (33, 33), (17, 9), (64, 65)][usize::from(selector >> 4) & 3];
    FrameFormat::new(width, height, chroma, bit_depth).ok()
}

/// Fills every sample with a pattern derived from `seed`, within the bit depth.
fn patterned(format: FrameFormat, seed: u32) -> Frame {
    let mut frame = Frame::zeroed(format);
    let max = (1u32 << format.bit_depth()) - 1;
    for index in 0..format.plane_count() {
        match frame.plane_buffer_mut(index) {
            vmafx::frame::PlaneBuffer::U8(samples) => {
                for (i, s) in samples.iter_mut().enumerate() {
                    *s = ((i as u32).wrapping_mul(31).wrapping_add(seed) & max) as u8;
                }
            }
            vmafx::frame::PlaneBuffer::U16(samples) => {
                for (i, s) in samples.iter_mut().enumerate() {
                    *s = ((i as u32).wrapping_mul(977).wrapping_add(seed) & max) as u16;
                }
            }
        }
    }
    frame
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, spec)) = data.split_first() else {
        return;
    };
    let Ok(spec) = std::str::from_utf8(spec) else {
        return;
    };
    let Ok(request) = FeatureRequest::parse(spec) else {
        return;
    };
    let Some(format) = format_from(selector) else {
        return;
    };
    for output in request.active_outputs(&format) {
        let _ = request.output_name(&output);
    }
    let Ok(builder) = ScorerBuilder::new()
        .threads(1)
        .backend(BackendKind::Cpu)
        .feature_spec(spec)
    else {
        return;
    };
    let Ok(mut scorer) = builder.build(format) else {
        return;
    };
    for seed in [0, 7] {
        let reference = patterned(format, seed);
        let distorted = patterned(format, seed + 3);
        if scorer.push_frames(reference, distorted).is_err() {
            return;
        }
    }
    let _ = scorer.finish();
});
