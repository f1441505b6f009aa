//! The text of every message Siar sends, in Indonesian and English. Each function returns a
//! [`Letter`] ready for the outbox; the facts come from the caller's transaction.

use chrono::{DateTime, Datelike, Utc, Weekday};
use chrono_tz::Tz;
use shared::Lang;
use shared::words::PartnerAnswer;

use super::Letter;

/// What a message says about a session.
#[derive(Debug, Clone)]
pub struct SessionFacts {
    /// The session's title (or its program's name).
    pub title: String,
    /// The role the person has.
    pub role: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// The program's zone.
    pub tz: Tz,
    /// The session's page.
    pub url: String,
    /// Where to watch it: the platform's name, and the stream link.
    pub watch: Option<(Option<String>, String)>,
}

/// Who gets it.
#[derive(Debug, Clone)]
pub struct Recipient {
    /// Address.
    pub email: String,
    /// Name, for the greeting.
    pub name: String,
    /// Language.
    pub lang: Lang,
}

fn pick(lang: Lang, id: &str, en: &str) -> String {
    match lang {
        Lang::Id => id.to_owned(),
        Lang::En => en.to_owned(),
    }
}

/// "Sabtu, 28 November 2026, 10.00–11.00 WITA" / "Saturday 28 November 2026, 10:00–11:00 WITA".
pub fn when(starts_at: DateTime<Utc>, ends_at: DateTime<Utc>, tz: Tz, lang: Lang) -> String {
    let start = starts_at.with_timezone(&tz);
    let end = ends_at.with_timezone(&tz);
    let (day, month) = names(start.weekday(), start.month(), lang);
    match lang {
        Lang::Id => format!(
            "{day}, {} {month} {}, {}–{} {}",
            start.day(),
            start.year(),
            start.format("%H.%M"),
            end.format("%H.%M"),
            start.format("%Z")
        ),
        Lang::En => format!(
            "{day} {} {month} {}, {}–{} {}",
            start.day(),
            start.year(),
            start.format("%H:%M"),
            end.format("%H:%M"),
            start.format("%Z")
        ),
    }
}

fn names(weekday: Weekday, month: u32, lang: Lang) -> (&'static str, &'static str) {
    const DAYS_ID: [&str; 7] = [
        "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu",
    ];
    const DAYS_EN: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    const MONTHS_ID: [&str; 12] = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ];
    const MONTHS_EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let day = weekday.num_days_from_monday() as usize;
    let month = (month.clamp(1, 12) - 1) as usize;
    match lang {
        Lang::Id => (DAYS_ID[day], MONTHS_ID[month]),
        Lang::En => (DAYS_EN[day], MONTHS_EN[month]),
    }
}

/// The longest text a stranger typed that a letter repeats.
const REPEATED_MAX_CHARS: usize = 60;

/// `text` (typed by whoever filled in a public form) as a letter may repeat it, or `None`
/// when it could carry someone else's message in the library's name: too long, or looking
/// like a link or an address. Letters are plain text, where nothing can be escaped, so such
/// text is left out.
fn repeatable(text: &str) -> Option<&str> {
    let text = text.trim();
    let lower = text.to_lowercase();
    let link_like = lower.contains("://")
        || lower.contains("www")
        || lower.contains('@')
        || text.split_whitespace().any(|word| {
            // `hadiah.id`, `bit.ly/x`: a dot between two letters or digits.
            word.as_bytes().windows(3).any(|w| {
                w[1] == b'.' && w[0].is_ascii_alphanumeric() && w[2].is_ascii_alphanumeric()
            })
        });
    (!text.is_empty() && !link_like && text.chars().count() <= REPEATED_MAX_CHARS).then_some(text)
}

fn greeting(to: &Recipient) -> String {
    match (to.lang, repeatable(&to.name)) {
        (Lang::Id, Some(name)) => format!("Halo {name},"),
        (Lang::En, Some(name)) => format!("Hello {name},"),
        (Lang::Id, None) => "Halo,".to_owned(),
        (Lang::En, None) => "Hello,".to_owned(),
    }
}

