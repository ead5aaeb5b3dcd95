//! Headerless planar YUV: frames back to back, format given by the caller.

use std::io::Read;

use crate::error::Result;
use crate::frame::{Frame, FrameFormat};

use super::{read_planes, FrameReader};

/// Reads raw planar frames (Y, then U, then V; 16-bit little-endian above 8 bits).
/// Chroma planes have the rounded-up size, as ffmpeg writes them.
pub struct YuvReader<R> {
    source: R,
    format: FrameFormat,
    scratch: Vec<u8>,
    frames_read: u64,
    frames_hint: Option<u64>,
}

impl<R: Read + Send> YuvReader<R> {
    /// Wraps a byte source holding frames of `format`.
    pub fn new(source: R, format: FrameFormat) -> Self {
        Self {
            source,
            format,
            scratch: Vec::new(),
            frames_read: 0,
            frames_hint: None,
        }
    }

    /// Sets the frame count reported by [`FrameReader::frames_hint`].
    pub fn with_frames_hint(mut self, frames: Option<u64>) -> Self {
        self.frames_hint = frames;
        self
    }
}

impl<R: Read + Send> FrameReader for YuvReader<R> {
    fn format(&self) -> &FrameFormat {
        &self.format
    }

    fn read_into(&mut self, frame: &mut Frame) -> Result<bool> {
        let ok = read_planes(
            &mut self.source,
            &self.format,
            frame,
            &mut self.scratch,
            self.frames_read,
        )?;
        if ok {
            self.frames_read += 1;
        }
        Ok(ok)
    }

    fn frames_hint(&self) -> Option<u64> {
        self.frames_hint
    }
}
