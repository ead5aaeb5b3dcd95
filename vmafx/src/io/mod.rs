//! Streaming readers for video: Y4M and headerless planar YUV natively, anything else
//! (mp4, mkv, webm, ...) through an ffmpeg child ([`decode`]).
//!
//! Readers hold one frame's worth of scratch and nothing more, so memory stays flat
//! however long the input is.

pub mod decode;
mod seek;
pub mod sync;
pub mod text;
pub mod y4m;
pub mod yuv;

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::error::{Error, Result};
use crate::frame::{Frame, FrameFormat, PlaneBuffer};

use decode::{Container, DecodeOptions, ScaleTarget, Source};
pub use y4m::Y4mReader;
pub use yuv::YuvReader;

/// Read-ahead buffer of the native readers. Small next to a frame: a plane read finds
/// the buffer nearly empty and is served by the operating system straight into the
/// frame, so few samples are copied twice; headers and `FRAME` lines still come from
/// the buffer.
const READ_BUFFER: usize = 1 << 16;

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

    /// How many frames the input holds, when that is known before reading it (from a
    /// file's size or the container); for progress displays only.
    fn frames_hint(&self) -> Option<u64> {
        None
    }
}

/// How to interpret an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// YUV4MPEG2 with its own header.
    Y4m,
    /// Headerless planar YUV of the given format.
    Raw(FrameFormat),
    /// Y4M when the input starts with its signature, else video that ffmpeg decodes.
    Auto,
}

/// One opened input and what was done to read it.
pub struct OpenedInput {
    /// The frames.
    pub reader: Box<dyn FrameReader>,
    /// Set when ffmpeg decodes, deinterlaces or scales the input: what it does, in words.
    pub note: Option<String>,
}

/// Opens `path` (`-` for standard input) as a frame reader.
pub fn open(path: &Path, kind: InputKind) -> Result<Box<dyn FrameReader>> {
    let label = path.display().to_string();
    Ok(open_input(path, kind, &DecodeOptions::default(), None, &label)?.reader)
}

/// Opens `path` (`-` for standard input): Y4M and raw YUV natively, other video (with
/// [`InputKind::Auto`]) through ffmpeg. With `scale`, an input of another size is
/// scaled by ffmpeg to that size (raw YUV cannot be). `label` names the input in
/// messages.
pub fn open_input(
    path: &Path,
    kind: InputKind,
    options: &DecodeOptions,
    scale: Option<ScaleTarget>,
    label: &str,
) -> Result<OpenedInput> {
    let native = |reader: Box<dyn FrameReader>| OpenedInput { reader, note: None };
    if let InputKind::Raw(format) = kind {
        if scale.is_some_and(|t| (t.width, t.height) != (format.width(), format.height())) {
            return Err(Error::InvalidInput(format!(
                "{label} is raw YUV, which cannot be scaled; give it as Y4M or in a container"
            )));
        }
        return open_native(path, kind).map(native);
    }
    if path.as_os_str() == "-" {
        let mut buffered: BufReader<Box<dyn Read + Send>> =
            BufReader::with_capacity(READ_BUFFER, Box::new(std::io::stdin()));
        let container = match kind {
            InputKind::Auto => decode::sniff_buffered(&mut buffered, label)?,
            _ => Container::Y4m,
        };
        // A stream can be read once: when it may need ffmpeg's filters, it goes through
        // ffmpeg from the start (a scale to the same size is a no-op there).
        if container == Container::Y4m && scale.is_none() && !options.deinterlace {
            return Ok(native(Box::new(Y4mReader::new(buffered)?)));
        }
        return decoded(Source::Stream(Box::new(buffered)), options, scale, label);
    }
    let mut file =
        File::open(path).map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?;
    let container = match kind {
        InputKind::Auto => decode::sniff_file(&mut file, label)?,
        _ => Container::Y4m,
    };
    drop(file);
    if container == Container::Y4m {
        match open_native(path, InputKind::Y4m) {
            Ok(reader) => {
                let size = (reader.format().width(), reader.format().height());
                if scale.is_none_or(|t| (t.width, t.height) == size) {
                    return Ok(native(reader));
                }
            }
            Err(Error::Y4m(message)) if message.contains("interlaced") && options.deinterlace => {}
            Err(error) => return Err(error),
        }
    }
    decoded(Source::File(path.to_path_buf()), options, scale, label)
}

