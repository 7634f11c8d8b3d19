//! Limits that stop attackers hold by themselves under truly parallel requests: each
//! counter is updated atomically in the database, not read, computed and written back.
//! On PostgreSQL (read committed, many connections) a read-compute-write loses updates;
//! these tests run the same parallel load on both backends.

use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use app::backend::auth::{lockouts, rate_limit};
use app::backend::db::now_micros;

/// `n` copies of `job`, all released at once, each on its own connection and transaction.
async fn all_at_once<F, Fut, T>(n: usize, job: F) -> Vec<T>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let gate = std::sync::Arc::new(tokio::sync::Barrier::new(n));
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let gate = gate.clone();
        let work = job(i);
        tasks.push(tokio::spawn(async move {
            gate.wait().await;
            work.await
        }));
    }
    let mut out = Vec::with_capacity(n);
    for task in tasks {
        out.push(task.await.expect("task"));
    }
    out
}

/// A rate-limit bucket that writes no audit row, hit 40 times at once with room for 30:
/// exactly 30 are let through.
async fn a_rate_limit_bucket_counts_every_parallel_hit(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db().clone();
    let limit = rate_limit::REPORT_CHECKS_PER_IP;
    let results = all_at_once(40, |_| {
        let db = db.clone();
        async move {
            let mut tx = db.begin().await.expect("tx");
            let allowed = rate_limit::hit(&mut tx, limit, "198.51.100.7", now_micros())
                .await
                .expect("hit");
            // Work inside the transaction, as a request does, widens the window for a race.
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            tx.commit().await.expect("commit");
            allowed.is_ok()
        }
    })
    .await;
    let let_through = results.iter().filter(|ok| **ok).count();
    assert_eq!(let_through, usize::try_from(limit.limit).expect("small"));
    let counted: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM rate_events WHERE bucket LIKE 'report-check-ip:%'",
    )
    .fetch_one(&app.db().pool)
    .await
    .expect("count");
    assert_eq!(counted, limit.limit);
    app.stop().await;
}
on_both_backends!(a_rate_limit_bucket_counts_every_parallel_hit);

/// Lockout failures recorded by 12 transactions at once are 12 failures.
async fn parallel_failures_are_each_counted(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let db = app.db().clone();
    all_at_once(12, |_| {
        let db = db.clone();
        async move {
            let mut tx = db.begin().await.expect("tx");
            lockouts::fail(&mut tx, &["email:target@firm.se"], now_micros())
                .await
                .expect("fail");
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            tx.commit().await.expect("commit");
        }
    })
    .await;
    let failures: i64 =
        sqlx::query_scalar("SELECT failures FROM lockouts WHERE subject = 'email:target@firm.se'")
            .fetch_one(&app.db().pool)
            .await
            .expect("failures");
    assert_eq!(failures, 12);
    // Past the free failures, the subject waits.
    let mut conn = app.db().pool.acquire().await.expect("conn");
    let wait = lockouts::longest_wait(&mut conn, &["email:target@firm.se"], now_micros())
        .await
        .expect("wait");
    assert!(wait.is_some(), "12 failures lock the address for a while");
    drop(conn);
    app.stop().await;
}
on_both_backends!(parallel_failures_are_each_counted);

/// 20 wrong guesses at one code, sent at once through the app: the code allows 5 tries, so
/// it is used up, and the right code afterwards is refused.
async fn twenty_parallel_wrong_guesses_use_up_the_code(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let browser = std::sync::Arc::new(app.browser());
    let asked = browser
        .form("/api/auth/request_code", &[("email", "target@firm.se")])
        .await;
    assert!(asked.status().is_success());
    let code = app.last_code("target@firm.se").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let statuses = all_at_once(20, |_| {
        let browser = browser.clone();
        async move {
            browser
                .form("/api/auth/verify_code", &[("code", wrong)])
                .await
                .status()
                .as_u16()
        }
    })
    .await;
    assert!(
        statuses.iter().all(|s| *s == 422 || *s == 429),
        "{statuses:?}"
    );
    let attempts: i64 =
        sqlx::query_scalar("SELECT attempts FROM otp_challenges WHERE email = 'target@firm.se'")
            .fetch_one(&app.db().pool)
            .await
            .expect("attempts");
    assert_eq!(
        attempts, 5,
        "every try counted, and no more than the code allows"
    );
    let right = browser
        .form("/api/auth/verify_code", &[("code", &code)])
        .await;
    assert_eq!(right.status(), 422, "the used-up code no longer signs in");
    assert!(browser.whoami().await.is_null());
    app.stop().await;
}
on_both_backends!(twenty_parallel_wrong_guesses_use_up_the_code);
