//! Cross-site request forgery protection for every state-changing request.
//!
//! Two checks, both needed:
//! - where the browser says where a request comes from (`Sec-Fetch-Site`, `Origin`), a
//!   request from another site is refused outright;
//! - a token: each browser gets a random token in the `siar_csrf` cookie (HttpOnly,
//!   SameSite=Lax), and a state-changing request must echo it in the `X-CSRF-Token` header
//!   or, for a form post, in the `csrf_token` field (for a file upload form, in the
//!   `csrf_token` query parameter of its action URL). Another site can make a browser send
//!   the cookie but cannot read it to echo it.
//!
//! A JSON request without the session cookie needs no token: a browser cannot send one
//! cross-site without a CORS preflight (which Siar never grants), and without a session it
//! acts with no one's authority. That lets scripts call `POST /api/v1/auth/login`.
//! The pages' own server functions (`/_fn/*`) send JSON too and cannot add a header, so the
//! same preflight argument covers them with a session: only same-site pages can send them.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponseParts, ResponseParts};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::convert::Infallible;

use crate::auth::SESSION_COOKIE;
use crate::context::cookie_value;
use crate::error::AppError;

/// The cookie holding the browser's token.
pub const CSRF_COOKIE: &str = "siar_csrf";
/// The header API clients echo the token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field pages echo the token in.
pub const CSRF_FIELD: &str = "csrf_token";
/// Paths whose authority is a secret in the request itself (an entry token, a random upload
/// id), never a cookie: a forged request could do nothing the secret does not already allow.
const CAPABILITY_PATHS: &[&str] = &["/uploads/tus/"];

/// The largest form body read to find the token; real forms here are far smaller.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// A fresh random token (256 bits).
pub use crate::auth::random_token as new_token;

/// The browser's token, if its cookie holds a well-formed one.
pub fn token_from_cookie(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, CSRF_COOKIE)
        .filter(|t| t.len() == 43 && URL_SAFE_NO_PAD.decode(t).is_ok())
}

/// The `Set-Cookie` value that gives a browser its token.
pub fn cookie(token: &str, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    // The token is URL-safe base64, so the value is always a valid header.
    HeaderValue::from_str(&format!(
        "{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A browser's new token at sign-in, so a token known before (planted by whoever shared the
/// device or the cookie jar) is worth nothing to the signed-in session. Put it in the answer:
/// it sets the cookie; API clients read [`Rotation::token`] from the body.
#[must_use = "the new token reaches the browser only through the answer"]
pub struct Rotation {
    /// The token the browser echoes from now on.
    pub token: String,
    cookie: HeaderValue,
}

/// Marks an answer that already sets the token cookie, so the request layer adds no other.
#[derive(Clone, Copy)]
pub struct TokenSet;

/// A new token and its cookie.
pub fn rotate(secure: bool) -> Rotation {
    let token = new_token();
    let cookie = cookie(&token, secure);
    Rotation { token, cookie }
}

impl IntoResponseParts for Rotation {
    type Error = Infallible;

    fn into_response_parts(self, mut parts: ResponseParts) -> Result<ResponseParts, Infallible> {
        parts.headers_mut().append(header::SET_COOKIE, self.cookie);
        parts.extensions_mut().insert(TokenSet);
        Ok(parts)
    }
}

/// Passes safe requests through; for state-changing ones, checks origin and token and
/// returns the request (its body re-assembled when a form had to be read).
/// `token_is_new` means the browser sent no valid token cookie at all.
pub async fn check(
    request: Request,
    expected: &str,
    token_is_new: bool,
) -> Result<Request, AppError> {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) || CAPABILITY_PATHS
        .iter()
        .any(|prefix| request.uri().path().starts_with(prefix))
    {
        return Ok(request);
    }
    let headers = request.headers();
    if is_cross_site(headers) {
        return Err(AppError::CsrfRejected);
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let header_token = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    // Types a cross-site <form> or no-cors fetch can send; everything else needs a preflight.
    let browser_sendable = is_form
        || content_type.starts_with("multipart/form-data")
        || content_type.starts_with("text/plain")
        || content_type.is_empty();
    let has_session = cookie_value(headers, SESSION_COOKIE).is_some();
    let server_function = request.uri().path().starts_with("/_fn/");
    if !browser_sendable && (!has_session || server_function) {
        return Ok(request);
    }
    if token_is_new {
        return Err(AppError::CsrfRejected);
    }
    if let Some(token) = header_token {
        return if constant_time_eq(&token, expected) {
            Ok(request)
        } else {
            Err(AppError::CsrfRejected)
        };
    }
    if content_type.starts_with("multipart/form-data") {
        // An upload form cannot be read here without buffering the file, so its page puts
        // the token in the form's action URL instead.
        let query_token = request
            .uri()
            .query()
            .and_then(|q| form_urlencoded_field(q.as_bytes(), CSRF_FIELD));
        return match query_token {
            Some(token) if constant_time_eq(&token, expected) => Ok(request),
            _ => Err(AppError::CsrfRejected),
        };
    }
    if !is_form {
        return Err(AppError::CsrfRejected);
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_FORM_BYTES)
        .await
        .map_err(|_| AppError::TooLarge)?;
    let field = form_urlencoded_field(&bytes, CSRF_FIELD);
    match field {
        Some(token) if constant_time_eq(&token, expected) => {
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        _ => Err(AppError::CsrfRejected),
    }
}

fn is_cross_site(headers: &HeaderMap) -> bool {
    if headers
        .get("sec-fetch-site")
        .is_some_and(|v| v == "cross-site")
    {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest.trim_end_matches('/'));
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (origin_host, host) {
        (Some(origin_host), Some(host)) => !origin_host.eq_ignore_ascii_case(host),
        // `Origin: null` (sandboxed frames, some redirects) or no Host: not trusted.
        _ => true,
    }
}

fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    header::HeaderName::from_static(k),
                    HeaderValue::from_static(v),
                )
            })
            .collect()
    }

    #[test]
    fn tokens_are_fresh_and_readable_back_from_the_cookie() {
        let token = new_token();
        assert_ne!(token, new_token());
        let cookie_header = format!("a=b; {CSRF_COOKIE}={token}");
        let mut map = HeaderMap::new();
        map.insert(
            header::COOKIE,
            HeaderValue::from_str(&cookie_header).unwrap(),
        );
        assert_eq!(token_from_cookie(&map), Some(token));
    }

    #[test]
    fn cross_site_requests_are_recognised() {
        assert!(is_cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(is_cross_site(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "siar.example")
        ])));
        assert!(is_cross_site(&headers(&[
            ("origin", "null"),
            ("host", "siar.example")
        ])));
        assert!(!is_cross_site(&headers(&[
            ("origin", "https://siar.example"),
            ("host", "siar.example")
        ])));
        assert!(!is_cross_site(&headers(&[(
            "sec-fetch-site",
            "same-origin"
        )])));
    }

    #[test]
    fn form_field_is_found_among_others() {
        assert_eq!(
            form_urlencoded_field(b"email=a%40b.id&csrf_token=xyz", "csrf_token").as_deref(),
            Some("xyz")
        );
        assert_eq!(form_urlencoded_field(b"email=a", "csrf_token"), None);
    }
}
