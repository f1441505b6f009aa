//! Headers that tell a browser what Siar never does, so that a mistake elsewhere (markup that
//! slipped through unescaped, a page framed by another site) cannot be used:
//! - pages: a Content-Security-Policy that runs only the scripts Siar itself put there, by a
//!   nonce new for each response, and what they load (`strict-dynamic`: the client's module
//!   and its WebAssembly); no plugins, no `<base>`, no framing of Siar, frames of only the
//!   video players an episode embeds (`domain::recording`), forms only to this site;
//! - everything: `X-Frame-Options: DENY` for browsers without `frame-ancestors`; HSTS when the
//!   site is served over https;
//! - pages and API answers: `Cache-Control: no-store` unless the route chose its own caching
//!   (feeds, client files): they carry a CSRF token or personal data, which shared caches and
//!   the back button must not keep.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::app::AppState;
use crate::auth::random_token;
use crate::domain::recording::EMBED_ORIGINS;

/// The nonce of this response's scripts; the page renderer puts it on every script it writes.
#[derive(Debug, Clone)]
pub struct CspNonce(pub Arc<str>);

/// HSTS for a site served over https: a year, subdomains included.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The policy for a page whose scripts carry `nonce`.
pub fn content_security_policy(nonce: &str) -> String {
    let players = EMBED_ORIGINS.join(" ");
    format!(
        "script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; object-src 'none'; \
         base-uri 'none'; frame-src {players}; frame-ancestors 'none'; form-action 'self'"
    )
}

/// The middleware: mints the nonce before the page renders, then sets the headers.
pub async fn security_headers(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = CspNonce(random_token().into());
    request.extensions_mut().insert(nonce.clone());
    let is_api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let is_html = is_html(headers);
    if is_html && let Ok(policy) = HeaderValue::from_str(&content_security_policy(&nonce.0)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if state.config.base_url.starts_with("https://") {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    if (is_html || is_api) && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_the_nonce_and_shuts_the_usual_doors() {
        let policy = content_security_policy("abc123");
        for part in [
            "script-src 'nonce-abc123' 'strict-dynamic' 'wasm-unsafe-eval'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
            "frame-src https://www.youtube-nocookie.com https://www.facebook.com;",
        ] {
            assert!(policy.contains(part), "{policy}");
        }
        assert!(!policy.contains("unsafe-inline"), "{policy}");
    }
}
