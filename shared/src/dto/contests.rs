//! The storytelling video contest: setup, entries, the entrant's private view, judging and
//! results. The field rules here are the ones the browser and the server apply; the age
//! arithmetic lives here too, so a form can show the category before it is sent.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::validation::{email, in_range, optional_text, required_lines, required_text};
use crate::words::{EntryState, Review, VideoFormat, WindowState};
use crate::{FieldError, FieldErrors, Lang};

/// The default largest video (2 GiB).
pub const DEFAULT_MAX_VIDEO_MIB: i64 = 2048;
/// The largest video limit staff can set (4 GiB).
pub const MAX_VIDEO_MIB: i64 = 4096;
/// Scores run from 1 to this.
pub const MAX_SCORE: i32 = 10;
/// Entrants younger than this on the reference day need a guardian.
pub const ADULT_AGE: i32 = 18;
/// The rule that orders entries with equal weighted means, for people.
pub const TIE_RULE_ID: &str = "Nilai rata-rata berbobot yang sama diurutkan menurut rata-rata kriteria berbobot tertinggi (lalu berikutnya), kemudian video yang diterima lebih dulu.";
/// The same rule in English.
pub const TIE_RULE_EN: &str = "Equal weighted means are ordered by the mean of the highest-weighted criterion (then the next), then by the earlier video.";

/// The tie rule in `lang`.
pub fn tie_rule(lang: Lang) -> &'static str {
    match lang {
        Lang::Id => TIE_RULE_ID,
        Lang::En => TIE_RULE_EN,
    }
}

/// Age in whole years on `day`.
pub fn age_on(birth_date: NaiveDate, day: NaiveDate) -> i32 {
    let mut age = day.year() - birth_date.year();
    if (day.month(), day.day()) < (birth_date.month(), birth_date.day()) {
        age -= 1;
    }
    age
}

/// An age band as staff set it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryInput {
    /// Its id when it already exists (kept so entries and judges stay attached).
    #[serde(default)]
    pub id: Option<Uuid>,
    /// Name, e.g. "7–9 tahun".
    pub name: String,
    /// Youngest age, in whole years on the reference day.
    pub min_age: i32,
    /// Oldest age.
    pub max_age: i32,
}

/// A criterion of the judging rubric as staff set it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionInput {
    /// Its id when it already exists.
    #[serde(default)]
    pub id: Option<Uuid>,
    /// Name, e.g. "Ekspresi".
    pub name: String,
    /// Weight, 1–10.
    pub weight: i32,
}

/// A contest as staff create or change it. Times are wall-clock times in the program's zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContestInput {
    /// The `contest` program it belongs to.
    pub program_id: Uuid,
    /// The rules, shown to entrants.
    #[serde(default)]
    pub rules: String,
    /// Submissions open (program's zone).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$", example = "2026-12-01T08:00:00"))]
    pub opens_at: NaiveDateTime,
    /// Submissions close (program's zone).
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$", example = "2027-01-31T23:59:00"))]
    pub closes_at: NaiveDateTime,
    /// Ages are counted on this day.
    pub age_reference_date: NaiveDate,
    /// The largest video, in MiB (default 2048).
    #[serde(default = "default_max_video_mib")]
    pub max_video_mib: i64,
    /// The longest video, in minutes.
    pub max_video_minutes: i32,
    /// Accepted containers.
    pub formats: Vec<VideoFormat>,
    /// Entries one contact address may send.
    pub entries_per_person: i32,
    /// Age categories (at least one, not overlapping).
    pub categories: Vec<CategoryInput>,
    /// The rubric (at least one criterion).
    pub criteria: Vec<CriterionInput>,
}

fn default_max_video_mib() -> i64 {
    DEFAULT_MAX_VIDEO_MIB
}

