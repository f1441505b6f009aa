//! Cooperation agreements with partners, the partner's private view, the cooperation report
//! and the dashboard's alerts. The field rules are the ones the browser and the server apply.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::validation::{in_range, optional_line, optional_text, required_lines, required_text};
use crate::words::{
    AgreementForm, AgreementState, AgreementStatus, PartnerAnswer, PartnerKind, PartnerRole,
};
use crate::{FieldError, FieldErrors};

/// The most cost lines one agreement holds.
pub const MAX_COST_LINES: usize = 20;
/// The largest amount on a cost line, in rupiah (a trillion).
pub const MAX_AMOUNT_IDR: i64 = 1_000_000_000_000;
/// Days before an agreement's end at which its responsible staff are reminded.
pub const REMINDER_DAYS: [i64; 2] = [60, 14];
/// An agreement ending within this many days shows on the dashboard.
pub const EXPIRING_WITHIN_DAYS: i64 = 60;
/// The largest document that can be attached to an agreement (10 MiB).
pub const MAX_DOCUMENT_BYTES: u64 = 10 * 1024 * 1024;
/// The kinds of document accepted, for people.
pub const ACCEPTED_DOCUMENTS: &str = "PDF, JPEG, PNG";

/// Who pays what under an agreement.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CostShare {
    /// Who pays (the library, a partner, shared).
    pub payer: String,
    /// What for.
    pub item: String,
    /// How much, in rupiah, when known.
    #[serde(default)]
    pub amount_idr: Option<i64>,
}

/// An agreement as staff record or change it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementInput {
    /// Title.
    pub title: String,
    /// Written MoU, letter or oral.
    pub form: AgreementForm,
    /// Draft, agreed, or ended early.
    pub state: AgreementState,
    /// The partners that are party to it (at least one).
    pub partner_ids: Vec<Uuid>,
    /// The programs it covers.
    #[serde(default)]
    pub program_ids: Vec<Uuid>,
    /// What it covers; for an oral agreement, the written summary of what was agreed.
    #[serde(default)]
    pub scope: String,
    /// The rules and mechanisms both sides follow.
    #[serde(default)]
    pub shared_rules: String,
    /// Who pays what.
    #[serde(default)]
    pub costs: Vec<CostShare>,
    /// First day in force.
    pub starts_on: NaiveDate,
    /// Last day in force; none for an open-ended agreement.
    #[serde(default)]
    pub ends_on: Option<NaiveDate>,
    /// Who agreed (required for an oral agreement).
    #[serde(default)]
    pub agreed_by: Option<String>,
    /// When it was agreed (required for an oral agreement).
    #[serde(default)]
    pub agreed_on: Option<NaiveDate>,
    /// The staff member responsible on the library's side (gets the expiry reminders).
    #[serde(default)]
    pub library_responsible_id: Option<Uuid>,
    /// The person responsible on the partners' side.
    #[serde(default)]
    pub partner_responsible: Option<String>,
}

impl AgreementInput {
    /// The field rules.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("title", required_text(&self.title, 200));
        if self.partner_ids.is_empty() {
            errors.add("partner_ids", FieldError::Required);
        }
        errors.check("scope", optional_text(Some(&self.scope), 4000));
        errors.check(
            "shared_rules",
            optional_text(Some(&self.shared_rules), 4000),
        );
        errors.check("agreed_by", optional_line(self.agreed_by.as_deref(), 200));
        errors.check(
            "partner_responsible",
            optional_line(self.partner_responsible.as_deref(), 200),
        );
        if self.ends_on.is_some_and(|end| end < self.starts_on) {
            errors.add("ends_on", FieldError::EndBeforeStart);
        }
        if self.form == AgreementForm::Oral {
            // An oral agreement is only as good as the record of it.
            if self
                .agreed_by
                .as_deref()
                .is_none_or(|a| a.trim().is_empty())
            {
                errors.add("agreed_by", FieldError::Required);
            }
            if self.agreed_on.is_none() {
                errors.add("agreed_on", FieldError::Required);
            }
            errors.check("scope", required_lines(&self.scope, 4000));
        }
        if self.costs.len() > MAX_COST_LINES {
            errors.add(
                "costs",
                FieldError::OutOfRange {
                    min: 0,
                    max: MAX_COST_LINES as i64,
                },
            );
        }
        for cost in &self.costs {
            errors.check("costs", required_text(&cost.payer, 200));
            errors.check("costs", required_text(&cost.item, 300));
            if let Some(amount) = cost.amount_idr {
                errors.check("costs", in_range(amount, 0, MAX_AMOUNT_IDR));
            }
        }
        errors.into_result()
    }
}

