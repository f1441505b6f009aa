//! Mail through a durable outbox. A message is a row written in the same transaction as the
//! change it reports; the worker (`deliver_due`) sends due rows over SMTP, or, without an SMTP
//! server, files them in the local mailbox staff can read at `/staff/mailbox`.
//!
//! Delivery is at-least-once with a lease: a worker claims a row by setting `locked_until`
//! (a conditional update, so two instances never claim the same row), sends it, then marks it
//! sent. A crash between the server's "250 OK" and the mark is the only way to send twice;
//! the fixed `Message-ID` (`<outbox id@siar>`) lets mail systems drop that duplicate.

pub mod letters;

use chrono::{DateTime, Duration, Utc};
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sea_orm::sea_query::{Expr, ExprTrait, InsertStatement, OnConflict};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, QueryTrait, Set,
};
use shared::Lang;
use shared::dto::volunteers::MailView;
use uuid::Uuid;

use crate::config::Config;
use crate::db::entities::outbox;
use crate::error::AppResult;

/// How long a claimed message is left to its worker before another may try it.
const LEASE: Duration = Duration::seconds(60);
/// Attempts before a message is given up (and shown as failed in the mailbox).
pub const MAX_ATTEMPTS: i32 = 8;
/// How many messages one pass sends.
const BATCH: u64 = 50;

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// What kind (`sign_in_link`, `signup_confirmed`, `reminder_24h`, …).
    pub kind: &'static str,
    /// The recipient's address.
    pub recipient: String,
    /// The language it is written in.
    pub lang: Lang,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// When set, at most one message with this key is ever written.
    pub dedupe_key: Option<String>,
}

/// Writes `letter` to the outbox, in the caller's transaction. Returns `false` when a message
/// with the same dedupe key already exists (nothing is written).
pub async fn enqueue<C: ConnectionTrait>(
    db: &C,
    letter: Letter,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    Ok(db
        .execute(&outbox_insert(letter, now))
        .await?
        .rows_affected()
        > 0)
}

/// The statement that writes `letter` to the outbox (skipped when its dedupe key is taken):
/// [`enqueue`] runs it alone; a caller may also fold it into its own statement.
pub fn outbox_insert(letter: Letter, now: DateTime<Utc>) -> InsertStatement {
    outbox::Entity::insert(outbox_row(letter, now))
        .on_conflict(skip_taken_dedupe_key())
        .into_query()
}

/// One statement writing all of `letters` (each skipped when its dedupe key is taken), or
/// `None` when there are none.
pub fn outbox_insert_many(letters: Vec<Letter>, now: DateTime<Utc>) -> Option<InsertStatement> {
    if letters.is_empty() {
        return None;
    }
    let rows = letters.into_iter().map(|letter| outbox_row(letter, now));
    Some(
        outbox::Entity::insert_many(rows)
            .on_conflict(skip_taken_dedupe_key())
            .into_query(),
    )
}

fn skip_taken_dedupe_key() -> OnConflict {
    OnConflict::column(outbox::Column::DedupeKey)
        .do_nothing()
        .to_owned()
}

/// The longest dedupe key the outbox column holds (`varchar(120)`; SQLite would not say).
const DEDUPE_KEY_MAX: usize = 120;

/// `key` as stored: as it is when it fits the column, else its SHA-256, which dedupes the
/// same way (equal keys, equal hashes) whatever the key's length.
fn stored_dedupe_key(key: String) -> String {
    if key.len() <= DEDUPE_KEY_MAX {
        key
    } else {
        format!("sha256:{}", crate::auth::sha256_hex(&key))
    }
}

fn outbox_row(letter: Letter, now: DateTime<Utc>) -> outbox::ActiveModel {
    outbox::ActiveModel {
        id: Set(Uuid::now_v7()),
        dedupe_key: Set(letter.dedupe_key.map(stored_dedupe_key)),
        kind: Set(letter.kind.to_owned()),
        recipient: Set(letter.recipient),
        lang: Set(letter.lang.code().to_owned()),
        subject: Set(letter.subject),
        body: Set(letter.body),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        sent_at: Set(None),
        failed_at: Set(None),
        last_error: Set(None),
        delivered_via: Set(None),
        created_at: Set(now),
    }
}

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    /// No SMTP server: messages are kept for the mailbox page.
    Mailbox,
    /// An SMTP server.
    Smtp {
        /// The pooled connection.
        mailer: AsyncSmtpTransport<Tokio1Executor>,
        /// The sender.
        from: Mailbox,
    },
}

