//! Audience numbers from a CSV file, as staff export them from a platform's statistics or
//! keep them in a spreadsheet: one row per session, found by its date on the program's
//! clock (`2026-11-28` or `28/11/2026`) or by its id. Columns are named in the header, in
//! either language and any order; a column Siar does not know is left alone, so a
//! platform's export with more columns reads as it is. Commas, semicolons (a spreadsheet in
//! Indonesian saves with `;`) or tabs (cells copied from a spreadsheet). All or nothing: one wrong row and nothing is saved, every
//! wrong cell named as `rows[<line>].<column>`.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
};
use shared::dto::episodes::{AudienceImport, AudienceNumbers, MAX_IMPORT_ROWS, parse_count};
use shared::words::SessionStatus;
use shared::{FieldError, FieldErrors};
use uuid::Uuid;

use crate::db::entities::{episodes, sessions};
use crate::domain::zone::{parse_tz, utc_to_local};
use crate::error::{AppError, AppResult};
use crate::services::programs::Audience;

use super::{program_by_slug, stored_count};

/// What a row names its session by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SessionKey {
    Date(NaiveDate),
    Id(Uuid),
}

/// One row read: its line in the file, its session and its numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Row {
    line: u64,
    key: SessionKey,
    numbers: AudienceNumbers,
}

/// The columns, by the names a header may give them (lower case).
const DATE: &[&str] = &["date", "tanggal", "session_date"];
const SESSION: &[&str] = &["session_id", "session", "sesi"];
const VIEWERS: &[&str] = &[
    "viewers",
    "views",
    "tayangan",
    "penayangan",
    "jumlah tayangan",
];
const LIVE_PEAK: &[&str] = &[
    "live_peak",
    "peak",
    "peak concurrent viewers",
    "puncak",
    "puncak penonton",
];
const COMMENTS: &[&str] = &["comments", "komentar"];
const IN_PERSON: &[&str] = &["in_person", "hadir", "hadir langsung", "peserta"];

