//! Leptos wiring: the page routes, and the `Backend` the pages' server functions call,
//! implemented over `services`.

use std::sync::Arc;

use async_trait::async_trait;
use axum::Router;
use chrono::{DateTime, NaiveDate, Utc};
use frontend::api::ssr::Backend;
use frontend::api::{PartnerTarget, SessionQuery};
use frontend::components::client::ClientBundles;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use sea_orm::DatabaseConnection;
use shared::Problem;
use shared::dto::agreements::{
    AgreementEditor, AgreementsOverview, CooperationAlerts, PartnerAccessView, PartnerDetail,
    PartnerReport,
};
use shared::dto::auth::{UserResponse, Viewer};
use shared::dto::calendar::CalendarLinks;
use shared::dto::contests::{
    Certificate, ContestView, EntryStatus, JudgeEntry, PublicResults, StaffContest, StaffContests,
};
use shared::dto::episodes::ArchivePage;
use shared::dto::partners::{PartnerAssignment, PartnerInput, PartnerProfile, PartnerResponse};
use shared::dto::programs::{ProgramInput, ProgramResponse};
use shared::dto::reports::ActivityReport;
use shared::dto::schedule::{
    BlackoutInput, BlackoutResponse, CancelRequest, Conflict, EditOutcome, EndSeriesRequest, OnAir,
    PreviewRequest, PreviewResponse, SeriesInput, SeriesResponse, SessionEdit, SessionInput,
    SessionPage,
};
use shared::dto::volunteers::{
    MailView, MyVolunteering, OpenSession, ProgramVolunteeringResponse, Roster, Skill,
    VolunteerOverview,
};
use uuid::Uuid;

use crate::app::AppState;
use crate::error::AppResult;
use crate::policy::{self, Permission};
use crate::security_headers::CspNonce;
use crate::services;
use crate::services::programs::Audience;
use crate::services::sessions::SessionFilter;

/// The pages and server functions, with the backend in their context.
pub fn routes(state: &AppState) -> Router<AppState> {
    let backend: Arc<dyn Backend> = Arc::new(ServiceBackend {
        db: state.db.clone(),
        base_url: state.config.base_url.clone(),
        vault: state.vault.clone(),
        smtp_configured: state.config.smtp_url.is_some(),
    });
    let routes = ROUTES
        .get_or_init(|| generate_route_list(frontend::App))
        .clone();
    let leptos = state.leptos.clone();
    let bundles = state.client_bundles.clone();
    Router::new().leptos_routes_with_context(
        state,
        routes,
        move || {
            provide_context(backend.clone());
            provide_page_context(&bundles);
        },
        move || frontend::shell(leptos.clone()),
    )
}

/// The page routes, listed once per process. `generate_route_list` renders the whole app in
/// route-listing mode through leptos' process-wide state, and must not run beside live page
/// renders: a second router built in a running process (another server instance in the
/// tests) left about one concurrent page render in twenty waiting forever.
static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();

/// The paths of every page route (`/programs/{slug}`), once a router has been built (tests
/// walk them all).
pub fn page_paths() -> Vec<String> {
    ROUTES
        .get()
        .map(|routes| routes.iter().map(|r| r.path().to_owned()).collect())
        .unwrap_or_default()
}

/// What every page render needs beside the request: the client bundles' names and the nonce.
pub fn provide_page_context(bundles: &ClientBundles) {
    provide_context(bundles.clone());
    provide_request_nonce();
}

/// Hands the nonce the security headers announce to the renderer, in place of the one
/// leptos_axum mints itself (which no header would name): every script it writes carries it.
fn provide_request_nonce() {
    let nonce = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CspNonce>().cloned());
    if let Some(CspNonce(value)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(value));
    }
}

struct ServiceBackend {
    db: DatabaseConnection,
    base_url: String,
    vault: crate::token_vault::TokenVault,
    /// Whether letters really leave by SMTP (then the mailbox withholds their bodies).
    smtp_configured: bool,
}

