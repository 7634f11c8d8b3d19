use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

async fn probes_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let live = app.get("/healthz").await;
    assert_eq!(live.status(), 200);
    assert_eq!(live.text().await.expect("body"), "ok");

    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 200);

    app.stop().await;
}
on_both_backends!(probes_answer);

async fn readiness_fails_when_the_database_is_gone(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.db().pool.close().await;

    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    assert_eq!(ready.text().await.expect("body"), "database unavailable");
    // Liveness is about the process, not its dependencies.
    assert_eq!(app.get("/healthz").await.status(), 200);

    app.stop().await;
}
on_both_backends!(readiness_fails_when_the_database_is_gone);