/// A party or a program an agreement names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamedRef {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// URL name.
    pub slug: String,
}

/// A document attached to an agreement (a signed MoU, a letter, a scan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentResponse {
    /// Id.
    pub id: Uuid,
    /// The name it was uploaded with.
    pub file_name: String,
    /// `application/pdf`, `image/jpeg` or `image/png`, from its content.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// When it was attached.
    pub uploaded_at: DateTime<Utc>,
}

/// An agreement as Siar shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementResponse {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Form.
    pub form: AgreementForm,
    /// Where staff have put it.
    pub state: AgreementState,
    /// Its status today (in the library's zone).
    pub status: AgreementStatus,
    /// The partners that are party to it.
    pub partners: Vec<NamedRef>,
    /// The programs it covers.
    pub programs: Vec<NamedRef>,
    /// Scope, or an oral agreement's summary.
    pub scope: String,
    /// Shared rules and mechanisms.
    pub shared_rules: String,
    /// Who pays what.
    pub costs: Vec<CostShare>,
    /// First day in force.
    pub starts_on: NaiveDate,
    /// Last day in force.
    pub ends_on: Option<NaiveDate>,
    /// Who agreed.
    pub agreed_by: Option<String>,
    /// When.
    pub agreed_on: Option<NaiveDate>,
    /// Responsible staff member's id.
    pub library_responsible_id: Option<Uuid>,
    /// Responsible staff member's name.
    pub library_responsible_name: Option<String>,
    /// Responsible person on the partners' side.
    pub partner_responsible: Option<String>,
    /// Attached documents.
    pub documents: Vec<DocumentResponse>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A partner's private link (`/partner-access/{token}`); anyone holding it sees that
/// partner's sessions and agreements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerAccessLink {
    /// The full address.
    pub url: String,
}

/// A session a partner takes part in, as its private page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerSession {
    /// Session id.
    pub session_id: Uuid,
    /// Title.
    pub title: String,
    /// Program name.
    pub program_name: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// Start, in the program's zone.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$", example = "2026-12-05T09:00:00"))]
    pub start_local: NaiveDateTime,
    /// End, in the program's zone.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$", example = "2026-12-05T09:00:00"))]
    pub end_local: NaiveDateTime,
    /// The zone's short name at that time (WITA).
    pub zone_label: String,
    /// The start on the library's clock, where the program's zone reads differently then;
    /// none where they agree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library_clock: Option<crate::dto::schedule::LibraryClock>,
    /// Called off.
    pub cancelled: bool,
    /// The partner's role.
    pub role: PartnerRole,
    /// The partner's answer, for a session it was asked to join on its own; none when it
    /// takes part through the whole program.
    pub answer: Option<PartnerAnswer>,
    /// A note with the answer.
    pub answer_note: Option<String>,
}

/// What a partner's private link shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerAccessView {
    /// The partner.
    pub name: String,
    /// URL name (its public feed is `/calendar/partners/{slug}.ics`).
    pub slug: String,
    /// Kind.
    pub kind: PartnerKind,
    /// Its upcoming sessions (and those of the last week).
    pub sessions: Vec<PartnerSession>,
    /// The agreements it is party to (drafts excluded).
    pub agreements: Vec<AgreementResponse>,
    /// The public feed of its sessions.
    pub feed_url: String,
}