fn session_block(facts: &SessionFacts, lang: Lang) -> String {
    let (session, role, time, page, watch_on) = match lang {
        Lang::Id => ("Sesi", "Peran", "Waktu", "Halaman sesi", "Tonton di"),
        Lang::En => ("Session", "Role", "When", "Session page", "Watch on"),
    };
    let watch = facts
        .watch
        .as_ref()
        .map(|(platform, url)| match platform {
            Some(platform) => format!("\n{watch_on} {platform}: {url}"),
            None => format!("\n{watch_on}: {url}"),
        })
        .unwrap_or_default();
    format!(
        "{session}: {}\n{role}: {}\n{time}: {}{watch}\n{page}: {}",
        facts.title,
        facts.role,
        when(facts.starts_at, facts.ends_at, facts.tz, lang),
        facts.url
    )
}

fn footer(lang: Lang, base_url: &str) -> String {
    match lang {
        Lang::Id => format!(
            "\n\nSesi Anda, daftar tunggu dan tautan kalender: {base_url}/volunteer/me\n-- \nSiar · Perpustakaan Kota Makassar"
        ),
        Lang::En => format!(
            "\n\nYour sessions, waitlists and calendar link: {base_url}/volunteer/me\n-- \nSiar · Makassar City Library"
        ),
    }
}

fn letter(
    kind: &'static str,
    to: &Recipient,
    subject: String,
    body: String,
    dedupe_key: Option<String>,
) -> Letter {
    Letter {
        kind,
        recipient: to.email.clone(),
        lang: to.lang,
        subject,
        body,
        dedupe_key,
    }
}

/// A one-time sign-in link; `invited` when staff created the account.
pub fn sign_in_link(to: &Recipient, url: &str, invited: bool) -> Letter {
    let lang = to.lang;
    let subject = match (invited, lang) {
        (true, Lang::Id) => "Undangan menjadi relawan Siar".to_owned(),
        (true, Lang::En) => "You are invited to volunteer with Siar".to_owned(),
        (false, _) => pick(lang, "Tautan masuk Siar Anda", "Your Siar sign-in link"),
    };
    let intro = match (invited, lang) {
        (true, Lang::Id) => "Staf perpustakaan mengundang Anda menjadi relawan di Siar.",
        (true, Lang::En) => "Library staff invited you to volunteer with Siar.",
        (false, Lang::Id) => "Ini tautan untuk masuk ke Siar.",
        (false, Lang::En) => "Here is your link to sign in to Siar.",
    };
    let validity = pick(
        lang,
        "Tautan berlaku 15 menit dan hanya bisa dipakai sekali. Abaikan email ini jika Anda tidak memintanya.",
        "The link works once, for 15 minutes. Ignore this e-mail if you did not ask for it.",
    );
    let body = format!("{}\n\n{intro}\n\n{url}\n\n{validity}", greeting(to));
    letter(
        if invited {
            "invitation"
        } else {
            "sign_in_link"
        },
        to,
        subject,
        body,
        None,
    )
}

/// A place is confirmed (after signing up, accepting an offer, or being assigned by staff).
pub fn signup_confirmed(to: &Recipient, facts: &SessionFacts, base_url: &str) -> Letter {
    let lang = to.lang;
    let subject = match lang {
        Lang::Id => format!("Terdaftar: {} ({})", facts.title, facts.role),
        Lang::En => format!("Confirmed: {} ({})", facts.title, facts.role),
    };
    let text = pick(
        lang,
        "Tempat Anda sudah pasti. Terima kasih!",
        "Your place is confirmed. Thank you!",
    );
    let body = format!(
        "{}\n\n{text}\n\n{}{}",
        greeting(to),
        session_block(facts, lang),
        footer(lang, base_url)
    );
    letter("signup_confirmed", to, subject, body, None)
}

