//! `/api/v1/calendar/feeds` and `/api/v1/me/calendar`: where the iCalendar feeds are, and the
//! signed-in person's private feed. The feeds themselves are served at `/calendar/*.ics`.

use axum::Json;
use axum::extract::State;
use shared::Problem;
use shared::dto::calendar::{CalendarLinks, subscribe_links};
use shared::dto::partners::PartnerProfile;

use crate::api::ApiQuery;
use crate::app::AppState;
use crate::auth::Staff;
use crate::calendar::FeedQuery;
use crate::error::AppResult;
use crate::policy::Permission;
use crate::services::feeds::{self, feed_path};
use crate::services::partners;

/// Every public feed with its subscribe links (webcal, Google, Outlook, QR code).
#[utoipa::path(
    get, path = "/api/v1/calendar/feeds", tag = "calendar",
    params(FeedQuery),
    responses((status = 200, body = Vec<CalendarLinks>))
)]
pub async fn list_feeds(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<FeedQuery>,
) -> AppResult<Json<Vec<CalendarLinks>>> {
    let feeds = feeds::public_feeds(&state.db, query.lang()).await?;
    Ok(Json(
        feeds
            .iter()
            .map(|(scope, name)| subscribe_links(&state.config.base_url, &feed_path(scope), name))
            .collect(),
    ))
}

/// The signed-in person's private feed (made on first request).
#[utoipa::path(
    get, path = "/api/v1/me/calendar", tag = "calendar",
    security(("session" = [])),
    responses(
        (status = 200, body = CalendarLinks),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn my_calendar(
    State(state): State<AppState>,
    staff: Staff,
) -> AppResult<Json<CalendarLinks>> {
    let user = staff.require(Permission::ReadStaffData)?;
    let token = feeds::calendar_token(&state.db, &state.vault, user.id).await?;
    Ok(Json(feeds::private_links(
        &state.config.base_url,
        &token,
        &user.name,
    )))
}

/// A new private feed URL; the old one answers 404 from now on.
#[utoipa::path(
    post, path = "/api/v1/me/calendar/reset", tag = "calendar",
    security(("session" = [])),
    responses(
        (status = 200, body = CalendarLinks),
        (status = 401, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reset_my_calendar(
    State(state): State<AppState>,
    staff: Staff,
) -> AppResult<Json<CalendarLinks>> {
    let user = staff.require(Permission::ReadStaffData)?;
    let token = feeds::reset_calendar_token(&state.db, &state.vault, user.id).await?;
    Ok(Json(feeds::private_links(
        &state.config.base_url,
        &token,
        &user.name,
    )))
}

/// A partner's public profile (no contact details) by its URL name.
#[utoipa::path(
    get, path = "/api/v1/partners/slug/{slug}", tag = "partners",
    params(("slug" = String, Path, description = "Partner URL name")),
    responses(
        (status = 200, body = PartnerProfile),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn partner_profile(
    State(state): State<AppState>,
    axum::extract::Path(slug): axum::extract::Path<String>,
) -> AppResult<Json<PartnerProfile>> {
    Ok(Json(partners::profile(&state.db, &slug).await?))
}
