//! Closed vocabularies stored as words (program kinds, statuses, partner roles, …), each with
//! its wire name and its labels in both languages, declared once.

use serde::{Deserialize, Serialize};

use crate::Lang;

/// Declares a string-valued enum with `ALL`, `as_str`, `parse` and `label(lang)`.
macro_rules! word_enum {
    ($(#[$meta:meta])* $name:ident {
        $($(#[$vmeta:meta])* $variant:ident = $wire:literal, $id:literal, $en:literal;)+
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
        /// A library (provincial, university, school).
        Library = "library", "Perpustakaan", "Library";
        /// A school, campus or university.
        Education = "education", "Lembaga pendidikan", "School or campus";
        /// Newspaper, radio, television, online media.
        Media = "media", "Media", "Media";
        /// Government office.
        Government = "government", "Instansi pemerintah", "Government office";
        /// Community, foundation, business.
        Community = "community", "Komunitas atau usaha", "Community or business";
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
}
