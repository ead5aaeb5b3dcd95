//! Turning two input files into something `vmafx::ScoreJob` reads: Y4M and raw YUV as
//! they are, compressed video (mp4, mkv, webm, ...) through an `ffmpeg` child that
//! decodes to Y4M on a pipe. The command line, sniffing, probing and error cleaning are
//! the library's (`vmafx::io::decode`); this module adds what a server needs on top:
//! decoders registered with the run's control (so a stop kills them at once) and their
//! output handed to the job by name.
//!
//! ffmpeg gets only the bytes this process opened: the file is its stdin, it may use no
//! protocol but `pipe` (and `cache`, which keeps what was read in a deleted temporary
//! file so that an mp4 with its index at the end can seek back), and only the container
//! demuxers in [`vmafx::io::decode::CONTAINERS`]. A playlist (HLS, concat, image sequences) that names other
//! files is refused before anything else is opened, so an input cannot make the server
//! read, or reveal the existence of, a file outside the roots.
//!
//! The output pipe is handed to the job by its `/dev/fd/N` name, so every input, decoded
//! or not, goes through the same `ScoreJob::run_until` path.

use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use vmafx::io::decode::{self, DecodeCommand};
use vmafx::io::InputKind;
use vmafx::FrameFormat;

use crate::control::RunControl;
use crate::errors::ApiError;

pub use vmafx::io::decode::Container;

/// Looks at the start of a file.
pub fn sniff(path: &Path) -> Result<Container, ApiError> {
    let mut file = std::fs::File::open(path)
        .map_err(|e| ApiError::bad_media(format!("cannot open input: {e}")))?;
    decode::sniff_file(&mut file, "input").map_err(|e| match e {
        vmafx::Error::Io { source, .. } => {
            ApiError::bad_media(format!("cannot read input: {source}"))
        }
        _ => ApiError::bad_media("input is empty"),
    })
}

/// ffmpeg's arguments for one input: the library's confined decode (stdin only, through
/// its protocol and container allow-lists) to Y4M on stdout, keeping `pixel_format`.
pub fn decoder_args(pixel_format: Option<String>) -> Vec<String> {
    DecodeCommand {
        pixel_format,
        ..DecodeCommand::default()
    }
    .args()
}

/// The Y4M pixel format that keeps the input's samples (10-bit stays 10-bit), when
/// ffprobe (beside ffmpeg, or on PATH) can tell.
fn source_pixel_format(ffmpeg: &Path, input: &Path) -> Option<String> {
    let ffprobe = decode::find_ffprobe(ffmpeg)?;
    let info = decode::probe(&ffprobe, input)?;
    decode::y4m_pixel_format(info.pixel_format.as_deref()?)
}

/// An ffmpeg process decoding one input to Y4M; killed and reaped when dropped.
struct Decoder<'a> {
    child: Arc<Mutex<Child>>,
    control: &'a RunControl,
    /// Held open so that the `/dev/fd` name stays valid while the job reads it.
    stdout: Option<ChildStdout>,
    stderr: Option<JoinHandle<String>>,
    label: &'static str,
}

impl<'a> Decoder<'a> {
    fn spawn(
        ffmpeg: &Path,
        input: &Path,
        label: &'static str,
        control: &'a RunControl,
    ) -> Result<Self, ApiError> {
        let file = std::fs::File::open(input)
            .map_err(|e| ApiError::bad_media(format!("cannot open the {label}: {e}")))?;
        let pixel_format = source_pixel_format(ffmpeg, input);
        let mut child = Command::new(ffmpeg)
            .args(decoder_args(pixel_format))
            .stdin(Stdio::from(file))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0)
            .spawn()
            .map_err(|e| {
                crate::log::warn!("cannot start {}: {e}", ffmpeg.display());
                ApiError::unsupported_media("this server cannot start its video decoder")
            })?;
        let stdout = child.stdout.take();
        // Drain stderr on a thread so a chatty decoder can never block on a full pipe;
        // keep only its start for the error message.
        let stderr = child.stderr.take().map(decode::spawn_stderr_tail);
        let child = Arc::new(Mutex::new(child));
        control.add_decoder(child.clone());
        Ok(Decoder {
            child,
            control,
            stdout,
            stderr,
            label,
        })
    }

    /// The name under which this process can open the decoder's output.
    fn pipe_path(&self) -> Result<PathBuf, ApiError> {
        let stdout = self
            .stdout
            .as_ref()
            .ok_or_else(|| ApiError::internal("decoder has no output pipe"))?;
        Ok(PathBuf::from(format!("/dev/fd/{}", stdout.as_raw_fd())))
    }

    /// Stops the decoder; returns its complaint if it failed.
    fn finish(&mut self) -> Option<String> {
        // Closing our end makes a decoder that is still writing stop on a broken pipe;
        // give it a moment to exit by itself, so its own complaint is not lost.
        self.stdout = None;
        self.control.remove_decoder(&self.child);
        let mut child = self.child.lock().unwrap_or_else(|p| p.into_inner());
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
        let mut status = None;
        while status.is_none() && std::time::Instant::now() < deadline {
            match child.try_wait() {
                Ok(Some(s)) => status = Some(s),
                Ok(None) => std::thread::sleep(std::time::Duration::from_millis(10)),
                Err(_) => break,
            }
        }
        if status.is_none() {
            crate::control::kill_decoder(&mut child);
            status = child.wait().ok();
        }
        let stderr = self
            .stderr
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_default();
        let stderr = decode::complaint(&stderr, self.label);
        match status {
            Some(s) if !s.success() && s.code().is_some() => Some(format!(
                "ffmpeg could not decode the {}: {}",
                self.label,
                if stderr.is_empty() {
                    s.to_string()
                } else {
                    stderr
                }
            )),
            _ => None,
        }
    }
}

