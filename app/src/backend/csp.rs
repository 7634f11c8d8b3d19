//! Content-Security-Policy values. HTML pages get a policy with the request's nonce (set
//! while the page renders, see `shell`); everything else gets one that allows nothing.

/// The policy for everything that is not an HTML page (JSON, CSV, files, errors): nothing
/// in it may run or be framed.
pub const NON_HTML: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The policy of an HTML page whose scripts carry `nonce`. `strict-dynamic` lets the nonced
/// loader import the bundle; `wasm-unsafe-eval` lets it compile the WASM. No inline styles
/// or scripts without the nonce. `files` is the certificate store's origin when its links
/// leave our site (S3), so certificate images can show.
pub fn page(nonce: &str, files: Option<&str>) -> String {
    let files = files.map(|f| format!(" {f}")).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data: blob:{files}; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}
