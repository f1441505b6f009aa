//! `Config`: every setting Siar reads, built once from the environment and passed down.
//! Nothing else reads environment variables (Leptos' own `LEPTOS_*` are read here too).

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

/// The default SQLite database: a file under `./data/`, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/siar.db?mode=rwc";
/// The default listening address.
pub const DEFAULT_BIND: &str = "127.0.0.1:3000";

/// Where uploaded files live.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StorageConfig {
    /// A directory on local disk.
    Local(PathBuf),
    /// An S3-compatible bucket, `s3://bucket/prefix` (used by the contest uploads), with the
    /// `AWS_*` settings (credentials, region, `AWS_ENDPOINT`, `AWS_ALLOW_HTTP`).
    S3(String, S3Settings),
}

/// The `AWS_*` variables, as lower-case keys the S3 client understands. Values stay out of
/// `Debug`, since they hold secrets.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct S3Settings(pub Vec<(String, String)>);

impl fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(key, _)| key))
            .finish()
    }
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable, for a terminal.
    Pretty,
    /// One JSON object per line, for log collectors.
    Json,
}

/// The shortest `SIAR_SECRET` accepted: 32 characters (`openssl rand -base64 32` gives 44).
const MIN_SECRET_CHARS: usize = 32;

/// Siar's settings.
#[derive(Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://…` or `postgres://…`.
    pub database_url: String,
    /// `SIAR_DATABASE_SCHEMA`: PostgreSQL schema to use (created if missing); tests use one each.
    pub database_schema: Option<String>,
    /// `SIAR_DATABASE_POOL`: connections this instance keeps to PostgreSQL (1–200). The
    /// default, twice the cores plus one, keeps the database busy without a crowd of
    /// transactions queueing on one hot row; several instances each open their own pool.
    pub database_pool: u32,
    /// `SIAR_DATABASE_ACQUIRE_TIMEOUT_MS`: how long a request waits for a free database
    /// connection (100–600,000 ms, default 10,000) before it is answered 503 with
    /// `Retry-After`: a burst beyond the pool is a busy server, not an error.
    pub database_acquire_timeout: std::time::Duration,
    /// `SIAR_BIND`: the address to listen on; port 0 picks a free port.
    pub bind: SocketAddr,
    /// `SIAR_BASE_URL`: the public URL people reach Siar at, without a trailing slash.
    /// Defaults to `http://` and the bound address.
    pub base_url: String,
    /// Whether `base_url` was derived from `SIAR_BIND` (and so follows the real port).
    pub base_url_from_bind: bool,
    /// `SIAR_STORAGE`: a directory, or an `s3://` URL.
    pub storage: StorageConfig,
    /// `SIAR_SMTP_URL`: the mail server; without it mail goes to the local mailbox page.
    pub smtp_url: Option<String>,
    /// `SIAR_MAIL_FROM`: the sender of Siar's mail (default `Siar <siar@localhost>`).
    pub mail_from: String,
    /// `SIAR_JOBS_INTERVAL_MS`: how often this instance runs its background jobs (mail,
    /// reminders, expired offers); default 2000, 0 turns them off (tests drive them by hand).
    pub jobs_interval: Option<std::time::Duration>,
    /// `SIAR_LOG_FORMAT`: `pretty` or `json`.
    pub log_format: LogFormat,
    /// `SIAR_SITE_ROOT` (or `LEPTOS_SITE_ROOT`): the built wasm client and static files.
    pub site_root: PathBuf,
    /// `SIAR_CLIENT_IP_HEADER`: a header set by a trusted reverse proxy that holds the client's
    /// address (e.g. `x-forwarded-for`); without it the TCP peer address is used.
    pub client_ip_header: Option<String>,
    /// `SIAR_FEED_RECHECK_MS`: how often an instance asks the database whether cached
    /// calendar feeds are still valid (default 1000; 0 asks on every request).
    pub feed_recheck: std::time::Duration,
    /// `SIAR_UPLOAD_EXPIRY_HOURS`: an unfinished video upload untouched this long is
    /// deleted (default 24).
    pub upload_expiry: chrono::Duration,
    /// `SIAR_SECRET`: at least 32 characters known only to the servers; the key that seals
    /// private link tokens in the database (see `token_vault`). Without it Siar generates a
    /// key and keeps it in the database, which then protects the links less.
    pub secret: Option<String>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("database_schema", &self.database_schema)
            .field("database_pool", &self.database_pool)
            .field("database_acquire_timeout", &self.database_acquire_timeout)
            .field("bind", &self.bind)
            .field("base_url", &self.base_url)
            .field("storage", &self.storage)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("jobs_interval", &self.jobs_interval)
            .field("log_format", &self.log_format)
            .field("site_root", &self.site_root)
            .field("client_ip_header", &self.client_ip_header)
            .field("feed_recheck", &self.feed_recheck)
            .field("upload_expiry", &self.upload_expiry)
            .field("secret", &self.secret.as_ref().map(|_| "(set)"))
            .finish()
    }
}

