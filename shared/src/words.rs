//! Closed vocabularies stored as words (program kinds, statuses, partner roles, …), each with
//! its wire name and its labels in both languages, declared once.

use serde::{Deserialize, Serialize};

use crate::Lang;

/// Declares a string-valued enum with `ALL`, `as_str`, `parse` and `label(lang)`.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident {
        $($(#[$vmeta:meta])* $variant:ident = $wire:tt, $id:literal, $en:literal;)+
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $wire)] $variant,)+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name stored in the database and sent on the wire.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire,)+ }
            }

            /// Parses the stored name.
            pub fn parse(word: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == word)
            }

            /// The name for people.
            pub fn label(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $(($name::$variant, Lang::Id) => $id, ($name::$variant, Lang::En) => $en,)+
                }
            }
        }
    };
}

word_enum! {
    /// What kind of program it is.
    ProgramKind {
        /// Storytelling broadcast (Dongkelor).
        StorytellingBroadcast = "storytelling_broadcast", "Siaran dongeng", "Storytelling broadcast";
        /// Talk show (Talkshow Duta Baca).
        TalkShow = "talk_show", "Gelar wicara", "Talk show";
        /// Cooking-and-reading show (Dapur Pustaka).
        CookingShow = "cooking_show", "Acara memasak", "Cooking show";
        /// Contest.
        Contest = "contest", "Lomba", "Contest";
        /// Anything else.
        Other = "other", "Lainnya", "Other";
    }
}

word_enum! {
    /// Who can see a program.
    ProgramStatus {
        /// Staff only, being planned.
        Draft = "draft", "Draf", "Draft";
        /// Public.
        Published = "published", "Terbit", "Published";
        /// Over; staff only.
        Archived = "archived", "Arsip", "Archived";
    }
}

word_enum! {
    /// Whether a session takes place.
    SessionStatus {
        /// Planned.
        Scheduled = "scheduled", "Terjadwal", "Scheduled";
        /// Called off; still listed, marked cancelled.
        Cancelled = "cancelled", "Dibatalkan", "Cancelled";
    }
}

word_enum! {
    /// Which sessions of a series an edit applies to, as calendar apps ask.
    EditScope {
        /// This session only.
        This = "this", "Sesi ini saja", "This session only";
        /// This session and the ones after it (splits the series).
        Following = "following", "Sesi ini dan berikutnya", "This and following sessions";
        /// Every session from now on.
        All = "all", "Semua sesi mendatang", "All future sessions";
    }
}

word_enum! {
    /// What kind of organisation a partner is.
    PartnerKind {
        /// A public or special library (provincial, city, school library).
        Library = "library", "Perpustakaan", "Library";
        /// A university or its library.
        University = "university", "Universitas", "University";
        /// A campus, college or academy.
        Campus = "campus", "Kampus", "Campus";
        /// A school.
        Education = "education", "Sekolah", "School";
        /// Newspaper, radio, television, online media.
        Media = "media", "Media", "Media";
        /// Community or foundation.
        Community = "community", "Komunitas", "Community";
        /// A business.
        Business = "business", "Usaha", "Business";
        /// Government office.
        Government = "government", "Instansi pemerintah", "Government office";
        /// Anything else.
        Other = "other", "Lainnya", "Other";
    }
}

word_enum! {
    /// A partner's role on a program or session.
    PartnerRole {
        /// Runs it together with the library.
        CoHost = "co_host", "Penyelenggara bersama", "Co-host";
        /// Publishes news of it.
        MediaPartner = "media_partner", "Mitra media", "Media partner";
        /// Sends a guest or speaker.
        Guest = "guest", "Tamu", "Guest";
        /// Provides the place.
        Venue = "venue", "Tempat", "Venue";
    }
}

word_enum! {
    /// Why two sessions should not be at the same time.
    ConflictKind {
        /// Two sessions of one program overlap.
        SameProgram = "same_program", "Program yang sama", "Same program";
        /// One host in two places.
        SameHost = "same_host", "Pembawa acara yang sama", "Same host";
        /// One partner booked twice.
        SamePartner = "same_partner", "Mitra yang sama", "Same partner";
    }
}

word_enum! {
    /// What a partner brings to (or lacks for) the cooperation.
    Contribution {
        /// Money, books, equipment.
        Resources = "resources", "Sumber daya", "Resources";
        /// Know-how: storytellers, speakers, trainers.
        Skills = "skills", "Keahlian", "Skills";
        /// A place or a studio.
        Venue = "venue", "Tempat", "Venue";
        /// News coverage and promotion.
        MediaCoverage = "media_coverage", "Liputan media", "Media coverage";
        /// People who help at sessions.
        Volunteers = "volunteers", "Relawan", "Volunteers";
    }
}

word_enum! {
    /// The form a cooperation agreement takes.
    AgreementForm {
        /// A signed memorandum of understanding.
        WrittenMou = "written_mou", "Nota kesepahaman (MoU) tertulis", "Written MoU";
        /// An exchange of letters.
        Letter = "letter", "Surat", "Letter";
        /// Agreed by word of mouth; who agreed, when, and a written summary are recorded.
        Oral = "oral", "Lisan", "Oral";
    }
}

word_enum! {
    /// Where staff have put an agreement; its status follows from this and its dates.
    AgreementState {
        /// Being prepared.
        Draft = "draft", "Draf", "Draft";
        /// Agreed; in force between its start and end dates.
        InForce = "in_force", "Disepakati", "Agreed";
        /// Ended early by the parties.
        Ended = "ended", "Diakhiri", "Ended";
    }
}