impl ContestInput {
    /// The field rules.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("rules", optional_text(Some(&self.rules), 20_000));
        if self.closes_at <= self.opens_at {
            errors.add("closes_at", FieldError::EndBeforeStart);
        }
        errors.check(
            "max_video_mib",
            in_range(self.max_video_mib, 1, MAX_VIDEO_MIB),
        );
        errors.check(
            "max_video_minutes",
            in_range(self.max_video_minutes.into(), 1, 60),
        );
        errors.check(
            "entries_per_person",
            in_range(self.entries_per_person.into(), 1, 20),
        );
        if self.formats.is_empty() {
            errors.add("formats", FieldError::Required);
        }
        if self.categories.is_empty() {
            errors.add("categories", FieldError::Required);
        }
        errors.check("categories", in_range(self.categories.len() as i64, 0, 12));
        let mut bands: Vec<(i32, i32)> = Vec::new();
        for category in &self.categories {
            errors.check("categories", required_text(&category.name, 100));
            errors.check("categories", in_range(category.min_age.into(), 3, 99));
            errors.check("categories", in_range(category.max_age.into(), 3, 99));
            if category.max_age < category.min_age {
                errors.add("categories", FieldError::EndBeforeStart);
            }
            // Every age belongs to at most one category, so an entrant's band is certain.
            if bands
                .iter()
                .any(|&(lo, hi)| category.min_age <= hi && lo <= category.max_age)
            {
                errors.add("categories", FieldError::NotAllowed);
            }
            bands.push((category.min_age, category.max_age));
        }
        if self.criteria.is_empty() {
            errors.add("criteria", FieldError::Required);
        }
        errors.check("criteria", in_range(self.criteria.len() as i64, 0, 10));
        for criterion in &self.criteria {
            errors.check("criteria", required_text(&criterion.name, 100));
            errors.check("criteria", in_range(criterion.weight.into(), 1, 10));
        }
        errors.into_result()
    }
}

/// An age band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryView {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Youngest age.
    pub min_age: i32,
    /// Oldest age.
    pub max_age: i32,
}

/// A rubric criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionView {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Weight.
    pub weight: i32,
}

/// A contest as anyone sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContestView {
    /// Id.
    pub id: Uuid,
    /// Its program.
    pub program_id: Uuid,
    /// The program's slug: the contest's public address is `/contests/{slug}`.
    pub slug: String,
    /// The program's name.
    pub name: String,
    /// The program's IANA zone.
    pub time_zone: String,
    /// Rules.
    pub rules: String,
    /// Submissions open.
    pub opens_at: DateTime<Utc>,
    /// Submissions close.
    pub closes_at: DateTime<Utc>,
    /// Submissions open, wall-clock in the program's zone.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$"))]
    pub opens_local: NaiveDateTime,
    /// Submissions close, wall-clock in the program's zone.
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$"))]
    pub closes_local: NaiveDateTime,
    /// Whether submissions are open now.
    pub window: WindowState,
    /// Ages are counted on this day.
    pub age_reference_date: NaiveDate,
    /// The largest video in bytes.
    pub max_video_bytes: i64,
    /// The longest video in minutes.
    pub max_video_minutes: i32,
    /// Accepted containers.
    pub formats: Vec<VideoFormat>,
    /// Entries per contact address.
    pub entries_per_person: i32,
    /// Categories, youngest first.
    pub categories: Vec<CategoryView>,
    /// The rubric.
    pub criteria: Vec<CriterionView>,
    /// When the results were published, if they were.
    pub results_published_at: Option<DateTime<Utc>>,
}

impl ContestView {
    /// The category an entrant born on `birth_date` belongs to.
    pub fn category_for(&self, birth_date: NaiveDate) -> Option<&CategoryView> {
        let age = age_on(birth_date, self.age_reference_date);
        self.categories
            .iter()
            .find(|c| (c.min_age..=c.max_age).contains(&age))
    }
}

