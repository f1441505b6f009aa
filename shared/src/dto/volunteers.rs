//! Volunteers: accounts, the roles sessions need, sign-ups with their waitlist, rosters and
//! hours. The field rules here are the ones the browser and the server both apply.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::validation::{email, in_range, new_password, optional_text, required_text};
use crate::{FieldError, FieldErrors, Lang};

/// The most places one role can have.
pub const MAX_ROLE_CAPACITY: u32 = 1000;
/// The longest idempotency key a client may send.
pub const MAX_IDEMPOTENCY_KEY: usize = 80;

/// What a volunteer can do; a role may require one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Skill {
    /// Tells stories (Dongkelor).
    Storyteller,
    /// Hosts a show or a talk.
    Host,
    /// Runs the camera or the stream.
    Camera,
    /// Cooks on Dapur Pustaka.
    Cook,
    /// Presents or reads aloud.
    Presenter,
    /// Moderates the live chat.
    Moderator,
}

impl Skill {
    /// Every skill, in the order forms list them.
    pub const ALL: [Skill; 6] = [
        Skill::Storyteller,
        Skill::Host,
        Skill::Camera,
        Skill::Cook,
        Skill::Presenter,
        Skill::Moderator,
    ];

    /// The stored and wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Skill::Storyteller => "storyteller",
            Skill::Host => "host",
            Skill::Camera => "camera",
            Skill::Cook => "cook",
            Skill::Presenter => "presenter",
            Skill::Moderator => "moderator",
        }
    }

    /// Parses the stored name.
    pub fn parse(name: &str) -> Option<Skill> {
        Skill::ALL.into_iter().find(|s| s.as_str() == name.trim())
    }

    /// Parses a comma-separated list, skipping unknown names.
    pub fn parse_list(list: &str) -> Vec<Skill> {
        let mut skills: Vec<Skill> = list.split(',').filter_map(Skill::parse).collect();
        skills.sort();
        skills.dedup();
        skills
    }

    /// The comma-separated stored form.
    pub fn join(skills: &[Skill]) -> String {
        let mut names: Vec<&str> = skills.iter().map(|s| s.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names.join(",")
    }

    /// The name for people.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Skill::Storyteller, Lang::Id) => "Pendongeng",
            (Skill::Storyteller, Lang::En) => "Storyteller",
            (Skill::Host, Lang::Id) => "Pembawa acara",
            (Skill::Host, Lang::En) => "Host",
            (Skill::Camera, Lang::Id) => "Operator kamera/siaran",
            (Skill::Camera, Lang::En) => "Camera/stream operator",
            (Skill::Cook, Lang::Id) => "Juru masak",
            (Skill::Cook, Lang::En) => "Cook",
            (Skill::Presenter, Lang::Id) => "Presenter",
            (Skill::Presenter, Lang::En) => "Presenter",
            (Skill::Moderator, Lang::Id) => "Moderator obrolan",
            (Skill::Moderator, Lang::En) => "Chat moderator",
        }
    }
}

/// `POST /api/v1/volunteers/register`, and staff's invitation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VolunteerInput {
    /// Full name.
    pub name: String,
    /// E-mail address; sign-in links are sent here.
    pub email: String,
    /// Phone or WhatsApp number.
    #[serde(default)]
    pub phone: Option<String>,
    /// What the person can do.
    #[serde(default)]
    pub skills: Vec<Skill>,
    /// The language of mail and pages.
    #[serde(default)]
    pub lang: Lang,
    /// The partner institution the person comes from (for hours per partner).
    #[serde(default)]
    pub partner_id: Option<Uuid>,
    /// An optional password (at least 12 characters); sign-in by e-mailed link works without.
    #[serde(default)]
    pub password: Option<String>,
}

impl VolunteerInput {
    /// The field rules.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("name", required_text(&self.name, 120));
        errors.check("email", email(&self.email));
        errors.check("phone", phone(self.phone.as_deref()));
        if let Some(password) = self.password.as_deref().filter(|p| !p.is_empty()) {
            errors.check("password", new_password(password));
        }
        errors.into_result()
    }
}

/// A phone number: optional; digits, spaces, `+`, `-`, `(`, `)`, 6 to 20 digits.
pub fn phone(value: Option<&str>) -> Result<(), FieldError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(());
    };
    optional_text(Some(value), 32)?;
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +-()".contains(c));
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if allowed && (6..=20).contains(&digits) {
        Ok(())
    } else {
        Err(FieldError::InvalidPhone)
    }
}

