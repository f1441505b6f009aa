//! `AppError`: the one error type of the server, and the only place that picks HTTP statuses
//! and writes problem bodies.
//!
//! Which error to use where:
//! - services and handlers return `AppResult<T>`; variants say what went wrong, never which
//!   status to send;
//! - start-up and background work use `anyhow`, and meet `AppError` only through `Internal`;
//! - a 5xx never shows its cause: database text can leak schema and personal data, so the
//!   cause is logged here, once, and the client gets "internal error" and the request id.
//!
//! Responses are built in two steps because the language and the wanted format belong to the
//! request, not to the error: `into_response` attaches a [`PendingProblem`] holding the problem
//! in both languages, and `context::request_context` writes it as problem JSON or as an HTML
//! error page in the requester's language.

use std::sync::Arc;

use axum::extract::rejection::{FormRejection, JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sea_orm::DbErr;
use shared::{FieldErrors, Lang, Problem};

/// The result of a service or handler.
pub type AppResult<T> = Result<T, AppError>;

/// What went wrong while serving a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The resource does not exist (or is not visible to the requester).
    #[error("not found")]
    NotFound,
    /// Input that breaks a field rule.
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// A body or query that could not be read at all.
    #[error("malformed request: {0}")]
    Malformed(String),
    /// A body over the size limit.
    #[error("request body too large")]
    TooLarge,
    /// A file (declared or sent) over its limit, in MiB; said up front where possible.
    #[error("file too large")]
    FileTooLarge {
        /// The limit.
        max_mib: u64,
    },
    /// The request needs a signed-in staff member.
    #[error("not signed in")]
    Unauthenticated,
    /// The signed-in staff member's role does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// A state-changing request without a valid CSRF token or from another site.
    #[error("CSRF check failed")]
    CsrfRejected,
    /// Wrong e-mail address or password.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Too many failed sign-ins; try again after this many seconds.
    #[error("too many attempts")]
    RateLimited {
        /// Seconds until the oldest counted failure leaves the window.
        retry_after_secs: u64,
    },
    /// The server is too busy to take the request now (no database connection came in
    /// time); the client may retry after this many seconds.
    #[error("unavailable")]
    Unavailable {
        /// Seconds to wait before retrying.
        retry_after_secs: u64,
    },
    /// A volunteering rule refuses the request (closed sign-up, overlap, used link, …).
    #[error("refused: {0:?}")]
    Refused(shared::dto::volunteers::Refusal),
    /// Anything else: a bug or an unavailable dependency.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// One field's error.
    pub fn field(name: &str, error: shared::FieldError) -> Self {
        AppError::Invalid(FieldErrors::single(name, error))
    }
}

/// How long a client is asked to wait when no database connection came in time.
const BUSY_RETRY_AFTER_SECS: u64 = 2;

impl From<DbErr> for AppError {
    fn from(error: DbErr) -> Self {
        match error {
            // A burst larger than the pool: a busy server, not a broken one.
            DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout) => {
                tracing::warn!("no database connection within the acquire timeout");
                AppError::Unavailable {
                    retry_after_secs: BUSY_RETRY_AFTER_SECS,
                }
            }
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::BytesRejection(bytes)
                if bytes.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                AppError::TooLarge
            }
            other => AppError::Malformed(other.body_text()),
        }
    }
}

impl From<FormRejection> for AppError {
    fn from(rejection: FormRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::Malformed(rejection.body_text())
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::Malformed(rejection.body_text())
    }
}

impl AppError {
    fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Malformed(_) => StatusCode::BAD_REQUEST,
            AppError::TooLarge | AppError::FileTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unauthenticated | AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::CsrfRejected => StatusCode::FORBIDDEN,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Refused(_) => StatusCode::CONFLICT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem document for this error in `lang`.
    pub fn problem(&self, lang: Lang) -> Problem {
        let (slug, title, detail) = self.texts(lang);
        let mut problem = problem_for_status(self.status(), lang);
        problem.kind = format!("/problems/{slug}");
        problem.title = title.to_owned();
        problem.detail = detail;
        if let AppError::Invalid(errors) = self {
            problem.errors = errors.messages(lang);
        }
        problem
    }

