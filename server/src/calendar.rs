//! The calendar feeds over HTTP: `/calendar/*.ics`, `/sessions/{id}.ics` and the QR code of
//! a feed's URL. Conditional requests (ETag, Last-Modified → 304), gzip and Brotli from
//! bytes compressed once, HEAD, and short plain-text errors that calendar apps can show.
//!
//! These routes sit outside every other layer (sessions, CSRF, request ids, tracing,
//! compression): a feed never sets a cookie, so shared caches may keep public feeds, and a
//! revalidation costs little more than a hash lookup. Errors are still logged where they
//! become responses.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::DateTime;
use serde::Deserialize;
use shared::Lang;
use uuid::Uuid;

use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::services::feeds::cache::CachedFeed;
use crate::services::feeds::{FeedScope, build_feed, feed_path};

/// The feed routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/calendar/{file}", get(top_level_feed))
        .route("/calendar/{collection}/{file}", get(named_feed))
        .route("/calendar/qr.svg", get(qr_code))
}

/// `?lang=en` for English words in a feed; Indonesian otherwise.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct FeedQuery {
    /// `en` for English names and labels; Indonesian otherwise.
    lang: Option<String>,
}

impl FeedQuery {
    /// The language asked for.
    pub fn lang(&self) -> Lang {
        self.lang
            .as_deref()
            .and_then(Lang::from_tag)
            .unwrap_or(Lang::Id)
    }
}

/// `/calendar/all.ics` and `/calendar/open-slots.ics`.
async fn top_level_feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(q): Query<FeedQuery>,
    headers: HeaderMap,
) -> Response {
    let scope = match file.as_str() {
        "all.ics" => FeedScope::All,
        "open-slots.ics" => FeedScope::OpenSlots,
        _ => return AppError::NotFound.into_plain_response(q.lang()),
    };
    serve(&state, scope, q.lang(), &headers).await
}

/// `/calendar/{programs|types|partners|me}/{name}.ics`.
async fn named_feed(
    State(state): State<AppState>,
    Path((collection, file)): Path<(String, String)>,
    Query(q): Query<FeedQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = q.lang();
    let scope: fn(String) -> FeedScope = match collection.as_str() {
        "programs" => FeedScope::Program,
        "types" => FeedScope::Kind,
        "partners" => FeedScope::Partner,
        "me" => FeedScope::Person,
        _ => return AppError::NotFound.into_plain_response(lang),
    };
    match file.strip_suffix(".ics").filter(|name| !name.is_empty()) {
        Some(name) => serve(&state, scope(name.to_owned()), lang, &headers).await,
        None => AppError::NotFound.into_plain_response(lang),
    }
}

/// Answers `/sessions/{id}.ics` before the page routes see it (they own `/sessions/{id}`).
pub async fn session_file(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    let id = request
        .uri()
        .path()
        .strip_prefix("/sessions/")
        .and_then(|rest| rest.strip_suffix(".ics"))
        .map(str::to_owned);
    match id {
        Some(id) if is_read => {
            let lang = Query::<FeedQuery>::try_from_uri(request.uri())
                .map(|q| q.lang())
                .unwrap_or(Lang::Id);
            match Uuid::parse_str(&id) {
                Ok(id) => serve(&state, FeedScope::Session(id), lang, request.headers()).await,
                Err(_) => AppError::NotFound.into_plain_response(lang),
            }
        }
        _ => next.run(request).await,
    }
}

async fn serve(state: &AppState, scope: FeedScope, lang: Lang, headers: &HeaderMap) -> Response {
    match load(state, &scope, lang).await {
        Ok(feed) => respond(&feed, &scope, headers),
        Err(error) => error.into_plain_response(lang),
    }
}

/// The feed from this instance's cache when it is still valid, else built afresh.
async fn load(state: &AppState, scope: &FeedScope, lang: Lang) -> AppResult<Arc<CachedFeed>> {
    let cached = scope.is_cached();
    let key = format!("{}?lang={}", feed_path(scope), lang.code());
    let build = |version: i64| async move {
        let feed = build_feed(&state.db, &state.config.base_url, scope, lang).await?;
        tokio::task::spawn_blocking(move || CachedFeed::new(feed, version))
            .await
            .map_err(|e| AppError::Internal(e.into()))?
    };
    if !cached {
        return build(0).await.map(Arc::new);
    }
    // The version is read before building, so a change racing the build is seen next time.
    let version = state.feeds.versions(&state.db).await?.of(scope);
    state
        .feeds
        .get_or_build(&key, version, || build(version))
        .await
}

/// The content codings a feed is stored in, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    Brotli,
    Gzip,
    Identity,
}

impl Coding {
    /// Its place in [`CachedFeed::etags`].
    fn index(self) -> usize {
        match self {
            Coding::Identity => 0,
            Coding::Gzip => 1,
            Coding::Brotli => 2,
        }
    }

