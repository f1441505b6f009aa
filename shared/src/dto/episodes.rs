//! The episode archive: what remains of a session after it aired (its recording, a summary,
//! the books read, the storyteller) and how many watched it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::FieldErrors;
use crate::dto::schedule::SessionResponse;
use crate::validation::{
    in_range, optional_isbn, optional_line, optional_text, optional_url, required_text,
};

/// The most books one episode lists.
pub const MAX_BOOKS: usize = 10;
/// The longest summary, in characters.
pub const SUMMARY_MAX_CHARS: usize = 2000;
/// The largest audience number taken (far above any library broadcast, far inside `i32`).
pub const MAX_AUDIENCE: u32 = 10_000_000;
/// Episodes on one archive page.
pub const ARCHIVE_PAGE_SIZE: u64 = 10;

/// One book read in an episode.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Book {
    /// Its title.
    pub title: String,
    /// Its author, if known.
    #[serde(default)]
    pub author: Option<String>,
    /// Its ISBN-10 or ISBN-13, if known (hyphens allowed; stored as digits).
    #[serde(default)]
    pub isbn: Option<String>,
}

/// How many took part, as the platform counted them and as staff counted the room. Every
/// number is optional: a platform that shows no live peak leaves it empty.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AudienceNumbers {
    /// Views of the broadcast and its recording.
    #[serde(default)]
    pub viewers: Option<u32>,
    /// The most watching at once during the live broadcast.
    #[serde(default)]
    pub live_peak: Option<u32>,
    /// Comments on the broadcast.
    #[serde(default)]
    pub comments: Option<u32>,
    /// People there in person.
    #[serde(default)]
    pub in_person: Option<u32>,
}

impl AudienceNumbers {
    /// Whether no number is given.
    pub fn is_empty(&self) -> bool {
        *self == AudienceNumbers::default()
    }

    /// The field rules, under `prefix` (`audience.`).
    pub fn check(&self, errors: &mut FieldErrors, prefix: &str) {
        for (name, value) in [
            ("viewers", self.viewers),
            ("live_peak", self.live_peak),
            ("comments", self.comments),
            ("in_person", self.in_person),
        ] {
            if let Some(value) = value {
                errors.check(
                    &format!("{prefix}{name}"),
                    in_range(i64::from(value), 0, i64::from(MAX_AUDIENCE)),
                );
            }
        }
    }
}

/// What staff record about a session after it aired. Saving replaces the whole record;
/// everything empty removes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EpisodeInput {
    /// The recording: a YouTube, Facebook or Instagram link, or any `https://` address.
    #[serde(default)]
    pub recording_url: Option<String>,
    /// A short summary (several lines allowed).
    #[serde(default)]
    pub summary: Option<String>,
    /// Who told the story.
    #[serde(default)]
    pub storyteller: Option<String>,
    /// The books read, in order.
    #[serde(default)]
    pub books: Vec<Book>,
    /// How many took part.
    #[serde(default)]
    pub audience: AudienceNumbers,
}

impl EpisodeInput {
    /// The field rules; a book's fields are named `books[i].title` and so on.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("recording_url", optional_url(self.recording_url.as_deref()));
        errors.check(
            "summary",
            optional_text(self.summary.as_deref(), SUMMARY_MAX_CHARS),
        );
        errors.check(
            "storyteller",
            optional_line(self.storyteller.as_deref(), 200),
        );
        if self.books.len() > MAX_BOOKS {
            errors.check(
                "books",
                in_range(self.books.len() as i64, 0, MAX_BOOKS as i64),
            );
        }
        for (i, book) in self.books.iter().enumerate() {
            errors.check(
                &format!("books[{i}].title"),
                required_text(&book.title, 300),
            );
            errors.check(
                &format!("books[{i}].author"),
                optional_line(book.author.as_deref(), 200),
            );
            errors.check(
                &format!("books[{i}].isbn"),
                optional_isbn(book.isbn.as_deref()),
            );
        }
        self.audience.check(&mut errors, "audience.");
        errors.into_result()
    }
}

/// A count as people type it: empty is none; digits may be grouped by `.`, `,` or spaces
/// (`1.250`, `1,250`, `1 250`).
pub fn parse_count(typed: &str) -> Result<Option<u32>, crate::FieldError> {
    let digits: String = typed
        .trim()
        .chars()
        .filter(|c| !matches!(c, '.' | ',' | ' ' | '\u{a0}'))
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    match digits.parse::<u32>() {
        Ok(n) if n <= MAX_AUDIENCE && digits.chars().all(|c| c.is_ascii_digit()) => Ok(Some(n)),
        _ => Err(crate::FieldError::OutOfRange {
            min: 0,
            max: i64::from(MAX_AUDIENCE),
        }),
    }
}

