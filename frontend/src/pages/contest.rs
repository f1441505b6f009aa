//! The public contest pages: `/contests/{slug}` (rules, window, categories, and the entry
//! form while submissions are open) and `/contests/{slug}/results` (published results and
//! the winners' gallery). Plain forms: registering works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::Lang;
use shared::dto::auth::{FormEcho, Viewer};
use shared::dto::contests::{CONTEST_ENTRY_ECHO, ContestView, PublicResults, tie_rule};
use shared::dto::volunteers::Refusal;
use shared::words::WindowState;

use crate::api::{ApiError, get_contest_results, get_public_contest};
use crate::components::form::{
    FieldMessages, plain_error, plain_input, plain_textarea, query_messages,
};
use crate::components::share::{OpenGraph, ShareToWhatsApp};
use crate::components::table_region::table_region;
use crate::i18n::{strings, tr, use_viewer};

/// "1 Desember 2026 08.00 WITA" style, in the contest's zone.
pub fn local_stamp(lang: Lang, time: chrono::NaiveDateTime) -> String {
    match lang {
        Lang::Id => time.format("%d-%m-%Y %H.%M").to_string(),
        Lang::En => time.format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// The facts block shared by the contest and results pages.
#[component]
pub fn ContestFacts(contest: ContestView) -> impl IntoView {
    let lang = use_viewer().lang;
    let zone = if contest.time_zone == "Asia/Makassar" {
        "WITA".to_owned()
    } else {
        contest.time_zone.clone()
    };
    let formats = contest
        .formats
        .iter()
        .map(|f| f.label(lang))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <dl class="facts">
            <dt>{tr(lang, "Pendaftaran", "Submissions")}</dt>
            <dd>
                {local_stamp(lang, contest.opens_local)}" – "{local_stamp(lang, contest.closes_local)}" "{zone}
                " · "<strong data-testid="window">{contest.window.label(lang)}</strong>
            </dd>
            <dt>{tr(lang, "Kategori usia", "Age categories")}</dt>
            <dd>
                {contest.categories.iter().map(|c| c.name.clone()).collect::<Vec<_>>().join(", ")}
                " ("{tr(lang, "usia pada", "age on")}" "{contest.age_reference_date.format("%Y-%m-%d").to_string()}")"
            </dd>
            <dt>{tr(lang, "Video", "Video")}</dt>
            <dd>
                {formats}", "{tr(lang, "maks.", "max.")}" "{contest.max_video_bytes / (1024 * 1024)}" MiB, "
                {contest.max_video_minutes}" "{tr(lang, "menit", "minutes")}
            </dd>
        </dl>
    }
}

/// The form's earlier values (after a refusal; the server keeps them for this page), by
/// field name.
fn typed_values(viewer: &Viewer) -> Vec<(String, String)> {
    FormEcho::of(viewer.form_echo.as_ref(), CONTEST_ENTRY_ECHO)
        .map(|echo| echo.values.clone())
        .unwrap_or_default()
}

fn value(values: &[(String, String)], name: &str) -> String {
    values
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn checkbox(
    errors: &FieldMessages,
    name: &'static str,
    label: &'static str,
    checked: bool,
) -> AnyView {
    let id = format!("entry-{name}");
    let error = plain_error(errors, name, &id);
    view! {
        <div class="field">
            <label class="check">
                <input type="checkbox" id=id name=name checked=checked
                    aria-invalid=error.invalid aria-describedby=error.described_by/>
                " "{label}
            </label>
            {error.line}
        </div>
    }
    .into_any()
}

#[component]
fn EntryForm(contest: ContestView) -> impl IntoView {
    let viewer = use_viewer();
    let lang = viewer.lang;
    let errors = query_messages(lang);
    let values = typed_values(&viewer);
    let refused = use_query_map()
        .get_untracked()
        .get("refused")
        .and_then(|slug| Refusal::from_slug(&slug));
    let v = |name: &str| value(&values, name);
    let action = format!("/contests/{}/entries", contest.slug);
    let ticked = |name: &str| values.iter().any(|(k, _)| k == name);
    view! {
        <section aria-labelledby="register-heading" id="register">
            <h2 id="register-heading">{tr(lang, "Daftarkan karya", "Register an entry")}</h2>
            <p>{tr(lang,
                "Untuk peserta di bawah 18 tahun, formulir diisi oleh orang tua atau wali (guru boleh membantu). Setelah mendaftar, Anda mendapat halaman pribadi untuk mengunggah video.",
                "For an entrant under 18 the form is filled in by a parent or guardian (a teacher may help). After registering you get a private page to upload the video.")}</p>
            {refused.map(|r| view! { <p class="field-error" role="alert">{r.message(lang)}</p> })}
            {(!errors.is_empty()).then(|| view! {
                <p class="field-error" role="alert">{tr(lang, "Periksa isian yang ditandai.", "Check the marked fields.")}</p>
            })}
            <form method="post" action=action class="stack">
                <input type="hidden" name="csrf_token" value=viewer.csrf_token.clone()/>
                <fieldset>
                    <legend>{tr(lang, "Peserta", "Entrant")}</legend>
                    {plain_input(&errors, "entry", "entrant_name", tr(lang, "Nama lengkap peserta", "Entrant's full name"), v("entrant_name"), "text", true)}
                    {plain_input(&errors, "entry", "birth_date", tr(lang, "Tanggal lahir peserta", "Entrant's birth date"), v("birth_date"), "date", true)}
                    {plain_input(&errors, "entry", "school", tr(lang, "Sekolah atau komunitas", "School or community"), v("school"), "text", true)}
                    {plain_input(&errors, "entry", "city", tr(lang, "Kota", "City"), v("city"), "text", true)}
                </fieldset>
                <fieldset>
                    <legend>{tr(lang, "Kontak dan wali", "Contact and guardian")}</legend>
                    {plain_input(&errors, "entry", "guardian_name", tr(lang, "Nama orang tua/wali (wajib bila peserta di bawah 18 tahun)", "Parent's or guardian's name (required for an entrant under 18)"), v("guardian_name"), "text", false)}
                    {plain_input(&errors, "entry", "contact_email", tr(lang, "Email untuk tanda terima dan kabar", "E-mail for the receipt and news"), v("contact_email"), "email", true)}
                    {plain_input(&errors, "entry", "contact_phone", tr(lang, "Nomor telepon/WhatsApp (boleh kosong)", "Phone/WhatsApp number (optional)"), v("contact_phone"), "tel", false)}
                </fieldset>
                <fieldset>
                    <legend>{tr(lang, "Karya", "The story")}</legend>
                    {plain_input(&errors, "entry", "title", tr(lang, "Judul cerita", "Title of the story"), v("title"), "text", true)}
                    {plain_textarea(&errors, "entry", "description", tr(lang, "Deskripsi singkat", "Short description"), Some(tr(lang, "Jangan tulis nama peserta: juri menilai tanpa mengetahui siapa pesertanya.", "Do not write the entrant's name: judges score without knowing who the entrant is.")), v("description"))}
                </fieldset>
                <fieldset>
                    <legend>{tr(lang, "Persetujuan", "Consent")}</legend>
                    {checkbox(&errors, "consent_rules", tr(lang, "Saya (orang tua/wali bila peserta di bawah umur) menyetujui peraturan lomba.", "I (the parent or guardian for a minor) agree to the contest's rules."), ticked("consent_rules"))}
                    {checkbox(&errors, "consent_publication", tr(lang, "Saya mengizinkan video dan nama peserta ditampilkan bila menjadi pemenang.", "I allow the video and the entrant's name to be shown if it wins."), ticked("consent_publication"))}
                </fieldset>
                <div class="actions">
                    <button type="submit" class="button primary">{tr(lang, "Daftar", "Register")}</button>
                </div>
            </form>
        </section>
    }
}

/// `/contests/{slug}`.
#[component]
pub fn ContestPage() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let data = Resource::new(slug, get_public_contest);
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                let contest = data.await?;
                let results_link = contest.results_published_at.map(|_| format!("/contests/{}/results", contest.slug));
                let path = format!("/contests/{}", contest.slug);
                let about = match contest.window {
                    WindowState::Open => format!("{} {}", tr(lang, "Kirim video sebelum", "Send a video before"), local_stamp(lang, contest.closes_local)),
                    _ => contest.window.label(lang).to_owned(),
                };
                Ok::<_, ApiError>(view! {
                    <Title text=contest.name.clone()/>
                    <OpenGraph title=contest.name.clone() description=format!("{about}. {}", contest.rules) path=path.clone()/>
                    <h1>{contest.name.clone()}</h1>
                    <ContestFacts contest=contest.clone()/>
                    <ShareToWhatsApp text=format!("{} — {about}", contest.name) path/>
                    {results_link.map(|href| view! {
                        <p><a class="button primary" href=href>{tr(lang, "Lihat hasil dan galeri pemenang", "See the results and the winners' gallery")}</a></p>
                    })}
                    <section aria-labelledby="rules-heading">
                        <h2 id="rules-heading">{tr(lang, "Peraturan", "Rules")}</h2>
                        <p class="prewrap">{contest.rules.clone()}</p>
                    </section>
                    {match contest.window {
                        WindowState::Open => view! { <EntryForm contest=contest.clone()/> }.into_any(),
                        WindowState::Upcoming => view! { <p class="notice">{tr(lang, "Pendaftaran belum dibuka.", "Submissions are not open yet.")}</p> }.into_any(),
                        WindowState::Closed => view! { <p class="notice">{tr(lang, "Pendaftaran sudah ditutup.", "Submissions are closed.")}</p> }.into_any(),
                    }}
                })
            })}
        </Suspense>
    }
}

