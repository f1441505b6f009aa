//! The volunteer pages' form posts, so registering, signing in, signing up, withdrawing and
//! taking an offer work on any phone without JavaScript. Each answers 303 to a page; a
//! refused request goes back with `?error=<problem slug>`, which the page explains in the
//! volunteer's language.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use shared::Lang;
use shared::dto::auth::FormEcho;
use shared::dto::volunteers::{LINK_SENT_ECHO, REGISTER_ECHO, Skill, VolunteerInput};
use tower_sessions::Session;
use uuid::Uuid;

use crate::api::auth::session_error;
use crate::api::volunteers::start_volunteer_session;
use crate::app::AppState;
use crate::auth::{SESSION_VOLUNTEER_KEY, Volunteer};
use crate::context::{RequestContext, put_form_echo};
use crate::error::{AppError, AppResult};
use crate::forms::{Pairs, encode_query, field, form_echo};
use crate::services::{signups, volunteers};

/// Where a refused request goes back to: the page with the error's slug.
fn back(page: &str, error: &AppError) -> Redirect {
    let slug = match error {
        AppError::Refused(refusal) => refusal.slug(),
        AppError::NotFound => "not-found",
        AppError::Unauthenticated => "unauthenticated",
        AppError::InvalidCredentials => "invalid-credentials",
        _ => "invalid",
    };
    let separator = if page.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{page}{separator}error={slug}"))
}

/// A sign-up action's answer: on to `done`, or back to `page` showing why it was refused.
fn settle<T>(
    outcome: AppResult<T>,
    done: impl FnOnce(T) -> String,
    page: &str,
) -> AppResult<Redirect> {
    match outcome {
        Ok(value) => Ok(Redirect::to(&done(value))),
        Err(error @ (AppError::Refused(_) | AppError::NotFound)) => Ok(back(page, &error)),
        Err(other) => Err(other),
    }
}

/// Says on `/volunteer` where the sign-in link went (kept in the session, not the URL).
async fn link_sent(session: &Session, email: &str) -> AppResult<Redirect> {
    let echo = FormEcho {
        form: LINK_SENT_ECHO.to_owned(),
        values: vec![("email".to_owned(), email.to_owned())],
    };
    put_form_echo(session, echo).await?;
    Ok(Redirect::to("/volunteer?sent=1"))
}

/// `POST /volunteer/register`: name, email, phone, skills (repeated), lang.
pub async fn register(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    session: Session,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    let input = VolunteerInput {
        name: field(&pairs, "name").unwrap_or_default().to_owned(),
        email: field(&pairs, "email").unwrap_or_default().to_owned(),
        phone: field(&pairs, "phone").map(str::to_owned),
        skills: pairs
            .iter()
            .filter(|(key, _)| key == "skills")
            .filter_map(|(_, value)| Skill::parse(value))
            .collect(),
        lang: field(&pairs, "lang")
            .and_then(Lang::from_tag)
            .unwrap_or_default(),
        partner_id: None,
        password: None,
    };
    let outcome = volunteers::register_public(
        &state.db,
        input.clone(),
        &context.client_addr,
        &state.config.base_url,
        chrono::Utc::now(),
    )
    .await;
    match outcome {
        Ok(_) => link_sent(&session, &input.email).await,
        // Back to the form, which shows what was typed (kept in the session) with the same
        // rules' messages, so nothing has to be typed twice.
        Err(AppError::Invalid(errors)) => {
            let fields: Vec<&str> = errors.0.keys().map(String::as_str).collect();
            put_form_echo(&session, form_echo(REGISTER_ECHO, pairs)).await?;
            Ok(Redirect::to(&format!(
                "/volunteer?invalid={}#register",
                encode_query(&fields.join(",")),
            )))
        }
        Err(other) => Err(other),
    }
}

