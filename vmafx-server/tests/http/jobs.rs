//! The job API: lifecycle, reports, paging and cancel.

use std::time::Duration;

use crate::common::*;
use crate::{sample_uris, samples_root};

#[test]
fn jobs_run_list_report_and_cancel() {
    let dir = TempDir::new("jobs");
    let fake = write_fake_ffmpeg(dir.path(), 30.0);
    let server = Launch::new(dir.path())
        .arg("--root")
        .arg(samples_root())
        .arg("--ffmpeg")
        .arg(fake.display().to_string())
        .args(["--job-workers", "2"])
        .start();
    let (reference, distorted) = samples();
    let ref_bytes = std::fs::read(&reference).unwrap();
    let dist_bytes = std::fs::read(&distorted).unwrap();

    let created = server.post_multipart(
        "/v1/jobs",
        &[
            ("reference", Part::File(&ref_bytes)),
            ("distorted", Part::File(&dist_bytes)),
        ],
    );
    assert_eq!(created.status, 202, "{}", created.text());
    let id = created.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(
        created.header("location"),
        Some(format!("/v1/jobs/{id}").as_str())
    );
    let done = server.wait_job(&id, Duration::from_secs(60), |j| j["state"] == "succeeded");
    assert_sample_vmaf(&done["result"]);
    assert_eq!(done["progress"]["frames_done"], 10);
    assert_eq!(done["attempts"], 1);
    // Inputs go once the end is recorded (not before: a crash in between would
    // re-run the job without them).
    let inputs = server.data_dir.join("jobs").join(&id);
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while inputs.exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "inputs kept after the job"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let with_frames = server.get(&format!("/v1/jobs/{id}?frames=true")).json();
    assert_eq!(
        with_frames["result"]["frames"].as_array().unwrap().len(),
        10
    );

    let json_report = server.get(&format!("/v1/jobs/{id}/report?format=json"));
    assert_eq!(json_report.status, 200);
    let json_report = json_report.json();
    let pooled = json_report["pooled_metrics"]["vmaf"]["mean"]
        .as_f64()
        .unwrap();
    assert!((pooled - SAMPLE_VMAF).abs() < 5e-7);
    let xml = server.get(&format!("/v1/jobs/{id}/report?format=xml"));
    assert_eq!(xml.header("content-type"), Some("application/xml"));
    assert!(xml.text().contains("<VMAF version="));
    let csv = server
        .get(&format!("/v1/jobs/{id}/report?format=csv"))
        .text();
    assert_eq!(csv.lines().count(), 11);
    assert_eq!(
        server
            .get(&format!("/v1/jobs/{id}/report?format=pdf"))
            .status,
        400
    );
    assert_eq!(
        server.delete(&format!("/v1/jobs/{id}")).status,
        409,
        "a finished job cannot be cancelled"
    );

    // A job whose decoder stalls: running, then cancelled at once.
    let stalled = server.post_multipart(
        "/v1/jobs",
        &[
            ("reference", Part::File(&fake_video(&ref_bytes))),
            ("distorted", Part::File(&dist_bytes)),
        ],
    );
    assert_eq!(stalled.status, 202);
    let stalled_id = stalled.json()["id"].as_str().unwrap().to_owned();
    server.wait_job(&stalled_id, Duration::from_secs(30), |j| {
        j["state"] == "running"
    });
    assert_eq!(
        server.get(&format!("/v1/jobs/{stalled_id}/report")).status,
        409
    );
    let cancelled = server.delete(&format!("/v1/jobs/{stalled_id}"));
    assert_eq!(cancelled.status, 200);
    let cancelled = cancelled.json();
    assert_eq!(cancelled["state"], "cancelled", "{cancelled}");
    assert_eq!(cancelled["cancel_requested"], true);

    // URI jobs, a failing job, paging.
    let by_uri = server.post_json("/v1/jobs", &sample_uris());
    assert_eq!(by_uri.status, 202);
    let uri_id = by_uri.json()["id"].as_str().unwrap().to_owned();
    let small = y4m(64, 48, &small_frames(64, 48, 2, false));
    let failing = server.post_multipart(
        "/v1/jobs",
        &[
            ("reference", Part::File(&small)),
            ("distorted", Part::File(&small[..small.len() - 10])),
        ],
    );
    let failing_id = failing.json()["id"].as_str().unwrap().to_owned();
    let failed = server.wait_job(&failing_id, Duration::from_secs(30), |j| {
        j["state"] == "failed"
    });
    assert_eq!(failed["error"]["code"], "bad_media");
    server.wait_job(&uri_id, Duration::from_secs(60), |j| {
        j["state"] == "succeeded"
    });

    let first = server.get("/v1/jobs?limit=2").json();
    let ids: Vec<&str> = first["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [failing_id.as_str(), uri_id.as_str()], "newest first");
    let cursor = first["next_cursor"].as_i64().unwrap();
    let second = server
        .get(&format!("/v1/jobs?limit=2&cursor={cursor}"))
        .json();
    let ids: Vec<&str> = second["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [stalled_id.as_str(), id.as_str()]);
    let third = server
        .get(&format!(
            "/v1/jobs?limit=2&cursor={}",
            second["next_cursor"].as_i64().unwrap()
        ))
        .json();
    assert!(third["jobs"].as_array().unwrap().is_empty() && third["next_cursor"].is_null());
    let only_failed = server.get("/v1/jobs?state=failed").json();
    assert_eq!(only_failed["jobs"].as_array().unwrap().len(), 1);
    assert_eq!(server.get("/v1/jobs?state=bogus").status, 400);
    assert_eq!(server.get("/v1/jobs?limit=0").status, 400);
    assert_eq!(
        server
            .get("/v1/jobs/0123456789abcdef0123456789abcdef")
            .status,
        404
    );
    assert_eq!(server.get("/v1/jobs/..%2F..%2Fetc").status, 404);
    assert_eq!(
        server
            .delete("/v1/jobs/0123456789abcdef0123456789abcdef")
            .status,
        404
    );
    assert_eq!(server.metric("vmafx_jobs{state=\"cancelled\"}"), Some(1.0));
}
