use crate::helpers::{Backend, TestApp};
use crate::on_both_backends;

async fn pages_render_in_english_by_default(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for (path, heading) in [
        ("/", "Your CPD hours, always audit-ready"),
        ("/security", "Security policy"),
        ("/data-processing", "Data processing terms"),
        ("/sub-processors", "Sub-processors"),
    ] {
        let (status, body) = app.get_text(path, &[]).await;
        assert_eq!(status, 200, "{path}");
        assert!(body.contains(r#"<html lang="en""#), "{path}: {body}");
        assert!(body.contains(heading), "{path} lacks {heading:?}");
        assert!(
            body.contains(r##"href="#main""##),
            "{path} lacks the skip link"
        );
        assert!(
            body.contains("never used to train AI models"),
            "{path} lacks the AI promise"
        );
    }
    app.stop().await;
}
on_both_backends!(pages_render_in_english_by_default);

async fn the_browser_language_and_the_cookie_choose_swedish(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let (_, body) = app
        .get_text("/", &[("accept-language", "sv-SE,sv;q=0.9,en;q=0.5")])
        .await;
    assert!(body.contains(r#"<html lang="sv""#));
    assert!(body.contains("Dina utbildningstimmar, alltid redo för revision"));

    // The cookie (the person's explicit choice) wins over the browser's preference.
    let (_, body) = app
        .get_text(
            "/security",
            &[("accept-language", "en"), ("cookie", "lang=sv")],
        )
        .await;
    assert!(body.contains(r#"<html lang="sv""#));
    assert!(body.contains("Säkerhetspolicy"));
    assert!(body.contains("används aldrig för att träna AI-modeller"));

    app.stop().await;
}
on_both_backends!(the_browser_language_and_the_cookie_choose_swedish);

async fn the_quick_check_works_as_a_plain_form(backend: Backend) {
    let app = TestApp::spawn(backend).await;

    let (status, body) = app.get_text("/?teacher_led=10&elearning=8", &[]).await;
    assert_eq!(status, 200);
    assert!(body.contains("2 hours to go"), "{body}");
    assert!(body.contains("2 e-learning hours above the cap do not count"));

    let (_, body) = app.get_text("/?teacher_led=12&elearning=6", &[]).await;
    assert!(
        body.contains("You meet this year&#x27;s minimum.")
            || body.contains("You meet this year's minimum.")
    );

    let (_, body) = app
        .get_text("/?teacher_led=abc", &[("cookie", "lang=sv")])
        .await;
    assert!(
        body.contains("Lärarledda timmar: ange ett antal timmar, till exempel 1,5"),
        "{body}"
    );

    app.stop().await;
}
on_both_backends!(the_quick_check_works_as_a_plain_form);

async fn unknown_pages_answer_404_with_a_way_home(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (status, body) = app.get_text("/no/such/page", &[]).await;
    assert_eq!(status, 404);
    assert!(body.contains("Page not found"));
    assert!(body.contains("Go to the home page"));
    app.stop().await;
}
on_both_backends!(unknown_pages_answer_404_with_a_way_home);

async fn pages_are_served_compressed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let response = app
        .client
        .get(app.url("/"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("GET");
    assert_eq!(
        response
            .headers()
            .get("content-encoding")
            .map(|v| v.as_bytes()),
        Some(&b"gzip"[..])
    );
    app.stop().await;
}
on_both_backends!(pages_are_served_compressed);
