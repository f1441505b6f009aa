//! One module per route.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

pub mod activity_report;
pub mod archive;
pub mod contest;
pub mod contest_entry;
pub mod dashboard;
pub mod home;
pub mod judge;
pub mod login;
pub mod not_found;
pub mod partner;
pub mod partner_access;
pub mod partner_report;
pub mod program;
pub mod schedule;
pub mod series_builder;
pub mod session;
pub mod staff_agreements;
pub mod staff_calendar;
pub mod staff_contests;
pub mod staff_partner_detail;
pub mod staff_partners;
pub mod staff_programs;
pub mod staff_session;
pub mod staff_volunteers;
pub mod users;
pub mod volunteer;

/// The route's `:id` as a UUID (the nil id, which finds nothing, when it is not one).
pub fn id_param() -> impl Fn() -> Uuid + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params.with(|p| {
            p.get("id")
                .and_then(|id| id.parse::<Uuid>().ok())
                .unwrap_or_default()
        })
    }
}
