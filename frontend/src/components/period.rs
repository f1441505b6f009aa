//! A report's period: read from the page's query (`from`, `to`; default this year so far, on
//! the library's clock) and chosen again by a plain GET form, so it works without JavaScript.

use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::Lang;

use crate::format::{library_today, parse_day};
use crate::i18n::tr;

/// The period the page's query asks for.
pub fn period_from_query() -> (NaiveDate, NaiveDate) {
    let query = use_query_map().get_untracked();
    let today = library_today();
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let from = query
        .get("from")
        .and_then(|d| parse_day(&d))
        .unwrap_or(year_start);
    let to = query.get("to").and_then(|d| parse_day(&d)).unwrap_or(today);
    (from, to)
}

/// The form that shows the report at `action` for another period.
pub fn period_form(
    lang: Lang,
    action: &'static str,
    (from, to): (NaiveDate, NaiveDate),
) -> impl IntoView {
    view! {
        <form method="get" action=action class="card inline-form no-print">
            <label for="report-from">{tr(lang, "Dari", "From")}</label>
            <input id="report-from" type="date" name="from" value=from.to_string()/>
            <label for="report-to">{tr(lang, "Sampai", "To")}</label>
            <input id="report-to" type="date" name="to" value=to.to_string()/>
            <button type="submit" class="button">{tr(lang, "Tampilkan", "Show")}</button>
        </form>
    }
}
