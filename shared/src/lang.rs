//! The languages Siar speaks: Indonesian first, English second.

use serde::{Deserialize, Serialize};

/// A user-facing language. Indonesian is the default for every visitor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Bahasa Indonesia.
    #[default]
    Id,
    /// English.
    En,
}

impl Lang {
    /// Every supported language, in the order they are offered.
    pub const ALL: [Lang; 2] = [Lang::Id, Lang::En];

    /// The BCP 47 tag, as used in `<html lang>` and the language cookie.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    /// The language's own name for itself, for the language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Id => "Bahasa Indonesia",
            Lang::En => "English",
        }
    }

    /// Parses a tag such as `id`, `en`, `en-GB` or `id-ID`; anything else is `None`.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "id" | "in" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the best supported language from an `Accept-Language` header value, honouring
    /// q-values; falls back to Indonesian.
    pub fn from_accept_language(header: &str) -> Lang {
        header
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let lang = Lang::from_tag(pieces.next()?)?;
                let quality = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.parse::<f32>().ok())
                    .unwrap_or(1.0);
                Some((lang, quality))
            })
            .filter(|(_, q)| *q > 0.0)
            // The first of equal preferences wins, as the header lists them in order.
            .fold(None::<(Lang, f32)>, |best, (lang, q)| match best {
                Some((_, best_q)) if best_q >= q => best,
                _ => Some((lang, q)),
            })
            .map(|(lang, _)| lang)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_parsed_by_primary_subtag() {
        assert_eq!(Lang::from_tag("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("id_ID"), Some(Lang::Id));
        assert_eq!(Lang::from_tag("fr"), None);
    }

    #[test]
    fn accept_language_honours_quality_and_order() {
        assert_eq!(
            Lang::from_accept_language("en-US,en;q=0.9,id;q=0.8"),
            Lang::En
        );
        assert_eq!(
            Lang::from_accept_language("fr, en;q=0.5, id;q=0.7"),
            Lang::Id
        );
        assert_eq!(Lang::from_accept_language("de"), Lang::Id);
        assert_eq!(Lang::from_accept_language(""), Lang::Id);
        assert_eq!(Lang::from_accept_language("en;q=0, id"), Lang::Id);
    }
}