/// A partner's answer to a session request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnswerInput {
    /// `confirmed` or `declined`.
    pub answer: PartnerAnswer,
    /// A note for the library (why not, who will come).
    #[serde(default)]
    pub note: Option<String>,
}

impl AnswerInput {
    /// The field rules.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.answer == PartnerAnswer::Requested {
            errors.add("answer", FieldError::NotAllowed);
        }
        errors.check("note", optional_text(self.note.as_deref(), 1000));
        errors.into_result()
    }
}

/// How many sessions a partner played a role in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleTally {
    /// The role.
    pub role: PartnerRole,
    /// Sessions held in that role.
    pub sessions: u32,
}

/// One partner's line of the cooperation report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerReportLine {
    /// Partner id.
    pub partner_id: Uuid,
    /// Name.
    pub name: String,
    /// URL name.
    pub slug: String,
    /// Kind.
    pub kind: PartnerKind,
    /// Sessions held in the period that the partner took part in (not cancelled, not
    /// declined).
    pub sessions_held: u32,
    /// Those sessions by the partner's role.
    pub roles: Vec<RoleTally>,
    /// Sessions served by the partner's volunteers (attended).
    pub volunteer_sessions: u32,
    /// Minutes served by the partner's volunteers.
    pub volunteer_minutes: u32,
    /// Agreements in force at some point of the period.
    pub agreements_active: u32,
}

/// The cooperation report for a period (both days included, in the library's zone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerReport {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// One line per partner, by name.
    pub lines: Vec<PartnerReportLine>,
}

/// An agreement ending soon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExpiringAgreement {
    /// Agreement id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// The partners' names.
    pub partners: Vec<String>,
    /// Last day in force.
    pub ends_on: NaiveDate,
    /// Days from today to that day.
    pub days_left: i64,
}

/// A partner with upcoming sessions but no agreement in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UncoveredPartner {
    /// Partner id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// URL name.
    pub slug: String,
    /// Its next session.
    pub next_session_at: DateTime<Utc>,
}

/// The dashboard's cooperation card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CooperationAlerts {
    /// Agreements in force that end within 60 days, soonest first.
    pub expiring: Vec<ExpiringAgreement>,
    /// Partners with sessions in the next 90 days and no agreement in force.
    pub uncovered: Vec<UncoveredPartner>,
    /// Partners' answers of the last 14 days to sessions not yet begun, newest first.
    #[serde(default)]
    pub answers: Vec<PartnerAnswerNotice>,
}

/// How long a partner's answer stays on the dashboard.
pub const ANSWERS_WITHIN_DAYS: i64 = 14;

/// A partner answered a session request (the dashboard's list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerAnswerNotice {
    /// The session (its staff page is `/staff/sessions/{id}`).
    pub session_id: Uuid,
    /// Its title.
    pub session_title: String,
    /// Its start, in the program's zone.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$", example = "2026-12-05T09:00:00"))]
    pub start_local: NaiveDateTime,
    /// The zone's short name at that time (WITA).
    pub zone_label: String,
    /// The start on the library's clock, where the program's zone reads differently then;
    /// none where they agree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library_clock: Option<crate::dto::schedule::LibraryClock>,
    /// The partner.
    pub partner_name: String,
    /// Its URL name (its staff page is `/staff/partners/{slug}`).
    pub partner_slug: String,
    /// Confirmed or declined.
    pub answer: PartnerAnswer,
    /// The partner's note.
    pub note: Option<String>,
    /// When it answered.
    pub answered_at: DateTime<Utc>,
}

pub(crate) fn first<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(key, _)| key == name)
        .map_or("", |(_, value)| value.trim())
}

fn optional(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

fn ids(pairs: &[(String, String)], name: &str, errors: &mut FieldErrors) -> Vec<Uuid> {
    pairs
        .iter()
        .filter(|(key, value)| key == name && !value.trim().is_empty())
        .filter_map(|(_, value)| match value.trim().parse() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add(name, FieldError::UnknownReference);
                None
            }
        })
        .collect()
}