/// Sets the audience numbers of `slug`'s sessions from `csv`. Only the numbers a row gives
/// change; a session's recording, summary and books stay.
#[tracing::instrument(skip_all, fields(program = %slug))]
pub async fn import_audience(
    db: &DatabaseConnection,
    slug: &str,
    csv: &str,
    now: DateTime<Utc>,
) -> AppResult<AudienceImport> {
    let program = program_by_slug(db, slug, Audience::Staff).await?;
    let tz = parse_tz(&program.tz)
        .map_err(|_| AppError::Internal(anyhow::anyhow!("stored zone unknown")))?;
    // Cells that do not read and rows whose session is not found are named together.
    let (rows, mut errors) = read_rows(csv).map_err(AppError::Invalid)?;
    let held: Vec<sessions::Model> = sessions::Entity::find()
        .filter(sessions::Column::ProgramId.eq(program.id))
        .filter(sessions::Column::Status.ne(SessionStatus::Cancelled.as_str()))
        .filter(sessions::Column::StartsAt.lte(now))
        .all(db)
        .await?;
    let mut by_date: HashMap<NaiveDate, Vec<Uuid>> = HashMap::new();
    for session in &held {
        by_date
            .entry(utc_to_local(tz, session.starts_at).date())
            .or_default()
            .push(session.id);
    }
    let mut targets = Vec::with_capacity(rows.len());
    for row in rows {
        let found = match row.key {
            SessionKey::Id(id) => held.iter().any(|s| s.id == id).then_some(id),
            SessionKey::Date(date) => match by_date.get(&date).map(Vec::as_slice) {
                Some([only]) => Some(*only),
                // Two sessions that day: the row must say which, by id.
                Some([_, _, ..]) => {
                    errors.add(
                        &format!("rows[{}].session_id", row.line),
                        FieldError::Required,
                    );
                    continue;
                }
                _ => None,
            },
        };
        match found {
            Some(id) => targets.push((id, row.numbers)),
            None => {
                let column = match row.key {
                    SessionKey::Id(_) => "session_id",
                    SessionKey::Date(_) => "date",
                };
                errors.add(
                    &format!("rows[{}].{column}", row.line),
                    FieldError::UnknownReference,
                );
            }
        }
    }
    errors.into_result().map_err(AppError::Invalid)?;
    let txn = crate::db::begin(db).await?;
    for (session_id, numbers) in &targets {
        match episodes::Entity::find_by_id(*session_id).one(&txn).await? {
            Some(row) => {
                let mut active: episodes::ActiveModel = row.into();
                for (column, value) in [
                    (&mut active.viewers, numbers.viewers),
                    (&mut active.live_peak, numbers.live_peak),
                    (&mut active.comments, numbers.comments),
                    (&mut active.in_person, numbers.in_person),
                ] {
                    if value.is_some() {
                        *column = Set(stored_count(value));
                    }
                }
                active.updated_at = Set(now);
                active.update(&txn).await?;
            }
            None => {
                episodes::ActiveModel {
                    session_id: Set(*session_id),
                    recording_url: Set(None),
                    summary: Set(None),
                    storyteller: Set(None),
                    viewers: Set(stored_count(numbers.viewers)),
                    live_peak: Set(stored_count(numbers.live_peak)),
                    comments: Set(stored_count(numbers.comments)),
                    in_person: Set(stored_count(numbers.in_person)),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(&txn)
                .await?;
            }
        }
    }
    txn.commit().await?;
    Ok(AudienceImport {
        updated: u32::try_from(targets.len()).unwrap_or(u32::MAX),
    })
}

/// The rows of `csv` that read, and every cell that does not; an error for a file that
/// cannot be read as rows at all. Rows without any number are skipped (a spreadsheet's empty
/// lines and totals).
fn read_rows(csv: &str) -> Result<(Vec<Row>, FieldErrors), FieldErrors> {
    let csv = csv.trim_start_matches('\u{feff}');
    let header_line = csv.lines().next().unwrap_or_default();
    // Cells copied from a spreadsheet are separated by tabs.
    let delimiter = if header_line.contains('\t') {
        b'\t'
    } else if header_line.contains(';') && !header_line.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(::csv::Trim::All)
        .from_reader(csv.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(headers) => headers.iter().map(|h| h.to_lowercase()).collect(),
        Err(_) => return Err(FieldErrors::single("csv", FieldError::NotAllowed)),
    };
    let column = |names: &[&str]| headers.iter().position(|h| names.contains(&h.as_str()));
    let (date, session) = (column(DATE), column(SESSION));
    if date.is_none() && session.is_none() {
        return Err(FieldErrors::single("date", FieldError::Required));
    }
    let numbers = [
        ("viewers", column(VIEWERS)),
        ("live_peak", column(LIVE_PEAK)),
        ("comments", column(COMMENTS)),
        ("in_person", column(IN_PERSON)),
    ];
    let mut errors = FieldErrors::new();
    let mut rows = Vec::new();
    for record in reader.records() {
        let Ok(record) = record else {
            errors.add("csv", FieldError::NotAllowed);
            break;
        };
        let line = record.position().map_or(0, |p| p.line());
        let cell = |index: Option<usize>| index.and_then(|i| record.get(i)).unwrap_or_default();
        let mut values = [None; 4];
        for (slot, (name, index)) in values.iter_mut().zip(numbers) {
            match parse_count(cell(index)) {
                Ok(n) => *slot = n,
                Err(error) => errors.add(&format!("rows[{line}].{name}"), error),
            }
        }
        let [viewers, live_peak, comments, in_person] = values;
        let numbers = AudienceNumbers {
            viewers,
            live_peak,
            comments,
            in_person,
        };
        if numbers.is_empty() {
            continue;
        }
        let key = match (cell(session), cell(date)) {
            (id, _) if !id.is_empty() => match Uuid::parse_str(id) {
                Ok(id) => SessionKey::Id(id),
                Err(_) => {
                    errors.add(
                        &format!("rows[{line}].session_id"),
                        FieldError::UnknownReference,
                    );
                    continue;
                }
            },
            (_, day) => match parse_day(day) {
                Some(day) => SessionKey::Date(day),
                None => {
                    errors.add(&format!("rows[{line}].date"), FieldError::InvalidDateTime);
                    continue;
                }
            },
        };
        rows.push(Row { line, key, numbers });
        if rows.len() > MAX_IMPORT_ROWS {
            errors.add(
                "csv",
                FieldError::OutOfRange {
                    min: 1,
                    max: MAX_IMPORT_ROWS as i64,
                },
            );
            break;
        }
    }
    Ok((rows, errors))
}

/// `2026-11-28`, or `28/11/2026` and `28-11-2026` as Indonesian spreadsheets write dates;
/// only years Siar takes.
fn parse_day(text: &str) -> Option<NaiveDate> {
    ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(text.trim(), format).ok())
        .filter(|day| shared::validation::supported_year(chrono::Datelike::year(day)).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> SessionKey {
        SessionKey::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default())
    }

    #[test]
    fn headers_in_either_language_and_any_order_with_extra_columns() {
        let csv = "\u{feff}Judul;Tanggal;Penayangan;Puncak;Komentar\n\
                   Dongkelor 1;28/11/2026;1.250;87;12\n\
                   ;;;;\n\
                   Dongkelor 2;2026-12-05;980;;4\n";
        let (rows, errors) = read_rows(csv).unwrap_or_default();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(rows[0].key, day(2026, 11, 28));
        assert_eq!(
            rows[0].numbers,
            AudienceNumbers {
                viewers: Some(1250),
                live_peak: Some(87),
                comments: Some(12),
                in_person: None
            }
        );
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].numbers.live_peak, None);
    }

    #[test]
    fn cells_pasted_from_a_spreadsheet_are_split_at_tabs() {
        let (rows, _) =
            read_rows("Date\tViews\tHadir\n2026-11-28\t1 250\t30\n").unwrap_or_default();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].numbers.viewers, Some(1250));
        assert_eq!(rows[0].numbers.in_person, Some(30));
    }

    #[test]
    fn every_wrong_cell_is_named_by_its_line_and_column() {
        let csv = "date,views,in_person\n2026-13-01,10,2\n2026-11-28,banyak,-3\n";
        let (_, errors) = read_rows(csv).unwrap_or_default();
        let fields: Vec<&str> = errors.0.keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            ["rows[2].date", "rows[3].in_person", "rows[3].viewers"]
        );
        let no_key = read_rows("views\n10\n").err().unwrap_or_default();
        assert!(no_key.0.contains_key("date"));
    }
}
