//! What ffprobe says about an input's first video stream: size, pixel format, field
//! order and (for progress) the number of frames. ffprobe is confined as ffmpeg is: it
//! reads only the file we opened, on its stdin.

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};

use super::command::{CONTAINERS, INPUT_URL, PROTOCOLS};

/// The first video stream as ffprobe sees it; fields it did not report are `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamInfo {
    /// The codec's short name (`h264`, `hevc`, `vp9`, `av1`, ...).
    pub codec: Option<String>,
    /// Width in pixels.
    pub width: Option<usize>,
    /// Height in pixels.
    pub height: Option<usize>,
    /// ffmpeg's pixel format name (`yuv420p10le`, ...).
    pub pixel_format: Option<String>,
    /// `progressive`, `tt`, `bb`, `tb`, `bt` or `unknown`.
    pub field_order: Option<String>,
    /// Frames in the stream: the container's count, else duration × frame rate.
    pub frames: Option<u64>,
}

impl StreamInfo {
    /// Whether the stream is coded as fields (any field order but progressive).
    pub fn is_interlaced(&self) -> bool {
        self.field_order
            .as_deref()
            .is_some_and(|order| matches!(order, "tt" | "bb" | "tb" | "bt"))
    }

    /// Parses ffprobe's `key=value` lines (`-of default=nw=1`).
    pub fn parse(text: &str) -> Self {
        let mut info = Self::default();
        let (mut rate, mut stream_duration, mut format_duration) = (None, None, None);
        let mut base_rate = None;
        let mut count = None;
        for line in text.lines() {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            let value = value.trim();
            if value == "N/A" || value.is_empty() {
                continue;
            }
            match key {
                "codec_name" => info.codec = Some(value.to_owned()),
                "width" => info.width = value.parse().ok(),
                "height" => info.height = value.parse().ok(),
                "pix_fmt" => info.pixel_format = Some(value.to_owned()),
                "field_order" => info.field_order = Some(value.to_owned()),
                "nb_frames" => count = value.parse::<u64>().ok(),
                "avg_frame_rate" => rate = parse_rate(value),
                // Some containers (IVF) give no average rate, only the base one.
                "r_frame_rate" => base_rate = parse_rate(value),
                // The stream's duration comes first, the container's after it.
                "duration" if stream_duration.is_none() && format_duration.is_none() => {
                    stream_duration = value.parse::<f64>().ok()
                }
                "duration" => format_duration = value.parse::<f64>().ok(),
                _ => {}
            }
        }
        let duration = stream_duration.or(format_duration);
        info.frames = count.filter(|&n| n > 0).or_else(|| {
            let frames = (duration? * rate.or(base_rate)?).round();
            (frames.is_finite() && frames >= 1.0).then_some(frames as u64)
        });
        info
    }
}

fn parse_rate(value: &str) -> Option<f64> {
    let (n, d) = value.split_once('/')?;
    let (n, d): (f64, f64) = (n.parse().ok()?, d.parse().ok()?);
    (d > 0.0 && n > 0.0).then_some(n / d)
}

/// Asks `ffprobe` about the file at `path`. `None` when it cannot say (ffprobe failed,
/// or the file is not in an allowed container: the decode that follows reports that).
pub fn probe(ffprobe: &Path, path: &Path) -> Option<StreamInfo> {
    let file = File::open(path).ok()?;
    let output = Command::new(ffprobe)
        .args([
            "-hide_banner",
            "-loglevel",
            "error",
            "-protocol_whitelist",
            PROTOCOLS,
            "-format_whitelist",
            CONTAINERS,
            "-i",
            INPUT_URL,
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=codec_name,width,height,pix_fmt,field_order,nb_frames,avg_frame_rate,\
             r_frame_rate,duration:format=duration",
            "-of",
            "default=nw=1",
        ])
        .stdin(Stdio::from(file))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    let info = StreamInfo::parse(&String::from_utf8_lossy(&output.stdout));
    info.width.is_some().then_some(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_counts_or_estimates_them() {
        let mkv = "codec_name=hevc\nwidth=64\nheight=48\npix_fmt=yuv420p10le\n\
                   field_order=progressive\navg_frame_rate=25/1\nduration=N/A\n\
                   nb_frames=N/A\nduration=0.280000\n";
        let info = StreamInfo::parse(mkv);
        assert_eq!(info.codec.as_deref(), Some("hevc"));
        assert_eq!((info.width, info.height), (Some(64), Some(48)));
        assert_eq!(info.pixel_format.as_deref(), Some("yuv420p10le"));
        assert_eq!(info.frames, Some(7));
        assert!(!info.is_interlaced());
        let mp4 = "width=64\nheight=48\nfield_order=tt\navg_frame_rate=25/1\nnb_frames=4\n";
        let info = StreamInfo::parse(mp4);
        assert_eq!(info.frames, Some(4));
        assert!(info.is_interlaced());
        assert_eq!(StreamInfo::parse("").frames, None);
        let ivf = "r_frame_rate=30000/1001\navg_frame_rate=0/0\nduration=0.200200\n";
        assert_eq!(StreamInfo::parse(ivf).frames, Some(6));
    }
}