    fn texts(&self, lang: Lang) -> (&'static str, &'static str, Option<String>) {
        let id = lang == Lang::Id;
        match self {
            AppError::NotFound => (
                "not-found",
                if id { "Tidak ditemukan" } else { "Not found" },
                None,
            ),
            AppError::Invalid(_) => (
                "validation",
                if id {
                    "Isian belum benar"
                } else {
                    "Some fields need attention"
                },
                Some(
                    if id {
                        "Periksa kolom yang ditandai."
                    } else {
                        "Check the fields listed in errors."
                    }
                    .into(),
                ),
            ),
            AppError::Malformed(reason) => (
                "malformed",
                if id {
                    "Permintaan tidak dapat dibaca"
                } else {
                    "The request could not be read"
                },
                Some(reason.clone()),
            ),
            AppError::TooLarge => (
                "too-large",
                if id {
                    "Data terlalu besar"
                } else {
                    "The request is too large"
                },
                None,
            ),
            AppError::FileTooLarge { max_mib } => (
                "file-too-large",
                if id {
                    "Berkas terlalu besar"
                } else {
                    "The file is too large"
                },
                Some(shared::FieldError::FileTooLarge { max_mib: *max_mib }.message(lang)),
            ),
            AppError::Unauthenticated => (
                "unauthenticated",
                if id {
                    "Silakan masuk terlebih dahulu"
                } else {
                    "Please sign in first"
                },
                None,
            ),
            AppError::Forbidden => (
                "forbidden",
                if id {
                    "Anda tidak memiliki akses"
                } else {
                    "You do not have access"
                },
                Some(
                    if id {
                        "Peran Anda tidak mengizinkan tindakan ini."
                    } else {
                        "Your role does not allow this."
                    }
                    .into(),
                ),
            ),
            AppError::CsrfRejected => (
                "csrf",
                if id {
                    "Formulir kedaluwarsa"
                } else {
                    "The form has expired"
                },
                Some(
                    if id {
                        "Muat ulang halaman lalu kirim lagi."
                    } else {
                        "Reload the page and send it again."
                    }
                    .into(),
                ),
            ),
            AppError::InvalidCredentials => (
                "invalid-credentials",
                if id {
                    "Email atau kata sandi salah"
                } else {
                    "Wrong e-mail address or password"
                },
                None,
            ),
            AppError::RateLimited { retry_after_secs } => (
                "rate-limited",
                if id {
                    "Terlalu banyak percobaan"
                } else {
                    "Too many attempts"
                },
                Some(if id {
                    format!("Coba lagi dalam {} menit.", retry_after_secs.div_ceil(60))
                } else {
                    format!("Try again in {} minutes.", retry_after_secs.div_ceil(60))
                }),
            ),
            AppError::Unavailable { retry_after_secs } => (
                "unavailable",
                if id {
                    "Server sedang sibuk"
                } else {
                    "The server is busy"
                },
                Some(if id {
                    format!("Coba lagi dalam {retry_after_secs} detik.")
                } else {
                    format!("Try again in {retry_after_secs} seconds.")
                }),
            ),
            AppError::Refused(refusal) => (
                refusal.slug(),
                if id {
                    "Permintaan tidak dapat dipenuhi"
                } else {
                    "This cannot be done"
                },
                Some(refusal.message(lang).to_owned()),
            ),
            AppError::Internal(_) => (
                "internal",
                if id {
                    "Terjadi kesalahan di server"
                } else {
                    "Internal error"
                },
                Some(
                    if id {
                        "Coba lagi sebentar lagi. Sebutkan kode permintaan jika melapor."
                    } else {
                        "Try again shortly. Quote the request id if you report it."
                    }
                    .into(),
                ),
            ),
        }
    }
}

/// A problem waiting to be written in the requester's language and format; see the module
/// comment.
#[derive(Debug, Clone)]
pub struct PendingProblem(Arc<[Problem; 2]>);

impl PendingProblem {
    /// The problem in `lang`.
    pub fn get(&self, lang: Lang) -> &Problem {
        match lang {
            Lang::Id => &self.0[0],
            Lang::En => &self.0[1],
        }
    }
}

impl AppError {
    /// Logs what the client will not see: the cause of an internal error. Called once, where
    /// the error leaves the server.
    fn log(&self) {
        match self {
            AppError::Internal(cause) => {
                tracing::error!(error = ?cause, "internal error: {cause:#}")
            }
            AppError::Malformed(reason) => tracing::debug!(%reason, "malformed request"),
            _ => {}
        }
    }

    /// Turns the error into the problem a server function sends, logging it like a response.
    pub fn into_problem(self, lang: Lang) -> Problem {
        self.log();
        self.problem(lang)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status();
        let mut response = status.into_response();
        if let AppError::RateLimited { retry_after_secs }
        | AppError::Unavailable { retry_after_secs } = self
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, retry_after_secs.into());
        }
        response.extensions_mut().insert(PendingProblem(Arc::new([
            self.problem(Lang::Id),
            self.problem(Lang::En),
        ])));
        response
    }
}

