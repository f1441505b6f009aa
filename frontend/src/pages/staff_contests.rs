//! Staff pages for the contest: `/staff/contests` (every contest, and setting one up for a
//! `contest` program) and `/staff/contests/{id}` (setup, checking entries, judges, progress,
//! ranking, publication). Plain forms: everything works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::Lang;
use shared::dto::contests::{
    ContestView, DEFAULT_MAX_VIDEO_MIB, StaffContest, StaffEntry, categories_to_text,
    criteria_to_text, tie_rule,
};
use shared::words::{Review, VideoFormat, WindowState};
use uuid::Uuid;

use crate::api::{ApiError, get_staff_contest, get_staff_contests};
use crate::components::form::{FieldMessages, plain_input, plain_textarea, query_messages};
use crate::components::server_link::ServerLink;
use crate::components::table_region::table_region;
use crate::i18n::{strings, tr, use_viewer};
use crate::pages::contest::local_stamp;

fn stamp(time: chrono::NaiveDateTime) -> String {
    time.format("%Y-%m-%dT%H:%M").to_string()
}

/// The setup form, empty or filled from `contest`.
fn setup_form(
    lang: Lang,
    csrf: String,
    errors: &FieldMessages,
    action: String,
    programs: Vec<(Uuid, String)>,
    contest: Option<&ContestView>,
) -> AnyView {
    let formats: Vec<VideoFormat> =
        contest.map_or_else(|| VideoFormat::ALL.to_vec(), |c| c.formats.clone());
    view! {
        <form method="post" action=action class="stack">
            <input type="hidden" name="csrf_token" value=csrf/>
            {match contest {
                Some(c) => view! { <input type="hidden" name="program_id" value=c.program_id.to_string()/> }.into_any(),
                None => view! {
                    <div class="field">
                        <label for="contest-program_id">{tr(lang, "Program lomba", "Contest program")}</label>
                        <select id="contest-program_id" name="program_id" required>
                            {programs.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                        </select>
                    </div>
                }.into_any(),
            }}
            {plain_textarea(errors, "contest", "rules", tr(lang, "Peraturan", "Rules"), None, contest.map(|c| c.rules.clone()).unwrap_or_default())}
            {plain_input(errors, "contest", "opens_at", tr(lang, "Pendaftaran dibuka (waktu program)", "Submissions open (program's time)"), contest.map(|c| stamp(c.opens_local)).unwrap_or_default(), "datetime-local", true)}
            {plain_input(errors, "contest", "closes_at", tr(lang, "Pendaftaran ditutup (waktu program)", "Submissions close (program's time)"), contest.map(|c| stamp(c.closes_local)).unwrap_or_default(), "datetime-local", true)}
            {plain_input(errors, "contest", "age_reference_date", tr(lang, "Usia dihitung pada tanggal", "Ages are counted on"), contest.map(|c| c.age_reference_date.to_string()).unwrap_or_default(), "date", true)}
            {plain_input(errors, "contest", "max_video_mib", tr(lang, "Ukuran video maksimal (MiB)", "Largest video (MiB)"), contest.map_or(DEFAULT_MAX_VIDEO_MIB, |c| c.max_video_bytes / (1024 * 1024)).to_string(), "number", true)}
            {plain_input(errors, "contest", "max_video_minutes", tr(lang, "Durasi video maksimal (menit)", "Longest video (minutes)"), contest.map_or(7, |c| c.max_video_minutes).to_string(), "number", true)}
            {plain_input(errors, "contest", "entries_per_person", tr(lang, "Karya per alamat email", "Entries per e-mail address"), contest.map_or(1, |c| c.entries_per_person).to_string(), "number", true)}
            <fieldset>
                <legend>{tr(lang, "Format video", "Video formats")}</legend>
                {VideoFormat::ALL.iter().map(|f| view! {
                    <label class="check"><input type="checkbox" name="formats" value=f.as_str() checked=formats.contains(f)/>" "{f.label(lang)}</label>
                }).collect_view()}
            </fieldset>
            {plain_textarea(errors, "contest", "categories", tr(lang, "Kategori usia", "Age categories"),
                Some(tr(lang, "Satu per baris: nama; usia termuda; usia tertua (mis. 7–9 tahun; 7; 9)", "One per line: name; youngest; oldest (e.g. 7–9 years; 7; 9)")),
                contest.map(|c| categories_to_text(&c.categories)).unwrap_or_else(|| "7–9 tahun; 7; 9\n10–12 tahun; 10; 12\n13–15 tahun; 13; 15".into()))}
            {plain_textarea(errors, "contest", "criteria", tr(lang, "Kriteria penilaian", "Judging criteria"),
                Some(tr(lang, "Satu per baris: nama; bobot (1–10)", "One per line: name; weight (1–10)")),
                contest.map(|c| criteria_to_text(&c.criteria)).unwrap_or_else(|| "Ekspresi; 3\nVokal; 2\nPenguasaan cerita; 3\nKreativitas; 2".into()))}
            <div class="actions">
                <button type="submit" class="button primary">{tr(lang, "Simpan", "Save")}</button>
            </div>
        </form>
    }
    .into_any()
}

/// `/staff/contests`.
#[component]
pub fn ContestsPage() -> impl IntoView {
    let viewer = use_viewer();
    let lang = viewer.lang;
    let t = strings(lang);
    let data = Resource::new(|| (), |_| get_staff_contests());
    let csrf = viewer.csrf_token.clone();
    view! {
        <Title text=tr(lang, "Lomba", "Contests")/>
        <h1>{tr(lang, "Lomba", "Contests")}</h1>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || {
                let csrf = csrf.clone();
                Suspend::new(async move {
                    let overview = data.await?;
                    let errors = query_messages(lang);
                    let open: Vec<(Uuid, String)> = overview.programs.iter()
                        .filter(|p| p.contest_id.is_none())
                        .map(|p| (p.id, p.name.clone()))
                        .collect();
                    let new_form = (!open.is_empty())
                        .then(|| setup_form(lang, csrf.clone(), &errors, "/staff/contests".into(), open.clone(), None));
                    Ok::<_, ApiError>(view! {
                        <ul class="plain">
                            {overview.contests.iter().map(|c| view! {
                                <li class="card">
                                    <h2><a href=format!("/staff/contests/{}", c.id)>{c.name.clone()}</a></h2>
                                    <p>{local_stamp(lang, c.opens_local)}" – "{local_stamp(lang, c.closes_local)}" · "{c.window.label(lang)}</p>
                                </li>
                            }).collect_view()}
                        </ul>
                        {new_form.map(|form| view! {
                            <section aria-labelledby="new-contest">
                                <h2 id="new-contest">{tr(lang, "Siapkan lomba", "Set up a contest")}</h2>
                                {form}
                            </section>
                        })}
                        {open.is_empty().then(|| view! {
                            <p>{tr(lang, "Untuk lomba baru, buat dulu program berjenis Lomba.", "For a new contest, first create a program of kind Contest.")}</p>
                        })}
                    })
                })
            }}
        </Suspense>
    }
}