/// A volunteer as they and staff see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VolunteerResponse {
    /// Id.
    pub id: Uuid,
    /// Full name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Phone or WhatsApp number.
    pub phone: Option<String>,
    /// Skills.
    pub skills: Vec<Skill>,
    /// Language of mail and pages.
    pub lang: Lang,
    /// Partner institution.
    pub partner_id: Option<Uuid>,
    /// Whether the person may sign in and sign up.
    pub active: bool,
    /// The account this one was merged into, if it was a duplicate.
    pub merged_into: Option<Uuid>,
    /// Whether a password is set.
    pub has_password: bool,
}

/// The signed-in volunteer, as pages need them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolunteerBrief {
    /// Id.
    pub id: Uuid,
    /// Full name.
    pub name: String,
}

/// `POST /api/v1/volunteers/sign-in-link`: mail me a sign-in link.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInLinkRequest {
    /// The volunteer's e-mail address.
    pub email: String,
}

/// `POST /api/v1/volunteers/sign-in`: a link's token, or e-mail and password.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VolunteerSignIn {
    /// The token from an e-mailed link.
    #[serde(default)]
    pub token: Option<String>,
    /// E-mail address (with `password`).
    #[serde(default)]
    pub email: Option<String>,
    /// Password (with `email`).
    #[serde(default)]
    pub password: Option<String>,
}

/// The answer to a volunteer's sign-in: who, and the CSRF token state-changing API requests
/// of this browser must carry in `X-CSRF-Token`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VolunteerSignedIn {
    /// The volunteer.
    pub volunteer: VolunteerResponse,
    /// The CSRF token for this browser.
    pub csrf_token: String,
}

/// A role a session needs, as staff define it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleInput {
    /// Name, e.g. "Pendongeng utama".
    pub name: String,
    /// How many people.
    pub capacity: u32,
    /// The skill a volunteer must have to take it.
    #[serde(default)]
    pub skill: Option<Skill>,
}

impl RoleInput {
    fn check(&self, errors: &mut FieldErrors, prefix: &str) {
        errors.check(&format!("{prefix}name"), required_text(&self.name, 80));
        errors.check(
            &format!("{prefix}capacity"),
            in_range(i64::from(self.capacity), 1, i64::from(MAX_ROLE_CAPACITY)),
        );
    }

    /// The field rules.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        self.check(&mut errors, "");
        errors.into_result()
    }
}

/// `PUT /api/v1/programs/{id}/volunteering`: the roles a program's sessions need and its
/// sign-up rules. Upcoming sessions follow, except roles edited on a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgramVolunteering {
    /// Sign-up and withdrawal close this many minutes before a session starts.
    pub signup_cutoff_minutes: u32,
    /// How long the first in line has to take a freed place, in minutes.
    pub offer_window_minutes: u32,
    /// The roles, in display order. A role keeps its id when `id` is given.
    pub roles: Vec<RoleLine>,
}

/// One role in a list of roles (a program's, or one session's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleLine {
    /// The role's id when changing an existing one.
    #[serde(default)]
    pub id: Option<Uuid>,
    /// The role.
    #[serde(flatten)]
    pub role: RoleInput,
}

impl ProgramVolunteering {
    /// The field rules; a role's fields are named `roles[i].name` and so on.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check(
            "signup_cutoff_minutes",
            in_range(i64::from(self.signup_cutoff_minutes), 0, 14 * 24 * 60),
        );
        errors.check(
            "offer_window_minutes",
            in_range(i64::from(self.offer_window_minutes), 15, 7 * 24 * 60),
        );
        if self.roles.len() > 20 {
            errors.add("roles", FieldError::OutOfRange { min: 0, max: 20 });
        }
        for (i, role) in self.roles.iter().enumerate() {
            role.role.check(&mut errors, &format!("roles[{i}]."));
        }
        errors.into_result()
    }
}

/// A program's volunteering settings with role ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgramVolunteeringResponse {
    /// Sign-up cut-off in minutes before the start.
    pub signup_cutoff_minutes: u32,
    /// Offer window in minutes.
    pub offer_window_minutes: u32,
    /// The roles with their ids.
    pub roles: Vec<ProgramRoleResponse>,
}

/// A program role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgramRoleResponse {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Places.
    pub capacity: u32,
    /// Required skill.
    pub skill: Option<Skill>,
}

