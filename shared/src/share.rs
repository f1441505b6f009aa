//! Links that hand a page to WhatsApp, where Makassar's volunteers and parents share things:
//! `https://wa.me/?text=` with a short text and the page's address. The text is
//! percent-encoded whole (RFC 3986: all but letters, digits and `-._~`), so Indonesian
//! letters, `&`, `#`, `+` and line breaks arrive as written. No script is needed.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// What a query value must encode: everything but RFC 3986's unreserved characters.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `value` encoded to stand as one value of a query string.
pub fn query_value(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

/// The link that opens WhatsApp with `text`, then `url` on a line of its own.
pub fn whatsapp_href(text: &str, url: &str) -> String {
    let message = format!("{}\n{url}", text.trim());
    format!("https://wa.me/?text={}", query_value(&message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use percent_encoding::percent_decode_str;

    #[test]
    fn the_text_and_address_arrive_as_written() {
        let text = "Dongkelor: Si Kancil & Buaya — Sabtu, 5 Desember 2026 · 09.00 WITA #baca +1";
        let url = "https://siar.example/sessions/01a2?from=wa&x=1";
        let href = whatsapp_href(text, url);
        let encoded = href.strip_prefix("https://wa.me/?text=").unwrap();
        // Nothing that would end or split the query value is left bare.
        assert!(
            !encoded.contains(['&', '#', '+', ' ', '?', '=', '\n', '—', '·']),
            "{encoded}"
        );
        assert!(
            encoded.contains("%E2%80%94"),
            "the dash as UTF-8: {encoded}"
        );
        assert!(encoded.contains("%0A"), "the line break: {encoded}");
        let decoded = percent_decode_str(encoded).decode_utf8().unwrap();
        assert_eq!(decoded, format!("{text}\n{url}"));
    }
}
