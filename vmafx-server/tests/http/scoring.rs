//! `POST /v1/score`: results, limits, bad input, ffmpeg, admission and timeouts.

use std::time::Duration;

use serde_json::json;

use crate::common::*;
use crate::{sample_uris, samples_root};

#[test]
fn scores_uploads_and_uris_like_libvmaf() {
    let dir = TempDir::new("score");
    let server = Launch::new(dir.path())
        .arg("--root")
        .arg(samples_root())
        .start();
    let (reference, distorted) = samples();
    let (ref_bytes, dist_bytes) = (
        std::fs::read(&reference).unwrap(),
        std::fs::read(&distorted).unwrap(),
    );

    let uploaded = server.post_multipart(
        "/v1/score?frames=true",
        &[
            ("reference", Part::File(&ref_bytes)),
            ("distorted", Part::File(&dist_bytes)),
            ("feature", Part::Text("psnr")),
        ],
    );
    assert_eq!(uploaded.status, 200, "{}", uploaded.text());
    let result = uploaded.json();
    assert_sample_vmaf(&result);
    assert_eq!(result["frames_scored"], 10);
    assert_eq!(
        (result["width"].as_u64(), result["height"].as_u64()),
        (Some(352), Some(288))
    );
    assert_eq!(result["frames"].as_array().unwrap().len(), 10);
    assert!(result["frames"][3]["metrics"]["vmaf"].is_number());
    assert!(result["pooled"]["psnr_y"]["mean"].is_number());

    let by_uri = server.post_json("/v1/score", &sample_uris());
    assert_eq!(by_uri.status, 200, "{}", by_uri.text());
    let by_uri = by_uri.json();
    assert_sample_vmaf(&by_uri);
    assert!(by_uri.get("frames").is_none(), "frames only on request");
    assert_eq!(
        by_uri["pooled"]["vmaf"], result["pooled"]["vmaf"],
        "same doubles either way"
    );

    // Two models under their own names, and features only.
    let mut two = sample_uris();
    two["models"] = json!(["vmaf_v0.6.1", "version=vmaf_v0.6.1neg:name=vmaf_neg"]);
    let two = server.post_json("/v1/score", &two).json();
    assert_sample_vmaf(&two);
    assert!(two["pooled"]["vmaf_neg"]["mean"].as_f64().unwrap() < SAMPLE_VMAF);
    let mut features = sample_uris();
    features["models"] = json!([]);
    features["features"] = json!(["psnr"]);
    let features = server.post_json("/v1/score", &features).json();
    assert!(features["vmaf"].is_null());
    assert!(features["pooled"]["psnr_y"]["mean"].as_f64().unwrap() > 20.0);

    // Raw YUV with a geometry scores like the same frames in Y4M.
    let frames = small_frames(64, 48, 3, false);
    let noisy = small_frames(64, 48, 3, true);
    let raw = |f: &[Vec<u8>]| f.concat();
    let as_raw = server.post_multipart(
        "/v1/score",
        &[
            ("reference", Part::File(&raw(&frames))),
            ("distorted", Part::File(&raw(&noisy))),
            ("width", Part::Text("64")),
            ("height", Part::Text("48")),
            ("pixel_format", Part::Text("420")),
            ("bit_depth", Part::Text("8")),
        ],
    );
    assert_eq!(as_raw.status, 200, "{}", as_raw.text());
    let as_y4m = server.post_multipart(
        "/v1/score",
        &[
            ("reference", Part::File(&y4m(64, 48, &frames))),
            ("distorted", Part::File(&y4m(64, 48, &noisy))),
        ],
    );
    assert_eq!(as_raw.json()["pooled"], as_y4m.json()["pooled"]);

    // Scratch uploads are gone once answered.
    let tmp = server.data_dir.join("tmp");
    assert_eq!(std::fs::read_dir(tmp).unwrap().count(), 0);
    assert_eq!(server.metric("vmafx_frames_scored_total"), Some(46.0));
}

/// An input that must be refused, and how.
struct BadInput<'a> {
    reference: &'a [u8],
    distorted: &'a [u8],
    fields: &'a [(&'a str, &'a str)],
    status: u16,
    code: &'a str,
}

