//! Every server function: the pages' one door to the server. Bodies run only on the server,
//! where they call the `Backend` the server provides; the browser gets an HTTP call.

use chrono::{DateTime, NaiveDate, Utc};
use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, JsonEncoding};
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use shared::Problem;
use shared::dto::agreements::{
    AgreementEditor, AgreementsOverview, CooperationAlerts, PartnerAccessView, PartnerDetail,
    PartnerReport,
};
use shared::dto::auth::UserResponse;
use shared::dto::calendar::CalendarLinks;
use shared::dto::contests::{
    Certificate, ContestView, EntryStatus, JudgeEntry, PublicResults, StaffContest, StaffContests,
};
use shared::dto::episodes::ArchivePage;
use shared::dto::partners::{PartnerAssignment, PartnerInput, PartnerProfile, PartnerResponse};
use shared::dto::programs::{ProgramInput, ProgramResponse};
use shared::dto::reports::ActivityReport;
use shared::dto::schedule::{
    BlackoutInput, BlackoutResponse, Conflict, EditOutcome, OnAir, PreviewRequest, PreviewResponse,
    SeriesInput, SeriesResponse, SessionEdit, SessionInput, SessionPage,
};
use shared::dto::volunteers::{
    MailView, MyVolunteering, OpenSession, ProgramVolunteeringResponse, Roster, Skill,
    VolunteerOverview,
};
use shared::words::ProgramKind;
use uuid::Uuid;

/// A server function's error: the server's problem document, or a transport failure
/// described as one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiError(pub Box<Problem>);

impl From<Problem> for ApiError {
    /// On the server this also gives the response the problem's status (a server function's
    /// 422, a page's 404), so clients and crawlers see what happened.
    fn from(problem: Problem) -> Self {
        #[cfg(feature = "ssr")]
        if let (Some(options), Ok(status)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::StatusCode::from_u16(problem.status),
        ) {
            options.set_status(status);
        }
        ApiError(Box::new(problem))
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(error: ServerFnErrorErr) -> Self {
        ApiError::from(unrunnable(error))
    }
}

/// Why a server function could not run. On the server, arguments it cannot read are the
/// caller's fault and answered as the REST API answers them: 413 `too-large` for a body over
/// the limit, 400 `malformed` for anything else. The rest is a transport failure.
fn unrunnable(error: ServerFnErrorErr) -> Problem {
    let unreadable = match &error {
        ServerFnErrorErr::Args(reason)
        | ServerFnErrorErr::MissingArg(reason)
        | ServerFnErrorErr::Deserialization(reason)
            if cfg!(feature = "ssr") =>
        {
            Some(reason.clone())
        }
        _ => None,
    };
    let Some(reason) = unreadable else {
        return Problem {
            kind: "/problems/transport".into(),
            title: error.to_string(),
            status: 500,
            detail: None,
            errors: Default::default(),
            request_id: None,
        };
    };
    let indonesian = request_lang() == shared::Lang::Id;
    let (status, slug, title, detail) = if reason.contains("length limit exceeded") {
        let title = if indonesian {
            "Data terlalu besar"
        } else {
            "The request is too large"
        };
        (413, "too-large", title, None)
    } else {
        let title = if indonesian {
            "Permintaan tidak dapat dibaca"
        } else {
            "The request could not be read"
        };
        (400, "malformed", title, Some(reason))
    };
    Problem {
        kind: format!("/problems/{slug}"),
        title: title.into(),
        status,
        detail,
        errors: Default::default(),
        request_id: None,
    }
}

/// The language of the request being answered (Indonesian outside a request).
fn request_lang() -> shared::Lang {
    #[cfg(feature = "ssr")]
    if let Ok(viewer) = ssr::viewer() {
        return viewer.lang;
    }
    shared::Lang::default()
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0.detail {
            Some(detail) => write!(f, "{} {}", self.0.title, detail),
            None => f.write_str(&self.0.title),
        }
    }
}

