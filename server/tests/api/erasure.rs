//! Deleting a person on request: asked for only after confirming it is them, a 30-day hold
//! the person (by signing in) or the firm can cancel, then a purge after which no row of
//! any table names them and none of their files is left, while the audit log still verifies.

use crate::certificates::{new_entry, upload};
use crate::helpers::{Backend, TestApp};
use crate::storage::Store;
use crate::{on_both_backends, on_both_storages};
use server::inspect::samples::{jpeg, pdf};

const DAY_US: i64 = 86_400 * 1_000_000;

async fn due_of(app: &TestApp, email: &str) -> Option<i64> {
    sqlx::query_scalar("SELECT deletion_due_at_us FROM users WHERE email_index = $1")
        .bind(crate::helpers::email_index(email))
        .fetch_one(&app.db().pool)
        .await
        .expect("user")
}

async fn id_of(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar("SELECT id FROM users WHERE email_index = $1")
        .bind(crate::helpers::email_index(email))
        .fetch_one(&app.db().pool)
        .await
        .expect("user")
}

async fn a_deletion_needs_confirmation_and_signing_in_can_cancel_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let email = "anna@berg.se";
    let anna = app.signed_in_browser(email).await;
    // Without confirming it is her (a stolen session, say): refused, nothing is asked.
    let refused = anna.form("/api/account/request_deletion", &[]).await;
    assert_eq!(refused.status().as_u16(), 422);
    assert_eq!(due_of(&app, email).await, None);

    app.step_up(&anna, email).await;
    let asked = anna.form("/api/account/request_deletion", &[]).await;
    assert!(asked.status().is_success(), "{}", asked.status());
    let due = due_of(&app, email).await.expect("a date");
    let hold = due - app::backend::db::now_micros();
    assert!(
        (29 * DAY_US..=30 * DAY_US).contains(&hold),
        "30 days: {hold}"
    );
    // Asking again does not move the date.
    app.step_up(&anna, email).await;
    let again = anna.form("/api/account/request_deletion", &[]).await;
    assert!(again.status().is_success());
    assert_eq!(due_of(&app, email).await, Some(due));

    // Within the hold she signs in again: every page says so and offers to keep it.
    let later = app.signed_in_browser(email).await;
    let page = later.page("/dashboard").await;
    assert!(page.contains("will be deleted on"), "{page}");
    assert!(page.contains("Keep my account"), "{page}");
    let kept = later.form("/api/account/cancel_deletion", &[]).await;
    assert!(kept.status().is_success(), "{}", kept.status());
    assert_eq!(due_of(&app, email).await, None);
    let page = later.page("/dashboard").await;
    assert!(!page.contains("will be deleted on"), "{page}");
    let actions = app.audit_actions().await;
    for action in ["account.deletion_requested", "account.deletion_cancelled"] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
    // A purge run now finds nobody due.
    let state = &app.server.as_ref().expect("running").state;
    let purged =
        app::backend::erasure::purge_due(state, app::backend::db::now_micros() + 31 * DAY_US)
            .await
            .expect("purge");
    assert_eq!(purged, 0);
    app.stop().await;
}
on_both_backends!(a_deletion_needs_confirmation_and_signing_in_can_cancel_it);

/// Every (table, text column) of the schema.
async fn text_columns(app: &TestApp, backend: Backend) -> Vec<(String, String)> {
    let sql = match backend {
        Backend::Sqlite => {
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations' \
             AND (p.type = 'TEXT' OR p.type = '') ORDER BY 1, 2"
        }
        Backend::Postgres => {
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations' \
             AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb') ORDER BY 1, 2"
        }
    };
    sqlx::query_as(sql)
        .fetch_all(&app.db().pool)
        .await
        .expect("schema")
}

/// Where any row of any table still names `needles`: (table, column, rows).
pub async fn mentions(
    app: &TestApp,
    backend: Backend,
    needles: &[&str],
) -> Vec<(String, String, i64)> {
    let mut found = Vec::new();
    for (table, column) in text_columns(app, backend).await {
        for needle in needles {
            let n: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM {table} WHERE lower(CAST({column} AS TEXT)) LIKE '%' || lower($1) || '%'"
            ))
            .bind(*needle)
            .fetch_one(&app.db().pool)
            .await
            .expect("count");
            if n > 0 {
                found.push((table.clone(), column.clone(), n));
            }
        }
    }
    found
}

