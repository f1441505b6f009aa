//! Building and serving the application: state, router, listener, background upkeep and
//! graceful shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use axum::http::{HeaderValue, Request, header};
use axum::routing::{get, post};
use axum::{Router, middleware};
use leptos::prelude::LeptosOptions;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{DefaultPredicate, NotForContentType, Predicate};
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::auth::SESSION_COOKIE;
use crate::auth::session_store::DbSessionStore;
use crate::config::Config;
use crate::services::feeds::cache::FeedCache;
use crate::services::mail::Transport;
use crate::services::signups::SignupQueue;
use crate::storage::Storage;
use crate::token_vault::TokenVault;
use crate::{
    api, calendar, client_files, context, db, error, forms, input_guard, jobs, page_guard,
    security_headers, services, ssr, telemetry,
};

/// How long a staff session lasts without activity.
const SESSION_IDLE: time::Duration = time::Duration::hours(12);
/// How often expired sessions and stale sign-in failures are deleted.
const UPKEEP_EVERY: Duration = Duration::from_secs(10 * 60);

/// What every handler can reach, shared: axum hands each handler and middleware its own
/// clone of the state, so a clone is one reference count (a profile of the sign-up burst
/// showed cloning and dropping every field, once per layer and request, at ~10 % of the
/// server's own CPU time).
#[derive(Clone)]
pub struct AppState(Arc<StateParts>);

impl std::ops::Deref for AppState {
    type Target = StateParts;

    fn deref(&self) -> &StateParts {
        &self.0
    }
}

