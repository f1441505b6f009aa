//! Sharing a page: "Bagikan ke WhatsApp" as a plain link (works without JavaScript), and the
//! Open Graph tags that make the shared link show a title, a line and a picture in the chat.

use leptos::prelude::*;
use leptos_meta::Meta;
use shared::Lang;
use shared::share::whatsapp_href;

use crate::i18n::{tr, use_viewer};

/// The longest description a preview shows whole (longer ones are cut at a word).
const DESCRIPTION_CHARS: usize = 200;

/// A link that opens WhatsApp with `text` and the address of this site's `path`.
#[component]
pub fn ShareToWhatsApp(text: String, path: String) -> impl IntoView {
    let viewer = use_viewer();
    let href = whatsapp_href(&text, &format!("{}{path}", viewer.base_url));
    view! {
        <p class="share">
            <a class="button share-whatsapp" href=href rel="external noopener" target="_blank" data-testid="share-whatsapp">
                {tr(viewer.lang, "Bagikan ke WhatsApp", "Share to WhatsApp")}
            </a>
        </p>
    }
}

/// The page's Open Graph tags: title, description (with the date, where there is one), the
/// page's address, the site's picture and the language.
#[component]
pub fn OpenGraph(title: String, description: String, path: String) -> impl IntoView {
    let viewer = use_viewer();
    let description = shorten(&description);
    let locale = match viewer.lang {
        Lang::Id => "id_ID",
        Lang::En => "en_GB",
    };
    view! {
        <Meta name="description" content=description.clone()/>
        <Meta property="og:type" content="website"/>
        <Meta property="og:site_name" content="Siar"/>
        <Meta property="og:title" content=title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:url" content=format!("{}{path}", viewer.base_url)/>
        <Meta property="og:image" content=format!("{}/og-image.png", viewer.base_url)/>
        <Meta property="og:image:width" content="1200"/>
        <Meta property="og:image:height" content="630"/>
        <Meta property="og:locale" content=locale/>
    }
}

/// `text` cut to [`DESCRIPTION_CHARS`] at a word, with an ellipsis.
pub fn shorten(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= DESCRIPTION_CHARS {
        return text.to_owned();
    }
    let cut: String = text.chars().take(DESCRIPTION_CHARS).collect();
    let at_word = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", at_word.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_descriptions_are_cut_at_a_word() {
        assert_eq!(shorten("  Dongeng pagi  "), "Dongeng pagi");
        let long = "kata ".repeat(60);
        let short = shorten(&long);
        assert!(short.chars().count() <= DESCRIPTION_CHARS + 1);
        assert!(short.ends_with("kata…"), "{short}");
    }
}