/// Tables that may name a purged person by id, by design: the audit log (ids only, so
/// every chain still verifies) and the record of the purge itself.
const KEPT_BY_DESIGN: [&str; 2] = ["audit_log", "person_purges"];

async fn after_the_hold_nothing_of_the_person_is_left(backend: Backend) {
    nothing_is_left(TestApp::spawn(backend).await, backend).await;
}
on_both_backends!(after_the_hold_nothing_of_the_person_is_left);

/// The same on both stores: the person's objects go from Garage too.
async fn after_the_hold_no_object_is_left_in_either_store(store: Store) {
    nothing_is_left(
        crate::storage::spawn_with(store, &[]).await,
        Backend::Sqlite,
    )
    .await;
}
on_both_storages!(after_the_hold_no_object_is_left_in_either_store);

async fn nothing_is_left(app: TestApp, backend: Backend) {
    let email = "sigrid@lund.se";
    let sigrid = app
        .person(email)
        .named("Sigrid Lund")
        .born("1979-04-05")
        .course("2026-02-01", "Procedural law day", "6")
        .course("2026-03-01", "Ethics seminar", "3")
        .create()
        .await;
    let id = sigrid.viewer.user.id.clone();
    let browser = sigrid.browser;
    // Files, leave, a second factor's traces and a deleted course waiting for its undo.
    let entry = new_entry(&browser, "GDPR online").await;
    for (name, bytes) in [("diploma.pdf", pdf(1)), ("photo.jpg", jpeg(64, 48))] {
        let (status, body) = upload(&browser, &entry, name, bytes).await;
        assert_eq!(status, 201, "{body}");
    }
    let leave = browser
        .form(
            "/api/log/add_leave",
            &[
                ("from", "2026-05-01"),
                ("to", "2026-05-31"),
                ("reason", "Parental leave"),
            ],
        )
        .await;
    assert!(leave.status().is_success(), "{}", leave.status());
    // An invitation she sent: its mail to someone else names her.
    let invited = browser
        .form(
            "/api/firm/invite_member",
            &[("email", "guest@elsewhere.se"), ("role", "member")],
        )
        .await;
    assert!(invited.status().is_success(), "{}", invited.status());
    let other = new_entry(&browser, "Course to delete").await;
    let deleted = browser
        .form("/api/log/delete_entry", &[("id", &other)])
        .await;
    assert!(deleted.status().is_success(), "{}", deleted.status());
    // An archive of all her data, made and stored.
    crate::exports::make_export(&app, &browser, email).await;
    // Someone else, in another firm, whose data must stay whole.
    let control = app
        .person("erik@holm.se")
        .course("2026-02-01", "Tax law", "4")
        .create()
        .await;
    let control_entry = new_entry(&control.browser, "Control course").await;
    let (status, _) = upload(&control.browser, &control_entry, "keep.pdf", pdf(1)).await;
    assert_eq!(status, 201);

    let state = &app.server.as_ref().expect("running").state;
    let objects_before = state.storage.list().await.expect("list");
    let keys: Vec<String> = sqlx::query_scalar(
        "SELECT object_key FROM certificates WHERE user_id = $1 \
         UNION SELECT object_key FROM exports WHERE user_id = $1",
    )
    .bind(&id)
    .fetch_all(&app.db().pool)
    .await
    .expect("keys");
    assert_eq!(keys.len(), 3);
    assert!(
        keys.iter()
            .all(|k| objects_before.iter().any(|(o, _)| o == k))
    );
    assert!(!mentions(&app, backend, &[&id, email]).await.is_empty());

    app.step_up(&browser, email).await;
    let asked = browser.form("/api/account/request_deletion", &[]).await;
    assert!(asked.status().is_success(), "{}", asked.status());
    // Not before the hold ends.
    let now = app::backend::db::now_micros();
    assert_eq!(
        app::backend::erasure::purge_due(state, now + 29 * DAY_US)
            .await
            .expect("purge"),
        0
    );
    // The clock moved past the hold (not slept): the purge runs, once.
    assert_eq!(
        app::backend::erasure::purge_due(state, now + 31 * DAY_US)
            .await
            .expect("purge"),
        1
    );
    assert_eq!(
        app::backend::erasure::purge_due(state, now + 32 * DAY_US)
            .await
            .expect("purge"),
        0
    );

    let left: Vec<_> = mentions(
        &app,
        backend,
        &[
            &id,
            email,
            "Sigrid",
            "lund.se",
            "Procedural law day",
            "Parental leave",
            "1979-04-05",
            "guest@elsewhere.se",
        ],
    )
    .await
    .into_iter()
    .filter(|(table, _, _)| !KEPT_BY_DESIGN.contains(&table.as_str()))
    .collect();
    assert!(left.is_empty(), "still there after the purge: {left:?}");
    // What is kept by design holds the id only: no name, address or course.
    let kept = mentions(&app, backend, &[email, "Sigrid", "Procedural law day"]).await;
    assert!(kept.is_empty(), "{kept:?}");
    let objects_after = state.storage.list().await.expect("list");
    for key in &keys {
        assert!(
            !objects_after.iter().any(|(o, _)| o == key),
            "{key} is still stored"
        );
    }
    // The other firm's person is untouched, files included.
    let control_keys: Vec<String> =
        sqlx::query_scalar("SELECT object_key FROM certificates WHERE user_id = $1")
            .bind(&control.viewer.user.id)
            .fetch_all(&app.db().pool)
            .await
            .expect("keys");
    assert_eq!(control_keys.len(), 1);
    assert!(objects_after.iter().any(|(o, _)| *o == control_keys[0]));
    let page = control.browser.page("/log?year=2026").await;
    assert!(
        page.contains("Control course") && page.contains("Tax law"),
        "{page}"
    );

    // The purge is recorded with what it removed, and audited; every chain still verifies.
    let counts: String = sqlx::query_scalar("SELECT counts FROM person_purges WHERE user_id = $1")
        .bind(&id)
        .fetch_one(&app.db().pool)
        .await
        .expect("purge record");
    let counts: serde_json::Value = serde_json::from_str(&counts).expect("json");
    assert_eq!(counts["rows"]["entries"], 3, "{counts}");
    assert_eq!(counts["rows"]["certificates"], 2, "{counts}");
    assert_eq!(counts["rows"]["users"], 1, "{counts}");
    assert_eq!(counts["rows"]["exports"], 1, "{counts}");
    assert_eq!(counts["objects"], 3, "{counts}");
    assert!(
        app.audit_actions()
            .await
            .iter()
            .any(|a| a == "account.purged")
    );
    app.assert_audit_verifies().await;
    // And the address can start afresh: a new sign-in is a new person.
    app.signed_in_browser(email).await;
    assert_ne!(id_of(&app, email).await, id);
    app.stop().await;
}