impl Drop for Decoder<'_> {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Two inputs ready for a `ScoreJob`, with any decoders that feed them.
pub struct PreparedInputs<'a> {
    /// What the job opens as the reference.
    pub reference: PathBuf,
    /// What the job opens as the distorted video.
    pub distorted: PathBuf,
    /// How the job reads both.
    pub kind: InputKind,
    decoders: Vec<Decoder<'a>>,
}

impl PreparedInputs<'_> {
    /// Stops the decoders. When scoring failed because a decoder did, the decoder's
    /// message is the better explanation, so it replaces `error`.
    pub fn finish(mut self, error: Option<ApiError>) -> Option<ApiError> {
        let complaints: Vec<String> = self
            .decoders
            .iter_mut()
            .filter_map(Decoder::finish)
            .collect();
        match error {
            Some(e) if e.code == "bad_media" && !complaints.is_empty() => {
                Some(ApiError::bad_media(complaints.join("; ")))
            }
            other => other,
        }
    }
}

/// Decides how to read `reference` and `distorted`: with a raw geometry both are raw
/// YUV; otherwise each is Y4M or, through ffmpeg, compressed video.
pub fn prepare<'a>(
    reference: &Path,
    distorted: &Path,
    raw: Option<FrameFormat>,
    ffmpeg: Option<&Path>,
    control: &'a RunControl,
) -> Result<PreparedInputs<'a>, ApiError> {
    let containers = [sniff(reference)?, sniff(distorted)?];
    if let Some(format) = raw {
        if containers.contains(&Container::Y4m) {
            return Err(ApiError::bad_request(
                "a raw geometry was given, but an input is Y4M; drop the geometry or send raw YUV",
            ));
        }
        return Ok(PreparedInputs {
            reference: reference.to_path_buf(),
            distorted: distorted.to_path_buf(),
            kind: InputKind::Raw(format),
            decoders: Vec::new(),
        });
    }
    let mut decoders = Vec::new();
    let mut paths = Vec::new();
    for ((path, container), label) in [reference, distorted]
        .into_iter()
        .zip(containers)
        .zip(["reference", "distorted video"])
    {
        if container == Container::Y4m {
            paths.push(path.to_path_buf());
            continue;
        }
        let ffmpeg = ffmpeg.ok_or_else(|| {
            ApiError::unsupported_media(format!(
                "the {label} is neither Y4M nor raw YUV with a geometry, and decoding \
                 compressed video needs ffmpeg, which is not on this server's PATH \
                 (install it or set VMAFX_FFMPEG)"
            ))
        })?;
        let decoder = Decoder::spawn(ffmpeg, path, label, control)?;
        paths.push(decoder.pipe_path()?);
        decoders.push(decoder);
    }
    let (Some(distorted), Some(reference)) = (paths.pop(), paths.pop()) else {
        return Err(ApiError::internal(
            "an input was lost while preparing decoders",
        ));
    };
    Ok(PreparedInputs {
        reference,
        distorted,
        kind: InputKind::Y4m,
        decoders,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ffmpeg_reads_only_stdin_through_listed_containers() {
        let args = decoder_args(Some("yuv420p10le".into()));
        let after = |flag: &str| {
            let at = args.iter().position(|a| a == flag).unwrap();
            args[at + 1].as_str()
        };
        assert_eq!(after("-i"), "cache:pipe:0");
        let protocols: Vec<&str> = after("-protocol_whitelist").split(',').collect();
        assert_eq!(protocols, ["cache", "pipe"], "no file, http, hls, ...");
        let formats: Vec<&str> = after("-format_whitelist").split(',').collect();
        for refused in ["hls", "concat", "image2", "dash", "tee", "lavfi"] {
            assert!(!formats.contains(&refused), "{refused}");
        }
        for container in ["mov", "mp4", "matroska", "webm", "mpegts", "ivf", "avi"] {
            assert!(formats.contains(&container), "{container}");
        }
        assert_eq!(after("-pix_fmt"), "yuv420p10le");
        // Whitelists are input options: they must come before `-i`.
        let input_at = args.iter().position(|a| a == "-i").unwrap();
        assert!(args.iter().position(|a| a == "-format_whitelist").unwrap() < input_at);
        assert!(
            args.iter()
                .position(|a| a == "-protocol_whitelist")
                .unwrap()
                < input_at
        );
    }

    #[test]
    fn sniffs_y4m_and_refuses_empty_files() {
        let dir = std::env::temp_dir().join(format!("vmafx-media-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let y4m = dir.join("a");
        let other = dir.join("b");
        let empty = dir.join("c");
        std::fs::write(&y4m, b"YUV4MPEG2 W2 H2 F1:1 C420\n").unwrap();
        std::fs::write(&other, b"\0\0\0\x18ftypmp42").unwrap();
        std::fs::write(&empty, b"").unwrap();
        assert_eq!(sniff(&y4m).unwrap(), Container::Y4m);
        assert_eq!(sniff(&other).unwrap(), Container::Other);
        assert_eq!(sniff(&empty).unwrap_err().code, "bad_media");
        let control = RunControl::default();
        let error = prepare(&other, &y4m, None, None, &control).err().unwrap();
        assert_eq!(error.code, "unsupported_media");
        assert!(error.message.contains("ffmpeg"), "{}", error.message);
        let _ = std::fs::remove_dir_all(dir);
    }
}