/// A session's role with how full it is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionRoleView {
    /// Id (used to sign up).
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Places.
    pub capacity: u32,
    /// Required skill.
    pub skill: Option<Skill>,
    /// Places taken by confirmed volunteers.
    pub confirmed: u32,
    /// Places held for someone offered a freed place.
    pub offered: u32,
    /// People waiting in line.
    pub waitlisted: u32,
    /// Whether staff changed it on this session.
    pub customised: bool,
}

impl SessionRoleView {
    /// Places nobody holds.
    pub fn free(&self) -> u32 {
        self.capacity.saturating_sub(self.confirmed + self.offered)
    }
}

/// Where a sign-up stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum SignupStatus {
    /// Has a place.
    Confirmed,
    /// A place was freed for them; they must confirm before the offer expires.
    Offered,
    /// Waiting in line.
    Waitlisted,
    /// Withdrew.
    Withdrawn,
    /// Removed by staff.
    Removed,
    /// Let an offer expire.
    Lapsed,
}

impl SignupStatus {
    /// Every status.
    pub const ALL: [SignupStatus; 6] = [
        SignupStatus::Confirmed,
        SignupStatus::Offered,
        SignupStatus::Waitlisted,
        SignupStatus::Withdrawn,
        SignupStatus::Removed,
        SignupStatus::Lapsed,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SignupStatus::Confirmed => "confirmed",
            SignupStatus::Offered => "offered",
            SignupStatus::Waitlisted => "waitlisted",
            SignupStatus::Withdrawn => "withdrawn",
            SignupStatus::Removed => "removed",
            SignupStatus::Lapsed => "lapsed",
        }
    }

    /// Parses the stored name.
    pub fn parse(name: &str) -> Option<SignupStatus> {
        SignupStatus::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// Whether the person is still in the role (holding a place or in line).
    pub fn is_active(self) -> bool {
        matches!(
            self,
            SignupStatus::Confirmed | SignupStatus::Offered | SignupStatus::Waitlisted
        )
    }

    /// The name for people.
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (SignupStatus::Confirmed, Lang::Id) => "Terdaftar",
            (SignupStatus::Confirmed, Lang::En) => "Confirmed",
            (SignupStatus::Offered, Lang::Id) => "Ditawari tempat",
            (SignupStatus::Offered, Lang::En) => "Offered a place",
            (SignupStatus::Waitlisted, Lang::Id) => "Daftar tunggu",
            (SignupStatus::Waitlisted, Lang::En) => "Waitlisted",
            (SignupStatus::Withdrawn, Lang::Id) => "Mundur",
            (SignupStatus::Withdrawn, Lang::En) => "Withdrawn",
            (SignupStatus::Removed, Lang::Id) => "Dikeluarkan staf",
            (SignupStatus::Removed, Lang::En) => "Removed by staff",
            (SignupStatus::Lapsed, Lang::Id) => "Tawaran lewat",
            (SignupStatus::Lapsed, Lang::En) => "Offer lapsed",
        }
    }
}

/// `POST /api/v1/session-roles/{id}/signups`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignupRequest {
    /// A key the client picks once per intended sign-up and repeats on retries (also
    /// accepted as the `Idempotency-Key` header).
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// The session a sign-up is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionBrief {
    /// Session id.
    pub id: Uuid,
    /// The session's title, or its program's name.
    pub title: String,
    /// The program's name.
    pub program_name: String,
    /// The program's URL name.
    pub program_slug: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// The program's IANA zone.
    pub tz: String,
    /// Start, on the zone's clock.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$", example = "2026-12-05T09:00:00"))]
    pub start_local: chrono::NaiveDateTime,
    /// End, on the zone's clock.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$", example = "2026-12-05T09:00:00"))]
    pub end_local: chrono::NaiveDateTime,
    /// The zone's short name at the start, e.g. `WITA`.
    pub zone_label: String,
    /// The start on the library's clock, where the program's zone reads differently then;
    /// none where they agree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub library_clock: Option<crate::dto::schedule::LibraryClock>,
    /// Whether the session is cancelled.
    pub cancelled: bool,
    /// When sign-up and withdrawal close.
    pub signup_closes_at: DateTime<Utc>,
}

