//! The volunteer pages, made for a 360 px phone on slow data and usable without JavaScript:
//! `/volunteer` (register, or get a sign-in link), `/volunteer/sign-in` (the link's landing
//! page), `/volunteer/open` (sessions that need help), `/volunteer/me` (my sessions, offers,
//! waitlist positions, private calendar). Every action is a plain form post.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use shared::Lang;
use shared::dto::auth::FormEcho;
use shared::dto::volunteers::{
    LINK_SENT_ECHO, OpenSession, REGISTER_ECHO, Refusal, SessionBrief, SignupStatus, SignupView,
    Skill, VolunteerInput,
};

use crate::api::{ApiError, get_my_volunteering, get_open_sessions};
use crate::components::share::ShareToWhatsApp;
use crate::components::subscribe::SubscribePanel;
use crate::format::dated_when;
use crate::i18n::{strings, tr, use_viewer};

/// "Sabtu, 5 Desember 2026 · 09.00–10.00 WITA", with the library's clock where it differs.
fn when(lang: Lang, session: &SessionBrief) -> String {
    dated_when(
        lang,
        session.start_local,
        session.end_local,
        &session.zone_label,
        session.library_clock.as_ref(),
    )
}

/// The message for an `?error=` slug.
fn error_message(lang: Lang, slug: &str) -> String {
    if let Some(refusal) = Refusal::from_slug(slug) {
        return refusal.message(lang).to_owned();
    }
    match slug {
        "unauthenticated" => tr(
            lang,
            "Masuk dulu sebagai relawan untuk mendaftar.",
            "Sign in as a volunteer first to sign up.",
        ),
        "not-found" => tr(
            lang,
            "Sesi atau peran itu tidak ada lagi.",
            "That session or role no longer exists.",
        ),
        "email" => tr(
            lang,
            "Alamat email tidak valid.",
            "This is not a valid e-mail address.",
        ),
        _ => tr(
            lang,
            "Permintaan tidak dapat dipenuhi.",
            "This cannot be done.",
        ),
    }
    .to_owned()
}

#[component]
fn Alert(message: Option<String>) -> impl IntoView {
    message.map(|m| view! { <p class="alert" role="alert" id="form-error">{m}</p> })
}