/// An entry as its entrant (or their guardian) sends it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryInput {
    /// The entrant's full name.
    pub entrant_name: String,
    /// The entrant's birth date (decides the category).
    pub birth_date: Option<NaiveDate>,
    /// School or community.
    pub school: String,
    /// City.
    pub city: String,
    /// Where the receipt and news go: the entrant's, or for a minor the guardian's, address.
    pub contact_email: String,
    /// A phone or WhatsApp number.
    #[serde(default)]
    pub contact_phone: Option<String>,
    /// For an entrant under 18: the guardian's name.
    #[serde(default)]
    pub guardian_name: Option<String>,
    /// Consent to the rules (by the guardian for a minor); required.
    #[serde(default)]
    pub consent_rules: bool,
    /// Consent to publishing the video and name if it wins (by the guardian for a minor).
    #[serde(default)]
    pub consent_publication: bool,
    /// The story's title.
    pub title: String,
    /// A short description.
    #[serde(default)]
    pub description: String,
    /// The language for mail (`id` or `en`).
    #[serde(default)]
    pub lang: Option<Lang>,
}

impl EntryInput {
    /// The field rules; `reference_date` decides who is a minor.
    pub fn validate(&self, reference_date: NaiveDate) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("entrant_name", required_text(&self.entrant_name, 200));
        match self.birth_date {
            None => errors.add("birth_date", FieldError::Required),
            Some(birth) if birth >= reference_date => {
                errors.add("birth_date", FieldError::InvalidDateTime)
            }
            Some(_) => {}
        }
        errors.check("school", required_text(&self.school, 200));
        errors.check("city", required_text(&self.city, 100));
        errors.check("contact_email", email(&self.contact_email));
        if let Some(phone) = self.contact_phone.as_deref() {
            errors.check("contact_phone", crate::dto::volunteers::phone(Some(phone)));
        }
        if self.is_minor(reference_date) {
            errors.check(
                "guardian_name",
                required_text(self.guardian_name.as_deref().unwrap_or_default(), 200),
            );
        }
        if !self.consent_rules {
            errors.add("consent_rules", FieldError::Required);
        }
        errors.check("title", required_text(&self.title, 200));
        errors.check("description", optional_text(Some(&self.description), 2000));
        errors.into_result()
    }

    /// Whether the entrant is under 18 on `reference_date`.
    pub fn is_minor(&self, reference_date: NaiveDate) -> bool {
        self.birth_date
            .is_some_and(|birth| age_on(birth, reference_date) < ADULT_AGE)
    }
}

/// What the entrant gets back after registering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryReceipt {
    /// The entry's id.
    pub id: Uuid,
    /// Its number in the contest.
    pub number: i32,
    /// The secret of the entry's private page and of its video upload.
    pub access_token: String,
    /// The private page: `/contest-entry/{token}`.
    pub url: String,
}

/// An upload in progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UploadProgress {
    /// Its tus URL (`/uploads/tus/{id}`).
    pub url: String,
    /// Bytes received.
    pub received: i64,
    /// Bytes in all.
    pub length: i64,
}

/// The stored video.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VideoInfo {
    /// The container read from its first bytes.
    pub format: VideoFormat,
    /// Size in bytes.
    pub size_bytes: i64,
    /// The name of the file that was sent.
    pub file_name: String,
    /// When the last byte arrived.
    pub received_at: DateTime<Utc>,
}

/// An entry's place in the published results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryResult {
    /// Rank in the category (1 = first).
    pub rank: u32,
    /// Entries ranked in the category.
    pub of: u32,
    /// Weighted mean score (1–10).
    pub score: f64,
}

/// The entrant's private view of their entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryStatus {
    /// Id.
    pub id: Uuid,
    /// Number in the contest.
    pub number: i32,
    /// The contest.
    pub contest: ContestView,
    /// Category name.
    pub category: String,
    /// Entrant.
    pub entrant_name: String,
    /// Title.
    pub title: String,
    /// Where it stands.
    pub state: EntryState,
    /// Why it is not eligible, when it is not.
    pub review_reason: Option<String>,
    /// The video, once received.
    pub video: Option<VideoInfo>,
    /// An unfinished upload, if there is one.
    pub upload: Option<UploadProgress>,
    /// The result, once published.
    pub result: Option<EntryResult>,
    /// Whether the guardian (or adult entrant) consented to publication.
    pub publication_consent: bool,
}