/// A volunteer's sign-up, as they see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignupView {
    /// Sign-up id.
    pub id: Uuid,
    /// The session.
    pub session: SessionBrief,
    /// The role's id.
    pub role_id: Uuid,
    /// The role's name.
    pub role_name: String,
    /// Where it stands.
    pub status: SignupStatus,
    /// Place in the waitlist (1 = next), while waitlisted.
    pub waitlist_position: Option<u32>,
    /// Until when an offered place is held.
    pub offer_expires_at: Option<DateTime<Utc>>,
    /// The same, on the clock of the session's zone, with the zone's short name then (the
    /// letter says it this way too).
    #[serde(default)]
    pub offer_expires_local: Option<String>,
}

/// A session with free places or a waitlist, for "open sessions I can help with".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenSession {
    /// The session.
    pub session: SessionBrief,
    /// Its roles.
    pub roles: Vec<SessionRoleView>,
}

/// One person on a session's roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RosterEntry {
    /// Sign-up id.
    pub signup_id: Uuid,
    /// Volunteer id.
    pub volunteer_id: Uuid,
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Phone.
    pub phone: Option<String>,
    /// Role id.
    pub role_id: Uuid,
    /// Where it stands.
    pub status: SignupStatus,
    /// Place in the waitlist, while waitlisted.
    pub waitlist_position: Option<u32>,
    /// Attendance, once marked.
    pub attended: Option<bool>,
    /// Minutes served, once marked (defaults to the session's length).
    pub minutes_served: Option<u32>,
}

/// `GET /api/v1/sessions/{id}/roster`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Roster {
    /// The session.
    pub session: SessionBrief,
    /// Its roles.
    pub roles: Vec<SessionRoleView>,
    /// Everyone in a role (withdrawn and removed people last).
    pub entries: Vec<RosterEntry>,
}

/// `POST /api/v1/session-roles/{id}/assign`: staff put someone in a role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignRequest {
    /// The volunteer.
    pub volunteer_id: Uuid,
}

/// One line of `PUT /api/v1/sessions/{id}/attendance`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttendanceMark {
    /// The sign-up.
    pub signup_id: Uuid,
    /// Whether the person came.
    pub attended: bool,
    /// Minutes served, if not the session's length.
    #[serde(default)]
    pub minutes_served: Option<u32>,
}

/// `POST /api/v1/volunteers/merge`: `duplicate`'s sign-ups move to `keep`, `duplicate` is
/// deactivated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergeRequest {
    /// The account that stays.
    pub keep: Uuid,
    /// The duplicate.
    pub duplicate: Uuid,
}

/// One line of the hours report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HoursLine {
    /// Volunteer or partner id (none: volunteers without a partner).
    pub id: Option<Uuid>,
    /// Name.
    pub name: String,
    /// Sessions attended.
    pub sessions: u32,
    /// Minutes served.
    pub minutes: u32,
}

/// `GET /api/v1/volunteering/hours`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HoursReport {
    /// Per volunteer.
    pub by_volunteer: Vec<HoursLine>,
    /// Per partner institution.
    pub by_partner: Vec<HoursLine>,
}

/// A message in the outbox, for the mailbox page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailView {
    /// Id.
    pub id: Uuid,
    /// Recipient.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// What kind of message.
    pub kind: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// When it was delivered.
    pub sent_at: Option<DateTime<Utc>>,
    /// `smtp` or `mailbox`.
    pub delivered_via: Option<String>,
    /// Delivery attempts.
    pub attempts: u32,
    /// The last delivery error.
    pub last_error: Option<String>,
}

/// The volunteer's own page: profile, sign-ups and private calendar feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyVolunteering {
    /// Profile.
    pub profile: VolunteerResponse,
    /// Current sign-ups, soonest first.
    pub signups: Vec<SignupView>,
    /// The private feed (`/calendar/me/{token}.ics`).
    pub calendar: crate::dto::calendar::CalendarLinks,
}

/// The staff volunteers page: everyone, and the hours of a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VolunteerOverview {
    /// Every volunteer.
    pub volunteers: Vec<VolunteerResponse>,
    /// First day of the hours report.
    pub from: chrono::NaiveDate,
    /// Last day.
    pub to: chrono::NaiveDate,
    /// Hours in that period.
    pub hours: HoursReport,
}

