//! Field rules used by both the browser form and the server, so that both reject the same
//! input with the same words.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::dto::auth::CreateUserRequest;

/// The shortest password Siar accepts.
pub const PASSWORD_MIN_CHARS: usize = 12;
/// The longest password Siar accepts (argon2 hashes any length; this bounds the work).
pub const PASSWORD_MAX_CHARS: usize = 256;
/// The longest display name.
pub const NAME_MAX_CHARS: usize = 120;
/// The longest e-mail address (RFC 5321 path limit).
pub const EMAIL_MAX_CHARS: usize = 254;
/// The first year of any date Siar accepts (birth dates of older volunteers included).
pub const FIRST_YEAR: i32 = 1900;
/// The last year of any date Siar accepts. Far beyond any plan, far inside what date
/// arithmetic, time zones and every calendar client handle.
pub const LAST_YEAR: i32 = 2200;

/// What is wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum FieldError {
    /// The field is empty.
    Required,
    /// Fewer than `min` characters.
    TooShort {
        /// The minimum length in characters.
        min: usize,
    },
    /// More than `max` characters.
    TooLong {
        /// The maximum length in characters.
        max: usize,
    },
    /// Not an e-mail address.
    InvalidEmail,
    /// Already used by another record.
    Taken,
    /// Not one of the allowed values.
    NotAllowed,
    /// The password given to prove who one is does not match.
    WrongPassword,
    /// Not allowed on one's own account (deactivating it).
    OwnAccount,
    /// Not lower-case letters, digits and single hyphens.
    InvalidSlug,
    /// Not an IANA time zone name such as `Asia/Makassar`.
    UnknownTimeZone,
    /// A number outside `min..=max`.
    OutOfRange {
        /// The smallest allowed value.
        min: i64,
        /// The largest allowed value.
        max: i64,
    },
    /// Not an `http://` or `https://` address.
    InvalidUrl,
    /// The recurrence rule produces no date at all.
    NoOccurrences,
    /// The rule would store more sessions at once than a series may hold.
    TooManySessions {
        /// The most sessions one series stores at once.
        max: usize,
    },
    /// An end that lies before the start.
    EndBeforeStart,
    /// A local time skipped by a clock change in the zone.
    NonexistentLocalTime,
    /// Not a date or time in the expected form.
    InvalidDateTime,
    /// Points at a record that does not exist.
    UnknownReference,
    /// Not a phone number.
    InvalidPhone,
    /// A file whose content is not one of the accepted kinds (read from its first bytes).
    FileType {
        /// The accepted kinds, for people (`PDF, JPEG, PNG`).
        accepted: String,
    },
    /// A file larger than the limit.
    FileTooLarge {
        /// The limit in MiB.
        max_mib: u64,
    },
    /// A video that runs longer than the limit (read from the file).
    VideoTooLong {
        /// The limit in minutes.
        max_minutes: u32,
        /// How long the video runs, in whole seconds.
        seconds: u32,
    },
    /// A date outside the years Siar accepts ([`FIRST_YEAR`] to [`LAST_YEAR`]).
    DateOutOfRange {
        /// The first year accepted.
        min_year: i32,
        /// The last year accepted.
        max_year: i32,
    },
    /// A control character (such as NUL or a line break where one line is meant).
    ControlCharacter,
    /// Not an ISBN-10 or ISBN-13 (its check digit included).
    InvalidIsbn,
    /// An age (from a birth date) that no contest category takes.
    AgeOutsideCategories {
        /// The youngest age any category takes.
        min: i64,
        /// The oldest.
        max: i64,
    },
}

