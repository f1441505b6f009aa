//! Links to subscribe to a feed or add one session to a calendar app, built the same way on
//! the server (API) and in pages.

use chrono::{DateTime, Utc};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};

/// The ways to follow one feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarLinks {
    /// What the feed is called.
    pub name: String,
    /// The feed's https URL (copy this into any calendar app).
    pub url: String,
    /// The same with `webcal://`, which opens the system calendar app to subscribe.
    pub webcal: String,
    /// Subscribes in Google Calendar.
    pub google: String,
    /// Subscribes in Outlook on the web.
    pub outlook: String,
    /// An SVG QR code of `url`, for posters.
    pub qr_code: String,
}

/// The links of the feed at `path` (e.g. `/calendar/all.ics`) on the site at `base_url`.
pub fn subscribe_links(base_url: &str, path: &str, name: &str) -> CalendarLinks {
    let url = format!("{base_url}{path}");
    let webcal = match url.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => url.clone(),
    };
    CalendarLinks {
        name: name.to_owned(),
        google: format!(
            "https://calendar.google.com/calendar/render?cid={}",
            encode(&webcal)
        ),
        outlook: format!(
            "https://outlook.live.com/calendar/0/addfromweb?url={}&name={}",
            encode(&url),
            encode(name)
        ),
        qr_code: format!("{base_url}/calendar/qr.svg?path={}", encode(path)),
        webcal,
        url,
    }
}

/// The ways to add one session to a calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventLinks {
    /// The session's `.ics` file (Apple Calendar, Thunderbird, Android).
    pub ics: String,
    /// Google Calendar's "add event" form, filled in.
    pub google: String,
    /// Outlook on the web's "new event" form, filled in.
    pub outlook: String,
}

/// What an event link carries.
#[derive(Debug, Clone)]
pub struct EventFacts<'a> {
    /// The session id.
    pub id: uuid::Uuid,
    /// Title.
    pub title: &'a str,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// A line about it, with the page's URL.
    pub details: &'a str,
    /// Place or stream URL.
    pub location: Option<&'a str>,
}

/// The links that add the session `facts` to a calendar app.
pub fn event_links(base_url: &str, facts: &EventFacts<'_>) -> EventLinks {
    let compact = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let iso = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let location = facts.location.unwrap_or_default();
    EventLinks {
        ics: format!("{base_url}/sessions/{}.ics", facts.id),
        google: format!(
            "https://calendar.google.com/calendar/render?action=TEMPLATE&text={}&dates={}/{}&details={}&location={}",
            encode(facts.title),
            compact(facts.starts_at),
            compact(facts.ends_at),
            encode(facts.details),
            encode(location)
        ),
        outlook: format!(
            "https://outlook.live.com/calendar/0/deeplink/compose?path=%2Fcalendar%2Faction%2Fcompose&rru=addevent&subject={}&startdt={}&enddt={}&body={}&location={}",
            encode(facts.title),
            encode(&iso(facts.starts_at)),
            encode(&iso(facts.ends_at)),
            encode(facts.details),
            encode(location)
        ),
    }
}

fn encode(value: &str) -> String {
    utf8_percent_encode(value, NON_ALPHANUMERIC).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscribe_links_point_at_the_feed() {
        let links = subscribe_links("https://siar.example", "/calendar/all.ics", "Siar & co");
        assert_eq!(links.url, "https://siar.example/calendar/all.ics");
        assert_eq!(links.webcal, "webcal://siar.example/calendar/all.ics");
        assert_eq!(
            links.google,
            "https://calendar.google.com/calendar/render?cid=webcal%3A%2F%2Fsiar%2Eexample%2Fcalendar%2Fall%2Eics"
        );
        assert!(links.outlook.ends_with("&name=Siar%20%26%20co"));
        assert_eq!(
            links.qr_code,
            "https://siar.example/calendar/qr.svg?path=%2Fcalendar%2Fall%2Eics"
        );
    }

    #[test]
    fn event_links_carry_the_times_in_utc() {
        let start = DateTime::parse_from_rfc3339("2026-12-05T09:00:00+08:00")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let facts = EventFacts {
            id: uuid::Uuid::nil(),
            title: "Dongkelor",
            starts_at: start,
            ends_at: start + chrono::Duration::hours(1),
            details: "Dongeng",
            location: None,
        };
        let links = event_links("http://x", &facts);
        assert!(
            links
                .google
                .contains("&dates=20261205T010000Z/20261205T020000Z&")
        );
        assert!(
            links
                .outlook
                .contains("&startdt=2026%2D12%2D05T01%3A00%3A00Z&")
        );
        assert_eq!(
            links.ics,
            format!("http://x/sessions/{}.ics", uuid::Uuid::nil())
        );
    }
}
