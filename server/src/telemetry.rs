//! Logging: `tracing` with an `EnvFilter` (`RUST_LOG`), pretty for a terminal or JSON lines.
//! Never log names, e-mail addresses, phone numbers, tokens or request bodies.

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global subscriber; call once, at start-up.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_sessions=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Pretty => builder.compact().init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Path prefixes whose next segment is a secret that grants access on its own (a partner
/// link, an entry link, an upload id, a private feed).
const SECRET_AFTER: &[&str] = &[
    "/partner-access/",
    "/api/v1/partner-access/",
    "/contest-entry/",
    "/api/v1/contest-entries/",
    "/uploads/tus/",
    "/calendar/me/",
];

/// `path` as it may be logged: the secret segment of a capability URL replaced by `…`.
pub fn loggable_path(path: &str) -> std::borrow::Cow<'_, str> {
    for prefix in SECRET_AFTER {
        if let Some(rest) = path.strip_prefix(prefix)
            && !rest.is_empty()
        {
            let tail = rest.find('/').map_or("", |at| &rest[at..]);
            return format!("{prefix}…{tail}").into();
        }
    }
    path.into()
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn capability_segments_are_masked_and_other_paths_kept() {
        assert_eq!(loggable_path("/partner-access/abc"), "/partner-access/…");
        assert_eq!(
            loggable_path("/api/v1/partner-access/abc/documents/1"),
            "/api/v1/partner-access/…/documents/1"
        );
        assert_eq!(
            loggable_path("/contest-entry/abc/certificate"),
            "/contest-entry/…/certificate"
        );
        assert_eq!(loggable_path("/calendar/me/abc.ics"), "/calendar/me/…");
        assert_eq!(loggable_path("/uploads/tus/"), "/uploads/tus/");
        assert_eq!(loggable_path("/staff/programs/1"), "/staff/programs/1");
    }
}
