//! Every server function: the pages' one door to the server. Bodies run only on the server,
//! where they call the `Backend` the server provides; the browser gets an HTTP call.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, JsonEncoding};
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use shared::Problem;
use shared::dto::auth::UserResponse;

/// A server function's error: the server's problem document, or a transport failure
/// described as one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiError(pub Box<Problem>);

impl From<Problem> for ApiError {
    fn from(problem: Problem) -> Self {
        ApiError(Box::new(problem))
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        ApiError::from(Problem {
            kind: "/problems/transport".into(),
            title: error.to_string(),
            status: 500,
            detail: None,
            errors: Default::default(),
            request_id: None,
        })
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0.detail {
            Some(detail) => write!(f, "{} {}", self.0.title, detail),
            None => f.write_str(&self.0.title),
        }
    }
}

impl std::error::Error for ApiError {}

/// Every staff account (admins only).
#[server(prefix = "/_fn", endpoint = "users", input = GetUrl)]
pub async fn list_users() -> Result<Vec<UserResponse>, ApiError> {
    let viewer = ssr::viewer()?;
    ssr::backend()?
        .list_users(&viewer)
        .await
        .map_err(ApiError::from)
}

/// The server side of the server functions.
#[cfg(feature = "ssr")]
pub mod ssr {
    use std::sync::Arc;

    use leptos::prelude::*;
    use shared::Problem;
    use shared::dto::auth::{UserResponse, Viewer};

    use super::ApiError;

    /// What the pages need from the server, in `shared` types. The server implements it
    /// over its services and provides it as `Arc<dyn Backend>` in the Leptos context.
    #[async_trait::async_trait]
    pub trait Backend: Send + Sync {
        /// Every staff account; admins only.
        async fn list_users(&self, viewer: &Viewer) -> Result<Vec<UserResponse>, Problem>;
    }

    fn missing(what: &str) -> ApiError {
        ApiError::from(Problem {
            kind: "/problems/internal".into(),
            title: format!("{what} missing from the request context"),
            status: 500,
            detail: None,
            errors: Default::default(),
            request_id: None,
        })
    }

    /// The server's backend.
    pub fn backend() -> Result<Arc<dyn Backend>, ApiError> {
        use_context::<Arc<dyn Backend>>().ok_or_else(|| missing("backend"))
    }

    /// The viewer the server's request middleware attached to this request.
    pub fn viewer() -> Result<Viewer, ApiError> {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Viewer>().cloned())
            .ok_or_else(|| missing("viewer"))
    }
}
