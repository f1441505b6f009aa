//! Plain form posts for the contest, so entrants, judges and staff can work without
//! JavaScript (only the video upload itself needs it): registering an entry, scoring and
//! declaring a conflict, setting up a contest, checking entries, assigning judges and
//! publishing. Each answers 303 back to its page; field errors go back as `?errors=`.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Redirect;
use shared::dto::contests::{
    CONTEST_ENTRY_ECHO, ConflictInput, CriterionScore, JudgeAssignment, ReviewInput, ScoresInput,
    contest_from_form, entry_from_form,
};
use tower_sessions::Session;
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Staff;
use crate::context::RequestContext;
use crate::error::AppResult;
use crate::forms::{Pairs, back, back_to_form, field, with_errors};
use crate::policy::Permission;
use crate::services::contests::{self, judging};

/// `POST /contests/{slug}/entries`: registers an entry and opens its private page. On a
/// refusal the form comes back with its values (kept in the session: a child's name and
/// birth date must not travel in a URL), so nothing typed is lost.
pub async fn register(
    State(state): State<AppState>,
    axum::Extension(context): axum::Extension<RequestContext>,
    session: Session,
    Path(slug): Path<String>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    let input = entry_from_form(&pairs, context.lang);
    let page = format!("/contests/{slug}");
    let outcome = contests::register(
        &state.db,
        &slug,
        &input,
        &context.client_addr,
        chrono::Utc::now(),
        &state.vault,
        &state.config.base_url,
    )
    .await;
    match outcome {
        Ok(receipt) => Ok(Redirect::to(&format!(
            "/contest-entry/{}?registered=1",
            receipt.access_token
        ))),
        Err(error) => back_to_form(&session, CONTEST_ENTRY_ECHO, pairs, (&page, ""), error).await,
    }
}

/// `POST /judge/entries/{id}/scores`: fields `score-{criterion id}` and `comment`.
pub async fn score(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    let judge = staff.require(Permission::ScoreEntries)?;
    let page = format!("/judge/entries/{id}");
    let scores = pairs
        .iter()
        .filter_map(|(key, value)| {
            let criterion_id = key.strip_prefix("score-")?.parse().ok()?;
            let score = value.trim().parse().ok()?;
            Some(CriterionScore {
                criterion_id,
                score,
            })
        })
        .collect();
    let input = ScoresInput {
        scores,
        comment: field(&pairs, "comment").unwrap_or_default().to_owned(),
    };
    match judging::score(&state.db, judge.id, id, &input, chrono::Utc::now()).await {
        Ok(_) => Ok(Redirect::to(&format!("{page}?saved=1"))),
        Err(error) => back(&page, error),
    }
}

/// `POST /judge/entries/{id}/conflict`: the entry leaves the judge's list.
pub async fn conflict(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    let judge = staff.require(Permission::ScoreEntries)?;
    let input = ConflictInput {
        note: field(&pairs, "note").unwrap_or_default().to_owned(),
    };
    match judging::declare_own_conflict(&state.db, judge.id, id, &input, chrono::Utc::now()).await {
        Ok(()) => Ok(Redirect::to("/judge?conflict=1")),
        Err(error) => back(&format!("/judge/entries/{id}"), error),
    }
}

/// `POST /staff/contests`: sets up a contest, then opens its page.
pub async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::RunContests)?;
    let page = "/staff/contests";
    let input = match contest_from_form(&pairs, None) {
        Ok(input) => input,
        Err(errors) => return Ok(with_errors(page, &errors)),
    };
    match contests::create(&state.db, &input, chrono::Utc::now()).await {
        Ok(view) => Ok(Redirect::to(&format!("/staff/contests/{}?done=1", view.id))),
        Err(error) => back(page, error),
    }
}

/// `POST /staff/contests/{id}`: changes the setup.
pub async fn update(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::RunContests)?;
    let page = format!("/staff/contests/{id}");
    let now = chrono::Utc::now();
    let existing = contests::load_by_id(&state.db, id).await?.view(now);
    let input = match contest_from_form(&pairs, Some(&existing)) {
        Ok(input) => input,
        Err(errors) => return Ok(with_errors(&page, &errors)),
    };
    match contests::update(&state.db, id, &input, now).await {
        Ok(_) => Ok(Redirect::to(&format!("{page}?done=1"))),
        Err(error) => back(&page, error),
    }
}

/// `POST /staff/contests/{id}/entries/{entry_id}/review`: `eligible` is `yes` or `no`.
pub async fn review(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, entry_id)): Path<(Uuid, Uuid)>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::RunContests)?;
    let page = format!("/staff/contests/{id}");
    let input = ReviewInput {
        eligible: field(&pairs, "eligible") == Some("yes"),
        reason: field(&pairs, "reason")
            .map(str::to_owned)
            .filter(|r| !r.trim().is_empty()),
    };
    match contests::review(
        &state.db,
        id,
        entry_id,
        &input,
        chrono::Utc::now(),
        &state.vault,
        &state.config.base_url,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to(&format!("{page}?reviewed=1#entries"))),
        Err(error) => back(&page, error),
    }
}

/// `POST /staff/contests/{id}/judges`: ticked boxes `assign` = `{judge id}:{category id}`.
pub async fn judges(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::RunContests)?;
    let assignments: Vec<JudgeAssignment> = pairs
        .iter()
        .filter(|(key, _)| key == "assign")
        .filter_map(|(_, value)| {
            let (user, category) = value.split_once(':')?;
            Some(JudgeAssignment {
                user_id: user.parse().ok()?,
                category_id: category.parse().ok()?,
            })
        })
        .collect();
    let page = format!("/staff/contests/{id}");
    match judging::set_assignments(&state.db, id, &assignments).await {
        Ok(_) => Ok(Redirect::to(&format!("{page}?judges=1#judges"))),
        Err(error) => back(&page, error),
    }
}

/// `POST /staff/contests/{id}/publish`: publishes the results, once `confirm` is ticked.
pub async fn publish(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
    Form(pairs): Form<Pairs>,
) -> AppResult<Redirect> {
    staff.require(Permission::RunContests)?;
    if field(&pairs, "confirm") != Some("yes") {
        let mut errors = shared::FieldErrors::new();
        errors.add("confirm", shared::FieldError::Required);
        return Ok(with_errors(&format!("/staff/contests/{id}"), &errors));
    }
    judging::publish(
        &state.db,
        id,
        chrono::Utc::now(),
        &state.vault,
        &state.config.base_url,
    )
    .await?;
    Ok(Redirect::to(&format!("/staff/contests/{id}?published=1")))
}
