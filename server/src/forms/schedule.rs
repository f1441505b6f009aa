//! The schedule's plain forms, so what a coordinator sends is done correctly before the
//! page's client has loaded (or without it): the session editor's `POST
//! /staff/sessions/{id}/edit`, `/cancel` and `/restore`, the program editor's single session
//! and end of a series (`POST /staff/programs/{slug}/sessions`,
//! `/staff/programs/{slug}/series/{id}/end`), its series builder (`POST
//! /staff/programs/{slug}/series`), and the days-off page's `POST /staff/blackouts`
//! and `/staff/blackouts/{id}/delete`. Each answers 303 back to its page,
//! with `?saved=<what>` after success or `?errors=` with the field errors; the hydrated pages
//! send the same through their server functions.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Redirect;
use shared::dto::episodes::EpisodeInput;
use shared::dto::schedule::{
    BlackoutInput, CancelRequest, EndSeriesRequest, SeriesInput, SessionEdit, SessionInput,
    WatchLinkInput, parse_local,
};
use shared::recurrence::{BuilderFields, Weekday};
use shared::words::EditScope;
use shared::{FieldError, FieldErrors};
use tower_sessions::Session;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Staff;
use crate::error::AppError;
use crate::error::AppResult;
use crate::forms::{Pairs, back, back_to_form, field, with_errors};
use crate::policy::Permission;
use crate::services::programs::Audience;
use crate::services::{blackouts, episodes, programs, series, sessions};

fn editor(id: Uuid) -> String {
    format!("/staff/sessions/{id}")
}

/// Field `name`, trimmed; `None` when blank.
fn text(pairs: &Pairs, name: &str) -> Option<String> {
    field(pairs, name)
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}

fn saved(id: Uuid, what: &str) -> Redirect {
    Redirect::to(&format!("{}?saved={what}", editor(id)))
}

/// `POST /staff/sessions/{id}/edit`: `start_local`, `duration_minutes`, `title`, `host`,
/// `scope` (this / following / all) and `reset` (ticked: also overwrite sessions edited on
/// their own). A title equal to the program's name, or empty, is the program's name.
pub async fn edit(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::PlanSchedule)?;
    let session = sessions::get_session(&state.db, id, Audience::Staff).await?;
    let start_local = match parse_local(field(&pairs, "start_local").unwrap_or_default()) {
        Ok(start) => start,
        Err(error) => {
            let errors = FieldErrors::single("start_local", error);
            return Ok(with_errors(&editor(id), &errors));
        }
    };
    let edit = SessionEdit {
        scope: field(&pairs, "scope")
            .and_then(EditScope::parse)
            .unwrap_or(EditScope::This),
        start_local,
        // Not a number: 0, which the rules refuse with the field's range.
        duration_minutes: field(&pairs, "duration_minutes")
            .and_then(|minutes| minutes.trim().parse().ok())
            .unwrap_or(0),
        title: text(&pairs, "title").filter(|title| *title != session.program_name),
        host: text(&pairs, "host"),
        reset_individual_edits: field(&pairs, "reset").is_some(),
    };
    match sessions::edit_session(&state.db, id, edit, chrono::Utc::now()).await {
        Ok(_) => Ok(saved(id, "edit")),
        Err(error) => back(&editor(id), error),
    }
}

/// `POST /staff/sessions/{id}/cancel`: `reason`, shown to the public.
pub async fn cancel(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::PlanSchedule)?;
    let request = CancelRequest {
        reason: field(&pairs, "reason").unwrap_or_default().to_owned(),
    };
    match sessions::cancel_session(&state.db, id, request, chrono::Utc::now()).await {
        Ok(_) => Ok(saved(id, "cancelled")),
        Err(error) => back(&editor(id), error),
    }
}

/// `POST /staff/sessions/{id}/watch-link`: `stream_url`, `platform` (both empty: the
/// program's link again). Back with `?saved=watch`, or `?form=watch` and the field errors.
pub async fn watch_link(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::PlanSchedule)?;
    let input = WatchLinkInput {
        stream_url: text(&pairs, "stream_url"),
        platform: text(&pairs, "platform"),
    };
    match sessions::set_watch_link(&state.db, id, input, chrono::Utc::now()).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "{}?saved=watch#watch-link",
            editor(id)
        ))),
        Err(error) => back(&format!("{}?form=watch", editor(id)), error),
    }
}