impl Transport {
    /// The transport `SIAR_SMTP_URL` asks for (`smtp://host:port`, `smtps://user:pass@host`,
    /// `smtp://host?tls=required`), or the mailbox without one.
    pub fn from_config(config: &Config) -> anyhow::Result<Transport> {
        let Some(url) = config.smtp_url.as_deref() else {
            return Ok(Transport::Mailbox);
        };
        let mailer = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("SIAR_SMTP_URL: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        let from = config
            .mail_from
            .parse::<Mailbox>()
            .map_err(|e| anyhow::anyhow!("SIAR_MAIL_FROM: {e}"))?;
        Ok(Transport::Smtp { mailer, from })
    }

    fn name(&self) -> &'static str {
        match self {
            Transport::Mailbox => "mailbox",
            Transport::Smtp { .. } => "smtp",
        }
    }

    async fn send(&self, message: &outbox::Model) -> anyhow::Result<()> {
        let Transport::Smtp { mailer, from } = self else {
            return Ok(());
        };
        let email = Message::builder()
            .from(from.clone())
            .to(message.recipient.parse::<Mailbox>()?)
            .subject(message.subject.clone())
            .message_id(Some(format!("<{}@siar>", message.id)))
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())?;
        mailer.send(email).await?;
        Ok(())
    }
}

/// Sends what is due; returns how many messages were delivered. Safe to run on several
/// instances at once.
pub async fn deliver_due(
    db: &DatabaseConnection,
    transport: &Transport,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let due = outbox::Entity::find()
        .filter(outbox::Column::SentAt.is_null())
        .filter(outbox::Column::FailedAt.is_null())
        .filter(outbox::Column::NextAttemptAt.lte(now))
        .filter(unlocked(now))
        .order_by_asc(outbox::Column::CreatedAt)
        .limit(BATCH)
        .all(db)
        .await?;
    let mut delivered = 0;
    for message in due {
        if !claim(db, message.id, now).await? {
            continue;
        }
        let attempts = message.attempts + 1;
        let mut update = outbox::ActiveModel {
            id: sea_orm::ActiveValue::Unchanged(message.id),
            locked_until: Set(None),
            ..Default::default()
        };
        match transport.send(&message).await {
            Ok(()) => {
                // Once the letter has left, the outbox keeps no working private link: a copy
                // of the table must open nothing. The mailbox (no SMTP) is where staff read
                // letters in development, so it keeps them whole.
                if matches!(transport, Transport::Smtp { .. }) {
                    update.body = Set(without_private_links(&message.body));
                }
                update.sent_at = Set(Some(now));
                update.delivered_via = Set(Some(transport.name().to_owned()));
                update.last_error = Set(None);
                delivered += 1;
            }
            Err(error) => {
                tracing::warn!(outbox.id = %message.id, %error, "mail delivery failed (attempt {attempts})");
                update.last_error = Set(Some(error.to_string()));
                if attempts >= MAX_ATTEMPTS {
                    update.failed_at = Set(Some(now));
                } else {
                    update.next_attempt_at = Set(now + retry_delay(attempts));
                }
            }
        }
        outbox::Entity::update(update).exec(db).await?;
    }
    Ok(delivered)
}

/// What stands in a sent letter's stored body for a private link's token.
pub const REMOVED_TOKEN: &str = "[…]";

/// `body` with every private token (43 URL-safe characters after `/` or `=`: sign-in links,
/// partner and entry pages, calendar feeds) replaced by [`REMOVED_TOKEN`].
pub fn without_private_links(body: &str) -> String {
    let is_token_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find(['/', '=']) {
        let (before, from) = rest.split_at(at + 1);
        out.push_str(before);
        let run = from.find(|c: char| !is_token_char(c)).unwrap_or(from.len());
        if run == 43 {
            out.push_str(REMOVED_TOKEN);
            rest = &from[run..];
        } else {
            rest = from;
        }
    }
    out.push_str(rest);
    out
}

/// Back-off after `attempts` failures: 30 s, 1 min, 2 min, … at most an hour.
pub fn retry_delay(attempts: i32) -> Duration {
    let exponent = u32::try_from(attempts.clamp(1, 8) - 1).unwrap_or(0);
    (Duration::seconds(30) * 2i32.pow(exponent)).min(Duration::hours(1))
}

fn unlocked(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(outbox::Column::LockedUntil.is_null())
        .add(outbox::Column::LockedUntil.lt(now))
}