/// Runs a use case for `viewer`, with its errors as problems in the viewer's language.
async fn answer<T>(
    viewer: &Viewer,
    work: impl Future<Output = AppResult<T>>,
) -> Result<T, Problem> {
    work.await.map_err(|e| e.into_problem(viewer.lang))
}

fn audience(viewer: &Viewer) -> Audience {
    Audience::of(viewer.user.as_ref())
}

#[async_trait]
impl Backend for ServiceBackend {
    async fn my_volunteering(&self, viewer: &Viewer) -> Result<Option<MyVolunteering>, Problem> {
        answer(viewer, async {
            let Some(me) = viewer.volunteer.as_ref() else {
                return Ok(None);
            };
            let profile = services::volunteers::find(&self.db, me.id).await?;
            let token = services::volunteers::calendar_token(&self.db, &self.vault, me.id).await?;
            Ok(Some(MyVolunteering {
                signups: services::signups::my_signups(&self.db, me.id, Utc::now()).await?,
                calendar: services::feeds::private_links(&self.base_url, &token, &profile.name),
                profile: services::volunteers::to_response(&profile),
            }))
        })
        .await
    }

    async fn open_sessions(
        &self,
        viewer: &Viewer,
        skill: Option<Skill>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<OpenSession>, Problem> {
        let filter = services::signups::reports::OpenFilter { skill, from, to };
        answer(
            viewer,
            services::signups::reports::open_sessions(&self.db, &filter, Utc::now()),
        )
        .await
    }

    async fn roster(&self, viewer: &Viewer, id: Uuid) -> Result<Roster, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::ReadStaffData)?;
            services::signups::reports::roster(&self.db, id).await
        })
        .await
    }

    async fn volunteer_overview(&self, viewer: &Viewer) -> Result<VolunteerOverview, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::ReadStaffData)?;
            let today = today();
            let from = today - chrono::Duration::days(30);
            Ok(VolunteerOverview {
                volunteers: services::volunteers::list(&self.db, None).await?,
                hours: services::signups::reports::hours(&self.db, from, today).await?,
                from,
                to: today,
            })
        })
        .await
    }

    async fn program_volunteering(
        &self,
        viewer: &Viewer,
        slug: String,
    ) -> Result<ProgramVolunteeringResponse, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::ReadStaffData)?;
            let program = services::programs::get_program_by_slug(
                &self.db,
                &slug,
                Audience::Staff,
                Utc::now(),
            )
            .await?;
            services::roles::program_settings(&self.db, program.id).await
        })
        .await
    }

    async fn mailbox(&self, viewer: &Viewer) -> Result<Vec<MailView>, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::ReadMailbox)?;
            services::mail::mailbox_for_staff(&self.db, None, 100, self.smtp_configured).await
        })
        .await
    }

    async fn list_users(&self, viewer: &Viewer) -> Result<Vec<UserResponse>, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::ManageAccounts)?;
            services::users::list_users(&self.db).await
        })
        .await
    }

    async fn list_programs(&self, viewer: &Viewer) -> Result<Vec<ProgramResponse>, Problem> {
        answer(
            viewer,
            services::programs::list_programs(&self.db, audience(viewer), Utc::now()),
        )
        .await
    }

    async fn get_program(&self, viewer: &Viewer, slug: String) -> Result<ProgramResponse, Problem> {
        answer(
            viewer,
            services::programs::get_program_by_slug(&self.db, &slug, audience(viewer), Utc::now()),
        )
        .await
    }

    async fn program_archive(
        &self,
        viewer: &Viewer,
        slug: String,
        year: Option<i32>,
        page: Option<u64>,
    ) -> Result<ArchivePage, Problem> {
        answer(
            viewer,
            services::episodes::archive(
                &self.db,
                &slug,
                year,
                page.unwrap_or(1),
                audience(viewer),
                Utc::now(),
            ),
        )
        .await
    }

    async fn on_air(
        &self,
        viewer: &Viewer,
        program: Option<String>,
    ) -> Result<Vec<OnAir>, Problem> {
        answer(
            viewer,
            services::sessions::on_air(&self.db, program, Utc::now()),
        )
        .await
    }

    async fn list_conflicts(
        &self,
        viewer: &Viewer,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Conflict>, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::ReadStaffData)?;
            let to = to.min(from + chrono::Duration::days(366));
            services::sessions::conflicts_between(&self.db, from, to).await
        })
        .await
    }

    async fn list_sessions(
        &self,
        viewer: &Viewer,
        query: SessionQuery,
    ) -> Result<SessionPage, Problem> {
        let filter = SessionFilter {
            from: query.from,
            to: query.to,
            program_slug: query.program,
            kind: query.kind,
            partner_id: query.partner,
            ..SessionFilter::default()
        };
        answer(
            viewer,
            services::sessions::list_sessions(
                &self.db,
                &filter,
                audience(viewer),
                query.page.unwrap_or(1),
                query.per_page.unwrap_or(100),
            ),
        )
        .await
    }

    async fn get_session(&self, viewer: &Viewer, id: Uuid) -> Result<EditOutcome, Problem> {
        answer(viewer, async {
            let session =
                services::episodes::session_with_episode(&self.db, id, audience(viewer)).await?;
            let conflicts = match viewer.user {
                Some(_) => services::sessions::conflicts_for(&self.db, id).await?,
                None => Vec::new(),
            };
            Ok(EditOutcome {
                session,
                changed: 0,
                conflicts,
            })
        })
        .await
    }

    async fn list_series(
        &self,
        viewer: &Viewer,
        program_slug: String,
    ) -> Result<Vec<SeriesResponse>, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::ReadStaffData)?;
            let program = services::programs::get_program_by_slug(
                &self.db,
                &program_slug,
                Audience::Staff,
                Utc::now(),
            )
            .await?;
            services::series::list_series(&self.db, program.id).await
        })
        .await
    }

    async fn preview_series(
        &self,
        viewer: &Viewer,
        request: PreviewRequest,
    ) -> Result<PreviewResponse, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::PlanSchedule)?;
            services::series::preview_off_thread(request, Utc::now()).await
        })
        .await
    }

    async fn save_program(
        &self,
        viewer: &Viewer,
        id: Option<Uuid>,
        input: ProgramInput,
    ) -> Result<ProgramResponse, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::PlanSchedule)?;
            match id {
                Some(id) => {
                    services::programs::update_program(&self.db, id, input, Utc::now()).await
                }
                None => services::programs::create_program(&self.db, input, Utc::now()).await,
            }
        })
        .await
    }

    async fn create_series(
        &self,
        viewer: &Viewer,
        input: SeriesInput,
    ) -> Result<SeriesResponse, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::PlanSchedule)?;
            services::series::create_series(&self.db, input, Utc::now()).await
        })
        .await
    }

    async fn edit_session(
        &self,
        viewer: &Viewer,
        id: Uuid,
        edit: SessionEdit,
    ) -> Result<EditOutcome, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::PlanSchedule)?;
            services::sessions::edit_session(&self.db, id, edit, Utc::now()).await
        })
        .await
    }

    async fn set_cancelled(
        &self,
        viewer: &Viewer,
        id: Uuid,
        reason: Option<String>,
    ) -> Result<EditOutcome, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::PlanSchedule)?;
            match reason {
                Some(reason) => {
                    let request = CancelRequest { reason };
                    services::sessions::cancel_session(&self.db, id, request, Utc::now()).await
                }
                None => services::sessions::restore_session(&self.db, id, Utc::now()).await,
            }
        })
        .await
    }

    async fn set_partners(
        &self,
        viewer: &Viewer,
        target: PartnerTarget,
        assignments: Vec<PartnerAssignment>,
    ) -> Result<(), Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::PlanSchedule)?;
            let now = Utc::now();
            match target {
                PartnerTarget::Program(id) => {
                    services::programs::set_program_partners(&self.db, id, assignments, now)
                        .await
                        .map(drop)
                }
                PartnerTarget::Session(id) => {
                    services::sessions::set_session_partners(&self.db, id, assignments, now)
                        .await
                        .map(drop)
                }
            }
        })
        .await
    }

    async fn end_series(
        &self,
        viewer: &Viewer,
        series_id: Uuid,
        last_day: chrono::NaiveDate,
    ) -> Result<SeriesResponse, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::PlanSchedule)?;
            let request = EndSeriesRequest { last_day };
            let (series, _) =
                services::series::end_series(&self.db, series_id, request, Utc::now()).await?;
            Ok(series)
        })
        .await
    }

    async fn create_session(
        &self,
        viewer: &Viewer,
        input: SessionInput,
    ) -> Result<EditOutcome, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::PlanSchedule)?;
            services::sessions::create_session(&self.db, input, Utc::now()).await
        })
        .await
    }

    async fn list_partners(&self, viewer: &Viewer) -> Result<Vec<PartnerResponse>, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::ReadStaffData)?;
            services::partners::list_partners(&self.db).await
        })
        .await
    }

    async fn create_partner(
        &self,
        viewer: &Viewer,
        input: PartnerInput,
    ) -> Result<PartnerResponse, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::ManagePartners)?;
            services::partners::create_partner(&self.db, input, Utc::now()).await
        })
        .await
    }

    async fn list_blackouts(&self, viewer: &Viewer) -> Result<Vec<BlackoutResponse>, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::ReadStaffData)?;
            services::blackouts::list_blackouts(&self.db).await
        })
        .await
    }

    async fn create_blackout(
        &self,
        viewer: &Viewer,
        input: BlackoutInput,
    ) -> Result<BlackoutResponse, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::PlanSchedule)?;
            services::blackouts::create_blackout(&self.db, input, Utc::now()).await
        })
        .await
    }

    async fn delete_blackout(&self, viewer: &Viewer, id: Uuid) -> Result<(), Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::PlanSchedule)?;
            services::blackouts::delete_blackout(&self.db, id, Utc::now()).await
        })
        .await
    }

    async fn partner_profile(
        &self,
        viewer: &Viewer,
        slug: String,
    ) -> Result<PartnerProfile, Problem> {
        answer(viewer, services::partners::profile(&self.db, &slug)).await
    }

    async fn my_calendar(&self, viewer: &Viewer) -> Result<CalendarLinks, Problem> {
        answer(viewer, async {
            let user = policy::require(viewer.user.as_ref(), Permission::ReadStaffData)?;
            let token = services::feeds::calendar_token(&self.db, &self.vault, user.id).await?;
            Ok(services::feeds::private_links(
                &self.base_url,
                &token,
                &user.name,
            ))
        })
        .await
    }

    async fn partner_detail(
        &self,
        viewer: &Viewer,
        slug: String,
    ) -> Result<PartnerDetail, Problem> {
        answer(viewer, async {
            let user = policy::require(viewer.user.as_ref(), Permission::ReadStaffData)?;
            let model = services::partners::find_by_slug(&self.db, &slug).await?;
            let model_id = model.id;
            let access_link = if policy::allows(Some(user), Permission::ManagePartners) {
                Some(
                    services::cooperation::access_link(
                        &self.db,
                        &self.vault,
                        &self.base_url,
                        model.id,
                    )
                    .await?,
                )
            } else {
                None
            };
            Ok(PartnerDetail {
                agreements: services::agreements::list(&self.db, Some(model.id), today()).await?,
                partner: services::partners::response(&self.db, model).await?,
                access_link,
                staff: services::agreements::staff_choices(&self.db).await?,
                sessions: services::cooperation::partner_sessions(&self.db, model_id, Utc::now())
                    .await?,
            })
        })
        .await
    }

    async fn agreements(&self, viewer: &Viewer) -> Result<AgreementsOverview, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::ReadStaffData)?;
            Ok(AgreementsOverview {
                agreements: services::agreements::list(&self.db, None, today()).await?,
                choices: services::agreements::choices(&self.db).await?,
            })
        })
        .await
    }

    async fn agreement(&self, viewer: &Viewer, id: Uuid) -> Result<AgreementEditor, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::ReadStaffData)?;
            Ok(AgreementEditor {
                agreement: services::agreements::get(&self.db, id, today()).await?,
                choices: services::agreements::choices(&self.db).await?,
            })
        })
        .await
    }

    async fn partner_access(
        &self,
        viewer: &Viewer,
        token: String,
    ) -> Result<PartnerAccessView, Problem> {
        answer(
            viewer,
            services::cooperation::access_view(&self.db, &self.base_url, &token, Utc::now()),
        )
        .await
    }

    async fn partner_report(
        &self,
        viewer: &Viewer,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<PartnerReport, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::ReadStaffData)?;
            services::cooperation::report::partner_report(&self.db, from, to, None, Utc::now())
                .await
        })
        .await
    }

    async fn activity_report(
        &self,
        viewer: &Viewer,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<ActivityReport, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::ReadStaffData)?;
            services::reports::activity_report(&self.db, from, to, Utc::now()).await
        })
        .await
    }

    async fn cooperation_alerts(&self, viewer: &Viewer) -> Result<CooperationAlerts, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::ReadStaffData)?;
            services::cooperation::alerts(&self.db, Utc::now()).await
        })
        .await
    }

    async fn public_contest(&self, viewer: &Viewer, slug: String) -> Result<ContestView, Problem> {
        answer(viewer, async {
            Ok(services::contests::load_public(&self.db, &slug)
                .await?
                .view(Utc::now()))
        })
        .await
    }

    async fn contest_results(
        &self,
        viewer: &Viewer,
        slug: String,
    ) -> Result<PublicResults, Problem> {
        answer(
            viewer,
            services::contests::results::public_results(&self.db, &slug, Utc::now()),
        )
        .await
    }

    async fn entry_status(&self, viewer: &Viewer, token: String) -> Result<EntryStatus, Problem> {
        answer(
            viewer,
            services::contests::status(&self.db, &token, Utc::now()),
        )
        .await
    }

    async fn certificate(&self, viewer: &Viewer, token: String) -> Result<Certificate, Problem> {
        answer(
            viewer,
            services::contests::results::certificate(&self.db, &token),
        )
        .await
    }

    async fn judge_entries(&self, viewer: &Viewer) -> Result<Vec<JudgeEntry>, Problem> {
        answer(viewer, async {
            let judge = policy::require(viewer.user.as_ref(), Permission::ScoreEntries)?;
            services::contests::judging::entries_for(&self.db, judge.id).await
        })
        .await
    }

    async fn judge_entry(&self, viewer: &Viewer, id: Uuid) -> Result<JudgeEntry, Problem> {
        answer(viewer, async {
            let judge = policy::require(viewer.user.as_ref(), Permission::ScoreEntries)?;
            services::contests::judging::entry_for(&self.db, judge.id, id).await
        })
        .await
    }

    async fn staff_contests(&self, viewer: &Viewer) -> Result<StaffContests, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::ReadStaffData)?;
            services::contests::staff_overview(&self.db, Utc::now()).await
        })
        .await
    }

    async fn staff_contest(&self, viewer: &Viewer, id: Uuid) -> Result<StaffContest, Problem> {
        answer(viewer, async {
            policy::require(viewer.user.as_ref(), Permission::ReadStaffData)?;
            services::contests::staff_view(&self.db, id, Utc::now()).await
        })
        .await
    }
}

/// Today in the library's zone.
fn today() -> NaiveDate {
    services::agreements::library_today(Utc::now())
}