/// Which form the episode echo belongs to.
pub const EPISODE_ECHO: &str = "episode";

/// `POST /staff/sessions/{id}/episode`: the recording, summary, storyteller, book rows and
/// audience numbers (see [`EpisodeInput::from_form`]). Back with `?saved=episode`; or with
/// the field errors and what was typed kept, or `?refused=<slug>` before the session started.
pub async fn episode(
    State(state): State<AppState>,
    staff: Staff,
    session: Session,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::PlanSchedule)?;
    let page = format!("{}?form=episode", editor(id));
    let (input, mut errors) = EpisodeInput::from_form(&pairs);
    if let Err(rules) = input.validate() {
        errors.extend(rules);
    }
    let outcome = if errors.is_empty() {
        episodes::save_episode(&state.db, id, input, chrono::Utc::now()).await
    } else {
        Err(AppError::Invalid(errors))
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!(
            "{}?saved=episode#episode",
            editor(id)
        ))),
        Err(error) => back_to_form(&session, EPISODE_ECHO, pairs, (&page, "#episode"), error).await,
    }
}

/// `POST /staff/sessions/{id}/restore`.
pub async fn restore(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Redirect> {
    staff.require(Permission::PlanSchedule)?;
    sessions::restore_session(&state.db, id, chrono::Utc::now()).await?;
    Ok(saved(id, "restored"))
}

/// `POST /staff/programs/{slug}/sessions`: a single session outside any series,
/// `start_local`, `duration_minutes`, `title`, `host`. Errors come back marked
/// `?form=oneoff`, so the program editor shows them by that form's fields only.
pub async fn add_session(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::PlanSchedule)?;
    let now = chrono::Utc::now();
    let program = programs::get_program_by_slug(&state.db, &slug, Audience::Staff, now).await?;
    let page = format!("/staff/programs/{}", program.slug);
    let form_page = format!("{page}?form=oneoff");
    let start_local = match parse_local(field(&pairs, "start_local").unwrap_or_default()) {
        Ok(start) => start,
        Err(error) => {
            let errors = FieldErrors::single("start_local", error);
            return Ok(with_errors(&form_page, &errors));
        }
    };
    let input = SessionInput {
        program_id: program.id,
        start_local,
        duration_minutes: field(&pairs, "duration_minutes")
            .and_then(|minutes| minutes.trim().parse().ok())
            .unwrap_or(0),
        title: text(&pairs, "title"),
        host: text(&pairs, "host"),
    };
    match sessions::create_session(&state.db, input, now).await {
        Ok(_) => Ok(Redirect::to(&format!("{page}?saved=session"))),
        Err(error) => back(&form_page, error),
    }
}

/// `POST /staff/programs/{slug}/series/{id}/end`: `last_day` (YYYY-MM-DD), the last day with
/// a session; later sessions go (those edited one by one stay). Errors come back marked
/// `?form=end-{id}`.
pub async fn end_series(
    State(state): State<AppState>,
    staff: Staff,
    Path((slug, id)): Path<(String, Uuid)>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::PlanSchedule)?;
    let now = chrono::Utc::now();
    let program = programs::get_program_by_slug(&state.db, &slug, Audience::Staff, now).await?;
    let page = format!("/staff/programs/{}", program.slug);
    let form_page = format!("{page}?form=end-{id}");
    let last_day = match parse_day(field(&pairs, "last_day")) {
        Ok(day) => day,
        Err(error) => {
            return Ok(with_errors(
                &form_page,
                &FieldErrors::single("last_day", error),
            ));
        }
    };
    match series::end_series(&state.db, id, EndSeriesRequest { last_day }, now).await {
        Ok(_) => Ok(Redirect::to(&format!("{page}?saved=series-ended"))),
        Err(error) => back(&form_page, error),
    }
}

/// A `date` input's value.
fn parse_day(value: Option<&str>) -> Result<chrono::NaiveDate, FieldError> {
    let value = value.unwrap_or_default().trim();
    if value.is_empty() {
        return Err(FieldError::Required);
    }
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| FieldError::InvalidDateTime)
}

