//! The retention jobs run on every instance but each run happens once (a lease in the
//! database, decided by one UPDATE even under truly parallel claims on PostgreSQL); every
//! run is recorded, audited when it removed something, and shown to the firm.

use crate::certificates::new_entry;
use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;
use app::backend::jobs::{self, Job};

async fn of_many_instances_asking_at_once_exactly_one_runs_a_job(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let state = app.server.as_ref().expect("running").state.clone();
    let now = app::backend::db::now_micros();
    let claims = (0..16).map(|i| {
        let state = state.clone();
        tokio::spawn(async move {
            jobs::claim(&state, Job::PurgePeople, &format!("instance-{i}"), now)
                .await
                .expect("claim")
        })
    });
    let won = futures_util::future::join_all(claims)
        .await
        .into_iter()
        .filter(|r| *r.as_ref().expect("task"))
        .count();
    assert_eq!(won, 1, "one instance runs it");
    // Held, and not due again within its interval even once free.
    assert!(
        !jobs::claim(&state, Job::PurgePeople, "late", now + 1)
            .await
            .expect("claim")
    );
    // A holder that died frees it when its lease ends (15 minutes), once due again.
    let later = now + 16 * 60 * 1_000_000;
    assert!(
        jobs::claim(&state, Job::PurgePeople, "next", later)
            .await
            .expect("claim")
    );
    app.stop().await;
}
on_both_backends!(of_many_instances_asking_at_once_exactly_one_runs_a_job);

async fn runs_are_recorded_audited_and_shown_to_the_firm(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = app.firm_owner("owner@berg.se").await;
    let entry = new_entry(&owner, "Bolagsrätt").await;
    let deleted = owner.form("/api/log/delete_entry", &[("id", &entry)]).await;
    assert!(deleted.status().is_success(), "{}", deleted.status());
    // Its undo window passed (moved, not slept).
    sqlx::query("UPDATE deletions SET deleted_at_us = deleted_at_us - 86400000000")
        .execute(&app.db().pool)
        .await
        .expect("age");
    let state = &app.server.as_ref().expect("running").state;
    let page = owner.page("/firm/settings").await;
    assert!(
        page.contains("Retention") && page.contains("not yet"),
        "{page}"
    );
    assert_eq!(jobs::run_due(state, "test").await, Job::ALL.len());
    // Nothing is due again at once.
    assert_eq!(jobs::run_due(state, "test").await, 0);
    let runs: Vec<(String, i64)> = sqlx::query_as("SELECT job, removed FROM job_runs ORDER BY job")
        .fetch_all(&app.db().pool)
        .await
        .expect("runs");
    assert_eq!(runs.len(), Job::ALL.len(), "{runs:?}");
    assert!(
        runs.contains(&("finalize_deletions".to_owned(), 1)),
        "{runs:?}"
    );
    let audited: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT target_id, detail FROM audit_log WHERE action = 'system.retention_job_ran'",
    )
    .fetch_all(&app.db().pool)
    .await
    .expect("audit");
    assert!(
        audited.contains(&(
            "finalize_deletions".to_owned(),
            Some("done removed=1".to_owned())
        )),
        "{audited:?}"
    );
    let page = owner.page("/firm/settings").await;
    assert!(!page.contains("not yet"), "every job has run: {page}");
    app.assert_audit_verifies().await;
    app.stop().await;
}
on_both_backends!(runs_are_recorded_audited_and_shown_to_the_firm);
