//! The per-request context: who is asking (signed-in staff, client address), in which
//! language, with which CSRF token; and, on the way out, the writing of error responses in
//! that language and the wanted format.
//!
//! `request_context` is the one middleware every request passes after the session layer.
//! Handlers read the result through the `Staff` extractor or `RequestContext` itself; pages
//! read the wire version, `shared::dto::auth::Viewer`.

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use shared::dto::auth::{FormEcho, UserResponse, Viewer};
use shared::dto::volunteers::VolunteerBrief;
use shared::problem::PROBLEM_CONTENT_TYPE;
use shared::{Lang, Problem};
use tower_http::request_id::RequestId;
use tower_sessions::Session;

use crate::api::auth::session_error;
use crate::app::AppState;
use crate::auth::{SESSION_USER_GENERATION_KEY, SESSION_USER_KEY, SESSION_VOLUNTEER_KEY};
use crate::error::{AppError, PendingProblem, PlainOnPurpose, problem_for_status};
use crate::services;
use crate::{csrf, input_guard};

/// The cookie that remembers the chosen language.
pub const LANG_COOKIE: &str = "siar_lang";

/// What the server knows about the current request.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// The language to answer in.
    pub lang: Lang,
    /// The signed-in staff member, if any.
    pub user: Option<UserResponse>,
    /// The signed-in volunteer, if any (a browser may hold both).
    pub volunteer: Option<VolunteerBrief>,
    /// The CSRF token of this browser.
    pub csrf_token: String,
    /// The client's IP address (from the proxy header when one is configured).
    pub client_addr: String,
    /// The site's public URL.
    pub base_url: String,
    /// What a refused plain form sent, taken from the session for this page (see
    /// [`put_form_echo`]).
    pub form_echo: Option<FormEcho>,
}

impl RequestContext {
    /// The page-facing view of this context.
    pub fn viewer(&self) -> Viewer {
        Viewer {
            lang: self.lang,
            user: self.user.clone(),
            volunteer: self.volunteer.clone(),
            csrf_token: self.csrf_token.clone(),
            base_url: self.base_url.clone(),
            form_echo: self.form_echo.clone(),
        }
    }
}