impl FieldError {
    /// The message for people, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (FieldError::Required, Lang::Id) => "Wajib diisi.".into(),
            (FieldError::Required, Lang::En) => "This field is required.".into(),
            (FieldError::TooShort { min }, Lang::Id) => format!("Minimal {min} karakter."),
            (FieldError::TooShort { min }, Lang::En) => format!("Use at least {min} characters."),
            (FieldError::TooLong { max }, Lang::Id) => format!("Maksimal {max} karakter."),
            (FieldError::TooLong { max }, Lang::En) => format!("Use at most {max} characters."),
            (FieldError::InvalidEmail, Lang::Id) => "Alamat email tidak valid.".into(),
            (FieldError::InvalidEmail, Lang::En) => "This is not a valid e-mail address.".into(),
            (FieldError::Taken, Lang::Id) => "Sudah dipakai.".into(),
            (FieldError::Taken, Lang::En) => "This is already taken.".into(),
            (FieldError::NotAllowed, Lang::Id) => "Nilai ini tidak diizinkan.".into(),
            (FieldError::NotAllowed, Lang::En) => "This value is not allowed.".into(),
            (FieldError::WrongPassword, Lang::Id) => "Kata sandi salah.".into(),
            (FieldError::WrongPassword, Lang::En) => "This password is wrong.".into(),
            (FieldError::OwnAccount, Lang::Id) => {
                "Tidak dapat dilakukan pada akun Anda sendiri.".into()
            }
            (FieldError::OwnAccount, Lang::En) => "You cannot do this to your own account.".into(),
            (FieldError::InvalidSlug, Lang::Id) => {
                "Gunakan huruf kecil, angka dan tanda hubung, misalnya dongkelor.".into()
            }
            (FieldError::InvalidSlug, Lang::En) => {
                "Use lower-case letters, digits and hyphens, such as dongkelor.".into()
            }
            (FieldError::UnknownTimeZone, Lang::Id) => {
                "Zona waktu tidak dikenal; gunakan nama IANA seperti Asia/Makassar.".into()
            }
            (FieldError::UnknownTimeZone, Lang::En) => {
                "Unknown time zone; use an IANA name such as Asia/Makassar.".into()
            }
            (FieldError::OutOfRange { min, max }, Lang::Id) => {
                format!("Masukkan angka dari {min} sampai {max}.")
            }
            (FieldError::OutOfRange { min, max }, Lang::En) => {
                format!("Enter a number from {min} to {max}.")
            }
            (FieldError::InvalidUrl, Lang::Id) => {
                "Alamat harus diawali http:// atau https://.".into()
            }
            (FieldError::InvalidUrl, Lang::En) => {
                "The address must start with http:// or https://.".into()
            }
            (FieldError::InvalidIsbn, Lang::Id) => {
                "Bukan ISBN yang sah (10 atau 13 angka, periksa angka terakhirnya).".into()
            }
            (FieldError::InvalidIsbn, Lang::En) => {
                "This is not a valid ISBN (10 or 13 digits; check the last one).".into()
            }
            (FieldError::NoOccurrences, Lang::Id) => {
                "Aturan ini tidak menghasilkan satu tanggal pun.".into()
            }
            (FieldError::NoOccurrences, Lang::En) => "This rule produces no dates at all.".into(),
            (FieldError::TooManySessions { max }, Lang::Id) => format!(
                "Aturan ini membuat lebih dari {max} sesi sekaligus. Mulailah lebih dekat ke hari ini \
                 atau batasi jumlah sesinya."
            ),
            (FieldError::TooManySessions { max }, Lang::En) => format!(
                "This rule would create more than {max} sessions at once. Start it closer to today \
                 or limit how many sessions it has."
            ),
            (FieldError::EndBeforeStart, Lang::Id) => {
                "Tanggal akhir lebih awal dari tanggal mulai.".into()
            }
            (FieldError::EndBeforeStart, Lang::En) => "The end is before the start.".into(),
            (FieldError::NonexistentLocalTime, Lang::Id) => {
                "Jam ini tidak ada di zona tersebut karena pergantian jam musim panas.".into()
            }
            (FieldError::NonexistentLocalTime, Lang::En) => {
                "This time does not exist in the zone: the clocks change then.".into()
            }
            (FieldError::InvalidDateTime, Lang::Id) => "Tanggal atau jam tidak valid.".into(),
            (FieldError::InvalidDateTime, Lang::En) => "This is not a valid date or time.".into(),
            (FieldError::UnknownReference, Lang::Id) => "Data yang dipilih tidak ada.".into(),
            (FieldError::UnknownReference, Lang::En) => "The chosen record does not exist.".into(),
            (FieldError::InvalidPhone, Lang::Id) => {
                "Nomor telepon tidak valid (6–20 angka, boleh +, spasi, -).".into()
            }
            (FieldError::InvalidPhone, Lang::En) => {
                "This is not a phone number (6–20 digits; +, spaces and - allowed).".into()
            }
            (FieldError::FileType { accepted }, Lang::Id) => {
                format!("Jenis berkas ini tidak diterima; kirim berkas {accepted}.")
            }
            (FieldError::FileType { accepted }, Lang::En) => {
                format!("This kind of file is not accepted; send a {accepted} file.")
            }
            (FieldError::FileTooLarge { max_mib }, Lang::Id) => {
                format!("Berkas terlalu besar; maksimal {max_mib} MiB.")
            }
            (FieldError::FileTooLarge { max_mib }, Lang::En) => {
                format!("The file is too large; the limit is {max_mib} MiB.")
            }
            (
                FieldError::VideoTooLong {
                    max_minutes,
                    seconds,
                },
                Lang::Id,
            ) => format!(
                "Video ini berdurasi {} menit {} detik; maksimal {max_minutes} menit. Potong videonya, lalu unggah lagi.",
                seconds / 60,
                seconds % 60
            ),
            (
                FieldError::VideoTooLong {
                    max_minutes,
                    seconds,
                },
                Lang::En,
            ) => format!(
                "This video runs {} min {} s; the limit is {max_minutes} minutes. Trim it, then upload it again.",
                seconds / 60,
                seconds % 60
            ),
            (FieldError::DateOutOfRange { min_year, max_year }, Lang::Id) => {
                format!("Tanggal harus antara tahun {min_year} dan {max_year}.")
            }
            (FieldError::DateOutOfRange { min_year, max_year }, Lang::En) => {
                format!("The date must be between the years {min_year} and {max_year}.")
            }
            (FieldError::ControlCharacter, Lang::Id) => {
                "Teks berisi karakter kontrol yang tidak diizinkan (misalnya baris baru).".into()
            }
            (FieldError::ControlCharacter, Lang::En) => {
                "The text contains a control character that is not allowed (such as a line break)."
                    .into()
            }
            (FieldError::AgeOutsideCategories { min, max }, Lang::Id) => {
                format!("Peserta harus berusia {min}–{max} tahun pada tanggal acuan lomba.")
            }
            (FieldError::AgeOutsideCategories { min, max }, Lang::En) => {
                format!("Entrants must be {min}–{max} years old on the contest's reference day.")
            }
        }
    }
}

