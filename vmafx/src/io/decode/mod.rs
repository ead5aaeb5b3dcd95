//! Video that is neither Y4M nor raw YUV (mp4, mkv, webm, ivf, ...), and Y4M that must
//! be deinterlaced or scaled, decoded by an `ffmpeg` child process.
//!
//! ffmpeg is found through `VMAFX_FFMPEG` or `PATH`. It gets only the bytes this process
//! opened (its stdin), may use no protocol but `pipe` and `cache` and no demuxer but the
//! containers in [`CONTAINERS`], so an input cannot make it read another file (no
//! playlists, concat lists or image sequences). It writes Y4M to a pipe in the source's
//! own layout and bit depth (10-bit stays 10-bit), which the Y4M reader streams frame by
//! frame: memory stays flat however long the video is. Its own error text (bounded)
//! becomes the error's message.

mod child;
mod command;
mod locate;
mod probe;
mod sniff;

use std::path::{Path, PathBuf};

pub use child::{spawn_stderr_tail, DecodedReader, DecoderInput};
pub use command::{
    complaint, input_args, y4m_pixel_format, DecodeCommand, ScaleAlgorithm, CONTAINERS, INPUT_URL,
    PROTOCOLS,
};
pub use locate::{find_ffmpeg, find_ffprobe, FFMPEG_ENV, FFPROBE_ENV};
pub use probe::{probe, StreamInfo};
pub use sniff::{sniff_buffered, sniff_file, Container};

use crate::error::{Error, Result};

/// How inputs are decoded, deinterlaced and scaled.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecodeOptions {
    /// The ffmpeg program; `None` looks in `VMAFX_FFMPEG`, then on `PATH`.
    pub ffmpeg: Option<PathBuf>,
    /// Deinterlace interlaced input with ffmpeg's `yadif` (otherwise it is refused).
    pub deinterlace: bool,
    /// Whether and how inputs of other sizes are scaled.
    pub scaling: Scaling,
}

/// What to do with inputs whose sizes differ.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scaling {
    /// Nothing: inputs of different sizes are refused.
    #[default]
    None,
    /// Scale the distorted video to the reference's size.
    DistortedToReference(ScaleAlgorithm),
    /// Scale both inputs (where their size differs) to this size.
    Both {
        /// Target width.
        width: usize,
        /// Target height.
        height: usize,
        /// Resampling kernel.
        algorithm: ScaleAlgorithm,
    },
}

/// A size to scale one input to, with the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaleTarget {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Resampling kernel.
    pub algorithm: ScaleAlgorithm,
}

/// Where the bytes of one input come from.
pub(crate) enum Source {
    /// A file opened by path; ffmpeg gets a fresh handle of it.
    File(PathBuf),
    /// Standard input (buffered; nothing consumed yet).
    Stream(Box<dyn std::io::Read + Send>),
}

/// Starts ffmpeg on one input. `label` names it in messages; the returned note says
/// what was done (decoded from what, scaled from what size).
pub(crate) fn open_decoded(
    source: Source,
    options: &DecodeOptions,
    scale: Option<ScaleTarget>,
    label: &str,
) -> Result<(DecodedReader, String)> {
    let ffmpeg =
        find_ffmpeg(options.ffmpeg.as_deref()).map_err(|reason| Error::DecoderMissing {
            input: label.to_owned(),
            reason,
        })?;
    let info = match &source {
        Source::File(path) => find_ffprobe(&ffmpeg).and_then(|ffprobe| probe(&ffprobe, path)),
        Source::Stream(_) => None,
    }
    .unwrap_or_default();
    if info.is_interlaced() && !options.deinterlace {
        return Err(Error::InvalidInput(format!(
            "{label} is interlaced (field order {}); vmafx scores progressive frames: ask \
             for deinterlacing (`--deinterlace`, ffmpeg's yadif)",
            info.field_order.as_deref().unwrap_or("unknown")
        )));
    }
    let source_size = info.width.zip(info.height);
    let scale = scale.filter(|t| source_size != Some((t.width, t.height)));
    let command = DecodeCommand {
        deinterlace: options.deinterlace,
        scale: scale.map(|t| (t.width, t.height, t.algorithm)),
        pixel_format: info.pixel_format.as_deref().and_then(y4m_pixel_format),
    };
    let input = match source {
        Source::File(path) => DecoderInput::File(open_file(&path)?),
        Source::Stream(stream) => DecoderInput::Stream(stream),
    };
    let reader = DecodedReader::spawn(&ffmpeg, &command, input, label.to_owned(), info.frames)?;
    let note = describe(&info, &command, &reader);
    Ok((reader, note))
}

fn open_file(path: &Path) -> Result<std::fs::File> {
    std::fs::File::open(path).map_err(|e| Error::io(format!("cannot open {}", path.display()), e))
}

/// One line on what ffmpeg does to the input, e.g. `decoded by ffmpeg (hevc,
/// yuv420p10le 1920x1080), scaled to 3840x2160 (bicubic)`.
fn describe(info: &StreamInfo, command: &DecodeCommand, reader: &DecodedReader) -> String {
    use crate::io::FrameReader;
    let mut source = Vec::new();
    if let Some(codec) = &info.codec {
        source.push(codec.clone());
    }
    if let Some(format) = &info.pixel_format {
        source.push(format.clone());
    }
    if let (Some(w), Some(h)) = (info.width, info.height) {
        source.push(format!("{w}x{h}"));
    }
    let mut note = if source.is_empty() {
        "decoded by ffmpeg".to_owned()
    } else {
        format!("decoded by ffmpeg ({})", source.join(" "))
    };
    if command.deinterlace {
        note.push_str(", deinterlaced (yadif)");
    }
    if let Some((w, h, algorithm)) = command.scale {
        note.push_str(&format!(", scaled to {w}x{h} ({algorithm})"));
    }
    let format = reader.format();
    note.push_str(&format!(
        ", read as {}x{} {} {}-bit",
        format.width(),
        format.height(),
        format.chroma().name(),
        format.bit_depth()
    ));
    note
}
