//! Job stores across processes. SQLite serves one replica: a second server on the same
//! file is refused. PostgreSQL serves many: two servers share one database and one data
//! folder, one is killed with SIGKILL while it runs jobs, and the other (not restarted)
//! re-queues them when their lease expires and completes every job exactly once.
//!
//! The PostgreSQL test needs `VMAFX_TEST_DATABASE_URL` (see `scripts/postgres-test.sh`);
//! without it, it skips with a message unless `VMAFX_REQUIRE_POSTGRES=1`.

mod common;

use std::collections::HashMap;
use std::str::FromStr;
use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

#[test]
fn a_second_server_on_one_sqlite_store_is_refused() {
    let dir = TempDir::new("sqlite-one");
    let mut first = Launch::new(dir.path()).start();
    let mut second = Launch::new(dir.path()).command();
    let output = second
        .args(["--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("data"))
        .output()
        .expect("run a second server");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "the second server started");
    assert!(stderr.contains("one replica only"), "{stderr}");
    // The first one is unaffected.
    assert_eq!(first.get("/readyz").status, 200);
    assert!(first.terminate(Duration::from_secs(20)).success());
}

/// The test database's URL, or None (with a note) when PostgreSQL is not configured.
fn postgres_url(test: &str) -> Option<String> {
    let Ok(url) = std::env::var("VMAFX_TEST_DATABASE_URL") else {
        assert!(
            std::env::var("VMAFX_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "VMAFX_REQUIRE_POSTGRES=1 but VMAFX_TEST_DATABASE_URL is not set"
        );
        eprintln!("skipping {test}: VMAFX_TEST_DATABASE_URL is not set");
        return None;
    };
    let database = format!("vmafx_{test}_{}", std::process::id());
    let mut admin = postgres::Config::from_str(&url)
        .unwrap()
        .connect(postgres::NoTls)
        .unwrap();
    for statement in [
        format!("DROP DATABASE IF EXISTS {database}"),
        format!("CREATE DATABASE {database}"),
    ] {
        admin.batch_execute(&statement).unwrap();
    }
    Some(with_database(&url, &database))
}

/// `url` naming `database` instead of its own.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let (scheme, rest) = base.split_once("://").unwrap();
    let authority = rest
        .split_once('/')
        .map_or(rest, |(authority, _)| authority);
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    format!("{scheme}://{authority}/{database}{query}")
}

fn states(server: &Server, ids: &[String]) -> Vec<Value> {
    ids.iter()
        .map(|id| server.get(&format!("/v1/jobs/{id}")).json())
        .collect()
}

#[test]
fn two_servers_share_jobs_and_a_killed_ones_jobs_finish_once_on_the_other() {
    let Some(url) = postgres_url("crash") else {
        return;
    };
    let dir = TempDir::new("pg-crash");
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
    let fake = write_fake_ffmpeg(dir.path(), 0.2);
    // One data folder for both: uploads received by one replica are run by the other.
    let launch = |log: &str| {
        let mut launch = Launch::new(dir.path())
            .env("VMAFX_DATABASE_URL", &url)
            .arg("--root")
            .arg(root.display().to_string())
            .arg("--ffmpeg")
            .arg(fake.display().to_string())
            .args(["--job-workers", "2", "--max-concurrent", "2"])
            .args(["--job-lease-secs", "2"]);
        launch.log_path = dir.path().join(log);
        launch
    };
    let submit = |server: &Server, stall: bool, upload: bool| {
        let response = if upload {
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
        response.json()["id"].as_str().unwrap().to_owned()
    };

    // Replica A alone takes the first two jobs; its decoder stalls on them, so both of
    // its workers are mid-job when it is killed.
    let mut a = launch("a.log").env("FAKE_FFMPEG_STALL", "1").start();
    let mut ids = vec![submit(&a, true, true), submit(&a, true, false)];
    let deadline = Instant::now() + Duration::from_secs(30);
    while !states(&a, &ids).iter().all(|j| j["state"] == "running") {
        assert!(
            Instant::now() < deadline,
            "A never ran its jobs\n{}",
            a.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Replica B joins; six more jobs come in through both replicas.
    let mut b = launch("b.log").start();
    for n in 0..6 {
        let via = if n % 2 == 0 { &a } else { &b };
        ids.push(submit(via, false, n < 3));
    }
    let at_kill = states(&b, &ids);
    assert!(at_kill[..2]
        .iter()
        .all(|j| j["state"] == "running" && j["attempts"] == 1));
    a.kill();

    // B is not restarted: it must notice the expired leases by itself.
    let deadline = Instant::now() + Duration::from_secs(90);
    let jobs = loop {
        let jobs = states(&b, &ids);
        if jobs.iter().all(|j| j["state"] == "succeeded") {
            break jobs;
        }
        let bad: Vec<_> = jobs
            .iter()
            .filter(|j| !["succeeded", "queued", "running"].contains(&j["state"].as_str().unwrap()))
            .collect();
        assert!(bad.is_empty(), "a job ended badly: {bad:?}\n{}", b.log());
        assert!(
            Instant::now() < deadline,
            "jobs did not all finish on B\n{}",
            b.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let status = b.terminate(Duration::from_secs(30));
    assert!(status.success(), "{status:?}\n{}", b.log());
    let logs = format!("{}{}", a.log(), b.log());
    let mut executions = 0;
    for (n, (id, job)) in ids.iter().zip(&jobs).enumerate() {
        assert_sample_vmaf(&job["result"]);
        let expected_attempts = if n < 2 { 2 } else { 1 };
        assert_eq!(job["attempts"], expected_attempts, "job {n}\n{logs}");
        let started = logs.matches(&format!("job {id} running (attempt")).count();
        let completed = logs.matches(&format!("job {id} succeeded")).count();
        assert_eq!(
            started, expected_attempts,
            "job {n} ran {started} times\n{logs}"
        );
        assert_eq!(completed, 1, "job {n} completed {completed} times\n{logs}");
        assert!(
            b.log().contains(&format!("job {id} succeeded")),
            "B finished job {n}"
        );
        executions += started;
    }
    let requeued: usize = b
        .log()
        .lines()
        .filter_map(|l| l.split("re-queued ").nth(1))
        .filter(|rest| rest.contains("whose lease expired"))
        .filter_map(|rest| rest.split(' ').next()?.parse::<usize>().ok())
        .sum();
    assert_eq!(requeued, 2, "B re-queued A's two jobs\n{}", b.log());
    let by_state: HashMap<&str, usize> = jobs.iter().fold(HashMap::new(), |mut m, j| {
        *m.entry(j["state"].as_str().unwrap()).or_default() += 1;
        m
    });
    eprintln!(
        "{} jobs on 2 servers sharing one database; 1 SIGKILL with 2 jobs mid-run; \
         {executions} executions (the 2 interrupted jobs ran twice, the others once); \
         {:?}; each job completed exactly once, by the surviving server",
        ids.len(),
        by_state
    );
    // Uploaded inputs were kept exactly as long as needed, whichever replica ran them.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("data/jobs"))
        .unwrap()
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