/// Errors per field name; empty means the input is valid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub BTreeMap<String, Vec<FieldError>>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds every error of `other`.
    pub fn extend(&mut self, other: FieldErrors) {
        for (field, errors) in other.0 {
            self.0.entry(field).or_default().extend(errors);
        }
    }

    /// One error on one field.
    pub fn single(field: &str, error: FieldError) -> Self {
        let mut errors = Self::new();
        errors.add(field, error);
        errors
    }

    /// Records an error on `field`.
    pub fn add(&mut self, field: &str, error: FieldError) {
        self.0.entry(field.to_owned()).or_default().push(error);
    }

    /// Records the error of `check`, if any, on `field`.
    pub fn check(&mut self, field: &str, check: Result<(), FieldError>) {
        if let Err(error) = check {
            self.add(field, error);
        }
    }

    /// True when no field has an error.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when empty, otherwise the errors.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }

    /// The messages per field, in `lang`.
    pub fn messages(&self, lang: Lang) -> BTreeMap<String, Vec<String>> {
        self.0
            .iter()
            .map(|(field, errors)| {
                (
                    field.clone(),
                    errors.iter().map(|e| e.message(lang)).collect(),
                )
            })
            .collect()
    }
}

/// Text from outside may hold line breaks and tabs (a description typed in a text area) but
/// no other control character: NUL is refused by PostgreSQL, and CR, ESC and friends end up
/// raw in calendar files, letters and logs. Every text of every request passes this check at
/// the server's edge; single-line fields refuse line breaks too ([`single_line`]).
pub fn multi_line(value: &str) -> Result<(), FieldError> {
    let allowed = |c: char| matches!(c, '\n' | '\r' | '\t');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        Err(FieldError::ControlCharacter)
    } else {
        Ok(())
    }
}