impl std::error::Error for ApiError {}

/// Every staff account (admins only).
#[server(prefix = "/_fn", endpoint = "users", input = GetUrl)]
pub async fn list_users() -> Result<Vec<UserResponse>, ApiError> {
    let viewer = ssr::viewer()?;
    ssr::backend()?
        .list_users(&viewer)
        .await
        .map_err(ApiError::from)
}

/// Which sessions a page lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionQuery {
    /// Starting at or after.
    pub from: Option<DateTime<Utc>>,
    /// Starting before.
    pub to: Option<DateTime<Utc>>,
    /// Program slug.
    pub program: Option<String>,
    /// Program kind.
    pub kind: Option<ProgramKind>,
    /// Partner id.
    pub partner: Option<Uuid>,
    /// Page from 1.
    pub page: Option<u64>,
    /// Page size.
    pub per_page: Option<u64>,
}

/// Programs the viewer may see.
#[server(prefix = "/_fn", endpoint = "programs", input = GetUrl)]
pub async fn list_programs() -> Result<Vec<ProgramResponse>, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.list_programs(&viewer).await?)
}

/// One program by slug.
#[server(prefix = "/_fn", endpoint = "program", input = GetUrl)]
pub async fn get_program(slug: String) -> Result<ProgramResponse, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.get_program(&viewer, slug).await?)
}

/// Sessions, filtered and paginated.
#[server(prefix = "/_fn", endpoint = "sessions", input = Json)]
pub async fn list_sessions(query: SessionQuery) -> Result<SessionPage, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.list_sessions(&viewer, query).await?)
}

/// Published sessions on the air now or starting within 15 minutes; one program's if given.
#[server(prefix = "/_fn", endpoint = "on_air", input = GetUrl)]
pub async fn sessions_on_air(program: Option<String>) -> Result<Vec<OnAir>, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.on_air(&viewer, program).await?)
}

/// A program's archive of past episodes, newest first; one year's if given.
#[server(prefix = "/_fn", endpoint = "archive", input = GetUrl)]
pub async fn program_archive(
    slug: String,
    year: Option<i32>,
    page: Option<u64>,
) -> Result<ArchivePage, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?
        .program_archive(&viewer, slug, year, page)
        .await?)
}

/// Every conflict among the sessions starting in `[from, to)` (staff; at most a year).
#[server(prefix = "/_fn", endpoint = "conflicts", input = GetUrl)]
pub async fn list_conflicts(
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Conflict>, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.list_conflicts(&viewer, from, to).await?)
}

/// One session with any conflicts (conflicts for staff only).
#[server(prefix = "/_fn", endpoint = "session", input = GetUrl)]
pub async fn get_session(id: Uuid) -> Result<EditOutcome, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.get_session(&viewer, id).await?)
}

/// The series of a program, by slug (staff).
#[server(prefix = "/_fn", endpoint = "series", input = GetUrl)]
pub async fn list_series(program_slug: String) -> Result<Vec<SeriesResponse>, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.list_series(&viewer, program_slug).await?)
}

/// The next ten dates of a rule.
#[server(prefix = "/_fn", endpoint = "preview", input = Json)]
pub async fn preview_series(request: PreviewRequest) -> Result<PreviewResponse, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.preview_series(&viewer, request).await?)
}

/// Creates (no id) or changes a program (coordinators).
#[server(prefix = "/_fn", endpoint = "save_program", input = Json)]
pub async fn save_program(
    id: Option<Uuid>,
    input: ProgramInput,
) -> Result<ProgramResponse, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.save_program(&viewer, id, input).await?)
}

/// Creates a series (coordinators).
#[server(prefix = "/_fn", endpoint = "create_series", input = Json)]
pub async fn create_series(input: SeriesInput) -> Result<SeriesResponse, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.create_series(&viewer, input).await?)
}