/// An entry as staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffEntry {
    /// Id.
    pub id: Uuid,
    /// Number.
    pub number: i32,
    /// Category id.
    pub category_id: Uuid,
    /// Category name.
    pub category: String,
    /// Entrant.
    pub entrant_name: String,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Age on the reference day.
    pub age: i32,
    /// School or community.
    pub school: String,
    /// City.
    pub city: String,
    /// Contact address.
    pub contact_email: String,
    /// Contact phone.
    pub contact_phone: Option<String>,
    /// Guardian, for a minor.
    pub guardian_name: Option<String>,
    /// When the rules were consented to.
    pub rules_consent_at: DateTime<Utc>,
    /// When publication was consented to, if it was.
    pub publication_consent_at: Option<DateTime<Utc>>,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Staff's check.
    pub review: Review,
    /// Why not eligible.
    pub review_reason: Option<String>,
    /// Where it stands.
    pub state: EntryState,
    /// The video, once received.
    pub video: Option<VideoInfo>,
    /// Registered.
    pub created_at: DateTime<Utc>,
}

/// Staff's check of an entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewInput {
    /// Eligible or not.
    pub eligible: bool,
    /// Why not (required when not eligible; sent to the entrant).
    #[serde(default)]
    pub reason: Option<String>,
}

impl ReviewInput {
    /// The field rules.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("reason", optional_text(self.reason.as_deref(), 1000));
        if !self.eligible {
            errors.check(
                "reason",
                required_lines(self.reason.as_deref().unwrap_or_default(), 1000),
            );
        }
        errors.into_result()
    }
}

/// A judge's assignment to a category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JudgeAssignment {
    /// The judge's account.
    pub user_id: Uuid,
    /// The category.
    pub category_id: Uuid,
}

/// A judge account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JudgeAccount {
    /// The account.
    pub id: Uuid,
    /// Name.
    pub name: String,
}

/// The judges and who judges which category in one contest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JudgePanel {
    /// Accounts with the judge role.
    pub judges: Vec<JudgeAccount>,
    /// Who judges which category.
    pub assignments: Vec<JudgeAssignment>,
}

/// A declared conflict of interest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictInput {
    /// Why (kept for staff; optional).
    #[serde(default)]
    pub note: String,
}

/// A declared conflict, as staff see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictView {
    /// The judge.
    pub user_id: Uuid,
    /// The judge's name.
    pub judge_name: String,
    /// The entry.
    pub entry_id: Uuid,
    /// The entry's number.
    pub number: i32,
    /// Why.
    pub note: String,
    /// When.
    pub declared_at: DateTime<Utc>,
}

/// One criterion's score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionScore {
    /// The criterion.
    pub criterion_id: Uuid,
    /// 1–10.
    pub score: i32,
}

/// A judge's scores for one entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoresInput {
    /// A score per criterion (all criteria for a complete review).
    pub scores: Vec<CriterionScore>,
    /// Comments.
    #[serde(default)]
    pub comment: String,
}

impl ScoresInput {
    /// The field rules.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        for score in &self.scores {
            errors.check("scores", in_range(score.score.into(), 1, MAX_SCORE.into()));
        }
        errors.check("comment", optional_text(Some(&self.comment), 4000));
        errors.into_result()
    }
}

/// An entry as a judge sees it: no entrant name, school, city, birth date or guardian.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JudgeEntry {
    /// Id.
    pub id: Uuid,
    /// Number in the contest (the only name judges see).
    pub number: i32,
    /// The contest's name.
    pub contest: String,
    /// Category.
    pub category: String,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Where to play the video (supports HTTP Range).
    pub video_url: String,
    /// The video's container.
    pub format: VideoFormat,
    /// The rubric.
    pub criteria: Vec<CriterionView>,
    /// This judge's scores so far.
    pub scores: Vec<CriterionScore>,
    /// This judge's comment.
    pub comment: String,
    /// Whether every criterion has a score.
    pub complete: bool,
}

