//! ffmpeg's command line for one decode: the input is stdin only, through an allow-list
//! of protocols and demuxers; the output is Y4M on stdout in the source's own pixel
//! layout and bit depth, optionally deinterlaced and scaled.

use std::str::FromStr;

use crate::error::Error;

/// The demuxers ffmpeg may use (its `-format_whitelist`): containers only, none that
/// opens other files (no playlists, concat lists or image sequences).
pub const CONTAINERS: &str = "mov,mp4,matroska,webm,mpegts,ivf,avi,yuv4mpegpipe";

/// The protocols ffmpeg may use: the pipe it was given and `cache`, which keeps what was
/// read in a deleted temporary file so that an mp4 with its index at the end can seek.
pub const PROTOCOLS: &str = "cache,pipe";

/// ffmpeg's name for its input: stdin through the cache.
pub const INPUT_URL: &str = "cache:pipe:0";

/// The resampling kernel of ffmpeg's `scale` filter (its `flags`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScaleAlgorithm {
    /// Bicubic (ffmpeg's default).
    #[default]
    Bicubic,
    /// Lanczos.
    Lanczos,
    /// Bilinear.
    Bilinear,
    /// Natural bicubic spline.
    Spline,
    /// Nearest neighbour.
    Neighbor,
}

impl ScaleAlgorithm {
    /// The name as ffmpeg's `scale` filter spells it in `flags=`.
    pub fn ffmpeg_name(self) -> &'static str {
        match self {
            Self::Bicubic => "bicubic",
            Self::Lanczos => "lanczos",
            Self::Bilinear => "bilinear",
            Self::Spline => "spline",
            Self::Neighbor => "neighbor",
        }
    }
}

impl FromStr for ScaleAlgorithm {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self, Error> {
        Ok(match name {
            "bicubic" => Self::Bicubic,
            "lanczos" => Self::Lanczos,
            "bilinear" => Self::Bilinear,
            "spline" => Self::Spline,
            "neighbor" | "nearest" => Self::Neighbor,
            _ => {
                return Err(Error::InvalidOption(format!(
                    "unknown scale algorithm {name:?} (known: bicubic, lanczos, bilinear, \
                     spline, neighbor)"
                )))
            }
        })
    }
}

impl std::fmt::Display for ScaleAlgorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.ffmpeg_name())
    }
}

/// What one decode does besides decoding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecodeCommand {
    /// Run ffmpeg's `yadif` on the frames first.
    pub deinterlace: bool,
    /// Scale to (width, height) with this kernel.
    pub scale: Option<(usize, usize, ScaleAlgorithm)>,
    /// The output pixel format (ffmpeg's name); `None` lets ffmpeg keep the source's.
    pub pixel_format: Option<String>,
}

impl DecodeCommand {
    /// ffmpeg's arguments: the confined input options, then the output.
    pub fn args(&self) -> Vec<String> {
        let mut args: Vec<String> = input_args().iter().map(|a| (*a).to_owned()).collect();
        args.extend(["-map", "0:v:0"].map(String::from));
        let mut filters = Vec::new();
        if self.deinterlace {
            filters.push("yadif=deint=interlaced".to_owned());
        }
        if let Some((width, height, algorithm)) = self.scale {
            filters.push(format!(
                "scale={width}:{height}:flags={}",
                algorithm.ffmpeg_name()
            ));
        }
        if !filters.is_empty() {
            args.extend(["-vf".to_owned(), filters.join(",")]);
        }
        if let Some(format) = &self.pixel_format {
            args.extend(["-pix_fmt".to_owned(), format.clone()]);
        }
        // `-strict -1` lets the Y4M muxer write 9- to 16-bit layouts.
        args.extend(["-f", "yuv4mpegpipe", "-strict", "-1", "pipe:1"].map(String::from));
        args
    }
}

/// The options that confine ffmpeg (or ffprobe) to its stdin: quiet but for errors,
/// whitelists before `-i`, and the input itself.
pub fn input_args() -> [&'static str; 10] {
    [
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-protocol_whitelist",
        PROTOCOLS,
        "-format_whitelist",
        CONTAINERS,
        "-i",
        INPUT_URL,
    ]
}

/// The Y4M pixel format that holds a source pixel format's samples unchanged: the
/// same layout and bit depth, planar and little-endian (ffmpeg's Y4M muxer writes
/// no other). Semi-planar layouts (nv12, p010) map to their planar twin; an alpha plane
/// is dropped. `None` for a format that has no such twin (ffmpeg then picks).
pub fn y4m_pixel_format(source: &str) -> Option<String> {
    let name = source
        .strip_suffix("le")
        .or_else(|| source.strip_suffix("be"))
        .unwrap_or(source);
    let semi_planar = match name {
        "nv12" | "nv21" => Some(("420", 8)),
        "nv16" => Some(("422", 8)),
        "nv24" | "nv42" => Some(("444", 8)),
        "p010" => Some(("420", 10)),
        "p012" => Some(("420", 12)),
        "p016" => Some(("420", 16)),
        "p210" | "y210" => Some(("422", 10)),
        "p216" => Some(("422", 16)),
        "p410" => Some(("444", 10)),
        "p416" => Some(("444", 16)),
        _ => None,
    };
    if let Some((layout, depth)) = semi_planar {
        return Some(planar(layout, depth));
    }
    if let Some(rest) = name.strip_prefix("gray") {
        let depth: u8 = if rest.is_empty() {
            8
        } else {
            rest.parse().ok()?
        };
        return match depth {
            8 => Some("gray".to_owned()),
            9 | 10 | 12 | 16 => Some(format!("gray{depth}le")),
            _ => None,
        };
    }
    // yuvj* is full-range yuv*: the same samples, the tag differs only.
    let rest = name
        .strip_prefix("yuva")
        .or_else(|| name.strip_prefix("yuvj"))
        .or_else(|| name.strip_prefix("yuv"))?;
    let layout = rest
        .get(..3)
        .filter(|l| matches!(*l, "420" | "422" | "444"))?;
    let depth_text = rest.get(3..)?.strip_prefix('p')?;
    let depth: u8 = if depth_text.is_empty() {
        8
    } else {
        depth_text.parse().ok()?
    };
    matches!(depth, 8 | 9 | 10 | 12 | 14 | 16).then(|| planar(layout, depth))
}

