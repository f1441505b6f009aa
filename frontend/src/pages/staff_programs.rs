//! `/staff/programs`: every program, and the form to create one; `/staff/programs/{slug}`
//! edits a program, builds its recurring series and lists its sessions.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::Lang;
use shared::dto::auth::FormEcho;
use shared::dto::programs::{DEFAULT_TZ, ProgramInput, ProgramResponse};
use shared::dto::schedule::{SessionInput, parse_local};
use shared::validation::slugify;
use shared::words::{ProgramKind, ProgramStatus};

use crate::api::{
    PartnerTarget, SessionQuery, create_session, end_series, get_program, list_partners,
    list_programs, list_series, list_sessions, save_program,
};
use crate::components::client::ClientScripts;
use crate::components::form::{
    Field, FormStatus, call_or_posted, optional, plain_error, posted_messages, posted_saved,
    textarea_text,
};
use crate::components::partner_roles::PartnerRoles;
use crate::components::role_rows::{RoleRow, role_fieldsets};
use crate::components::session_list::{LinkTo, SessionList};
use crate::components::table_region::table_region;
use crate::i18n::{strings, tr, use_viewer};
use crate::pages::series_builder::SeriesBuilder;

/// `/staff/programs`: an island.
#[component]
pub fn ProgramsPage() -> impl IntoView {
    view! { <ClientScripts/><Programs/> }
}