/// Why a volunteer's request was refused: a rule of the sign-up, not a malformed field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Refusal {
    /// Sign-up and withdrawal closed at the cut-off.
    SignupClosed,
    /// The session is cancelled or over.
    SessionNotOpen,
    /// The person already holds or waits for a place in an overlapping session.
    Overlap,
    /// The role needs a skill the person has not listed.
    MissingSkill,
    /// There is no offer to accept (it expired or was never made).
    NoOffer,
    /// The sign-in link has expired.
    LinkExpired,
    /// The sign-in link was already used.
    LinkUsed,
    /// The sign-in link is not one Siar made (mistyped or cut short).
    LinkInvalid,
    /// The account is deactivated.
    AccountInactive,
    /// Attendance can only be marked once the session has started.
    NotYetHeld,
    /// A role that people are in cannot be removed.
    RoleInUse,
    /// The contest does not take entries yet.
    ContestNotOpen,
    /// The contest no longer takes entries.
    ContestClosed,
    /// This contact address has sent as many entries as the contest allows.
    EntryLimitReached,
    /// A category that has entries cannot be removed.
    CategoryInUse,
    /// The upload's offset is not the one the request started from (tus 409).
    UploadOffsetMismatch,
    /// The upload is already complete.
    UploadComplete,
    /// The contest's results are not published yet.
    ResultsNotPublished,
    /// The results are published, so scores are locked.
    ResultsPublished,
    /// Results can be published only once the contest has stopped taking entries.
    EntriesStillOpen,
    /// An episode (recording, audience) is recorded once its session has started.
    NotYetAired,
    /// A cancelled session has no episode.
    SessionCancelled,
}

impl Refusal {
    /// Every refusal.
    pub const ALL: [Refusal; 22] = [
        Refusal::SignupClosed,
        Refusal::SessionNotOpen,
        Refusal::Overlap,
        Refusal::MissingSkill,
        Refusal::NoOffer,
        Refusal::LinkExpired,
        Refusal::LinkUsed,
        Refusal::LinkInvalid,
        Refusal::AccountInactive,
        Refusal::NotYetHeld,
        Refusal::RoleInUse,
        Refusal::ContestNotOpen,
        Refusal::ContestClosed,
        Refusal::EntryLimitReached,
        Refusal::CategoryInUse,
        Refusal::UploadOffsetMismatch,
        Refusal::UploadComplete,
        Refusal::ResultsNotPublished,
        Refusal::ResultsPublished,
        Refusal::EntriesStillOpen,
        Refusal::NotYetAired,
        Refusal::SessionCancelled,
    ];

    /// The refusal with this slug.
    pub fn from_slug(slug: &str) -> Option<Refusal> {
        Refusal::ALL.into_iter().find(|r| r.slug() == slug)
    }