/// `/volunteer`: register, or ask for a sign-in link.
#[component]
pub fn VolunteerPage() -> impl IntoView {
    let viewer = use_viewer();
    let lang = viewer.lang;
    let query = use_query_map().get_untracked();
    // Where the link went, and what a refused registration sent, come from the server
    // (kept in the session for this page), never from the URL.
    let sent = query.get("sent").map(|_| {
        FormEcho::of(viewer.form_echo.as_ref(), LINK_SENT_ECHO)
            .and_then(|echo| echo.get("email"))
            .map(str::to_owned)
    });
    let error = query.get("error").map(|e| error_message(lang, &e));
    // Back from a refused registration: the typed values and the same rules' messages.
    let typed = FormEcho::of(viewer.form_echo.as_ref(), REGISTER_ECHO);
    let typed_field = |name: &str| typed.and_then(|echo| echo.get(name)).map(str::to_owned);
    let echo = VolunteerInput {
        name: typed_field("name").unwrap_or_default(),
        email: typed_field("email").unwrap_or_default(),
        phone: typed_field("phone").filter(|phone| !phone.is_empty()),
        skills: typed
            .map(|echo| echo.all("skills").filter_map(Skill::parse).collect())
            .unwrap_or_default(),
        lang: typed_field("lang")
            .and_then(|l| Lang::from_tag(&l))
            .unwrap_or(lang),
        ..VolunteerInput::default()
    };
    let invalid = query.get("invalid").is_some();
    let errors = if invalid {
        echo.validate().err().unwrap_or_default()
    } else {
        shared::FieldErrors::new()
    };
    let message = |name: &str| {
        errors
            .0
            .get(name)
            .and_then(|list| list.first())
            .map(|e| e.message(lang))
    };
    let (name_error, email_error, phone_error) =
        (message("name"), message("email"), message("phone"));
    let field_error = |id: &'static str, text: Option<String>| {
        text.map(|t| view! { <p class="field-error" id=id>{t}</p> })
    };
    let csrf = viewer.csrf_token.clone();
    view! {
        <Title text=tr(lang, "Relawan", "Volunteer")/>
        <h1>{tr(lang, "Jadi relawan Siar", "Volunteer with Siar")}</h1>
        {viewer.volunteer.clone().map(|v| view! {
            <p class="card">{tr(lang, "Anda masuk sebagai ", "You are signed in as ")}<strong>{v.name}</strong>". "
                <a href="/volunteer/me">{tr(lang, "Sesi saya", "My sessions")}</a>" · "
                <a href="/volunteer/open">{tr(lang, "Sesi yang butuh bantuan", "Sessions that need help")}</a></p>
        })}
        {sent.map(|email| view! {
            <p class="notice" role="status" data-testid="link-sent">
                {match email {
                    Some(email) => view! {
                        {tr(lang, "Tautan masuk dikirim ke ", "A sign-in link is on its way to ")}<strong>{email}</strong>
                    }.into_any(),
                    None => tr(lang, "Tautan masuk dikirim ke email Anda", "A sign-in link is on its way to your e-mail").into_any(),
                }}
                {tr(lang, ". Buka email Anda dan ketuk tautannya (berlaku 15 menit).", ". Open your e-mail and tap the link (it works for 15 minutes).")}
            </p>
        })}
        <Alert message=error/>
        <section class="card narrow" id="sign-in" aria-labelledby="sign-in-heading">
            <h2 id="sign-in-heading">{tr(lang, "Sudah terdaftar? Masuk lewat email", "Already registered? Sign in by e-mail")}</h2>
            <form method="post" action="/volunteer/sign-in-link" class="stack">
                <input type="hidden" name="csrf_token" value=csrf.clone()/>
                <label for="link-email">{tr(lang, "Email", "E-mail")}</label>
                <input id="link-email" name="email" type="email" autocomplete="email" required/>
                <button type="submit" class="button primary">{tr(lang, "Kirim tautan masuk", "Send me a sign-in link")}</button>
            </form>
        </section>
        <section class="card narrow" id="register" aria-labelledby="register-heading">
            <h2 id="register-heading">{tr(lang, "Daftar sebagai relawan", "Register as a volunteer")}</h2>
            <form method="post" action="/volunteer/register" class="stack">
                <input type="hidden" name="csrf_token" value=csrf/>
                <label for="reg-name">{tr(lang, "Nama lengkap", "Full name")}</label>
                <input id="reg-name" name="name" required maxlength="120" autocomplete="name" value=echo.name.clone()
                    aria-invalid=name_error.is_some().then_some("true")
                    aria-describedby=name_error.is_some().then_some("reg-name-error")/>
                {field_error("reg-name-error", name_error.clone())}
                <label for="reg-email">{tr(lang, "Email", "E-mail")}</label>
                <input id="reg-email" name="email" type="email" required autocomplete="email" value=echo.email.clone()
                    aria-invalid=email_error.is_some().then_some("true")
                    aria-describedby=email_error.is_some().then_some("reg-email-error")/>
                {field_error("reg-email-error", email_error.clone())}
                <label for="reg-phone">{tr(lang, "Nomor HP/WhatsApp (boleh kosong)", "Phone/WhatsApp number (optional)")}</label>
                <input id="reg-phone" name="phone" type="tel" autocomplete="tel" value=echo.phone.clone().unwrap_or_default()
                    aria-invalid=phone_error.is_some().then_some("true")
                    aria-describedby=phone_error.is_some().then_some("reg-phone-error")/>
                {field_error("reg-phone-error", phone_error.clone())}
                <fieldset>
                    <legend>{tr(lang, "Keahlian", "Skills")}</legend>
                    {Skill::ALL.iter().map(|skill| {
                        let id = format!("skill-{}", skill.as_str());
                        let label_for = id.clone();
                        view! {
                            <label class="checkbox" for=label_for>
                                <input type="checkbox" id=id name="skills" value=skill.as_str() checked=echo.skills.contains(skill)/>
                                {skill.label(lang)}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <fieldset>
                    <legend>{tr(lang, "Bahasa email", "Language of e-mails")}</legend>
                    {Lang::ALL.iter().map(|l| {
                        let id = format!("lang-{}", l.code());
                        let label_for = id.clone();
                        view! {
                            <label class="checkbox" for=label_for>
                                <input type="radio" id=id name="lang" value=l.code() checked=echo.lang == *l/>
                                {l.native_name()}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button primary">{tr(lang, "Daftar", "Register")}</button>
            </form>
        </section>
    }
}

/// `/volunteer/sign-in?token=…`: one button that uses the link.
#[component]
pub fn VolunteerSignInPage() -> impl IntoView {
    let viewer = use_viewer();
    let lang = viewer.lang;
    let token = use_query_map()
        .get_untracked()
        .get("token")
        .unwrap_or_default();
    view! {
        <Title text=tr(lang, "Masuk relawan", "Volunteer sign-in")/>
        <section class="card narrow">
            <h1>{tr(lang, "Masuk sebagai relawan", "Sign in as a volunteer")}</h1>
            <form method="post" action="/volunteer/sign-in" class="stack">
                <input type="hidden" name="csrf_token" value=viewer.csrf_token.clone()/>
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="button primary" data-testid="use-link">{tr(lang, "Masuk", "Sign in")}</button>
            </form>
        </section>
    }
}

/// `/volunteer/open?skill=&from=&to=`: upcoming sessions that need volunteers.
#[component]
pub fn OpenSessionsPage() -> impl IntoView {
    let viewer = use_viewer();
    let lang = viewer.lang;
    let t = strings(lang);
    let query = use_query_map().get_untracked();
    let skill = query.get("skill").and_then(|s| Skill::parse(&s));
    let parse_day = |key: &str| query.get(key).and_then(|d| crate::format::parse_day(&d));
    let (from, to) = (parse_day("from"), parse_day("to"));
    let error = query.get("error").map(|e| error_message(lang, &e));
    let sessions = Resource::new(|| (), move |_| get_open_sessions(skill, from, to));
    let signed_in = viewer.volunteer.is_some();
    let csrf = viewer.csrf_token.clone();
    view! {
        <Title text=tr(lang, "Sesi yang butuh relawan", "Sessions that need volunteers")/>
        <h1>{tr(lang, "Sesi yang butuh relawan", "Sessions that need volunteers")}</h1>
        <Alert message=error/>
        {(!signed_in).then(|| view! {
            <p class="notice"><a href="/volunteer#sign-in">{tr(lang, "Masuk atau daftar", "Sign in or register")}</a>
                {tr(lang, " untuk mendaftar ke sesi.", " to sign up for a session.")}</p>
        })}
        <form method="get" action="/volunteer/open" class="filters">
            <label for="filter-skill">{tr(lang, "Keahlian", "Skill")}</label>
            <select id="filter-skill" name="skill">
                <option value="">{tr(lang, "Semua", "Any")}</option>
                {Skill::ALL.iter().map(|s| view! {
                    <option value=s.as_str() selected=skill == Some(*s)>{s.label(lang)}</option>
                }).collect_view()}
            </select>
            <label for="filter-from">{tr(lang, "Dari", "From")}</label>
            <input id="filter-from" name="from" type="date" value=from.map(|d| d.to_string()).unwrap_or_default()/>
            <label for="filter-to">{tr(lang, "Sampai", "To")}</label>
            <input id="filter-to" name="to" type="date" value=to.map(|d| d.to_string()).unwrap_or_default()/>
            <button type="submit" class="button">{tr(lang, "Saring", "Filter")}</button>
        </form>
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || {
                let csrf = csrf.clone();
                Suspend::new(async move {
                    let sessions = sessions.await?;
                    Ok::<_, ApiError>(if sessions.is_empty() {
                        view! { <p>{tr(lang, "Belum ada sesi yang butuh relawan.", "No session needs volunteers right now.")}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="open-sessions">
                                {sessions.into_iter().map(|open| view! {
                                    <OpenSessionCard open csrf=csrf.clone() signed_in lang/>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    })
                })
            }}
        </Suspense>
    }
}

/// The most sessions a shared list of open slots names (a chat message stays short).
const SHARED_SLOTS: usize = 10;

/// The text that asks a volunteers' WhatsApp group for help: a line per session with free
/// places (its roles and how many), the rest left to the page the link opens.
pub fn open_slots_text(lang: Lang, sessions: &[OpenSession]) -> String {
    let lines: Vec<String> = sessions
        .iter()
        .filter_map(|open| {
            let roles: Vec<String> = open
                .roles
                .iter()
                .filter(|role| role.free() > 0)
                .map(|role| format!("{} ({})", role.name, role.free()))
                .collect();
            (!roles.is_empty()).then(|| {
                format!(
                    "• {} — {}: {}",
                    open.session.title,
                    when(lang, &open.session),
                    roles.join(", ")
                )
            })
        })
        .take(SHARED_SLOTS)
        .collect();
    if lines.is_empty() {
        return String::new();
    }
    format!(
        "{}\n{}\n{}",
        tr(lang, "Relawan dibutuhkan:", "Volunteers needed:"),
        lines.join("\n"),
        tr(lang, "Daftar di:", "Sign up at:")
    )
}

#[component]
fn OpenSessionCard(open: OpenSession, csrf: String, signed_in: bool, lang: Lang) -> impl IntoView {
    let share_text = open_slots_text(lang, std::slice::from_ref(&open));
    let session = open.session;
    view! {
        <li class="card" id=format!("open-{}", session.id)>
            <h2><a href=format!("/sessions/{}", session.id)>{session.title.clone()}</a></h2>
            <p>{when(lang, &session)}</p>
            <ul class="roles">
                {open.roles.into_iter().map(|role| {
                    let free = role.free();
                    let label = if free > 0 {
                        format!("{} {}", free, tr(lang, "tempat kosong", "free places"))
                    } else {
                        format!("{} · {} {}", tr(lang, "Penuh", "Full"), role.waitlisted, tr(lang, "antre", "waiting"))
                    };
                    let action = if free > 0 { tr(lang, "Daftar", "Sign up") } else { tr(lang, "Masuk daftar tunggu", "Join the waitlist") };
                    view! {
                        <li>
                            <strong>{role.name.clone()}</strong>
                            {role.skill.map(|s| s.label(lang)).filter(|label| *label != role.name).map(|label| format!(" ({label})"))}
                            " — " {label}
                            {signed_in.then(|| view! {
                                <form method="post" action="/volunteer/signups" class="inline">
                                    <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                    <input type="hidden" name="role_id" value=role.id.to_string()/>
                                    <button type="submit" class="button primary" aria-label=format!("{action}: {}, {}", role.name, session.title)>{action}</button>
                                </form>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {(!share_text.is_empty()).then(|| view! {
                <ShareToWhatsApp text=share_text path=format!("/volunteer/open#open-{}", session.id)/>
            })}
        </li>
    }
}

/// `/volunteer/me`: my sessions, offers and waitlist positions, withdraw, my calendar.
#[component]
pub fn MyVolunteeringPage() -> impl IntoView {
    let viewer = use_viewer();
    let lang = viewer.lang;
    let t = strings(lang);
    let query = use_query_map().get_untracked();
    let error = query.get("error").map(|e| error_message(lang, &e));
    let done = query.get("done").map(|d| match d.as_str() {
        "accepted" => tr(
            lang,
            "Tempat sudah Anda ambil. Terima kasih!",
            "The place is yours. Thank you!",
        ),
        _ => tr(
            lang,
            "Anda sudah mundur dari sesi itu.",
            "You have withdrawn from that session.",
        ),
    });
    let data = Resource::new(|| (), |_| get_my_volunteering());
    let csrf = viewer.csrf_token.clone();
    let base_url = viewer.base_url.clone();
    view! {
        <Title text=tr(lang, "Sesi saya", "My sessions")/>
        <Alert message=error/>
        {done.map(|d| view! { <p class="notice" role="status">{d}</p> })}
        <Suspense fallback=move || view! { <p>{t.loading}</p> }>
            {move || {
                let csrf = csrf.clone();
                let base_url = base_url.clone();
                Suspend::new(async move {
                    let me = match data.await {
                        Ok(Some(me)) => me,
                        Err(error) => return view! { <p class="alert" role="alert">{error.0.title.clone()}</p> }.into_any(),
                        Ok(None) => return view! {
                            <h1>{tr(lang, "Sesi saya", "My sessions")}</h1>
                            <p><a href="/volunteer#sign-in">{tr(lang, "Masuk sebagai relawan", "Sign in as a volunteer")}</a>
                                {tr(lang, " untuk melihat sesi Anda.", " to see your sessions.")}</p>
                        }.into_any(),
                    };
                    let feed_path = me.calendar.url.strip_prefix(&base_url).unwrap_or(&me.calendar.url).to_owned();
                    view! {
                        <h1>{tr(lang, "Sesi saya", "My sessions")}</h1>
                        <p>{me.profile.name.clone()}" · "<a href="/volunteer/open">{tr(lang, "Cari sesi yang butuh bantuan", "Find sessions that need help")}</a></p>
                        {if me.signups.is_empty() {
                            view! { <p>{tr(lang, "Anda belum terdaftar di sesi mana pun.", "You are not signed up for any session yet.")}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="my-signups">
                                    {me.signups.into_iter().map(|s| view! { <SignupCard signup=s csrf=csrf.clone() lang/> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        <div id="my-calendar">
                            <SubscribePanel path=feed_path name=me.calendar.name.clone()/>
                            <form method="post" action="/volunteer/calendar/reset">
                                <input type="hidden" name="csrf_token" value=csrf.clone()/>
                                <button type="submit" class="button">{tr(lang, "Buat alamat kalender baru", "Make a new calendar address")}</button>
                            </form>
                        </div>
                        <form method="post" action="/volunteer/sign-out">
                            <input type="hidden" name="csrf_token" value=csrf.clone()/>
                            <button type="submit" class="button">{tr(lang, "Keluar", "Sign out")}</button>
                        </form>
                    }.into_any()
                })
            }}
        </Suspense>
    }
}

#[component]
fn SignupCard(signup: SignupView, csrf: String, lang: Lang) -> impl IntoView {
    let status = match (signup.status, signup.waitlist_position) {
        (SignupStatus::Waitlisted, Some(position)) => format!(
            "{} · {} {position}",
            signup.status.label(lang),
            tr(lang, "urutan", "number")
        ),
        (status, _) => status.label(lang).to_owned(),
    };
    let id = signup.id;
    // A called-off session: nothing to take or withdraw from, whatever the sign-up's state.
    let cancelled = signup.session.cancelled;
    let status = if cancelled {
        tr(lang, "Sesi dibatalkan", "Session cancelled").to_owned()
    } else {
        status
    };
    let offer = (signup.status == SignupStatus::Offered && !cancelled).then(|| {
        let until = signup.offer_expires_local.clone().unwrap_or_default();
        view! {
            <p>{tr(lang, "Sebuah tempat untuk Anda, ambil sebelum ", "A place for you: take it before ")}{until}</p>
            <form method="post" action=format!("/volunteer/signups/{id}/accept") class="inline">
                <input type="hidden" name="csrf_token" value=csrf.clone()/>
                <button type="submit" class="button primary" data-testid="accept-offer">{tr(lang, "Ambil tempat", "Take the place")}</button>
            </form>
        }
    });
    let leave = if signup.status == SignupStatus::Offered {
        tr(lang, "Tolak", "Decline")
    } else {
        tr(lang, "Mundur", "Withdraw")
    };
    let withdraw = (!cancelled).then(|| {
        view! {
            <form method="post" action=format!("/volunteer/signups/{id}/withdraw") class="inline">
                <input type="hidden" name="csrf_token" value=csrf/>
                <button type="submit" class="button" aria-label=format!("{leave}: {}", signup.session.title)>{leave}</button>
            </form>
        }
    });
    let data_status = if cancelled {
        "cancelled"
    } else {
        signup.status.as_str()
    };
    view! {
        <li class="card" id=format!("signup-{id}") data-status=data_status>
            <h2><a href=format!("/sessions/{}", signup.session.id)>{signup.session.title.clone()}</a></h2>
            <p>{when(lang, &signup.session)}</p>
            <p>{signup.role_name.clone()}" — "<strong data-testid="signup-status">{status}</strong></p>
            {offer}
            {withdraw}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone, Utc};
    use shared::dto::volunteers::SessionRoleView;

    fn role(name: &str, capacity: u32, confirmed: u32) -> SessionRoleView {
        SessionRoleView {
            id: uuid::Uuid::nil(),
            name: name.to_owned(),
            capacity,
            skill: None,
            confirmed,
            offered: 0,
            waitlisted: 0,
            customised: false,
        }
    }

    fn open(title: &str, roles: Vec<SessionRoleView>) -> OpenSession {
        let start = NaiveDate::from_ymd_opt(2026, 12, 12)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .unwrap_or_default();
        let instant = Utc.with_ymd_and_hms(2026, 12, 12, 1, 0, 0).unwrap();
        OpenSession {
            session: SessionBrief {
                id: uuid::Uuid::nil(),
                title: title.to_owned(),
                program_name: title.to_owned(),
                program_slug: "dongkelor".to_owned(),
                starts_at: instant,
                ends_at: instant + chrono::Duration::hours(1),
                tz: "Asia/Makassar".to_owned(),
                start_local: start,
                end_local: start + chrono::Duration::hours(1),
                zone_label: "WITA".to_owned(),
                library_clock: None,
                cancelled: false,
                signup_closes_at: instant,
            },
            roles,
        }
    }

    #[test]
    fn the_shared_slots_name_only_free_places() {
        let sessions = [
            open(
                "Dongkelor",
                vec![role("Pembawa acara", 1, 0), role("Kamera", 2, 2)],
            ),
            open("Dapur Pustaka", vec![role("Juru masak", 2, 2)]),
        ];
        assert_eq!(
            open_slots_text(Lang::Id, &sessions),
            "Relawan dibutuhkan:\n• Dongkelor — Sabtu, 12 Desember 2026 · 09.00–10.00 WITA: Pembawa acara (1)\nDaftar di:"
        );
        assert_eq!(
            open_slots_text(Lang::En, &sessions[1..]),
            "",
            "nothing to ask for"
        );
    }
}