/// Takes the lease on one message; `false` if another worker holds it or it was sent.
async fn claim(db: &DatabaseConnection, id: Uuid, now: DateTime<Utc>) -> AppResult<bool> {
    let result = outbox::Entity::update_many()
        .col_expr(outbox::Column::LockedUntil, Expr::value(now + LEASE))
        .col_expr(
            outbox::Column::Attempts,
            Expr::col(outbox::Column::Attempts).add(1),
        )
        .filter(outbox::Column::Id.eq(id))
        .filter(outbox::Column::SentAt.is_null())
        .filter(unlocked(now))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// The newest messages, for the mailbox page; `recipient` narrows to one address.
/// What staff see in place of a body once mail really leaves (both languages: the list is
/// the same for everyone).
pub const WITHHELD_BODY: &str = "Isi surat tidak ditampilkan: surat dikirim lewat server \
    surel dan dapat berisi tautan masuk pribadi. / Not shown: this letter went out by e-mail \
    and may hold a private sign-in link.";

/// The mailbox page and API: with a real mail server configured the letters' bodies are
/// withheld, since they carry one-time sign-in links and private page links meant for their
/// recipients only. Without one (development, the demo) the mailbox is where they are read.
pub async fn mailbox_for_staff(
    db: &DatabaseConnection,
    recipient: Option<&str>,
    limit: u64,
    smtp_configured: bool,
) -> AppResult<Vec<MailView>> {
    let mut letters = mailbox(db, recipient, limit).await?;
    if smtp_configured {
        for letter in &mut letters {
            letter.body = WITHHELD_BODY.to_owned();
        }
    }
    Ok(letters)
}

/// The newest letters of the outbox, bodies included (tests and jobs).
pub async fn mailbox(
    db: &DatabaseConnection,
    recipient: Option<&str>,
    limit: u64,
) -> AppResult<Vec<MailView>> {
    let mut query = outbox::Entity::find();
    if let Some(recipient) = recipient.map(str::trim).filter(|r| !r.is_empty()) {
        query = query.filter(outbox::Column::Recipient.eq(recipient.to_lowercase()));
    }
    let rows = query
        .order_by_desc(outbox::Column::CreatedAt)
        .order_by_desc(outbox::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| MailView {
            id: row.id,
            recipient: row.recipient,
            subject: row.subject,
            body: row.body,
            kind: row.kind,
            created_at: row.created_at,
            sent_at: row.sent_at,
            delivered_via: row.delivered_via,
            attempts: u32::try_from(row.attempts).unwrap_or(0),
            last_error: row.last_error,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_dedupe_key_is_stored_hashed_and_still_dedupes() {
        let short = "agreement-ending:a:2026-12-25:14:b".to_owned();
        assert_eq!(stored_dedupe_key(short.clone()), short);
        let long = format!("partner-answer:{}", "x".repeat(200));
        let stored = stored_dedupe_key(long.clone());
        assert!(stored.len() <= DEDUPE_KEY_MAX, "{stored}");
        assert_eq!(stored, stored_dedupe_key(long.clone()));
        assert_ne!(stored, stored_dedupe_key(format!("{long}y")));
    }

    #[test]
    fn sent_letters_keep_no_private_token() {
        let token = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_AbCdE";
        assert_eq!(token.len(), 43);
        let body = format!(
            "Masuk: https://siar.example/volunteer/sign-in?token={token}\n\
             Kalender: https://siar.example/calendar/me/{token}.ics\n\
             Halaman: https://siar.example/contest-entry/{token}\n\
             Sesi: https://siar.example/sessions/0193f0a2-7c1e-7b3a-9d2e-5f6a7b8c9d0e"
        );
        let kept = without_private_links(&body);
        assert!(!kept.contains(token), "{kept}");
        assert_eq!(kept.matches(REMOVED_TOKEN).count(), 3, "{kept}");
        assert!(kept.contains("/calendar/me/[…].ics"), "{kept}");
        assert!(
            kept.contains("/sessions/0193f0a2-7c1e-7b3a-9d2e-5f6a7b8c9d0e"),
            "{kept}"
        );
        assert_eq!(
            without_private_links("Halo Rina,\nsampai jumpa."),
            "Halo Rina,\nsampai jumpa."
        );
    }

    #[test]
    fn retries_back_off_to_an_hour() {
        assert_eq!(retry_delay(1), Duration::seconds(30));
        assert_eq!(retry_delay(2), Duration::minutes(1));
        assert_eq!(retry_delay(4), Duration::minutes(4));
        assert_eq!(retry_delay(8), Duration::hours(1));
        assert_eq!(retry_delay(50), Duration::hours(1));
    }
}