/// The parts of [`AppState`].
pub struct StateParts {
    /// The connection pool.
    pub db: DatabaseConnection,
    /// The configuration.
    pub config: Arc<Config>,
    /// Leptos' settings (site root).
    pub leptos: LeptosOptions,
    /// The client bundles the pages load.
    pub client_bundles: frontend::components::client::ClientBundles,
    /// This instance's calendar feed bytes; their validity is checked against the database.
    pub feeds: Arc<FeedCache>,
    /// Uploaded files (agreement documents).
    pub storage: Storage,
    /// Seals and opens private link tokens.
    pub vault: TokenVault,
    /// Sign-up requests waiting for their role's next batch (this instance's).
    pub signups: SignupQueue,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// A built application, bound to its port and ready to serve.
pub struct App {
    listener: TcpListener,
    router: Router,
    state: AppState,
    mail: Transport,
}

impl App {
    /// Connects to and migrates the database, then binds the configured address (port 0
    /// picks a free one). Fails before binding if the database cannot be used.
    pub async fn build(mut config: Config) -> anyhow::Result<App> {
        let mail = Transport::from_config(&config)?;
        let storage = Storage::open(&config.storage)?;
        let db = db::connect(&config).await?;
        db::migrate(&db).await?;
        let vault = TokenVault::load(&db, config.secret.as_deref()).await?;
        crate::services::private_links::seal_stored_tokens(&db, &vault)
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot open the private links stored in the database ({e}): start with the \
                     SIAR_SECRET they were sealed under"
                )
            })?;
        let leptos = LeptosOptions::builder()
            .output_name(client_files::PLAIN_NAME)
            .site_root(config.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .site_addr(config.bind)
            .build();
        let listener = TcpListener::bind(config.bind)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on SIAR_BIND={}: {e}", config.bind))?;
        if config.base_url_from_bind {
            config.base_url = format!("http://{}", listener.local_addr()?);
        }
        let state = AppState(Arc::new(StateParts {
            signups: SignupQueue::new(db.clone(), &config.base_url),
            db,
            feeds: Arc::new(FeedCache::new(config.feed_recheck)),
            client_bundles: client_files::bundles(&config.site_root),
            config: Arc::new(config),
            leptos,
            storage,
            vault,
        }));
        let router = router(state.clone());
        Ok(App {
            listener,
            router,
            state,
            mail,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The shared state (tests use its database handle).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then finishes the requests in flight.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let upkeep = tokio::spawn(upkeep(self.state.clone()));
        let jobs = self.state.config.jobs_interval.map(|every| {
            tokio::spawn(jobs::run(
                self.state.db.clone(),
                self.mail.clone(),
                self.state.config.base_url.clone(),
                every,
            ))
        });
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let result = axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await;
        upkeep.abort();
        if let Some(jobs) = jobs {
            jobs.abort();
        }
        result.map_err(Into::into)
    }
}

/// The complete router with its layers.
pub fn router(state: AppState) -> Router {
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.secure_cookies())
        .with_expiry(Expiry::OnInactivity(SESSION_IDLE));

    let site_pkg = state.config.site_root.join("pkg");
    let pages = ssr::routes(&state);

    let site = Router::new()
        .merge(api::router())
        .route("/auth/login", post(forms::login))
        .route("/auth/logout", post(forms::logout))
        .route("/account/calendar/reset", post(forms::reset_calendar))
        .route("/account/password", post(forms::accounts::change_password))
        .route(
            "/staff/users/{id}/deactivate",
            post(forms::accounts::deactivate),
        )
        .route("/staff/users/{id}/activate", post(forms::accounts::activate))
        .route(
            "/staff/users/{id}/sign-out",
            post(forms::accounts::sign_out_everywhere),
        )
        .route(
            "/staff/users/{id}/password",
            post(forms::accounts::set_password),
        )
        .route("/lang/{code}", get(forms::switch_lang))
        .route(
            "/programs/{slug}/recordings.rss",
            get(api::episodes::recordings_rss),
        )
        .route("/volunteer/register", post(forms::volunteering::register))
        .route(
            "/volunteer/sign-in-link",
            post(forms::volunteering::request_link),
        )
        .route("/volunteer/sign-in", post(forms::volunteering::sign_in))
        .route("/volunteer/sign-out", post(forms::volunteering::sign_out))
        .route("/volunteer/signups", post(forms::volunteering::sign_up))
        .route(
            "/volunteer/signups/{id}/withdraw",
            post(forms::volunteering::withdraw),
        )
        .route(
            "/volunteer/signups/{id}/accept",
            post(forms::volunteering::accept),
        )
        .route(
            "/volunteer/calendar/reset",
            post(forms::volunteering::reset_calendar),
        )
        .route(
            "/staff/volunteers/invite",
            post(forms::staff_volunteering::invite),
        )
        .route(
            "/staff/volunteers/{id}/active",
            post(forms::staff_volunteering::set_active),
        )
        .route(
            "/staff/session-roles/{id}/assign",
            post(forms::staff_volunteering::assign),
        )
        .route(
            "/staff/signups/{id}/remove",
            post(forms::staff_volunteering::remove),
        )
        .route("/staff/programs", post(forms::programs::create))
        .route("/staff/programs/{slug}", post(forms::programs::update))
        .route(
            "/staff/programs/{slug}/sessions",
            post(forms::schedule::add_session),
        )
        .route(
            "/staff/programs/{slug}/series/{id}/end",
            post(forms::schedule::end_series),
        )
        .route("/staff/partners", post(forms::cooperation::create_partner))
        .route(
            "/staff/programs/{slug}/series",
            post(forms::schedule::create_series),
        )
        .route(
            "/staff/programs/{slug}/partners",
            post(forms::programs::program_partners),
        )
        .route(
            "/staff/programs/{slug}/audience",
            post(forms::programs::import_audience),
        )
        .route(
            "/staff/sessions/{id}/partners",
            post(forms::programs::session_partners),
        )
        .route("/staff/blackouts", post(forms::schedule::add_day_off))
        .route(
            "/staff/blackouts/{id}/delete",
            post(forms::schedule::remove_day_off),
        )
        .route("/staff/sessions/{id}/edit", post(forms::schedule::edit))
        .route("/staff/sessions/{id}/cancel", post(forms::schedule::cancel))
        .route("/staff/sessions/{id}/restore", post(forms::schedule::restore))
        .route(
            "/staff/sessions/{id}/attendance",
            post(forms::staff_volunteering::attendance),
        )
        .route(
            "/staff/sessions/{id}/roles",
            post(forms::staff_volunteering::session_roles),
        )
        .route(
            "/staff/sessions/{id}/watch-link",
            post(forms::schedule::watch_link),
        )
        .route(
            "/staff/sessions/{id}/episode",
            post(forms::schedule::episode),
        )
        .route(
            "/staff/programs/{slug}/volunteering",
            post(forms::staff_volunteering::program_roles),
        )
        .route(
            "/staff/partners/{slug}",
            post(forms::cooperation::save_partner),
        )
        .route(
            "/staff/partners/{slug}/access-link/reset",
            post(forms::cooperation::reset_access),
        )
        .route(
            "/staff/agreements",
            post(forms::cooperation::create_agreement),
        )
        .route(
            "/staff/agreements/{id}",
            post(forms::cooperation::update_agreement),
        )
        .route(
            "/staff/agreements/{id}/delete",
            post(forms::cooperation::delete_agreement),
        )
        .route(
            "/staff/agreements/{id}/documents",
            post(forms::cooperation::upload_document)
                .layer(axum::extract::DefaultBodyLimit::max(api::DOCUMENT_BODY_LIMIT)),
        )
        .route(
            "/staff/agreements/{id}/documents/{document_id}/delete",
            post(forms::cooperation::delete_document),
        )
        .route(
            "/partner-access/{token}/sessions/{session_id}/answer",
            post(forms::cooperation::answer),
        )
        .route("/contests/{slug}/entries", post(forms::contests::register))
        .route("/judge/entries/{id}/scores", post(forms::contests::score))
        .route(
            "/judge/entries/{id}/conflict",
            post(forms::contests::conflict),
        )
        .route("/staff/contests", post(forms::contests::create))
        .route("/staff/contests/{id}", post(forms::contests::update))
        .route(
            "/staff/contests/{id}/entries/{entry_id}/review",
            post(forms::contests::review),
        )
        .route("/staff/contests/{id}/judges", post(forms::contests::judges))
        .route(
            "/staff/contests/{id}/publish",
            post(forms::contests::publish),
        )
        .nest_service("/pkg", client_files::router(&site_pkg))
        .merge(pages)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            {
                let bundles = state.client_bundles.clone();
                move || ssr::provide_page_context(&bundles)
            },
            frontend::shell,
        ))
        // Over the fallback too: leptos' router renders `/staff/users/` and other spellings
        // that no server route matches.
        .layer(middleware::from_fn(page_guard::guard_staff_pages))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            context::request_context,
        ))
        .layer(sessions)
        // Outside the request context, so the error pages it renders get the headers too.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security_headers::security_headers,
        ))
        // Outside the session layer: `/sessions/{id}.ics` sets no cookie.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            calendar::session_file,
        ))
        // Videos are compressed already, and a compressed body would break byte ranges.
        .layer(CompressionLayer::new().compress_when(
            DefaultPredicate::new().and(NotForContentType::const_new("video/")),
        ))
        // Pages carry one-time tokens in their URLs (sign-in links, entrants' and partners'
        // private pages): no other site may see them as a referrer.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // Uploaded files are served as their sniffed type, never as what a browser guesses.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|request: &Request<_>| {
            let request_id = request
                .extensions()
                .get::<RequestId>()
                .and_then(|id| id.header_value().to_str().ok())
                .unwrap_or_default();
            tracing::info_span!("request", method = %request.method(), path = %telemetry::loggable_path(request.uri().path()), request_id)
        }))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid));

    // The feeds stand outside every layer above (see `calendar`).
    Router::new()
        .merge(calendar::router())
        .merge(site)
        .layer(middleware::from_fn(
            input_guard::refuse_control_characters_in_uri,
        ))
        .layer(CatchPanicLayer::custom(error::panic_plain_response))
        .with_state(state)
}