impl AppError {
    /// The problem document itself, in `lang`, for the few answers made outside the request
    /// layer that renders [`PendingProblem`]s.
    pub fn into_problem_response(self, lang: Lang) -> Response {
        self.log();
        let body = serde_json::to_vec(&self.problem(lang)).unwrap_or_default();
        (
            self.status(),
            [(
                axum::http::header::CONTENT_TYPE,
                shared::problem::PROBLEM_CONTENT_TYPE,
            )],
            body,
        )
            .into_response()
    }

    /// A short plain-text answer for clients that show neither HTML nor JSON (calendar
    /// apps): the problem's title and detail in `lang`, never a cause or trace.
    pub fn into_plain_response(self, lang: Lang) -> Response {
        self.log();
        let problem = self.problem(lang);
        let text = match &problem.detail {
            Some(detail) => format!("{}: {detail}\n", problem.title),
            None => format!("{}\n", problem.title),
        };
        let mut response = (
            self.status(),
            [(
                axum::http::header::CONTENT_TYPE,
                "text/plain; charset=utf-8",
            )],
            text,
        )
            .into_response();
        response.extensions_mut().insert(PlainOnPurpose);
        response
    }
}

/// Marks a plain-text error answer made for clients that read nothing else, so the request
/// layer leaves it as it is (other plain-text errors become problem documents).
#[derive(Debug, Clone, Copy)]
pub struct PlainOnPurpose;

/// The panic's message, for the log.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)")
}

/// The last line of defence for a bug: a handler's panic becomes a logged internal error
/// and a 500 problem (rendered in the user's language by the request layer), never a closed
/// connection.
pub fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic_message(panic.as_ref());
    AppError::Internal(anyhow::anyhow!("a handler panicked: {message}")).into_response()
}

/// [`panic_response`] for the routes outside the request layer (calendar feeds): plain text.
pub fn panic_plain_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let message = panic_message(panic.as_ref());
    AppError::Internal(anyhow::anyhow!("a handler panicked: {message}"))
        .into_plain_response(Lang::Id)
}

/// A generic problem for a bare status (a 404 route miss, a 405), in `lang`.
pub fn problem_for_status(status: StatusCode, lang: Lang) -> Problem {
    let title = match (status, lang) {
        (StatusCode::NOT_FOUND, Lang::Id) => "Tidak ditemukan",
        (StatusCode::METHOD_NOT_ALLOWED, Lang::Id) => "Metode tidak diizinkan",
        (StatusCode::PAYLOAD_TOO_LARGE, Lang::Id) => "Data terlalu besar",
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, Lang::Id) => "Jenis data tidak didukung",
        (s, Lang::Id) if s.is_server_error() => "Terjadi kesalahan di server",
        (_, Lang::Id) => "Permintaan tidak dapat diproses",
        (s, Lang::En) => s.canonical_reason().unwrap_or("Error"),
    };
    Problem {
        kind: "about:blank".into(),
        title: title.into(),
        status: status.as_u16(),
        detail: None,
        errors: Default::default(),
        request_id: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::FieldError;

    #[test]
    fn invalid_input_lists_field_messages_in_each_language() {
        let error = AppError::Invalid(FieldErrors::single("email", FieldError::InvalidEmail));
        let id = error.problem(Lang::Id);
        assert_eq!(id.status, 422);
        assert_eq!(id.kind, "/problems/validation");
        assert_eq!(id.errors["email"], ["Alamat email tidak valid."]);
        assert_eq!(
            error.problem(Lang::En).errors["email"],
            ["This is not a valid e-mail address."]
        );
    }

    #[test]
    fn internal_errors_never_show_their_cause() {
        let error = AppError::Internal(anyhow::anyhow!("relation users does not exist"));
        for lang in Lang::ALL {
            let text = serde_json::to_string(&error.problem(lang)).unwrap();
            assert!(!text.contains("relation"), "{text}");
        }
    }

    #[test]
    fn rate_limit_sets_retry_after() {
        let response = AppError::RateLimited {
            retry_after_secs: 120,
        }
        .into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()["retry-after"], "120");
        let pending = response.extensions().get::<PendingProblem>().unwrap();
        assert_eq!(
            pending.get(Lang::En).detail.as_deref(),
            Some("Try again in 2 minutes.")
        );
    }
}