    /// A stable name for the problem type URL.
    pub fn slug(self) -> &'static str {
        match self {
            Refusal::SignupClosed => "signup-closed",
            Refusal::SessionNotOpen => "session-not-open",
            Refusal::Overlap => "overlap",
            Refusal::MissingSkill => "missing-skill",
            Refusal::NoOffer => "no-offer",
            Refusal::LinkExpired => "link-expired",
            Refusal::LinkUsed => "link-used",
            Refusal::LinkInvalid => "link-invalid",
            Refusal::AccountInactive => "account-inactive",
            Refusal::NotYetHeld => "not-yet-held",
            Refusal::RoleInUse => "role-in-use",
            Refusal::ContestNotOpen => "contest-not-open",
            Refusal::ContestClosed => "contest-closed",
            Refusal::EntryLimitReached => "entry-limit-reached",
            Refusal::CategoryInUse => "category-in-use",
            Refusal::UploadOffsetMismatch => "upload-offset-mismatch",
            Refusal::UploadComplete => "upload-complete",
            Refusal::ResultsNotPublished => "results-not-published",
            Refusal::ResultsPublished => "results-published",
            Refusal::EntriesStillOpen => "entries-still-open",
            Refusal::NotYetAired => "not-yet-aired",
            Refusal::SessionCancelled => "session-cancelled",
        }
    }

    /// The message for people.
    pub fn message(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Refusal::SignupClosed, Lang::Id) => {
                "Pendaftaran sudah ditutup untuk sesi ini. Hubungi staf jika perlu."
            }
            (Refusal::SignupClosed, Lang::En) => {
                "Sign-up has closed for this session. Contact staff if you need to change it."
            }
            (Refusal::SessionNotOpen, Lang::Id) => "Sesi ini dibatalkan atau sudah lewat.",
            (Refusal::SessionNotOpen, Lang::En) => "This session is cancelled or over.",
            (Refusal::Overlap, Lang::Id) => {
                "Anda sudah terdaftar di sesi lain pada waktu yang sama."
            }
            (Refusal::Overlap, Lang::En) => {
                "You are already signed up for another session at the same time."
            }
            (Refusal::MissingSkill, Lang::Id) => {
                "Peran ini memerlukan keahlian yang belum ada di profil Anda."
            }
            (Refusal::MissingSkill, Lang::En) => {
                "This role needs a skill that is not on your profile."
            }
            (Refusal::NoOffer, Lang::Id) => "Tidak ada tawaran tempat yang berlaku untuk Anda.",
            (Refusal::NoOffer, Lang::En) => "There is no open offer of a place for you.",
            (Refusal::LinkExpired, Lang::Id) => {
                "Tautan masuk sudah kedaluwarsa (berlaku 15 menit). Minta tautan baru."
            }
            (Refusal::LinkExpired, Lang::En) => {
                "This sign-in link has expired (links last 15 minutes). Ask for a new one."
            }
            (Refusal::LinkUsed, Lang::Id) => "Tautan masuk ini sudah dipakai. Minta tautan baru.",
            (Refusal::LinkUsed, Lang::En) => {
                "This sign-in link has already been used. Ask for a new one."
            }
            (Refusal::LinkInvalid, Lang::Id) => {
                "Tautan masuk ini tidak dikenal. Salin seluruh tautan dari email, atau minta yang baru."
            }
            (Refusal::LinkInvalid, Lang::En) => {
                "This sign-in link is not valid. Copy the whole link from the e-mail, or ask for a new one."
            }
            (Refusal::AccountInactive, Lang::Id) => "Akun relawan ini dinonaktifkan.",
            (Refusal::AccountInactive, Lang::En) => "This volunteer account is deactivated.",
            (Refusal::NotYetHeld, Lang::Id) => "Kehadiran baru bisa dicatat setelah sesi dimulai.",
            (Refusal::NotYetHeld, Lang::En) => {
                "Attendance can be marked once the session has started."
            }
            (Refusal::RoleInUse, Lang::Id) => {
                "Peran ini masih diisi relawan; keluarkan mereka dulu sebelum menghapusnya."
            }
            (Refusal::RoleInUse, Lang::En) => {
                "People are still in this role; remove them before deleting it."
            }
            (Refusal::ContestNotOpen, Lang::Id) => "Pendaftaran lomba belum dibuka.",
            (Refusal::ContestNotOpen, Lang::En) => "The contest does not take entries yet.",
            (Refusal::ContestClosed, Lang::Id) => "Pendaftaran lomba sudah ditutup.",
            (Refusal::ContestClosed, Lang::En) => "The contest no longer takes entries.",
            (Refusal::EntryLimitReached, Lang::Id) => {
                "Alamat email ini sudah mengirim karya sebanyak batas lomba."
            }
            (Refusal::EntryLimitReached, Lang::En) => {
                "This e-mail address has already sent as many entries as the contest allows."
            }
            (Refusal::CategoryInUse, Lang::Id) => {
                "Kategori ini sudah punya peserta sehingga tidak bisa dihapus."
            }
            (Refusal::CategoryInUse, Lang::En) => {
                "This category has entries, so it cannot be removed."
            }
            (Refusal::UploadOffsetMismatch, Lang::Id) => {
                "Posisi unggahan tidak cocok; lanjutkan dari posisi yang tersimpan."
            }
            (Refusal::UploadOffsetMismatch, Lang::En) => {
                "The upload position does not match; resume from the stored position."
            }
            (Refusal::UploadComplete, Lang::Id) => "Unggahan ini sudah selesai.",
            (Refusal::UploadComplete, Lang::En) => "This upload is already complete.",
            (Refusal::ResultsNotPublished, Lang::Id) => "Hasil lomba belum diumumkan.",
            (Refusal::ResultsNotPublished, Lang::En) => {
                "The contest's results are not published yet."
            }
            (Refusal::ResultsPublished, Lang::Id) => {
                "Hasil sudah diumumkan; nilai tidak bisa diubah lagi."
            }
            (Refusal::ResultsPublished, Lang::En) => {
                "The results are published; scores can no longer change."
            }
            (Refusal::EntriesStillOpen, Lang::Id) => {
                "Pendaftaran lomba masih dibuka; hasil bisa diumumkan setelah pendaftaran ditutup."
            }
            (Refusal::EntriesStillOpen, Lang::En) => {
                "The contest still takes entries; results can be published once entries close."
            }
            (Refusal::NotYetAired, Lang::Id) => {
                "Arsip episode baru bisa diisi setelah sesi dimulai."
            }
            (Refusal::NotYetAired, Lang::En) => {
                "An episode can be recorded once the session has started."
            }
            (Refusal::SessionCancelled, Lang::Id) => {
                "Sesi ini dibatalkan, jadi tidak punya episode."
            }
            (Refusal::SessionCancelled, Lang::En) => {
                "This session was cancelled, so it has no episode."
            }
        }
    }
}

