//! Parsing clip sizes given on the command line: `1080p`, `2160p`, `1920x1080`, each
//! optionally followed by `:frames`.

use anyhow::{bail, Context, Result};

/// Width and height named by `text`: `480p`, `720p`, `1080p`, `1440p`, `2160p` (or
/// `4k`), or `WIDTHxHEIGHT`.
pub fn parse_size(text: &str) -> Result<(usize, usize)> {
    let named = match text.to_ascii_lowercase().as_str() {
        "480p" => Some((854, 480)),
        "720p" => Some((1280, 720)),
        "1080p" => Some((1920, 1080)),
        "1440p" => Some((2560, 1440)),
        "2160p" | "4k" => Some((3840, 2160)),
        _ => None,
    };
    if let Some(size) = named {
        return Ok(size);
    }
    let Some((w, h)) = text.split_once(['x', 'X']) else {
        bail!("size {text:?} is neither a name like 1080p nor WIDTHxHEIGHT");
    };
    let number = |s: &str| {
        s.trim()
            .parse::<usize>()
            .with_context(|| format!("invalid size {text:?}"))
    };
    Ok((number(w)?, number(h)?))
}

/// A size with an optional frame count: `1080p:120` gives `(1920, 1080, Some(120))`.
pub fn parse_size_with_frames(text: &str) -> Result<(usize, usize, Option<u64>)> {
    let (size, frames) = match text.split_once(':') {
        Some((size, frames)) => {
            let frames = frames
                .trim()
                .parse::<u64>()
                .with_context(|| format!("invalid frame count in {text:?}"))?;
            (size, Some(frames))
        }
        None => (text, None),
    };
    let (width, height) = parse_size(size.trim())?;
    Ok((width, height, frames))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sizes_and_frame_counts() {
        assert_eq!(parse_size("1080p").unwrap(), (1920, 1080));
        assert_eq!(parse_size("4K").unwrap(), (3840, 2160));
        assert_eq!(parse_size("640x360").unwrap(), (640, 360));
        assert_eq!(
            parse_size_with_frames("2160p:30").unwrap(),
            (3840, 2160, Some(30))
        );
        assert_eq!(parse_size_with_frames("720p").unwrap(), (1280, 720, None));
        assert!(parse_size("big").is_err());
        assert!(parse_size_with_frames("1080p:many").is_err());
    }
}
