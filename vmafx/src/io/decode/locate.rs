//! Finding the ffmpeg and ffprobe programs: `VMAFX_FFMPEG` / `VMAFX_FFPROBE`, else
//! `PATH`. ffprobe is looked for beside the chosen ffmpeg first, so that the two come
//! from one installation.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The variable naming the ffmpeg program (a path, or a name looked up on `PATH`).
pub const FFMPEG_ENV: &str = "VMAFX_FFMPEG";
/// The variable naming the ffprobe program.
pub const FFPROBE_ENV: &str = "VMAFX_FFPROBE";

/// The ffmpeg to use: `explicit` when given, else `VMAFX_FFMPEG`, else `ffmpeg` on
/// `PATH`. The error says what was looked for, for the user's message.
pub fn find_ffmpeg(explicit: Option<&Path>) -> Result<PathBuf, String> {
    if let Some(path) = explicit {
        return resolve(path.as_os_str())
            .ok_or_else(|| format!("{} is not an executable file", path.display()));
    }
    match std::env::var_os(FFMPEG_ENV).filter(|v| !v.is_empty()) {
        Some(wanted) => resolve(&wanted).ok_or_else(|| {
            format!(
                "{FFMPEG_ENV}={} is not an executable file",
                Path::new(&wanted).display()
            )
        }),
        None => resolve(OsStr::new("ffmpeg")).ok_or_else(|| "ffmpeg is not on PATH".to_owned()),
    }
}

/// The ffprobe matching `ffmpeg`: `VMAFX_FFPROBE`, else `ffprobe` in ffmpeg's folder,
/// else on `PATH`. `None` when there is none; probing is then skipped.
pub fn find_ffprobe(ffmpeg: &Path) -> Option<PathBuf> {
    if let Some(wanted) = std::env::var_os(FFPROBE_ENV).filter(|v| !v.is_empty()) {
        return resolve(&wanted);
    }
    ffmpeg
        .parent()
        .map(|dir| dir.join("ffprobe"))
        .filter(|p| is_executable(p))
        .or_else(|| resolve(OsStr::new("ffprobe")))
}

/// A path (anything with a `/`) as it is, or a bare name looked up on `PATH`.
fn resolve(wanted: &OsStr) -> Option<PathBuf> {
    let path = Path::new(wanted);
    if path.components().count() > 1 || path.is_absolute() {
        return is_executable(path).then(|| path.to_path_buf());
    }
    let dirs = std::env::var_os("PATH")?;
    std::env::split_paths(&dirs)
        .map(|dir| dir.join(path))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_programs_are_named() {
        let error = find_ffmpeg(Some(Path::new("/nonexistent/ffmpeg"))).unwrap_err();
        assert!(error.contains("/nonexistent/ffmpeg"), "{error}");
        assert!(resolve(OsStr::new("/nonexistent/ffprobe")).is_none());
        assert!(resolve(OsStr::new("surely-no-such-program-here")).is_none());
    }
}