/// A setting that cannot be used; the message names the variable.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{variable}: {problem} (got {value:?})")]
pub struct ConfigError {
    /// The environment variable.
    pub variable: &'static str,
    /// What is wrong with it.
    pub problem: &'static str,
    /// The value it had.
    pub value: String,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_vars(&std::env::vars().collect())
    }

    /// Builds the configuration from a set of variables (the environment, or a test's map).
    pub fn from_vars(vars: &HashMap<String, String>) -> Result<Config, ConfigError> {
        let get = |name: &str| vars.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());

        let database_url = get("DATABASE_URL")
            .unwrap_or(DEFAULT_DATABASE_URL)
            .to_owned();
        if !["sqlite:", "postgres://", "postgresql://"]
            .iter()
            .any(|scheme| database_url.starts_with(scheme))
        {
            return Err(invalid(
                "DATABASE_URL",
                "must start with sqlite: or postgres://",
                &database_url,
            ));
        }
        let database_schema = match get("SIAR_DATABASE_SCHEMA") {
            Some(schema) if !is_identifier(schema) => {
                return Err(invalid(
                    "SIAR_DATABASE_SCHEMA",
                    "must be letters, digits and _",
                    schema,
                ));
            }
            other => other.map(str::to_owned),
        };

        let database_pool = match get("SIAR_DATABASE_POOL") {
            None => default_pool_size(),
            Some(text) => text
                .parse::<u32>()
                .ok()
                .filter(|size| (1..=200).contains(size))
                .ok_or_else(|| {
                    invalid(
                        "SIAR_DATABASE_POOL",
                        "must be a number of connections from 1 to 200",
                        text,
                    )
                })?,
        };

        let acquire_text = get("SIAR_DATABASE_ACQUIRE_TIMEOUT_MS").unwrap_or("10000");
        let database_acquire_timeout = acquire_text
            .parse::<u64>()
            .ok()
            .filter(|ms| (100..=600_000).contains(ms))
            .map(std::time::Duration::from_millis)
            .ok_or_else(|| {
                invalid(
                    "SIAR_DATABASE_ACQUIRE_TIMEOUT_MS",
                    "must be a number of milliseconds from 100 to 600000",
                    acquire_text,
                )
            })?;

        let bind_text = get("SIAR_BIND").unwrap_or(DEFAULT_BIND);
        let bind: SocketAddr = bind_text.parse().map_err(|_| {
            invalid(
                "SIAR_BIND",
                "must be an address and port like 127.0.0.1:3000",
                bind_text,
            )
        })?;

        let base_url_from_bind = get("SIAR_BASE_URL").is_none();
        let base_url = match get("SIAR_BASE_URL") {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                url.trim_end_matches('/').to_owned()
            }
            Some(url) => {
                return Err(invalid(
                    "SIAR_BASE_URL",
                    "must start with http:// or https://",
                    url,
                ));
            }
            None => format!("http://{bind}"),
        };

        let storage = match get("SIAR_STORAGE") {
            Some(url) if url.starts_with("s3://") => {
                if url.len() <= "s3://".len() {
                    return Err(invalid(
                        "SIAR_STORAGE",
                        "an s3:// URL needs a bucket name",
                        url,
                    ));
                }
                let mut settings: Vec<(String, String)> = vars
                    .iter()
                    .filter(|(key, _)| key.starts_with("AWS_"))
                    .map(|(key, value)| (key.to_ascii_lowercase(), value.clone()))
                    .collect();
                settings.sort();
                StorageConfig::S3(url.to_owned(), S3Settings(settings))
            }
            Some(url) if url.contains("://") => {
                return Err(invalid(
                    "SIAR_STORAGE",
                    "must be a directory or an s3:// URL",
                    url,
                ));
            }
            Some(dir) => StorageConfig::Local(PathBuf::from(dir)),
            None => StorageConfig::Local(PathBuf::from("data/files")),
        };

        let smtp_url = match get("SIAR_SMTP_URL") {
            Some(url) if !(url.starts_with("smtp://") || url.starts_with("smtps://")) => {
                return Err(invalid(
                    "SIAR_SMTP_URL",
                    "must start with smtp:// or smtps://",
                    url,
                ));
            }
            other => other.map(str::to_owned),
        };

        let mail_from = get("SIAR_MAIL_FROM")
            .unwrap_or("Siar <siar@localhost>")
            .to_owned();
        let jobs_text = get("SIAR_JOBS_INTERVAL_MS").unwrap_or("2000");
        let jobs_interval = match jobs_text.parse::<u64>() {
            Ok(0) => None,
            Ok(ms) if ms <= 3_600_000 => Some(std::time::Duration::from_millis(ms)),
            _ => {
                return Err(invalid(
                    "SIAR_JOBS_INTERVAL_MS",
                    "must be a number of milliseconds up to 3600000",
                    jobs_text,
                ));
            }
        };

        let log_format = match get("SIAR_LOG_FORMAT").unwrap_or("pretty") {
            "pretty" => LogFormat::Pretty,
            "json" => LogFormat::Json,
            other => return Err(invalid("SIAR_LOG_FORMAT", "must be pretty or json", other)),
        };

        let site_root = get("SIAR_SITE_ROOT")
            .or_else(|| get("LEPTOS_SITE_ROOT"))
            .unwrap_or("target/site")
            .into();

        let client_ip_header = get("SIAR_CLIENT_IP_HEADER").map(str::to_ascii_lowercase);

        let feed_recheck_text = get("SIAR_FEED_RECHECK_MS").unwrap_or("1000");
        let feed_recheck = feed_recheck_text
            .parse::<u64>()
            .ok()
            .filter(|ms| *ms <= 3_600_000)
            .map(std::time::Duration::from_millis)
            .ok_or_else(|| {
                invalid(
                    "SIAR_FEED_RECHECK_MS",
                    "must be a number of milliseconds up to 3600000",
                    feed_recheck_text,
                )
            })?;

        let expiry_text = get("SIAR_UPLOAD_EXPIRY_HOURS").unwrap_or("24");
        let upload_expiry = expiry_text
            .parse::<i64>()
            .ok()
            .filter(|hours| (1..=24 * 30).contains(hours))
            .map(chrono::Duration::hours)
            .ok_or_else(|| {
                invalid(
                    "SIAR_UPLOAD_EXPIRY_HOURS",
                    "must be a number of hours from 1 to 720",
                    expiry_text,
                )
            })?;

        let secret = match get("SIAR_SECRET") {
            None => None,
            Some(text) if text.chars().count() >= MIN_SECRET_CHARS => Some(text.to_owned()),
            // Never echo even a short secret back.
            Some(_) => {
                return Err(invalid(
                    "SIAR_SECRET",
                    "must be at least 32 characters",
                    "(hidden)",
                ));
            }
        };

        Ok(Config {
            database_url,
            database_schema,
            database_pool,
            database_acquire_timeout,
            bind,
            base_url,
            base_url_from_bind,
            storage,
            smtp_url,
            mail_from,
            jobs_interval,
            log_format,
            site_root,
            client_ip_header,
            feed_recheck,
            upload_expiry,
            secret,
        })
    }

    /// Whether cookies must carry `Secure`: only when people reach Siar over https.
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}

/// Twice this machine's cores plus one (the usual starting point for a PostgreSQL pool).
fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    u32::try_from(cores * 2 + 1).unwrap_or(16)
}

fn invalid(variable: &'static str, problem: &'static str, value: &str) -> ConfigError {
    ConfigError {
        variable,
        problem,
        value: redact_url(value),
    }
}

fn is_identifier(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

/// Hides the password in a URL such as `postgres://user:secret@host/db`.
fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((credentials, host)) if credentials.contains(':') => {
            let user = credentials.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
