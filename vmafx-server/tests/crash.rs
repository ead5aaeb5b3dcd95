//! Durability: a server killed with SIGKILL mid-job loses no job, and every job completes
//! exactly once after the restart; SIGTERM puts an interrupted job back in the queue.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

fn jobs_by_id(server: &Server) -> HashMap<String, Value> {
    let list = server.get("/v1/jobs?limit=500").json();
    list["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| (j["id"].as_str().unwrap().to_owned(), j.clone()))
        .collect()
}

fn count(jobs: &HashMap<String, Value>, state: &str) -> usize {
    jobs.values().filter(|j| j["state"] == state).count()
}

#[test]
fn sigkill_mid_job_loses_nothing_and_each_job_completes_once() {
    let dir = TempDir::new("crash");
    let root = dir.path().join("root");
    std::fs::create_dir_all(&root).unwrap();
    let (reference, distorted) = samples();
    let ref_bytes = std::fs::read(&reference).unwrap();
    let dist_bytes = std::fs::read(&distorted).unwrap();
    let ref_video = fake_video(&ref_bytes);
    let stalling = fake_stalling_video(&ref_bytes);
    std::fs::write(root.join("ref.fake"), &ref_video).unwrap();
    std::fs::write(root.join("stall.fake"), &stalling).unwrap();
    std::fs::write(root.join("dist.y4m"), &dist_bytes).unwrap();
    let fake = write_fake_ffmpeg(dir.path(), 0.3);
    let launch = || {
        Launch::new(dir.path())
            .arg("--root")
            .arg(root.display().to_string())
            .arg("--ffmpeg")
            .arg(fake.display().to_string())
            .args(["--job-workers", "2", "--max-concurrent", "2"])
    };
    // In the first run, jobs 6 and 7 stall in their decoder: when both workers hold them,
    // jobs 0-5 are done, 6-7 are mid-run and 8-9 wait, and stay so until the kill.
    let mut server = launch().env("FAKE_FFMPEG_STALL", "1").start();
    let mut ids = Vec::new();
    for n in 0..10 {
        let stall = n == 6 || n == 7;
        let response = if n % 2 == 0 {
            let video = if stall { &stalling } else { &ref_video };
            server.post_multipart(
                "/v1/jobs",
                &[
                    ("reference", Part::File(video)),
                    ("distorted", Part::File(&dist_bytes)),
                ],
            )
        } else {
            let name = if stall { "stall.fake" } else { "ref.fake" };
            server.post_json(
                "/v1/jobs",
                &json!({ "reference": file_uri(&root.join(name)), "distorted": file_uri(&root.join("dist.y4m")) }),
            )
        };
        assert_eq!(response.status, 202, "{}", response.text());
        ids.push(response.json()["id"].as_str().unwrap().to_owned());
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let before = loop {
        let jobs = jobs_by_id(&server);
        let state = |n: usize| jobs[&ids[n]]["state"].as_str().unwrap().to_owned();
        if (0..6).all(|n| state(n) == "succeeded") && state(6) == "running" && state(7) == "running"
        {
            break jobs;
        }
        assert!(
            Instant::now() < deadline,
            "jobs never reached the planned states\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    server.kill();
    let first_log = server.log();

    let mut server = launch().start();
    let deadline = Instant::now() + Duration::from_secs(90);
    let after = loop {
        let jobs = jobs_by_id(&server);
        if count(&jobs, "succeeded") == 10 {
            break jobs;
        }
        let bad: Vec<_> = jobs
            .values()
            .filter(|j| !["succeeded", "queued", "running"].contains(&j["state"].as_str().unwrap()))
            .collect();
        assert!(bad.is_empty(), "a job ended badly: {bad:?}");
        assert!(
            Instant::now() < deadline,
            "jobs did not all finish after the restart\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(after.len(), 10, "no job lost");
    let jobs: Vec<Value> = ids
        .iter()
        .map(|id| server.get(&format!("/v1/jobs/{id}")).json())
        .collect();
    // A clean stop lets the workers finish what follows a job's end (its log line, the
    // removal of its inputs) before the checks below look at them.
    assert!(server.terminate(Duration::from_secs(30)).success());
    let log = server.log();
    for (n, (id, job)) in ids.iter().zip(&jobs).enumerate() {
        assert_sample_vmaf(&job["result"]);
        let was = &before[id];
        match n {
            0..=5 => {
                assert_eq!(
                    job["attempts"], 1,
                    "job {n}: a finished job is not run again"
                );
                assert_eq!(
                    job["finished_at"], was["finished_at"],
                    "job {n}: same result as before"
                );
                assert!(first_log.contains(&format!("job {id} succeeded")));
            }
            6 | 7 => assert_eq!(job["attempts"], 2, "job {n}: an interrupted job runs again"),
            _ => assert_eq!(job["attempts"], 1, "job {n}: a queued job runs once"),
        }
        // Both processes logged into the same file: exactly one completion per job.
        let completions = log.matches(&format!("job {id} succeeded")).count();
        assert_eq!(
            completions, 1,
            "job {id} completed {completions} times\n{log}"
        );
    }
    assert!(log.contains("re-queued 2 job(s)"), "{log}");
    eprintln!(
        "at SIGKILL: {} succeeded, {} running, {} queued; after restart: {} of 10 succeeded, \
         the 2 interrupted ones run again, each job completed exactly once",
        count(&before, "succeeded"),
        count(&before, "running"),
        count(&before, "queued"),
        count(&after, "succeeded"),
    );
    // Uploaded inputs were kept exactly as long as needed.
    let leftovers: Vec<_> = std::fs::read_dir(server.data_dir.join("jobs"))
        .unwrap()
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn sigterm_puts_an_interrupted_job_back_in_the_queue() {
    let dir = TempDir::new("drain");
    let (reference, distorted) = samples();
    let ref_video = fake_video(&std::fs::read(&reference).unwrap());
    let dist_bytes = std::fs::read(&distorted).unwrap();
    let slow = write_fake_ffmpeg(dir.path(), 30.0);
    let mut server = Launch::new(dir.path())
        .arg("--ffmpeg")
        .arg(slow.display().to_string())
        .args(["--shutdown-grace", "1"])
        .start();
    let created = server.post_multipart(
        "/v1/jobs",
        &[
            ("reference", Part::File(&ref_video)),
            ("distorted", Part::File(&dist_bytes)),
        ],
    );
    let id = created.json()["id"].as_str().unwrap().to_owned();
    server.wait_job(&id, Duration::from_secs(30), |j| j["state"] == "running");
    let status = server.terminate(Duration::from_secs(20));
    assert!(status.success(), "{status:?}");
    assert!(
        server
            .log()
            .contains(&format!("job {id} queued (attempt 1)")),
        "{}",
        server.log()
    );

    // Restarted with a decoder that answers at once, the job completes.
    let fast = write_fake_ffmpeg(dir.path(), 0.0);
    let server = Launch::new(dir.path())
        .arg("--ffmpeg")
        .arg(fast.display().to_string())
        .start();
    let done = server.wait_job(&id, Duration::from_secs(60), |j| j["state"] == "succeeded");
    assert_eq!(done["attempts"], 2);
    assert_sample_vmaf(&done["result"]);
}
