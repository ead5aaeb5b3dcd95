//! Test support: the real `vmafx-server` binary started on a random loopback port, a
//! small HTTP/1.1 client on `std::net` (no client crate to compile), test media, and
//! a stand-in for ffmpeg.
// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

/// libvmaf's pooled VMAF of the sample pair.
pub const SAMPLE_VMAF: f64 = 89.570779;

/// A token long enough for the server's rules.
pub const TOKEN: &str = "test-token-0123456789abcdef";

/// A folder removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let path = std::env::temp_dir().join(format!(
            "vmafx-server-test-{}-{name}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path.canonicalize().expect("canonical temp dir"))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The bundled sample pair.
pub fn samples() -> (PathBuf, PathBuf) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../samples")
        .canonicalize()
        .expect("samples folder");
    (
        dir.join("testsrc2_352x288.ref.y4m"),
        dir.join("testsrc2_352x288.x265_crf32.dist.y4m"),
    )
}

pub fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

// ---------------------------------------------------------------- the server

pub struct Server {
    child: Option<Child>,
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub log_path: PathBuf,
    pub token: String,
}

/// How to start a server.
pub struct Launch {
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub data_dir: PathBuf,
    pub log_path: PathBuf,
}

impl Launch {
    /// A server with its data and log in `dir`, authenticated by [`TOKEN`].
    pub fn new(dir: &Path) -> Launch {
        Launch {
            args: Vec::new(),
            env: vec![("VMAFX_API_TOKENS".into(), TOKEN.into())],
            data_dir: dir.join("data"),
            log_path: dir.join("server.log"),
        }
    }

    pub fn arg(mut self, arg: impl AsRef<str>) -> Launch {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    pub fn args<const N: usize>(mut self, args: [&str; N]) -> Launch {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Launch {
        self.env.push((key.into(), value.into()));
        self
    }

    pub fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_vmafx-server"));
        // The server reads VMAFX_* settings; only the ones a test sets may count.
        for (key, _) in std::env::vars() {
            if key.starts_with("VMAFX_") && key != "VMAFX_CPU" {
                command.env_remove(key);
            }
        }
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        command
    }

    /// Starts the server and waits for its address.
    pub fn start(self) -> Server {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log_path)
            .expect("server log");
        let mut child = self
            .command()
            .args(["--listen", "127.0.0.1:0", "--data-dir"])
            .arg(&self.data_dir)
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("start vmafx-server");
        let stdout = child.stdout.take().expect("stdout");
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = send.send(line);
        });
        let line = receive
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_default();
        let addr = line
            .trim()
            .strip_prefix("listening on http://")
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| {
                let _ = child.kill();
                let log = std::fs::read_to_string(&self.log_path).unwrap_or_default();
                panic!("server did not start: {line:?}\n{log}")
            });
        Server {
            child: Some(child),
            addr,
            data_dir: self.data_dir,
            log_path: self.log_path,
            token: TOKEN.into(),
        }
    }
}