/// A judge's progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JudgeProgress {
    /// The judge.
    pub user_id: Uuid,
    /// Name.
    pub name: String,
    /// Category names assigned.
    pub categories: Vec<String>,
    /// Entries to judge (eligible, in their categories, without conflict).
    pub to_judge: u32,
    /// Of those, fully scored.
    pub scored: u32,
    /// Entries they declared a conflict on.
    pub conflicts: u32,
}

/// A row of the ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RankingRow {
    /// Rank (1 = first); equal only when every tie rule is equal too.
    pub rank: u32,
    /// Entry.
    pub entry_id: Uuid,
    /// Number.
    pub number: i32,
    /// Entrant.
    pub entrant_name: String,
    /// Title.
    pub title: String,
    /// Weighted mean over complete reviews (1–10).
    pub score: f64,
    /// Complete reviews counted.
    pub reviews: u32,
    /// Mean per criterion, in rubric order.
    pub criterion_means: Vec<f64>,
}

/// The ranking of one category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryRanking {
    /// The category.
    pub category: CategoryView,
    /// Ranked entries (eligible ones with at least one complete review), best first.
    pub rows: Vec<RankingRow>,
    /// Eligible entries without any complete review yet.
    pub unscored: u32,
}

/// A public result row: names only where publication was consented to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicResultRow {
    /// Rank.
    pub rank: u32,
    /// Entry number.
    pub number: i32,
    /// The entrant's name, for a winner whose guardian consented (nothing else about them).
    pub entrant: Option<String>,
    /// Title.
    pub title: String,
    /// Weighted mean.
    pub score: f64,
    /// The video's address, for winners with consent.
    pub video_url: Option<String>,
}

/// Published results of one category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicCategoryResults {
    /// Category.
    pub category: CategoryView,
    /// Rows, best first.
    pub rows: Vec<PublicResultRow>,
}

/// Published results of a contest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicResults {
    /// The contest.
    pub contest: ContestView,
    /// Per category.
    pub categories: Vec<PublicCategoryResults>,
}

/// How many places count as winners (and appear in the gallery).
pub const WINNING_PLACES: u32 = 3;

/// A certificate's facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Certificate {
    /// Contest name.
    pub contest: String,
    /// Entrant.
    pub entrant_name: String,
    /// School or community.
    pub school: String,
    /// Category.
    pub category: String,
    /// Title.
    pub title: String,
    /// Rank, for winners.
    pub winning_place: Option<u32>,
    /// When the results were published.
    pub published_at: DateTime<Utc>,
}

/// The categories as the setup form's text box shows them: `name; min age; max age` per line.
pub fn categories_to_text(categories: &[CategoryView]) -> String {
    categories
        .iter()
        .map(|c| format!("{}; {}; {}", c.name, c.min_age, c.max_age))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The rubric as the setup form's text box shows it: `name; weight` per line.
pub fn criteria_to_text(criteria: &[CriterionView]) -> String {
    criteria
        .iter()
        .map(|c| format!("{}; {}", c.name, c.weight))
        .collect::<Vec<_>>()
        .join("\n")
}

fn lines(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| line.split(';').map(str::trim).collect())
}

fn whole(value: Option<&&str>) -> Option<i32> {
    value.and_then(|v| v.parse().ok())
}

fn local_time(value: &str, name: &str, errors: &mut FieldErrors) -> Option<NaiveDateTime> {
    if value.is_empty() {
        errors.add(name, FieldError::Required);
        return None;
    }
    let parsed = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"));
    parsed
        .map_err(|_| errors.add(name, FieldError::InvalidDateTime))
        .ok()
}

