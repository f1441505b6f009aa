//! Which staff pages need which permission. Pages are rendered by Leptos, so the check happens
//! here, before rendering: an anonymous visitor is sent to sign in, a staff member without
//! the role gets 403. The data behind each page is checked again where it is served.

use crate::context::RequestContext;
use crate::error::AppError;
use crate::policy::{self, Permission};
use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

/// Page path prefixes and the permission each needs; the first match wins, so longer prefixes
/// come first.
pub const STAFF_PAGES: &[(&str, Permission)] = &[
    ("/staff/users", Permission::ManageAccounts),
    ("/staff", Permission::ReadStaffData),
    ("/judge", Permission::ScoreEntries),
];

/// The permission a page needs, if it is a staff page. Decided on the path's canonical form, so
/// `/staff/./users`, `/staff//users` or `/staff/%75sers` need what `/staff/users` needs.
pub fn required_permission(path: &str) -> Option<Permission> {
    let path = canonical_path(path);
    STAFF_PAGES
        .iter()
        .find(|(prefix, _)| path == *prefix || path.starts_with(&format!("{prefix}/")))
        .map(|(_, permission)| *permission)
}

/// The path as a router may read it: percent-decoded, empty and `.` segments dropped, `..`
/// resolved, no trailing slash.
pub fn canonical_path(path: &str) -> String {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let mut segments: Vec<&str> = Vec::new();
    for segment in decoded.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    format!("/{}", segments.join("/"))
}

/// The middleware.
/// Pages are read with GET; the form posts under `/staff` check their roles themselves.
pub async fn guard_staff_pages(request: Request, next: Next) -> Response {
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    let required = required_permission(request.uri().path()).filter(|_| is_read);
    let Some(required) = required else {
        return next.run(request).await;
    };
    let user = request
        .extensions()
        .get::<RequestContext>()
        .and_then(|c| c.user.as_ref());
    // Decide first, so the borrow of `request` ends before `next` takes it.
    let decision = policy::require(user, required).map(|_| ());
    match decision {
        Ok(()) => next.run(request).await,
        Err(AppError::Unauthenticated) => {
            let path = request
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/staff");
            let next_query = serde_urlencoded::to_string([("next", path)]).unwrap_or_default();
            Redirect::to(&format!("/login?{next_query}")).into_response()
        }
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_match_whole_segments() {
        assert_eq!(
            required_permission("/staff"),
            Some(Permission::ReadStaffData)
        );
        assert_eq!(
            required_permission("/staff/users"),
            Some(Permission::ManageAccounts)
        );
        assert_eq!(
            required_permission("/staff/users/new"),
            Some(Permission::ManageAccounts)
        );
        assert_eq!(required_permission("/staffroom"), None);
        assert_eq!(required_permission("/"), None);
    }

    #[test]
    fn url_variants_need_the_role_of_the_page_they_reach() {
        for variant in [
            "/staff/users/",
            "/staff/./users",
            "/staff//users",
            "//staff/users",
            "/staff/%75sers",
            "/staff/x/../users",
            "/staff\\users",
            "/judge/../staff/users",
        ] {
            assert_eq!(
                required_permission(variant),
                Some(Permission::ManageAccounts),
                "{variant}"
            );
        }
        assert_eq!(
            required_permission("/%73taff"),
            Some(Permission::ReadStaffData)
        );
        assert_eq!(
            required_permission("/x/../judge"),
            Some(Permission::ScoreEntries)
        );
    }
}
