//! Attacks and failures the server must survive: inputs that point ffmpeg elsewhere, a
//! closed stderr, slow clients, made-up methods, a damaged job store, and the drain
//! before shutdown. Everything talks to 127.0.0.1, bounded in count and time.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

/// The real ffmpeg, or `None` (with a note) where it is missing and not required.
fn real_ffmpeg() -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("ffmpeg"))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("VMAFX_REQUIRE_FFMPEG").is_none(),
            "VMAFX_REQUIRE_FFMPEG is set but ffmpeg is not on PATH"
        );
        eprintln!("ffmpeg is not on PATH: skipped (install Debian's ffmpeg to run this test)");
    }
    found
}

/// Runs ffmpeg to make a small test clip.
fn make_clip(ffmpeg: &Path, args: &[&str], out: &Path) {
    let status = Command::new(ffmpeg)
        .args(["-nostdin", "-hide_banner", "-loglevel", "error", "-y"])
        .args(["-f", "lavfi", "-i", "testsrc2=size=64x48:rate=25"])
        .args(["-frames:v", "5", "-pix_fmt", "yuv420p"])
        .args(args)
        .arg(out)
        .status()
        .expect("run ffmpeg");
    assert!(status.success(), "ffmpeg could not make {}", out.display());
}

#[test]
fn a_playlist_cannot_make_ffmpeg_read_outside_the_roots() {
    let Some(ffmpeg) = real_ffmpeg() else { return };
    let dir = TempDir::new("playlist");
    let root = dir.path().join("root");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let secret = outside.join("secret.mkv");
    make_clip(&ffmpeg, &["-c:v", "ffv1"], &secret);
    let playlist = |target: &Path| {
        format!(
            "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n{}\n#EXT-X-ENDLIST\n",
            target.display()
        )
        .into_bytes()
    };
    let existing = playlist(&secret);
    let missing = playlist(&outside.join("nothing-here.mkv"));
    std::fs::write(root.join("list.m3u8"), &existing).unwrap();
    let server = Launch::new(dir.path())
        .arg("--root")
        .arg(root.display().to_string())
        .arg("--ffmpeg")
        .arg(ffmpeg.display().to_string())
        .start();
    let upload = |bytes: &[u8]| {
        server.post_multipart(
            "/v1/score",
            &[
                ("reference", Part::File(bytes)),
                ("distorted", Part::File(bytes)),
            ],
        )
    };
    let through_existing = upload(&existing);
    let through_missing = upload(&missing);
    eprintln!(
        "a {}-byte playlist upload naming an outside file: {} {}",
        existing.len(),
        through_existing.status,
        through_existing.text()
    );
    assert_eq!(through_existing.status, 422, "{}", through_existing.text());
    assert!(through_existing.text().contains("not in a container"));
    // Whether the outside file exists makes no difference to the answer.
    assert_eq!(through_missing.status, through_existing.status);
    assert_eq!(through_missing.body, through_existing.body);
    for answer in [&through_existing, &through_missing] {
        let text = answer.text();
        assert!(!text.contains(&*outside.to_string_lossy()), "{text}");
        assert!(
            !text.contains(&*server.data_dir.to_string_lossy()),
            "{text}"
        );
    }
    let by_uri = server.post_json(
        "/v1/score",
        &json!({ "reference": file_uri(&root.join("list.m3u8")),
                 "distorted": file_uri(&root.join("list.m3u8")) }),
    );
    assert_eq!(by_uri.status, 422, "{}", by_uri.text());

    // Real containers still decode through the pipe, an mp4 with its index at the end
    // included (it needs to seek back).
    let mp4 = dir.path().join("clip.mp4");
    make_clip(&ffmpeg, &["-c:v", "mpeg4", "-q:v", "2"], &mp4);
    let mp4_bytes = std::fs::read(&mp4).unwrap();
    let moov = mp4_bytes.windows(4).position(|w| w == b"moov").unwrap();
    let mdat = mp4_bytes.windows(4).position(|w| w == b"mdat").unwrap();
    assert!(moov > mdat, "the test clip has its index at the end");
    let mkv = dir.path().join("clip.mkv");
    make_clip(&ffmpeg, &["-c:v", "ffv1"], &mkv);
    let scored = server.post_multipart(
        "/v1/score",
        &[
            ("reference", Part::File(&std::fs::read(&mkv).unwrap())),
            ("distorted", Part::File(&mp4_bytes)),
        ],
    );
    assert_eq!(scored.status, 200, "{}", scored.text());
    assert_eq!(scored.json()["frames_scored"], 5, "{}", scored.text());
}

