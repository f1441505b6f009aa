//! The REST API under `/api/v1`, and its OpenAPI document at `/api/v1/openapi.json`,
//! generated from the handlers (utoipa). REST is the public contract for partners and tools;
//! handlers stay thin and call `services`.

pub mod auth;
pub mod health;
pub mod users;

use axum::extract::DefaultBodyLimit;
use axum::extract::FromRequest;
use axum::{Json, Router, routing::get};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::app::AppState;
use crate::error::AppError;

/// The largest JSON body the API reads.
pub const MAX_JSON_BYTES: usize = 1024 * 1024;

/// A JSON body whose rejections (malformed JSON, wrong content type, too large) become problem
/// responses like every other error.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct ApiJson<T>(pub T);

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

/// The API routes and the OpenAPI document describing them.
pub fn router() -> Router<AppState> {
    let (router, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(health::healthz))
        .split_for_parts();
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