const DAYS_OFF: &str = "/staff/blackouts";

/// `POST /staff/blackouts`: `day` (YYYY-MM-DD), `reason`, `program_id` (empty: every program).
pub async fn add_day_off(
    State(state): State<AppState>,
    staff: Staff,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::PlanSchedule)?;
    let day = match parse_day(field(&pairs, "day")) {
        Ok(day) => day,
        Err(error) => return Ok(with_errors(DAYS_OFF, &FieldErrors::single("day", error))),
    };
    let program_id = match field(&pairs, "program_id").map(str::trim) {
        None | Some("") => None,
        Some(id) => match id.parse() {
            Ok(id) => Some(id),
            Err(_) => {
                let errors = FieldErrors::single("program_id", FieldError::UnknownReference);
                return Ok(with_errors(DAYS_OFF, &errors));
            }
        },
    };
    let input = BlackoutInput {
        program_id,
        day,
        reason: field(&pairs, "reason").unwrap_or_default().to_owned(),
    };
    match blackouts::create_blackout(&state.db, input, chrono::Utc::now()).await {
        Ok(_) => Ok(Redirect::to(&format!("{DAYS_OFF}?saved=added"))),
        Err(error) => back(DAYS_OFF, error),
    }
}

/// `POST /staff/blackouts/{id}/delete`: the day's sessions come back.
pub async fn remove_day_off(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Redirect> {
    staff.require(Permission::PlanSchedule)?;
    blackouts::delete_blackout(&state.db, id, chrono::Utc::now()).await?;
    Ok(Redirect::to(&format!("{DAYS_OFF}?saved=removed")))
}

/// `POST /staff/programs/{slug}/series`: the series builder as a plain form (`start_local`,
/// `duration_minutes`, `frequency`, `rule.interval`, `weekday` per ticked day, `monthly_nth`,
/// `monthly_day`, `end` with `rule.end.until` or `rule.end.count`, `title`, `host`), read
/// by the builder's own [`BuilderFields`]. Back to the editor with `?saved=series`, or marked
/// `?form=series` with the field errors.
pub async fn create_series(
    State(state): State<AppState>,
    staff: Staff,
    Path(slug): Path<String>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::PlanSchedule)?;
    let now = chrono::Utc::now();
    let program = programs::get_program_by_slug(&state.db, &slug, Audience::Staff, now).await?;
    let page = format!("/staff/programs/{}", program.slug);
    let form_page = format!("{page}?form=series");
    let first = |name: &str| field(&pairs, name).unwrap_or_default();
    let start_local = match parse_local(first("start_local")) {
        Ok(start) => start,
        Err(error) => {
            return Ok(with_errors(
                &form_page,
                &FieldErrors::single("start_local", error),
            ));
        }
    };
    let end_kind = first("end");
    // The builder's reading makes an unreadable last day "never"; a post says so instead.
    if end_kind == "until"
        && chrono::NaiveDate::parse_from_str(first("rule.end.until"), "%Y-%m-%d").is_err()
    {
        return Ok(with_errors(
            &form_page,
            &FieldErrors::single("rule.end.until", FieldError::Required),
        ));
    }
    let weekdays: Vec<Weekday> = pairs
        .iter()
        .filter(|(key, _)| key == "weekday")
        .filter_map(|(_, code)| Weekday::from_code(code))
        .collect();
    let rule = BuilderFields {
        frequency: first("frequency"),
        interval: first("rule.interval"),
        weekdays: &weekdays,
        monthly_nth: first("monthly_nth"),
        monthly_day: Weekday::from_code(first("monthly_day")).unwrap_or(Weekday::Fr),
        end_kind,
        until: first("rule.end.until"),
        count: first("rule.end.count"),
    }
    .rule();
    let input = SeriesInput {
        program_id: program.id,
        start_local,
        // Not a number: 0, which the rules refuse with the field's range.
        duration_minutes: first("duration_minutes").trim().parse().unwrap_or(0),
        rule,
        title: text(&pairs, "title"),
        host: text(&pairs, "host"),
    };
    match series::create_series(&state.db, input, now).await {
        Ok(_) => Ok(Redirect::to(&format!("{page}?saved=series"))),
        Err(error) => back(&form_page, error),
    }
}
