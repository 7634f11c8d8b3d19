//! `GET /.well-known/security.txt` (RFC 9116): how to report a vulnerability.

use app::backend::account::today;
use app::backend::state::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use domain::Date;

pub fn body(public_url: &str, contact: &str, today: Date) -> String {
    // RFC 9116 asks for an Expires less than a year ahead; the file is made per request, so
    // it never goes stale.
    let expires = Date::from_unix_days(today.to_unix_days() + 180);
    let base = public_url.trim_end_matches('/');
    format!(
        "Contact: {contact}\n\
         Expires: {expires}T00:00:00Z\n\
         Policy: {base}/security\n\
         Preferred-Languages: en, sv\n\
         Canonical: {base}/.well-known/security.txt\n"
    )
}

pub async fn security_txt(State(state): State<AppState>) -> Response {
    let config = &state.config;
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        )],
        body(
            config.http.public_url.as_str(),
            &config.http.security_contact,
            today(),
        ),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_the_fields_rfc_9116_asks_for() {
        let text = body(
            "https://cpd.example.se/",
            "mailto:security@cpd.example.se",
            Date::parse("2026-11-23").expect("date"),
        );
        assert!(text.contains("Contact: mailto:security@cpd.example.se\n"));
        assert!(text.contains("Expires: 2027-05-22T00:00:00Z\n"));
        assert!(text.contains("Policy: https://cpd.example.se/security\n"));
        assert!(text.contains("Preferred-Languages: en, sv\n"));
    }
}
