use crate::AppError;
use leptos::prelude::*;

/// Remembers the chosen language in a cookie and sends a plain form post back to `back`
/// (a path on this site; anything else is ignored so this cannot be an open redirect).
#[server(prefix = "/api", endpoint = "preferences/set_language")]
pub async fn set_language(lang: String, back: Option<String>) -> Result<(), AppError> {
    use crate::i18n::{Lang, lang_cookie};
    use http::{HeaderValue, header::SET_COOKIE};

    let lang =
        Lang::from_code(&lang).ok_or_else(|| AppError::invalid("lang", "unknown language"))?;
    let state = expect_context::<crate::backend::state::AppState>();
    let cookie = lang_cookie(lang, state.config.http.public_url.is_https());
    let response = expect_context::<leptos_axum::ResponseOptions>();
    response.insert_header(
        SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(AppError::internal)?,
    );
    if let Some(back) = back.filter(|path| is_local_path(path)) {
        leptos_axum::redirect(&back);
    }
    Ok(())
}

/// A path on this site: starts with one slash, no scheme or host, no backslash tricks.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control)
}

/// `?next=…` for a sign-in that should come back to `path` (nothing if it is not ours).
pub fn next_query(path: &str) -> String {
    if !is_local_path(path) || path.starts_with("/sign-in") {
        return String::new();
    }
    let encoded: String = path
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("?next={encoded}")
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn only_local_paths_are_redirect_targets() {
        assert!(is_local_path("/"));
        assert!(is_local_path("/security?x=1"));
        assert!(!is_local_path("//evil.example/"));
        assert!(!is_local_path("https://evil.example/"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(!is_local_path("/a\r\nSet-Cookie: x"));
        assert!(!is_local_path(""));
    }
}
