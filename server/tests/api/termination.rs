//! An owner closes the firm: only with a fresh confirmation, everyone told, nobody new let
//! in, cancellable during the 30-day hold; then every person, row and file of the firm is
//! purged and its key destroyed, while other firms are untouched and the audit log verifies.

use crate::certificates::{new_entry, upload};
use crate::erasure::mentions;
use crate::firm::{invite_and_join, user_id};
use crate::helpers::{Backend, TestApp};
use crate::storage::Store;
use crate::{on_both_backends, on_both_storages};
use server::inspect::samples::pdf;

const DAY_US: i64 = 86_400 * 1_000_000;

async fn due(app: &TestApp, firm: &str) -> Option<i64> {
    sqlx::query_scalar("SELECT termination_due_at_us FROM firms WHERE id = $1")
        .bind(firm)
        .fetch_one(&app.db().pool)
        .await
        .expect("firm")
}

async fn an_owner_closes_the_firm_and_nothing_of_it_is_left(backend: Backend) {
    closes_and_leaves_nothing(TestApp::spawn(backend).await, backend).await;
}
on_both_backends!(an_owner_closes_the_firm_and_nothing_of_it_is_left);

/// The same on both stores: every object under the firm's prefix goes, in Garage too.
async fn a_closed_firm_leaves_no_object_in_either_store(store: Store) {
    closes_and_leaves_nothing(
        crate::storage::spawn_with(store, &[]).await,
        Backend::Sqlite,
    )
    .await;
}
on_both_storages!(a_closed_firm_leaves_no_object_in_either_store);

