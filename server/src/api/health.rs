//! `/healthz`: answers 200 when the server can reach its database.

use axum::extract::State;

use crate::app::AppState;
use crate::db;
use crate::error::AppResult;

/// Liveness and readiness in one: the database is checked with a round trip.
#[utoipa::path(
    get, path = "/healthz", tag = "health",
    responses(
        (status = 200, description = "Serving, database reachable", body = String),
        (status = 500, description = "Database unreachable", body = shared::Problem, content_type = "application/problem+json"),
    )
)]
pub async fn healthz(State(state): State<AppState>) -> AppResult<&'static str> {
    db::ping(&state.db).await?;
    Ok("ok")
}
