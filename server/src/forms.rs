//! Plain HTML form posts and links for the core flows, so they work without JavaScript:
//! sign in, sign out, switch language. Each answers with a redirect (303), as browsers expect
//! after a POST; errors go back to the form as a short code it shows in the user's language.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;
use shared::Lang;
use shared::dto::auth::{FormEcho, Role};
use tower_sessions::Session;

use crate::api::auth::{session_error, start_session};
use crate::app::AppState;
use crate::auth::Staff;
use crate::context::{LANG_COOKIE, RequestContext};
use crate::error::{AppError, AppResult};
use crate::policy::Permission;
use crate::services;

pub mod accounts;
pub mod contests;
pub mod cooperation;
pub mod programs;
pub mod schedule;
pub mod staff_volunteering;
pub mod volunteering;

/// A form's fields as pairs, in order: forms repeat a key once per ticked box (`skills`,
/// `present`), which a struct cannot hold.
pub type Pairs = Vec<(String, String)>;

/// The most of a refused form's fields kept to show again (field names and values, in
/// bytes): the echo rides in the session row until the next page, and a 2 MiB paste need
/// not. Fields past the budget come back empty.
const ECHO_MAX_BYTES: usize = 256 * 1024;

/// What a refused plain form sent, to show again on its page (without its CSRF token).
pub fn form_echo(form: &str, pairs: Pairs) -> FormEcho {
    let mut budget = ECHO_MAX_BYTES;
    FormEcho {
        form: form.to_owned(),
        values: pairs
            .into_iter()
            .filter(|(key, _)| key != "csrf_token")
            .filter(|(key, value)| {
                let size = key.len() + value.len();
                let fits = size <= budget;
                if fits {
                    budget -= size;
                }
                fits
            })
            .collect(),
    }
}

/// Back to `page` with the field errors, or the error itself when it is not about fields.
pub fn back(page: &str, error: AppError) -> AppResult<Redirect> {
    match error {
        AppError::Invalid(errors) => Ok(with_errors(page, &errors)),
        other => Err(other),
    }
}

/// `page?errors=<JSON of the field errors>`, which the page shows by field.
pub fn with_errors(page: &str, errors: &shared::FieldErrors) -> Redirect {
    Redirect::to(&errors_url(page, errors))
}

fn errors_url(page: &str, errors: &shared::FieldErrors) -> String {
    let json = serde_json::to_string(errors).unwrap_or_default();
    let joiner = if page.contains('?') { '&' } else { '?' };
    format!("{page}{joiner}errors={}", encode_query(&json))
}

/// Back to the form a service refused: what was typed kept for its page (once, in the
/// session, under `echo`), the field errors or the rule refused (`refused=<slug>`) in
/// `page`'s address, then `fragment` (`#episode`, or empty). Any other error stays the
/// request's own.
pub async fn back_to_form(
    session: &Session,
    echo: &str,
    pairs: Pairs,
    (page, fragment): (&str, &str),
    error: AppError,
) -> AppResult<Redirect> {
    let address = match error {
        AppError::Invalid(errors) => errors_url(page, &errors),
        AppError::Refused(refusal) => {
            let joiner = if page.contains('?') { '&' } else { '?' };
            format!("{page}{joiner}refused={}", refusal.slug())
        }
        other => return Err(other),
    };
    crate::context::put_form_echo(session, form_echo(echo, pairs)).await?;
    Ok(Redirect::to(&format!("{address}{fragment}")))
}

/// The first value of field `name`.
pub fn field<'a>(pairs: &'a Pairs, name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// The sign-in form's fields (its `csrf_token` is checked by the CSRF layer).
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    next: Option<String>,
}

