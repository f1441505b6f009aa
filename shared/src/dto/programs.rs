//! Programs: the shows and activities the library runs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldErrors;
use crate::dto::partners::PartnerLink;
use crate::validation::{
    in_range, optional_line, optional_text, optional_url, required_text, slug,
};
use crate::words::{ProgramKind, ProgramStatus};

/// The zone programs get unless staff choose another.
pub const DEFAULT_TZ: &str = "Asia/Makassar";
/// The longest program or session, in minutes (one day).
pub const MAX_DURATION_MINUTES: u32 = 24 * 60;

/// A program as staff create or change it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgramInput {
    /// Display name, e.g. "Dongkelor".
    pub name: String,
    /// URL name, e.g. `dongkelor` for `/programs/dongkelor`.
    pub slug: String,
    /// What kind of program.
    pub kind: ProgramKind,
    /// What it is about, for the public.
    #[serde(default)]
    pub description: String,
    /// A picture for the program page.
    #[serde(default)]
    pub cover_image_url: Option<String>,
    /// IANA time zone its sessions are planned in.
    #[serde(default = "default_tz")]
    pub tz: String,
    /// Length of a session unless set otherwise, in minutes.
    pub default_duration_minutes: u32,
    /// Where to watch it.
    #[serde(default)]
    pub stream_url: Option<String>,
    /// Platform such as "YouTube" or "Instagram Live".
    #[serde(default)]
    pub platform: Option<String>,
    /// Physical place, if any.
    #[serde(default)]
    pub place: Option<String>,
    /// Only published programs are public.
    pub status: ProgramStatus,
}

fn default_tz() -> String {
    DEFAULT_TZ.to_owned()
}

impl ProgramInput {
    /// The field rules (the zone's existence is checked by the server, which has the zone
    /// database).
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("name", required_text(&self.name, 200));
        errors.check("slug", slug(self.slug.trim()));
        errors.check("description", optional_text(Some(&self.description), 5000));
        errors.check(
            "cover_image_url",
            optional_url(self.cover_image_url.as_deref()),
        );
        errors.check("tz", required_text(&self.tz, 64));
        errors.check(
            "default_duration_minutes",
            in_range(
                i64::from(self.default_duration_minutes),
                5,
                i64::from(MAX_DURATION_MINUTES),
            ),
        );
        errors.check("stream_url", optional_url(self.stream_url.as_deref()));
        errors.check("platform", optional_line(self.platform.as_deref(), 100));
        errors.check("place", optional_line(self.place.as_deref(), 300));
        errors.into_result()
    }
}

/// A program as Siar shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgramResponse {
    /// Id.
    pub id: Uuid,
    /// URL name.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Kind.
    pub kind: ProgramKind,
    /// Description.
    pub description: String,
    /// Cover picture.
    pub cover_image_url: Option<String>,
    /// IANA zone.
    pub tz: String,
    /// The zone's short name, e.g. WITA.
    pub zone_label: String,
    /// Default session length in minutes.
    pub default_duration_minutes: u32,
    /// Where to watch.
    pub stream_url: Option<String>,
    /// Platform.
    pub platform: Option<String>,
    /// Place.
    pub place: Option<String>,
    /// Visibility.
    pub status: ProgramStatus,
    /// Partners on the whole program.
    pub partners: Vec<PartnerLink>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::FieldError;

    #[test]
    fn program_rules_name_each_bad_field() {
        let input = ProgramInput {
            name: "".into(),
            slug: "Dong Kelor".into(),
            kind: ProgramKind::StorytellingBroadcast,
            description: String::new(),
            cover_image_url: None,
            tz: DEFAULT_TZ.into(),
            default_duration_minutes: 0,
            stream_url: Some("youtube".into()),
            platform: None,
            place: None,
            status: ProgramStatus::Draft,
        };
        let errors = input.validate().unwrap_err();
        assert_eq!(errors.0["name"], [FieldError::Required]);
        assert_eq!(errors.0["slug"], [FieldError::InvalidSlug]);
        assert_eq!(
            errors.0["default_duration_minutes"],
            [FieldError::OutOfRange { min: 5, max: 1440 }]
        );
        assert_eq!(errors.0["stream_url"], [FieldError::InvalidUrl]);
    }
}