/// Staff took the person out of a role they were in or waiting for.
pub fn signup_removed(
    to: &Recipient,
    facts: &SessionFacts,
    signup: uuid::Uuid,
    removed_at: chrono::DateTime<chrono::Utc>,
    base_url: &str,
) -> Letter {
    let lang = to.lang;
    let subject = match lang {
        Lang::Id => format!("Tidak lagi terdaftar: {} ({})", facts.title, facts.role),
        Lang::En => format!("No longer signed up: {} ({})", facts.title, facts.role),
    };
    let text = pick(
        lang,
        "Staf perpustakaan mengeluarkan Anda dari peran ini, jadi Anda tidak perlu datang. Hubungi staf jika ada pertanyaan.",
        "Library staff took you out of this role, so you do not need to come. Contact staff if you have questions.",
    );
    let body = format!(
        "{}\n\n{text}\n\n{}{}",
        greeting(to),
        session_block(facts, lang),
        footer(lang, base_url)
    );
    letter(
        "signup_removed",
        to,
        subject,
        body,
        Some(format!(
            "removed:{signup}:{}",
            removed_at.timestamp_micros()
        )),
    )
}

/// The role was full: the person is in line.
pub fn waitlisted(to: &Recipient, facts: &SessionFacts, position: u32, base_url: &str) -> Letter {
    let lang = to.lang;
    let subject = match lang {
        Lang::Id => format!("Daftar tunggu: {} ({})", facts.title, facts.role),
        Lang::En => format!("Waitlisted: {} ({})", facts.title, facts.role),
    };
    let text = match lang {
        Lang::Id => format!(
            "Peran ini sudah penuh. Anda berada di urutan {position} daftar tunggu; jika ada tempat kosong, kami kirim tawaran lewat email."
        ),
        Lang::En => format!(
            "This role is full. You are number {position} on the waitlist; if a place frees up, we will e-mail you an offer."
        ),
    };
    let body = format!(
        "{}\n\n{text}\n\n{}{}",
        greeting(to),
        session_block(facts, lang),
        footer(lang, base_url)
    );
    letter("waitlisted", to, subject, body, None)
}

/// A freed place is offered to the first in line.
pub fn offer(
    to: &Recipient,
    facts: &SessionFacts,
    expires_at: DateTime<Utc>,
    base_url: &str,
) -> Letter {
    let lang = to.lang;
    let subject = match lang {
        Lang::Id => format!("Ada tempat untuk Anda: {} ({})", facts.title, facts.role),
        Lang::En => format!("A place for you: {} ({})", facts.title, facts.role),
    };
    let deadline = expires_at.with_timezone(&facts.tz);
    let text = match lang {
        Lang::Id => format!(
            "Sebuah tempat kosong dan Anda urutan pertama di daftar tunggu. Konfirmasi sebelum {} {} di {base_url}/volunteer/me, atau tempat ini ditawarkan ke orang berikutnya.",
            deadline.format("%d-%m-%Y %H.%M"),
            deadline.format("%Z")
        ),
        Lang::En => format!(
            "A place has freed up and you are first in line. Confirm before {} {} at {base_url}/volunteer/me, or it passes to the next person.",
            deadline.format("%Y-%m-%d %H:%M"),
            deadline.format("%Z")
        ),
    };
    let body = format!(
        "{}\n\n{text}\n\n{}{}",
        greeting(to),
        session_block(facts, lang),
        footer(lang, base_url)
    );
    letter("waitlist_offer", to, subject, body, None)
}

/// A session the person is in changed time, title or host.
pub fn session_changed(
    to: &Recipient,
    facts: &SessionFacts,
    sequence: i32,
    signup: uuid::Uuid,
    base_url: &str,
) -> Letter {
    let lang = to.lang;
    let subject = match lang {
        Lang::Id => format!("Perubahan sesi: {}", facts.title),
        Lang::En => format!("Session changed: {}", facts.title),
    };
    let text = pick(
        lang,
        "Sesi yang Anda ikuti berubah. Ini jadwal terbarunya:",
        "A session you are in has changed. Here is the current plan:",
    );
    let body = format!(
        "{}\n\n{text}\n\n{}{}",
        greeting(to),
        session_block(facts, lang),
        footer(lang, base_url)
    );
    letter(
        "session_changed",
        to,
        subject,
        body,
        Some(format!("changed:{signup}:{sequence}")),
    )
}

