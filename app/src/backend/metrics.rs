//! Prometheus metrics: requests by status class, latency, sign-in failures and the mail
//! outbox depth, in the text exposition format (written by hand: a few counters do not need
//! a metrics library). Served at `/metrics` only with the `METRICS_TOKEN` bearer token.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

#[derive(Debug, Default)]
pub struct Metrics {
    /// Requests by status class: 1xx … 5xx.
    requests: [AtomicU64; 5],
    /// Cumulative counts per bucket, then +Inf.
    latency: [AtomicU64; 11],
    latency_sum_us: AtomicU64,
    sign_in_failures: AtomicU64,
}

impl Metrics {
    pub fn observe(&self, status: u16, took: Duration) {
        let class = usize::from((status / 100).clamp(1, 5) - 1);
        self.requests[class].fetch_add(1, Ordering::Relaxed);
        let secs = took.as_secs_f64();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                self.latency[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency[BUCKETS.len()].fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.latency_sum_us.fetch_add(micros, Ordering::Relaxed);
    }

    pub fn sign_in_failed(&self) {
        self.sign_in_failures.fetch_add(1, Ordering::Relaxed);
    }

    /// The exposition text; `outbox_depth` is read from the database by the caller.
    pub fn render(&self, outbox_depth: i64) -> String {
        let mut out = String::new();
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        out.push_str("# HELP cpd_http_requests_total HTTP requests answered, by status class.\n");
        out.push_str("# TYPE cpd_http_requests_total counter\n");
        for (i, counter) in self.requests.iter().enumerate() {
            let _ = writeln!(
                out,
                "cpd_http_requests_total{{class=\"{}xx\"}} {}",
                i + 1,
                get(counter)
            );
        }
        out.push_str("# HELP cpd_http_request_duration_seconds Time to answer a request.\n");
        out.push_str("# TYPE cpd_http_request_duration_seconds histogram\n");
        for (i, bound) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "cpd_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                get(&self.latency[i])
            );
        }
        let count = get(&self.latency[BUCKETS.len()]);
        let _ = writeln!(
            out,
            "cpd_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            out,
            "cpd_http_request_duration_seconds_sum {}",
            get(&self.latency_sum_us) as f64 / 1e6
        );
        let _ = writeln!(out, "cpd_http_request_duration_seconds_count {count}");
        out.push_str(
            "# HELP cpd_sign_in_failures_total Wrong or expired sign-in codes and links.\n",
        );
        out.push_str("# TYPE cpd_sign_in_failures_total counter\n");
        let _ = writeln!(
            out,
            "cpd_sign_in_failures_total {}",
            get(&self.sign_in_failures)
        );
        out.push_str("# HELP cpd_mail_outbox_depth Mails waiting to be sent.\n");
        out.push_str("# TYPE cpd_mail_outbox_depth gauge\n");
        let _ = writeln!(out, "cpd_mail_outbox_depth {outbox_depth}");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_a_cumulative_histogram() {
        let m = Metrics::default();
        m.observe(200, Duration::from_millis(3));
        m.observe(404, Duration::from_millis(30));
        m.sign_in_failed();
        let text = m.render(2);
        assert!(text.contains("cpd_http_requests_total{class=\"2xx\"} 1"));
        assert!(text.contains("cpd_http_requests_total{class=\"4xx\"} 1"));
        assert!(text.contains("cpd_http_request_duration_seconds_bucket{le=\"0.005\"} 1"));
        assert!(text.contains("cpd_http_request_duration_seconds_bucket{le=\"0.05\"} 2"));
        assert!(text.contains("cpd_http_request_duration_seconds_count 2"));
        assert!(text.contains("cpd_sign_in_failures_total 1"));
        assert!(text.contains("cpd_mail_outbox_depth 2"));
    }
}
