//! The activity report for a period (`/api/v1/reports/activity`), and the same as CSV.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use shared::Problem;
use shared::dto::reports::ActivityReport;
use utoipa::IntoParams;

use crate::api::{ApiQuery, csv_attachment};
use crate::app::AppState;
use crate::auth::Staff;
use crate::error::AppResult;
use crate::policy::Permission;
use crate::services::reports;

/// The report's period, on the library's clock.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PeriodQuery {
    /// First day (YYYY-MM-DD).
    pub from: NaiveDate,
    /// Last day, inclusive (at most three years after `from`).
    pub to: NaiveDate,
}

/// Sessions held, cancelled and planned per program; audience per episode and per month;
/// volunteer hours; partner contributions; contest entries per category.
#[utoipa::path(
    get, path = "/api/v1/reports/activity", tag = "reports",
    security(("session" = [])),
    params(PeriodQuery),
    responses(
        (status = 200, body = ActivityReport),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn activity_report(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> AppResult<Json<ActivityReport>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(
        reports::activity_report(&state.db, query.from, query.to, Utc::now()).await?,
    ))
}

/// The same report as CSV, one number a row: `section,key,label,metric,value`.
#[utoipa::path(
    get, path = "/api/v1/reports/activity.csv", tag = "reports",
    security(("session" = [])),
    params(PeriodQuery),
    responses(
        (status = 200, content_type = "text/csv", body = String),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn activity_report_csv(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(query): ApiQuery<PeriodQuery>,
) -> AppResult<Response> {
    staff.require(Permission::ReadStaffData)?;
    let report = reports::activity_report(&state.db, query.from, query.to, Utc::now()).await?;
    Ok(csv_attachment(
        reports::activity_report_csv(&report),
        &format!("siar-activity-{}-{}.csv", query.from, query.to),
    ))
}