/// Starts the server with stderr on a pipe whose reader is gone.
fn start_with_closed_stderr(dir: &Path, extra: &[&str]) -> (std::process::Child, String) {
    let mut child = Launch::new(dir)
        .command()
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.join("data"))
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start vmafx-server");
    drop(child.stderr.take());
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("no address: {line:?}"))
        .to_owned();
    (child, addr)
}

fn wait_exit(child: &mut std::process::Child, within: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not exit within {within:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn sigterm(pid: u32) {
    let sent = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

#[test]
fn a_closed_stderr_stops_neither_requests_nor_jobs_nor_shutdown() {
    let dir = TempDir::new("stderr");
    let (reference, distorted) = write_small_pair(dir.path(), 64, 48, 3);
    let (reference, distorted) = (
        std::fs::read(reference).unwrap(),
        std::fs::read(distorted).unwrap(),
    );
    let (mut child, addr) =
        start_with_closed_stderr(dir.path(), &["--job-workers", "2", "--drain-delay", "1"]);
    let addr = addr.parse().unwrap();
    let (content_type, body) = multipart(&[
        ("reference", Part::File(&reference)),
        ("distorted", Part::File(&distorted)),
    ]);
    let auth = format!("Bearer {TOKEN}");
    let mut ids = Vec::new();
    for _ in 0..4 {
        let created = request(
            addr,
            "POST",
            "/v1/jobs",
            &[("Content-Type", &content_type), ("Authorization", &auth)],
            &body,
        );
        assert_eq!(created.status, 202, "{}", created.text());
        ids.push(created.json()["id"].as_str().unwrap().to_owned());
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    for id in &ids {
        loop {
            let path = format!("/v1/jobs/{id}");
            let job = request(addr, "GET", &path, &[("Authorization", &auth)], b"").json();
            if job["state"] == "succeeded" {
                break;
            }
            assert!(Instant::now() < deadline, "job {id} stuck: {job}");
            std::thread::sleep(Duration::from_millis(25));
        }
    }
    sigterm(child.id());
    let status = wait_exit(&mut child, Duration::from_secs(20));
    assert!(status.success(), "{status:?}");
}

/// Opens `count` connections that send half a request and then nothing.
fn half_sent(addr: std::net::SocketAddr, count: usize) -> Vec<TcpStream> {
    (0..count)
        .filter_map(|_| {
            let mut stream = TcpStream::connect(addr).ok()?;
            let _ = stream.write_all(b"GET /v1/jobs HTTP/1.1\r\nHost: x\r\nX-Slow: ");
            Some(stream)
        })
        .collect()
}

/// How many of `streams` the server has closed (read gives end of file or a reset).
fn closed(streams: &mut [TcpStream]) -> usize {
    streams
        .iter_mut()
        .filter(|s| {
            let _ = s.set_read_timeout(Some(Duration::from_millis(5)));
            let mut byte = [0u8; 1];
            match (&**s).read(&mut byte) {
                Ok(0) => true,
                Ok(_) => false,
                Err(e) => !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ),
            }
        })
        .count()
}

fn healthz_latency(server: &Server) -> Duration {
    let started = Instant::now();
    let answer = server.get_anonymous("/healthz");
    assert_eq!(answer.status, 200);
    started.elapsed()
}

#[test]
fn slow_clients_cannot_starve_the_probes() {
    let dir = TempDir::new("slowloris");
    let server = Launch::new(dir.path())
        .args(["--max-connections", "100", "--header-read-timeout", "3"])
        .start();
    let attackers = 300;
    let mut streams = half_sent(server.addr, attackers);
    assert_eq!(streams.len(), attackers);
    std::thread::sleep(Duration::from_millis(300));
    let worst = (0..5).map(|_| healthz_latency(&server)).max().unwrap();
    let held = server.metric("vmafx_http_connections ").unwrap_or(-1.0);
    let shed = closed(&mut streams);
    eprintln!(
        "{attackers} half-sent connections, cap 100: {shed} closed at once, \
         {held} open at the server, worst /healthz {:.1} ms",
        worst.as_secs_f64() * 1e3
    );
    assert!(worst < Duration::from_secs(1), "{worst:?}");
    assert!(held <= 100.0, "{held}");
    assert!(shed >= attackers - 100, "only {shed} closed");
    // The header-read timeout closes the rest.
    std::thread::sleep(Duration::from_secs(4));
    let after_timeout = closed(&mut streams);
    eprintln!("after the 3 s header-read timeout: {after_timeout} of {attackers} closed");
    assert_eq!(after_timeout, attackers);
    assert!(server.metric("vmafx_http_connections_shed_total").unwrap() >= 200.0);
}

#[test]
fn made_up_methods_and_paths_add_no_metric_series() {
    let dir = TempDir::new("series");
    let server = Launch::new(dir.path()).start();
    let series = |server: &Server| {
        server
            .get_anonymous("/metrics")
            .text()
            .lines()
            .filter(|l| l.starts_with("vmafx_http"))
            .count()
    };
    let made_up = |from: usize, to: usize| {
        for n in from..to {
            request(server.addr, &format!("M{n}X"), "/healthz", &[], b"");
            request(server.addr, "GET", &format!("/made/up/{n}"), &[], b"");
            request(server.addr, &format!("M{n}X"), &format!("/x{n}"), &[], b"");
        }
    };
    made_up(0, 5);
    series(&server); // the scrape itself is counted from the next one on
    let before = series(&server);
    made_up(5, 200);
    let text = server.get_anonymous("/metrics").text();
    assert!(
        !text.contains("M7X") && !text.contains("/made/up"),
        "{text}"
    );
    assert!(text.contains("method=\"other\",route=\"other\""), "{text}");
    assert_eq!(series(&server), before, "series grew:\n{text}");
}

#[test]
fn every_error_answer_is_json_and_documented() {
    let dir = TempDir::new("json-errors");
    let server = Launch::new(dir.path())
        .args(["--max-json-bytes", "100"])
        .start();
    let auth = format!("Bearer {TOKEN}");
    let id = "0123456789abcdef0123456789abcdef";
    let cases = [
        // axum's query rejection
        request(
            server.addr,
            "GET",
            &format!("/v1/jobs/{id}?frames=maybe"),
            &[("Authorization", &auth)],
            b"",
        ),
        // the body limit, from Content-Length
        request(
            server.addr,
            "POST",
            "/mcp",
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            &[b' '; 4096],
        ),
        // no such method on a route
        request(server.addr, "PUT", "/healthz", &[], b""),
        request(server.addr, "GET", "/no/such/route", &[], b""),
    ];
    let statuses: Vec<u16> = cases.iter().map(|c| c.status).collect();
    assert_eq!(statuses, [400, 413, 405, 404]);
    for case in &cases {
        assert!(
            case.header("content-type")
                .is_some_and(|t| t.starts_with("application/json")),
            "{} {:?}",
            case.status,
            case.header("content-type")
        );
        let code = case.error_code();
        assert!(!code.is_empty(), "{}", case.text());
    }
    assert_eq!(cases[1].error_code(), "too_large");

    let document = server.get_anonymous("/openapi.json").json();
    let responses = |path: &str, method: &str| -> Value {
        document["paths"][path][method]["responses"].clone()
    };
    for status in ["404", "413", "500", "503"] {
        let answer = &responses("/v1/score", "post")[status];
        assert_eq!(
            answer["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error",
            "/v1/score {status}: {answer}"
        );
    }
    assert!(responses("/mcp", "post")["413"].is_object());
    assert!(responses("/v1/jobs/{id}", "get")["500"].is_object());
}

#[test]
fn readiness_fails_on_a_damaged_store_and_during_the_drain() {
    let dir = TempDir::new("ready");
    let mut server = Launch::new(dir.path()).args(["--drain-delay", "2"]).start();
    assert_eq!(server.get_anonymous("/readyz").status, 200);
    // SIGTERM: readiness goes 503 while everything else still answers, then the port
    // closes and the process ends.
    let started = Instant::now();
    sigterm(server.pid());
    std::thread::sleep(Duration::from_millis(300));
    let draining = server.get_anonymous("/readyz");
    assert_eq!(draining.status, 503, "{}", draining.text());
    assert_eq!(draining.json()["draining"], true);
    assert_eq!(server.get_anonymous("/healthz").status, 200);
    assert_eq!(server.get("/v1/jobs").status, 200);
    let status = server.wait_exit(Duration::from_secs(20));
    assert!(status.success());
    let drained_for = started.elapsed();
    eprintln!("drain: /readyz 503 while serving, exit {drained_for:?} after SIGTERM");
    assert!(drained_for >= Duration::from_secs(2), "{drained_for:?}");

    // A job store whose file was damaged under the server is not ready.
    let server = Launch::new(dir.path()).start();
    assert_eq!(server.get_anonymous("/readyz").status, 200);
    let db = server.data_dir.join("jobs.sqlite3");
    for file in [db.clone(), db.with_extension("sqlite3-wal")] {
        if let Ok(meta) = std::fs::metadata(&file) {
            std::fs::write(&file, vec![0x5a; meta.len().max(4096) as usize]).unwrap();
        }
    }
    let damaged = server.get_anonymous("/readyz");
    assert_eq!(damaged.status, 503, "{}", damaged.text());
    assert_eq!(damaged.json()["store"], false);
    assert_eq!(server.get_anonymous("/healthz").status, 200);
}

#[test]
fn error_messages_name_roles_not_server_paths() {
    let dir = TempDir::new("paths-in-errors");
    let server = Launch::new(dir.path()).start();
    let whole = y4m(64, 48, &small_frames(64, 48, 2, false));
    let truncated = &whole[..whole.len() - 100];
    let broken_header = b"YUV4MPEG2 W64 Hx\n".to_vec();
    for reference in [truncated, broken_header.as_slice()] {
        let answer = server.post_multipart(
            "/v1/score",
            &[
                ("reference", Part::File(reference)),
                ("distorted", Part::File(&whole)),
            ],
        );
        assert_eq!(answer.status, 422, "{}", answer.text());
        let message = answer.json()["error"]["message"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(message.contains("reference"), "{message}");
        for server_path in [server.data_dir.to_string_lossy(), "/dev/fd/".into()] {
            assert!(!message.contains(&*server_path), "{message}");
        }
    }
}

#[test]
fn an_idle_keep_alive_connection_is_closed_at_the_idle_timeout() {
    let dir = TempDir::new("idle");
    let server = Launch::new(dir.path())
        .args(["--header-read-timeout", "30", "--idle-timeout", "1"])
        .start();
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut answer = [0u8; 512];
    let got = stream.read(&mut answer).unwrap();
    assert!(answer[..got].starts_with(b"HTTP/1.1 200"));
    // Kept alive, then nothing: closed after about a second, long before the
    // header-read timeout.
    let started = Instant::now();
    let end = stream.read(&mut answer);
    let waited = started.elapsed();
    eprintln!("idle keep-alive connection closed after {waited:?} (idle timeout 1 s)");
    assert!(matches!(end, Ok(0)) || end.is_err(), "{end:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
}