pub(crate) fn day(value: &str, name: &str, errors: &mut FieldErrors) -> Option<NaiveDate> {
    if value.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(day) => Some(day),
        Err(_) => {
            errors.add(name, FieldError::InvalidDateTime);
            None
        }
    }
}

/// The cost lines as the form's text box shows them: `payer; item; amount` per line.
pub fn costs_to_text(costs: &[CostShare]) -> String {
    costs
        .iter()
        .map(|c| match c.amount_idr {
            Some(amount) => format!("{}; {}; {amount}", c.payer, c.item),
            None => format!("{}; {}", c.payer, c.item),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the cost box: one line per cost, `payer; item; amount in rupiah (optional)`; the
/// amount may use `.` or `,` between thousands.
pub fn costs_from_text(text: &str) -> Result<Vec<CostShare>, FieldError> {
    let mut costs = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut parts = line.split(';').map(str::trim);
        let payer = parts.next().unwrap_or_default().to_owned();
        let item = parts.next().unwrap_or_default().to_owned();
        let amount = match parts.next().filter(|a| !a.is_empty()) {
            None => None,
            Some(amount) => {
                let digits: String = amount
                    .chars()
                    .filter(|c| !matches!(c, '.' | ',' | ' '))
                    .collect();
                Some(digits.parse::<i64>().map_err(|_| FieldError::NotAllowed)?)
            }
        };
        if parts.next().is_some() {
            return Err(FieldError::NotAllowed);
        }
        costs.push(CostShare {
            payer,
            item,
            amount_idr: amount,
        });
    }
    Ok(costs)
}

/// Reads the agreement form (a plain HTML form: `partner_ids` and `program_ids` repeat, dates
/// are `YYYY-MM-DD`, costs are a text box). Only what cannot be read is reported here; the
/// field rules are [`AgreementInput::validate`].
pub fn agreement_from_form(pairs: &[(String, String)]) -> Result<AgreementInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let form = AgreementForm::parse(first(pairs, "form"));
    if form.is_none() {
        errors.add("form", FieldError::NotAllowed);
    }
    let state = AgreementState::parse(first(pairs, "state"));
    if state.is_none() {
        errors.add("state", FieldError::NotAllowed);
    }
    let partner_ids = ids(pairs, "partner_ids", &mut errors);
    let program_ids = ids(pairs, "program_ids", &mut errors);
    let starts_on = day(first(pairs, "starts_on"), "starts_on", &mut errors);
    if first(pairs, "starts_on").is_empty() {
        errors.add("starts_on", FieldError::Required);
    }
    let ends_on = day(first(pairs, "ends_on"), "ends_on", &mut errors);
    let agreed_on = day(first(pairs, "agreed_on"), "agreed_on", &mut errors);
    let costs = costs_from_text(first(pairs, "costs")).unwrap_or_else(|error| {
        errors.add("costs", error);
        vec![]
    });
    let responsible = first(pairs, "library_responsible_id");
    let library_responsible_id = if responsible.is_empty() {
        None
    } else {
        responsible.parse().map(Some).unwrap_or_else(|_| {
            errors.add("library_responsible_id", FieldError::UnknownReference);
            None
        })
    };
    match (form, state, starts_on) {
        (Some(form), Some(state), Some(starts_on)) if errors.is_empty() => Ok(AgreementInput {
            title: first(pairs, "title").to_owned(),
            form,
            state,
            partner_ids,
            program_ids,
            scope: first(pairs, "scope").to_owned(),
            shared_rules: first(pairs, "shared_rules").to_owned(),
            costs,
            starts_on,
            ends_on,
            agreed_by: optional(first(pairs, "agreed_by")),
            agreed_on,
            library_responsible_id,
            partner_responsible: optional(first(pairs, "partner_responsible")),
        }),
        _ => Err(errors),
    }
}

/// The agreement form's choices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementChoices {
    /// Every partner.
    pub partners: Vec<NamedRef>,
    /// Every program.
    pub programs: Vec<NamedRef>,
    /// Active staff (their slug is their e-mail address).
    pub staff: Vec<NamedRef>,
}

