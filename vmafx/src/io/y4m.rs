//! YUV4MPEG2 reading: the stream header, `FRAME` markers with optional parameters,
//! and every colour-space tag ffmpeg writes for the layouts we score.

use std::io::{BufRead, Seek, SeekFrom};

use crate::error::{Error, Result};
use crate::frame::{ChromaSubsampling, Frame, FrameFormat};

use super::seek::{self, SeekFn};
use super::{read_planes, skip_bytes, FrameReader};

/// Longest header or `FRAME` line accepted; real ones are well under 200 bytes.
const MAX_LINE: usize = 4096;
const SIGNATURE: &str = "YUV4MPEG2";
/// The shortest frame marker: `FRAME` and its line end.
const MIN_MARKER_BYTES: usize = 6;

/// The parsed stream header.
#[derive(Debug, Clone, PartialEq)]
pub struct Y4mHeader {
    /// The frame format the `W`, `H` and `C` tags describe.
    pub format: FrameFormat,
    /// Frame rate as numerator/denominator, when given.
    pub frame_rate: Option<(u32, u32)>,
    /// Whether an alpha plane follows the three colour planes (`C444alpha`).
    pub has_alpha: bool,
    /// The colour-space tag as written (without the `C`), `420jpeg` when absent.
    pub colour_space: String,
}

/// Reads frames from a Y4M byte stream.
pub struct Y4mReader<R> {
    source: R,
    header: Y4mHeader,
    scratch: Vec<u8>,
    line: Vec<u8>,
    frames_read: u64,
    /// Bytes of the header line, its line end included.
    header_bytes: usize,
    /// The whole stream's size, when it is a file.
    stream_bytes: Option<u64>,
    /// Set when the source can seek: skipped frames are then jumped over.
    seek: Option<SeekFn<R>>,
}

impl<R: BufRead + Send> Y4mReader<R> {
    /// Parses the stream header; frames are read on demand.
    pub fn new(mut source: R) -> Result<Self> {
        let mut line = Vec::new();
        if !read_line(&mut source, &mut line)? {
            return Err(Error::Y4m("empty input: no YUV4MPEG2 header".into()));
        }
        let header = parse_header(&line)?;
        Ok(Self {
            source,
            header,
            scratch: Vec::new(),
            header_bytes: line.len() + 1,
            line,
            frames_read: 0,
            stream_bytes: None,
            seek: None,
        })
    }

    /// As [`Y4mReader::new`], over a seekable source: [`FrameReader::skip_frames`] then
    /// jumps to the computed byte offset of the target frame (frames are a `FRAME` line
    /// and a fixed number of sample bytes), checks that a `FRAME` marker is there, and
    /// walks marker by marker wherever frame parameters make lines longer.
    pub fn seekable(source: R) -> Result<Self>
    where
        R: Seek,
    {
        let mut reader = Self::new(source)?;
        reader.seek = Some(seek::seek_fn::<R>());
        Ok(reader)
    }

    /// The stream header.
    pub fn header(&self) -> &Y4mHeader {
        &self.header
    }

    /// Checks, for a stream of `total_bytes` in all (a regular file's size), that its
    /// first frame can be whole: a header that promises more than the file holds fails
    /// here, before any frame buffer is made. A stream with no frame at all passes.
    pub fn check_stream_size(&self, total_bytes: u64) -> Result<()> {
        let after_header = total_bytes.saturating_sub(self.header_bytes as u64);
        let expected = self.header.format.frame_bytes() + self.alpha_bytes();
        let needed = (MIN_MARKER_BYTES + expected) as u64;
        if after_header == 0 || after_header >= needed {
            return Ok(());
        }
        Err(Error::Truncated {
            frame: 0,
            got: usize::try_from(after_header)
                .unwrap_or(usize::MAX)
                .saturating_sub(MIN_MARKER_BYTES),
            expected,
        })
    }