impl Server {
    /// Everything the server logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log_path).unwrap_or_default()
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// SIGKILL: no chance to clean up.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, then waits for the exit.
    pub fn terminate(&mut self, within: Duration) -> ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success());
        self.wait_exit(within)
    }

    /// Waits for the exit that a signal the test sent will bring.
    pub fn wait_exit(&mut self, within: Duration) -> ExitStatus {
        let mut child = self.child.take().expect("running");
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!(
                    "server did not stop within {within:?} of SIGTERM\n{}",
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn auth(&self) -> String {
        format!("Bearer {}", self.token)
    }

    pub fn get(&self, path: &str) -> Response {
        request(
            self.addr,
            "GET",
            path,
            &[("Authorization", &self.auth())],
            b"",
        )
    }

    pub fn get_anonymous(&self, path: &str) -> Response {
        request(self.addr, "GET", path, &[], b"")
    }

    pub fn delete(&self, path: &str) -> Response {
        request(
            self.addr,
            "DELETE",
            path,
            &[("Authorization", &self.auth())],
            b"",
        )
    }

    pub fn post_json(&self, path: &str, body: &Value) -> Response {
        request(
            self.addr,
            "POST",
            path,
            &[
                ("Authorization", &self.auth()),
                ("Content-Type", "application/json"),
            ],
            body.to_string().as_bytes(),
        )
    }

    pub fn post_multipart(&self, path: &str, parts: &[(&str, Part<'_>)]) -> Response {
        let (content_type, body) = multipart(parts);
        request(
            self.addr,
            "POST",
            path,
            &[
                ("Authorization", &self.auth()),
                ("Content-Type", &content_type),
            ],
            &body,
        )
    }

    /// Polls a job until `done` holds for it (or panics after `within`).
    pub fn wait_job(&self, id: &str, within: Duration, done: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + within;
        loop {
            let job = self.get(&format!("/v1/jobs/{id}")).json();
            if done(&job) {
                return job;
            }
            if Instant::now() > deadline {
                panic!("job {id} did not get there: {job}\n{}", self.log());
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// The value of a metric line that starts with `prefix`.
    pub fn metric(&self, prefix: &str) -> Option<f64> {
        let text = self.get_anonymous("/metrics").text();
        text.lines()
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.rsplit(' ').next())
            .and_then(|v| v.parse().ok())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

// ---------------------------------------------------------------- HTTP client

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}), status {}: {}", self.status, self.text()))
    }

    /// The `error.code` of an error answer.
    pub fn error_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }
}

/// One request on a fresh connection. Large bodies go out after `Expect: 100-continue`,
/// so that a server refusing them early (413, 401) is heard rather than reset.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .expect("timeout");
    let _ = stream.set_nodelay(true);
    let expect = body.len() > 64 * 1024;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    if expect {
        head.push_str("Expect: 100-continue\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("send head");
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    if expect {
        let (status, headers) = read_head(&mut reader);
        if status != 100 {
            return finish(status, headers, &mut reader);
        }
    }
    // The server may answer and close before taking the whole body; its answer counts.
    let _ = stream.write_all(body);
    let (status, headers) = read_head(&mut reader);
    finish(status, headers, &mut reader)
}

fn read_head(reader: &mut impl BufRead) -> (u16, Vec<(String, String)>) {
    let mut status_line = String::new();
    reader.read_line(&mut status_line).expect("status line");
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("header line");
        let line = line.trim_end();
        if line.is_empty() {
            return (status, headers);
        }
        if let Some((k, v)) = line.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        }
    }
}

fn finish(status: u16, headers: Vec<(String, String)>, reader: &mut impl BufRead) -> Response {
    let find = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut body = Vec::new();
    if find("transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).expect("chunk size");
            let size = usize::from_str_radix(size.trim(), 16).expect("chunk size hex");
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).expect("chunk");
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    } else if let Some(length) = find("content-length").and_then(|v| v.parse::<usize>().ok()) {
        body.resize(length, 0);
        reader.read_exact(&mut body).expect("body");
    } else {
        let _ = reader.read_to_end(&mut body);
    }
    Response {
        status,
        headers,
        body,
    }
}