    /// The best coding `accept_encoding` allows (q=0 refuses one).
    fn negotiate(accept_encoding: Option<&str>) -> Coding {
        let accepted = |name: &str| {
            accept_encoding.is_some_and(|header| {
                header.split(',').any(|item| {
                    let mut parts = item.split(';').map(str::trim);
                    let coding = parts.next().unwrap_or_default();
                    let refused = parts.any(|p| {
                        p.strip_prefix("q=")
                            .and_then(|q| q.parse::<f32>().ok())
                            .is_some_and(|q| q <= 0.0)
                    });
                    coding.eq_ignore_ascii_case(name) && !refused
                })
            })
        };
        if accepted("br") {
            Coding::Brotli
        } else if accepted("gzip") || accepted("x-gzip") {
            Coding::Gzip
        } else {
            Coding::Identity
        }
    }
}

/// Whether the client's copy is current: If-None-Match when sent (any coding of the same
/// bytes matches), else If-Modified-Since.
fn not_modified(feed: &CachedFeed, headers: &HeaderMap) -> bool {
    if let Some(tags) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        return tags.split(',').map(str::trim).any(|tag| {
            let tag = tag.trim_start_matches("W/").trim_matches('"');
            tag == "*"
                || tag
                    .strip_prefix(feed.tag.as_str())
                    .is_some_and(|rest| ["", "-gz", "-br"].contains(&rest))
        });
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
        .is_some_and(|since| feed.last_modified.timestamp() <= since.timestamp())
}

fn respond(feed: &CachedFeed, scope: &FeedScope, headers: &HeaderMap) -> Response {
    let coding = Coding::negotiate(
        headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok()),
    );
    let mut builder = Response::builder()
        .header(header::ETAG, feed.etags[coding.index()].clone())
        .header(header::LAST_MODIFIED, feed.last_modified_header.clone())
        .header(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if scope.is_private() {
                "private, max-age=300"
            } else {
                "public, max-age=300"
            }),
        )
        .header(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if not_modified(feed, headers) {
        return builder
            .status(StatusCode::NOT_MODIFIED)
            .body(Body::empty())
            .unwrap_or_else(|_| StatusCode::NOT_MODIFIED.into_response());
    }
    let body = match coding {
        Coding::Brotli => feed.brotli.clone(),
        Coding::Gzip => feed.gzip.clone(),
        Coding::Identity => feed.identity.clone(),
    };
    if coding != Coding::Identity {
        let name = if coding == Coding::Brotli {
            "br"
        } else {
            "gzip"
        };
        builder = builder.header(header::CONTENT_ENCODING, HeaderValue::from_static(name));
    }
    builder
        .status(StatusCode::OK)
        .header(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/calendar; charset=utf-8"),
        )
        .header(header::CONTENT_LENGTH, body.len())
        .body(Body::from(body))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// `?path=/calendar/all.ics`: the QR code (SVG) of that feed's full URL, for posters.
#[derive(Debug, Deserialize)]
pub struct QrQuery {
    path: String,
}

async fn qr_code(State(state): State<AppState>, Query(q): Query<QrQuery>) -> Response {
    let is_feed = (q.path.starts_with("/calendar/") || q.path.starts_with("/sessions/"))
        && q.path.ends_with(".ics")
        && q.path.len() <= 200
        && q.path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b));
    if !is_feed {
        return AppError::NotFound.into_plain_response(Lang::Id);
    }
    let url = format!("{}{}", state.config.base_url, q.path);
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => {
            let svg = code
                .render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(240, 240)
                .quiet_zone(true)
                .build();
            (
                [
                    (header::CONTENT_TYPE, "image/svg+xml"),
                    (header::CACHE_CONTROL, "public, max-age=86400"),
                ],
                svg,
            )
                .into_response()
        }
        Err(error) => {
            AppError::Internal(anyhow::anyhow!("QR code: {error}")).into_plain_response(Lang::Id)
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::services::feeds::cache::http_date;

    #[test]
    fn codings_are_negotiated_by_preference_and_refusal() {
        assert_eq!(Coding::negotiate(Some("gzip, deflate, br")), Coding::Brotli);
        assert_eq!(Coding::negotiate(Some("gzip, br;q=0")), Coding::Gzip);
        assert_eq!(Coding::negotiate(Some("identity")), Coding::Identity);
        assert_eq!(Coding::negotiate(None), Coding::Identity);
    }

    #[test]
    fn http_dates_are_imf_fixdate() {
        let t = DateTime::parse_from_rfc3339("2026-11-25T08:05:09Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        assert_eq!(http_date(t), "Wed, 25 Nov 2026 08:05:09 GMT");
        assert!(DateTime::parse_from_rfc2822(&http_date(t)).is_ok());
    }
}
