//! The judges' pages: `/judge` (the entries of their categories, anonymised, with progress)
//! and `/judge/entries/{id}` (the video, the rubric, comments, and declaring a conflict).
//! Plain forms, so scoring works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::dto::contests::{JudgeEntry, MAX_SCORE};
use uuid::Uuid;

use crate::api::{ApiError, get_judge_entries, get_judge_entry};
use crate::components::form::{query_messages, textarea_text};
use crate::i18n::{strings, tr, use_viewer};

/// `/judge`.
#[component]
pub fn JudgePage() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let data = Resource::new(|| (), |_| get_judge_entries());
    let conflict = use_query_map().get_untracked().get("conflict").is_some();
    view! {
        <Title text=tr(lang, "Penjurian", "Judging")/>
        <h1>{tr(lang, "Penjurian", "Judging")}</h1>
        <p>{tr(lang,
            "Karya ditampilkan tanpa nama, sekolah atau wali peserta. Bila Anda mengenali peserta, nyatakan konflik kepentingan pada karya itu.",
            "Entries are shown without the entrant's name, school or guardian. If you recognise an entrant, declare a conflict of interest on that entry.")}</p>
        {conflict.then(|| view! { <p class="notice" role="status">{tr(lang, "Konflik kepentingan dicatat; karya itu tidak lagi Anda nilai.", "Conflict recorded; you no longer judge that entry.")}</p> })}
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                let entries = data.await?;
                let done = entries.iter().filter(|e| e.complete).count();
                Ok::<_, ApiError>(view! {
                    <p data-testid="judge-progress">{format!("{done} / {} {}", entries.len(), tr(lang, "karya sudah dinilai", "entries scored"))}</p>
                    {entries.is_empty().then(|| view! { <p>{tr(lang, "Belum ada karya untuk Anda nilai.", "No entries for you to score yet.")}</p> })}
                    <ul class="plain">
                        {entries.into_iter().map(|entry| view! {
                            <li class="card">
                                <h2><a href=format!("/judge/entries/{}", entry.id)>
                                    {format!("{} {} · {}", tr(lang, "Karya no.", "Entry no."), entry.number, entry.title)}
                                </a></h2>
                                <p>{entry.contest.clone()}" · "{entry.category.clone()}" · "
                                    <strong>{if entry.complete { tr(lang, "Sudah dinilai", "Scored") } else { tr(lang, "Belum dinilai", "Not scored yet") }}</strong>
                                </p>
                            </li>
                        }).collect_view()}
                    </ul>
                })
            })}
        </Suspense>
    }
}

#[component]
fn ScoreForm(entry: JudgeEntry) -> impl IntoView {
    let viewer = use_viewer();
    let lang = viewer.lang;
    let errors = query_messages(lang);
    let action = format!("/judge/entries/{}/scores", entry.id);
    let score_of = |id: Uuid| {
        entry
            .scores
            .iter()
            .find(|s| s.criterion_id == id)
            .map(|s| s.score.to_string())
            .unwrap_or_default()
    };
    view! {
        <form method="post" action=action class="stack">
            <input type="hidden" name="csrf_token" value=viewer.csrf_token.clone()/>
            {(!errors.is_empty()).then(|| view! {
                <p class="field-error" role="alert">{errors.values().flatten().cloned().collect::<Vec<_>>().join(" ")}</p>
            })}
            <fieldset>
                <legend>{tr(lang, "Nilai (1–10) per kriteria", "Scores (1–10) per criterion")}</legend>
                {entry.criteria.iter().map(|criterion| {
                    let id = format!("score-{}", criterion.id);
                    view! {
                        <div class="field">
                            <label for=id.clone()>{format!("{} ({} {})", criterion.name, tr(lang, "bobot", "weight"), criterion.weight)}</label>
                            <input id=id.clone() name=id type="number" min="1" max=MAX_SCORE.to_string() step="1"
                                value=score_of(criterion.id) required/>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <div class="field">
                <label for="comment">{tr(lang, "Komentar", "Comments")}</label>
                <textarea id="comment" name="comment" rows="4">{textarea_text(entry.comment.clone())}</textarea>
            </div>
            <div class="actions">
                <button type="submit" class="button primary">{tr(lang, "Simpan nilai", "Save scores")}</button>
            </div>
        </form>
    }
}

/// `/judge/entries/{id}`.
#[component]
pub fn JudgeEntryPage() -> impl IntoView {
    let viewer = use_viewer();
    let lang = viewer.lang;
    let t = strings(lang);
    let id = crate::pages::id_param();
    let data = Resource::new(id, get_judge_entry);
    let saved = use_query_map().get_untracked().get("saved").is_some();
    let csrf = viewer.csrf_token.clone();
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || {
                let csrf = csrf.clone();
                Suspend::new(async move {
                    let entry = data.await?;
                    let title = format!("{} {} · {}", tr(lang, "Karya no.", "Entry no."), entry.number, entry.title);
                    let conflict_action = format!("/judge/entries/{}/conflict", entry.id);
                    Ok::<_, ApiError>(view! {
                        <Title text=title.clone()/>
                        <p><a href="/judge">{tr(lang, "← Semua karya", "← All entries")}</a></p>
                        <h1>{title}</h1>
                        {saved.then(|| view! { <p class="notice" role="status">{tr(lang, "Nilai tersimpan.", "Scores saved.")}</p> })}
                        <p>{entry.category.clone()}</p>
                        <p class="prewrap">{entry.description.clone()}</p>
                        <video controls preload="metadata" src=entry.video_url.clone() class="judge-video"
                            aria-label=tr(lang, "Video karya", "The entry's video")></video>
                        <ScoreForm entry=entry.clone()/>
                        <details>
                            <summary>{tr(lang, "Nyatakan konflik kepentingan", "Declare a conflict of interest")}</summary>
                            <form method="post" action=conflict_action class="stack">
                                <input type="hidden" name="csrf_token" value=csrf/>
                                <div class="field">
                                    <label for="conflict-note">{tr(lang, "Alasan (hanya dilihat staf)", "Why (only staff see it)")}</label>
                                    <input id="conflict-note" name="note"/>
                                </div>
                                <button type="submit" class="button">{tr(lang, "Saya tidak menilai karya ini", "I do not judge this entry")}</button>
                            </form>
                        </details>
                    })
                })
            }}
        </Suspense>
    }
}