word_enum! {
    /// An agreement's status on a given day.
    AgreementStatus {
        /// Being prepared.
        Draft = "draft", "Draf", "Draft";
        /// Agreed, starting later.
        Upcoming = "upcoming", "Belum berlaku", "Not yet in force";
        /// In force today.
        Active = "active", "Berlaku", "Active";
        /// Its end date has passed.
        Expired = "expired", "Kedaluwarsa", "Expired";
        /// Ended early by the parties.
        Ended = "ended", "Diakhiri", "Ended";
    }
}

word_enum! {
    /// A partner's answer to taking part in a session.
    PartnerAnswer {
        /// Asked, not yet answered.
        Requested = "requested", "Menunggu jawaban", "Awaiting answer";
        /// The partner takes part.
        Confirmed = "confirmed", "Dikonfirmasi", "Confirmed";
        /// The partner cannot take part.
        Declined = "declined", "Ditolak", "Declined";
    }
}

word_enum! {
    /// A video container a contest accepts, as read from the file's first bytes.
    VideoFormat {
        /// MPEG-4 (`ftyp` box with an ISO brand).
        Mp4 = "mp4", "MP4", "MP4";
        /// WebM (Matroska with the `webm` doctype).
        Webm = "webm", "WebM", "WebM";
        /// QuickTime (`ftyp` brand `qt  `, or an older file starting with a QuickTime atom).
        Mov = "mov", "MOV", "MOV";
    }
}

impl VideoFormat {
    /// The media type a player needs.
    pub fn mime(self) -> &'static str {
        match self {
            VideoFormat::Mp4 => "video/mp4",
            VideoFormat::Webm => "video/webm",
            VideoFormat::Mov => "video/quicktime",
        }
    }
}

word_enum! {
    /// Whether a contest takes entries now.
    WindowState {
        /// Not yet open.
        Upcoming = "upcoming", "Belum dibuka", "Not open yet";
        /// Open.
        Open = "open", "Dibuka", "Open";
        /// Closed.
        Closed = "closed", "Ditutup", "Closed";
    }
}

word_enum! {
    /// Staff's check of a contest entry.
    Review {
        /// Not checked yet.
        Pending = "pending", "Belum diperiksa", "Not checked yet";
        /// Meets the rules.
        Eligible = "eligible", "Memenuhi syarat", "Eligible";
        /// Does not meet the rules (with a reason for the entrant).
        Ineligible = "ineligible", "Tidak memenuhi syarat", "Not eligible";
    }
}

word_enum! {
    /// Where a contest entry stands, as its entrant sees it.
    EntryState {
        /// Registered; the video has not arrived yet.
        Registered = "registered", "Terdaftar, video belum diterima", "Registered, video not received yet";
        /// The video arrived; staff have not checked it yet.
        Received = "received", "Video diterima", "Video received";
        /// Checked and eligible; judging has not started.
        Checked = "checked", "Diperiksa, memenuhi syarat", "Checked, eligible";
        /// Checked and not eligible.
        Ineligible = "ineligible", "Tidak memenuhi syarat", "Not eligible";
        /// Judges are scoring it.
        UnderReview = "under_review", "Sedang dinilai", "Under review";
        /// Results are published.
        Result = "result", "Hasil diumumkan", "Results published";
    }
}

impl AgreementStatus {
    /// The status on `today` of an agreement in `state` running from `starts_on` to `ends_on`
    /// (inclusive; no end means open-ended).
    pub fn on(
        state: AgreementState,
        starts_on: chrono::NaiveDate,
        ends_on: Option<chrono::NaiveDate>,
        today: chrono::NaiveDate,
    ) -> AgreementStatus {
        match state {
            AgreementState::Draft => AgreementStatus::Draft,
            AgreementState::Ended => AgreementStatus::Ended,
            AgreementState::InForce if today < starts_on => AgreementStatus::Upcoming,
            AgreementState::InForce if ends_on.is_some_and(|end| today > end) => {
                AgreementStatus::Expired
            }
            AgreementState::InForce => AgreementStatus::Active,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_on_the_wire_and_in_storage() {
        for kind in ProgramKind::ALL {
            assert_eq!(ProgramKind::parse(kind.as_str()), Some(*kind));
            let json = serde_json::to_string(kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(
            PartnerRole::parse("media_partner"),
            Some(PartnerRole::MediaPartner)
        );
        assert_eq!(
            EditScope::Following.label(Lang::Id),
            "Sesi ini dan berikutnya"
        );
        assert_eq!(ProgramStatus::parse("gone"), None);
    }

    #[test]
    fn an_agreement_runs_from_its_first_to_its_last_day() {
        let day = |d| chrono::NaiveDate::from_ymd_opt(2027, 1, d).unwrap();
        let status = |state, today| AgreementStatus::on(state, day(10), Some(day(20)), today);
        assert_eq!(
            status(AgreementState::InForce, day(9)),
            AgreementStatus::Upcoming
        );
        assert_eq!(
            status(AgreementState::InForce, day(10)),
            AgreementStatus::Active
        );
        assert_eq!(
            status(AgreementState::InForce, day(20)),
            AgreementStatus::Active
        );
        assert_eq!(
            status(AgreementState::InForce, day(21)),
            AgreementStatus::Expired
        );
        assert_eq!(
            status(AgreementState::Draft, day(15)),
            AgreementStatus::Draft
        );
        assert_eq!(
            status(AgreementState::Ended, day(15)),
            AgreementStatus::Ended
        );
        assert_eq!(
            AgreementStatus::on(AgreementState::InForce, day(10), None, day(31)),
            AgreementStatus::Active
        );
    }
}
