//! The server's edge for text from outside. Whatever door a request comes through (REST
//! JSON, a plain form, a server function, a query string, a path), two kinds of text are
//! refused here, once, before any handler reads them:
//! - control characters other than line breaks and tabs: PostgreSQL refuses NUL (a 500), and
//!   CR, ESC and the like end up raw in calendar files, letters and logs;
//! - dates outside the supported years ([`shared::validation::FIRST_YEAR`] to `LAST_YEAR`):
//!   date arithmetic near chrono's limits panics, and one such row used to break every feed.
//!
//! Query and body fields answer 422 naming the field (in the user's language, as every
//! validation error); a path answers 400. Rules for one field (one line only, length) stay in
//! the shared validation, where the browser applies them too.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use shared::validation::{multi_line, supported_date_text};
use shared::{FieldError, FieldErrors};

use crate::error::AppError;

/// The largest JSON or form body checked here: axum's default body limit, which the
/// extractors behind this apply too. Larger bodies are refused as too large.
const MAX_CHECKED_BODY: usize = 2 * 1024 * 1024;

/// The field name for an error that belongs to no named field (a bare JSON array or string).
const WHOLE_BODY: &str = "body";

/// Refuses a path or query with control characters before any route sees it (the calendar
/// routes stand outside the layers that render problems, so this answers plainly).
pub async fn refuse_control_characters_in_uri(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let path_ok = !percent_decoded(uri.path()).chars().any(char::is_control);
    let query_ok = uri.query().is_none_or(|q| {
        query_pairs(q)
            .iter()
            .all(|(k, v)| multi_line(k).is_ok() && multi_line(v).is_ok())
    });
    if path_ok && query_ok {
        next.run(request).await
    } else if !accepts_html(&request) {
        // Outside the request layer, so the problem document is written here.
        let lang = crate::context::request_lang(request.headers());
        AppError::Malformed("the address contains a control character".into())
            .into_problem_response(lang)
    } else {
        (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "Bad request: the address contains a control character.\n",
        )
            .into_response()
    }
}

fn accepts_html(request: &Request) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// Checks the query and a JSON or form body field by field; gives the request back whole.
pub async fn check_fields(request: Request) -> Result<Request, AppError> {
    let mut errors = FieldErrors::new();
    if let Some(query) = request.uri().query() {
        for (key, value) in query_pairs(query) {
            check_text(&mut errors, &key, &value);
        }
    }
    let kind = body_kind(&request);
    if kind == BodyKind::Other {
        return errors
            .into_result()
            .map(|()| request)
            .map_err(AppError::Invalid);
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_CHECKED_BODY)
        .await
        .map_err(|_| AppError::TooLarge)?;
    match kind {
        BodyKind::Json => {
            // Malformed JSON is left for the extractor behind, which says what is wrong.
            if let Ok(value) = serde_json::from_slice::<Value>(&bytes) {
                check_json(&mut errors, &value);
            }
        }
        BodyKind::Form => {
            for (key, value) in form_pairs(&bytes) {
                check_text(&mut errors, &key, &value);
            }
        }
        BodyKind::Other => {}
    }
    errors.into_result().map_err(AppError::Invalid)?;
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    Json,
    Form,
    /// Uploads (multipart, tus, files) and bodiless requests: not read here.
    Other,
}

fn body_kind(request: &Request) -> BodyKind {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    if essence == "application/json" || essence.ends_with("+json") {
        BodyKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else {
        BodyKind::Other
    }
}

/// Every string in a JSON document, reported under its top-level field: that is the name the
/// shared validation uses for nested parts too (`categories`, `costs`).
fn check_json(errors: &mut FieldErrors, value: &Value) {
    match value {
        Value::Object(fields) => {
            for (name, inner) in fields {
                check_text(errors, WHOLE_BODY, name);
                walk_strings(inner, &mut |text| check_text(errors, name, text));
            }
        }
        other => walk_strings(other, &mut |text| check_text(errors, WHOLE_BODY, text)),
    }
}

fn walk_strings(value: &Value, visit: &mut impl FnMut(&str)) {
    match value {
        Value::String(text) => visit(text),
        Value::Array(items) => items.iter().for_each(|item| walk_strings(item, visit)),
        Value::Object(fields) => {
            for (name, inner) in fields {
                visit(name);
                walk_strings(inner, visit);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Records at most one error of each kind per field.
fn check_text(errors: &mut FieldErrors, field: &str, text: &str) {
    for check in [multi_line(text), supported_date_text(text)] {
        if let Err(error) = check {
            add_once(errors, field, error);
        }
    }
}

fn add_once(errors: &mut FieldErrors, field: &str, error: FieldError) {
    let known = errors
        .0
        .get(field)
        .is_some_and(|list| list.contains(&error));
    if !known {
        errors.add(field, error);
    }
}

fn query_pairs(query: &str) -> Vec<(String, String)> {
    form_pairs(query.as_bytes())
}

/// `key=value` pairs, decoded as the form extractors decode them (bytes that are not UTF-8
/// become U+FFFD, so nothing escapes the check by being undecodable).
fn form_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(bytes).unwrap_or_default()
}

fn percent_decoded(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors_of(json: &str) -> Vec<(String, Vec<FieldError>)> {
        let mut errors = FieldErrors::new();
        check_json(
            &mut errors,
            &serde_json::from_str(json).unwrap_or(Value::Null),
        );
        errors.0.into_iter().collect()
    }

    #[test]
    fn json_strings_anywhere_are_reported_under_their_top_level_field() {
        assert!(errors_of(r#"{"name":"Dongkelor","rules":"Baris 1\nBaris 2","n":3}"#).is_empty());
        let found = errors_of(
            r#"{"name":"A\u0000B","categories":[{"name":"7\u001b9"}],"start_local":"+262142-12-31T20:00:00"}"#,
        );
        let fields: Vec<&str> = found.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["categories", "name", "start_local"]);
        assert!(matches!(
            found[2].1[..],
            [FieldError::DateOutOfRange { .. }]
        ));
        assert_eq!(errors_of(r#"["a\u0000"]"#)[0].0, WHOLE_BODY);
    }

    #[test]
    fn form_pairs_are_decoded_before_the_check() {
        assert_eq!(
            form_pairs(b"a=%FF%00"),
            [("a".to_owned(), "\u{FFFD}\0".to_owned())]
        );
        let pairs = form_pairs(b"name=Si+Kancil%00&next=%2Fstaff&empty=&flag");
        assert_eq!(
            pairs,
            [
                ("name".to_owned(), "Si Kancil\0".to_owned()),
                ("next".to_owned(), "/staff".to_owned()),
                ("empty".to_owned(), String::new()),
                ("flag".to_owned(), String::new()),
            ]
        );
    }
}
