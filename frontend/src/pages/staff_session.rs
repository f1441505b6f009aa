//! `/staff/sessions/{id}`: the session editor. Staff choose "this session / this and
//! following / all future" as in a calendar app, cancel with a reason or restore, and see
//! the conflicts the session has.

use leptos::prelude::*;
use leptos_meta::Title;
use shared::Lang;
use shared::dto::auth::FormEcho;
use shared::dto::episodes::{EpisodeInput, MAX_BOOKS, SUMMARY_MAX_CHARS, form};
use shared::dto::schedule::{EditOutcome, SessionEdit, SessionResponse, format_local, parse_local};
use shared::dto::volunteers::{Refusal, Roster as RosterData, SignupStatus};
use shared::words::{EditScope, SessionStatus};

use crate::api::{PartnerTarget, edit_session, get_roster, list_partners, set_cancelled};
use crate::components::client::ClientScripts;
use crate::components::form::{
    Field, FormStatus, call_or_posted, optional, plain_error, posted_messages, posted_saved,
    query_messages, textarea_text,
};
use crate::components::partner_roles::PartnerRoles;
use crate::components::role_rows::SessionRolesForm;
use crate::format::session_when;
use crate::i18n::{strings, tr, use_viewer};
use crate::pages::session::{route_session_id, session_resource};

/// `/staff/sessions/{id}`: the session editor, an island given the route's id.
#[component]
pub fn SessionEditorPage() -> impl IntoView {
    view! { <ClientScripts/><SessionEditor id=route_session_id()/> }
}