fn entry_row(lang: Lang, csrf: String, contest_id: Uuid, entry: StaffEntry) -> impl IntoView {
    let action = format!("/staff/contests/{contest_id}/entries/{}/review", entry.id);
    let reason_id = format!("reason-{}", entry.id);
    let video = entry
        .video
        .as_ref()
        .map(|_| format!("/api/v1/contests/{contest_id}/entries/{}/video", entry.id));
    view! {
        <tr>
            <td>{entry.number}</td>
            <td>{entry.entrant_name.clone()}" ("{entry.age}")"<br/>{entry.school.clone()}", "{entry.city.clone()}</td>
            <td>{entry.guardian_name.clone().unwrap_or_default()}<br/>{entry.contact_email.clone()}</td>
            <td>{entry.category.clone()}</td>
            <td>{entry.title.clone()}</td>
            <td>{video.map(|href| view! { <ServerLink href=href label=tr(lang, "Putar", "Play")/> })}</td>
            <td data-testid="entry-state">{entry.state.label(lang)}</td>
            <td>
                <form method="post" action=action class="inline">
                    <input type="hidden" name="csrf_token" value=csrf/>
                    <label for=reason_id.clone() class="visually-hidden">{tr(lang, "Alasan bila tidak memenuhi syarat", "Reason if not eligible")}</label>
                    <input id=reason_id name="reason" placeholder=tr(lang, "Alasan bila ditolak", "Reason if refused") value=entry.review_reason.clone().unwrap_or_default()/>
                    <button type="submit" name="eligible" value="yes" class="button" disabled=entry.review == Review::Eligible>{tr(lang, "Memenuhi syarat", "Eligible")}</button>
                    <button type="submit" name="eligible" value="no" class="button">{tr(lang, "Tidak", "Not eligible")}</button>
                </form>
            </td>
        </tr>
    }
}

