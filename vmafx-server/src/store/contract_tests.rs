//! One contract, two databases: every test here runs against SQLite and, when
//! `VMAFX_TEST_DATABASE_URL` names a PostgreSQL server, against PostgreSQL (each test in
//! a fresh database of its own).

use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use super::*;

/// Opens stores on one fresh database: each call to the returned opener is another
/// server (its own lease owner) on the same jobs.
struct Fixture {
    open: Box<dyn Fn(Duration) -> Store>,
    cleanup: Option<PathBuf>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Some(path) = &self.cleanup {
            let _ = std::fs::remove_file(path);
        }
    }
}

fn sqlite(name: &str) -> Fixture {
    let path = std::env::temp_dir().join(format!("vmafx-store-{}-{name}.db", std::process::id()));
    let _ = std::fs::remove_file(&path);
    let opened = path.clone();
    Fixture {
        // Several handles on one file stand for several claimers; the lock that keeps a
        // second server off is tested on its own below.
        open: Box::new(move |lease| Store::open_sqlite(&opened, Lease::new(lease), false).unwrap()),
        cleanup: Some(path),
    }
}

/// The PostgreSQL fixture, or None (with a note) when no server is configured; with
/// `VMAFX_REQUIRE_POSTGRES=1` a missing server fails the test instead.
fn postgres(name: &str) -> Option<Fixture> {
    let Ok(url) = std::env::var("VMAFX_TEST_DATABASE_URL") else {
        assert!(
            std::env::var("VMAFX_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "VMAFX_REQUIRE_POSTGRES=1 but VMAFX_TEST_DATABASE_URL is not set"
        );
        // A closed stderr must not fail the test over a skip notice.
        let _ = writeln!(
            std::io::stderr(),
            "skipping the PostgreSQL half of {name}: VMAFX_TEST_DATABASE_URL is not set"
        );
        return None;
    };
    let mut config = ::postgres::Config::from_str(&url).unwrap();
    let database = format!("vmafx_contract_{}_{name}", std::process::id());
    let mut admin = config.connect(::postgres::NoTls).unwrap();
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {database}"))
        .unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE {database}"))
        .unwrap();
    config.dbname(&database);
    Some(Fixture {
        open: Box::new(move |lease| Store {
            backend: std::sync::Arc::new(Backend::Postgres(Box::new(
                PostgresStore::open_with(config.clone(), Lease::new(lease)).unwrap(),
            ))),
        }),
        cleanup: None,
    })
}

/// Runs `contract` on SQLite and, when configured, on PostgreSQL.
fn on_both(name: &str, contract: impl Fn(&Fixture)) {
    contract(&sqlite(name));
    if let Some(fixture) = postgres(name) {
        contract(&fixture);
    }
}

fn job(id: &str) -> NewJob {
    NewJob {
        id: id.into(),
        spec: "{}".into(),
        reference: "/r".into(),
        distorted: "/d".into(),
        upload_dir: None,
    }
}

const LONG: Duration = Duration::from_secs(60);
const SHORT: Duration = Duration::from_millis(300);

fn done() -> Ending {
    Ending::Succeeded {
        report: "{}".into(),
        frames: 3,
    }
}

#[test]
fn a_job_completes_once_per_attempt() {
    on_both("once", |f| {
        let store = (f.open)(SHORT);
        store.insert(&job("a")).unwrap();
        store.insert(&job("b")).unwrap();
        let first = store.claim_next().unwrap().unwrap();
        assert_eq!((first.id.as_str(), first.attempts), ("a", 1));
        // The run is lost: its lease runs out and the reaper re-queues it.
        std::thread::sleep(SHORT * 2);
        assert_eq!(store.requeue_expired().unwrap(), 1);
        let again = store.claim_next().unwrap().unwrap();
        assert_eq!((again.id.as_str(), again.attempts), ("a", 2));
        assert!(
            !store.finish("a", 1, &done()).unwrap(),
            "a stale attempt may not finish"
        );
        assert!(store.finish("a", 2, &done()).unwrap());
        assert!(!store.finish("a", 2, &done()).unwrap(), "finished twice");
        let row = store.get("a").unwrap().unwrap();
        assert_eq!((row.state, row.frames_done), (JobState::Succeeded, 3));
        assert_eq!(row.report.as_deref(), Some("{}"));
        assert_eq!(store.claim_next().unwrap().unwrap().id, "b");
    });
}

#[test]
fn a_renewed_lease_holds_and_an_expired_one_is_requeued() {
    on_both("lease", |f| {
        let store = (f.open)(SHORT);
        store.insert(&job("a")).unwrap();
        let claimed = store.claim_next().unwrap().unwrap();
        for _ in 0..6 {
            std::thread::sleep(SHORT / 3);
            assert!(store.renew_lease("a", claimed.attempts).unwrap());
            assert_eq!(store.requeue_expired().unwrap(), 0, "a live lease stays");
        }
        std::thread::sleep(SHORT * 2);
        assert_eq!(store.requeue_expired().unwrap(), 1);
        assert_eq!(store.get("a").unwrap().unwrap().state, JobState::Queued);
        assert!(
            !store.renew_lease("a", claimed.attempts).unwrap(),
            "the lost lease cannot be renewed"
        );
        assert!(!store.finish("a", claimed.attempts, &done()).unwrap());
    });
}

#[test]
fn only_the_lease_owner_ends_a_run() {
    on_both("owner", |f| {
        let (one, other) = ((f.open)(LONG), (f.open)(LONG));
        one.insert(&job("a")).unwrap();
        other.insert(&job("b")).unwrap();
        let held = one.claim_next().unwrap().unwrap();
        assert_eq!(held.id, "a");
        assert!(!other.renew_lease("a", held.attempts).unwrap());
        assert!(!other.finish("a", held.attempts, &done()).unwrap());
        assert_eq!(other.claim_next().unwrap().unwrap().id, "b");
        assert_eq!(other.requeue_expired().unwrap(), 0);
        assert!(one.finish("a", held.attempts, &done()).unwrap());
    });
}

#[test]
fn concurrent_claimers_take_each_job_once() {
    on_both("claims", |f| {
        let stores: Vec<Store> = (0..4).map(|_| (f.open)(LONG)).collect();
        let ids: Vec<String> = (0..24).map(|n| format!("j{n:02}")).collect();
        for id in &ids {
            stores[0].insert(&job(id)).unwrap();
        }
        let claimed: Vec<Vec<String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = stores
                .iter()
                .map(|store| {
                    scope.spawn(move || {
                        let mut mine = Vec::new();
                        while let Some(row) = store.claim_next().unwrap() {
                            assert!(store.finish(&row.id, row.attempts, &done()).unwrap());
                            mine.push(row.id);
                        }
                        mine
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let all: Vec<&String> = claimed.iter().flatten().collect();
        let distinct: HashSet<&String> = all.iter().copied().collect();
        assert_eq!(all.len(), ids.len(), "every job claimed exactly once");
        assert_eq!(distinct.len(), ids.len());
        let counts = stores[1].counts().unwrap();
        assert!(counts.contains(&(JobState::Succeeded, 24)), "{counts:?}");
    });
}

#[test]
fn cancels_and_lists() {
    on_both("cancel", |f| {
        let store = (f.open)(SHORT);
        for id in ["a", "b", "c"] {
            store.insert(&job(id)).unwrap();
        }
        assert_eq!(
            store.request_cancel("b").unwrap().unwrap().state,
            JobState::Cancelled
        );
        let running = store.claim_next().unwrap().unwrap();
        let flagged = store.request_cancel(&running.id).unwrap().unwrap();
        assert!(flagged.cancel_requested && flagged.state == JobState::Running);
        std::thread::sleep(SHORT * 2);
        assert_eq!(
            store.requeue_expired().unwrap(),
            0,
            "a cancelled run is not re-queued"
        );
        assert_eq!(store.get("a").unwrap().unwrap().state, JobState::Cancelled);
        assert!(store.request_cancel("zzz").unwrap().is_none());
        let all = store.list(None, None, 2).unwrap();
        assert_eq!(
            all.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(),
            ["c", "b"]
        );
        assert!(all.iter().all(|j| j.report.is_none()));
        let next = store.list(None, Some(all[1].seq), 2).unwrap();
        assert_eq!(next.len(), 1);
        let queued = store.list(Some(JobState::Queued), None, 10).unwrap();
        assert_eq!(queued.len(), 1);
        let counts = store.counts().unwrap();
        assert!(counts.contains(&(JobState::Cancelled, 2)));
        assert_eq!(store.queued().unwrap(), 1);
        store.probe_write().unwrap();
    });
}

#[test]
fn upload_folders_of_live_jobs_are_kept() {
    on_both("uploads", |f| {
        let store = (f.open)(LONG);
        let mut live = job("a");
        live.upload_dir = Some("/data/jobs/a".into());
        let mut over = job("b");
        over.upload_dir = Some("/data/jobs/b".into());
        store.insert(&live).unwrap();
        store.insert(&over).unwrap();
        store.request_cancel("b").unwrap();
        let unowned = store
            .unowned_upload_dirs(vec![
                "/data/jobs/a".into(),
                "/data/jobs/b".into(),
                "/data/jobs/stray".into(),
            ])
            .unwrap();
        assert_eq!(
            unowned,
            [PathBuf::from("/data/jobs/b"), "/data/jobs/stray".into()]
        );
    });
}

#[test]
fn a_restarted_sqlite_server_requeues_every_interrupted_run() {
    let fixture = sqlite("recover");
    let store = (fixture.open)(LONG);
    store.insert(&job("a")).unwrap();
    store.claim_next().unwrap().unwrap();
    assert_eq!(store.requeue_expired().unwrap(), 0);
    assert_eq!(
        store.recover().unwrap(),
        1,
        "one replica: nothing runs elsewhere"
    );
    assert_eq!(store.claim_next().unwrap().unwrap().attempts, 2);
}

#[test]
fn a_second_server_on_one_sqlite_file_is_refused() {
    let fixture = sqlite("exclusive");
    let path = fixture.cleanup.clone().unwrap();
    let first = Store::open_sqlite(&path, Lease::new(LONG), true).unwrap();
    let second = Store::open_sqlite(&path, Lease::new(LONG), true);
    let message = second.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.contains("one replica only"), "{message}");
    drop(first);
    Store::open_sqlite(&path, Lease::new(LONG), true).unwrap();
    let _ = std::fs::remove_file(path.with_extension("db.lock"));
}

#[test]
fn the_sqlite_write_probe_sees_a_damaged_file() {
    let fixture = sqlite("probe");
    let path = fixture.cleanup.clone().unwrap();
    let store = (fixture.open)(LONG);
    store.insert(&job("a")).unwrap();
    store.probe_write().unwrap();
    let Backend::Sqlite(sqlite) = &*store.backend else {
        unreachable!("a SQLite fixture")
    };
    sqlite
        .connection()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    let size = std::fs::metadata(&path).unwrap().len() as usize;
    std::fs::write(&path, vec![0x5a; size]).unwrap();
    assert!(store.probe_write().is_err());
}

#[test]
fn a_database_from_before_leases_gains_them() {
    let fixture = sqlite("migrate");
    let path = fixture.cleanup.clone().unwrap();
    {
        let old = rusqlite::Connection::open(&path).unwrap();
        old.execute_batch(
            "CREATE TABLE jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,
                 state TEXT NOT NULL, spec TEXT NOT NULL, reference TEXT NOT NULL,
                 distorted TEXT NOT NULL, upload_dir TEXT,
                 attempts INTEGER NOT NULL DEFAULT 0,
                 cancel_requested INTEGER NOT NULL DEFAULT 0,
                 frames_done INTEGER NOT NULL DEFAULT 0, error_code TEXT, error_message TEXT,
                 report TEXT, created_at INTEGER NOT NULL, started_at INTEGER,
                 finished_at INTEGER);
             INSERT INTO jobs (id, state, spec, reference, distorted, created_at)
                 VALUES ('old', 'queued', '{}', '/r', '/d', 1);",
        )
        .unwrap();
    }
    let store = (fixture.open)(LONG);
    let claimed = store.claim_next().unwrap().unwrap();
    assert_eq!(claimed.id, "old");
    assert!(store.renew_lease("old", claimed.attempts).unwrap());
}