/// Checks an idempotency key: printable ASCII, at most [`MAX_IDEMPOTENCY_KEY`] characters.
pub fn idempotency_key(value: &str) -> Result<(), FieldError> {
    if value.is_empty() || value.len() > MAX_IDEMPOTENCY_KEY {
        return Err(FieldError::TooLong {
            max: MAX_IDEMPOTENCY_KEY,
        });
    }
    if value.chars().all(|c| c.is_ascii_graphic()) {
        Ok(())
    } else {
        Err(FieldError::NotAllowed)
    }
}

/// The [`FormEcho`](crate::dto::auth::FormEcho) of a refused registration on `/volunteer`.
pub const REGISTER_ECHO: &str = "volunteer-register";
/// The [`FormEcho`](crate::dto::auth::FormEcho) that tells `/volunteer?sent` where the
/// sign-in link went.
pub const LINK_SENT_ECHO: &str = "volunteer-link-sent";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skills_round_trip_through_the_stored_list() {
        let skills = vec![Skill::Host, Skill::Storyteller, Skill::Host];
        let stored = Skill::join(&skills);
        assert_eq!(stored, "host,storyteller");
        assert_eq!(
            Skill::parse_list(&stored),
            vec![Skill::Storyteller, Skill::Host]
        );
        assert_eq!(Skill::parse_list("cook,unknown,"), vec![Skill::Cook]);
    }

    #[test]
    fn phone_numbers_are_digits_with_separators() {
        assert!(phone(None).is_ok());
        assert!(phone(Some("  ")).is_ok());
        assert!(phone(Some("+62 812-3456-7890")).is_ok());
        assert_eq!(phone(Some("12345")), Err(FieldError::InvalidPhone));
        assert_eq!(phone(Some("call me")), Err(FieldError::InvalidPhone));
    }

    #[test]
    fn registration_names_each_bad_field() {
        let input = VolunteerInput {
            name: " ".into(),
            email: "not-an-address".into(),
            password: Some("short".into()),
            ..VolunteerInput::default()
        };
        let errors = input.validate().unwrap_err();
        let fields: Vec<&str> = errors.0.keys().map(String::as_str).collect();
        assert_eq!(fields, ["email", "name", "password"]);
        let ok = VolunteerInput {
            name: "Ibu Rahma".into(),
            email: "rahma@example.id".into(),
            password: Some(String::new()),
            ..VolunteerInput::default()
        };
        assert!(ok.validate().is_ok());
    }

    #[test]
    fn role_settings_name_the_role_line() {
        let settings = ProgramVolunteering {
            signup_cutoff_minutes: 120,
            offer_window_minutes: 5,
            roles: vec![RoleLine {
                id: None,
                role: RoleInput {
                    name: "Host".into(),
                    capacity: 0,
                    skill: None,
                },
            }],
        };
        let errors = settings.validate().unwrap_err();
        assert!(errors.0.contains_key("roles[0].capacity"));
        assert!(errors.0.contains_key("offer_window_minutes"));
    }

    #[test]
    fn free_places_never_go_below_zero() {
        let role = SessionRoleView {
            id: Uuid::nil(),
            name: "Host".into(),
            capacity: 2,
            skill: None,
            confirmed: 2,
            offered: 1,
            waitlisted: 0,
            customised: false,
        };
        assert_eq!(role.free(), 0);
    }

    #[test]
    fn idempotency_keys_are_short_printable_ascii() {
        assert!(idempotency_key("signup-7f3a").is_ok());
        assert!(idempotency_key("").is_err());
        assert!(idempotency_key("with space").is_err());
        assert!(idempotency_key(&"k".repeat(81)).is_err());
    }
}