/// The last step of a contest: who will be mailed, and a box to tick before it is taken.
fn publish_form(
    lang: Lang,
    csrf: String,
    id: Uuid,
    entries: &[StaffEntry],
    errors: &FieldMessages,
) -> impl IntoView {
    let mailed: Vec<String> = entries
        .iter()
        .filter(|e| e.review == Review::Eligible)
        .map(|e| {
            format!(
                "{} {} · {}",
                tr(lang, "no.", "no."),
                e.number,
                e.contact_email
            )
        })
        .collect();
    let confirm = crate::components::form::plain_error(errors, "confirm", "publish-confirm");
    view! {
        <form method="post" action=format!("/staff/contests/{id}/publish") class="stack">
            <input type="hidden" name="csrf_token" value=csrf/>
            <p class="hint">{tr(lang, "Mengumumkan hasil membuka halaman hasil, galeri dan sertifikat, mengunci nilai juri, dan mengirim email ke peserta. Langkah ini tidak bisa dibatalkan.", "Publishing opens the results page, gallery and certificates, locks the judges' scores, and mails the entrants. It cannot be undone.")}</p>
            <p>{format!("{} {}:", mailed.len(), tr(lang, "peserta yang memenuhi syarat akan menerima email", "eligible entrants will be mailed"))}</p>
            <ul data-testid="publish-recipients">
                {mailed.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
            </ul>
            <label class="check">
                <input type="checkbox" id="publish-confirm" name="confirm" value="yes" required
                    aria-invalid=confirm.invalid aria-describedby=confirm.described_by/>
                " "{tr(lang, "Saya sudah memeriksa peringkat dan siap mengumumkannya.", "I have checked the ranking and am ready to publish it.")}
            </label>
            {confirm.line}
            <button type="submit" class="button primary">{tr(lang, "Umumkan hasil", "Publish the results")}</button>
        </form>
    }
}

/// `/staff/contests/{id}`.
#[component]
pub fn ContestManagePage() -> impl IntoView {
    let viewer = use_viewer();
    let lang = viewer.lang;
    let t = strings(lang);
    let id = crate::pages::id_param();
    let data = Resource::new(id, get_staff_contest);
    let published_now = use_query_map().get_untracked().get("published").is_some();
    let csrf = viewer.csrf_token.clone();
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || {
                let csrf = csrf.clone();
                Suspend::new(async move {
                    let page: StaffContest = data.await?;
                    let errors = query_messages(lang);
                    let c = page.contest.clone();
                    let id = c.id;
                    let setup = setup_form(lang, csrf.clone(), &errors, format!("/staff/contests/{id}"), Vec::new(), Some(&c));
                    Ok::<_, ApiError>(view! {
                        <Title text=c.name.clone()/>
                        <h1>{c.name.clone()}</h1>
                        <p><a href=format!("/contests/{}", c.slug)>{tr(lang, "Halaman publik", "Public page")}</a></p>
                        {published_now.then(|| view! { <p class="notice" role="status">{tr(lang, "Hasil diumumkan.", "Results published.")}</p> })}
                        <section aria-labelledby="entries-heading" id="entries">
                            <h2 id="entries-heading">{tr(lang, "Karya", "Entries")}</h2>
                            {table_region(tr(lang, "Karya", "Entries"), view! {
                            <table>
                                <thead><tr>
                                    <th scope="col">{tr(lang, "No.", "No.")}</th>
                                    <th scope="col">{tr(lang, "Peserta", "Entrant")}</th>
                                    <th scope="col">{tr(lang, "Wali / kontak", "Guardian / contact")}</th>
                                    <th scope="col">{tr(lang, "Kategori", "Category")}</th>
                                    <th scope="col">{tr(lang, "Judul", "Title")}</th>
                                    <th scope="col">{tr(lang, "Video", "Video")}</th>
                                    <th scope="col">{tr(lang, "Status", "State")}</th>
                                    <th scope="col">{tr(lang, "Pemeriksaan", "Check")}</th>
                                </tr></thead>
                                <tbody>
                                    {page.entries.iter().cloned().map(|e| entry_row(lang, csrf.clone(), id, e)).collect_view()}
                                </tbody>
                            </table>
                            })}
                        </section>
                        <section aria-labelledby="judges-heading" id="judges">
                            <h2 id="judges-heading">{tr(lang, "Juri", "Judges")}</h2>
                            {page.panel.judges.is_empty().then(|| view! {
                                <p>{tr(lang, "Belum ada akun juri. Admin membuatnya di Pengguna dengan peran Juri.", "No judge accounts yet. An admin creates them under Users with the Judge role.")}</p>
                            })}
                            <form method="post" action=format!("/staff/contests/{id}/judges") class="stack">
                                <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                {page.panel.judges.iter().map(|judge| view! {
                                    <fieldset>
                                        <legend>{judge.name.clone()}</legend>
                                        {c.categories.iter().map(|category| {
                                            let value = format!("{}:{}", judge.id, category.id);
                                            let checked = page.panel.assignments.iter().any(|a| a.user_id == judge.id && a.category_id == category.id);
                                            view! { <label class="check"><input type="checkbox" name="assign" value=value checked=checked/>" "{category.name.clone()}</label> }
                                        }).collect_view()}
                                    </fieldset>
                                }).collect_view()}
                                <button type="submit" class="button">{tr(lang, "Simpan penugasan juri", "Save judge assignments")}</button>
                            </form>
                            <h3>{tr(lang, "Kemajuan penilaian", "Judging progress")}</h3>
                            <ul class="plain">
                                {page.progress.iter().map(|p| view! {
                                    <li data-testid="judge-progress">{format!("{}: {} / {} {} · {} {}", p.name, p.scored, p.to_judge, tr(lang, "dinilai", "scored"), p.conflicts, tr(lang, "konflik", "conflicts"))}</li>
                                }).collect_view()}
                            </ul>
                            {(!page.conflicts.is_empty()).then(|| view! {
                                <h3>{tr(lang, "Konflik kepentingan", "Conflicts of interest")}</h3>
                                <ul>
                                    {page.conflicts.iter().map(|k| view! { <li>{format!("{} · {} {} · {}", k.judge_name, tr(lang, "karya no.", "entry no."), k.number, k.note)}</li> }).collect_view()}
                                </ul>
                            })}
                        </section>
                        <section aria-labelledby="ranking-heading" id="ranking">
                            <h2 id="ranking-heading">{tr(lang, "Peringkat", "Ranking")}</h2>
                            <p class="hint">{tie_rule(lang)}</p>
                            {page.ranking.iter().map(|category| view! {
                                <h3>{category.category.name.clone()}</h3>
                                <ol>
                                    {category.rows.iter().map(|row| view! {
                                        <li data-testid="ranking-row">{format!("#{} · {} {} · {} · {:.2} ({} {})", row.rank, tr(lang, "no.", "no."), row.number, row.entrant_name, row.score, row.reviews, tr(lang, "juri", "judges"))}</li>
                                    }).collect_view()}
                                </ol>
                                {(category.unscored > 0).then(|| view! { <p>{format!("{} {}", category.unscored, tr(lang, "karya belum dinilai lengkap", "entries not fully scored yet"))}</p> })}
                            }).collect_view()}
                            {match c.results_published_at {
                                Some(at) => view! {
                                    <p>{tr(lang, "Hasil diumumkan pada", "Results published on")}" "{at.format("%Y-%m-%d %H:%M UTC").to_string()}" · "
                                        <a href=format!("/contests/{}/results", c.slug)>{tr(lang, "Lihat hasil", "See the results")}</a></p>
                                }.into_any(),
                                None if c.window != WindowState::Closed => view! {
                                    <p data-testid="publish-waits">{format!(
                                        "{} {} ({}).",
                                        tr(lang, "Hasil bisa diumumkan setelah pendaftaran ditutup:", "Results can be published once entries close:"),
                                        c.closes_local.format("%Y-%m-%d %H:%M"),
                                        c.time_zone,
                                    )}</p>
                                }.into_any(),
                                None => publish_form(lang, csrf.clone(), id, &page.entries, &errors).into_any(),
                            }}
                        </section>
                        <section aria-labelledby="setup-heading">
                            <h2 id="setup-heading">{tr(lang, "Pengaturan", "Setup")}</h2>
                            {setup}
                        </section>
                    })
                })
            }}
        </Suspense>
    }
}
