//! The REST API under `/api/v1`, and its OpenAPI document at `/api/v1/openapi.json`,
//! generated from the handlers (utoipa). REST is the public contract for partners and tools;
//! handlers stay thin and call `services`.

pub mod agreements;
pub mod auth;
pub mod calendar;
pub mod contests;
pub mod cooperation;
pub mod episodes;
pub mod health;
pub mod partners;
pub mod programs;
pub mod reports;
pub mod schedule;
pub mod tus;
pub mod users;
pub mod volunteering;
pub mod volunteers;

use axum::extract::DefaultBodyLimit;
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, routing::get};
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::app::AppState;
use crate::error::AppError;
use crate::services::programs::Audience;

/// The largest JSON body the API reads.
pub const MAX_JSON_BYTES: usize = 1024 * 1024;

/// The largest document upload body: the document limit plus the multipart framing.
pub const DOCUMENT_BODY_LIMIT: usize =
    (shared::dto::agreements::MAX_DOCUMENT_BYTES + agreements::MULTIPART_OVERHEAD) as usize;

/// A JSON body whose rejections (malformed JSON, wrong content type, too large) become problem
/// responses like every other error.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

/// A query string whose rejections become problem responses.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

/// A CSV download: UTF-8, saved as `filename`.
pub fn csv_attachment(body: String, filename: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// Staff see drafts and archived programs; everyone else sees published ones.
impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Audience {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        let user = parts
            .extensions
            .get::<crate::context::RequestContext>()
            .and_then(|context| context.user.as_ref());
        Ok(Audience::of(user))
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Siar API",
        version = "1",
        description = "Program scheduling for library outreach. Errors are RFC 9457 problem \
                       documents (application/problem+json) in the language of the request's \
                       Accept-Language header or siar_lang cookie. State-changing requests made \
                       with the session cookie must carry the X-CSRF-Token header (its value is \
                       returned by POST /api/v1/auth/login)."
    ),
    modifiers(&SecuritySchemes),
    tags(
        (name = "auth", description = "Staff sign-in and sign-out"),
        (name = "users", description = "Staff accounts"),
        (name = "programs", description = "Programs (published ones are public) and their archives of past episodes. \
                                             Each program's newest recordings are also an RSS 2.0 feed at /programs/{slug}/recordings.rss \
                                             (ETag with 304, ?lang=en for English)."),
        (name = "series", description = "Recurring series, rule previews and days off"),
        (name = "sessions", description = "Sessions: listing, one-offs, edits, cancelling, conflicts"),
        (name = "partners", description = "Partner organisations, their private links and answers to session requests, the cooperation report and alerts"),
        (name = "agreements", description = "Cooperation agreements with partners, and their documents (PDF, JPEG, PNG)"),
        (name = "calendar", description = "iCalendar feeds: where they are, and the private feed of the signed-in person. \
                                             Feeds are served at /calendar/all.ics, /calendar/programs/{slug}.ics, /calendar/types/{type}.ics, \
                                             /calendar/partners/{slug}.ics, /calendar/open-slots.ics, /calendar/me/{token}.ics and /sessions/{id}.ics \
                                             (text/calendar, ETag and Last-Modified with 304, gzip and Brotli, ?lang=en for English)."),
        (name = "volunteers", description = "Volunteer accounts: registration, one-time sign-in links, profiles; staff invite, deactivate and merge"),
        (name = "volunteering", description = "Roles per session, sign-ups with an ordered waitlist and offers, rosters, attendance, hours, the mailbox"),
        (name = "contests", description = "The storytelling video contest: setup, entries, the entrant's private page, \
                                             resumable video upload by tus 1.0.0 at /uploads/tus/ (creation and termination extensions), \
                                             staff checks, judging (anonymised, with conflicts of interest), ranking, publication, results, gallery and certificates"),
        (name = "reports", description = "The activity report for a period: sessions per program, audience per episode and month, \
                                             volunteer hours, partner contributions and contest entries; JSON or CSV"),
        (name = "health", description = "Liveness and readiness"),
    )
)]
struct ApiDoc;

struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

