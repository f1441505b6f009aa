//! "Subscribe" for a feed and "Add to calendar" for one session. Plain links and a readonly
//! field work without JavaScript; the copy button appears once the page is hydrated.

use leptos::prelude::*;
use shared::Lang;
use shared::dto::calendar::{EventFacts, event_links, subscribe_links};
use shared::dto::schedule::SessionResponse;

use crate::components::client::ClientScripts;
use crate::components::server_link::ServerLink;
use crate::i18n::{tr, use_viewer};

/// The ways to subscribe to the feed at `path` (e.g. `/calendar/all.ics`), named `name`.
#[component]
pub fn SubscribePanel(#[prop(into)] path: String, #[prop(into)] name: String) -> impl IntoView {
    let viewer = use_viewer();
    let lang = viewer.lang;
    let links = subscribe_links(&viewer.base_url, &path, &name);
    let key: String = path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let heading_id = format!("subscribe{key}");
    let field_id = format!("feed-url{key}");
    let labelled_by = heading_id.clone();
    view! {
        <section class="subscribe card" aria-labelledby=labelled_by>
            <h2 id=heading_id>{tr(lang, "Langganan kalender", "Subscribe to this calendar")}</h2>
            <p>{tr(
                lang,
                "Sesi baru, perubahan dan pembatalan muncul sendiri di aplikasi kalender Anda.",
                "New sessions, changes and cancellations appear in your calendar app by themselves.",
            )}</p>
            <ul class="subscribe-links">
                <li><a href=links.webcal.clone() data-testid="subscribe-webcal">
                    {tr(lang, "Buka di aplikasi kalender (Apple, Android, Thunderbird)", "Open in your calendar app (Apple, Android, Thunderbird)")}
                </a></li>
                <li><a href=links.google.clone() rel="external noopener" data-testid="subscribe-google">
                    {tr(lang, "Tambahkan ke Google Calendar", "Add to Google Calendar")}
                </a></li>
                <li><a href=links.outlook.clone() rel="external noopener" data-testid="subscribe-outlook">
                    {tr(lang, "Tambahkan ke Outlook", "Add to Outlook")}
                </a></li>
            </ul>
            <div class="copy-row">
                <label for=field_id.clone()>{tr(lang, "Alamat kalender untuk aplikasi lain", "Calendar address for other apps")}</label>
                <input id=field_id type="text" readonly value=links.url.clone() data-testid="subscribe-url"/>
                <CopyButton text=links.url.clone() lang/>
                <ClientScripts/>
            </div>
            <figure class="qr">
                <img src=links.qr_code.clone() width="160" height="160" loading="lazy"
                    alt=format!("{} {}", tr(lang, "Kode QR alamat kalender", "QR code of the calendar address"), links.url)/>
                <figcaption>{tr(lang, "Pindai untuk berlangganan; cetak untuk poster.", "Scan to subscribe; print it on posters.")}</figcaption>
            </figure>
        </section>
    }
}

/// "Add to calendar" links for one session.
#[component]
pub fn AddToCalendar(session: SessionResponse, lang: Lang) -> impl IntoView {
    let viewer = use_viewer();
    let page = format!("{}/sessions/{}", viewer.base_url, session.id);
    let details = match &session.host {
        Some(host) => format!("{}: {host}\n{page}", tr(lang, "Pembawa acara", "Host")),
        None => page,
    };
    let links = event_links(
        &viewer.base_url,
        &EventFacts {
            id: session.id,
            title: &session.title,
            starts_at: session.starts_at,
            ends_at: session.ends_at,
            details: &details,
            location: session.location(),
        },
    );
    view! {
        <section class="add-to-calendar" aria-label=tr(lang, "Tambahkan ke kalender", "Add to calendar")>
            <h2>{tr(lang, "Tambahkan ke kalender", "Add to calendar")}</h2>
            <ul class="subscribe-links">
                <li><ServerLink href=links.ics attr:data-testid="add-ics" label=tr(lang, "Berkas kalender (.ics)", "Calendar file (.ics)")/></li>
                <li><a href=links.google rel="external noopener">"Google Calendar"</a></li>
                <li><a href=links.outlook rel="external noopener">"Outlook"</a></li>
            </ul>
        </section>
    }
}

/// Copies `text` to the clipboard: the panel's one piece of client code, an island. Hidden
/// until it hydrates, since it can do nothing before.
#[island]
fn CopyButton(text: String, lang: Lang) -> impl IntoView {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));
    let (copied, set_copied) = signal(false);
    let copy = move |_| {
        copy_to_clipboard(&text);
        set_copied.set(true);
    };
    view! {
        <button type="button" class="button" hidden=move || !hydrated.get() on:click=copy>
            {move || if copied.get() { tr(lang, "Tersalin", "Copied") } else { tr(lang, "Salin alamat", "Copy address") }}
        </button>
    }
}

#[cfg(feature = "hydrate")]
fn copy_to_clipboard(text: &str) {
    if let Some(window) = web_sys::window() {
        // The promise settles on its own; a refusal leaves the field to copy by hand.
        let _ = window.navigator().clipboard().write_text(text);
    }
}

#[cfg(not(feature = "hydrate"))]
fn copy_to_clipboard(_text: &str) {}