/// A one-line text (a name, a title): no control character at all, line breaks included.
pub fn single_line(value: &str) -> Result<(), FieldError> {
    if value.chars().any(char::is_control) {
        Err(FieldError::ControlCharacter)
    } else {
        Ok(())
    }
}

/// A date Siar can store and compute with: years [`FIRST_YEAR`] to [`LAST_YEAR`].
pub fn supported_year(year: i32) -> Result<(), FieldError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(FieldError::DateOutOfRange {
            min_year: FIRST_YEAR,
            max_year: LAST_YEAR,
        })
    }
}

/// The year of a text that reads as an ISO 8601 date, date-time or month (`2026-12-05`,
/// `+262142-12-31T20:00:00`, `2026-12`), as typed: a sign and any number of year digits.
/// `None` for every other text. This lets the server's edge refuse impossible dates in any
/// field, of any request, before a handler computes with them.
pub fn iso_date_year(value: &str) -> Option<i64> {
    let (sign, rest) = match value.as_bytes().first()? {
        b'+' => (1, &value[1..]),
        b'-' => (-1, &value[1..]),
        _ => (1, value),
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits < 4 {
        return None;
    }
    let after_year = &rest.as_bytes()[digits..];
    let two_digits = |b: &[u8]| b.len() >= 2 && b[0].is_ascii_digit() && b[1].is_ascii_digit();
    let month_ok = after_year.first() == Some(&b'-') && two_digits(&after_year[1..]);
    if !month_ok {
        return None;
    }
    let after_month = &after_year[3..];
    let is_month = after_month.is_empty();
    let is_date = after_month.first() == Some(&b'-')
        && two_digits(&after_month[1..])
        && matches!(after_month.get(3), None | Some(b'T' | b't' | b' '));
    if !(is_month || is_date) {
        return None;
    }
    // More digits than an i64 holds is far out of range all the same.
    let year = rest[..digits].parse::<i64>().unwrap_or(i64::MAX);
    Some(sign * year)
}

/// A text that, if it reads as a date, lies in the supported years.
pub fn supported_date_text(value: &str) -> Result<(), FieldError> {
    match iso_date_year(value) {
        Some(year) => supported_year(i32::try_from(year).unwrap_or(i32::MAX)),
        None => Ok(()),
    }
}

/// A required text of at most `max` characters (after trimming), on one line.
pub fn required_text(value: &str, max: usize) -> Result<(), FieldError> {
    single_line(value)?;
    let len = value.trim().chars().count();
    if len == 0 {
        Err(FieldError::Required)
    } else if len > max {
        Err(FieldError::TooLong { max })
    } else {
        Ok(())
    }
}

/// A required text of at most `max` characters (after trimming) that may span lines.
pub fn required_lines(value: &str, max: usize) -> Result<(), FieldError> {
    multi_line(value)?;
    required_text(&value.replace(['\n', '\r', '\t'], " "), max)
}

/// A plausible e-mail address: one `@`, a non-empty local part, a dotted domain, no spaces.
/// Deliverability is proven by sending mail, not by a longer pattern.
pub fn email(value: &str) -> Result<(), FieldError> {
    let value = value.trim();
    required_text(value, EMAIL_MAX_CHARS)?;
    let (local, domain) = value.split_once('@').ok_or(FieldError::InvalidEmail)?;
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@');
    if local.is_empty() || !domain_ok || value.chars().any(char::is_whitespace) {
        return Err(FieldError::InvalidEmail);
    }
    Ok(())
}

/// A new password: 12 to 256 characters. Length, not character classes, is what makes a
/// password strong (NIST SP 800-63B).
pub fn new_password(value: &str) -> Result<(), FieldError> {
    let len = value.chars().count();
    if len == 0 {
        Err(FieldError::Required)
    } else if len < PASSWORD_MIN_CHARS {
        Err(FieldError::TooShort {
            min: PASSWORD_MIN_CHARS,
        })
    } else if len > PASSWORD_MAX_CHARS {
        Err(FieldError::TooLong {
            max: PASSWORD_MAX_CHARS,
        })
    } else {
        Ok(())
    }
}

/// The rules for a new staff account.
pub fn validate_create_user(request: &CreateUserRequest) -> Result<(), FieldErrors> {
    let mut errors = FieldErrors::new();
    errors.check("email", email(&request.email));
    errors.check("name", required_text(&request.name, NAME_MAX_CHARS));
    errors.check("password", new_password(&request.password));
    if request.role.is_none() {
        errors.add("role", FieldError::Required);
    }
    errors.into_result()
}

/// An optional text of at most `max` characters.
pub fn optional_text(value: Option<&str>, max: usize) -> Result<(), FieldError> {
    match value.map(str::trim) {
        Some(v) if v.chars().count() > max => Err(FieldError::TooLong { max }),
        _ => Ok(()),
    }
}

/// An optional text of at most `max` characters, on one line (a title, a name, a phone).
pub fn optional_line(value: Option<&str>, max: usize) -> Result<(), FieldError> {
    value.map_or(Ok(()), single_line)?;
    optional_text(value, max)
}

/// An optional web address: absent, or `http(s)://` followed by a host.
pub fn optional_url(value: Option<&str>) -> Result<(), FieldError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(());
    };
    optional_text(Some(value), 500)?;
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
        .ok_or(FieldError::InvalidUrl)?;
    if rest.is_empty() || rest.starts_with('/') || value.chars().any(char::is_whitespace) {
        return Err(FieldError::InvalidUrl);
    }
    Ok(())
}