/// A session the person is in was cancelled.
pub fn session_cancelled(
    to: &Recipient,
    facts: &SessionFacts,
    reason: Option<&str>,
    sequence: i32,
    signup: uuid::Uuid,
    base_url: &str,
) -> Letter {
    let lang = to.lang;
    let subject = match lang {
        Lang::Id => format!("Sesi dibatalkan: {}", facts.title),
        Lang::En => format!("Session cancelled: {}", facts.title),
    };
    let reason = reason
        .map(|r| match lang {
            Lang::Id => format!("\nAlasan: {r}"),
            Lang::En => format!("\nReason: {r}"),
        })
        .unwrap_or_default();
    let text = pick(
        lang,
        "Sesi yang Anda ikuti dibatalkan. Anda tidak perlu datang.",
        "A session you are in has been cancelled. You do not need to come.",
    );
    let body = format!(
        "{}\n\n{text}{reason}\n\n{}{}",
        greeting(to),
        session_block(facts, lang),
        footer(lang, base_url)
    );
    letter(
        "session_cancelled",
        to,
        subject,
        body,
        Some(format!("cancelled:{signup}:{sequence}")),
    )
}

/// Which reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reminder {
    /// A day before.
    DayBefore,
    /// Two hours before.
    TwoHoursBefore,
}

impl Reminder {
    /// How long before the start it is sent.
    pub fn lead(self) -> chrono::Duration {
        match self {
            Reminder::DayBefore => chrono::Duration::hours(24),
            Reminder::TwoHoursBefore => chrono::Duration::hours(2),
        }
    }

    fn kind(self) -> &'static str {
        match self {
            Reminder::DayBefore => "reminder_24h",
            Reminder::TwoHoursBefore => "reminder_2h",
        }
    }
}

/// A reminder before a session; at most one per sign-up, reminder and start time.
pub fn reminder(
    to: &Recipient,
    facts: &SessionFacts,
    which: Reminder,
    signup: uuid::Uuid,
    base_url: &str,
) -> Letter {
    let lang = to.lang;
    let subject = match (which, lang) {
        (Reminder::DayBefore, Lang::Id) => format!("Besok: {}", facts.title),
        (Reminder::DayBefore, Lang::En) => format!("Tomorrow: {}", facts.title),
        (Reminder::TwoHoursBefore, Lang::Id) => format!("2 jam lagi: {}", facts.title),
        (Reminder::TwoHoursBefore, Lang::En) => format!("In 2 hours: {}", facts.title),
    };
    let text = pick(
        lang,
        "Pengingat untuk sesi Anda. Jika berhalangan, kabari staf secepatnya.",
        "A reminder of your session. If you cannot come, tell staff as soon as you can.",
    );
    let body = format!(
        "{}\n\n{text}\n\n{}{}",
        greeting(to),
        session_block(facts, lang),
        footer(lang, base_url)
    );
    letter(
        which.kind(),
        to,
        subject,
        body,
        Some(format!(
            "{}:{signup}:{}",
            which.kind(),
            facts.starts_at.timestamp()
        )),
    )
}

/// What a reminder says about an agreement that is ending.
#[derive(Debug, Clone)]
pub struct AgreementFacts {
    /// Its title.
    pub title: String,
    /// The partners' names.
    pub partners: Vec<String>,
    /// Its last day.
    pub ends_on: chrono::NaiveDate,
    /// The reminder's lead, in days (60 or 14).
    pub lead_days: i64,
    /// Its page.
    pub url: String,
}