/// Adds to every operation the problems any request can meet, wherever it does not list them
/// itself: 400 (a path, query or body it cannot read), 503 (no database connection in time),
/// and by kind of operation 401 (it needs a session), 403 (a state-changing request refused
/// by the CSRF check, or a role too low), 413 and 422 (it takes a body).
fn document_common_errors(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let problem = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    shared::problem::PROBLEM_CONTENT_TYPE,
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build(),
        )
    };
    for (path, item) in openapi.paths.paths.iter_mut() {
        let is_tus = path.starts_with("/uploads/tus/");
        let operations = [
            (false, item.get.as_mut()),
            (false, item.head.as_mut()),
            (false, item.options.as_mut()),
            (true, item.post.as_mut()),
            (true, item.put.as_mut()),
            (true, item.patch.as_mut()),
            (true, item.delete.as_mut()),
        ];
        for (changes_state, operation) in operations {
            let Some(operation) = operation else { continue };
            let mut wanted = vec![
                ("400", "The request cannot be read (path, query or body)"),
                ("503", "No database connection in time; see Retry-After"),
            ];
            if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
                wanted.push(("401", "Not signed in"));
            }
            if changes_state {
                wanted.push(("403", "Refused by the CSRF check or the role"));
            }
            let has_params = |place: ParameterIn| {
                operation
                    .parameters
                    .iter()
                    .flatten()
                    .any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place))
            };
            if is_tus {
                wanted.push(("412", "Tus-Resumable is missing or not 1.0.0"));
            }
            if has_params(ParameterIn::Path) {
                wanted.push(("404", "Nothing has this path's identifier"));
            }
            if operation.request_body.is_some() {
                wanted.push(("413", "The body is over the limit"));
            }
            if operation.request_body.is_some() || has_params(ParameterIn::Query) {
                wanted.push(("422", "A field is wrong; `errors` names each"));
            }
            for (status, description) in wanted {
                operation
                    .responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| problem(description));
            }
        }
    }
}

