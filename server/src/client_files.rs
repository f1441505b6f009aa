//! The wasm client's files under `/pkg`. `cargo xtask` publishes them under a name carrying
//! their content hash (`siar-<hash>.js`, `.wasm`) with brotli and gzip copies beside them, and
//! names the bundles in `pkg/current`: the public bundle on its first line, the staff
//! bundle (every island) on its second. Pages load the named bundle; since its name changes
//! with every change of its bytes, browsers may keep it for a year without asking again, and
//! the precompressed copies are sent as they are, with no compression work per request.

use std::path::Path;

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::Router;
use frontend::components::client::ClientBundles;
use tower_http::services::ServeDir;

/// The bundle's plain name, as the client build writes it.
pub const PLAIN_NAME: &str = env!("LEPTOS_OUTPUT_NAME");

/// The bundles the pages load, without extension: the hashed ones named in `pkg/current`,
/// else the plain name (a client built without `cargo xtask`, or none at all), which then
/// serves the staff pages too.
pub fn bundles(site_root: &Path) -> ClientBundles {
    let current =
        std::fs::read_to_string(site_root.join("pkg").join("current")).unwrap_or_default();
    let mut names = current
        .lines()
        .map(str::trim)
        .filter(|name| is_hashed(name))
        .map(str::to_owned);
    let public = names.next().unwrap_or_else(|| PLAIN_NAME.to_owned());
    let staff = names.next().unwrap_or_else(|| public.clone());
    ClientBundles { public, staff }
}

/// `siar-` (or `siar-staff-`) followed by hex digits: a name that only ever holds the same
/// bytes.
fn is_hashed(name: &str) -> bool {
    name.strip_prefix(PLAIN_NAME)
        .and_then(|rest| rest.strip_prefix('-'))
        .map(|rest| rest.strip_prefix("staff-").unwrap_or(rest))
        .is_some_and(|hash| !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Serves `pkg/` (precompressed copies where the browser takes them).
pub fn router(site_pkg: &Path) -> Router {
    Router::new()
        .fallback_service(
            ServeDir::new(site_pkg)
                .precompressed_br()
                .precompressed_gzip(),
        )
        .layer(middleware::from_fn(cache_control))
}

/// A hashed file is kept for a year; anything else is checked again on every use.
async fn cache_control(request: Request, next: Next) -> Response {
    let hashed = request
        .uri()
        .path()
        .rsplit('/')
        .next()
        .and_then(|file| file.split_once('.'))
        .is_some_and(|(stem, _)| is_hashed(stem));
    let mut response = next.run(request).await;
    if response.status().is_success() || response.status() == axum::http::StatusCode::NOT_MODIFIED {
        let value = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_hex_hash_after_the_plain_name_counts_as_hashed() {
        assert!(is_hashed(&format!("{PLAIN_NAME}-0123abcd")));
        assert!(!is_hashed(PLAIN_NAME));
        assert!(!is_hashed(&format!("{PLAIN_NAME}-")));
        assert!(!is_hashed(&format!("{PLAIN_NAME}-../x")));
        assert!(!is_hashed("other-0123abcd"));
    }
}