#[test]
fn rejects_oversize_bodies_bad_media_and_bad_requests() {
    let dir = TempDir::new("reject");
    let server = Launch::new(dir.path())
        .arg("--root")
        .arg(samples_root())
        .args(["--max-upload-bytes", "1000000", "--max-json-bytes", "2048"])
        // Whatever this machine has on PATH, this server has no decoder.
        .args(["--ffmpeg", "/nonexistent/ffmpeg"])
        .start();
    let (reference, _) = samples();
    let big = std::fs::read(&reference).unwrap();
    let too_big = server.post_multipart(
        "/v1/score",
        &[
            ("reference", Part::File(&big)),
            ("distorted", Part::File(&big)),
        ],
    );
    assert_eq!(too_big.status, 413);
    let too_big_job = server.post_multipart(
        "/v1/jobs",
        &[
            ("reference", Part::File(&big)),
            ("distorted", Part::File(&big)),
        ],
    );
    assert_eq!(too_big_job.status, 413);
    let mut padded = sample_uris();
    padded["features"] = json!(["x".repeat(4000)]);
    assert_eq!(server.post_json("/v1/score", &padded).status, 413);
    let mcp_big = server.post_json(
        "/mcp",
        &json!({"jsonrpc": "2.0", "id": 1, "method": "ping", "params": {"pad": "x".repeat(4000)}}),
    );
    assert_eq!(mcp_big.status, 413);

    let small = y4m(64, 48, &small_frames(64, 48, 2, false));
    let post = |reference: &[u8], distorted: &[u8], extra: &[(&str, &str)]| {
        let mut parts = vec![
            ("reference", Part::File(reference)),
            ("distorted", Part::File(distorted)),
        ];
        parts.extend(extra.iter().map(|(k, v)| (*k, Part::Text(v))));
        server.post_multipart("/v1/score", &parts)
    };
    // Broken Y4M, truncated raw, mismatched sizes, empty files: 422.
    let bad_header = b"YUV4MPEG2 W0 H0\nFRAME\n".to_vec();
    let other_size = y4m(32, 32, &small_frames(32, 32, 2, false));
    let raw_geometry = [("width", "64"), ("height", "48")];
    let mp4_like = b"\0\0\0\x18ftypisom0000".as_slice();
    let cases = [
        BadInput {
            reference: &bad_header,
            distorted: &small,
            fields: &[],
            status: 422,
            code: "bad_media",
        },
        BadInput {
            reference: &small[..small.len() - 100],
            distorted: &small,
            fields: &[],
            status: 422,
            code: "bad_media",
        },
        BadInput {
            reference: &small,
            distorted: &other_size,
            fields: &[],
            status: 422,
            code: "bad_media",
        },
        BadInput {
            reference: b"",
            distorted: &small,
            fields: &[],
            status: 422,
            code: "bad_media",
        },
        BadInput {
            reference: &[1u8; 4000],
            distorted: &[1u8; 4000],
            fields: &raw_geometry,
            status: 422,
            code: "bad_media",
        },
        // Not Y4M, no geometry, and no ffmpeg here: a clear 415.
        BadInput {
            reference: mp4_like,
            distorted: &small,
            fields: &[],
            status: 415,
            code: "unsupported_media",
        },
    ];
    for (i, case) in cases.iter().enumerate() {
        let response = post(case.reference, case.distorted, case.fields);
        assert_eq!(
            (response.status, response.error_code().as_str()),
            (case.status, case.code),
            "case {i}: {}",
            response.text()
        );
    }
    let no_ffmpeg = post(b"\0\0\0\x18ftypisom0000", &small, &[]);
    assert!(no_ffmpeg.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("ffmpeg"));

    // Bad requests: 400.
    for extra in [
        &[("model", "vmaf_v9")][..],
        &[("model", "path=/etc/passwd")],
        &[("feature", "nosuch")],
        &[("width", "64")],
        &[("width", "x"), ("height", "48")],
        &[("colour", "red")],
        &[("model", "none")],
        &[("backend", "opencl")],
    ] {
        let response = post(&small, &small, extra);
        assert_eq!(response.status, 400, "{extra:?}: {}", response.text());
    }
    let one_file = server.post_multipart("/v1/score", &[("reference", Part::File(&small))]);
    assert_eq!(one_file.status, 400);
    let twice = server.post_multipart(
        "/v1/score",
        &[
            ("reference", Part::File(&small)),
            ("reference", Part::File(&small)),
        ],
    );
    assert_eq!(twice.status, 400);
    let text = request(
        server.addr,
        "POST",
        "/v1/score",
        &[
            ("Authorization", &format!("Bearer {TOKEN}")),
            ("Content-Type", "text/plain"),
        ],
        b"hi",
    );
    assert_eq!(text.status, 415);
    let not_json = request(
        server.addr,
        "POST",
        "/v1/score",
        &[
            ("Authorization", &format!("Bearer {TOKEN}")),
            ("Content-Type", "application/json"),
        ],
        b"{",
    );
    assert_eq!(not_json.status, 400);
    let mut unknown = sample_uris();
    unknown["colour"] = json!("red");
    assert_eq!(server.post_json("/v1/score", &unknown).status, 400);
}

