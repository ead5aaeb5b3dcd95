//! The raw YUV reader: the first six bytes give the geometry (width, height, chroma
//! layout, bit depth, all checked by `FrameFormat::new`), the rest is the stream.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vmafx::io::{FrameReader, YuvReader};
use vmafx::{ChromaSubsampling, Frame, FrameFormat};

const MAX_FRAME_BYTES: usize = 8 << 20;

fuzz_target!(|data: &[u8]| {
    let Some((geometry, stream)) = data.split_first_chunk::<6>() else {
        return;
    };
    // 1..=65536 each way, so the size limits themselves are exercised.
    let width = usize::from(u16::from_le_bytes([geometry[0], geometry[1]])) + 1;
    let height = usize::from(u16::from_le_bytes([geometry[2], geometry[3]])) + 1;
    let chroma = match geometry[4] % 4 {
        0 => ChromaSubsampling::Yuv400,
        1 => ChromaSubsampling::Yuv420,
        2 => ChromaSubsampling::Yuv422,
        _ => ChromaSubsampling::Yuv444,
    };
    let Ok(format) = FrameFormat::new(width, height, chroma, geometry[5]) else {
        return;
    };
    if format.frame_bytes() > MAX_FRAME_BYTES {
        return;
    }
    let mut reader = YuvReader::new(stream, format);
    let mut frame = Frame::zeroed(format);
    while let Ok(true) = reader.read_into(&mut frame) {}
});