async fn the_firm_can_ask_and_cancel_but_not_for_another_firm(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.firm_owner("owner@berg.se").await;
    let dora = crate::firm::invite_and_join(&app, &owner, "dora@berg.se", "member").await;
    let dora_id = id_of(&app, "dora@berg.se").await;
    // Not without the administrator confirming it is them.
    let unconfirmed = owner
        .form("/api/firm/set_member_deletion", &[("id", &dora_id)])
        .await;
    assert_eq!(unconfirmed.status().as_u16(), 422);
    assert_eq!(due_of(&app, "dora@berg.se").await, None);
    app.step_up(&owner, "owner@berg.se").await;
    let outsider = app.firm_owner("owner@holm.se").await;
    let foreign = outsider
        .form("/api/firm/set_member_deletion", &[("id", &dora_id)])
        .await;
    assert_eq!(foreign.status().as_u16(), 404);
    assert_eq!(due_of(&app, "dora@berg.se").await, None);

    let asked = owner
        .form("/api/firm/set_member_deletion", &[("id", &dora_id)])
        .await;
    assert!(asked.status().is_success(), "{}", asked.status());
    assert!(due_of(&app, "dora@berg.se").await.is_some());
    let page = owner.page("/firm/members").await;
    assert!(page.contains("To be deleted on"), "{page}");
    // Dora is told at once, and sees it on every page; the firm's request is the firm's to
    // cancel, not hers.
    let (subject, _) = app.last_mail("dora@berg.se").await.expect("mail");
    assert!(subject.contains("Your firm asked"), "{subject}");
    let page = dora.page("/dashboard").await;
    assert!(page.contains("Your firm asked for your account"), "{page}");
    assert!(!page.contains("Keep my account"), "{page}");
    let hers = dora.form("/api/account/cancel_deletion", &[]).await;
    assert!(hers.status().is_success());
    assert!(due_of(&app, "dora@berg.se").await.is_some());
    let kept = owner
        .form(
            "/api/firm/set_member_deletion",
            &[("id", &dora_id), ("cancel", "1")],
        )
        .await;
    assert!(kept.status().is_success(), "{}", kept.status());
    assert_eq!(due_of(&app, "dora@berg.se").await, None);
    // And a deletion Dora asked for herself is not the firm's to cancel.
    app.step_up(&dora, "dora@berg.se").await;
    let asked = dora.form("/api/account/request_deletion", &[]).await;
    assert!(asked.status().is_success());
    let theirs = owner
        .form(
            "/api/firm/set_member_deletion",
            &[("id", &dora_id), ("cancel", "1")],
        )
        .await;
    assert!(theirs.status().is_success());
    assert!(due_of(&app, "dora@berg.se").await.is_some());
    app.stop().await;
}
on_both_backends!(the_firm_can_ask_and_cancel_but_not_for_another_firm);