/// Deletes expired sessions, sign-in failures that no longer count, abandoned video
/// uploads and the staging files of writes that stopped, and extends series whose sessions
/// end inside the twelve-month horizon. Idempotent, so every instance may run it.
async fn upkeep(state: AppState) {
    let db = state.db.clone();
    let store = DbSessionStore::new(db.clone());
    let mut every = tokio::time::interval(UPKEEP_EVERY);
    loop {
        every.tick().await;
        if let Err(error) = store.delete_expired().await {
            tracing::warn!(%error, "deleting expired sessions failed");
        }
        if let Err(error) = services::auth::prune_attempts(&db, chrono::Utc::now()).await {
            tracing::warn!(%error, "pruning sign-in failures failed");
        }
        if let Err(error) = services::rate_limit::prune(&db, chrono::Utc::now()).await {
            tracing::warn!(%error, "pruning rate-limit counts failed");
        }
        if let Err(error) = services::series::extend_horizons(&db, chrono::Utc::now()).await {
            tracing::warn!(%error, "extending series failed");
        }
        if let Err(error) = services::volunteers::prune_links(&db, chrono::Utc::now()).await {
            tracing::warn!(%error, "pruning sign-in links failed");
        }
        let expiry = state.config.upload_expiry;
        let cleaned = services::contests::videos::clean_abandoned(
            &db,
            &state.storage,
            chrono::Utc::now(),
            expiry,
        )
        .await;
        if let Err(error) = cleaned {
            tracing::warn!(%error, "cleaning abandoned uploads failed");
        }
        // The first tick is at start-up: a write the previous process was killed in leaves
        // a staging file that no upload will ever finish.
        let idle = expiry.to_std().unwrap_or(Duration::from_secs(24 * 3600));
        match state.storage.clean_staging(idle).await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "removed staging files of stopped writes"),
            Err(error) => tracing::warn!(%error, "cleaning staging files failed"),
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
