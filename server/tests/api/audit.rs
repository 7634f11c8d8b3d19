use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use app::backend::audit::{self, Action, Actor, ChainedFields, SYSTEM_CHAIN, Target};

type Row = (
    String,
    i64,
    i64,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    String,
    String,
);

async fn chain(app: &TestApp, chain: &str) -> Vec<Row> {
    sqlx::query_as(
        "SELECT chain, seq, at_us, actor_kind, actor_id, action, target_kind, target_id, prev_hash, row_hash \
         FROM audit_log WHERE chain = $1 ORDER BY seq",
    )
    .bind(chain)
    .fetch_all(&app.db().pool)
    .await
    .expect("audit rows")
}

fn recompute(row: &Row) -> String {
    ChainedFields {
        chain: &row.0,
        seq: row.1,
        at: row.2,
        actor_kind: &row.3,
        actor_id: row.4.as_deref(),
        action: &row.5,
        target_kind: &row.6,
        target_id: row.7.as_deref(),
        detail: None,
    }
    .hash(&row.8)
}

async fn start_up_migrations_are_audited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let rows = chain(&app, SYSTEM_CHAIN).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1, 1);
    assert_eq!(rows[0].5, "system.migrations_applied");
    assert_eq!(rows[0].8, "", "the first row has no predecessor");
    app.stop().await;
}
on_both_backends!(start_up_migrations_are_audited);

async fn audit_rows_share_the_fate_of_their_transaction(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let firm = uuid::Uuid::now_v7().to_string();
    let actor = Actor::User {
        user_id: uuid::Uuid::now_v7().to_string(),
        firm_id: firm.clone(),
    };
    let ctx = audit::Context {
        firm_id: Some(firm.clone()),
        ip: Some("192.0.2.7".parse().expect("ip")),
    };

    // Rolled back: neither the row nor the chain head survives.
    let mut tx = app.db().pool.begin().await.expect("begin");
    audit::record(
        &mut tx,
        &actor,
        Action::MigrationsApplied,
        &Target::kind("test"),
        &ctx,
    )
    .await
    .expect("record");
    tx.rollback().await.expect("rollback");
    assert!(chain(&app, &firm).await.is_empty());

    // Committed: gapless, and each row links to the one before.
    let mut tx = app.db().pool.begin().await.expect("begin");
    for n in 0..3 {
        audit::record(
            &mut tx,
            &actor,
            Action::MigrationsApplied,
            &Target::new("test", n.to_string()),
            &ctx,
        )
        .await
        .expect("record");
    }
    tx.commit().await.expect("commit");
    let rows = chain(&app, &firm).await;
    assert_eq!(rows.iter().map(|r| r.1).collect::<Vec<_>>(), vec![1, 2, 3]);
    assert_eq!(rows[0].8, "");
    for pair in rows.windows(2) {
        assert_eq!(
            pair[1].8, pair[0].9,
            "prev_hash links to the previous row_hash"
        );
    }
    for row in &rows {
        assert_eq!(
            recompute(row),
            row.9,
            "row hash is reproducible from the stored fields"
        );
    }
    app.stop().await;
}
on_both_backends!(audit_rows_share_the_fate_of_their_transaction);

async fn concurrent_appends_keep_the_chain_gapless(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let firm = uuid::Uuid::now_v7().to_string();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let pool = app.db().pool.clone();
        let firm = firm.clone();
        tasks.push(tokio::spawn(async move {
            let actor = Actor::User {
                user_id: "u".into(),
                firm_id: firm,
            };
            for _ in 0..5 {
                let mut tx = pool.begin().await.expect("begin");
                audit::record(
                    &mut tx,
                    &actor,
                    Action::MigrationsApplied,
                    &Target::kind("t"),
                    &audit::Context::default(),
                )
                .await
                .expect("record");
                tx.commit().await.expect("commit");
            }
        }));
    }
    for task in tasks {
        task.await.expect("task");
    }
    let rows = chain(&app, &firm).await;
    assert_eq!(
        rows.iter().map(|r| r.1).collect::<Vec<_>>(),
        (1..=40).collect::<Vec<i64>>()
    );
    for pair in rows.windows(2) {
        assert_eq!(pair[1].8, pair[0].9);
    }
    app.stop().await;
}
on_both_backends!(concurrent_appends_keep_the_chain_gapless);

async fn data_survives_a_restart_and_migrations_are_not_reapplied(backend: Backend) {
    let mut app = TestApp::spawn(backend).await;
    app.restart().await;
    let rows = chain(&app, SYSTEM_CHAIN).await;
    assert_eq!(
        rows.len(),
        1,
        "a restart with nothing to migrate writes no audit row"
    );
    assert_eq!(app.get("/readyz").await.status(), 200);
    app.stop().await;
}
on_both_backends!(data_survives_a_restart_and_migrations_are_not_reapplied);

