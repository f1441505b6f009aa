//! `/programs/{slug}/archive`: a program's past episodes, newest first, ten to a page, with a
//! year filter; links only (no JavaScript needed), and the recordings feed for feed readers.

use leptos::prelude::*;
use leptos_meta::{Link, Title};
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::dto::episodes::ArchivePage as Archive;

use crate::api::program_archive;
use crate::components::episode::EpisodeDetails;
use crate::components::server_link::ServerLink;
use crate::format::session_when;
use crate::i18n::{strings, tr, use_viewer};

/// The archive page.
#[component]
pub fn ArchivePage() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let params = use_params_map();
    let query = use_query_map();
    let wanted = move || {
        let slug = params.with(|p| p.get("slug").unwrap_or_default());
        let (year, page) = query.with(|q| {
            (
                q.get("year").and_then(|y| y.parse::<i32>().ok()),
                q.get("page").and_then(|p| p.parse::<u64>().ok()),
            )
        });
        (slug, year, page)
    };
    let archive = Resource::new(wanted, |(slug, year, page)| {
        program_archive(slug, year, page)
    });
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                let archive = archive.await?;
                Ok::<_, crate::api::ApiError>(archive_view(lang, archive))
            })}
        </Suspense>
    }
}

fn archive_view(lang: shared::Lang, archive: Archive) -> AnyView {
    let base = format!("/programs/{}/archive", archive.program_slug);
    let feed = format!("/programs/{}/recordings.rss", archive.program_slug);
    let heading = format!("{} {}", tr(lang, "Arsip", "Archive"), archive.program_name);
    let pages = archive.pages();
    let page_link = {
        let base = base.clone();
        move |year: Option<i32>, page: u64| match (year, page) {
            (None, 1) => base.clone(),
            (None, page) => format!("{base}?page={page}"),
            (Some(year), 1) => format!("{base}?year={year}"),
            (Some(year), page) => format!("{base}?year={year}&page={page}"),
        }
    };
    let years = (!archive.years.is_empty()).then(|| {
        let all = (archive.year.is_none()).then_some("page");
        let links = archive
            .years
            .iter()
            .map(|&year| {
                let current = (archive.year == Some(year)).then_some("page");
                view! { <li><a href=page_link(Some(year), 1) aria-current=current>{year}</a></li> }
            })
            .collect_view();
        view! {
            <nav aria-label=tr(lang, "Tahun", "Year") class="year-filter">
                <ul class="inline-list">
                    <li><a href=page_link(None, 1) aria-current=all>{tr(lang, "Semua tahun", "All years")}</a></li>
                    {links}
                </ul>
            </nav>
        }
    });
    let items = archive
        .items
        .into_iter()
        .map(|session| {
            let when = session_when(lang, &session);
            let link = format!("/sessions/{}", session.id);
            let details = session.episode.clone().map(|episode| {
                view! { <EpisodeDetails episode title=session.title.clone() lang embed=false/> }
            });
            view! {
                <li class="card">
                    <h2><a href=link>{session.title.clone()}</a></h2>
                    <p class="when">{when}</p>
                    {details}
                </li>
            }
            .into_any()
        })
        .collect_view();
    let empty = (archive.total == 0).then(|| {
        view! { <p>{tr(lang, "Belum ada episode yang tayang.", "No episodes have aired yet.")}</p> }
    });
    let pager = (pages > 1).then(|| {
        let year = archive.year;
        let page = archive.page;
        let numbers = (1..=pages)
            .map(|n| {
                let current = (n == page).then_some("page");
                view! { <li><a href=page_link(year, n) aria-current=current>{n}</a></li> }
            })
            .collect_view();
        view! {
            <nav aria-label=tr(lang, "Halaman arsip", "Archive pages") class="pager">
                <ul class="inline-list">
                    {(page > 1).then(|| view! { <li><a href=page_link(year, page - 1) rel="prev">{tr(lang, "← Lebih baru", "← Newer")}</a></li> })}
                    {numbers}
                    {(page < pages).then(|| view! { <li><a href=page_link(year, page + 1) rel="next">{tr(lang, "Lebih lama →", "Older →")}</a></li> })}
                </ul>
            </nav>
        }
    });
    view! {
        <Title text=heading.clone()/>
        <Link rel="alternate" type_="application/rss+xml" title=heading.clone() href=feed.clone()/>
        <article class="archive">
            <p><a href=format!("/programs/{}", archive.program_slug)>{archive.program_name.clone()}</a></p>
            <h1>{heading}</h1>
            {years}
            {empty}
            <ol class="episode-list stack">{items}</ol>
            {pager}
            <p><ServerLink href=feed label=tr(lang, "Langganan rekaman (RSS)", "Subscribe to recordings (RSS)")/></p>
        </article>
    }
    .into_any()
}