/// Edits a session (coordinators).
#[server(prefix = "/_fn", endpoint = "edit_session", input = Json)]
pub async fn edit_session(id: Uuid, edit: SessionEdit) -> Result<EditOutcome, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.edit_session(&viewer, id, edit).await?)
}

/// Cancels (with a reason) or restores (without) a session (coordinators).
#[server(prefix = "/_fn", endpoint = "set_cancelled", input = Json)]
pub async fn set_cancelled(id: Uuid, reason: Option<String>) -> Result<EditOutcome, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.set_cancelled(&viewer, id, reason).await?)
}

/// What partner roles are set on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartnerTarget {
    /// A whole program.
    Program(Uuid),
    /// One session.
    Session(Uuid),
}

/// Replaces the partner roles on a program or session (coordinators).
#[server(prefix = "/_fn", endpoint = "set_partners", input = Json)]
pub async fn set_partners(
    target: PartnerTarget,
    assignments: Vec<PartnerAssignment>,
) -> Result<(), ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?
        .set_partners(&viewer, target, assignments)
        .await?)
}

/// Ends a series after `last_day` (coordinators).
#[server(prefix = "/_fn", endpoint = "end_series", input = Json)]
pub async fn end_series(series_id: Uuid, last_day: NaiveDate) -> Result<SeriesResponse, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?
        .end_series(&viewer, series_id, last_day)
        .await?)
}

/// Creates a one-off session (coordinators).
#[server(prefix = "/_fn", endpoint = "create_session", input = Json)]
pub async fn create_session(input: SessionInput) -> Result<EditOutcome, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.create_session(&viewer, input).await?)
}

/// Every partner (staff).
#[server(prefix = "/_fn", endpoint = "partners", input = GetUrl)]
pub async fn list_partners() -> Result<Vec<PartnerResponse>, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.list_partners(&viewer).await?)
}

/// Creates a partner (coordinators).
#[server(prefix = "/_fn", endpoint = "create_partner", input = Json)]
pub async fn create_partner(input: PartnerInput) -> Result<PartnerResponse, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.create_partner(&viewer, input).await?)
}

/// Every day off (staff).
#[server(prefix = "/_fn", endpoint = "blackouts", input = GetUrl)]
pub async fn list_blackouts() -> Result<Vec<BlackoutResponse>, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.list_blackouts(&viewer).await?)
}

/// Adds a day off (coordinators).
#[server(prefix = "/_fn", endpoint = "create_blackout", input = Json)]
pub async fn create_blackout(input: BlackoutInput) -> Result<BlackoutResponse, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.create_blackout(&viewer, input).await?)
}

/// Removes a day off (coordinators).
#[server(prefix = "/_fn", endpoint = "delete_blackout", input = Json)]
pub async fn delete_blackout(id: Uuid) -> Result<(), ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.delete_blackout(&viewer, id).await?)
}

/// A partner's public profile.
#[server(prefix = "/_fn", endpoint = "partner_profile", input = GetUrl)]
pub async fn get_partner_profile(slug: String) -> Result<PartnerProfile, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.partner_profile(&viewer, slug).await?)
}

/// The signed-in person's private calendar feed.
#[server(prefix = "/_fn", endpoint = "my_calendar", input = GetUrl)]
pub async fn my_calendar() -> Result<CalendarLinks, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.my_calendar(&viewer).await?)
}

/// The signed-in volunteer's page data; `None` when no volunteer is signed in.
#[server(prefix = "/_fn", endpoint = "my_volunteering", input = GetUrl)]
pub async fn get_my_volunteering() -> Result<Option<MyVolunteering>, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.my_volunteering(&viewer).await?)
}

/// Sessions that need volunteers.
#[server(prefix = "/_fn", endpoint = "open_sessions", input = GetUrl)]
pub async fn get_open_sessions(
    skill: Option<Skill>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Vec<OpenSession>, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?
        .open_sessions(&viewer, skill, from, to)
        .await?)
}