/// The plain form's field names, shared by the page that writes the form and the server
/// that reads it. Book fields repeat once per row, in order.
pub mod form {
    /// The recording link.
    pub const RECORDING_URL: &str = "recording_url";
    /// The summary.
    pub const SUMMARY: &str = "summary";
    /// The storyteller.
    pub const STORYTELLER: &str = "storyteller";
    /// A book's title (one per row).
    pub const BOOK_TITLE: &str = "book_title";
    /// A book's author (one per row).
    pub const BOOK_AUTHOR: &str = "book_author";
    /// A book's ISBN (one per row).
    pub const BOOK_ISBN: &str = "book_isbn";
    /// The audience numbers, named as the API's `audience.*` fields.
    pub const AUDIENCE: [&str; 4] = ["viewers", "live_peak", "comments", "in_person"];
}

impl EpisodeInput {
    /// The input a plain form sent (`values` in the order sent), and the numbers that are not
    /// numbers. Book rows left wholly empty are not books. Counts may group thousands with
    /// `.`, `,` or spaces (`1.250`), as people write them.
    pub fn from_form(values: &[(String, String)]) -> (EpisodeInput, FieldErrors) {
        let first = |name: &str| {
            values
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, v)| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let all = |name: &str| -> Vec<String> {
            values
                .iter()
                .filter(|(key, _)| key == name)
                .map(|(_, v)| v.trim().to_owned())
                .collect()
        };
        let (titles, authors, isbns) = (
            all(form::BOOK_TITLE),
            all(form::BOOK_AUTHOR),
            all(form::BOOK_ISBN),
        );
        let optional = |v: Option<&String>| v.filter(|v| !v.is_empty()).cloned();
        let books = titles
            .iter()
            .enumerate()
            .map(|(i, title)| Book {
                title: title.clone(),
                author: optional(authors.get(i)),
                isbn: optional(isbns.get(i)),
            })
            .filter(|book| !book.title.is_empty() || book.author.is_some() || book.isbn.is_some())
            .collect();
        let mut errors = FieldErrors::new();
        let mut count = |name: &str| match parse_count(&first(name).unwrap_or_default()) {
            Ok(n) => n,
            Err(error) => {
                errors.add(&format!("audience.{name}"), error);
                None
            }
        };
        let [viewers, live_peak, comments, in_person] = form::AUDIENCE;
        let audience = AudienceNumbers {
            viewers: count(viewers),
            live_peak: count(live_peak),
            comments: count(comments),
            in_person: count(in_person),
        };
        let input = EpisodeInput {
            recording_url: first(form::RECORDING_URL),
            summary: first(form::SUMMARY),
            storyteller: first(form::STORYTELLER),
            books,
            audience,
        };
        (input, errors)
    }
}

/// The most rows one audience import takes.
pub const MAX_IMPORT_ROWS: usize = 1000;

/// What an audience import changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AudienceImport {
    /// Sessions whose numbers were set.
    pub updated: u32,
}

/// A recording and how a page can show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recording {
    /// The link staff saved.
    pub url: String,
    /// The platform's name read off the link (YouTube, Facebook, Instagram), if known.
    pub platform: Option<String>,
    /// The platform's player address for an `<iframe>`, where the platform offers one that
    /// the site's Content-Security-Policy allows (YouTube, Facebook); none means a plain link.
    pub embed_url: Option<String>,
}

/// What remains of a session after it aired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Episode {
    /// The recording, if there is one.
    pub recording: Option<Recording>,
    /// The summary.
    pub summary: Option<String>,
    /// Who told the story.
    pub storyteller: Option<String>,
    /// The books read, in order.
    pub books: Vec<Book>,
    /// How many took part: staff only (none for the public).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<AudienceNumbers>,
    /// When the record was last saved.
    pub updated_at: DateTime<Utc>,
}

/// One page of a program's archive: past sessions that took place, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ArchivePage {
    /// The program's URL name.
    pub program_slug: String,
    /// The program's name.
    pub program_name: String,
    /// The sessions on this page, each with its episode (if one was recorded).
    pub items: Vec<SessionResponse>,
    /// Sessions in the archive (in the chosen year, if one is chosen).
    pub total: u64,
    /// This page, from 1.
    pub page: u64,
    /// Sessions per page.
    pub per_page: u64,
    /// The year shown, on the program's clock; none for every year.
    pub year: Option<i32>,
    /// Every year the archive holds sessions of, newest first.
    pub years: Vec<i32>,
}

impl ArchivePage {
    /// How many pages the archive has (at least one).
    pub fn pages(&self) -> u64 {
        self.total.div_ceil(self.per_page.max(1)).max(1)
    }
}
