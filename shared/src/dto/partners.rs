//! Partner organisations and their roles on programs and sessions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::FieldErrors;
use crate::validation::{email, optional_line, optional_text, required_text};
use crate::words::{Contribution, PartnerAnswer, PartnerKind, PartnerRole};

/// The most contacts besides the primary one.
pub const MAX_OTHER_CONTACTS: usize = 10;

/// A person to reach at a partner.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerContact {
    /// Name.
    pub name: String,
    /// Their position (head of library, editor, …).
    #[serde(default)]
    pub position: Option<String>,
    /// E-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone or WhatsApp.
    #[serde(default)]
    pub phone: Option<String>,
}

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
    /// What they bring to the cooperation, in words.
    #[serde(default)]
    pub contributes: String,
    /// What they bring, by kind (for reports and the partner list).
    #[serde(default)]
    pub offers: Vec<Contribution>,
    /// What they need or lack.
    #[serde(default)]
    pub needs: String,
    /// Postal address.
    #[serde(default)]
    pub address: String,
    /// The person responsible for the cooperation on the partner's side.
    #[serde(default)]
    pub their_responsible: Option<String>,
    /// Further contacts; the primary one is `contact_*`.
    #[serde(default)]
    pub other_contacts: Vec<PartnerContact>,
    /// Free notes for staff.
    #[serde(default)]
    pub notes: String,
}

impl PartnerInput {
    /// The field rules.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("name", required_text(&self.name, 200));
        errors.check(
            "contact_name",
            optional_line(self.contact_name.as_deref(), 200),
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
            optional_line(self.contact_phone.as_deref(), 40),
        );
        errors.check("contributes", optional_text(Some(&self.contributes), 2000));
        errors.check("needs", optional_text(Some(&self.needs), 2000));
        errors.check("address", optional_text(Some(&self.address), 500));
        errors.check("notes", optional_text(Some(&self.notes), 4000));
        errors.check(
            "their_responsible",
            optional_line(self.their_responsible.as_deref(), 200),
        );
        if self.other_contacts.len() > MAX_OTHER_CONTACTS {
            errors.add(
                "other_contacts",
                crate::FieldError::OutOfRange {
                    min: 0,
                    max: MAX_OTHER_CONTACTS as i64,
                },
            );
        }
        for contact in &self.other_contacts {
            errors.check("other_contacts", required_text(&contact.name, 200));
            errors.check(
                "other_contacts",
                optional_line(contact.position.as_deref(), 200),
            );
            errors.check(
                "other_contacts",
                optional_line(contact.phone.as_deref(), 40),
            );
            if let Some(address) = contact.email.as_deref().filter(|a| !a.trim().is_empty()) {
                errors.check("other_contacts", email(address));
            }
        }
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
    /// What they bring, by kind.
    pub offers: Vec<Contribution>,
    /// What they need or lack.
    pub needs: String,
    /// Postal address.
    pub address: String,
    /// The person responsible on the partner's side.
    pub their_responsible: Option<String>,
    /// Further contacts.
    pub other_contacts: Vec<PartnerContact>,
    /// Free notes for staff.
    pub notes: String,
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
    /// On a session, for staff: the partner's answer to being asked (none on a program, and
    /// for everyone else).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<PartnerAnswer>,
    /// The note the partner sent with its answer (staff only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_note: Option<String>,
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

/// The further contacts as the form's text box shows them: `name; position; email; phone`.
pub fn contacts_to_text(contacts: &[PartnerContact]) -> String {
    contacts
        .iter()
        .map(|c| {
            [
                c.name.as_str(),
                c.position.as_deref().unwrap_or_default(),
                c.email.as_deref().unwrap_or_default(),
                c.phone.as_deref().unwrap_or_default(),
            ]
            .join("; ")
            .trim_end_matches([';', ' '])
            .to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the contacts box: one contact per line, `name; position; email; phone` (the last
/// three optional).
pub fn contacts_from_text(text: &str) -> Vec<PartnerContact> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| {
            let mut parts = line.split(';').map(str::trim);
            let mut next = || parts.next().filter(|p| !p.is_empty()).map(str::to_owned);
            PartnerContact {
                name: next().unwrap_or_default(),
                position: next(),
                email: next(),
                phone: next(),
            }
        })
        .collect()
}

/// Reads the partner form (a plain HTML form; `offers` repeats, `other_contacts` is a text
/// box, an empty `responsible_user_id` means nobody). Only what cannot be read is reported
/// here; the field rules are [`PartnerInput::validate`].
pub fn partner_from_form(pairs: &[(String, String)]) -> Result<PartnerInput, FieldErrors> {
    let first = |name: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.trim())
    };
    let optional = |name: &str| Some(first(name).to_owned()).filter(|v| !v.is_empty());
    let Some(kind) = PartnerKind::parse(first("kind")) else {
        return Err(FieldErrors::single("kind", crate::FieldError::NotAllowed));
    };
    let responsible_user_id = match first("responsible_user_id") {
        "" => None,
        id => Some(id.parse::<Uuid>().map_err(|_| {
            FieldErrors::single("responsible_user_id", crate::FieldError::UnknownReference)
        })?),
    };
    Ok(PartnerInput {
        name: first("name").to_owned(),
        kind,
        contact_name: optional("contact_name"),
        contact_email: optional("contact_email"),
        contact_phone: optional("contact_phone"),
        responsible_user_id,
        contributes: first("contributes").to_owned(),
        offers: pairs
            .iter()
            .filter(|(key, _)| key == "offers")
            .filter_map(|(_, value)| Contribution::parse(value))
            .collect(),
        needs: first("needs").to_owned(),
        address: first("address").to_owned(),
        their_responsible: optional("their_responsible"),
        other_contacts: contacts_from_text(first("other_contacts")),
        notes: first("notes").to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_read_back_from_their_text() {
        let contacts = contacts_from_text("Andi; Redaktur; andi@fajar.example\n\nSari;;;0811 222");
        assert_eq!(contacts.len(), 2);
        assert_eq!(contacts[0].email.as_deref(), Some("andi@fajar.example"));
        assert_eq!(contacts[1].position, None);
        assert_eq!(contacts[1].phone.as_deref(), Some("0811 222"));
        assert_eq!(contacts_from_text(&contacts_to_text(&contacts)), contacts);
    }

    #[test]
    fn the_plain_form_reads_into_a_partner() {
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        let input = partner_from_form(&pairs(&[
            ("name", "Harian FAJAR"),
            ("kind", "media"),
            ("offers", "media_coverage"),
            ("offers", "volunteers"),
            ("responsible_user_id", ""),
        ]))
        .unwrap();
        assert_eq!(
            input.offers,
            [Contribution::MediaCoverage, Contribution::Volunteers]
        );
        assert_eq!(input.responsible_user_id, None);
        let errors = partner_from_form(&pairs(&[
            ("kind", "media"),
            ("responsible_user_id", "someone"),
        ]))
        .unwrap_err();
        assert!(errors.0.contains_key("responsible_user_id"));
    }
}