/// `POST /login`.
pub async fn login(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    session: Session,
    form: Result<Form<LoginForm>, axum::extract::rejection::FormRejection>,
) -> AppResult<Response> {
    let Form(form) = form?;
    let next = safe_next(form.next.as_deref());
    let outcome = services::auth::sign_in(
        &state.db,
        &form.email,
        &form.password,
        &context.client_addr,
        chrono::Utc::now(),
    )
    .await;
    let code = match outcome {
        Ok(user) => {
            let rotation = start_session(&state, &session, &user).await?;
            // A judge's home is the judging page; staff's is the dashboard.
            let home = if user.role == Role::Judge {
                "/judge"
            } else {
                "/staff"
            };
            return Ok((rotation, Redirect::to(next.unwrap_or(home))).into_response());
        }
        Err(AppError::InvalidCredentials) => "invalid",
        Err(AppError::RateLimited { .. }) => "locked",
        Err(other) => return Err(other),
    };
    Ok(Redirect::to(&match next {
        Some(next) => format!("/login?error={code}&next={}", encode_query(next)),
        None => format!("/login?error={code}"),
    })
    .into_response())
}

/// `POST /logout`.
pub async fn logout(session: Session) -> AppResult<Redirect> {
    session.flush().await.map_err(session_error)?;
    Ok(Redirect::to("/"))
}

/// `POST /account/calendar/reset`: a new private feed URL (the dashboard's form, which works
/// without JavaScript); back to the dashboard's calendar card.
pub async fn reset_calendar(State(state): State<AppState>, staff: Staff) -> AppResult<Redirect> {
    let user = staff.require(Permission::ReadStaffData)?;
    services::feeds::reset_calendar_token(&state.db, &state.vault, user.id).await?;
    Ok(Redirect::to("/staff#my-calendar"))
}

/// The query of `GET /lang/{code}`.
#[derive(Debug, Deserialize)]
pub struct LangQuery {
    next: Option<String>,
}

/// `GET /lang/{code}?next=/path`: remembers the language in a cookie and goes back. A link,
/// not a form: it changes no server state, only the browser's own preference.
pub async fn switch_lang(Path(code): Path<String>, Query(query): Query<LangQuery>) -> Response {
    let Some(lang) = Lang::from_tag(&code) else {
        return AppError::NotFound.into_response();
    };
    let next = safe_next(query.next.as_deref()).unwrap_or("/");
    let mut response = Redirect::to(next).into_response();
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// A redirect target only if it is an absolute path on this site: no open redirect to
/// another host. Browsers drop tabs and line breaks from a URL and read a backslash as `/`, so
/// `/\t/evil.example` would become `//evil.example`: any control character, backslash or
/// leading `//` refuses the target, and it must parse as a path (an invalid header value would
/// otherwise make the redirect itself fail).
pub fn safe_next(next: Option<&str>) -> Option<&str> {
    next.filter(|n| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
            && n.parse::<axum::http::uri::PathAndQuery>().is_ok()
            && HeaderValue::from_str(n).is_ok()
    })
}

/// `value` percent-encoded for a query string.
pub fn encode_query(value: &str) -> String {
    serde_urlencoded::to_string([("", value)])
        .map(|s| s[1..].to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_forms_echo_keeps_fields_within_its_budget() {
        let pairs: Pairs = vec![
            ("csrf_token".into(), "rahasia".into()),
            ("title".into(), "Dongeng".into()),
            ("csv".into(), "9".repeat(ECHO_MAX_BYTES)),
            ("note".into(), "singkat".into()),
        ];
        let echo = form_echo("episode", pairs);
        let kept: Vec<&str> = echo.values.iter().map(|(k, _)| k.as_str()).collect();
        // The token never; the paste beyond the budget left out; fields after it still kept.
        assert_eq!(kept, ["title", "note"]);
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(safe_next(Some("/staff/users")), Some("/staff/users"));
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "staff",
            "/a\r\nSet-Cookie: x",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\u{1}",
            "/ /evil.example",
            "/\u{85}/evil.example",
        ] {
            assert_eq!(safe_next(Some(bad)), None, "{bad}");
        }
    }

    #[test]
    fn next_is_query_encoded() {
        assert_eq!(encode_query("/staff?a=b&c"), "%2Fstaff%3Fa%3Db%26c");
    }
}