/// `POST /volunteer/sign-in-link`: mails a link; the page says to check the inbox.
pub async fn request_link(
    State(state): State<AppState>,
    Extension(context): Extension<RequestContext>,
    session: Session,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    let email = field(&pairs, "email").unwrap_or_default();
    let outcome = volunteers::request_link(
        &state.db,
        email,
        &context.client_addr,
        &state.config.base_url,
        chrono::Utc::now(),
    )
    .await;
    match outcome {
        Ok(()) => link_sent(&session, email).await,
        Err(AppError::Invalid(_)) => Ok(Redirect::to("/volunteer?error=email#sign-in")),
        Err(other) => Err(other),
    }
}

/// `POST /volunteer/sign-in`: the button on the link's page (a GET never uses the link, so
/// mail scanners that open links cannot spend it).
pub async fn sign_in(
    State(state): State<AppState>,
    session: Session,
    Form(pairs): Form<Pairs>,
) -> AppResult<Response> {
    let token = field(&pairs, "token").unwrap_or_default();
    match volunteers::sign_in_with_link(&state.db, token, chrono::Utc::now()).await {
        Ok(volunteer) => {
            let rotation = start_volunteer_session(&state, &session, volunteer.id).await?;
            Ok((rotation, Redirect::to("/volunteer/me")).into_response())
        }
        Err(error @ AppError::Refused(_)) => Ok(back("/volunteer", &error).into_response()),
        Err(other) => Err(other),
    }
}

/// `POST /volunteer/sign-out`.
pub async fn sign_out(session: Session) -> AppResult<Redirect> {
    session
        .remove::<Uuid>(SESSION_VOLUNTEER_KEY)
        .await
        .map_err(session_error)?;
    Ok(Redirect::to("/volunteer"))
}

/// `POST /volunteer/signups`: role_id and the idempotency key the page rendered.
pub async fn sign_up(
    State(state): State<AppState>,
    volunteer: Option<Volunteer>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    let Some(volunteer) = volunteer else {
        return Ok(Redirect::to("/volunteer?error=unauthenticated#sign-in"));
    };
    let Some(role_id) = field(&pairs, "role_id").and_then(|id| id.parse::<Uuid>().ok()) else {
        return Ok(Redirect::to("/volunteer/open?error=not-found"));
    };
    let key = field(&pairs, "idempotency_key").map(str::to_owned);
    let outcome = state
        .signups
        .sign_up(volunteer.0.id, role_id, key, chrono::Utc::now())
        .await;
    settle(
        outcome,
        |signup| format!("/volunteer/me#signup-{}", signup.id),
        "/volunteer/open",
    )
}

/// `POST /volunteer/signups/{id}/withdraw`.
pub async fn withdraw(
    State(state): State<AppState>,
    volunteer: Volunteer,
    Path(id): Path<Uuid>,
) -> AppResult<Redirect> {
    let outcome = signups::withdraw(
        &state.db,
        volunteer.0.id,
        id,
        &state.config.base_url,
        chrono::Utc::now(),
    )
    .await;
    settle(
        outcome,
        |_| "/volunteer/me?done=withdrawn".to_owned(),
        "/volunteer/me",
    )
}

/// `POST /volunteer/signups/{id}/accept`.
pub async fn accept(
    State(state): State<AppState>,
    volunteer: Volunteer,
    Path(id): Path<Uuid>,
) -> AppResult<Redirect> {
    let outcome = signups::accept_offer(
        &state.db,
        volunteer.0.id,
        id,
        &state.config.base_url,
        chrono::Utc::now(),
    )
    .await;
    settle(
        outcome,
        |_| "/volunteer/me?done=accepted".to_owned(),
        "/volunteer/me",
    )
}

/// `POST /volunteer/calendar/reset`: a new private feed URL.
pub async fn reset_calendar(
    State(state): State<AppState>,
    volunteer: Volunteer,
) -> AppResult<Redirect> {
    volunteers::reset_calendar_token(&state.db, &state.vault, volunteer.0.id).await?;
    Ok(Redirect::to("/volunteer/me#my-calendar"))
}
