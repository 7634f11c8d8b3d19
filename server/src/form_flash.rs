//! Moves a refused form's error out of the redirect's URL into the signed flash cookie
//! (`app::backend::flash`), and clears that cookie once a page has shown it. Only our own
//! server function responses are rewritten, so no request can choose the text.

use app::backend::flash;
use app::backend::request::cookie;
use app::backend::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;

pub async fn carry(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let secure = app::backend::auth::session::secure(&state.config);
    let had_flash = cookie(request.headers(), flash::cookie_name(secure)).is_some();
    let is_page_view = request.method() == Method::GET;
    let is_form_post =
        request.method() == Method::POST && request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    if is_form_post
        && response.status().is_redirection()
        && let Some(location) = response.headers().get(header::LOCATION)
        && let Ok(location) = location.to_str()
        && let Some((clean, path, error)) = flash::take_error(location)
    {
        let now = app::backend::db::now_micros() / 1_000_000;
        let value = flash::seal(state.master_key(), &path, &error, now);
        if let (Ok(clean), Ok(cookie)) = (
            HeaderValue::from_str(&clean),
            HeaderValue::from_str(&flash::set_cookie(secure, &value)),
        ) {
            response.headers_mut().insert(header::LOCATION, clean);
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    } else if had_flash && is_page_view && response.status().is_success() {
        // The page that was just rendered showed it; it is not shown twice.
        if let Ok(cookie) = HeaderValue::from_str(&flash::clear_cookie(secure)) {
            response.headers_mut().append(header::SET_COOKIE, cookie);
        }
    }
    response
}
