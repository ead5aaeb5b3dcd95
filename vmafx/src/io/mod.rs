//! Streaming readers for raw video: Y4M and headerless planar YUV.
//!
//! Readers hold one frame's worth of scratch and nothing more, so memory stays flat
//! however long the input is.

mod seek;
pub mod y4m;
pub mod yuv;

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::error::{Error, Result};
use crate::frame::{Frame, FrameFormat, PlaneBuffer};

pub use y4m::Y4mReader;
pub use yuv::YuvReader;

/// A source of frames of one fixed format.
pub trait FrameReader: Send {
    /// The format of every frame this reader yields.
    fn format(&self) -> &FrameFormat;

    /// Reads the next frame into `frame` (whose format must equal [`FrameReader::format`]).
    /// Returns `Ok(false)` at a clean end of stream; a partial frame is an error.
    fn read_into(&mut self, frame: &mut Frame) -> Result<bool>;

    /// Moves past the next `count` frames; returns how many there were (fewer only at
    /// the end of the stream). Readers over regular files jump to the frame's byte offset
    /// instead of decoding what lies before; others read and drop. `scratch` must have
    /// the reader's format; its contents afterwards are unspecified.
    fn skip_frames(&mut self, count: u64, scratch: &mut Frame) -> Result<u64> {
        seek::read_and_drop(self, count, scratch)
    }

    /// Reads the next frame into a new buffer; `None` at the end of the stream.
    fn read_frame(&mut self) -> Result<Option<Frame>> {
        let mut frame = Frame::zeroed(*self.format());
        Ok(self.read_into(&mut frame)?.then_some(frame))
    }
}

/// How to interpret an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// YUV4MPEG2 with its own header.
    Y4m,
    /// Headerless planar YUV of the given format.
    Raw(FrameFormat),
}

/// Opens `path` (`-` for standard input) as a frame reader.
pub fn open(path: &Path, kind: InputKind) -> Result<Box<dyn FrameReader>> {
    // A regular file's size is known: a header promising more than the file holds is
    // refused here, before anything is allocated for its frames.
    if path.as_os_str() == "-" {
        let stdin = BufReader::with_capacity(1 << 20, std::io::stdin());
        return match kind {
            InputKind::Y4m => Ok(Box::new(Y4mReader::new(stdin)?)),
            InputKind::Raw(format) => Ok(Box::new(YuvReader::new(stdin, format))),
        };
    }
    let file =
        File::open(path).map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?;
    let size = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    let buffered = BufReader::with_capacity(1 << 20, file);
    // Only regular files jump over skipped frames; a pipe or device reads through them.
    Ok(match kind {
        InputKind::Y4m => {
            let reader = match size {
                Some(_) => Y4mReader::seekable(buffered)?,
                None => Y4mReader::new(buffered)?,
            };
            if let Some(size) = size {
                reader.check_stream_size(size)?;
            }
            Box::new(reader)
        }
        InputKind::Raw(format) => {
            let expected = format.frame_bytes();
            if let Some(got) = size.filter(|&n| n > 0 && n < expected as u64) {
                return Err(Error::Truncated {
                    frame: 0,
                    got: got as usize,
                    expected,
                });
            }
            match size {
                Some(_) => Box::new(YuvReader::seekable(buffered, format)),
                None => Box::new(YuvReader::new(buffered, format)),
            }
        }
    })
}

/// Guesses the input kind from a file name: `.y4m` is Y4M, anything else needs a format.
pub fn is_y4m_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("y4m"))
}

/// Fills every plane of `frame` with planar samples from `source`, decoding 16-bit
/// little-endian samples when the bit depth exceeds 8. `scratch` is reused between calls.
///
/// Returns `Ok(false)` when `source` is at its end before the first byte,
/// an error when it ends inside the frame.
pub(crate) fn read_planes(
    source: &mut dyn Read,
    expected_format: &FrameFormat,
    frame: &mut Frame,
    scratch: &mut Vec<u8>,
    frame_index: u64,
) -> Result<bool> {
    let format = *frame.format();
    if format != *expected_format {
        return Err(Error::InvalidInput(format!(
            "frame buffer format {format:?} differs from the stream's {expected_format:?}"
        )));
    }
    let expected = format.frame_bytes();
    let got = read_growing(source, scratch, expected)?;
    if got == 0 {
        return Ok(false);
    }
    if got < expected {
        return Err(Error::Truncated {
            frame: frame_index,
            got,
            expected,
        });
    }
    let mut offset = 0;
    for i in 0..format.plane_count() {
        let n = format.plane_width(i) * format.plane_height(i);
        match frame.plane_buffer_mut(i) {
            PlaneBuffer::U8(dst) => {
                dst.copy_from_slice(&scratch[offset..offset + n]);
                offset += n;
            }
            PlaneBuffer::U16(dst) => {
                let bytes = &scratch[offset..offset + 2 * n];
                for (d, pair) in dst.iter_mut().zip(bytes.chunks_exact(2)) {
                    *d = u16::from_le_bytes([pair[0], pair[1]]);
                }
                offset += 2 * n;
            }
        }
    }
    Ok(true)
}

/// Replaces `buf`'s contents with up to `limit` bytes of `source`; returns how many came.
/// The buffer grows with the bytes that arrive (and keeps its capacity between frames), so
/// a header that promises huge frames costs nothing until the data is really there.
pub(crate) fn read_growing(
    source: &mut dyn Read,
    buf: &mut Vec<u8>,
    limit: usize,
) -> Result<usize> {
    buf.clear();
    source
        .take(limit as u64)
        .read_to_end(buf)
        .map_err(|e| Error::io("read error", e))
}

/// Reads and drops up to `count` bytes of `source`; returns how many there were.
pub(crate) fn skip_bytes(source: &mut dyn Read, count: usize) -> Result<usize> {
    let skipped = std::io::copy(&mut source.take(count as u64), &mut std::io::sink())
        .map_err(|e| Error::io("read error", e))?;
    // `copy` read no more than `count`, so this fits.
    Ok(usize::try_from(skipped).unwrap_or(count))
}