/// A session's roster (staff).
#[server(prefix = "/_fn", endpoint = "session_roster", input = GetUrl)]
pub async fn get_roster(id: Uuid) -> Result<Roster, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.roster(&viewer, id).await?)
}

/// Volunteers and this month's hours (staff).
#[server(prefix = "/_fn", endpoint = "volunteer_overview", input = GetUrl)]
pub async fn get_volunteer_overview() -> Result<VolunteerOverview, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.volunteer_overview(&viewer).await?)
}

/// A program's volunteer roles and sign-up rules (staff).
#[server(prefix = "/_fn", endpoint = "program_volunteering", input = GetUrl)]
pub async fn get_program_volunteering(
    slug: String,
) -> Result<ProgramVolunteeringResponse, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.program_volunteering(&viewer, slug).await?)
}

/// The newest mail of the outbox (coordinators).
#[server(prefix = "/_fn", endpoint = "mailbox", input = GetUrl)]
pub async fn get_mailbox() -> Result<Vec<MailView>, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.mailbox(&viewer).await?)
}

/// A partner's staff page: profile, private link (coordinators) and agreements.
#[server(prefix = "/_fn", endpoint = "partner_detail", input = GetUrl)]
pub async fn get_partner_detail(slug: String) -> Result<PartnerDetail, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.partner_detail(&viewer, slug).await?)
}

/// Every agreement, and the form's choices (staff).
#[server(prefix = "/_fn", endpoint = "agreements", input = GetUrl)]
pub async fn get_agreements() -> Result<AgreementsOverview, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.agreements(&viewer).await?)
}

/// One agreement and the form's choices (staff).
#[server(prefix = "/_fn", endpoint = "agreement", input = GetUrl)]
pub async fn get_agreement_editor(id: Uuid) -> Result<AgreementEditor, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.agreement(&viewer, id).await?)
}

/// What a partner's private link shows (anyone holding the link).
#[server(prefix = "/_fn", endpoint = "partner_access", input = GetUrl)]
pub async fn get_partner_access(token: String) -> Result<PartnerAccessView, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.partner_access(&viewer, token).await?)
}

/// A public contest: rules, window, categories (anyone).
#[server(prefix = "/_fn", endpoint = "contest", input = GetUrl)]
pub async fn get_public_contest(slug: String) -> Result<ContestView, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.public_contest(&viewer, slug).await?)
}

/// A contest's published results (anyone; a problem before publication).
#[server(prefix = "/_fn", endpoint = "contest_results", input = GetUrl)]
pub async fn get_contest_results(slug: String) -> Result<PublicResults, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.contest_results(&viewer, slug).await?)
}

/// An entry's private view (anyone holding the link).
#[server(prefix = "/_fn", endpoint = "contest_entry", input = GetUrl)]
pub async fn get_entry_status(token: String) -> Result<EntryStatus, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.entry_status(&viewer, token).await?)
}

/// An entry's certificate, once results are published.
#[server(prefix = "/_fn", endpoint = "contest_certificate", input = GetUrl)]
pub async fn get_certificate(token: String) -> Result<Certificate, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.certificate(&viewer, token).await?)
}

/// The entries the signed-in judge is to score, anonymised.
#[server(prefix = "/_fn", endpoint = "judge_entries", input = GetUrl)]
pub async fn get_judge_entries() -> Result<Vec<JudgeEntry>, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.judge_entries(&viewer).await?)
}

/// One entry for the signed-in judge, anonymised.
#[server(prefix = "/_fn", endpoint = "judge_entry", input = GetUrl)]
pub async fn get_judge_entry(id: Uuid) -> Result<JudgeEntry, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.judge_entry(&viewer, id).await?)
}

/// Every contest and the contest programs (staff).
#[server(prefix = "/_fn", endpoint = "staff_contests", input = GetUrl)]
pub async fn get_staff_contests() -> Result<StaffContests, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.staff_contests(&viewer).await?)
}