/// The API routes and the OpenAPI document describing them.
pub fn router() -> Router<AppState> {
    let (router, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(auth::change_password))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(users::deactivate_user))
        .routes(routes!(users::activate_user))
        .routes(routes!(users::set_password))
        .routes(routes!(users::sign_out_everywhere))
        .routes(routes!(programs::list_programs, programs::create_program))
        .routes(routes!(programs::get_program, programs::update_program))
        .routes(routes!(programs::set_program_partners))
        .routes(routes!(schedule::list_program_series))
        .routes(routes!(schedule::create_series))
        .routes(routes!(schedule::preview_series))
        .routes(routes!(schedule::get_series, schedule::update_series))
        .routes(routes!(schedule::end_series))
        .routes(routes!(schedule::list_sessions, schedule::create_session))
        .routes(routes!(schedule::on_air))
        .routes(routes!(schedule::set_watch_link))
        .routes(routes!(episodes::save_episode))
        .routes(routes!(episodes::program_archive))
        .routes(routes!(episodes::import_audience))
        .routes(routes!(schedule::get_session, schedule::edit_session))
        .routes(routes!(schedule::cancel_session))
        .routes(routes!(schedule::restore_session))
        .routes(routes!(schedule::set_session_partners))
        .routes(routes!(schedule::session_conflicts))
        .routes(routes!(schedule::list_conflicts))
        .routes(routes!(schedule::list_blackouts, schedule::create_blackout))
        .routes(routes!(schedule::delete_blackout))
        .routes(routes!(partners::list_partners, partners::create_partner))
        .routes(routes!(
            partners::get_partner,
            partners::update_partner,
            partners::delete_partner
        ))
        .routes(routes!(cooperation::access_link))
        .routes(routes!(cooperation::reset_access_link))
        .routes(routes!(cooperation::access_view))
        .routes(routes!(cooperation::answer))
        .routes(routes!(cooperation::access_document))
        .routes(routes!(cooperation::partner_report))
        .routes(routes!(cooperation::partner_report_csv))
        .routes(routes!(cooperation::alerts))
        .routes(routes!(reports::activity_report))
        .routes(routes!(reports::activity_report_csv))
        .routes(routes!(
            agreements::list_agreements,
            agreements::create_agreement
        ))
        .routes(routes!(
            agreements::get_agreement,
            agreements::update_agreement,
            agreements::delete_agreement
        ))
        .routes(routes!(
            agreements::get_document,
            agreements::delete_document
        ))
        .merge(
            // Documents are larger than JSON bodies; this route's own limit wins.
            OpenApiRouter::new()
                .routes(routes!(agreements::upload_document))
                .layer(DefaultBodyLimit::max(DOCUMENT_BODY_LIMIT)),
        )
        .routes(routes!(calendar::partner_profile))
        .routes(routes!(calendar::list_feeds))
        .routes(routes!(calendar::my_calendar))
        .routes(routes!(calendar::reset_my_calendar))
        .routes(routes!(volunteers::register))
        .routes(routes!(volunteers::request_link))
        .routes(routes!(volunteers::sign_in))
        .routes(routes!(volunteers::sign_out))
        .routes(routes!(volunteers::me, volunteers::update_me))
        .routes(routes!(volunteers::my_calendar))
        .routes(routes!(volunteers::reset_my_calendar))
        .routes(routes!(volunteers::list, volunteers::invite))
        .routes(routes!(volunteers::get, volunteers::update))
        .routes(routes!(volunteers::deactivate))
        .routes(routes!(volunteers::activate))
        .routes(routes!(volunteers::merge))
        .routes(routes!(
            volunteering::program_settings,
            volunteering::set_program_settings
        ))
        .routes(routes!(
            volunteering::session_roles,
            volunteering::set_session_roles
        ))
        .routes(routes!(volunteering::open_sessions))
        .routes(routes!(volunteering::sign_up))
        .routes(routes!(volunteering::withdraw))
        .routes(routes!(volunteering::accept))
        .routes(routes!(volunteering::my_signups))
        .routes(routes!(volunteering::assign))
        .routes(routes!(volunteering::remove))
        .routes(routes!(volunteering::roster))
        .routes(routes!(volunteering::mark_attendance))
        .routes(routes!(volunteering::hours))
        .routes(routes!(volunteering::hours_csv))
        .routes(routes!(volunteering::mailbox))
        .routes(routes!(contests::list_contests, contests::create_contest))
        .routes(routes!(contests::get_contest, contests::update_contest))
        .routes(routes!(contests::list_entries))
        .routes(routes!(contests::review_entry))
        .routes(routes!(contests::staff_video))
        .routes(routes!(contests::get_judges, contests::set_judges))
        .routes(routes!(contests::list_conflicts, contests::add_conflict))
        .routes(routes!(contests::judging_progress))
        .routes(routes!(contests::ranking))
        .routes(routes!(contests::publish))
        .routes(routes!(contests::public_contest))
        .routes(routes!(contests::register_entry))
        .routes(routes!(contests::public_results))
        .routes(routes!(contests::gallery_video))
        .routes(routes!(contests::entry_status))
        .routes(routes!(contests::certificate))
        .routes(routes!(contests::judge_entries))
        .routes(routes!(contests::judge_entry))
        .routes(routes!(contests::score_entry))
        .routes(routes!(contests::declare_conflict))
        .routes(routes!(contests::judge_video))
        .merge(
            // Every tus response says which protocol version it speaks.
            OpenApiRouter::new()
                .routes(routes!(tus::discover, tus::create))
                .routes(routes!(tus::status, tus::append, tus::terminate))
                .layer(SetResponseHeaderLayer::overriding(
                    tus::TUS_RESUMABLE,
                    axum::http::HeaderValue::from_static(tus::TUS_VERSION),
                )),
        )
        .routes(routes!(health::healthz))
        .split_for_parts();
    let mut openapi = openapi;
    document_common_errors(&mut openapi);
    let openapi = Json(openapi);
    router
        .route(
            "/api/v1/openapi.json",
            get(move || async move { openapi.clone() }),
        )
        .route(
            "/api/{*rest}",
            axum::routing::any(|| async { AppError::NotFound }),
        )
        .layer(DefaultBodyLimit::max(MAX_JSON_BYTES))
}