    /// Records the stream's total size, from which [`FrameReader::frames_hint`] estimates
    /// the frame count (exact when the `FRAME` markers carry no parameters).
    pub fn set_stream_size(&mut self, total_bytes: u64) {
        self.stream_bytes = Some(total_bytes);
    }

    /// Fails unless the line just read is a `FRAME` marker (with or without parameters).
    fn check_marker(&self) -> Result<()> {
        let marker = &self.line[..];
        if marker.starts_with(b"FRAME") && (marker.len() == 5 || marker[5] == b' ') {
            return Ok(());
        }
        Err(Error::Y4m(format!(
            "frame {}: expected a FRAME marker, found {:?}",
            self.frames_read,
            String::from_utf8_lossy(&marker[..marker.len().min(32)])
        )))
    }

    /// Sample bytes of one frame after its marker, alpha plane included.
    fn payload_bytes(&self) -> u64 {
        (self.header.format.frame_bytes() + self.alpha_bytes()) as u64
    }

    /// Passes the payload of the frame whose marker was just read, reading it so that a
    /// truncated last frame is still noticed.
    fn drop_payload(&mut self) -> Result<()> {
        let payload = self.header.format.frame_bytes() + self.alpha_bytes();
        let got = skip_bytes(&mut self.source, payload)?;
        if got < payload {
            return Err(Error::Truncated {
                frame: self.frames_read,
                got,
                expected: payload,
            });
        }
        self.frames_read += 1;
        Ok(())
    }

    /// With the marker of one frame read and `more` frames to pass after it, tries to
    /// land on the marker of the last of them by arithmetic; returns whether it did (the
    /// reader is then just past that marker), else puts the source back where it was.
    fn jump(&mut self, seek: SeekFn<R>, more: u64) -> Result<bool> {
        let payload = self.payload_bytes();
        let whole = payload + MIN_MARKER_BYTES as u64;
        let (Some(over_this), Some(over_rest)) =
            (seek::span(1, payload), seek::span(more - 1, whole))
        else {
            return Ok(false);
        };
        let resume = seek::seek_to(seek, &mut self.source, SeekFrom::Current(0))?;
        seek::seek_to(
            seek,
            &mut self.source,
            SeekFrom::Current(over_this.saturating_add(over_rest)),
        )?;
        // Any read problem here only means the guess was wrong.
        let landed = matches!(read_line(&mut self.source, &mut self.line), Ok(true))
            && self.line == b"FRAME";
        if landed {
            self.frames_read += more;
        } else {
            seek::seek_to(seek, &mut self.source, SeekFrom::Start(resume))?;
        }
        Ok(landed)
    }

    /// Bytes of the alpha plane that follows each frame's colour planes (0 without one).
    fn alpha_bytes(&self) -> usize {
        if !self.header.has_alpha {
            return 0;
        }
        let format = &self.header.format;
        format.width() * format.height() * format.bytes_per_sample()
    }
}

impl<R: BufRead + Send> FrameReader for Y4mReader<R> {
    fn format(&self) -> &FrameFormat {
        &self.header.format
    }

    fn skip_frames(&mut self, count: u64, scratch: &mut Frame) -> Result<u64> {
        self.skip(count, scratch)
    }

    fn read_into(&mut self, frame: &mut Frame) -> Result<bool> {
        if !read_line(&mut self.source, &mut self.line)? {
            return Ok(false);
        }
        self.check_marker()?;
        let index = self.frames_read;
        if !read_planes(
            &mut self.source,
            &self.header.format,
            frame,
            &mut self.scratch,
            index,
        )? {
            return Err(Error::Truncated {
                frame: index,
                got: 0,
                expected: self.header.format.frame_bytes(),
            });
        }
        if self.header.has_alpha {
            let n = self.alpha_bytes();
            let got = skip_bytes(&mut self.source, n)?;
            if got < n {
                return Err(Error::Truncated {
                    frame: index,
                    got: self.header.format.frame_bytes() + got,
                    expected: self.header.format.frame_bytes() + n,
                });
            }
        }
        self.frames_read += 1;
        Ok(true)
    }

