//! Leptos wiring: the page routes, and the `Backend` the pages' server functions call,
//! implemented over `services`.

use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use frontend::api::ssr::Backend;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use sea_orm::DatabaseConnection;
use shared::Problem;
use shared::dto::auth::{Role, UserResponse, Viewer};

use crate::app::AppState;
use crate::auth::require_role;
use crate::services;

/// The pages and server functions, with the backend in their context.
pub fn routes(state: &AppState) -> Router<AppState> {
    let backend: Arc<dyn Backend> = Arc::new(ServiceBackend {
        db: state.db.clone(),
    });
    let routes = generate_route_list(frontend::App);
    let leptos = state.leptos.clone();
    Router::new().leptos_routes_with_context(
        state,
        routes,
        move || provide_context(backend.clone()),
        move || frontend::shell(leptos.clone()),
    )
}

struct ServiceBackend {
    db: DatabaseConnection,
}

#[async_trait]
impl Backend for ServiceBackend {
    async fn list_users(&self, viewer: &Viewer) -> Result<Vec<UserResponse>, Problem> {
        let result = async {
            require_role(viewer.user.as_ref(), Role::Admin)?;
            services::users::list_users(&self.db).await
        };
        result.await.map_err(|e| e.into_problem(viewer.lang))
    }
}