/// An optional ISBN: absent, or ten or thirteen digits (hyphens and spaces between them
/// allowed; an ISBN-10 may end in `X`) whose check digit is right.
pub fn optional_isbn(value: Option<&str>) -> Result<(), FieldError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        Some(value) if isbn_digits(value).is_none() => Err(FieldError::InvalidIsbn),
        _ => Ok(()),
    }
}

/// The digits of a valid ISBN-10 or ISBN-13 (an ISBN-10's `X` as itself), without the
/// hyphens and spaces people type; `None` when it is not one.
pub fn isbn_digits(value: &str) -> Option<String> {
    let digits: String = value
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let sum = match digits.len() {
        // Weights 10 down to 1; the last may be X (ten). Valid when the sum is 0 mod 11.
        10 => digits
            .chars()
            .zip((1..=10u32).rev())
            .enumerate()
            .try_fold(0u32, |sum, (i, (c, weight))| {
                let v = if c == 'X' && i == 9 {
                    10
                } else {
                    c.to_digit(10)?
                };
                Some(sum + v * weight)
            })
            .map(|sum| sum % 11),
        // Weights alternate 1 and 3. Valid when the sum is 0 mod 10.
        13 => digits
            .chars()
            .zip([1u32, 3].into_iter().cycle())
            .try_fold(0u32, |sum, (c, weight)| {
                Some(sum + c.to_digit(10)? * weight)
            })
            .map(|sum| sum % 10),
        _ => None,
    };
    (sum == Some(0)).then_some(digits)
}

/// A whole number within `min..=max`.
pub fn in_range(value: i64, min: i64, max: i64) -> Result<(), FieldError> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(FieldError::OutOfRange { min, max })
    }
}

/// A URL slug: 2 to 80 characters of `a-z`, `0-9` and single inner hyphens.
pub fn slug(value: &str) -> Result<(), FieldError> {
    required_text(value, 80)?;
    let ok = value.len() >= 2
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !value.starts_with('-')
        && !value.ends_with('-')
        && !value.contains("--");
    if ok {
        Ok(())
    } else {
        Err(FieldError::InvalidSlug)
    }
}

/// A slug suggested from a name: "Dapur Pustaka" → "dapur-pustaka".
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').chars().take(80).collect()
}

