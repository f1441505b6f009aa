//! What a recording link is: which platform it belongs to and, where the platform offers a
//! player that may be framed, the player's address. Only the hosts named in
//! [`EMBED_ORIGINS`] are ever framed; the page's Content-Security-Policy allows exactly them.

use shared::dto::episodes::Recording;
use url::Url;

/// YouTube's privacy-enhanced player (no cookies until the video plays).
const YOUTUBE_PLAYER: &str = "https://www.youtube-nocookie.com";
/// Facebook's video player.
const FACEBOOK_PLAYER: &str = "https://www.facebook.com";
/// The origins whose players a page may frame (the Content-Security-Policy's `frame-src`).
pub const EMBED_ORIGINS: &[&str] = &[YOUTUBE_PLAYER, FACEBOOK_PLAYER];

/// A saved recording link, with its platform and player where known.
pub fn recording(url: &str) -> Recording {
    let parsed = Url::parse(url).ok();
    let host = parsed.as_ref().and_then(Url::host_str).map(|h| {
        h.trim_start_matches("www.")
            .trim_start_matches("m.")
            .to_ascii_lowercase()
    });
    let platform = match host.as_deref() {
        Some("youtube.com" | "youtu.be" | "youtube-nocookie.com") => Some("YouTube"),
        Some("facebook.com" | "fb.watch" | "web.facebook.com") => Some("Facebook"),
        Some("instagram.com") => Some("Instagram"),
        _ => None,
    };
    let embed_url = parsed.as_ref().and_then(|parsed| match platform {
        Some("YouTube") => youtube_id(parsed).map(|id| format!("{}/embed/{id}", YOUTUBE_PLAYER)),
        Some("Facebook") => facebook_player(parsed),
        // Instagram's embed needs its script; the link is enough.
        _ => None,
    });
    Recording {
        url: url.to_owned(),
        platform: platform.map(str::to_owned),
        embed_url,
    }
}

/// The video id of a YouTube link: `watch?v=ID`, `youtu.be/ID`, `/live/ID`, `/shorts/ID` or
/// `/embed/ID`; ids are eleven letters, digits, `-` or `_`.
fn youtube_id(url: &Url) -> Option<String> {
    let mut segments = url.path_segments()?;
    let id = if url.host_str()? == "youtu.be" {
        segments.next().map(str::to_owned)
    } else {
        match segments.next()? {
            "watch" => url
                .query_pairs()
                .find(|(key, _)| key == "v")
                .map(|(_, v)| v.into_owned()),
            "live" | "shorts" | "embed" => segments.next().map(str::to_owned),
            _ => None,
        }
    }?;
    let valid = id.len() == 11
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    valid.then_some(id)
}

/// Facebook's video player for a video or reel link (the link goes in, percent-encoded).
fn facebook_player(url: &Url) -> Option<String> {
    let mut player = Url::parse(&format!("{}/plugins/video.php", FACEBOOK_PLAYER)).ok()?;
    player
        .query_pairs_mut()
        .append_pair("href", url.as_str())
        .append_pair("show_text", "false");
    Some(player.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn youtube_links_of_every_shape_get_the_privacy_enhanced_player() {
        for link in [
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
            "https://youtu.be/dQw4w9WgXcQ?si=abc",
            "https://m.youtube.com/watch?feature=share&v=dQw4w9WgXcQ",
            "https://www.youtube.com/live/dQw4w9WgXcQ",
            "https://youtube.com/shorts/dQw4w9WgXcQ",
        ] {
            let r = recording(link);
            assert_eq!(r.platform.as_deref(), Some("YouTube"), "{link}");
            assert_eq!(
                r.embed_url.as_deref(),
                Some("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
                "{link}"
            );
            assert_eq!(r.url, link);
        }
    }

    #[test]
    fn a_youtube_link_without_a_proper_id_stays_a_link() {
        for link in [
            "https://www.youtube.com/@perpustakaanmakassar",
            "https://www.youtube.com/watch?v=short",
            "https://youtu.be/dQw4w9WgXcQ\"><script>",
            "https://www.youtube.com/watch?v=dQw4w9WgX%22Q",
        ] {
            let r = recording(link);
            assert_eq!(r.platform.as_deref(), Some("YouTube"), "{link}");
            assert_eq!(r.embed_url, None, "{link}");
        }
    }

    #[test]
    fn facebook_videos_are_framed_by_facebook_s_player_with_the_link_encoded() {
        let link = "https://www.facebook.com/perpusmakassar/videos/1234567890/?a=1&b=2";
        let r = recording(link);
        assert_eq!(r.platform.as_deref(), Some("Facebook"));
        let embed = r.embed_url.unwrap_or_default();
        assert!(
            embed.starts_with("https://www.facebook.com/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2Fperpusmakassar%2Fvideos%2F1234567890%2F%3Fa%3D1%26b%3D2&"),
            "{embed}"
        );
    }

    #[test]
    fn instagram_and_other_hosts_are_plain_links() {
        let r = recording("https://www.instagram.com/reel/C0abcdEFgh/");
        assert_eq!(r.platform.as_deref(), Some("Instagram"));
        assert_eq!(r.embed_url, None);
        let r = recording("https://perpustakaan.makassarkota.go.id/rekaman/dongkelor-12.mp4");
        assert_eq!((r.platform, r.embed_url), (None, None));
        // A host that only looks like YouTube is not framed.
        let r = recording("https://youtube.com.example.net/watch?v=dQw4w9WgXcQ");
        assert_eq!((r.platform, r.embed_url), (None, None));
    }
}