    fn frames_hint(&self) -> Option<u64> {
        let per_frame =
            (MIN_MARKER_BYTES + self.header.format.frame_bytes() + self.alpha_bytes()) as u64;
        let after_header = self.stream_bytes?.checked_sub(self.header_bytes as u64)?;
        Some(after_header / per_frame)
    }
}

impl<R: BufRead + Send> Y4mReader<R> {
    /// [`FrameReader::skip_frames`] for this reader.
    fn skip(&mut self, count: u64, scratch: &mut Frame) -> Result<u64> {
        let Some(seek) = self.seek else {
            return seek::read_and_drop(self, count, scratch);
        };
        let mut passed = 0;
        while passed < count {
            if !read_line(&mut self.source, &mut self.line)? {
                break;
            }
            self.check_marker()?;
            let more = count - passed - 1;
            // A plain marker promises plain ones after it; the landing check catches a
            // file where that does not hold, and the walk below handles it.
            if more > 0 && self.line == b"FRAME" && self.jump(seek, more)? {
                // The marker of the last frame to pass is read: its payload remains.
                passed += more;
            }
            self.drop_payload()?;
            passed += 1;
        }
        Ok(passed)
    }
}

/// Reads one `\n`-terminated line (without the terminator) into `line`.
/// Returns `Ok(false)` at end of stream before any byte.
fn read_line(source: &mut dyn BufRead, line: &mut Vec<u8>) -> Result<bool> {
    line.clear();
    loop {
        let available = source.fill_buf().map_err(|e| Error::io("read error", e))?;
        if available.is_empty() {
            if line.is_empty() {
                return Ok(false);
            }
            return Err(Error::Y4m("input ends inside a header line".into()));
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(pos) => (&available[..pos], Some(pos + 1)),
            None => (available, None),
        };
        if line.len() + chunk.len() > MAX_LINE {
            return Err(Error::Y4m(format!(
                "header line longer than {MAX_LINE} bytes"
            )));
        }
        line.extend_from_slice(chunk);
        let consumed = done.unwrap_or(chunk.len());
        source.consume(consumed);
        if done.is_some() {
            return Ok(true);
        }
    }
}

/// Parses a `YUV4MPEG2 ...` header line.
pub fn parse_header(line: &[u8]) -> Result<Y4mHeader> {
    let text = std::str::from_utf8(line).map_err(|_| Error::Y4m("header is not ASCII".into()))?;
    let mut tokens = text.split(' ').filter(|t| !t.is_empty());
    if tokens.next() != Some(SIGNATURE) {
        return Err(Error::Y4m("missing YUV4MPEG2 signature".into()));
    }
    let (mut width, mut height) = (None, None);
    let mut frame_rate = None;
    let mut colour_space = String::from("420jpeg");
    for token in tokens {
        // Tags are one ASCII letter; split after the first character, whatever it is,
        // so that a non-ASCII byte sequence is rejected instead of splitting a character.
        let tag_len = token.chars().next().map_or(0, char::len_utf8);
        let (tag, value) = token.split_at(tag_len);
        match tag {
            "W" => width = Some(parse_number(value, "width")?),
            "H" => height = Some(parse_number(value, "height")?),
            "F" => frame_rate = parse_ratio(value),
            "C" => colour_space = value.to_string(),
            "I" if !matches!(value, "p" | "?" | "") => {
                return Err(Error::Y4m(format!(
                    "interlaced input (I{value}) is not supported; deinterlace first \
                     (`--deinterlace`, ffmpeg's yadif)"
                )))
            }
            // Aspect ratio, interlacing 'p' and X-extensions do not change the samples.
            _ => {}
        }
    }
    let width = width.ok_or_else(|| Error::Y4m("header lacks W (width)".into()))?;
    let height = height.ok_or_else(|| Error::Y4m("header lacks H (height)".into()))?;
    let (chroma, bit_depth, has_alpha) = parse_colour_space(&colour_space)?;
    let format = FrameFormat::new(width, height, chroma, bit_depth)?;
    Ok(Y4mHeader {
        format,
        frame_rate,
        has_alpha,
        colour_space,
    })
}