fn planar(layout: &str, depth: u8) -> String {
    if depth == 8 {
        format!("yuv{layout}p")
    } else {
        format!("yuv{layout}p{depth}le")
    }
}

/// ffmpeg's complaint, cleaned for the user: the cache layer's notes that are no error
/// go, the input is called by its role, a refused container gets a plain reason. At most
/// a few lines are kept.
pub fn complaint(stderr: &str, label: &str) -> String {
    if stderr.contains("Format not on whitelist") {
        return format!(
            "the {label} is not in a container vmafx decodes \
             (mp4/mov, mkv/webm, MPEG-TS, IVF, AVI or Y4M)"
        );
    }
    let lines: Vec<String> = stderr
        .lines()
        .filter(|l| {
            !l.trim().is_empty()
                && !l.contains("Inner protocol failed to seekback")
                && !l.contains("Last message repeated")
        })
        .take(8)
        .map(|l| l.replace(INPUT_URL, "input").replace("pipe:0", "input"))
        .collect();
    lines.join("\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ffmpeg_reads_only_stdin_through_listed_containers() {
        let args = DecodeCommand::default().args();
        let after = |flag: &str| {
            let at = args.iter().position(|a| a == flag).unwrap();
            args[at + 1].clone()
        };
        assert_eq!(after("-i"), "cache:pipe:0");
        assert_eq!(after("-protocol_whitelist"), "cache,pipe");
        let formats = after("-format_whitelist");
        let formats: Vec<&str> = formats.split(',').collect();
        for refused in [
            "hls", "concat", "image2", "dash", "tee", "lavfi", "rawvideo",
        ] {
            assert!(!formats.contains(&refused), "{refused}");
        }
        let input_at = args.iter().position(|a| a == "-i").unwrap();
        for option in ["-format_whitelist", "-protocol_whitelist"] {
            assert!(args.iter().position(|a| a == option).unwrap() < input_at);
        }
        assert_eq!(args.last().map(String::as_str), Some("pipe:1"));
    }

    #[test]
    fn filters_and_pixel_format() {
        let command = DecodeCommand {
            deinterlace: true,
            scale: Some((1920, 1080, ScaleAlgorithm::Lanczos)),
            pixel_format: Some("yuv420p10le".into()),
        };
        let args = command.args();
        let vf = args.iter().position(|a| a == "-vf").unwrap();
        assert_eq!(
            args[vf + 1],
            "yadif=deint=interlaced,scale=1920:1080:flags=lanczos"
        );
        let pf = args.iter().position(|a| a == "-pix_fmt").unwrap();
        assert_eq!(args[pf + 1], "yuv420p10le");
        assert!(!DecodeCommand::default().args().contains(&"-vf".to_owned()));
    }

    #[test]
    fn pixel_formats_keep_layout_and_depth() {
        let cases = [
            ("yuv420p", "yuv420p"),
            ("yuvj420p", "yuv420p"),
            ("yuv420p10le", "yuv420p10le"),
            ("yuv422p12be", "yuv422p12le"),
            ("yuva444p16le", "yuv444p16le"),
            ("p010le", "yuv420p10le"),
            ("nv12", "yuv420p"),
            ("gray", "gray"),
            ("gray10le", "gray10le"),
        ];
        for (source, expected) in cases {
            assert_eq!(
                y4m_pixel_format(source).as_deref(),
                Some(expected),
                "{source}"
            );
        }
        assert_eq!(y4m_pixel_format("rgb24"), None);
        assert_eq!(y4m_pixel_format("yuv411p"), None);
    }

    #[test]
    fn algorithms_parse() {
        for name in ["bicubic", "lanczos", "bilinear", "spline", "neighbor"] {
            assert_eq!(name.parse::<ScaleAlgorithm>().unwrap().ffmpeg_name(), name);
        }
        assert!("fancy".parse::<ScaleAlgorithm>().is_err());
    }

    #[test]
    fn complaints_name_roles_not_paths() {
        let refused = "[hls @ 0x1] Format not on whitelist 'mov'\ncache:pipe:0: Invalid argument";
        assert!(complaint(refused, "reference").contains("not in a container"));
        let noisy = "[cache @ 0x2] Inner protocol failed to seekback end : -38\n    Last message repeated 4 times\ncache:pipe:0: Invalid data found when processing input";
        assert_eq!(
            complaint(noisy, "reference"),
            "input: Invalid data found when processing input"
        );
    }
}
