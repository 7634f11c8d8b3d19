//! The firm honours a person's other data rights: restriction of processing (the data kept,
//! nothing calculated or reported from it, the person told) and correction of their
//! details (audited field by field with keyed hashes, never the values).

use crate::certificates::new_entry;
use crate::firm::{invite_and_join, user_id};
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

async fn restricted_at(app: &TestApp, id: &str) -> Option<i64> {
    sqlx::query_scalar("SELECT restricted_at_us FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db().pool)
        .await
        .expect("user")
}

async fn a_restricted_person_is_kept_but_not_calculated_or_reported(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.firm_owner("owner@berg.se").await;
    let dora = invite_and_join(&app, &owner, "dora@berg.se", "member").await;
    let carl = invite_and_join(&app, &owner, "carl@berg.se", "member").await;
    new_entry(&dora, "Processrätt").await;
    let dora_id = user_id(&app, "dora@berg.se").await;
    let owner_id = user_id(&app, "owner@berg.se").await;

    // A member may not restrict anyone; another firm cannot find her.
    let by_member = carl
        .form("/api/firm/set_member_restriction", &[("id", &dora_id)])
        .await;
    assert_eq!(by_member.status().as_u16(), 403);
    let outsider = app.firm_owner("owner@holm.se").await;
    let foreign = outsider
        .form("/api/firm/set_member_restriction", &[("id", &dora_id)])
        .await;
    assert_eq!(foreign.status().as_u16(), 404);
    // Nor can anyone restrict themselves (the firm's decision, about someone else).
    let own = owner
        .form("/api/firm/set_member_restriction", &[("id", &owner_id)])
        .await;
    assert_eq!(own.status().as_u16(), 422);
    assert_eq!(restricted_at(&app, &dora_id).await, None);

    let restricted = owner
        .form("/api/firm/set_member_restriction", &[("id", &dora_id)])
        .await;
    assert!(restricted.status().is_success(), "{}", restricted.status());
    let since = restricted_at(&app, &dora_id).await.expect("restricted");
    // Twice is once: the date stays, one audit row.
    owner
        .form("/api/firm/set_member_restriction", &[("id", &dora_id)])
        .await;
    assert_eq!(restricted_at(&app, &dora_id).await, Some(since));

    // Dora is told on every page, her records are there, and no standing is calculated.
    let page = dora.page("/dashboard").await;
    assert!(
        page.contains("Your firm has restricted the processing of your data"),
        "{page}"
    );
    assert!(
        page.contains("Not calculated while processing is restricted"),
        "{page}"
    );
    let log = dora.page("/log").await;
    assert!(log.contains("Processrätt"), "her records are kept: {log}");
    // Kept as they are: nothing added, nothing deleted.
    let entry: String = sqlx::query_scalar("SELECT id FROM entries WHERE user_id = $1")
        .bind(&dora_id)
        .fetch_one(&app.db().pool)
        .await
        .expect("entry");
    let deleted = dora.form("/api/log/delete_entry", &[("id", &entry)]).await;
    assert_eq!(deleted.status().as_u16(), 422);
    let added = dora
        .form(
            "/api/log/create_entry",
            &[
                ("date", "2026-03-02"),
                ("title", "Another"),
                ("provider", ""),
                ("hours", "1"),
                ("category", "teacher-led"),
                ("topic", ""),
                ("notes", ""),
            ],
        )
        .await;
    assert_eq!(added.status().as_u16(), 422);
    let report = dora
        .form(
            "/api/reports/create_report",
            &[("year", "2026"), ("language", "en")],
        )
        .await;
    assert_eq!(report.status().as_u16(), 422);
    assert!(
        report
            .text()
            .await
            .unwrap_or_default()
            .contains("restricted"),
        "the refusal says why"
    );
    let reports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports")
        .fetch_one(&app.db().pool)
        .await
        .expect("count");
    assert_eq!(reports, 0);
    // The firm sees the restriction instead of a standing, on the page and in the CSV.
    let members = owner.page("/firm/members").await;
    assert!(members.contains("Processing restricted"), "{members}");
    assert!(members.contains("Lift restriction"), "{members}");
    let overview = owner.page("/firm/overview?year=2026").await;
    assert!(overview.contains("Processing restricted"), "{overview}");
    let csv = owner
        .get("/firm/overview.csv?year=2026")
        .await
        .text()
        .await
        .expect("csv");
    let row = csv
        .lines()
        .find(|l| l.contains("dora@berg.se"))
        .expect("her row");
    assert!(row.contains(",restricted,0,0,0"), "{row}");

    let lifted = owner
        .form(
            "/api/firm/set_member_restriction",
            &[("id", &dora_id), ("lift", "1")],
        )
        .await;
    assert!(lifted.status().is_success(), "{}", lifted.status());
    assert_eq!(restricted_at(&app, &dora_id).await, None);
    let page = dora.page("/dashboard").await;
    assert!(!page.contains("Your firm has restricted"), "{page}");
    let made = dora
        .form(
            "/api/reports/create_report",
            &[("year", "2026"), ("language", "en")],
        )
        .await;
    assert!(made.status().is_success(), "{}", made.status());
    let actions = app.audit_actions().await;
    let count = |a: &str| actions.iter().filter(|x| *x == a).count();
    assert_eq!(count("account.processing_restricted"), 1, "{actions:?}");
    assert_eq!(count("account.restriction_lifted"), 1, "{actions:?}");
    app.stop().await;
}
on_both_backends!(a_restricted_person_is_kept_but_not_calculated_or_reported);

async fn the_firm_corrects_details_and_the_log_keeps_only_hashes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.firm_owner("owner@berg.se").await;
    let dora = invite_and_join(&app, &owner, "dora@berg.se", "member").await;
    let dora_id = user_id(&app, "dora@berg.se").await;
    let owner_id = user_id(&app, "owner@berg.se").await;
    let profile = [
        ("full_name", "Dora Lindqvist"),
        ("title", "advokat"),
        ("admission_date", "2012-05-01"),
        ("birth_date", "1980-02-03"),
        ("rule_set", ""),
        ("language", "sv"),
        ("history_from", ""),
    ];
    let saved = dora.form("/api/account/update_profile", &profile).await;
    assert!(saved.status().is_success(), "{}", saved.status());
    let correction = |name: &'static str, born: &'static str| {
        vec![
            ("full_name", name),
            ("title", "advokat"),
            ("admission_date", "2012-05-01"),
            ("birth_date", born),
            ("rule_set", ""),
            ("history_from", ""),
        ]
    };
    // As stored, opened with the firm's key (the fields are sealed in the row).
    let stored = || async {
        let db = app.db();
        let user = app::backend::auth::users::by_id(
            &mut db.pool.acquire().await.expect("conn"),
            &db.records,
            &dora_id,
        )
        .await
        .expect("user")
        .expect("found");
        (user.full_name, user.birth_date, user.language)
    };
    // The page offers the form with her details as stored.
    let page = owner.page(&format!("/firm/member/{dora_id}")).await;
    assert!(page.contains("Correct their details"), "{page}");
    assert!(page.contains("value=\"1980-02-03\""), "{page}");

    // Wrong input: said, and nothing changes.
    let mut bad = correction("Dora Lind", "2999-01-01");
    bad.push(("id", &dora_id));
    let refused = owner.form("/api/firm/correct_member", &bad).await;
    assert_eq!(refused.status().as_u16(), 422);
    assert_eq!(stored().await.0, "Dora Lindqvist");
    // A member corrects nobody; another firm finds nobody; nobody corrects themselves here.
    let mut mine = correction("Someone Else", "1970-01-01");
    mine.push(("id", &owner_id));
    assert_eq!(
        dora.form("/api/firm/correct_member", &mine)
            .await
            .status()
            .as_u16(),
        403
    );
    let outsider = app.firm_owner("owner@holm.se").await;
    let mut theirs = correction("Dora X", "1980-02-03");
    theirs.push(("id", &dora_id));
    assert_eq!(
        outsider
            .form("/api/firm/correct_member", &theirs)
            .await
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        owner
            .form("/api/firm/correct_member", &mine)
            .await
            .status()
            .as_u16(),
        422
    );

    let mut good = correction("Dora Lind", "1980-03-02");
    good.push(("id", &dora_id));
    let corrected = owner.form("/api/firm/correct_member", &good).await;
    assert!(corrected.status().is_success(), "{}", corrected.status());
    let (name, born, language) = stored().await;
    assert_eq!(
        (name.as_str(), born.as_deref(), language.as_str()),
        ("Dora Lind", Some("1980-03-02"), "sv"),
        "her language is hers"
    );
    let details: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT target_id, detail FROM audit_log WHERE action = 'account.corrected' ORDER BY seq",
    )
    .fetch_all(&app.db().pool)
    .await
    .expect("audit");
    assert_eq!(details.len(), 2, "one row per changed field: {details:?}");
    let fields: Vec<&str> = details
        .iter()
        .map(|(target, detail)| {
            assert_eq!(target, &dora_id);
            let detail = detail.as_deref().expect("a detail");
            for value in ["Dora", "Lind", "1980"] {
                assert!(!detail.contains(value), "no value in the log: {detail}");
            }
            detail.split(' ').next().expect("field")
        })
        .collect();
    assert_eq!(fields, ["full_name", "birth_date"]);
    // The same correction again changes nothing and is not audited again.
    owner.form("/api/firm/correct_member", &good).await;
    let again: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'account.corrected'")
            .fetch_one(&app.db().pool)
            .await
            .expect("count");
    assert_eq!(again, 2);
    // The detail is part of the chain, and the chain verifies.
    app.assert_audit_verifies().await;
    let page = dora.page("/account/profile").await;
    assert!(page.contains("Dora Lind"), "{page}");
    app.stop().await;
}
on_both_backends!(the_firm_corrects_details_and_the_log_keeps_only_hashes);