fn parse_number(value: &str, what: &str) -> Result<usize> {
    value
        .parse()
        .map_err(|_| Error::Y4m(format!("invalid {what} {value:?}")))
}

fn parse_ratio(value: &str) -> Option<(u32, u32)> {
    let (n, d) = value.split_once(':')?;
    Some((n.parse().ok()?, d.parse().ok()?))
}

/// Maps a `C` tag to (layout, bit depth, alpha plane present).
fn parse_colour_space(tag: &str) -> Result<(ChromaSubsampling, u8, bool)> {
    use ChromaSubsampling::*;
    let unsupported = || Error::Y4m(format!("unsupported colour space C{tag}"));
    let (layout, rest) = if let Some(rest) = tag.strip_prefix("mono") {
        (Yuv400, rest)
    } else if let (Some(prefix), Some(rest)) = (tag.get(..3), tag.get(3..)) {
        let layout = match prefix {
            "420" => Yuv420,
            "422" => Yuv422,
            "444" => Yuv444,
            _ => return Err(unsupported()),
        };
        (layout, rest)
    } else {
        return Err(unsupported());
    };
    match rest {
        // 8-bit 4:2:0 siting variants carry the same samples.
        "" | "jpeg" | "mpeg2" | "paldv" if layout == Yuv420 || rest.is_empty() => {
            Ok((layout, 8, false))
        }
        "alpha" if layout == Yuv444 => Ok((layout, 8, true)),
        _ => {
            let depth = rest
                .strip_prefix('p')
                .or(if layout == Yuv400 { Some(rest) } else { None })
                .and_then(|d| d.parse::<u8>().ok())
                .filter(|d| (8..=16).contains(d))
                .ok_or_else(unsupported)?;
            Ok((layout, depth, false))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_space_tags() {
        use ChromaSubsampling::*;
        assert_eq!(parse_colour_space("420jpeg").unwrap(), (Yuv420, 8, false));
        assert_eq!(parse_colour_space("420mpeg2").unwrap(), (Yuv420, 8, false));
        assert_eq!(parse_colour_space("420paldv").unwrap(), (Yuv420, 8, false));
        assert_eq!(parse_colour_space("420").unwrap(), (Yuv420, 8, false));
        assert_eq!(parse_colour_space("420p10").unwrap(), (Yuv420, 10, false));
        assert_eq!(parse_colour_space("422p12").unwrap(), (Yuv422, 12, false));
        assert_eq!(parse_colour_space("444p16").unwrap(), (Yuv444, 16, false));
        assert_eq!(parse_colour_space("444alpha").unwrap(), (Yuv444, 8, true));
        assert_eq!(parse_colour_space("mono").unwrap(), (Yuv400, 8, false));
        assert_eq!(parse_colour_space("mono16").unwrap(), (Yuv400, 16, false));
        assert_eq!(parse_colour_space("mono10").unwrap(), (Yuv400, 10, false));
        assert!(parse_colour_space("411").is_err());
        assert!(parse_colour_space("422jpeg").is_err());
        assert!(parse_colour_space("420p17").is_err());
    }

    #[test]
    fn header_fields() {
        let h = parse_header(b"YUV4MPEG2 W337 H191 F30000:1001 Ip A1:1 C420jpeg XYSCSS=420JPEG")
            .unwrap();
        assert_eq!(h.format.width(), 337);
        assert_eq!(h.format.height(), 191);
        assert_eq!(h.format.plane_width(1), 169);
        assert_eq!(h.format.plane_height(1), 96);
        assert_eq!(h.frame_rate, Some((30000, 1001)));
        assert!(parse_header(b"YUV4MPEG2 W16 C420").is_err());
        assert!(parse_header(b"YUV4MPEG W16 H16").is_err());
        assert!(parse_header(b"YUV4MPEG2 W0 H16").is_err());
        assert!(parse_header(b"YUV4MPEG2 W16 H16 It").is_err());
    }
}