/// The link with `rel` ("prev" for newer, "next" for older) on an audit log page, as a
/// path with its query.
fn page_link(html: &str, rel: &str) -> Option<String> {
    let at = html.find(&format!("rel=\"{rel}\""))?;
    let before = &html[..at];
    let start = before.rfind("href=\"")? + "href=\"".len();
    let end = start + html[start..].find('"')?;
    Some(html[start..end].replace("&amp;", "&"))
}

/// `YYYY-MM-DD` `days` from today (UTC).
fn day(days: i64) -> String {
    let today = app::backend::db::now_micros().div_euclid(86_400 * 1_000_000);
    domain::Date::from_unix_days(today + days).to_string()
}

async fn get_audit(
    browser: &crate::helpers::Browser,
    fields: &[(&str, &str)],
) -> serde_json::Value {
    let response = browser.form("/api/firm/get_audit", fields).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

fn seqs(page: &serde_json::Value) -> Vec<i64> {
    page["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["seq"].as_i64().expect("seq"))
        .collect()
}

async fn the_audit_log_goes_back_a_page_at_a_time_and_keeps_the_filter(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    let (anna_id, firm): (String, String) = sqlx::query_as(&format!(
        "SELECT id, firm_id FROM users WHERE email_index = '{}'",
        crate::helpers::email_index("anna@firm.se")
    ))
    .fetch_one(&app.db().pool)
    .await
    .expect("anna");
    let actor = Actor::User {
        user_id: anna_id.clone(),
        firm_id: firm.clone(),
    };
    // 120 courses added, and 1,000 certificate views in between, so the export needs more
    // than one chunk.
    let mut conn = app.db().pool.acquire().await.expect("conn");
    for i in 0..1_120 {
        let (action, target) = if i % 28 < 3 {
            (Action::EntryCreated, Target::new("entry", format!("e{i}")))
        } else {
            (
                Action::CertificateLinkIssued,
                Target::new("certificate", format!("c{i}")),
            )
        };
        audit::record(
            &mut conn,
            &actor,
            action,
            &target,
            &audit::Context::default(),
        )
        .await
        .expect("record");
    }
    drop(conn);
    let entry_seqs: Vec<i64> = sqlx::query_scalar(
        "SELECT seq FROM audit_log WHERE chain = $1 AND action = 'log.entry_created' ORDER BY seq DESC",
    )
    .bind(&firm)
    .fetch_all(&app.db().pool)
    .await
    .expect("seqs");
    assert_eq!(entry_seqs.len(), 120);

    // Filtered by action and dates: 50, 50 and 20, newest first, no overlap, no gap.
    let (from, to) = (day(-1), day(1));
    let filter = [
        ("action", "log.entry_created"),
        ("from", from.as_str()),
        ("to", to.as_str()),
    ];
    let first = get_audit(&anna, &filter).await;
    assert_eq!(first["total"], 120, "{first}");
    assert_eq!(first["first"], 1);
    assert!(first["newer"].is_null());
    let older = first["older"].as_i64().expect("an older page").to_string();
    let second = get_audit(
        &anna,
        &[&filter[..], &[("before", older.as_str())]].concat(),
    )
    .await;
    assert_eq!(second["first"], 51);
    let older = second["older"].as_i64().expect("a third page").to_string();
    let third = get_audit(
        &anna,
        &[&filter[..], &[("before", older.as_str())]].concat(),
    )
    .await;
    assert_eq!(third["first"], 101);
    assert!(third["older"].is_null(), "the last page");
    let pages = [seqs(&first), seqs(&second), seqs(&third)];
    assert_eq!(pages.iter().map(Vec::len).collect::<Vec<_>>(), [50, 50, 20]);
    assert_eq!(pages.concat(), entry_seqs, "every event once, newest first");
    assert!([&first, &second, &third].iter().all(|p| {
        p["events"]
            .as_array()
            .expect("events")
            .iter()
            .all(|e| e["action"] == "log.entry_created")
    }));
    // Newer from the third page is the second again.
    let newer = third["newer"].as_i64().expect("a newer page").to_string();
    let back = get_audit(&anna, &[&filter[..], &[("after", newer.as_str())]].concat()).await;
    assert_eq!(seqs(&back), pages[1]);
    assert_eq!(back["first"], 51);
    // Dates that match nothing: no events, no pages.
    let none = get_audit(
        &anna,
        &[
            ("action", "log.entry_created"),
            ("from", "2001-01-01"),
            ("to", "2001-12-31"),
        ],
    )
    .await;
    assert_eq!(
        (none["total"].as_u64(), none["first"].as_u64()),
        (Some(0), Some(0))
    );
    assert!(none["older"].is_null() && none["newer"].is_null());

    // The page without JavaScript: plain links that keep the filter.
    let query = format!("/firm/audit?action=log.entry_created&from={from}&to={to}");
    let html = anna.page(&query).await;
    assert!(html.contains("Showing 1–50 of 120"), "{html}");
    assert!(html.contains("Course added"));
    assert!(page_link(&html, "prev").is_none());
    let next = page_link(&html, "next").expect("an Older link");
    assert!(
        next.contains("action=log.entry_created")
            && next.contains(&format!("from={from}"))
            && next.contains(&format!("to={to}")),
        "{next}"
    );
    let html = anna.page(&next).await;
    assert!(html.contains("Showing 51–100 of 120"), "{html}");
    let html = anna
        .page(&page_link(&html, "next").expect("Older again"))
        .await;
    assert!(html.contains("Showing 101–120 of 120"), "{html}");
    assert!(page_link(&html, "next").is_none());
    let html = anna
        .page(&page_link(&html, "prev").expect("a Newer link"))
        .await;
    assert!(html.contains("Showing 51–100 of 120"), "{html}");
    // Unfiltered, the count is the whole chain's.
    let all: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE chain = $1")
        .bind(&firm)
        .fetch_one(&app.db().pool)
        .await
        .expect("count");
    let whole = get_audit(&anna, &[("action", ""), ("from", ""), ("to", "")]).await;
    assert_eq!(whole["total"].as_i64(), Some(all));
    assert_eq!(seqs(&whole).len(), 50);

    // The CSV has every matching event, in chunks, once: filtered and not.
    let csv = anna
        .get(&format!(
            "/firm/audit.csv?action=log.entry_created&from={from}&to={to}"
        ))
        .await
        .text()
        .await
        .expect("csv");
    assert_eq!(csv.lines().count(), 1 + 120, "{csv}");
    let csv = anna.get("/firm/audit.csv").await.text().await.expect("csv");
    let all: Vec<i64> =
        sqlx::query_scalar("SELECT seq FROM audit_log WHERE chain = $1 ORDER BY seq DESC")
            .bind(&firm)
            .fetch_all(&app.db().pool)
            .await
            .expect("seqs");
    let exported: Vec<i64> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().expect("seq").parse().expect("a number"))
        .collect();
    assert_eq!(
        csv.lines().next(),
        Some("seq,time_utc,actor,action,target,ip")
    );
    assert_eq!(
        exported, all,
        "every event of the chain, newest first, once"
    );
    assert!(all.len() > 1_000);

    // Someone who is not an owner or admin gets no page, however it is asked for.
    sqlx::query("UPDATE users SET role = 'member' WHERE id = $1")
        .bind(&anna_id)
        .execute(&app.db().pool)
        .await
        .expect("demote");
    let refused = anna
        .form(
            "/api/firm/get_audit",
            &[&filter[..], &[("before", older.as_str())]].concat(),
        )
        .await;
    assert_eq!(refused.status(), 403);
    assert!(!anna.page(&next).await.contains("Course added"));
    app.stop().await;
}
on_both_backends!(the_audit_log_goes_back_a_page_at_a_time_and_keeps_the_filter);

async fn the_audit_log_names_events_and_people_in_words(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let anna = app.signed_in_browser("anna@firm.se").await;
    // Someone in another firm, whose name and address this firm must not see.
    let _bo = app.signed_in_browser("bo@other.se").await;
    let (anna_id, firm): (String, String) = sqlx::query_as(&format!(
        "SELECT id, firm_id FROM users WHERE email_index = '{}'",
        crate::helpers::email_index("anna@firm.se")
    ))
    .fetch_one(&app.db().pool)
    .await
    .expect("anna");
    let bo_id: String = sqlx::query_scalar(&format!(
        "SELECT id FROM users WHERE email_index = '{}'",
        crate::helpers::email_index("bo@other.se")
    ))
    .fetch_one(&app.db().pool)
    .await
    .expect("bo");
    let now = app::backend::db::now_micros();
    for (id, email, name, deleted) in [
        ("u-bea", "bea@firm.se", "Bea Berg", None),
        ("u-cid", "", "Cid Carlsson", Some(now)),
    ] {
        let seal = app
            .db()
            .records
            .firm_in(&app.db().pool, &firm)
            .await
            .expect("firm key");
        use app::backend::sealing::Field;
        sqlx::query(
            "INSERT INTO users (id, firm_id, email, full_name, created_at_us, deleted_at_us) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(&firm)
        .bind(seal.seal(Field::UserEmail, id, email))
        .bind(seal.seal(Field::UserName, id, name))
        .bind(now)
        .bind(deleted)
        .execute(&app.db().pool)
        .await
        .expect("a person");
    }
    sqlx::query(
        "INSERT INTO invitations (id, firm_id, email, role, token_mac, invited_by, created_at_us, expires_at_us) \
         VALUES ('inv-1', $1, $4, 'member', 'x', $2, $3, $3)",
    )
    .bind(&firm)
    .bind(&anna_id)
    .bind(now)
    .bind(
        app.db()
            .records
            .firm_in(&app.db().pool, &firm)
            .await
            .expect("firm key")
            .seal(app::backend::sealing::Field::InvitationEmail, "inv-1", "dan@firm.se"),
    )
    .execute(&app.db().pool)
    .await
    .expect("an invitation");
    let anna_actor = Actor::User {
        user_id: anna_id.clone(),
        firm_id: firm.clone(),
    };
    let elsewhere = Actor::User {
        user_id: bo_id.clone(),
        firm_id: firm.clone(),
    };
    let mut conn = app.db().pool.acquire().await.expect("conn");
    for (actor, action, target) in [
        (
            &anna_actor,
            Action::RoleChanged,
            Target::new("user", "u-bea"),
        ),
        (
            &anna_actor,
            Action::MemberRemoved,
            Target::new("user", "u-cid"),
        ),
        (
            &anna_actor,
            Action::MemberInvited,
            Target::new("invitation", "inv-1"),
        ),
        (
            &elsewhere,
            Action::EntryCreated,
            Target::new("entry", "entry-id-123"),
        ),
        (
            &anna_actor,
            Action::EntriesExported,
            Target::new("log", "2026"),
        ),
    ] {
        audit::record(
            &mut conn,
            actor,
            action,
            &target,
            &audit::Context::default(),
        )
        .await
        .expect("record");
    }
    drop(conn);

    let page = get_audit(&anna, &[("action", ""), ("from", ""), ("to", "")]).await;
    let events = page["events"].as_array().expect("events");
    let find = |code: &str| {
        events
            .iter()
            .find(|e| e["action"] == code)
            .unwrap_or_else(|| panic!("{code} in {page}"))
    };
    assert_eq!(
        find("firm.role_changed")["subject"]["person"]["name"],
        "Bea Berg"
    );
    assert_eq!(find("firm.role_changed")["actor"]["email"], "anna@firm.se");
    assert_eq!(
        find("firm.member_removed")["subject"]["person"]["type"],
        "former"
    );
    assert_eq!(
        find("log.entry_created")["actor"],
        serde_json::json!({"type": "former", "name": ""})
    );
    assert_eq!(find("log.entry_created")["subject"]["detail"], "", "no id");

    let html = anna.page("/firm/audit").await;
    for words in [
        "Account created",
        "Signed in",
        "Role changed",
        "Bea Berg",
        "bea@firm.se",
        "Cid Carlsson (no longer in the firm)",
        "Invitation to dan@firm.se",
        "A person no longer in the firm",
        "The training log for 2026",
        "A course",
        "anna@firm.se",
        "<code class=\"font-mono\">cpd-registry audit verify</code>",
    ] {
        assert!(html.contains(words), "{words:?} on the page:\n{html}");
    }
    // What the page shows (the scripts after it are not text).
    let shown = &html[html.find("<main").expect("main")..html.find("</main>").expect("main")];
    for hidden in [
        "bo@other.se",
        "u-bea",
        "entry-id-123",
        "removed+u-cid",
        ">account.created<",
        "`",
    ] {
        assert!(!shown.contains(hidden), "{hidden:?} on the page:\n{shown}");
    }
    // The filter lists the actions by name; the value stays the code.
    assert!(
        html.contains("<option value=\"account.created\">Account created</option>"),
        "{html}"
    );

    // The same in Swedish.
    let set = anna
        .form(
            "/api/preferences/set_language",
            &[("back", "/firm/audit"), ("lang", "sv")],
        )
        .await;
    assert!(
        set.status().is_success() || set.status().is_redirection(),
        "{}",
        set.status()
    );
    let html = anna.page("/firm/audit").await;
    for words in [
        "Konto skapat",
        "Roll ändrad",
        "Inbjudan till dan@firm.se",
        "Cid Carlsson (inte längre med i byrån)",
        "Visar 1–",
    ] {
        assert!(
            html.contains(words),
            "{words:?} on the Swedish page:\n{html}"
        );
    }
    app.stop().await;
}
on_both_backends!(the_audit_log_names_events_and_people_in_words);
