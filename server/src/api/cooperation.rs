//! Working with partners: a partner's private link (`/api/v1/partners/{id}/access-link`),
//! what that link shows and the partner's answers (`/api/v1/partner-access/{token}`), the
//! cooperation report and the dashboard's alerts.

use axum::Json;
use axum::extract::{Path, State};

use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use shared::Problem;
use shared::dto::agreements::{
    AnswerInput, CooperationAlerts, PartnerAccessLink, PartnerAccessView, PartnerReport,
    PartnerSession,
};
use utoipa::IntoParams;
use uuid::Uuid;

use crate::api::agreements::document_response;
use crate::api::{ApiJson, ApiQuery, csv_attachment};
use crate::app::AppState;
use crate::auth::Staff;
use crate::error::AppResult;
use crate::policy::Permission;
use crate::services::cooperation::{self, report};

/// The partner's private link (made on first use).
#[utoipa::path(
    get, path = "/api/v1/partners/{id}/access-link", tag = "partners",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Partner id")),
    responses(
        (status = 200, body = PartnerAccessLink),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn access_link(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<PartnerAccessLink>> {
    staff.require(Permission::ManagePartners)?;
    Ok(Json(
        cooperation::access_link(&state.db, &state.vault, &state.config.base_url, id).await?,
    ))
}

/// Replaces the partner's private link; the old one stops working at once.
#[utoipa::path(
    post, path = "/api/v1/partners/{id}/access-link/reset", tag = "partners",
    security(("session" = [])),
    params(("id" = Uuid, Path, description = "Partner id")),
    responses(
        (status = 200, body = PartnerAccessLink),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reset_access_link(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<Uuid>,
) -> AppResult<Json<PartnerAccessLink>> {
    staff.require(Permission::ManagePartners)?;
    Ok(Json(
        cooperation::reset_access(&state.db, &state.vault, &state.config.base_url, id).await?,
    ))
}

/// What a partner's private link shows: its sessions (with the requests it can answer) and
/// its agreements. The token is the only credential.
#[utoipa::path(
    get, path = "/api/v1/partner-access/{token}", tag = "partners",
    params(("token" = String, Path, description = "The partner's secret")),
    responses(
        (status = 200, body = PartnerAccessView),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn access_view(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Json<PartnerAccessView>> {
    Ok(Json(
        cooperation::access_view(
            &state.db,
            &state.config.base_url,
            &token,
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// The partner confirms or declines taking part in a session it was asked to join.
#[utoipa::path(
    post, path = "/api/v1/partner-access/{token}/sessions/{session_id}/answer", tag = "partners",
    params(
        ("token" = String, Path, description = "The partner's secret"),
        ("session_id" = Uuid, Path, description = "Session id"),
    ),
    request_body = AnswerInput,
    responses(
        (status = 200, body = PartnerSession),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn answer(
    State(state): State<AppState>,
    Path((token, session_id)): Path<(String, Uuid)>,
    ApiJson(input): ApiJson<AnswerInput>,
) -> AppResult<Json<PartnerSession>> {
    Ok(Json(
        cooperation::answer(
            &state.db,
            &state.config.base_url,
            &token,
            session_id,
            input,
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// A document of one of the partner's agreements.
#[utoipa::path(
    get, path = "/api/v1/partner-access/{token}/documents/{document_id}", tag = "partners",
    params(
        ("token" = String, Path, description = "The partner's secret"),
        ("document_id" = Uuid, Path, description = "Document id"),
    ),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn access_document(
    State(state): State<AppState>,
    Path((token, document_id)): Path<(String, Uuid)>,
) -> AppResult<Response> {
    let (document, bytes) = cooperation::partner_document(
        &state.db,
        &state.storage,
        &token,
        document_id,
        chrono::Utc::now(),
    )
    .await?;
    Ok(document_response(&document, bytes))
}

/// The report's period and partner.
#[derive(Debug, Deserialize, IntoParams)]
pub struct ReportQuery {
    /// First day (YYYY-MM-DD).
    pub from: NaiveDate,
    /// Last day, inclusive.
    pub to: NaiveDate,
    /// Only this partner.
    pub partner: Option<Uuid>,
}

/// Per partner over a period: sessions held, roles played, volunteer hours, agreements in
/// force.
#[utoipa::path(
    get, path = "/api/v1/reports/partners", tag = "partners",
    security(("session" = [])),
    params(ReportQuery),
    responses(
        (status = 200, body = PartnerReport),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn partner_report(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> AppResult<Json<PartnerReport>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(
        report::partner_report(
            &state.db,
            query.from,
            query.to,
            query.partner,
            chrono::Utc::now(),
        )
        .await?,
    ))
}

/// The same report as CSV.
#[utoipa::path(
    get, path = "/api/v1/reports/partners.csv", tag = "partners",
    security(("session" = [])),
    params(ReportQuery),
    responses((status = 200, content_type = "text/csv", body = String))
)]
pub async fn partner_report_csv(
    State(state): State<AppState>,
    staff: Staff,
    ApiQuery(query): ApiQuery<ReportQuery>,
) -> AppResult<Response> {
    staff.require(Permission::ReadStaffData)?;
    let found = report::partner_report(
        &state.db,
        query.from,
        query.to,
        query.partner,
        chrono::Utc::now(),
    )
    .await?;
    Ok(csv_attachment(
        report::partner_report_csv(&found),
        &format!("siar-partners-{}-{}.csv", query.from, query.to),
    ))
}

/// Agreements ending within 60 days, and partners with sessions in the next 90 days but no
/// agreement in force.
#[utoipa::path(
    get, path = "/api/v1/cooperation/alerts", tag = "partners",
    security(("session" = [])),
    responses((status = 200, body = CooperationAlerts))
)]
pub async fn alerts(
    State(state): State<AppState>,
    staff: Staff,
) -> AppResult<Json<CooperationAlerts>> {
    staff.require(Permission::ReadStaffData)?;
    Ok(Json(
        cooperation::alerts(&state.db, chrono::Utc::now()).await?,
    ))
}