/// One contest with entries, judges, progress and ranking (staff).
#[server(prefix = "/_fn", endpoint = "staff_contest", input = GetUrl)]
pub async fn get_staff_contest(id: Uuid) -> Result<StaffContest, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.staff_contest(&viewer, id).await?)
}

/// The cooperation report for a period (staff).
#[server(prefix = "/_fn", endpoint = "partner_report", input = GetUrl)]
pub async fn get_partner_report(from: NaiveDate, to: NaiveDate) -> Result<PartnerReport, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.partner_report(&viewer, from, to).await?)
}

/// The activity report for a period (staff).
#[server(prefix = "/_fn", endpoint = "activity_report", input = GetUrl)]
pub async fn get_activity_report(
    from: NaiveDate,
    to: NaiveDate,
) -> Result<ActivityReport, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.activity_report(&viewer, from, to).await?)
}

/// The dashboard's cooperation card (staff).
#[server(prefix = "/_fn", endpoint = "cooperation_alerts", input = GetUrl)]
pub async fn get_cooperation_alerts() -> Result<CooperationAlerts, ApiError> {
    let viewer = ssr::viewer()?;
    Ok(ssr::backend()?.cooperation_alerts(&viewer).await?)
}

/// The server side of the server functions.
#[cfg(feature = "ssr")]
pub mod ssr {
    use std::sync::Arc;

    use leptos::prelude::*;
    use shared::Problem;
    use shared::dto::agreements::{
        AgreementEditor, AgreementsOverview, CooperationAlerts, PartnerAccessView, PartnerDetail,
        PartnerReport,
    };
    use shared::dto::auth::{UserResponse, Viewer};
    use shared::dto::calendar::CalendarLinks;
    use shared::dto::contests::{
        Certificate, ContestView, EntryStatus, JudgeEntry, PublicResults, StaffContest,
        StaffContests,
    };
    use shared::dto::episodes::ArchivePage;
    use shared::dto::partners::{PartnerAssignment, PartnerInput, PartnerProfile, PartnerResponse};
    use shared::dto::programs::{ProgramInput, ProgramResponse};
    use shared::dto::reports::ActivityReport;
    use shared::dto::schedule::{
        BlackoutInput, BlackoutResponse, Conflict, EditOutcome, OnAir, PreviewRequest,
        PreviewResponse, SeriesInput, SeriesResponse, SessionEdit, SessionInput, SessionPage,
    };
    use shared::dto::volunteers::{
        MailView, MyVolunteering, OpenSession, ProgramVolunteeringResponse, Roster, Skill,
        VolunteerOverview,
    };
    use uuid::Uuid;

    use super::{ApiError, DateTime, NaiveDate, PartnerTarget, SessionQuery, Utc};