/// An agreement the recipient is responsible for ends soon; at most one per agreement,
/// end date, lead and recipient.
pub fn agreement_ending(to: &Recipient, facts: &AgreementFacts, dedupe_key: String) -> Letter {
    let lang = to.lang;
    let partners = facts.partners.join(", ");
    let date = facts.ends_on.format("%Y-%m-%d");
    let subject = match lang {
        Lang::Id => format!("Kerja sama berakhir {date}: {}", facts.title),
        Lang::En => format!("Agreement ends {date}: {}", facts.title),
    };
    let text = match lang {
        Lang::Id => format!(
            "Perjanjian \"{}\" dengan {partners} berakhir pada {date} (sekitar {} hari lagi). \
             Anda tercatat sebagai penanggung jawab di pihak perpustakaan: perpanjang, \
             perbarui atau akhiri perjanjian ini tepat waktu.",
            facts.title, facts.lead_days
        ),
        Lang::En => format!(
            "The agreement \"{}\" with {partners} ends on {date} (in about {} days). \
             You are responsible for it on the library's side: renew, update or close it in time.",
            facts.title, facts.lead_days
        ),
    };
    let body = format!(
        "{}\n\n{text}\n\n{}\n-- \nSiar · {}",
        greeting(to),
        facts.url,
        pick(lang, "Perpustakaan Kota Makassar", "Makassar City Library")
    );
    letter(
        if facts.lead_days > 14 {
            "agreement_ending_60"
        } else {
            "agreement_ending_14"
        },
        to,
        subject,
        body,
        Some(dedupe_key),
    )
}

/// What a letter about a partner's answer says.
pub struct AnswerFacts {
    /// The partner's name.
    pub partner: String,
    /// The session's title.
    pub title: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// The program's zone.
    pub tz: Tz,
    /// Confirmed or declined.
    pub answer: PartnerAnswer,
    /// Whether the partner wrote a note (read on the session's page: a partner's text is not
    /// repeated in the library's letters).
    pub with_note: bool,
    /// The session's staff page.
    pub url: String,
}

/// A partner answered the request to take part in a session.
pub fn partner_answered(to: &Recipient, facts: &AnswerFacts, dedupe_key: String) -> Letter {
    let lang = to.lang;
    let answer = facts.answer.label(lang).to_lowercase();
    let subject = format!("{} {answer}: {}", facts.partner, facts.title);
    let time = when(facts.starts_at, facts.ends_at, facts.tz, lang);
    let mut text = match (lang, facts.answer) {
        (Lang::Id, PartnerAnswer::Declined) => format!(
            "{} tidak dapat ikut dalam sesi \"{}\" ({time}). Sesi ini tidak lagi mencantumkan mereka untuk publik.",
            facts.partner, facts.title
        ),
        (Lang::Id, _) => format!(
            "{} memberi jawaban \"{answer}\" untuk sesi \"{}\" ({time}).",
            facts.partner, facts.title
        ),
        (Lang::En, PartnerAnswer::Declined) => format!(
            "{} cannot take part in the session \"{}\" ({time}). The session no longer lists them publicly.",
            facts.partner, facts.title
        ),
        (Lang::En, _) => format!(
            "{} answered \"{answer}\" for the session \"{}\" ({time}).",
            facts.partner, facts.title
        ),
    };
    if facts.with_note {
        text.push_str(&pick(
            lang,
            " Catatan mereka ada di halaman sesi.",
            " Their note is on the session's page.",
        ));
    }
    let body = format!(
        "{}\n\n{text}\n\n{}\n-- \nSiar · {}",
        greeting(to),
        facts.url,
        pick(lang, "Perpustakaan Kota Makassar", "Makassar City Library")
    );
    letter("partner_answered", to, subject, body, Some(dedupe_key))
}

fn contest_footer(lang: Lang, entry_url: &str) -> String {
    match lang {
        Lang::Id => format!(
            "\n\nHalaman pribadi karya Anda (simpan tautan ini; jangan dibagikan):\n{entry_url}\n-- \nSiar · Perpustakaan Kota Makassar"
        ),
        Lang::En => format!(
            "\n\nYour entry's private page (keep this link; do not share it):\n{entry_url}\n-- \nSiar · Makassar City Library"
        ),
    }
}