async fn closes_and_leaves_nothing(app: TestApp, backend: Backend) {
    let owner = app.firm_owner("owner@berg.se").await;
    let ada = invite_and_join(&app, &owner, "ada@berg.se", "admin").await;
    let dora = invite_and_join(&app, &owner, "dora@berg.se", "member").await;
    let entry = new_entry(&dora, "Bolagsrätt Berg").await;
    let (status, body) = upload(&dora, &entry, "intyg.pdf", pdf(2)).await;
    assert_eq!(status, 201, "{body}");
    let firm: String = sqlx::query_scalar(&format!(
        "SELECT firm_id FROM users WHERE email_index = '{}'",
        crate::helpers::email_index("dora@berg.se")
    ))
    .fetch_one(&app.db().pool)
    .await
    .expect("firm");
    let ids = [
        user_id(&app, "owner@berg.se").await,
        user_id(&app, "ada@berg.se").await,
        user_id(&app, "dora@berg.se").await,
    ];
    // Another firm, which must come through untouched.
    let holm = app
        .person("hedda@holm.se")
        .course("2026-02-01", "Holm course", "4")
        .create()
        .await;
    let holm_entry = new_entry(&holm.browser, "Holm certificate course").await;
    let (status, _) = upload(&holm.browser, &holm_entry, "holm.pdf", pdf(1)).await;
    assert_eq!(status, 201);

    // Not an admin; not without confirming; not without a choice.
    app.step_up(&ada, "ada@berg.se").await;
    let by_admin = ada
        .form("/api/firm/close_firm", &[("choice", "delete")])
        .await;
    assert_eq!(by_admin.status().as_u16(), 403);
    let unconfirmed = owner
        .form("/api/firm/close_firm", &[("choice", "delete")])
        .await;
    assert_eq!(unconfirmed.status().as_u16(), 422);
    app.step_up(&owner, "owner@berg.se").await;
    let no_choice = owner.form("/api/firm/close_firm", &[("choice", "")]).await;
    assert_eq!(no_choice.status().as_u16(), 422);
    assert_eq!(due(&app, &firm).await, None);

    // Closed with an archive first: the date, everyone told, the archive on its way.
    let closed = owner
        .form("/api/firm/close_firm", &[("choice", "export")])
        .await;
    assert!(closed.status().is_success(), "{}", closed.status());
    let when = due(&app, &firm).await.expect("a day");
    let hold = when - app::backend::db::now_micros();
    assert!((29 * DAY_US..=30 * DAY_US).contains(&hold), "{hold}");
    for email in ["ada@berg.se", "dora@berg.se", "owner@berg.se"] {
        let (subject, _) = app.last_mail(email).await.expect("mail");
        assert!(subject.contains("closing"), "{email}: {subject}");
    }
    let page = dora.page("/dashboard").await;
    assert!(
        page.contains("Your firm&#x27;s account is closing")
            || page.contains("Your firm's account is closing"),
        "{page}"
    );
    let archives: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM exports WHERE firm_id = $1 AND scope = 'firm'")
            .bind(&firm)
            .fetch_one(&app.db().pool)
            .await
            .expect("count");
    assert_eq!(archives, 1);
    // Nobody new comes in.
    let invited = owner
        .form(
            "/api/firm/invite_member",
            &[("email", "new@berg.se"), ("role", "member")],
        )
        .await;
    assert_eq!(invited.status().as_u16(), 422);
    let settings = owner.page("/firm/settings").await;
    assert!(settings.contains("Keep the firm"), "{settings}");

    // Kept, then closed again without an archive.
    let kept = owner.form("/api/firm/keep_firm", &[]).await;
    assert!(kept.status().is_success());
    assert_eq!(due(&app, &firm).await, None);
    let page = dora.page("/dashboard").await;
    assert!(!page.contains("account is closing"), "{page}");
    app.step_up(&owner, "owner@berg.se").await;
    let closed = owner
        .form("/api/firm/close_firm", &[("choice", "delete")])
        .await;
    assert!(closed.status().is_success());
    let state = &app.server.as_ref().expect("running").state;
    let prefix = state.storage.key_prefix().to_owned();
    let firm_objects = |all: &[(String, i64)]| {
        all.iter()
            .filter(|(k, _)| app::backend::storage::our_key_firm(&prefix, k) == Some(firm.as_str()))
            .count()
    };
    assert!(firm_objects(&state.storage.list().await.expect("list")) >= 1);
    let now = app::backend::db::now_micros();
    let terminate = app::backend::firm::termination::purge_due;
    assert_eq!(terminate(state, now).await.expect("not yet"), 0);
    // The clock moved past the hold (not slept): purged once.
    assert_eq!(terminate(state, now + 31 * DAY_US).await.expect("purge"), 1);
    assert_eq!(terminate(state, now + 32 * DAY_US).await.expect("again"), 0);

    let mut needles: Vec<&str> = ids.iter().map(String::as_str).collect();
    needles.extend(["@berg.se", "Bolagsrätt Berg"]);
    let left: Vec<_> = mentions(&app, backend, &needles)
        .await
        .into_iter()
        .filter(|(table, _, _)| !["audit_log", "person_purges"].contains(&table.as_str()))
        .collect();
    assert!(left.is_empty(), "still there: {left:?}");
    let firm_left: Vec<_> = mentions(&app, backend, &[&firm])
        .await
        .into_iter()
        .filter(|(table, _, _)| !KEPT_BY_DESIGN.contains(&table.as_str()))
        .collect();
    assert!(
        firm_left.is_empty(),
        "the firm is still named: {firm_left:?}"
    );
    let objects = state.storage.list().await.expect("list");
    assert_eq!(firm_objects(&objects), 0, "no object of the firm is left");
    // Its people cannot sign in to it: a sign-in now is a new person in a new firm.
    let again = app.signed_in_browser("dora@berg.se").await;
    assert_ne!(user_id(&app, "dora@berg.se").await, ids[2]);
    assert!(!again.page("/log").await.contains("Bolagsrätt Berg"));
    // The other firm is untouched, its file too; the purge is recorded and audited.
    let page = holm.browser.page("/log?year=2026").await;
    assert!(page.contains("Holm course") && page.contains("Holm certificate course"));
    let holm_key: String =
        sqlx::query_scalar("SELECT object_key FROM certificates WHERE user_id = $1")
            .bind(&holm.viewer.user.id)
            .fetch_one(&app.db().pool)
            .await
            .expect("key");
    assert!(objects.iter().any(|(k, _)| *k == holm_key));
    let counts: String = sqlx::query_scalar("SELECT counts FROM firm_purges WHERE firm_id = $1")
        .bind(&firm)
        .fetch_one(&app.db().pool)
        .await
        .expect("record");
    let counts: serde_json::Value = serde_json::from_str(&counts).expect("json");
    assert_eq!(counts["rows"]["users"], 3, "{counts}");
    assert_eq!(counts["rows"]["firms"], 1, "{counts}");
    let actions = app.audit_actions().await;
    for action in [
        "firm.termination_requested",
        "firm.termination_cancelled",
        "firm.purged",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action}");
    }
    app.assert_audit_verifies().await;
    app.stop().await;
}

/// Tables that may name a purged firm by id, by design: the audit log and its chains'
/// heads and signatures (ids only, so every chain still verifies) and the records of the
/// purges themselves.
pub const KEPT_BY_DESIGN: [&str; 5] = [
    "audit_log",
    "audit_heads",
    "audit_checkpoints",
    "person_purges",
    "firm_purges",
];
