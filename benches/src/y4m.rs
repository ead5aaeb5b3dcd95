//! Writing Y4M streams frame by frame.

use std::io::Write;

use anyhow::Result;
use vmafx::FrameFormat;

use crate::synth::SyntheticFrame;

/// Writes a 4:2:0 Y4M stream: the header first, then frames as they come.
pub struct Y4mWriter<W: Write> {
    sink: W,
    bytes: Vec<u8>,
}

impl<W: Write> Y4mWriter<W> {
    /// Writes the header for `format` at 25 frames per second.
    pub fn new(mut sink: W, format: &FrameFormat) -> Result<Self> {
        let colour = match format.bit_depth() {
            8 => "420jpeg".to_string(),
            depth => format!("420p{depth}"),
        };
        writeln!(
            sink,
            "YUV4MPEG2 W{} H{} F25:1 Ip A1:1 C{colour}",
            format.width(),
            format.height()
        )?;
        Ok(Self {
            sink,
            bytes: Vec::new(),
        })
    }

    /// Appends one frame (samples above 8 bits as little-endian 16-bit words).
    pub fn write_frame(&mut self, frame: &SyntheticFrame) -> Result<()> {
        let wide = frame.format().bit_depth() > 8;
        self.bytes.clear();
        self.bytes.extend_from_slice(b"FRAME\n");
        for plane in 0..3 {
            let samples = frame.plane(plane);
            if wide {
                self.bytes
                    .extend(samples.iter().flat_map(|s| s.to_le_bytes()));
            } else {
                self.bytes.extend(samples.iter().map(|&s| s as u8));
            }
        }
        self.sink.write_all(&self.bytes)?;
        Ok(())
    }

    /// Flushes and returns the sink.
    pub fn finish(mut self) -> Result<W> {
        self.sink.flush()?;
        Ok(self.sink)
    }
}
