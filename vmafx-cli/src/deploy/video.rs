//! What a plan needs to know of a Y4M video without decoding it: its frame count
//! (from the header and the file size) and the size of one frame.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use anyhow::{bail, Context, Result};

/// `FRAME` and its line end: the marker before each frame when it carries no
/// parameters, as ffmpeg and libvmaf's tools write it.
const FRAME_MARKER_BYTES: u64 = 6;
/// Longest header line read.
const MAX_HEADER_BYTES: u64 = 4096;

/// The numbers of a Y4M video a plan uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoShape {
    /// Frames in the file.
    pub frames: u64,
    /// Bytes of one frame's planes.
    pub frame_bytes: u64,
    /// Pixels of one frame (width times height).
    pub pixels: u64,
}

/// Reads the header of the Y4M file at `path` and counts its frames from its size.
pub fn y4m_shape(path: &Path) -> Result<VideoShape> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let size = file
        .metadata()
        .with_context(|| format!("cannot read the size of {}", path.display()))?
        .len();
    let mut header = Vec::new();
    BufReader::new(file)
        .take(MAX_HEADER_BYTES)
        .read_until(b'\n', &mut header)
        .with_context(|| format!("cannot read {}", path.display()))?;
    shape_of(&header, size).with_context(|| format!("{} is not a Y4M video", path.display()))
}

/// The shape of a Y4M stream of `file_bytes` whose header line (with its newline) is
/// `header`. The size must hold whole frames, each behind a bare `FRAME` marker.
pub fn shape_of(header: &[u8], file_bytes: u64) -> Result<VideoShape> {
    if !header.ends_with(b"\n") {
        bail!("no YUV4MPEG2 header line");
    }
    let parsed = vmafx::io::y4m::parse_header(&header[..header.len() - 1])?;
    let format = &parsed.format;
    let pixels = (format.width() * format.height()) as u64;
    let alpha = if parsed.has_alpha {
        pixels * format.bytes_per_sample() as u64
    } else {
        0
    };
    let frame_bytes = format.frame_bytes() as u64 + alpha;
    let body = file_bytes.saturating_sub(header.len() as u64);
    let stride = FRAME_MARKER_BYTES + frame_bytes;
    if !body.is_multiple_of(stride) {
        bail!(
            "{body} bytes after the header are not whole frames of {frame_bytes} bytes behind \
             bare FRAME markers (frames with parameters cannot be counted from the size)"
        );
    }
    Ok(VideoShape {
        frames: body / stride,
        frame_bytes,
        pixels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &[u8] = b"YUV4MPEG2 W352 H288 F25:1 Ip A1:1 C420jpeg\n";

    #[test]
    fn counts_frames_from_the_size() {
        let frame = 352 * 288 * 3 / 2;
        let size = HEADER.len() as u64 + 10 * (6 + frame);
        let shape = shape_of(HEADER, size).unwrap();
        assert_eq!(
            shape,
            VideoShape {
                frames: 10,
                frame_bytes: frame,
                pixels: 352 * 288
            }
        );
    }

    #[test]
    fn deep_samples_take_two_bytes() {
        let header = b"YUV4MPEG2 W64 H32 F25:1 C444p10\n";
        let frame = 64 * 32 * 3 * 2;
        let shape = shape_of(header, header.len() as u64 + 3 * (6 + frame)).unwrap();
        assert_eq!((shape.frames, shape.frame_bytes), (3, frame));
    }

    #[test]
    fn refuses_a_partial_frame_and_a_missing_header() {
        let error = shape_of(HEADER, HEADER.len() as u64 + 1000).unwrap_err();
        assert!(error.to_string().contains("not whole frames"), "{error}");
        assert!(shape_of(b"YUV4MPEG2 W2 H2", 100).is_err());
        assert!(shape_of(b"RIFF\n", 100).is_err());
    }

    #[test]
    fn counts_the_bundled_sample() {
        let sample =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/testsrc2_352x288.ref.y4m");
        let shape = y4m_shape(&sample).unwrap();
        assert_eq!((shape.frames, shape.pixels), (10, 352 * 288));
    }
}
