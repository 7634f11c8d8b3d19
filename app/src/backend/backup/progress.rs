//! Progress of a long backup or restore on stderr: rows, files, bytes, rate and time left,
//! at most once a second (nothing when quiet, as in the server's daily backup).

use std::io::Write as _;
use std::time::{Duration, Instant};

pub struct Progress {
    what: &'static str,
    shown: bool,
    started: Instant,
    last: Option<Instant>,
    rows: (u64, u64),
    objects: (u64, u64),
    bytes: u64,
}

fn megabytes(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

impl Progress {
    /// `what` starts each line ("backup", "checking", "restore").
    pub fn on_stderr(what: &'static str) -> Progress {
        Progress {
            what,
            shown: true,
            started: Instant::now(),
            last: None,
            rows: (0, 0),
            objects: (0, 0),
            bytes: 0,
        }
    }

    pub fn quiet() -> Progress {
        Progress {
            shown: false,
            ..Progress::on_stderr("")
        }
    }

    /// Starts a new phase with these totals.
    pub fn phase(&mut self, what: &'static str) {
        self.what = what;
        self.started = Instant::now();
        self.rows.0 = 0;
        self.objects.0 = 0;
        self.bytes = 0;
    }

    pub fn totals(&mut self, rows: u64, objects: u64) {
        self.rows.1 = rows;
        self.objects.1 = objects;
    }

    pub fn rows_done(&mut self, n: u64, bytes: u64) {
        self.rows.0 += n;
        self.bytes = bytes;
        self.maybe_show();
    }

    pub fn objects_done(&mut self, n: u64, bytes: u64) {
        self.objects.0 += n;
        self.bytes = bytes;
        self.maybe_show();
    }

    fn maybe_show(&mut self) {
        if !self.shown {
            return;
        }
        let now = Instant::now();
        if self
            .last
            .is_some_and(|last| now - last < Duration::from_secs(1))
        {
            return;
        }
        self.last = Some(now);
        self.show(false);
    }

    fn show(&self, done: bool) {
        let seconds = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = megabytes(self.bytes) / seconds;
        let done_items = self.rows.0 + self.objects.0;
        let all_items = (self.rows.1 + self.objects.1).max(done_items);
        let left = if done || done_items == 0 {
            String::new()
        } else {
            let remaining = seconds * (all_items - done_items) as f64 / done_items as f64;
            format!(", about {remaining:.0} s left")
        };
        let _ = writeln!(
            std::io::stderr(),
            "{}: {}/{} rows, {}/{} files, {:.1} MB, {rate:.1} MB/s{left}{}",
            self.what,
            self.rows.0,
            self.rows.1,
            self.objects.0,
            self.objects.1,
            megabytes(self.bytes),
            if done {
                format!(" (done in {seconds:.1} s)")
            } else {
                String::new()
            },
        );
    }

    pub fn finish(&mut self, bytes: u64) {
        self.bytes = bytes;
        if self.shown {
            self.show(true);
        }
    }
}