pub enum Part<'a> {
    Text(&'a str),
    File(&'a [u8]),
}

pub fn multipart(parts: &[(&str, Part<'_>)]) -> (String, Vec<u8>) {
    let boundary = "vmafx-test-boundary-7d1f0c";
    let mut body = Vec::new();
    for (name, part) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match part {
            Part::Text(text) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{text}\r\n")
                        .as_bytes(),
                );
            }
            Part::File(bytes) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"../../{name}.bin\"\r\n\
                         Content-Type: application/octet-stream\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(bytes);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

// ---------------------------------------------------------------- media

/// Frames of a small 4:2:0 8-bit clip: a moving gradient, and the same with
/// deterministic noise for the distorted one.
pub fn small_frames(width: usize, height: usize, frames: usize, noisy: bool) -> Vec<Vec<u8>> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    (0..frames)
        .map(|f| {
            let mut frame = Vec::with_capacity(width * height * 3 / 2);
            for y in 0..height {
                for x in 0..width {
                    let base = ((x * 3 + y * 2 + f * 5) % 200 + 28) as i32;
                    let noise = if noisy {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        (state % 17) as i32 - 8
                    } else {
                        0
                    };
                    frame.push((base + noise).clamp(0, 255) as u8);
                }
            }
            frame.extend(std::iter::repeat_n(128u8, width * height / 2));
            frame
        })
        .collect()
}

pub fn y4m(width: usize, height: usize, frames: &[Vec<u8>]) -> Vec<u8> {
    let mut out = format!("YUV4MPEG2 W{width} H{height} F25:1 Ip A1:1 C420jpeg\n").into_bytes();
    for frame in frames {
        out.extend_from_slice(b"FRAME\n");
        out.extend_from_slice(frame);
    }
    out
}

/// A small Y4M pair in `dir`.
pub fn write_small_pair(
    dir: &Path,
    width: usize,
    height: usize,
    frames: usize,
) -> (PathBuf, PathBuf) {
    let reference = dir.join(format!("small_{width}x{height}.ref.y4m"));
    let distorted = dir.join(format!("small_{width}x{height}.dist.y4m"));
    std::fs::write(
        &reference,
        y4m(width, height, &small_frames(width, height, frames, false)),
    )
    .unwrap();
    std::fs::write(
        &distorted,
        y4m(width, height, &small_frames(width, height, frames, true)),
    )
    .unwrap();
    (reference, distorted)
}

/// The marker that the ffmpeg stand-in expects at the start of a "compressed" file.
pub const FAKE_MAGIC: &[u8] = b"FAKEVIDEO\n";

/// Like [`FAKE_MAGIC`], but the stand-in stalls (15 s) on it while the server runs with
/// `FAKE_FFMPEG_STALL` set in its environment.
pub const FAKE_STALL_MAGIC: &[u8] = b"FAKESTALL\n";

/// A "compressed" file for the ffmpeg stand-in: the marker, then Y4M.
pub fn fake_video(y4m_bytes: &[u8]) -> Vec<u8> {
    [FAKE_MAGIC, y4m_bytes].concat()
}

/// A "compressed" file on which the stand-in stalls (see [`FAKE_STALL_MAGIC`]).
pub fn fake_stalling_video(y4m_bytes: &[u8]) -> Vec<u8> {
    [FAKE_STALL_MAGIC, y4m_bytes].concat()
}

/// A stand-in for ffmpeg: reads its input from stdin as the server hands it over (it
/// fails unless the arguments read `cache:pipe:0`, as ffmpeg would without the file
/// protocol), waits `delay` seconds, then writes the Y4M after the marker to stdout, or
/// fails like ffmpeg on an input without a marker. Its stdin is the file itself, so
/// `/dev/stdin` opens it afresh for each look. Its sleeps are bounded, so a stand-in
/// orphaned by a killed server ends by itself.
pub fn write_fake_ffmpeg(dir: &Path, delay: f64) -> PathBuf {
    let path = dir.join(format!("fake-ffmpeg-{delay}"));
    let script = format!(
        "#!/bin/sh\n\
         while [ $# -gt 0 ]; do [ \"$1\" = -i ] && input=\"$2\"; shift; done\n\
         [ \"$input\" = cache:pipe:0 ] || {{ echo \"$input: Protocol not on whitelist\" >&2; exit 1; }}\n\
         magic=$(head -c 9 /dev/stdin)\n\
         if [ \"$magic\" = FAKESTALL ] && [ -n \"$FAKE_FFMPEG_STALL\" ]; then sleep 15; fi\n\
         sleep {delay}\n\
         if [ \"$magic\" != FAKEVIDEO ] && [ \"$magic\" != FAKESTALL ]; then\n\
           echo \"$input: Invalid data found when processing input\" >&2; exit 1\n\
         fi\n\
         exec tail -c +11 /dev/stdin\n"
    );
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

pub fn assert_sample_vmaf(value: &Value) {
    let vmaf = value["vmaf"]
        .as_f64()
        .unwrap_or_else(|| panic!("no vmaf in {value}"));
    assert!(
        (vmaf - SAMPLE_VMAF).abs() < 5e-7,
        "vmaf {vmaf} differs from libvmaf's {SAMPLE_VMAF}"
    );
}
