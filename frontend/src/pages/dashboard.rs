//! `/staff`: the staff dashboard (any staff role).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::{ApiError, get_cooperation_alerts, my_calendar};
use crate::format::{dated_time, on_library_clock};
use crate::i18n::{strings, tr, use_viewer};

/// The staff dashboard.
#[component]
pub fn DashboardPage() -> impl IntoView {
    let viewer = use_viewer();
    let t = strings(viewer.lang);
    let greeting = viewer.user.map(|user| {
        view! {
            <p>{t.dashboard_welcome} ", " <strong data-testid="staff-name">{user.name}</strong> "."</p>
            <p>{t.dashboard_role} ": " {user.role.label(viewer.lang)}</p>
        }
    });
    let calendar = Resource::new(|| (), |_| my_calendar());
    let alerts = Resource::new(|| (), |_| get_cooperation_alerts());
    let lang = viewer.lang;
    let csrf = viewer.csrf_token.clone();
    // What `/account/password` answered (`?password=`).
    let password_notice = use_query_map().get_untracked().get("password").map(|code| {
        let (text, alert) = match code.as_str() {
            "changed" => (tr(lang, "Kata sandi diganti.", "Password changed."), false),
            "wrong" => (
                tr(
                    lang,
                    "Kata sandi sekarang salah.",
                    "The current password is wrong.",
                ),
                true,
            ),
            "locked" => (
                tr(
                    lang,
                    "Terlalu banyak percobaan; coba lagi nanti.",
                    "Too many attempts; try again later.",
                ),
                true,
            ),
            _ => (
                tr(
                    lang,
                    "Kata sandi baru minimal 12 karakter.",
                    "The new password needs at least 12 characters.",
                ),
                true,
            ),
        };
        if alert {
            view! { <p class="alert" role="alert" data-testid="password-notice">{text}</p> }
                .into_any()
        } else {
            view! { <p class="notice" role="status" data-testid="password-notice">{text}</p> }
                .into_any()
        }
    });
    view! {
        <Title text=t.dashboard_title/>
        <h1>{t.dashboard_title}</h1>
        {greeting}
        <section class="card">
            <p>{t.dashboard_empty}</p>
            <p><a href="/staff/programs">{tr(viewer.lang, "Program", "Programs")}</a>" · "
               <a href="/staff/calendar">{tr(viewer.lang, "Kalender", "Calendar")}</a></p>
        </section>
        <section class="card" id="cooperation" aria-labelledby="cooperation-heading" data-testid="cooperation-card">
            <h2 id="cooperation-heading">{tr(lang, "Kerja sama mitra", "Partner cooperation")}</h2>
            <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                {move || Suspend::new(async move {
                    let alerts = alerts.await?;
                    Ok::<_, ApiError>(view! {
                        <h3>{tr(lang, "Perjanjian yang segera berakhir", "Agreements ending soon")}</h3>
                        {alerts.expiring.is_empty().then(|| view! { <p>{tr(lang, "Tidak ada dalam 60 hari ke depan.", "None in the next 60 days.")}</p> })}
                        <ul data-testid="expiring-agreements">
                            {alerts.expiring.iter().map(|a| view! {
                                <li>
                                    <a href=format!("/staff/agreements/{}", a.id)>{a.title.clone()}</a>
                                    {format!(" ({}) · {} {} · {} {}", a.partners.join(", "), tr(lang, "berakhir", "ends"), a.ends_on, a.days_left, tr(lang, "hari lagi", "days left"))}
                                </li>
                            }).collect_view()}
                        </ul>
                        <h3>{tr(lang, "Mitra tanpa perjanjian yang berlaku", "Partners without an agreement in force")}</h3>
                        {alerts.uncovered.is_empty().then(|| view! { <p>{tr(lang, "Semua mitra dengan sesi mendatang punya perjanjian.", "Every partner with upcoming sessions has an agreement.")}</p> })}
                        <ul data-testid="uncovered-partners">
                            {alerts.uncovered.iter().map(|p| view! {
                                <li><a href=format!("/staff/partners/{}", p.slug)>{p.name.clone()}</a></li>
                            }).collect_view()}
                        </ul>
                        <h3>{tr(lang, "Jawaban mitra", "Partners' answers")}</h3>
                        {alerts.answers.is_empty().then(|| view! { <p>{tr(lang, "Tidak ada jawaban baru untuk sesi mendatang.", "No new answers for upcoming sessions.")}</p> })}
                        <ul data-testid="partner-answers">
                            {alerts.answers.iter().map(|a| view! {
                                <li>
                                    <a href=format!("/staff/partners/{}", a.partner_slug)>{a.partner_name.clone()}</a>
                                    " · "<strong>{a.answer.label(lang)}</strong>" · "
                                    <a href=format!("/staff/sessions/{}", a.session_id)>{a.session_title.clone()}</a>
                                    {format!(" ({}{})", dated_time(lang, a.start_local, &a.zone_label), on_library_clock(lang, a.start_local, a.library_clock.as_ref()))}
                                    {a.note.clone().map(|note| view! { " "<q>{note}</q> })}
                                </li>
                            }).collect_view()}
                        </ul>
                        <p><a href="/staff/agreements">{tr(lang, "Semua perjanjian", "All agreements")}</a>" · "
                           <a href="/staff/reports/partners">{tr(lang, "Laporan kerja sama", "Cooperation report")}</a></p>
                    })
                })}
            </Suspense>
        </section>
        <section class="card" id="my-account" aria-labelledby="my-account-heading">
            <h2 id="my-account-heading">{tr(lang, "Kata sandi saya", "My password")}</h2>
            {password_notice}
            <p>{tr(lang,
                "Setelah diganti, semua sesi lain akun Anda berakhir; sesi ini tetap berjalan.",
                "Once changed, every other session of your account ends; this one goes on.")}</p>
            <form method="post" action="/account/password" class="stack">
                <input type="hidden" name="csrf_token" value=csrf.clone()/>
                <label for="current-password">{tr(lang, "Kata sandi sekarang", "Current password")}</label>
                <input id="current-password" type="password" name="current_password" required autocomplete="current-password"/>
                <label for="new-password">{tr(lang, "Kata sandi baru (minimal 12 karakter)", "New password (at least 12 characters)")}</label>
                <input id="new-password" type="password" name="new_password" minlength="12" required autocomplete="new-password"/>
                <button type="submit" class="button" data-testid="change-password">{tr(lang, "Ganti kata sandi", "Change password")}</button>
            </form>
        </section>
        <section class="card" id="my-calendar" aria-labelledby="my-calendar-heading">
            <h2 id="my-calendar-heading">{tr(lang, "Kalender pribadi saya", "My private calendar")}</h2>
            <p>{tr(lang,
                "Alamat rahasia: siapa pun yang memilikinya dapat melihat jadwal Anda. Buat alamat baru jika alamat lama tersebar; alamat lama langsung berhenti berfungsi.",
                "A secret address: anyone who has it can see your schedule. Make a new one if the old one got out; the old one stops working at once.")}</p>
            <Suspense fallback=move || view! { <p>{t.loading}</p> }>
                {move || Suspend::new(async move {
                    calendar.await.map(|links| view! {
                        <p>
                            <label for="my-calendar-url">{tr(lang, "Alamat kalender pribadi", "Private calendar address")}</label>
                            <input id="my-calendar-url" type="text" readonly value=links.url.clone() data-testid="my-calendar-url"/>
                        </p>
                        <p><a href=links.webcal.clone()>{tr(lang, "Buka di aplikasi kalender", "Open in your calendar app")}</a></p>
                    })
                })}
            </Suspense>
            <form method="post" action="/account/calendar/reset">
                <input type="hidden" name="csrf_token" value=csrf/>
                <button type="submit" class="button" data-testid="reset-calendar">{tr(lang, "Buat alamat baru", "Make a new address")}</button>
            </form>
        </section>
    }
}
