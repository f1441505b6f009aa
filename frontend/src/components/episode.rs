//! What remains of a session after it aired, for the public: the recording (framed where
//! the platform's player may be, always also as a plain link), the summary, the storyteller
//! and the books read.

use leptos::prelude::*;
use shared::Lang;
use shared::dto::episodes::Episode;

use crate::i18n::tr;

/// An episode's details. `embed` frames the platform's player (one session's page); the
/// archive lists links only, so a page of ten episodes loads no players on a cheap phone.
#[component]
pub fn EpisodeDetails(
    episode: Episode,
    /// The session's title, naming the player for screen readers.
    title: String,
    lang: Lang,
    embed: bool,
) -> impl IntoView {
    let recording = episode.recording.map(|recording| {
        let label = match &recording.platform {
            Some(platform) => format!("{} {platform}", tr(lang, "Tonton rekaman di", "Watch the recording on")),
            None => tr(lang, "Tonton rekaman", "Watch the recording").to_owned(),
        };
        let player = recording.embed_url.filter(|_| embed).map(|src| {
            view! {
                <div class="player">
                    <iframe src=src title=format!("{}: {title}", tr(lang, "Rekaman", "Recording"))
                        referrerpolicy="strict-origin-when-cross-origin"
                        allow="encrypted-media; picture-in-picture; fullscreen"></iframe>
                </div>
            }
        });
        view! {
            {player}
            <p><a href=recording.url rel="external noopener" data-testid="recording-link">{label}</a></p>
        }
    });
    let books = (!episode.books.is_empty()).then(|| {
        view! {
            <h3>{tr(lang, "Buku yang dibacakan", "Books read")}</h3>
            <ul class="books">
                {episode.books.into_iter().map(|book| view! {
                    <li>
                        <cite>{book.title}</cite>
                        {book.author.map(|a| format!(" — {a}"))}
                        {book.isbn.map(|isbn| view! { <span class="isbn">{format!(" (ISBN {isbn})")}</span> })}
                    </li>
                }).collect_view()}
            </ul>
        }
    });
    view! {
        <div class="episode">
            {recording}
            {episode.storyteller.map(|s| view! {
                <p><strong>{tr(lang, "Pendongeng", "Storyteller")}</strong>{format!(": {s}")}</p>
            })}
            {episode.summary.map(|s| view! { <p class="summary">{s}</p> })}
            {books}
        </div>
    }
}