/// A valid slug for `name` that `is_taken` does not claim: the plain slug, else with `-2`,
/// `-3`, … appended. Names without letters or digits fall back to "item".
pub fn unique_slug(name: &str, is_taken: impl Fn(&str) -> bool) -> String {
    let mut base = slugify(name);
    base.truncate(72);
    let base = base.trim_end_matches('-');
    let base = if base.len() < 2 { "item" } else { base };
    let mut candidate = base.to_owned();
    let mut n = 2;
    while is_taken(&candidate) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

/// Empty and blank optional texts become `None`; others are trimmed.
pub fn clean_optional(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Normalises an e-mail address for storage and lookup: trimmed and lower-cased.
pub fn normalize_email(value: &str) -> String {
    value.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::auth::Role;

    #[test]
    fn isbns_by_their_check_digit() {
        for good in [
            "978-0-306-40615-7",
            "9780306406157",
            "0-306-40615-2",
            "0 8044 2957 x",
            " 978-602-03-2478-4 ",
        ] {
            assert_eq!(optional_isbn(Some(good)), Ok(()), "{good}");
        }
        assert_eq!(isbn_digits("0-8044-2957-x").as_deref(), Some("080442957X"));
        for bad in [
            "978-0-306-40615-8",
            "0-306-40615-3",
            "X-306-40615-2",
            "97803064061",
            "isbn 9780306406157",
            "٩٧٨٠٣٠٦٤٠٦١٥٧",
        ] {
            assert_eq!(
                optional_isbn(Some(bad)),
                Err(FieldError::InvalidIsbn),
                "{bad}"
            );
        }
        assert_eq!(optional_isbn(None), Ok(()));
        assert_eq!(optional_isbn(Some("  ")), Ok(()));
    }

    #[test]
    fn emails() {
        assert_eq!(email("ibu.rina@perpus.makassarkota.go.id"), Ok(()));
        assert_eq!(email(""), Err(FieldError::Required));
        for bad in [
            "rina",
            "rina@",
            "@x.id",
            "rina@localhost",
            "ri na@x.id",
            "a@b@c.id",
            "a@.id",
        ] {
            assert_eq!(email(bad), Err(FieldError::InvalidEmail), "{bad}");
        }
    }

    #[test]
    fn passwords_need_twelve_characters_counted_as_characters() {
        assert_eq!(
            new_password("abcdefghijk"),
            Err(FieldError::TooShort { min: 12 })
        );
        assert_eq!(new_password("abcdefghijkl"), Ok(()));
        // Twelve non-ASCII characters are twelve characters, not 24 bytes.
        assert_eq!(
            new_password("ééééééééééé"),
            Err(FieldError::TooShort { min: 12 })
        );
        assert_eq!(new_password(""), Err(FieldError::Required));
    }

    #[test]
    fn create_user_reports_every_bad_field() {
        let errors = validate_create_user(&CreateUserRequest {
            email: "nope".into(),
            name: " ".into(),
            role: None,
            password: "short".into(),
        })
        .unwrap_err();
        let fields: Vec<_> = errors.0.keys().map(String::as_str).collect();
        assert_eq!(fields, ["email", "name", "password", "role"]);
        let valid = CreateUserRequest {
            email: "a@b.id".into(),
            name: "Rina".into(),
            role: Some(Role::Viewer),
            password: "twelve chars!".into(),
        };
        assert_eq!(validate_create_user(&valid), Ok(()));
    }

    #[test]
    fn messages_come_in_both_languages() {
        let errors = FieldErrors::single("password", FieldError::TooShort { min: 12 });
        assert_eq!(
            errors.messages(Lang::Id)["password"],
            ["Minimal 12 karakter."]
        );
        assert_eq!(
            errors.messages(Lang::En)["password"],
            ["Use at least 12 characters."]
        );
    }

    #[test]
    fn unique_slugs_skip_taken_ones() {
        let taken = ["harian-fajar".to_owned(), "harian-fajar-2".to_owned()];
        let slug = unique_slug("Harian Fajar", |s| taken.iter().any(|t| t == s));
        assert_eq!(slug, "harian-fajar-3");
        assert_eq!(unique_slug("!!", |_| false), "item");
        assert!(super::slug(&unique_slug(&"Perpustakaan ".repeat(20), |_| false)).is_ok());
    }

    #[test]
    fn slugs_and_urls() {
        assert_eq!(slug("dongkelor"), Ok(()));
        assert_eq!(slug("talkshow-duta-baca-2027"), Ok(()));
        for bad in ["Dongkelor", "a", "-x", "x-", "a--b", "dapur pustaka", "é-x"] {
            assert_eq!(slug(bad), Err(FieldError::InvalidSlug), "{bad}");
        }
        assert_eq!(
            slugify("  Dapur Pustaka! Edisi 2 "),
            "dapur-pustaka-edisi-2"
        );
        assert_eq!(optional_url(Some("https://youtube.com/@perpus")), Ok(()));
        assert_eq!(optional_url(Some(" ")), Ok(()));
        assert_eq!(optional_url(None), Ok(()));
        for bad in ["youtube.com", "ftp://x.id", "https://", "https://a b"] {
            assert_eq!(
                optional_url(Some(bad)),
                Err(FieldError::InvalidUrl),
                "{bad}"
            );
        }
        assert_eq!(
            in_range(0, 5, 10),
            Err(FieldError::OutOfRange { min: 5, max: 10 })
        );
    }

    #[test]
    fn control_characters_are_refused_line_breaks_only_where_many_lines_are_meant() {
        assert_eq!(multi_line("Baris satu\r\nbaris dua\tdengan tab"), Ok(()));
        for bad in ["a\0b", "a\u{1b}[31m", "a\u{7f}", "a\u{85}b"] {
            assert_eq!(
                multi_line(bad),
                Err(FieldError::ControlCharacter),
                "{bad:?}"
            );
        }
        assert_eq!(single_line("Dongkelor: Si Kancil"), Ok(()));
        assert_eq!(optional_line(None, 10), Ok(()));
        assert_eq!(
            optional_line(Some("a\nb"), 10),
            Err(FieldError::ControlCharacter)
        );
        assert_eq!(
            optional_line(Some("Zoom"), 3),
            Err(FieldError::TooLong { max: 3 })
        );
        for bad in ["Teks\r\nBEGIN:VEVENT", "a\rb", "a\nb", "a\0"] {
            assert_eq!(
                single_line(bad),
                Err(FieldError::ControlCharacter),
                "{bad:?}"
            );
            assert_eq!(
                required_text(bad, 100),
                Err(FieldError::ControlCharacter),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn dates_read_from_any_text_and_their_years_bounded() {
        assert_eq!(iso_date_year("2026-12-05"), Some(2026));
        assert_eq!(iso_date_year("2026-12"), Some(2026));
        assert_eq!(iso_date_year("+262142-12-31T20:00:00"), Some(262_142));
        assert_eq!(iso_date_year("-262143-01-02"), Some(-262_143));
        assert_eq!(iso_date_year("2026-12-05T09:00:00+08:00"), Some(2026));
        assert_eq!(
            iso_date_year("99999999999999999999999-01-01"),
            Some(i64::MAX)
        );
        for not_a_date in [
            "",
            "Dongkelor",
            "0812-3456-7890",
            "2026",
            "2026-1",
            "2026-12-05x",
            "12-05-2026",
        ] {
            assert_eq!(iso_date_year(not_a_date), None, "{not_a_date}");
        }
        assert_eq!(supported_date_text("2200-12-31T23:59:59Z"), Ok(()));
        assert_eq!(supported_date_text("1900-01-01"), Ok(()));
        assert_eq!(supported_date_text("Dongkelor"), Ok(()));
        let out = Err(FieldError::DateOutOfRange {
            min_year: 1900,
            max_year: 2200,
        });
        for bad in [
            "2201-01-01",
            "1899-12-31",
            "+262142-12-31T20:00:00",
            "-0001-01-01",
            "99999999999999999999999-01-01",
        ] {
            assert_eq!(supported_date_text(bad), out, "{bad}");
        }
    }

    #[test]
    fn roles_are_ordered() {
        assert!(Role::Admin.includes(Role::Coordinator));
        assert!(Role::Coordinator.includes(Role::Viewer));
        assert!(!Role::Viewer.includes(Role::Coordinator));
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }
}