/// The program list with the create form.
// A staff island: in the staff bundle only (see `components::client`).
#[cfg_attr(any(feature = "ssr", feature = "staff-islands"), island)]
#[cfg_attr(not(any(feature = "ssr", feature = "staff-islands")), component)]
fn Programs() -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let programs = Resource::new(|| (), |_| list_programs());
    let title = tr(lang, "Program", "Programs");
    view! {
        <Title text=title/>
        <h1>{title}</h1>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || Suspend::new(async move {
                programs.await.map(|programs| view! {
                    {table_region(tr(lang, "Program", "Programs"), view! {
                        <table>
                            <thead><tr>
                                <th scope="col">{tr(lang, "Nama", "Name")}</th>
                                <th scope="col">{tr(lang, "Jenis", "Type")}</th>
                                <th scope="col">{tr(lang, "Status", "Status")}</th>
                                <th scope="col">{tr(lang, "Zona", "Zone")}</th>
                            </tr></thead>
                            <tbody>
                                {programs.into_iter().map(|p| view! {
                                    <tr>
                                        <td><a href=format!("/staff/programs/{}", p.slug)>{p.name}</a></td>
                                        <td>{p.kind.label(lang)}</td>
                                        <td>{p.status.label(lang)}</td>
                                        <td>{p.zone_label}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
                })
            })}
        </Suspense>
        <h2>{tr(lang, "Program baru", "New program")}</h2>
        <ProgramForm lang existing=None/>
    }
}

/// Creates a program (no `existing`) or changes one.
#[component]
pub fn ProgramForm(lang: Lang, existing: Option<ProgramResponse>) -> impl IntoView {
    let id = existing.as_ref().map(|p| p.id);
    let text = |f: fn(&ProgramResponse) -> String| {
        RwSignal::new(existing.as_ref().map(f).unwrap_or_default())
    };
    let name = text(|p| p.name.clone());
    let slug = text(|p| p.slug.clone());
    let description = text(|p| p.description.clone());
    let tz = RwSignal::new(
        existing
            .as_ref()
            .map(|p| p.tz.clone())
            .unwrap_or_else(|| DEFAULT_TZ.into()),
    );
    let duration = RwSignal::new(
        existing
            .as_ref()
            .map(|p| p.default_duration_minutes.to_string())
            .unwrap_or_else(|| "60".into()),
    );
    let platform = text(|p| p.platform.clone().unwrap_or_default());
    let stream_url = text(|p| p.stream_url.clone().unwrap_or_default());
    let place = text(|p| p.place.clone().unwrap_or_default());
    let kind = RwSignal::new(
        existing
            .as_ref()
            .map(|p| p.kind)
            .unwrap_or(ProgramKind::StorytellingBroadcast),
    );
    let status = RwSignal::new(
        existing
            .as_ref()
            .map(|p| p.status)
            .unwrap_or(ProgramStatus::Draft),
    );
    let slug_edited = RwSignal::new(id.is_some());
    // Suggest the slug from the name until staff type their own.
    Effect::new(move |_| {
        let suggested = slugify(&name.get());
        if !slug_edited.get_untracked() {
            slug.set(suggested);
        }
    });
    let save = Action::new(move |input: &ProgramInput| {
        let input = input.clone();
        async move { save_program(id, input).await }
    });
    // A plain post (sent before the client loaded, or without it) comes back marked
    // `?form=program` with its field errors, or lands on the editor with `?saved=program`.
    let errors = call_or_posted(save.value(), posted_messages(lang, "program"));
    let saved_by_post = id.is_some() && posted_saved().as_deref() == Some("program");
    let csrf = use_viewer().csrf_token;
    let action = match &existing {
        Some(program) => format!("/staff/programs/{}", program.slug),
        None => "/staff/programs".to_owned(),
    };
    Effect::new(move |_| {
        if let Some(Ok(program)) = save.value().get()
            && id.is_none()
        {
            crate::page_url::go_to(&format!("/staff/programs/{}", program.slug));
        }
    });
    let cover = existing.as_ref().and_then(|p| p.cover_image_url.clone());
    let existing_cover = move || cover.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(ProgramInput {
            name: name.get(),
            slug: slug.get(),
            kind: kind.get(),
            description: description.get(),
            cover_image_url: existing_cover(),
            tz: tz.get(),
            default_duration_minutes: duration.get().trim().parse().unwrap_or(0),
            stream_url: optional(stream_url.get()),
            platform: optional(platform.get()),
            place: optional(place.get()),
            status: status.get(),
        });
    };
    let form_id = if id.is_some() {
        "program-edit"
    } else {
        "program-new"
    };
    view! {
        <form class="stack card" method="post" action=action on:submit=submit id=form_id novalidate>
            <input type="hidden" name="csrf_token" value=csrf/>
            <FormStatus result=save.value().into() saved=tr(lang, "Tersimpan.", "Saved.")/>
            {move || (saved_by_post && save.value().get().is_none()).then(|| view! {
                <p class="notice" role="status">{tr(lang, "Tersimpan.", "Saved.")}</p>
            })}
            <Field id="program-name" name="name" label=tr(lang, "Nama program", "Program name") value=name errors required=true/>
            <div class="field">
                <label for="program-slug">{tr(lang, "Alamat (slug)", "Address (slug)")}</label>
                <p class="hint" id="program-slug-hint">{tr(lang, "Dipakai di /programs/…", "Used in /programs/…")}</p>
                <input id="program-slug" name="slug" value=slug.get_untracked() prop:value=move || slug.get() aria-describedby="program-slug-hint program-slug-error"
                    aria-invalid=move || errors.get().contains_key("slug").then_some("true")
                    on:input=move |ev| { slug_edited.set(true); slug.set(event_target_value(&ev)); }/>
                <crate::components::form::FieldError id="program-slug-error".into()
                    messages=Signal::derive(move || errors.get().get("slug").cloned().unwrap_or_default())/>
            </div>
            <div class="field">
                <label for="program-kind">{tr(lang, "Jenis", "Type")}</label>
                <select id="program-kind" name="kind" on:change=move |ev| if let Some(k) = ProgramKind::parse(&event_target_value(&ev)) { kind.set(k) }>
                    {ProgramKind::ALL.iter().map(|k| view! {
                        <option value=k.as_str() selected=move || kind.get() == *k>{k.label(lang)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="program-description">{tr(lang, "Deskripsi", "Description")}</label>
                <textarea id="program-description" name="description" prop:value=move || description.get()
                    on:input=move |ev| description.set(event_target_value(&ev))>{textarea_text(description.get_untracked())}</textarea>
            </div>
            <Field id="program-tz" name="tz" label=tr(lang, "Zona waktu (IANA)", "Time zone (IANA)") value=tz errors
                hint=tr(lang, "Misalnya Asia/Makassar (WITA).", "Such as Asia/Makassar (WITA).")/>
            <Field id="program-duration" name="default_duration_minutes" kind="number"
                label=tr(lang, "Durasi sesi (menit)", "Session length (minutes)") value=duration errors/>
            <Field id="program-platform" name="platform" label=tr(lang, "Platform", "Platform") value=platform errors/>
            <Field id="program-stream" name="stream_url" kind="url" label=tr(lang, "Tautan siaran", "Stream link") value=stream_url errors/>
            <Field id="program-place" name="place" label=tr(lang, "Tempat", "Place") value=place errors/>
            <div class="field">
                <label for="program-status">{tr(lang, "Status", "Status")}</label>
                <select id="program-status" name="status" on:change=move |ev| if let Some(s) = ProgramStatus::parse(&event_target_value(&ev)) { status.set(s) }>
                    {ProgramStatus::ALL.iter().map(|s| view! {
                        <option value=s.as_str() selected=move || status.get() == *s>{s.label(lang)}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button primary" disabled=move || save.pending().get()>
                {if id.is_some() { tr(lang, "Simpan program", "Save program") } else { tr(lang, "Buat program", "Create program") }}
            </button>
        </form>
    }
}

/// `/staff/programs/{slug}`: the program editor, an island given the route's slug.
#[component]
pub fn ProgramEditorPage() -> impl IntoView {
    let slug = use_params_map().with_untracked(|p| p.get("slug").unwrap_or_default());
    view! { <ClientScripts/><ProgramEditor slug/> }
}

/// One program: its details, partners, series, series builder and sessions.
// A staff island: in the staff bundle only (see `components::client`).
#[cfg_attr(any(feature = "ssr", feature = "staff-islands"), island)]
#[cfg_attr(not(any(feature = "ssr", feature = "staff-islands")), component)]
fn ProgramEditor(slug: String) -> impl IntoView {
    let lang = use_viewer().lang;
    let t = strings(lang);
    let slug = StoredValue::new(slug);
    let slug = move || slug.get_value();
    let version = RwSignal::new(0u32);
    // Every resource is created here, before rendering, so the server waits for all of them.
    let program = Resource::new(slug, get_program);
    let partners = Resource::new(|| (), |_| list_partners());
    let series = Resource::new(
        move || (slug(), version.get()),
        |(slug, _)| list_series(slug),
    );
    let sessions = Resource::new(
        move || (slug(), version.get()),
        |(slug, _)| {
            list_sessions(SessionQuery {
                from: Some(chrono::Utc::now() - chrono::Duration::days(1)),
                program: Some(slug),
                per_page: Some(20),
                ..SessionQuery::default()
            })
        },
    );
    let volunteering = Resource::new(slug, crate::api::get_program_volunteering);
    let saved = move || version.update(|v| *v += 1);
    let csrf = use_viewer().csrf_token;
    view! {
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || {
            let csrf = csrf.clone();
            Suspend::new(async move {
                let program = program.await?;
                let partners = partners.await?;
                let volunteering = volunteering.await?;
                let program_slug = program.slug.clone();
                // After a plain post of the program form, open it where its answer is.
                let program_form_answered = !posted_messages(lang, "program").is_empty()
                    || posted_saved().as_deref() == Some("program");
                Ok::<_, crate::api::ApiError>(view! {
                    <Title text=program.name.clone()/>
                    <h1>{program.name.clone()}</h1>
                    <p><a href=format!("/programs/{}", program.slug)>{tr(lang, "Halaman publik", "Public page")}</a></p>
                    <details class="card" open=program_form_answered>
                        <summary>{tr(lang, "Ubah data program", "Edit program details")}</summary>
                        <ProgramForm lang existing=Some(program.clone())/>
                    </details>
                    <PartnerRoles lang target=PartnerTarget::Program(program.id) current=program.partners.clone() partners action=format!("/staff/programs/{}/partners", program.slug)/>
                    <VolunteerRolesForm lang slug=program.slug.clone() settings=volunteering csrf=csrf.clone()/>
                    {audience_form(lang, &program.slug, csrf).into_any()}
                    <h2>{tr(lang, "Seri berulang", "Recurring series")}</h2>
                    <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                        {move || {
                            let slug = program_slug.clone();
                            Suspend::new(async move {
                            series.await.map(|list| view! {
                                <ul class="series-list">
                                    {list.into_iter().map(|s| view! {
                                        <li>{s.rule.summary(lang, s.start_local, &s.zone_label)}
                                            {s.host.clone().map(|h| format!(" · {h}"))}
                                            <EndSeriesForm lang slug=slug.clone() series_id=s.id on_saved=saved/></li>
                                    }).collect_view()}
                                </ul>
                            })
                        })
                        }}
                    </Suspense>
                    <SeriesBuilder lang program=program.clone() on_saved=saved/>
                    <OneOffForm lang program=program.clone() on_saved=saved/>
                    <h2 id="sessions-heading">{tr(lang, "Sesi mendatang", "Upcoming sessions")}</h2>
                    <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                        {move || Suspend::new(async move {
                            sessions.await.map(|page| view! {
                                <div aria-labelledby="sessions-heading" id="upcoming-sessions">
                                    <SessionList sessions=page.items lang link_to=LinkTo::Editor/>
                                </div>
                            })
                        })}
                    </Suspense>
                })
            })}}
        </Suspense>
    }
}

/// The program's volunteer roles as rows (the same as a session's), and its sign-up rules: a
/// plain form posting to `/staff/programs/{slug}/volunteering`. New sessions get these roles.
#[component]
fn VolunteerRolesForm(
    lang: Lang,
    slug: String,
    settings: shared::dto::volunteers::ProgramVolunteeringResponse,
    csrf: String,
) -> impl IntoView {
    let errors = posted_messages(lang, "program-roles");
    let refusal = crate::page_url::query().get("error");
    let saved = posted_saved().as_deref() == Some("program-roles");
    let open = refusal.is_some() || !errors.is_empty() || saved;
    let cutoff = plain_error(&errors, "signup_cutoff_minutes", "cutoff");
    let offer = plain_error(&errors, "offer_window_minutes", "offer-window");
    let rows = settings.roles.into_iter().map(RoleRow::from).collect();
    view! {
        <details class="card" id="volunteer-roles" open=open>
            <summary>{tr(lang, "Peran relawan dan aturan pendaftaran", "Volunteer roles and sign-up rules")}</summary>
            {refusal.map(|slug| view! { <p class="alert" role="alert">{refusal_text(lang, &slug)}</p> })}
            {saved.then(|| view! { <p class="notice" role="status">{tr(lang, "Peran tersimpan.", "Roles saved.")}</p> })}
            <form method="post" action=format!("/staff/programs/{slug}/volunteering") class="stack">
                <input type="hidden" name="csrf_token" value=csrf/>
                <p class="hint">{tr(lang,
                    "Sesi baru program ini mendapat peran-peran ini. Kosongkan nama untuk menghapus peran.",
                    "New sessions of this program get these roles. Empty a name to remove the role.")}</p>
                {role_fieldsets(lang, &errors, rows)}
                <div class="field">
                    <label for="cutoff">{tr(lang, "Pendaftaran ditutup (menit sebelum mulai)", "Sign-up closes (minutes before the start)")}</label>
                    <input id="cutoff" name="signup_cutoff_minutes" type="number" min="0" value=settings.signup_cutoff_minutes.to_string()
                        aria-invalid=cutoff.invalid aria-describedby=cutoff.described_by/>
                    {cutoff.line}
                </div>
                <div class="field">
                    <label for="offer-window">{tr(lang, "Waktu untuk menerima tawaran (menit)", "Time to take an offered place (minutes)")}</label>
                    <input id="offer-window" name="offer_window_minutes" type="number" min="15" value=settings.offer_window_minutes.to_string()
                        aria-invalid=offer.invalid aria-describedby=offer.described_by/>
                    {offer.line}
                </div>
                <button type="submit" class="button primary">{tr(lang, "Simpan peran", "Save roles")}</button>
            </form>
        </details>
    }
}

/// The words for a refusal the roles form came back with (`?error=<problem slug>`).
fn refusal_text(lang: Lang, slug: &str) -> String {
    shared::dto::volunteers::Refusal::from_slug(slug).map_or_else(
        || tr(lang, "Peran tidak tersimpan.", "The roles were not saved.").to_owned(),
        |refusal| refusal.message(lang).to_owned(),
    )
}

/// Adds a single session outside any series.
#[component]
fn OneOffForm(
    lang: Lang,
    program: ProgramResponse,
    on_saved: impl Fn() + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let program_id = program.id;
    let start = RwSignal::new(String::new());
    let duration = RwSignal::new(program.default_duration_minutes.to_string());
    let title = RwSignal::new(String::new());
    let host = RwSignal::new(String::new());
    let save = Action::new(move |input: &SessionInput| {
        let input = input.clone();
        async move { create_session(input).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            on_saved();
        }
    });
    // A plain post (sent before the client loaded, or without it) comes back marked
    // `?form=oneoff` with its field errors, or `?saved=session`.
    let posted_errors = posted_messages(lang, "oneoff");
    let posted_added = posted_saved().as_deref() == Some("session");
    let reopen = posted_added || !posted_errors.is_empty();
    let errors = call_or_posted(save.value(), posted_errors);
    let csrf = use_viewer().csrf_token;
    let action = format!("/staff/programs/{}/sessions", program.slug);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch(SessionInput {
            program_id,
            start_local: parse_local(&start.get()).unwrap_or(chrono::NaiveDateTime::MIN),
            duration_minutes: duration.get().trim().parse().unwrap_or(0),
            title: optional(title.get()),
            host: optional(host.get()),
        });
    };
    view! {
        <details class="card" open=reopen>
            <summary>{tr(lang, "Sesi tunggal (di luar seri)", "Single session (outside a series)")}</summary>
            <form class="stack" method="post" action=action on:submit=submit novalidate>
                <input type="hidden" name="csrf_token" value=csrf/>
                <FormStatus result=save.value().into() saved=tr(lang, "Sesi ditambahkan.", "Session added.")/>
                {move || (posted_added && save.value().get().is_none()).then(|| view! {
                    <p class="notice" role="status">{tr(lang, "Sesi ditambahkan.", "Session added.")}</p>
                })}
                <Field id="oneoff-start" name="start_local" kind="datetime-local" label=tr(lang, "Mulai", "Starts") value=start errors/>
                <Field id="oneoff-duration" name="duration_minutes" kind="number" label=tr(lang, "Durasi (menit)", "Length (minutes)") value=duration errors/>
                <Field id="oneoff-title" name="title" label=tr(lang, "Judul", "Title") value=title errors/>
                <Field id="oneoff-host" name="host" label=tr(lang, "Pembawa acara", "Host") value=host errors/>
                <button type="submit" class="button">{tr(lang, "Tambah sesi", "Add session")}</button>
            </form>
        </details>
    }
}

/// Ends a series after a chosen day; later sessions go (those edited one by one stay).
#[component]
fn EndSeriesForm(
    lang: Lang,
    /// The program's slug, for the plain form's address.
    slug: String,
    series_id: uuid::Uuid,
    on_saved: impl Fn() + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let last_day = RwSignal::new(String::new());
    let end = Action::new(move |day: &chrono::NaiveDate| {
        let day = *day;
        async move { end_series(series_id, day).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = end.value().get() {
            on_saved();
        }
    });
    let id = format!("end-{series_id}");
    // A plain post comes back marked `?form=end-{id}` with its field errors.
    let posted_errors = posted_messages(lang, &id);
    let reopen = !posted_errors.is_empty();
    let errors = call_or_posted(end.value(), posted_errors);
    let csrf = use_viewer().csrf_token;
    view! {
        <details open=reopen>
            <summary>{tr(lang, "Akhiri seri", "End the series")}</summary>
            <form class="filters" method="post" action=format!("/staff/programs/{slug}/series/{series_id}/end") novalidate on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                if let Ok(day) = chrono::NaiveDate::parse_from_str(&last_day.get(), "%Y-%m-%d") {
                    end.dispatch(day);
                }
            }>
                <input type="hidden" name="csrf_token" value=csrf/>
                <Field id name="last_day" kind="date" label=tr(lang, "Hari terakhir", "Last day") value=last_day errors/>
                <button type="submit" class="button">{tr(lang, "Akhiri", "End")}</button>
            </form>
        </details>
    }
}

/// Audience numbers for many sessions at once: a plain form posting rows (from a platform's
/// CSV export, or cells copied from a spreadsheet) to `/staff/programs/{slug}/audience`.
/// Wrong cells come back listed by line, with the text kept.
fn audience_form(lang: Lang, slug: &str, csrf: String) -> impl IntoView + use<> {
    let errors = posted_messages(lang, "audience");
    let query = crate::page_url::query();
    let updated = (query.get("saved").as_deref() == Some("audience"))
        .then(|| query.get("updated").unwrap_or_default());
    let viewer = use_viewer();
    let typed = FormEcho::of(viewer.form_echo.as_ref(), "audience")
        .and_then(|echo| echo.get("csv"))
        .unwrap_or_default()
        .to_owned();
    let problems = (!errors.is_empty()).then(|| {
        let lines = errors
            .iter()
            .map(|(field, messages)| {
                let place = match field
                    .strip_prefix("rows[")
                    .and_then(|rest| rest.split_once("]."))
                {
                    Some((line, column)) => {
                        format!("{} {line}, {column}", tr(lang, "Baris", "Line"))
                    }
                    None => field.clone(),
                };
                view! { <li>{format!("{place}: {}", messages.join(" "))}</li> }
            })
            .collect_view();
        view! { <ul class="field-error" id="audience-csv-error" role="alert">{lines}</ul> }
    });
    let invalid = problems.is_some().then_some("true");
    let described = problems
        .is_some()
        .then_some("audience-csv-error audience-csv-hint");
    view! {
        <form class="card stack" method="post" action=format!("/staff/programs/{slug}/audience") id="audience" aria-labelledby="audience-heading">
            <input type="hidden" name="csrf_token" value=csrf/>
            <h2 id="audience-heading">{tr(lang, "Impor jumlah penonton", "Import audience numbers")}</h2>
            {updated.map(|n| view! {
                <p class="notice" role="status">{format!("{} {n}", tr(lang, "Jumlah penonton tersimpan untuk sesi:", "Audience numbers saved for sessions:"))}</p>
            })}
            <p class="hint" id="audience-csv-hint">{tr(lang,
                "Tempel isi CSV dari statistik platform atau salin sel dari spreadsheet. Baris pertama menamai kolom: tanggal (2026-11-28 atau 28/11/2026) atau session_id, lalu penayangan, puncak, komentar, hadir. Kolom lain diabaikan.",
                "Paste a platform's CSV export or cells copied from a spreadsheet. The first row names the columns: date (2026-11-28 or 28/11/2026) or session_id, then views, peak, comments, in_person. Other columns are ignored.")}</p>
            {problems}
            <div class="field">
                <label for="audience-csv">{tr(lang, "Baris CSV", "CSV rows")}</label>
                <textarea id="audience-csv" name="csv" rows="6" required=true
                    aria-invalid=invalid aria-describedby=described.unwrap_or("audience-csv-hint")>{textarea_text(typed)}</textarea>
            </div>
            <button type="submit" class="button primary">{tr(lang, "Impor", "Import")}</button>
        </form>
    }
}