/// The session editor.
// A staff island: in the staff bundle only (see `components::client`).
#[cfg_attr(any(feature = "ssr", feature = "staff-islands"), island)]
#[cfg_attr(not(any(feature = "ssr", feature = "staff-islands")), component)]
fn SessionEditor(id: Option<uuid::Uuid>) -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let version = RwSignal::new(0u32);
    // What was saved last: the editor is drawn again with the saved session, and says so.
    let last_saved = RwSignal::new(None::<&'static str>);
    // Every resource is created here, before rendering: one created later, inside a
    // `Suspend`, would not reach the browser with the page and the island's hydration
    // would not match what the server drew.
    let partners = Resource::new(|| (), |_| list_partners());
    let session = session_resource(id, move || version.get());
    let roster = Resource::new(
        move || id,
        |id| async move {
            match id {
                Some(id) => get_roster(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                let Some(outcome) = session.await? else {
                    return Ok::<_, crate::api::ApiError>(view! { <h1>{t.not_found_title}</h1> }.into_any());
                };
                let partners = partners.await?;
                let Some(roster) = roster.await? else {
                    return Ok(view! { <h1>{t.not_found_title}</h1> }.into_any());
                };
                let on_saved = move |what: &'static str| {
                    last_saved.set(Some(what));
                    version.update(|v| *v += 1);
                };
                Ok(view! { <Editor lang outcome partners roster last_saved=last_saved.into() on_saved/> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn Editor(
    lang: Lang,
    outcome: EditOutcome,
    partners: Vec<shared::dto::partners::PartnerResponse>,
    roster: RosterData,
    /// What the editor saved before it was drawn again ("edit", "cancelled", "restored").
    last_saved: Signal<Option<&'static str>>,
    on_saved: impl Fn(&'static str) + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let s = outcome.session.clone();
    let id = s.id;
    let in_series = s.series_id.is_some();
    let cancelled = s.status == SessionStatus::Cancelled;
    let start = RwSignal::new(format_local(s.start_local));
    let duration = RwSignal::new((s.ends_at - s.starts_at).num_minutes().to_string());
    let title = RwSignal::new(s.title.clone());
    let host = RwSignal::new(s.host.clone().unwrap_or_default());
    let scope = RwSignal::new(EditScope::This);
    let reset = RwSignal::new(false);
    let reason = RwSignal::new(String::new());

    let edit = Action::new(move |edit: &SessionEdit| {
        let edit = edit.clone();
        async move { edit_session(id, edit).await }
    });
    let cancel = Action::new(move |reason: &Option<String>| {
        let reason = reason.clone();
        async move { set_cancelled(id, reason).await }
    });
    Effect::new(move |_| {
        if matches!(edit.value().get(), Some(Ok(_))) {
            on_saved("edit");
        } else if matches!(cancel.value().get(), Some(Ok(_))) {
            on_saved(if cancelled { "restored" } else { "cancelled" });
        }
    });
    // A plain post (sent before the client loaded, or without it) comes back with its field
    // errors in the query, or `?saved=` after success; a save through the client redraws the
    // editor, which says what was saved (`last_saved`).
    let posted_errors = query_messages(lang);
    let saved_by_post = StoredValue::new(posted_saved());
    let edit_errors = call_or_posted(edit.value(), posted_errors.clone());
    let cancel_errors = call_or_posted(cancel.value(), posted_errors);
    let posted_notice = move |what: &'static str, text: &'static str, action_done: bool| {
        let said = saved_by_post.with_value(|saved| saved.as_deref() == Some(what))
            || last_saved.get() == Some(what);
        (!action_done && said).then(|| view! { <p class="notice" role="status">{text}</p> })
    };
    let csrf = use_viewer().csrf_token;
    let program_name = s.program_name.clone();
    let submit_edit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let title = optional(title.get()).filter(|t| *t != program_name);
        edit.dispatch(SessionEdit {
            scope: scope.get(),
            start_local: parse_local(&start.get()).unwrap_or(chrono::NaiveDateTime::MIN),
            duration_minutes: duration.get().trim().parse().unwrap_or(0),
            title,
            host: optional(host.get()),
            reset_individual_edits: reset.get(),
        });
    };
    let submit_cancel = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        cancel.dispatch(Some(reason.get()));
    };

    view! {
        <Title text=s.title.clone()/>
        <p><a href=format!("/staff/programs/{}", s.program_slug)>{s.program_name.clone()}</a></p>
        <h1>{s.title.clone()}</h1>
        <p class="when" id="session-when">{session_when(lang, &s)}</p>
        <p>
            <span class="badge" id="session-status">{s.status.label(lang)}</span>
            {s.cancel_reason.clone().filter(|_| cancelled).map(|r| format!(" {r}"))}
            " · "{tr(lang, "Urutan perubahan", "Sequence")}" "{s.sequence}
            {s.detached.then(|| tr(lang, " · diubah tersendiri", " · edited on its own"))}
        </p>
        <p><a href=format!("/sessions/{}", s.id)>{tr(lang, "Halaman publik", "Public page")}</a></p>
        {(!outcome.conflicts.is_empty()).then(|| view! {
            <section class="alert" role="status" aria-labelledby="conflicts-heading">
                <h2 id="conflicts-heading">{tr(lang, "Bentrok jadwal", "Scheduling conflicts")}</h2>
                <ul>
                    {outcome.conflicts.iter().map(|c| view! {
                        <li>
                            {c.kind.label(lang)}
                            {c.detail.clone().map(|d| format!(" ({d})"))}
                            ": "
                            <a href=format!("/staff/sessions/{}", c.other_session_id)>{c.other_title.clone()}</a>
                            {format!(" · {}", format_local(c.other_start_local).replace('T', " "))}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}

        <PartnerRoles lang target=PartnerTarget::Session(s.id) current=s.partners.clone() partners action=format!("/staff/sessions/{}/partners", s.id)/>
        <form class="card stack" method="post" action=format!("/staff/sessions/{id}/edit") on:submit=submit_edit novalidate aria-labelledby="edit-heading">
            <input type="hidden" name="csrf_token" value=csrf.clone()/>
            <h2 id="edit-heading">{tr(lang, "Ubah sesi", "Edit session")}</h2>
            <FormStatus result=edit.value().into() saved=tr(lang, "Perubahan tersimpan.", "Changes saved.")/>
            {move || posted_notice("edit", tr(lang, "Perubahan tersimpan.", "Changes saved."), edit.value().get().is_some())}
            <Field id="session-start" name="start_local" kind="datetime-local" label=tr(lang, "Mulai", "Starts") value=start errors=edit_errors
                hint=if lang == Lang::Id { "Waktu setempat program." } else { "The program's local time." }/>
            <Field id="session-duration" name="duration_minutes" kind="number" label=tr(lang, "Durasi (menit)", "Length (minutes)") value=duration errors=edit_errors/>
            <Field id="session-title" name="title" label=tr(lang, "Judul", "Title") value=title errors=edit_errors/>
            <Field id="session-host" name="host" label=tr(lang, "Pembawa acara", "Host") value=host errors=edit_errors/>
            {in_series.then(|| view! {
                <fieldset>
                    <legend>{tr(lang, "Terapkan ke", "Apply to")}</legend>
                    {EditScope::ALL.iter().map(|option| {
                        let option = *option;
                        view! {
                            <label class="checkbox">
                                <input type="radio" name="scope" value=option.as_str()
                                    prop:checked=move || scope.get() == option
                                    on:change=move |_| scope.set(option)/>
                                {option.label(lang)}
                            </label>
                        }
                    }).collect_view()}
                    <label class="checkbox">
                        <input type="checkbox" name="reset" prop:checked=move || reset.get()
                            on:change=move |ev| reset.set(event_target_checked(&ev))/>
                        {tr(lang, "Timpa juga sesi yang sudah diubah tersendiri", "Also overwrite sessions edited on their own")}
                    </label>
                </fieldset>
            })}
            <button type="submit" class="button primary" disabled=move || edit.pending().get()>{tr(lang, "Simpan perubahan", "Save changes")}</button>
        </form>
        {watch_link_form(lang, &s, csrf.clone()).into_any()}
        {episode_form(lang, &s, csrf.clone()).into_any()}

        {if cancelled {
            view! {
                <form class="card stack" method="post" action=format!("/staff/sessions/{id}/restore") on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); cancel.dispatch(None); }>
                    <input type="hidden" name="csrf_token" value=csrf.clone()/>
                    <FormStatus result=cancel.value().into() saved=tr(lang, "Sesi dipulihkan.", "Session restored.")/>
                    {move || posted_notice("cancelled", tr(lang, "Sesi dibatalkan.", "Session cancelled."), cancel.value().get().is_some())}
                    <button type="submit" class="button">{tr(lang, "Pulihkan sesi", "Restore session")}</button>
                </form>
            }.into_any()
        } else {
            view! {
                <form class="card stack" method="post" action=format!("/staff/sessions/{id}/cancel") on:submit=submit_cancel novalidate aria-labelledby="cancel-heading">
                    <input type="hidden" name="csrf_token" value=csrf.clone()/>
                    <h2 id="cancel-heading">{tr(lang, "Batalkan sesi ini", "Cancel this session")}</h2>
                    <FormStatus result=cancel.value().into() saved=tr(lang, "Sesi dibatalkan.", "Session cancelled.")/>
                    {move || posted_notice("restored", tr(lang, "Sesi dipulihkan.", "Session restored."), cancel.value().get().is_some())}
                    <Field id="cancel-reason" name="reason" label=tr(lang, "Alasan (ditampilkan ke publik)", "Reason (shown to the public)") value=reason errors=cancel_errors/>
                    <button type="submit" class="button danger" disabled=move || cancel.pending().get()>{tr(lang, "Batalkan sesi", "Cancel session")}</button>
                </form>
            }.into_any()
        }}
        <Roster id roster lang/>
    }
}

/// Who is in which role: confirmed, offered, waiting (in order), and who left; staff add
/// and remove people, and mark attendance once the session has started. Plain forms.
#[component]
fn Roster(id: uuid::Uuid, roster: RosterData, lang: Lang) -> impl IntoView {
    let csrf = use_viewer().csrf_token;
    let roles = roster.roles.clone();
    view! {
        <section class="card" id="roster" aria-labelledby="roster-heading">
            <h2 id="roster-heading">{tr(lang, "Relawan di sesi ini", "Volunteers in this session")}</h2>
            {
                    let started = roster.session.starts_at <= chrono::Utc::now();
                    if roster.roles.is_empty() {
                        view! { <p>{tr(lang, "Sesi ini belum punya peran relawan: tambahkan di bawah, atau untuk semua sesinya di halaman program.", "This session has no volunteer roles: add them below, or for all its sessions on the program's page.")}</p> }.into_any()
                    } else {
                        let present: Vec<_> = roster.entries.iter().filter(|e| e.status == SignupStatus::Confirmed).cloned().collect();
                        view! {
                            {roster.roles.iter().map(|role| {
                                let people: Vec<_> = roster.entries.iter().filter(|e| e.role_id == role.id).cloned().collect();
                                let assign_id = format!("assign-{}", role.id);
                                let label_for = assign_id.clone();
                                view! {
                                    <h3>{role.name.clone()}" — "{format!("{}/{}", role.confirmed, role.capacity)}</h3>
                                    <ul>
                                        {people.into_iter().map(|e| {
                                            let status = match e.waitlist_position {
                                                Some(p) => format!("{} #{p}", e.status.label(lang)),
                                                None => e.status.label(lang).to_owned(),
                                            };
                                            let active = e.status.is_active();
                                            let name = e.name.clone();
                                            view! {
                                                <li>{e.name}" · "{e.phone.unwrap_or(e.email)}" · "<strong>{status}</strong>
                                                    {active.then(|| view! {
                                                        <form method="post" action=format!("/staff/signups/{}/remove", e.signup_id) class="inline">
                                                            <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                                            <input type="hidden" name="session_id" value=id.to_string()/>
                                                            <button type="submit" class="button" aria-label=format!("{}: {name}", tr(lang, "Keluarkan", "Remove"))>{tr(lang, "Keluarkan", "Remove")}</button>
                                                        </form>
                                                    })}
                                                </li>
                                            }
                                        }).collect_view()}
                                    </ul>
                                    <form method="post" action=format!("/staff/session-roles/{}/assign", role.id) class="inline">
                                        <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                        <input type="hidden" name="session_id" value=id.to_string()/>
                                        <label for=label_for>{tr(lang, "Tambahkan relawan (email)", "Add a volunteer (e-mail)")}</label>
                                        <input id=assign_id name="email" type="email" required/>
                                        <button type="submit" class="button">{tr(lang, "Tambahkan", "Add")}</button>
                                    </form>
                                }
                            }).collect_view()}
                            {(started && !present.is_empty()).then(|| view! {
                                <form method="post" action=format!("/staff/sessions/{id}/attendance") class="stack">
                                    <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                    <fieldset>
                                        <legend>{tr(lang, "Kehadiran", "Attendance")}</legend>
                                        {present.into_iter().map(|e| {
                                            let box_id = format!("present-{}", e.signup_id);
                                            let label_for = box_id.clone();
                                            view! {
                                                <input type="hidden" name="signup" value=e.signup_id.to_string()/>
                                                <label class="checkbox" for=label_for>
                                                    <input type="checkbox" id=box_id name="present" value=e.signup_id.to_string() checked=e.attended.unwrap_or(false)/>
                                                    {e.name}
                                                </label>
                                            }
                                        }).collect_view()}
                                    </fieldset>
                                    <button type="submit" class="button primary">{tr(lang, "Simpan kehadiran", "Save attendance")}</button>
                                </form>
                            })}
                        }.into_any()
                    }
            }
            <SessionRolesForm lang session_id=id roles/>
        </section>
    }
}

/// This session's own watch link (a broadcast moved to another channel this once): a plain
/// form to `/staff/sessions/{id}/watch-link`; both fields empty gives back the program's.
fn watch_link_form(lang: Lang, session: &SessionResponse, csrf: String) -> impl IntoView + use<> {
    let errors = posted_messages(lang, "watch");
    let saved = posted_saved().as_deref() == Some("watch");
    let own = session.own_watch_link;
    let url = plain_error(&errors, "stream_url", "watch-url");
    let platform = plain_error(&errors, "platform", "watch-platform");
    let value = |field: Option<&String>| {
        if own {
            field.cloned().unwrap_or_default()
        } else {
            String::new()
        }
    };
    view! {
        <form class="card stack" method="post" action=format!("/staff/sessions/{}/watch-link", session.id) id="watch-link" aria-labelledby="watch-heading">
            <input type="hidden" name="csrf_token" value=csrf/>
            <h2 id="watch-heading">{tr(lang, "Tautan tonton sesi ini", "This session's watch link")}</h2>
            {saved.then(|| view! { <p class="notice" role="status">{tr(lang, "Tautan tersimpan.", "Link saved.")}</p> })}
            <p class="hint">{if own {
                tr(lang, "Sesi ini memakai tautannya sendiri. Kosongkan untuk kembali ke tautan program.", "This session has its own link. Empty it to use the program's link again.")
            } else {
                tr(lang, "Sesi ini memakai tautan program. Isi untuk sesi ini saja.", "This session uses the program's link. Fill in for this session only.")
            }}</p>
            <div class="field">
                <label for="watch-url">{tr(lang, "Tautan siaran", "Stream link")}</label>
                <input id="watch-url" name="stream_url" type="url" value=value(session.stream_url.as_ref())
                    aria-invalid=url.invalid aria-describedby=url.described_by/>
                {url.line}
            </div>
            <div class="field">
                <label for="watch-platform">{tr(lang, "Platform", "Platform")}</label>
                <input id="watch-platform" name="platform" maxlength="100" value=value(session.platform.as_ref())
                    aria-invalid=platform.invalid aria-describedby=platform.described_by/>
                {platform.line}
            </div>
            <button type="submit" class="button primary">{tr(lang, "Simpan tautan", "Save link")}</button>
        </form>
    }
}

/// Rows for books in the episode form beyond those already there, so that a new book needs
/// no script.
const EMPTY_BOOK_ROWS: usize = 2;

/// What remains of the session after it aired: a plain form to
/// `/staff/sessions/{id}/episode` with the recording, summary, storyteller, one row per book
/// and the audience numbers. A refused post comes back with what was typed.
fn episode_form(lang: Lang, session: &SessionResponse, csrf: String) -> impl IntoView + use<> {
    let errors = posted_messages(lang, "episode");
    let saved = posted_saved().as_deref() == Some("episode");
    let refused = crate::page_url::query()
        .get("refused")
        .and_then(|slug| Refusal::from_slug(&slug));
    let viewer = use_viewer();
    let typed = FormEcho::of(viewer.form_echo.as_ref(), "episode")
        .map(|echo| EpisodeInput::from_form(&echo.values).0);
    let input = typed.unwrap_or_else(|| match &session.episode {
        Some(episode) => EpisodeInput {
            recording_url: episode.recording.as_ref().map(|r| r.url.clone()),
            summary: episode.summary.clone(),
            storyteller: episode.storyteller.clone(),
            books: episode.books.clone(),
            audience: episode.audience.unwrap_or_default(),
        },
        None => EpisodeInput::default(),
    });
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let number = |value: Option<u32>| value.map(|n| n.to_string()).unwrap_or_default();
    // One input: its name, the name its errors come back under, its id and label.
    let line = |name: &'static str,
                error_key: &str,
                id: &'static str,
                label: &'static str,
                value: String,
                kind: &'static str| {
        let error = plain_error(&errors, error_key, id);
        let numeric = error_key.starts_with("audience.").then_some("numeric");
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id name=name type=kind value=value inputmode=numeric
                    aria-invalid=error.invalid aria-describedby=error.described_by/>
                {error.line}
            </div>
        }
        .into_any()
    };
    let summary = plain_error(&errors, form::SUMMARY, "episode-summary");
    let rows = (input.books.len() + EMPTY_BOOK_ROWS).min(MAX_BOOKS);
    let book_rows = (0..rows)
        .map(|i| {
            let book = input.books.get(i).cloned().unwrap_or_default();
            let cell = |field: &str, value: String, label: &'static str, max: &'static str| {
                let id = format!("book-{i}-{field}");
                let error = plain_error(&errors, &format!("books[{i}].{field}"), &id);
                let name = match field {
                    "title" => form::BOOK_TITLE,
                    "author" => form::BOOK_AUTHOR,
                    _ => form::BOOK_ISBN,
                };
                view! {
                    <div class="field">
                        <label for=id.clone()>{label}</label>
                        <input id=id name=name value=value maxlength=max
                            aria-invalid=error.invalid aria-describedby=error.described_by/>
                        {error.line}
                    </div>
                }
                .into_any()
            };
            view! {
                <fieldset class="book-row">
                    <legend>{format!("{} {}", tr(lang, "Buku", "Book"), i + 1)}</legend>
                    {cell("title", book.title, tr(lang, "Judul", "Title"), "300")}
                    {cell("author", book.author.unwrap_or_default(), tr(lang, "Penulis", "Author"), "200")}
                    {cell("isbn", book.isbn.unwrap_or_default(), "ISBN", "20")}
                </fieldset>
            }
            .into_any()
        })
        .collect_view();
    let [viewers, live_peak, comments, in_person] = form::AUDIENCE;
    view! {
        <form class="card stack" method="post" action=format!("/staff/sessions/{}/episode", session.id) id="episode" aria-labelledby="episode-heading">
            <input type="hidden" name="csrf_token" value=csrf/>
            <h2 id="episode-heading">{tr(lang, "Arsip episode", "Episode record")}</h2>
            {saved.then(|| view! { <p class="notice" role="status">{tr(lang, "Arsip episode tersimpan.", "Episode record saved.")}</p> })}
            {refused.map(|r| view! { <p class="alert" role="alert">{r.message(lang)}</p> })}
            <p class="hint">{tr(lang,
                "Diisi setelah sesi tayang: rekaman (YouTube, Facebook, Instagram atau tautan lain), ringkasan, buku yang dibacakan dan jumlah penonton. Kosongkan semua untuk menghapus.",
                "Filled in after the broadcast: the recording (YouTube, Facebook, Instagram or another link), a summary, the books read and the audience. Empty everything to remove it.")}</p>
            {line(form::RECORDING_URL, form::RECORDING_URL, "episode-recording", tr(lang, "Tautan rekaman", "Recording link"), text(&input.recording_url), "url")}
            {line(form::STORYTELLER, form::STORYTELLER, "episode-storyteller", tr(lang, "Pendongeng", "Storyteller"), text(&input.storyteller), "text")}
            <div class="field">
                <label for="episode-summary">{tr(lang, "Ringkasan", "Summary")}</label>
                <textarea id="episode-summary" name=form::SUMMARY rows="4" maxlength=SUMMARY_MAX_CHARS.to_string()
                    aria-invalid=summary.invalid aria-describedby=summary.described_by>{textarea_text(text(&input.summary))}</textarea>
                {summary.line}
            </div>
            {book_rows}
            <fieldset>
                <legend>{tr(lang, "Penonton", "Audience")}</legend>
                {line(viewers, "audience.viewers", "episode-viewers", tr(lang, "Jumlah tayangan", "Views"), number(input.audience.viewers), "text")}
                {line(live_peak, "audience.live_peak", "episode-live-peak", tr(lang, "Puncak penonton langsung", "Live peak"), number(input.audience.live_peak), "text")}
                {line(comments, "audience.comments", "episode-comments", tr(lang, "Komentar", "Comments"), number(input.audience.comments), "text")}
                {line(in_person, "audience.in_person", "episode-in-person", tr(lang, "Hadir langsung", "In person"), number(input.audience.in_person), "text")}
            </fieldset>
            <button type="submit" class="button primary">{tr(lang, "Simpan arsip", "Save record")}</button>
        </form>
    }
}
