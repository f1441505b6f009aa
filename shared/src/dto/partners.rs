//! Partner organisations and their roles on programs and sessions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldErrors;
use crate::validation::{email, optional_text, required_text};
use crate::words::{PartnerKind, PartnerRole};

/// A partner as staff create or change it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerInput {
    /// Organisation name.
    pub name: String,
    /// What kind of organisation.
    pub kind: PartnerKind,
    /// Their contact person.
    #[serde(default)]
    pub contact_name: Option<String>,
    /// Contact e-mail.
    #[serde(default)]
    pub contact_email: Option<String>,
    /// Contact phone.
    #[serde(default)]
    pub contact_phone: Option<String>,
    /// The staff member responsible on the library's side.
    #[serde(default)]
    pub responsible_user_id: Option<Uuid>,
    /// What they bring to the cooperation.
    #[serde(default)]
    pub contributes: String,
}

impl PartnerInput {
    /// The field rules.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("name", required_text(&self.name, 200));
        errors.check(
            "contact_name",
            optional_text(self.contact_name.as_deref(), 200),
        );
        if let Some(address) = self
            .contact_email
            .as_deref()
            .filter(|a| !a.trim().is_empty())
        {
            errors.check("contact_email", email(address));
        }
        errors.check(
            "contact_phone",
            optional_text(self.contact_phone.as_deref(), 40),
        );
        errors.check("contributes", optional_text(Some(&self.contributes), 2000));
        errors.into_result()
    }
}

/// A partner as Siar shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerResponse {
    /// Id.
    pub id: Uuid,
    /// Organisation name.
    pub name: String,
    /// URL name, set from the name at creation and kept: `/partners/{slug}`,
    /// `/calendar/partners/{slug}.ics`.
    pub slug: String,
    /// Kind.
    pub kind: PartnerKind,
    /// Contact person.
    pub contact_name: Option<String>,
    /// Contact e-mail.
    pub contact_email: Option<String>,
    /// Contact phone.
    pub contact_phone: Option<String>,
    /// Responsible staff member's id.
    pub responsible_user_id: Option<Uuid>,
    /// Responsible staff member's name.
    pub responsible_user_name: Option<String>,
    /// What they bring.
    pub contributes: String,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// Puts a partner on a program or session in a role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerAssignment {
    /// The partner.
    pub partner_id: Uuid,
    /// Their role.
    pub role: PartnerRole,
}

/// A partner's role on a program or session, as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerLink {
    /// The partner.
    pub partner_id: Uuid,
    /// The partner's name.
    pub partner_name: String,
    /// The partner's URL name (`/partners/{slug}`).
    #[serde(default)]
    pub partner_slug: String,
    /// Their role.
    pub role: PartnerRole,
}

/// What anyone may see of a partner: no contact details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerProfile {
    /// Id.
    pub id: Uuid,
    /// Organisation name.
    pub name: String,
    /// URL name.
    pub slug: String,
    /// Kind.
    pub kind: PartnerKind,
    /// What they bring to the cooperation.
    pub contributes: String,
    /// The published programs they are a partner of, with their role.
    pub programs: Vec<PartnerProgram>,
}

/// A program a partner takes part in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerProgram {
    /// Program URL name.
    pub slug: String,
    /// Program name.
    pub name: String,
    /// The partner's role on it.
    pub role: PartnerRole,
}