/// A contest entry was registered: the receipt with its number and private page.
pub fn contest_receipt(
    to: &Recipient,
    contest: &str,
    number: i32,
    title: &str,
    entry_url: &str,
) -> Letter {
    let lang = to.lang;
    let subject = match lang {
        Lang::Id => format!("Tanda terima pendaftaran {contest}: karya no. {number}"),
        Lang::En => format!("{contest}: entry no. {number} registered"),
    };
    let entry = match (lang, repeatable(title)) {
        (Lang::Id, Some(title)) => format!("karya \"{title}\""),
        (Lang::En, Some(title)) => format!("the entry \"{title}\""),
        (Lang::Id, None) => "karya Anda".to_owned(),
        (Lang::En, None) => "your entry".to_owned(),
    };
    let text = match lang {
        Lang::Id => format!(
            "Pendaftaran {entry} sudah kami terima dengan nomor {number}. \
             Unggah videonya dari halaman pribadi di bawah ini; unggahan yang terputus bisa \
             dilanjutkan dari halaman yang sama."
        ),
        Lang::En => format!(
            "We received {entry} as number {number}. Upload its video from \
             the private page below; an interrupted upload can be resumed from the same page."
        ),
    };
    let body = format!(
        "{}\n\n{text}{}",
        greeting(to),
        contest_footer(lang, entry_url)
    );
    letter("contest_receipt", to, subject, body, None)
}

/// The whole video of an entry arrived.
pub fn contest_video_received(
    to: &Recipient,
    contest: &str,
    number: i32,
    size_bytes: i64,
    entry_url: &str,
) -> Letter {
    let lang = to.lang;
    let mib = size_bytes as f64 / (1024.0 * 1024.0);
    let subject = match lang {
        Lang::Id => format!("{contest}: video karya no. {number} diterima"),
        Lang::En => format!("{contest}: video of entry no. {number} received"),
    };
    let text = match lang {
        Lang::Id => format!(
            "Video ({mib:.1} MiB) sudah diterima utuh. Staf akan memeriksa kelengkapannya; \
             hasil pemeriksaan dikirim lewat email."
        ),
        Lang::En => format!(
            "The video ({mib:.1} MiB) arrived in full. Staff will check the entry; you will \
             hear the outcome by e-mail."
        ),
    };
    let body = format!(
        "{}\n\n{text}{}",
        greeting(to),
        contest_footer(lang, entry_url)
    );
    letter("contest_video_received", to, subject, body, None)
}

/// Staff checked an entry: eligible, or not with the reason.
pub fn contest_checked(
    to: &Recipient,
    contest: &str,
    number: i32,
    eligible: bool,
    reason: Option<&str>,
    entry_url: &str,
) -> Letter {
    let lang = to.lang;
    let subject = match (lang, eligible) {
        (Lang::Id, true) => format!("{contest}: karya no. {number} memenuhi syarat"),
        (Lang::Id, false) => format!("{contest}: karya no. {number} tidak memenuhi syarat"),
        (Lang::En, true) => format!("{contest}: entry no. {number} is eligible"),
        (Lang::En, false) => format!("{contest}: entry no. {number} is not eligible"),
    };
    let reason = reason.unwrap_or_default();
    let text = match (lang, eligible) {
        (Lang::Id, true) => "Karya Anda memenuhi syarat dan akan dinilai juri.".to_owned(),
        (Lang::Id, false) => format!("Alasannya: {reason}"),
        (Lang::En, true) => "Your entry is eligible and goes to the judges.".to_owned(),
        (Lang::En, false) => format!("The reason: {reason}"),
    };
    let body = format!(
        "{}\n\n{text}{}",
        greeting(to),
        contest_footer(lang, entry_url)
    );
    letter("contest_checked", to, subject, body, None)
}