fn score_text(score: f64) -> String {
    format!("{score:.2}")
}

/// `/contests/{slug}/results`.
#[component]
pub fn ContestResultsPage() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug").unwrap_or_default());
    let data = Resource::new(slug, get_contest_results);
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                let results: PublicResults = match data.await {
                    Ok(results) => results,
                    Err(error) if error.0.kind.ends_with(Refusal::ResultsNotPublished.slug()) => {
                        let contest = get_public_contest(slug()).await?;
                        return Ok(view! { <ResultsPending contest/> }.into_any());
                    }
                    Err(error) => return Err(error),
                };
                let title = format!("{} · {}", results.contest.name, tr(lang, "Hasil", "Results"));
                Ok::<_, ApiError>(view! {
                    <Title text=title.clone()/>
                    <h1>{title}</h1>
                    <p class="hint">{tie_rule(lang)}</p>
                    <p class="hint">{tr(lang,
                        "Nama dan video hanya ditampilkan untuk pemenang yang orang tua/walinya mengizinkan.",
                        "Names and videos are shown only for winners whose parent or guardian agreed.")}</p>
                    {results.categories.iter().map(|category| {
                        let heading_id = format!("category-{}", category.category.id);
                        let winners: Vec<_> = category.rows.iter().filter(|r| r.video_url.is_some()).cloned().collect();
                        view! {
                            <section aria-labelledby=heading_id.clone()>
                                <h2 id=heading_id.clone()>{category.category.name.clone()}</h2>
                                {category.rows.is_empty().then(|| view! {
                                    <p data-testid="no-entries">{tr(lang, "Tidak ada karya yang dinilai di kategori ini.", "No entries were judged in this category.")}</p>
                                })}
                                {(!category.rows.is_empty()).then(|| view! {
                                {table_region(format!("{} · {}", tr(lang, "Peringkat", "Ranking"), category.category.name), view! {<table>
                                    <caption class="visually-hidden">{tr(lang, "Peringkat", "Ranking")}</caption>
                                    <thead><tr>
                                        <th scope="col">{tr(lang, "Peringkat", "Rank")}</th>
                                        <th scope="col">{tr(lang, "No.", "No.")}</th>
                                        <th scope="col">{tr(lang, "Peserta", "Entrant")}</th>
                                        <th scope="col">{tr(lang, "Judul", "Title")}</th>
                                        <th scope="col">{tr(lang, "Nilai", "Score")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {category.rows.iter().map(|row| view! {
                                            <tr>
                                                <td>{row.rank}</td>
                                                <td>{row.number}</td>
                                                <td>{row.entrant.clone().unwrap_or_else(|| tr(lang, "(nama tidak ditampilkan)", "(name not shown)").to_owned())}</td>
                                                <td>{row.title.clone()}</td>
                                                <td>{score_text(row.score)}</td>
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>})}
                                })}
                                {(!winners.is_empty()).then(|| view! {
                                    <h3>{tr(lang, "Galeri pemenang", "Winners' gallery")}</h3>
                                    <ul class="gallery plain">
                                        {winners.into_iter().map(|row| view! {
                                            <li class="card">
                                                <h4>{format!("#{} · {}", row.rank, row.title)}</h4>
                                                <p>{row.entrant.clone().unwrap_or_default()}</p>
                                                <video controls preload="metadata" src=row.video_url.clone().unwrap_or_default()
                                                    aria-label=format!("{} {}", tr(lang, "Video", "Video"), row.title)></video>
                                            </li>
                                        }).collect_view()}
                                    </ul>
                                })}
                            </section>
                        }
                        // Each category erased to one type: the page's whole view type is
                        // too deep for the compiler's query limit in the client build.
                        .into_any()
                    }).collect_view()}
                }.into_any())
            })}
        </Suspense>
    }
}

