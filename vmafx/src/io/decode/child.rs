//! The ffmpeg child: spawned with the input on its stdin and Y4M on its stdout, read
//! frame by frame through the Y4M reader, its stderr kept (bounded) for the error
//! message, and killed and reaped when the reader goes away.

use std::fs::File;
use std::io::{BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::frame::{Frame, FrameFormat};
use crate::io::{FrameReader, Y4mReader};

use super::command::{complaint, DecodeCommand};

/// The most of ffmpeg's stderr kept for an error message.
const STDERR_LIMIT: usize = 4096;
/// How long a decoder whose output we stopped reading may take to exit by itself.
const EXIT_GRACE: Duration = Duration::from_secs(1);
/// Pipe buffer between ffmpeg and the Y4M reader.
const PIPE_BUFFER: usize = 1 << 20;

/// Where ffmpeg's input comes from.
pub enum DecoderInput {
    /// A file we opened: it becomes ffmpeg's stdin as it is.
    File(File),
    /// A stream (our own stdin): copied into ffmpeg's stdin by a thread.
    Stream(Box<dyn Read + Send>),
}

/// Frames decoded by an ffmpeg child process.
pub struct DecodedReader {
    frames: Y4mReader<BufReader<ChildStdout>>,
    child: Child,
    stderr: Option<JoinHandle<String>>,
    label: String,
    frames_hint: Option<u64>,
    reaped: bool,
}

impl DecodedReader {
    /// Starts `ffmpeg` with `command` on `input` and reads the Y4M header it writes.
    /// `label` names the input in messages.
    pub fn spawn(
        ffmpeg: &Path,
        command: &DecodeCommand,
        input: DecoderInput,
        label: String,
        frames_hint: Option<u64>,
    ) -> Result<Self> {
        let mut process = Command::new(ffmpeg);
        process
            .args(command.args())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group: a terminal's Ctrl-C reaches us, and we end it.
            .process_group(0);
        let feed = match input {
            DecoderInput::File(file) => {
                process.stdin(Stdio::from(file));
                None
            }
            DecoderInput::Stream(stream) => {
                process.stdin(Stdio::piped());
                Some(stream)
            }
        };
        let mut child = process.spawn().map_err(|e| Error::DecoderMissing {
            input: label.clone(),
            reason: format!("cannot start {}: {e}", ffmpeg.display()),
        })?;
        if let (Some(mut stream), Some(mut pipe)) = (feed, child.stdin.take()) {
            // Ends when the stream does, or when ffmpeg closes its end (broken pipe).
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut stream, &mut pipe);
            });
        }
        let stderr = child.stderr.take().map(spawn_stderr_tail);
        let Some(stdout) = child.stdout.take() else {
            return Err(Error::Decode {
                input: label,
                message: "ffmpeg has no output pipe".into(),
            });
        };
        let mut partial = PartialChild {
            child: Some(child),
            stderr,
        };
        match Y4mReader::new(BufReader::with_capacity(PIPE_BUFFER, stdout)) {
            Ok(frames) => {
                let (child, stderr) = partial.take();
                let Some(child) = child else {
                    return Err(Error::Decode {
                        input: label,
                        message: "ffmpeg process was lost".into(),
                    });
                };
                Ok(Self {
                    frames,
                    child,
                    stderr,
                    label,
                    frames_hint,
                    reaped: false,
                })
            }
            Err(error) => {
                let (child, stderr) = partial.take();
                let said = child.and_then(|c| settle(c, stderr, &label));
                Err(match said {
                    Some(message) => Error::Decode {
                        input: label,
                        message,
                    },
                    None => explain_header_error(error, &label),
                })
            }
        }
    }

    /// Waits for ffmpeg (killing it if `stop`) and returns its complaint if it failed.
    fn reap(&mut self, stop: bool) -> Option<String> {
        if self.reaped {
            return None;
        }
        self.reaped = true;
        if stop {
            wait_or_kill(&mut self.child);
        }
        let status = self.child.wait().ok();
        let stderr = self.stderr.take().and_then(|t| t.join().ok());
        failure(status, stderr.unwrap_or_default(), &self.label)
    }
}

impl FrameReader for DecodedReader {
    fn format(&self) -> &FrameFormat {
        self.frames.format()
    }

    fn read_into(&mut self, frame: &mut Frame) -> Result<bool> {
        match self.frames.read_into(frame) {
            Ok(true) => Ok(true),
            Ok(false) => match self.reap(false) {
                Some(message) => Err(Error::Decode {
                    input: self.label.clone(),
                    message,
                }),
                None => Ok(false),
            },
            Err(error) => match self.reap(true) {
                Some(message) => Err(Error::Decode {
                    input: self.label.clone(),
                    message,
                }),
                None => Err(error),
            },
        }
    }

    fn frames_hint(&self) -> Option<u64> {
        self.frames_hint
    }
}

impl Drop for DecodedReader {
    fn drop(&mut self) {
        if !self.reaped {
            self.reaped = true;
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A child not yet owned by a reader: killed and reaped if the setup fails.
struct PartialChild {
    child: Option<Child>,
    stderr: Option<JoinHandle<String>>,
}

impl PartialChild {
    fn take(&mut self) -> (Option<Child>, Option<JoinHandle<String>>) {
        (self.child.take(), self.stderr.take())
    }
}

impl Drop for PartialChild {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Reaps a child that stopped writing and returns its complaint if it failed.
fn settle(mut child: Child, stderr: Option<JoinHandle<String>>, label: &str) -> Option<String> {
    wait_or_kill(&mut child);
    let status = child.wait().ok();
    let stderr = stderr.and_then(|t| t.join().ok()).unwrap_or_default();
    failure(status, stderr, label)
}

/// Gives a child a moment to exit by itself (so its own complaint is not lost), then
/// kills it.
fn wait_or_kill(child: &mut Child) {
    let deadline = Instant::now() + EXIT_GRACE;
    while Instant::now() < deadline {
        match child.try_wait() {
            Ok(Some(_)) | Err(_) => return,
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
    let _ = child.kill();
}

/// The message for a child that ended with `status`: `None` when it succeeded or was
/// killed by us.
fn failure(status: Option<ExitStatus>, stderr: String, label: &str) -> Option<String> {
    let status = status?;
    if status.success() || status.code().is_none() {
        return None;
    }
    let said = complaint(&stderr, label);
    Some(if said.is_empty() {
        status.to_string()
    } else {
        said
    })
}

/// A Y4M header problem in ffmpeg's output, said in terms of the input.
fn explain_header_error(error: Error, label: &str) -> Error {
    match error {
        Error::Y4m(message) if message.contains("interlaced") => Error::InvalidInput(format!(
            "{label} is interlaced; vmafx scores progressive frames: ask for deinterlacing \
             (`--deinterlace`, ffmpeg's yadif)"
        )),
        Error::Y4m(message) if message.contains("empty input") => Error::Decode {
            input: label.to_owned(),
            message: "ffmpeg produced no video".into(),
        },
        other => other,
    }
}

/// Drains a child's stderr on a thread, so a chatty decoder never blocks on a full
/// pipe; keeps the first [`STDERR_LIMIT`] bytes.
pub fn spawn_stderr_tail(mut pipe: impl Read + Send + 'static) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n) = pipe.read(&mut buf) {
            if n == 0 {
                break;
            }
            if kept.len() < STDERR_LIMIT {
                kept.extend_from_slice(&buf[..n.min(STDERR_LIMIT - kept.len())]);
            }
        }
        String::from_utf8_lossy(&kept).trim().to_owned()
    })
}
