//! Before the process exits, every SQLite connection thread must have ended.
//!
//! SQLCipher encrypts through OpenSSL's libcrypto, which frees per-thread state when a
//! thread ends and global state at process exit. A connection thread that is still ending
//! as `main` returns makes the two clean-ups race: "double free or corruption", seen about
//! once in 70 runs of `cpd-registry audit verify`. sqlx closes a connection before it says
//! so, but its thread ends a moment later; this waits (at most five seconds) until no thread
//! of that name is left.

use std::time::{Duration, Instant};

/// How sqlx names the thread each SQLite connection runs on (as `/proc` shows it: 15 bytes).
const WORKER: &str = "sqlx-sqlite-wor";

fn database_threads() -> usize {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .filter_map(Result::ok)
        .filter(|task| {
            std::fs::read_to_string(task.path().join("comm"))
                .is_ok_and(|name| name.starts_with(WORKER))
        })
        .count()
}

/// Waits until every SQLite connection thread has ended (the pools must be closed first).
pub fn wait_for_database_threads() {
    let deadline = Instant::now() + Duration::from_secs(5);
    while database_threads() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
}
