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
    let attempts: i64 = sqlx::query_scalar(&format!(
        "SELECT attempts FROM otp_challenges WHERE email_index = '{}'",
        crate::helpers::email_index("target@firm.se")
    ))
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

/// An invitation from `browser`, through a trusted proxy that saw `client` (`None`: direct).
async fn invite_from(browser: &crate::helpers::Browser, client: Option<&str>, email: &str) -> u16 {
    let mut request = browser.client.post(browser.url("/api/firm/invite_member"));
    if let Some(ip) = client {
        request = request.header("x-forwarded-for", ip);
    }
    request
        .form(&[("email", email), ("role", "member")])
        .send()
        .await
        .expect("POST")
        .status()
        .as_u16()
}

/// From the review: every fresh firm (one email sign-in) could send 100 invitations a day
/// with a firm name of the attacker's, which made the invitation form a mail relay. A firm's
/// first day allows a few; one network (an IPv6 /64 however its addresses rotate) gets one
/// allowance for all the firms it signs up; and a global ceiling bounds the rest. Each
/// counter holds under truly parallel requests.
async fn invitation_mail_is_capped_per_new_firm_per_network_and_in_all(backend: Backend) {
    use crate::helpers::Browser;
    use std::sync::Arc;
    let app = TestApp::spawn_with_vars(backend, &[("TRUSTED_PROXIES", "127.0.0.1/32")]).await;
    let status_counts = |statuses: &[u16]| {
        (
            statuses.iter().filter(|s| **s == 200).count(),
            statuses.iter().filter(|s| **s == 429).count(),
        )
    };

    // A firm made a moment ago sends 20 invitations at once: its first day's allowance goes.
    let fresh = Arc::new(app.firm_owner("fresh@new-firm.se").await);
    let statuses = all_at_once(20, |i| {
        let fresh = fresh.clone();
        async move { invite_from(&fresh, None, &format!("colleague{i}@example.se")).await }
    })
    .await;
    let allowance = usize::try_from(rate_limit::INVITATIONS_NEW_FIRM.limit).expect("small");
    assert_eq!(
        status_counts(&statuses),
        (allowance, 20 - allowance),
        "{statuses:?}"
    );
    let mut mails: i64 = 0;
    for i in 0..20 {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE to_index = $1")
            .bind(crate::helpers::email_index(&format!(
                "colleague{i}@example.se"
            )))
            .fetch_one(&app.db().pool)
            .await
            .expect("mails");
        mails += n;
    }
    assert_eq!(mails, rate_limit::INVITATIONS_NEW_FIRM.limit);

    // Five established firms on one IPv6 /64, each address different, 110 invitations at
    // once: the network's allowance (100) goes out, and no more.
    let mut owners = Vec::new();
    for n in 0..5 {
        owners.push(Arc::new(
            app.firm_owner(&format!("owner{n}@firm{n}.se")).await,
        ));
    }
    sqlx::query("UPDATE firms SET created_at_us = created_at_us - $1")
        .bind(2 * rate_limit::NEW_FIRM_FOR)
        .execute(&app.db().pool)
        .await
        .expect("age the firms");
    let owners: Arc<Vec<Arc<Browser>>> = Arc::new(owners);
    let statuses = all_at_once(110, |i| {
        let owners = owners.clone();
        async move {
            let client = format!("2001:db8:1:2::{:x}", i + 1);
            invite_from(
                &owners[i % 5],
                Some(&client),
                &format!("relay{i}@example.se"),
            )
            .await
        }
    })
    .await;
    let network = usize::try_from(rate_limit::INVITATIONS_PER_NETWORK.limit).expect("small");
    assert_eq!(
        status_counts(&statuses),
        (network, 110 - network),
        "{statuses:?}"
    );
    let mut sent: i64 = 0;
    for i in 0..110 {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invitations WHERE email_index = $1")
            .bind(crate::helpers::email_index(&format!("relay{i}@example.se")))
            .fetch_one(&app.db().pool)
            .await
            .expect("invitations");
        sent += n;
    }
    assert_eq!(sent, rate_limit::INVITATIONS_PER_NETWORK.limit);
    // Another network, and the direct one, still may.
    assert_eq!(
        invite_from(&owners[0], Some("2001:db8:9:9::1"), "other@example.se").await,
        200
    );
    assert_eq!(
        invite_from(&owners[1], None, "direct@example.se").await,
        200
    );

    // The ceiling over everything: once that many went out this hour (here: recorded
    // directly), no network is let through.
    let bucket = format!("{}:all", rate_limit::INVITATIONS_GLOBAL.name);
    let already: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM rate_events WHERE bucket = $1")
        .bind(&bucket)
        .fetch_one(&app.db().pool)
        .await
        .expect("count");
    let mut tx = app.db().begin().await.expect("tx");
    for _ in already..rate_limit::INVITATIONS_GLOBAL.limit {
        sqlx::query("INSERT INTO rate_events (bucket, at_us) VALUES ($1, $2)")
            .bind(&bucket)
            .bind(now_micros())
            .execute(&mut *tx)
            .await
            .expect("an event");
    }
    tx.commit().await.expect("commit");
    assert_eq!(
        invite_from(&owners[2], Some("198.51.100.20"), "late@example.se").await,
        429
    );
    assert_eq!(invite_from(&owners[3], None, "later@example.se").await, 429);
    app.stop().await;
}
on_both_backends!(invitation_mail_is_capped_per_new_firm_per_network_and_in_all);