async fn set_hold(browser: &crate::helpers::Browser, fields: &[(&str, &str)]) -> u16 {
    browser
        .form("/api/firm/set_legal_hold", fields)
        .await
        .status()
        .as_u16()
}

async fn a_legal_hold_keeps_a_person_until_the_firm_lifts_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.firm_owner("owner@berg.se").await;
    let dora = invite_and_join(&app, &owner, "dora@berg.se", "member").await;
    let carl = invite_and_join(&app, &owner, "carl@berg.se", "member").await;
    let dora_id = user_id(&app, "dora@berg.se").await;
    app.step_up(&dora, "dora@berg.se").await;
    let asked = dora.form("/api/account/request_deletion", &[]).await;
    assert!(asked.status().is_success());

    assert_eq!(
        set_hold(&carl, &[("id", &dora_id), ("reason", "Because")]).await,
        403
    );
    assert_eq!(
        set_hold(&owner, &[("id", &dora_id), ("reason", "  ")]).await,
        422,
        "a reason is needed"
    );
    assert_eq!(
        set_hold(
            &owner,
            &[("id", &dora_id), ("reason", "Bokföringslagen, 7 år")]
        )
        .await,
        200
    );
    let members = owner.page("/firm/members").await;
    assert!(
        members.contains("Kept by law: Bokföringslagen, 7 år"),
        "{members}"
    );
    let page = dora.page("/dashboard").await;
    assert!(
        page.contains("the law requires it (Bokföringslagen, 7 år)"),
        "she is told why: {page}"
    );
    // Nothing of hers can be deleted meanwhile, by her either.
    let entry = new_entry(&dora, "Kept course").await;
    let deleted = dora.form("/api/log/delete_entry", &[("id", &entry)]).await;
    assert_eq!(deleted.status().as_u16(), 422);
    // The hold outlasts her 30 days: past them nothing is purged.
    let state = &app.server.as_ref().expect("running").state;
    let later = app::backend::db::now_micros() + 31 * 86_400 * 1_000_000;
    assert_eq!(
        app::backend::erasure::purge_due(state, later)
            .await
            .expect("purge"),
        0
    );
    // And the firm does not close over it.
    app.step_up(&owner, "owner@berg.se").await;
    let closing = owner
        .form("/api/firm/close_firm", &[("choice", "delete")])
        .await;
    assert_eq!(closing.status().as_u16(), 422);
    let lifted = set_hold(&owner, &[("id", &dora_id), ("lift", "1")]).await;
    assert_eq!(lifted, 200);
    assert_eq!(
        app::backend::erasure::purge_due(state, later)
            .await
            .expect("purge"),
        1
    );
    let actions = app.audit_actions().await;
    for action in ["account.legal_hold_set", "account.legal_hold_lifted"] {
        assert!(actions.iter().any(|a| a == action), "{action}");
    }
    app.stop().await;
}
on_both_backends!(a_legal_hold_keeps_a_person_until_the_firm_lifts_it);