/// Reads the plain setup form. Categories and criteria keep the ids of `existing` ones of
/// the same name, so entries and judges stay attached when staff edit the text.
pub fn contest_from_form(
    pairs: &[(String, String)],
    existing: Option<&ContestView>,
) -> Result<ContestInput, FieldErrors> {
    use crate::dto::agreements::{day, first};
    let mut errors = FieldErrors::new();
    let program_id = match first(pairs, "program_id").parse() {
        Ok(id) => Some(id),
        Err(_) => {
            errors.add("program_id", FieldError::Required);
            None
        }
    };
    let opens_at = local_time(first(pairs, "opens_at"), "opens_at", &mut errors);
    let closes_at = local_time(first(pairs, "closes_at"), "closes_at", &mut errors);
    let reference = day(
        first(pairs, "age_reference_date"),
        "age_reference_date",
        &mut errors,
    );
    if first(pairs, "age_reference_date").is_empty() {
        errors.add("age_reference_date", FieldError::Required);
    }
    let number = |name: &str, errors: &mut FieldErrors| -> i64 {
        first(pairs, name).parse().unwrap_or_else(|_| {
            errors.add(name, FieldError::Required);
            0
        })
    };
    let max_video_mib = number("max_video_mib", &mut errors);
    let max_video_minutes = number("max_video_minutes", &mut errors) as i32;
    let entries_per_person = number("entries_per_person", &mut errors) as i32;
    let formats: Vec<VideoFormat> = pairs
        .iter()
        .filter(|(key, _)| key == "formats")
        .filter_map(|(_, value)| VideoFormat::parse(value))
        .collect();
    let mut categories = Vec::new();
    for parts in lines(first(pairs, "categories")) {
        match (parts.first(), whole(parts.get(1)), whole(parts.get(2))) {
            (Some(name), Some(min_age), Some(max_age)) if parts.len() == 3 => {
                categories.push(CategoryInput {
                    id: existing
                        .and_then(|c| c.categories.iter().find(|k| k.name == *name).map(|k| k.id)),
                    name: (*name).to_owned(),
                    min_age,
                    max_age,
                })
            }
            _ => errors.add("categories", FieldError::NotAllowed),
        }
    }
    let mut criteria = Vec::new();
    for parts in lines(first(pairs, "criteria")) {
        match (parts.first(), whole(parts.get(1))) {
            (Some(name), Some(weight)) if parts.len() == 2 => criteria.push(CriterionInput {
                id: existing
                    .and_then(|c| c.criteria.iter().find(|k| k.name == *name).map(|k| k.id)),
                name: (*name).to_owned(),
                weight,
            }),
            _ => errors.add("criteria", FieldError::NotAllowed),
        }
    }
    match (program_id, opens_at, closes_at, reference) {
        (Some(program_id), Some(opens_at), Some(closes_at), Some(age_reference_date))
            if errors.is_empty() =>
        {
            let input = ContestInput {
                program_id,
                rules: first(pairs, "rules").to_owned(),
                opens_at,
                closes_at,
                age_reference_date,
                max_video_mib,
                max_video_minutes,
                formats,
                entries_per_person,
                categories,
                criteria,
            };
            input.validate()?;
            Ok(input)
        }
        _ => Err(errors),
    }
}

/// Reads the plain entry form (checkboxes send `on` when ticked).
pub fn entry_from_form(pairs: &[(String, String)], lang: Lang) -> EntryInput {
    use crate::dto::agreements::first;
    let optional = |name: &str| Some(first(pairs, name).to_owned()).filter(|v| !v.is_empty());
    EntryInput {
        entrant_name: first(pairs, "entrant_name").to_owned(),
        birth_date: NaiveDate::parse_from_str(first(pairs, "birth_date"), "%Y-%m-%d").ok(),
        school: first(pairs, "school").to_owned(),
        city: first(pairs, "city").to_owned(),
        contact_email: first(pairs, "contact_email").to_owned(),
        contact_phone: optional("contact_phone"),
        guardian_name: optional("guardian_name"),
        consent_rules: !first(pairs, "consent_rules").is_empty(),
        consent_publication: !first(pairs, "consent_publication").is_empty(),
        title: first(pairs, "title").to_owned(),
        description: first(pairs, "description").to_owned(),
        lang: Some(lang),
    }
}

