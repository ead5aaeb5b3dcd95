//! Headerless planar YUV: frames back to back, format given by the caller.

use std::io::{Read, Seek, SeekFrom};

use crate::error::{Error, Result};
use crate::frame::{Frame, FrameFormat};

use super::seek::{self, SeekFn};
use super::{read_planes, skip_bytes, FrameReader};

/// Reads raw planar frames (Y, then U, then V; 16-bit little-endian above 8 bits).
/// Chroma planes have the rounded-up size, as ffmpeg writes them.
pub struct YuvReader<R> {
    source: R,
    format: FrameFormat,
    scratch: Vec<u8>,
    frames_read: u64,
    frames_hint: Option<u64>,
    /// Set when the source can seek: skipped frames are then jumped over.
    seek: Option<SeekFn<R>>,
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
            seek: None,
        }
    }

    /// As [`YuvReader::new`], over a seekable source: [`FrameReader::skip_frames`] then
    /// jumps by whole frames and reads only the last frame it passes, to confirm it.
    pub fn seekable(source: R, format: FrameFormat) -> Self
    where
        R: Seek,
    {
        let mut reader = Self::new(source, format);
        reader.seek = Some(seek::seek_fn::<R>());
        reader
    }

    /// [`FrameReader::skip_frames`] for this reader.
    fn skip(&mut self, count: u64, scratch: &mut Frame) -> Result<u64> {
        let frame_bytes = self.format.frame_bytes();
        let (Some(seek), Some(jump)) = (
            self.seek,
            seek::span(count.saturating_sub(1), frame_bytes as u64),
        ) else {
            return seek::read_and_drop(self, count, scratch);
        };
        if count == 0 {
            return Ok(0);
        }
        let resume = seek::seek_to(seek, &mut self.source, SeekFrom::Current(0))?;
        seek::seek_to(seek, &mut self.source, SeekFrom::Current(jump))?;
        match skip_bytes(&mut self.source, frame_bytes)? {
            got if got == frame_bytes => {
                self.frames_read += count;
                Ok(count)
            }
            // Past the end: fewer frames than asked; count them one by one.
            0 => {
                seek::seek_to(seek, &mut self.source, SeekFrom::Start(resume))?;
                seek::read_and_drop(self, count, scratch)
            }
            got => Err(Error::Truncated {
                frame: self.frames_read + count - 1,
                got,
                expected: frame_bytes,
            }),
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

    fn skip_frames(&mut self, count: u64, scratch: &mut Frame) -> Result<u64> {
        self.skip(count, scratch)
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
