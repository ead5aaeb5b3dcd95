//! The Y4M reader on arbitrary bytes: header, FRAME markers and planes.
//!
//! The reader allocates what the header declares (up to `MAX_PIXELS` samples); frames
//! over `MAX_FRAME_BYTES` are parsed but not read, so one input cannot tie up gigabytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vmafx::io::{FrameReader, Y4mReader};
use vmafx::Frame;

const MAX_FRAME_BYTES: usize = 8 << 20;

fuzz_target!(|data: &[u8]| {
    let Ok(mut reader) = Y4mReader::new(data) else {
        return;
    };
    let format = *reader.format();
    if format.frame_bytes() > MAX_FRAME_BYTES {
        return;
    }
    let mut frame = Frame::zeroed(format);
    // The input is finite, so the loop ends with an error or the end of the stream.
    while let Ok(true) = reader.read_into(&mut frame) {}
});