/// What the staff contest page shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffContest {
    /// The contest.
    pub contest: ContestView,
    /// Entries with personal data.
    pub entries: Vec<StaffEntry>,
    /// Judges and assignments.
    pub panel: JudgePanel,
    /// Declared conflicts.
    pub conflicts: Vec<ConflictView>,
    /// Progress per judge.
    pub progress: Vec<JudgeProgress>,
    /// Ranking per category.
    pub ranking: Vec<CategoryRanking>,
}

/// A `contest` program, for the setup form's choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContestProgram {
    /// Program id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Its contest, once set up.
    pub contest_id: Option<Uuid>,
}

/// The staff contest list and the programs a contest can be set up for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaffContests {
    /// Contests.
    pub contests: Vec<ContestView>,
    /// Programs of kind `contest`.
    pub programs: Vec<ContestProgram>,
}

/// The [`FormEcho`](crate::dto::auth::FormEcho) of a refused entry form on `/contests/{slug}`.
pub const CONTEST_ENTRY_ECHO: &str = "contest-entry";

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn age_counts_whole_years_on_the_day() {
        let reference = date(2027, 1, 31);
        assert_eq!(age_on(date(2017, 1, 31), reference), 10);
        assert_eq!(age_on(date(2017, 2, 1), reference), 9);
        assert_eq!(age_on(date(2016, 2, 29), date(2027, 2, 28)), 10);
        assert_eq!(age_on(date(2016, 2, 29), date(2027, 3, 1)), 11);
    }

    fn entry(birth: NaiveDate) -> EntryInput {
        EntryInput {
            entrant_name: "Andi".into(),
            birth_date: Some(birth),
            school: "SD 1".into(),
            city: "Makassar".into(),
            contact_email: "ibu@example.id".into(),
            consent_rules: true,
            title: "Si Kancil".into(),
            ..EntryInput::default()
        }
    }

    #[test]
    fn a_minor_needs_a_guardian_and_everyone_consents_to_the_rules() {
        let reference = date(2027, 1, 31);
        let child = entry(date(2017, 5, 1));
        let errors = child.validate(reference).unwrap_err();
        assert_eq!(errors.0.keys().collect::<Vec<_>>(), ["guardian_name"]);
        let with_guardian = EntryInput {
            guardian_name: Some("Ibu Sari".into()),
            ..child
        };
        assert!(with_guardian.validate(reference).is_ok());
        let adult = entry(date(2000, 1, 1));
        assert!(adult.validate(reference).is_ok());
        let no_consent = EntryInput {
            consent_rules: false,
            ..adult
        };
        assert_eq!(
            no_consent
                .validate(reference)
                .unwrap_err()
                .0
                .keys()
                .collect::<Vec<_>>(),
            ["consent_rules"]
        );
    }

    #[test]
    fn categories_may_not_overlap() {
        let input = ContestInput {
            program_id: Uuid::nil(),
            rules: String::new(),
            opens_at: date(2026, 12, 1).and_hms_opt(8, 0, 0).unwrap(),
            closes_at: date(2027, 1, 31).and_hms_opt(23, 59, 0).unwrap(),
            age_reference_date: date(2027, 1, 31),
            max_video_mib: DEFAULT_MAX_VIDEO_MIB,
            max_video_minutes: 7,
            formats: vec![VideoFormat::Mp4],
            entries_per_person: 1,
            categories: vec![
                CategoryInput {
                    id: None,
                    name: "7–9".into(),
                    min_age: 7,
                    max_age: 9,
                },
                CategoryInput {
                    id: None,
                    name: "9–12".into(),
                    min_age: 9,
                    max_age: 12,
                },
            ],
            criteria: vec![CriterionInput {
                id: None,
                name: "Ekspresi".into(),
                weight: 3,
            }],
        };
        let errors = input.validate().unwrap_err();
        assert_eq!(errors.0.keys().collect::<Vec<_>>(), ["categories"]);
    }
}