    /// What the pages need from the server, in `shared` types. The server implements it
    /// over its services and provides it as `Arc<dyn Backend>` in the Leptos context.
    #[async_trait::async_trait]
    pub trait Backend: Send + Sync {
        /// The signed-in volunteer's profile, sign-ups and private feed, if one is signed in.
        async fn my_volunteering(&self, viewer: &Viewer)
        -> Result<Option<MyVolunteering>, Problem>;
        /// Sessions that need volunteers.
        async fn open_sessions(
            &self,
            viewer: &Viewer,
            skill: Option<Skill>,
            from: Option<NaiveDate>,
            to: Option<NaiveDate>,
        ) -> Result<Vec<OpenSession>, Problem>;
        /// A session's roster; staff only.
        async fn roster(&self, viewer: &Viewer, id: Uuid) -> Result<Roster, Problem>;
        /// Volunteers and this month's hours; staff only.
        async fn volunteer_overview(&self, viewer: &Viewer) -> Result<VolunteerOverview, Problem>;
        /// A program's roles and sign-up rules, by slug; staff only.
        async fn program_volunteering(
            &self,
            viewer: &Viewer,
            slug: String,
        ) -> Result<ProgramVolunteeringResponse, Problem>;
        /// The outbox; coordinators only.
        async fn mailbox(&self, viewer: &Viewer) -> Result<Vec<MailView>, Problem>;
        /// Every staff account; admins only.
        async fn list_users(&self, viewer: &Viewer) -> Result<Vec<UserResponse>, Problem>;
        /// Programs the viewer may see.
        async fn list_programs(&self, viewer: &Viewer) -> Result<Vec<ProgramResponse>, Problem>;
        /// One program by slug.
        async fn get_program(
            &self,
            viewer: &Viewer,
            slug: String,
        ) -> Result<ProgramResponse, Problem>;
        /// Sessions, filtered and paginated.
        async fn list_sessions(
            &self,
            viewer: &Viewer,
            query: SessionQuery,
        ) -> Result<SessionPage, Problem>;
        /// A program's archive of past episodes.
        async fn program_archive(
            &self,
            viewer: &Viewer,
            slug: String,
            year: Option<i32>,
            page: Option<u64>,
        ) -> Result<ArchivePage, Problem>;
        /// Sessions on the air now or starting soon.
        async fn on_air(
            &self,
            viewer: &Viewer,
            program: Option<String>,
        ) -> Result<Vec<OnAir>, Problem>;
        /// Conflicts among the sessions starting in a range; staff only.
        async fn list_conflicts(
            &self,
            viewer: &Viewer,
            from: DateTime<Utc>,
            to: DateTime<Utc>,
        ) -> Result<Vec<Conflict>, Problem>;
        /// One session; conflicts only for staff.
        async fn get_session(&self, viewer: &Viewer, id: Uuid) -> Result<EditOutcome, Problem>;
        /// A program's series; staff only.
        async fn list_series(
            &self,
            viewer: &Viewer,
            program_slug: String,
        ) -> Result<Vec<SeriesResponse>, Problem>;
        /// A rule's next dates.
        async fn preview_series(
            &self,
            viewer: &Viewer,
            request: PreviewRequest,
        ) -> Result<PreviewResponse, Problem>;
        /// Creates or changes a program; coordinators.
        async fn save_program(
            &self,
            viewer: &Viewer,
            id: Option<Uuid>,
            input: ProgramInput,
        ) -> Result<ProgramResponse, Problem>;
        /// Creates a series; coordinators.
        async fn create_series(
            &self,
            viewer: &Viewer,
            input: SeriesInput,
        ) -> Result<SeriesResponse, Problem>;
        /// Edits a session; coordinators.
        async fn edit_session(
            &self,
            viewer: &Viewer,
            id: Uuid,
            edit: SessionEdit,
        ) -> Result<EditOutcome, Problem>;
        /// Cancels (reason) or restores (none) a session; coordinators.
        async fn set_cancelled(
            &self,
            viewer: &Viewer,
            id: Uuid,
            reason: Option<String>,
        ) -> Result<EditOutcome, Problem>;
        /// Replaces partner roles; coordinators.
        async fn set_partners(
            &self,
            viewer: &Viewer,
            target: PartnerTarget,
            assignments: Vec<PartnerAssignment>,
        ) -> Result<(), Problem>;
        /// Ends a series after a day; coordinators.
        async fn end_series(
            &self,
            viewer: &Viewer,
            series_id: Uuid,
            last_day: chrono::NaiveDate,
        ) -> Result<SeriesResponse, Problem>;
        /// Creates a one-off session; coordinators.
        async fn create_session(
            &self,
            viewer: &Viewer,
            input: SessionInput,
        ) -> Result<EditOutcome, Problem>;
        /// Every partner; staff.
        async fn list_partners(&self, viewer: &Viewer) -> Result<Vec<PartnerResponse>, Problem>;
        /// Creates a partner; coordinators.
        async fn create_partner(
            &self,
            viewer: &Viewer,
            input: PartnerInput,
        ) -> Result<PartnerResponse, Problem>;
        /// Every day off; staff.
        async fn list_blackouts(&self, viewer: &Viewer) -> Result<Vec<BlackoutResponse>, Problem>;
        /// Adds a day off; coordinators.
        async fn create_blackout(
            &self,
            viewer: &Viewer,
            input: BlackoutInput,
        ) -> Result<BlackoutResponse, Problem>;
        /// Removes a day off; coordinators.
        async fn delete_blackout(&self, viewer: &Viewer, id: Uuid) -> Result<(), Problem>;
        /// A partner's public profile; anyone.
        async fn partner_profile(
            &self,
            viewer: &Viewer,
            slug: String,
        ) -> Result<PartnerProfile, Problem>;
        /// The signed-in person's private feed; staff.
        async fn my_calendar(&self, viewer: &Viewer) -> Result<CalendarLinks, Problem>;
        /// A partner's staff page.
        async fn partner_detail(
            &self,
            viewer: &Viewer,
            slug: String,
        ) -> Result<PartnerDetail, Problem>;
        /// Every agreement and the form's choices.
        async fn agreements(&self, viewer: &Viewer) -> Result<AgreementsOverview, Problem>;
        /// One agreement and the form's choices.
        async fn agreement(&self, viewer: &Viewer, id: Uuid) -> Result<AgreementEditor, Problem>;
        /// A partner's private view.
        async fn partner_access(
            &self,
            viewer: &Viewer,
            token: String,
        ) -> Result<PartnerAccessView, Problem>;
        /// The cooperation report.
        async fn partner_report(
            &self,
            viewer: &Viewer,
            from: NaiveDate,
            to: NaiveDate,
        ) -> Result<PartnerReport, Problem>;
        /// The activity report.
        async fn activity_report(
            &self,
            viewer: &Viewer,
            from: NaiveDate,
            to: NaiveDate,
        ) -> Result<ActivityReport, Problem>;
        /// The dashboard's cooperation card.
        async fn cooperation_alerts(&self, viewer: &Viewer) -> Result<CooperationAlerts, Problem>;
        /// A public contest.
        async fn public_contest(
            &self,
            viewer: &Viewer,
            slug: String,
        ) -> Result<ContestView, Problem>;
        /// A contest's published results.
        async fn contest_results(
            &self,
            viewer: &Viewer,
            slug: String,
        ) -> Result<PublicResults, Problem>;
        /// An entry's private view.
        async fn entry_status(
            &self,
            viewer: &Viewer,
            token: String,
        ) -> Result<EntryStatus, Problem>;
        /// An entry's certificate.
        async fn certificate(&self, viewer: &Viewer, token: String)
        -> Result<Certificate, Problem>;
        /// The signed-in judge's entries.
        async fn judge_entries(&self, viewer: &Viewer) -> Result<Vec<JudgeEntry>, Problem>;
        /// One entry for the signed-in judge.
        async fn judge_entry(&self, viewer: &Viewer, id: Uuid) -> Result<JudgeEntry, Problem>;
        /// Contests and contest programs; staff.
        async fn staff_contests(&self, viewer: &Viewer) -> Result<StaffContests, Problem>;
        /// One contest's management view; staff.
        async fn staff_contest(&self, viewer: &Viewer, id: Uuid) -> Result<StaffContest, Problem>;
    }

    fn missing(what: &str) -> ApiError {
        ApiError::from(Problem {
            kind: "/problems/internal".into(),
            title: format!("{what} missing from the request context"),
            status: 500,
            detail: None,
            errors: Default::default(),
            request_id: None,
        })
    }

    /// The server's backend.
    pub fn backend() -> Result<Arc<dyn Backend>, ApiError> {
        use_context::<Arc<dyn Backend>>().ok_or_else(|| missing("backend"))
    }

    /// The viewer the server's request middleware attached to this request.
    pub fn viewer() -> Result<Viewer, ApiError> {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Viewer>().cloned())
            .ok_or_else(|| missing("viewer"))
    }
}