/// The middleware: builds the [`RequestContext`], enforces CSRF on state-changing requests,
/// runs the request, then writes any error as problem JSON or an HTML error page.
pub async fn request_context(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    let lang = request_lang(request.headers());
    let wants_html = wants_html(&request);
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .map(str::to_owned);

    let response = match prepare(&state, peer, &session, lang, request).await {
        Ok((request, new_csrf_cookie)) => {
            let mut response = next.run(request).await;
            // A sign-in sets a new token itself; a second cookie would undo it.
            if let Some(cookie) = new_csrf_cookie
                && response.extensions().get::<csrf::TokenSet>().is_none()
            {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(error) => error.into_response(),
    };
    render_problem(response, lang, wants_html, request_id)
}

async fn prepare(
    state: &AppState,
    peer: SocketAddr,
    session: &Session,
    lang: Lang,
    mut request: Request,
) -> Result<(Request, Option<HeaderValue>), AppError> {
    let (csrf_token, new_cookie) = match csrf::token_from_cookie(request.headers()) {
        Some(token) => (token, None),
        None => {
            let token = csrf::new_token();
            (
                token.clone(),
                Some(csrf::cookie(&token, state.config.secure_cookies())),
            )
        }
    };
    request = csrf::check(request, &csrf_token, new_cookie.is_some()).await?;
    request = input_guard::check_fields(request).await?;

    let user_id = session
        .get::<uuid::Uuid>(SESSION_USER_KEY)
        .await
        .map_err(session_error)?;
    let user = match user_id {
        Some(id) => {
            // Sessions from before this key existed are of generation 0, as accounts were.
            let generation = session
                .get::<i32>(SESSION_USER_GENERATION_KEY)
                .await
                .map_err(session_error)?
                .unwrap_or(0);
            services::users::find_signed_in(&state.db, id, generation).await?
        }
        None => None,
    };
    let volunteer_id = session
        .get::<uuid::Uuid>(SESSION_VOLUNTEER_KEY)
        .await
        .map_err(session_error)?;
    let volunteer = match volunteer_id {
        Some(id) => services::volunteers::find_active(&state.db, id).await?,
        None => None,
    };

    let client_addr = state
        .config
        .client_ip_header
        .as_deref()
        .and_then(|name| request.headers().get(name))
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(',').next())
        // Only an address counts: anything else in the header (a proxy not set up as the
        // setting says, or a client writing it) is ignored rather than stored and counted.
        .and_then(|value| value.trim().parse::<std::net::IpAddr>().ok())
        .unwrap_or_else(|| peer.ip())
        .to_string();

    let context = RequestContext {
        lang,
        user,
        volunteer,
        csrf_token,
        client_addr,
        base_url: state.config.base_url.clone(),
        form_echo: take_form_echo(session, request.method() == axum::http::Method::GET).await?,
    };
    request.extensions_mut().insert(context.viewer());
    request.extensions_mut().insert(context);
    Ok((request, new_cookie))
}

/// The session key of a refused form's values.
const FORM_ECHO_KEY: &str = "form_echo";

/// Keeps what a refused plain form sent for the page the browser is sent back to.
pub async fn put_form_echo(session: &Session, echo: FormEcho) -> Result<(), AppError> {
    session
        .insert(FORM_ECHO_KEY, echo)
        .await
        .map_err(session_error)
}

/// The values [`put_form_echo`] kept, for the next page shown (a GET), once: a reload or
/// a later visit shows an empty form. Other requests leave them (and the session) alone.
async fn take_form_echo(session: &Session, is_get: bool) -> Result<Option<FormEcho>, AppError> {
    if !is_get {
        return Ok(None);
    }
    // Looked up before it is removed: `remove` marks the session changed even when the key
    // is absent, which would rewrite the session row on every page view.
    match session
        .get::<FormEcho>(FORM_ECHO_KEY)
        .await
        .map_err(session_error)?
    {
        Some(echo) => {
            session
                .remove::<FormEcho>(FORM_ECHO_KEY)
                .await
                .map_err(session_error)?;
            Ok(Some(echo))
        }
        None => Ok(None),
    }
}

/// The language: the remembered choice, else the browser's preference, else Indonesian.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    cookie_value(headers, LANG_COOKIE)
        .and_then(|tag| Lang::from_tag(&tag))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// Browsers navigating to a page get an HTML error page; the API, server functions and other
/// clients get problem JSON.
fn wants_html(request: &Request) -> bool {
    let path = request.uri().path();
    if path.starts_with("/api/") || path.starts_with("/_fn/") {
        return false;
    }
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

fn render_problem(
    response: Response,
    lang: Lang,
    wants_html: bool,
    request_id: Option<String>,
) -> Response {
    let status = response.status();
    let pending = response.extensions().get::<PendingProblem>().cloned();
    // A bare status, or a framework's plain-text refusal (a path segment that is not a UUID,
    // a missing header), becomes a problem document; plain text meant for calendar apps
    // (`AppError::into_plain_response`) stays.
    let framework_text = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/plain"))
        && response.extensions().get::<PlainOnPurpose>().is_none();
    let bare_error = (status.is_client_error() || status.is_server_error())
        && (!response.headers().contains_key(header::CONTENT_TYPE) || framework_text);
    let mut problem: Problem = match pending {
        Some(pending) => pending.get(lang).clone(),
        None if bare_error => problem_for_status(status, lang),
        None => return response,
    };
    if status.is_server_error() {
        problem.request_id = request_id;
    }

    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = if wants_html {
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        Body::from(Html(error_page(&problem, lang)).0)
    } else {
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
        );
        match serde_json::to_vec(&problem) {
            Ok(json) => Body::from(json),
            Err(_) => {
                parts.status = StatusCode::INTERNAL_SERVER_ERROR;
                Body::empty()
            }
        }
    };
    Response::from_parts(parts, body)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A plain error page for form posts that fail before any page could render them.
fn error_page(problem: &Problem, lang: Lang) -> String {
    let (back, home) = match lang {
        Lang::Id => ("Kembali", "Beranda"),
        Lang::En => ("Go back", "Home"),
    };
    let detail = problem
        .detail
        .as_deref()
        .map(|d| format!("<p>{}</p>", escape(d)))
        .unwrap_or_default();
    let errors: String = problem
        .errors
        .iter()
        .flat_map(|(field, messages)| {
            messages
                .iter()
                .map(move |m| format!("<li>{}: {}</li>", escape(field), escape(m)))
        })
        .collect();
    let errors = if errors.is_empty() {
        String::new()
    } else {
        format!("<ul>{errors}</ul>")
    };
    let request_id = problem
        .request_id
        .as_deref()
        .map(|id| {
            format!(
                "<p><small>request id: <code>{}</code></small></p>",
                escape(id)
            )
        })
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Siar</title><link rel=\"stylesheet\" href=\"/siar.css\"></head>\
         <body><main id=\"main\" class=\"container\"><h1>{title}</h1>{detail}{errors}{request_id}\
         <p><a href=\"javascript:history.back()\">{back}</a> · <a href=\"/\">{home}</a></p></main></body></html>",
        code = lang.code(),
        title = escape(&problem.title),
    )
}