async fn a_removed_member_can_still_be_deleted_by_the_firm(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.firm_owner("owner@berg.se").await;
    let dora = crate::firm::invite_and_join(&app, &owner, "dora@berg.se", "member").await;
    new_entry(&dora, "Left behind").await;
    let dora_id = id_of(&app, "dora@berg.se").await;
    let removed = owner
        .form("/api/firm/remove_member", &[("id", &dora_id)])
        .await;
    assert!(removed.status().is_success());
    // Gone from the members, listed among those who left, with the way to delete.
    let page = owner.page("/firm/members").await;
    assert!(page.contains("People who left the firm"), "{page}");
    let unconfirmed = owner
        .form("/api/firm/set_member_deletion", &[("id", &dora_id)])
        .await;
    assert_eq!(unconfirmed.status().as_u16(), 422);
    let outsider = app.firm_owner("owner@holm.se").await;
    app.step_up(&outsider, "owner@holm.se").await;
    let foreign = outsider
        .form("/api/firm/set_member_deletion", &[("id", &dora_id)])
        .await;
    assert_eq!(foreign.status().as_u16(), 404);
    app.step_up(&owner, "owner@berg.se").await;
    let asked = owner
        .form("/api/firm/set_member_deletion", &[("id", &dora_id)])
        .await;
    assert!(asked.status().is_success(), "{}", asked.status());
    let state = &app.server.as_ref().expect("running").state;
    // Someone else's mail waits in the outbox: the purge of a person whose address was let
    // go (it is empty now) must not take it (an empty address is in every text).
    let waiting: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE subject <> ''")
        .fetch_one(&app.db().pool)
        .await
        .expect("count");
    assert!(waiting > 0, "the sign-ins left mail in the outbox");
    let later = app::backend::db::now_micros() + 31 * DAY_US;
    assert_eq!(
        app::backend::erasure::purge_due(state, later)
            .await
            .expect("purge"),
        1
    );
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM entries WHERE user_id = $1")
        .bind(&dora_id)
        .fetch_one(&app.db().pool)
        .await
        .expect("count");
    assert_eq!(left, 0);
    assert!(
        app.last_mail("owner@holm.se").await.is_some(),
        "another firm's mail stays queued"
    );
    app.stop().await;
}
on_both_backends!(a_removed_member_can_still_be_deleted_by_the_firm);