#[test]
fn compressed_inputs_go_through_ffmpeg() {
    let dir = TempDir::new("ffmpeg");
    let fake = write_fake_ffmpeg(dir.path(), 0.0);
    let server = Launch::new(dir.path())
        .arg("--ffmpeg")
        .arg(fake.display().to_string())
        .start();
    let (reference, distorted) = samples();
    let ref_video = fake_video(&std::fs::read(&reference).unwrap());
    let dist_video = fake_video(&std::fs::read(&distorted).unwrap());
    let both = server.post_multipart(
        "/v1/score",
        &[
            ("reference", Part::File(&ref_video)),
            ("distorted", Part::File(&dist_video)),
        ],
    );
    assert_eq!(both.status, 200, "{}", both.text());
    assert_sample_vmaf(&both.json());
    // A file the decoder rejects: 422 with the decoder's own words.
    let broken = server.post_multipart(
        "/v1/score",
        &[
            ("reference", Part::File(b"\0\0\0\x18ftypmp42garbage")),
            ("distorted", Part::File(&dist_video)),
        ],
    );
    assert_eq!(broken.status, 422, "{}", broken.text());
    let message = broken.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("Invalid data found"), "{message}");
    // The decoder read a pipe, not a server path, and the message names none.
    assert!(
        !message.contains(&*server.data_dir.to_string_lossy()),
        "{message}"
    );
}

#[test]
fn busy_backends_answer_429_and_slow_requests_time_out() {
    let dir = TempDir::new("busy");
    let fake = write_fake_ffmpeg(dir.path(), 2.0);
    let server = Launch::new(dir.path())
        .arg("--ffmpeg")
        .arg(fake.display().to_string())
        .args([
            "--max-concurrent",
            "1",
            "--max-waiting",
            "0",
            "--retry-after",
            "3",
        ])
        .start();
    let (reference, distorted) = samples();
    let ref_video = fake_video(&std::fs::read(&reference).unwrap());
    let dist_bytes = std::fs::read(&distorted).unwrap();
    let addr = server.addr;
    let (content_type, body) = multipart(&[
        ("reference", Part::File(&ref_video)),
        ("distorted", Part::File(&dist_bytes)),
    ]);
    let slow = std::thread::spawn(move || {
        request(
            addr,
            "POST",
            "/v1/score",
            &[
                ("Authorization", &format!("Bearer {TOKEN}")),
                ("Content-Type", &content_type),
            ],
            &body,
        )
    });
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while server.metric("vmafx_backend_busy_slots{backend=\"cpu\"}") != Some(1.0) {
        assert!(
            std::time::Instant::now() < deadline,
            "the slow request never started"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let small = y4m(64, 48, &small_frames(64, 48, 2, false));
    let refused = server.post_multipart(
        "/v1/score",
        &[
            ("reference", Part::File(&small)),
            ("distorted", Part::File(&small)),
        ],
    );
    assert_eq!(refused.status, 429, "{}", refused.text());
    assert_eq!(refused.header("retry-after"), Some("3"));
    assert_eq!(refused.error_code(), "busy");
    let slow = slow.join().unwrap();
    assert_eq!(slow.status, 200, "{}", slow.text());
    assert_sample_vmaf(&slow.json());
    drop(server);

    // A request over its time limit gets 504, and its run (and decoder) is stopped.
    let dir = TempDir::new("timeout");
    let fake = write_fake_ffmpeg(dir.path(), 30.0);
    let server = Launch::new(dir.path())
        .arg("--ffmpeg")
        .arg(fake.display().to_string())
        .args(["--request-timeout", "1", "--max-concurrent", "1"])
        .start();
    let started = std::time::Instant::now();
    let timed_out = server.post_multipart(
        "/v1/score",
        &[
            ("reference", Part::File(&ref_video)),
            ("distorted", Part::File(&dist_bytes)),
        ],
    );
    assert_eq!(timed_out.status, 504);
    assert!(started.elapsed() < Duration::from_secs(10));
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while server.metric("vmafx_backend_busy_slots{backend=\"cpu\"}") != Some(0.0) {
        assert!(
            std::time::Instant::now() < deadline,
            "the timed-out run kept its slot"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}