/// The agreements page: the list and the form's choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgreementsOverview {
    /// Every agreement.
    pub agreements: Vec<AgreementResponse>,
    /// The form's choices.
    pub choices: AgreementChoices,
}

/// One agreement's page: the agreement and the form's choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgreementEditor {
    /// The agreement.
    pub agreement: AgreementResponse,
    /// The form's choices.
    pub choices: AgreementChoices,
}

/// A partner's staff page: its profile, its private link (for coordinators) and its
/// agreements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerDetail {
    /// The partner.
    pub partner: crate::dto::partners::PartnerResponse,
    /// Its private link; only coordinators and admins see it.
    pub access_link: Option<PartnerAccessLink>,
    /// Its agreements.
    pub agreements: Vec<AgreementResponse>,
    /// Active staff, for "responsible at the library".
    pub staff: Vec<NamedRef>,
    /// Its sessions of the last week and the coming months, with its answers.
    #[serde(default)]
    pub sessions: Vec<PartnerSession>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 3, d).unwrap()
    }

    fn oral() -> AgreementInput {
        AgreementInput {
            title: "Liputan Dongkelor".into(),
            form: AgreementForm::Oral,
            state: AgreementState::InForce,
            partner_ids: vec![Uuid::nil()],
            program_ids: vec![],
            scope: String::new(),
            shared_rules: String::new(),
            costs: vec![],
            starts_on: day(10),
            ends_on: Some(day(1)),
            agreed_by: None,
            agreed_on: None,
            library_responsible_id: None,
            partner_responsible: None,
        }
    }

    #[test]
    fn an_oral_agreement_needs_who_when_and_a_summary() {
        let errors = oral().validate().unwrap_err();
        for field in ["agreed_by", "agreed_on", "scope", "ends_on"] {
            assert!(errors.0.contains_key(field), "{field}: {errors:?}");
        }
        let complete = AgreementInput {
            agreed_by: Some("Pemimpin redaksi".into()),
            agreed_on: Some(day(2)),
            scope: "Liputan setiap bulan".into(),
            ends_on: Some(day(30)),
            ..oral()
        };
        assert_eq!(complete.validate(), Ok(()));
    }

    #[test]
    fn costs_need_a_payer_an_item_and_a_sane_amount() {
        let input = AgreementInput {
            form: AgreementForm::Letter,
            ends_on: None,
            costs: vec![CostShare {
                payer: String::new(),
                item: "Kuota".into(),
                amount_idr: Some(-5),
            }],
            ..oral()
        };
        let errors = input.validate().unwrap_err();
        assert_eq!(errors.0["costs"].len(), 2, "{errors:?}");
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_plain_form_reads_into_an_agreement() {
        let partner = Uuid::now_v7().to_string();
        let input = agreement_from_form(&pairs(&[
            ("title", "Liputan Dongkelor"),
            ("form", "oral"),
            ("state", "in_force"),
            ("partner_ids", &partner),
            ("starts_on", "2027-01-01"),
            ("ends_on", ""),
            (
                "costs",
                "Perpustakaan; Kuota internet; 1.500.000\nFAJAR; Liputan",
            ),
        ]))
        .unwrap();
        assert_eq!(input.form, AgreementForm::Oral);
        assert_eq!(input.ends_on, None);
        assert_eq!(input.costs[0].amount_idr, Some(1_500_000));
        assert_eq!(input.costs[1].amount_idr, None);
        assert_eq!(
            costs_from_text(&costs_to_text(&input.costs)),
            Ok(input.costs)
        );

        let errors = agreement_from_form(&pairs(&[
            ("form", "telepathy"),
            ("state", "in_force"),
            ("starts_on", "1 Jan"),
            ("costs", "a; b; lots"),
        ]))
        .unwrap_err();
        for field in ["form", "starts_on", "costs"] {
            assert!(errors.0.contains_key(field), "{field}: {errors:?}");
        }
    }
}
