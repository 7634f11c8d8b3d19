//! A form's error, carried to the page the browser is sent back to, in a short-lived cookie
//! that the server signs. Without JavaScript a refused form post is redirected back to its
//! page; the error used to ride along in the URL (`?__err=…`), where anyone could write any
//! text into a red alert on our domain with a crafted link. Now the redirect's URL is clean
//! and the error travels in this cookie, which only our server can make (HMAC under a key
//! derived from the master key) and only in answer to that browser's own post. The page
//! shows it once (the next page response clears it), and only on the form that made it.

use crate::backend::crypto::{Key, Purpose};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// How long the error waits for its page: the redirect is followed at once.
pub const LIFETIME_SECS: i64 = 120;

/// The cookie's name: `__Host-` over HTTPS (Secure, Path=/, no Domain), plain in
/// development over HTTP.
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-cpd_flash"
    } else {
        "cpd_flash"
    }
}

/// The cookie value for the error `error` (the server function's own encoding) of the
/// form posted to `path`.
pub fn seal(master: &[u8; 32], path: &str, error: &str, now_secs: i64) -> String {
    let expires = now_secs + LIFETIME_SECS;
    let body = URL_SAFE_NO_PAD
        .encode(serde_json::json!({ "p": path, "e": error, "x": expires }).to_string());
    let mac = Key::derive(master, Purpose::FormFlash).mac(&[body.as_bytes()]);
    format!("{body}.{mac}")
}

/// The (server function path, encoded error) in a cookie value, if we made it and it is
/// still fresh.
pub fn open(master: &[u8; 32], value: &str, now_secs: i64) -> Option<(String, String)> {
    let (body, mac) = value.split_once('.')?;
    if !Key::derive(master, Purpose::FormFlash).verify(&[body.as_bytes()], mac) {
        return None;
    }
    let json: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()?;
    if json["x"].as_i64()? < now_secs {
        return None;
    }
    Some((
        json["p"].as_str()?.to_owned(),
        json["e"].as_str()?.to_owned(),
    ))
}

/// `Set-Cookie` values that set and clear the flash.
pub fn set_cookie(secure: bool, value: &str) -> String {
    format!(
        "{}={value}; Path=/; Max-Age={LIFETIME_SECS}; HttpOnly; SameSite=Lax{}",
        cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}",
        cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

/// Splits a redirect target that carries a server function's error: the target without
/// the error's query parameters, the function's path, and the encoded error.
pub fn take_error(location: &str) -> Option<(String, String, String)> {
    let (base, query) = location.split_once('?')?;
    let mut path = None;
    let mut error = None;
    let mut kept = Vec::new();
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("__path", v)) => path = Some(percent_decode(v)),
            Some(("__err", v)) => error = Some(percent_decode(v)),
            _ => kept.push(pair),
        }
    }
    let (path, error) = (path?, error?);
    let clean = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Some((clean, path, error))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = text.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MASTER: [u8; 32] = [7; 32];

    #[test]
    fn only_our_fresh_cookies_open() {
        let value = seal(&MASTER, "/api/log/create_entry", "eyJ9", 1000);
        assert_eq!(
            open(&MASTER, &value, 1000 + LIFETIME_SECS),
            Some(("/api/log/create_entry".to_owned(), "eyJ9".to_owned()))
        );
        assert_eq!(open(&MASTER, &value, 1001 + LIFETIME_SECS), None, "expired");
        assert_eq!(open(&[8; 32], &value, 1000), None, "another key");
        let (body, mac) = value.split_once('.').expect("dot");
        let forged = URL_SAFE_NO_PAD.encode(r#"{"p":"/api/log/create_entry","e":"x","x":99999}"#);
        assert_eq!(open(&MASTER, &format!("{forged}.{mac}"), 1000), None);
        assert_eq!(open(&MASTER, body, 1000), None);
    }

    #[test]
    fn the_error_leaves_the_url() {
        let (clean, path, error) =
            take_error("/log/new?year=2026&__path=%2Fapi%2Flog%2Fcreate_entry&__err=eyJ9")
                .expect("an error");
        assert_eq!(clean, "/log/new?year=2026");
        assert_eq!(path, "/api/log/create_entry");
        assert_eq!(error, "eyJ9");
        assert_eq!(
            take_error("/log/new?__path=%2Fx&__err=e")
                .map(|t| t.0)
                .as_deref(),
            Some("/log/new")
        );
        assert_eq!(take_error("/log/new?saved=1"), None);
    }
}