/// The results are published; at most one per entry.
pub fn contest_results(
    to: &Recipient,
    contest: &str,
    number: i32,
    entry_url: &str,
    dedupe_key: String,
) -> Letter {
    let lang = to.lang;
    let subject = match lang {
        Lang::Id => format!("Hasil {contest} sudah diumumkan"),
        Lang::En => format!("{contest}: results are published"),
    };
    let text = match lang {
        Lang::Id => format!(
            "Hasil penilaian sudah diumumkan. Peringkat karya no. {number} dan sertifikatnya \
             ada di halaman pribadi karya Anda."
        ),
        Lang::En => format!(
            "The results are published. The rank of entry no. {number} and its certificate \
             are on your entry's private page."
        ),
    };
    let body = format!(
        "{}\n\n{text}{}",
        greeting(to),
        contest_footer(lang, entry_url)
    );
    letter("contest_results", to, subject, body, Some(dedupe_key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn times_read_in_the_programs_zone_and_language() {
        let start = Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0).unwrap();
        let end = Utc.with_ymd_and_hms(2026, 11, 28, 3, 0, 0).unwrap();
        let tz = chrono_tz::Asia::Makassar;
        assert_eq!(
            when(start, end, tz, Lang::Id),
            "Sabtu, 28 November 2026, 10.00–11.00 WITA"
        );
        assert_eq!(
            when(start, end, tz, Lang::En),
            "Saturday 28 November 2026, 10:00–11:00 WITA"
        );
    }

    #[test]
    fn reminders_are_keyed_by_start_so_a_moved_session_is_reminded_again() {
        let to = Recipient {
            email: "a@example.id".into(),
            name: "A".into(),
            lang: Lang::En,
        };
        let start = Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0).unwrap();
        let facts = SessionFacts {
            title: "Dongkelor".into(),
            role: "Host".into(),
            starts_at: start,
            ends_at: start,
            tz: chrono_tz::Asia::Makassar,
            url: "http://x/sessions/1".into(),
            watch: Some((Some("YouTube".into()), "https://youtube.com/@perpus".into())),
        };
        let id = uuid::Uuid::nil();
        let first = reminder(&to, &facts, Reminder::DayBefore, id, "http://x");
        assert!(
            first
                .body
                .contains("Watch on YouTube: https://youtube.com/@perpus"),
            "{}",
            first.body
        );
        let moved = SessionFacts {
            starts_at: start + chrono::Duration::hours(1),
            ..facts.clone()
        };
        let second = reminder(&to, &moved, Reminder::DayBefore, id, "http://x");
        assert_ne!(first.dedupe_key, second.dedupe_key);
        assert_eq!(first.subject, "Tomorrow: Dongkelor");
    }

    #[test]
    fn a_stranger_s_text_is_repeated_only_when_it_cannot_carry_a_message() {
        for name in [
            "Andi Rahman",
            "Ibu Hj. Nur",
            "Kancil dan Buaya",
            "A. Rahman",
        ] {
            assert_eq!(repeatable(name), Some(name), "{name}");
        }
        for text in [
            "Halo Selamat! Klaim hadiah Anda di http://evil.example",
            "www hadiah gratis",
            "hadiah.id",
            "kirim ke hadiah@evil.example",
            "Bit.ly/hadiah",
            &"Panjang ".repeat(10),
            "   ",
        ] {
            assert_eq!(repeatable(text), None, "{text}");
        }
    }

    #[test]
    fn a_contest_receipt_leaves_out_a_title_that_carries_a_link() {
        let to = Recipient {
            email: "wali@example.id".into(),
            name: "Klaim pulsa di hadiah.example".into(),
            lang: Lang::Id,
        };
        let lure = "Menangkan pulsa di https://evil.example";
        let letter = contest_receipt(&to, "Lomba", 7, lure, "http://x/contest-entry/t");
        assert!(!letter.body.contains("evil.example"), "{}", letter.body);
        assert!(!letter.body.contains("hadiah.example"), "{}", letter.body);
        assert!(letter.body.contains("karya Anda"), "{}", letter.body);
        let plain = contest_receipt(&to, "Lomba", 7, "Kancil", "http://x/contest-entry/t");
        assert!(plain.body.contains("karya \"Kancil\""), "{}", plain.body);
    }
}