fn decoded(
    source: Source,
    options: &DecodeOptions,
    scale: Option<ScaleTarget>,
    label: &str,
) -> Result<OpenedInput> {
    let (reader, note) = decode::open_decoded(source, options, scale, label)?;
    Ok(OpenedInput {
        reader: Box::new(reader),
        note: Some(note),
    })
}

/// Opens `path` as Y4M or raw YUV, as it is.
fn open_native(path: &Path, kind: InputKind) -> Result<Box<dyn FrameReader>> {
    // A regular file's size is known: a header promising more than the file holds is
    // refused here, before anything is allocated for its frames.
    if path.as_os_str() == "-" {
        let stdin = BufReader::with_capacity(READ_BUFFER, std::io::stdin());
        return match kind {
            InputKind::Raw(format) => Ok(Box::new(YuvReader::new(stdin, format))),
            InputKind::Y4m | InputKind::Auto => Ok(Box::new(Y4mReader::new(stdin)?)),
        };
    }
    let file =
        File::open(path).map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?;
    let size = file
        .metadata()
        .ok()
        .filter(|m| m.is_file())
        .map(|m| m.len());
    let buffered = BufReader::with_capacity(READ_BUFFER, file);
    // Only regular files jump over skipped frames; a pipe or device reads through them.
    Ok(match kind {
        InputKind::Raw(format) => {
            let expected = format.frame_bytes();
            if let Some(got) = size.filter(|&n| n > 0 && n < expected as u64) {
                return Err(Error::Truncated {
                    frame: 0,
                    got: got as usize,
                    expected,
                });
            }
            let frames = size.map(|n| n / expected.max(1) as u64);
            match size {
                Some(_) => Box::new(YuvReader::seekable(buffered, format).with_frames_hint(frames)),
                None => Box::new(YuvReader::new(buffered, format).with_frames_hint(frames)),
            }
        }
        InputKind::Y4m | InputKind::Auto => {
            let mut reader = match size {
                Some(_) => Y4mReader::seekable(buffered)?,
                None => Y4mReader::new(buffered)?,
            };
            if let Some(size) = size {
                reader.check_stream_size(size)?;
                reader.set_stream_size(size);
            }
            Box::new(reader)
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
/// little-endian samples when the bit depth exceeds 8. 8-bit planes are read straight
/// into the frame (no staging copy); `scratch` stages wider samples and is reused
/// between calls.
///
/// Returns `Ok(false)` when `source` is at its end before the first byte,
/// an error when it ends inside the frame (the frame's contents are then unspecified).
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
    let mut got = 0;
    for i in 0..format.plane_count() {
        let n = format.plane_width(i) * format.plane_height(i);
        let (wanted, arrived) = match frame.plane_buffer_mut(i) {
            PlaneBuffer::U8(dst) if dst.len() == n => (n, fill(source, dst)?),
            PlaneBuffer::U16(dst) if dst.len() == n => {
                let arrived = read_growing(source, scratch, 2 * n)?;
                for (d, pair) in dst.iter_mut().zip(scratch.chunks_exact(2)) {
                    *d = u16::from_le_bytes([pair[0], pair[1]]);
                }
                (2 * n, arrived)
            }
            _ => {
                return Err(Error::InvalidInput(format!(
                    "frame buffer plane {i} does not hold {n} samples"
                )))
            }
        };
        got += arrived;
        if arrived < wanted {
            if got == 0 {
                return Ok(false);
            }
            return Err(Error::Truncated {
                frame: frame_index,
                got,
                expected,
            });
        }
    }
    Ok(true)
}

/// Reads from `source` until `buf` is full or the stream ends; returns how many bytes
/// came. A large `buf` is filled by the operating system directly, past any buffer
/// `source` keeps.
fn fill(source: &mut dyn Read, buf: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match source.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Error::io("read error", e)),
        }
    }
    Ok(filled)
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
