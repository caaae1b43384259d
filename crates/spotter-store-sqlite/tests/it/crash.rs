//! The crash test: writer processes killed with SIGKILL at random moments, again and again; after
//! each kill every acknowledged entry is in the file and `PRAGMA integrity_check` says ok.
//!
//! SIGKILL ends the process at once (no destructor, no flush of its own); what it cannot test is
//! a power loss, where `synchronous=FULL` is what keeps a commit (its fsync before the write
//! returns), checked by `every_connection_is_wal_full_with_foreign_keys_and_a_busy_timeout`.

use spotter_diary::Date;
use spotter_store::Store;
use spotter_store_sqlite::SqliteStore;
use std::collections::BTreeSet;
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const ROUNDS: usize = 100;

/// xorshift64*: enough randomness for kill times, seeded and reported so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[test]
fn writers_killed_at_random_moments_lose_no_acknowledged_entry() {
    let seed = std::env::var("SPOTTER_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| SystemTime::now().duration_since(UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64) | 1);
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().expect("temporary folder");
    let path = dir.path().join("crash.db");
    let started = Instant::now();
    let mut acked: BTreeSet<String> = BTreeSet::new();
    let (mut kills, mut killed_while_writing) = (0, 0);
    for round in 0..ROUNDS {
        let writers = 1 + rng.below(2) as usize;
        let mut children: Vec<_> = (0..writers)
            .map(|k| {
                // Each round and writer its own days: round r writer k writes days 2000r+k, +2, ...
                let first = (2000 * round + k) as i64;
                Command::new(env!("CARGO_BIN_EXE_spotter-store-sqlite-writer"))
                    .arg(&path)
                    .args([first.to_string(), "2".into(), "900".into()])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("writer starts")
            })
            .collect();
        std::thread::sleep(Duration::from_millis(5 + rng.below(120)));
        for c in &mut children {
            // Child::kill sends SIGKILL on Unix.
            if c.kill().is_ok() {
                kills += 1;
            }
        }
        for mut c in children {
            let status = c.wait().expect("writer ends");
            let mut out = String::new();
            c.stdout.take().expect("stdout").read_to_string(&mut out).expect("read acks");
            let mut err = String::new();
            c.stderr.take().expect("stderr").read_to_string(&mut err).expect("read errors");
            assert!(status.code().is_none() || status.success(), "round {round}: writer failed (seed {seed}): {err}");
            let n = out.lines().filter(|l| l.starts_with("ack ")).count();
            if n > 0 {
                killed_while_writing += 1;
            }
            acked.extend(out.lines().filter_map(|l| l.strip_prefix("ack ")).map(str::to_string));
        }
        let store = SqliteStore::open(&path).unwrap_or_else(|e| panic!("round {round}: reopen after the kill (seed {seed}): {e}"));
        assert_eq!(store.integrity_check().expect("integrity"), vec!["ok".to_string()], "round {round} (seed {seed})");
        let me = store.local_person().expect("local person");
        let stored: BTreeSet<String> = store.entries(me).expect("entries").iter().map(|e| e.record.date.to_string()).collect();
        let lost: Vec<&String> = acked.difference(&stored).collect();
        assert!(lost.is_empty(), "round {round} (seed {seed}): acknowledged entries lost: {lost:?}");
    }
    assert!(acked.len() > 100, "too few writes acknowledged to mean anything: {}", acked.len());
    // Most kills must land while writing, not before the writer got going.
    assert!(killed_while_writing >= ROUNDS / 4, "only {killed_while_writing} writers were killed after writing (seed {seed})");
    assert!(Date::parse(acked.iter().next().expect("one")).is_ok());
    spotter_store::conformance::say(&format!(
        "crash test: {ROUNDS} rounds, {kills} writers killed with SIGKILL ({killed_while_writing} after their first acknowledged write), {} entries acknowledged, 0 lost, integrity ok, {:.1} s (seed {seed})",
        acked.len(),
        started.elapsed().as_secs_f64()
    ));
}