/// The results page before publication: when entries close, and that results follow the
/// judging (an entrant asking early gets an answer, not an error).
#[component]
fn ResultsPending(contest: ContestView) -> impl IntoView {
    let lang = use_viewer().lang;
    let title = format!("{} · {}", contest.name, tr(lang, "Hasil", "Results"));
    let zone = if contest.time_zone == "Asia/Makassar" {
        "WITA".to_owned()
    } else {
        contest.time_zone.clone()
    };
    let when = match contest.window {
        WindowState::Closed => tr(
            lang,
            "Pendaftaran sudah ditutup; hasil diumumkan setelah penjurian selesai.",
            "Entries are closed; results are published once judging is done.",
        )
        .to_owned(),
        _ => format!(
            "{} {} {zone}{}",
            tr(lang, "Pendaftaran ditutup", "Entries close on"),
            local_stamp(lang, contest.closes_local),
            tr(
                lang,
                "; hasil diumumkan setelah penjurian selesai.",
                "; results are published once judging is done."
            ),
        ),
    };
    view! {
        <Title text=title.clone()/>
        <h1>{title}</h1>
        <p class="notice" role="status" data-testid="results-pending">
            <strong>{Refusal::ResultsNotPublished.message(lang)}</strong>" "{when}
        </p>
        <p><a href=format!("/contests/{}", contest.slug)>{tr(lang, "Kembali ke halaman lomba", "Back to the contest page")}</a></p>
    }
}
