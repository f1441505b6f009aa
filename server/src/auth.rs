//! Staff authentication: password hashing, database-backed sessions, and the role check
//! every staff route uses.
//!
//! Sign-in itself (with its rate limit) is a use case in `services::auth`; this module holds
//! the mechanisms it and the handlers share.

pub mod password;
pub mod session_store;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use shared::dto::auth::UserResponse;

use crate::context::RequestContext;
use crate::error::AppError;
use crate::policy::{self, Permission};

/// 256 random bits, URL-safe (43 characters): CSRF tokens, private feed tokens, sign-in links.
pub fn random_token() -> String {
    use base64::Engine as _;
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 of `text` in hex: how secrets are kept in the database (session ids, sign-in
/// links), so a copy of a table opens nothing.
pub fn sha256_hex(text: &str) -> String {
    use sha2::{Digest as _, Sha256};
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The session key holding the signed-in staff member's id.
pub const SESSION_USER_KEY: &str = "user_id";
/// The session key of the account's session generation at sign-in (see
/// `services::users::find_signed_in`).
pub const SESSION_USER_GENERATION_KEY: &str = "user_generation";
/// The session key holding the signed-in volunteer's id.
pub const SESSION_VOLUNTEER_KEY: &str = "volunteer_id";
/// The session cookie's name.
pub const SESSION_COOKIE: &str = "siar_session";

/// The signed-in staff member, for handlers that need one. Extracting it from a request
/// without a valid session answers 401.
#[derive(Debug, Clone)]
pub struct Staff(pub UserResponse);

/// The signed-in volunteer, for handlers that need one; 401 without.
#[derive(Debug, Clone)]
pub struct Volunteer(pub shared::dto::volunteers::VolunteerBrief);

impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for Volunteer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<RequestContext>()
            .and_then(|context| context.volunteer.clone())
            .map(Volunteer))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Volunteer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestContext>()
            .and_then(|context| context.volunteer.clone())
            .map(Volunteer)
            .ok_or(AppError::Unauthenticated)
    }
}

impl Staff {
    /// [`policy::require`] for a handler that already has its staff member.
    pub fn require(&self, permission: Permission) -> Result<&UserResponse, AppError> {
        policy::require(Some(&self.0), permission)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Staff {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestContext>()
            .and_then(|context| context.user.clone())
            .map(Staff)
            .ok_or(AppError::Unauthenticated)
    }
}
