//! Overlapping sessions that should not overlap: two sessions of one program, one host in
//! two sessions, one partner booked twice.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use shared::words::ConflictKind;
use uuid::Uuid;

/// A session as the conflict check sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    /// Session id.
    pub session_id: Uuid,
    /// Program id.
    pub program_id: Uuid,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Host, compared without case or surrounding spaces.
    pub host: Option<String>,
    /// Partners on it (on the session or its program): id and name.
    pub partners: Vec<(Uuid, String)>,
}

/// Two bookings that clash, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clash {
    /// Why.
    pub kind: ConflictKind,
    /// The host or partner booked twice.
    pub detail: Option<String>,
    /// One session.
    pub a: Uuid,
    /// The other session.
    pub b: Uuid,
}

fn overlap(a: &Booking, b: &Booking) -> bool {
    a.starts_at < b.ends_at && b.starts_at < a.ends_at
}

fn same_host(a: &Booking, b: &Booking) -> Option<String> {
    let a_host = a.host.as_deref().map(str::trim).filter(|h| !h.is_empty())?;
    let b_host = b.host.as_deref().map(str::trim)?;
    (a_host.to_lowercase() == b_host.to_lowercase()).then(|| a_host.to_owned())
}

/// Why `a` and `b` clash, if they overlap.
pub fn clashes_between(a: &Booking, b: &Booking) -> Vec<Clash> {
    if a.session_id == b.session_id || !overlap(a, b) {
        return Vec::new();
    }
    let clash = |kind, detail| Clash {
        kind,
        detail,
        a: a.session_id,
        b: b.session_id,
    };
    let mut clashes = Vec::new();
    if a.program_id == b.program_id {
        clashes.push(clash(ConflictKind::SameProgram, None));
    }
    if let Some(host) = same_host(a, b) {
        clashes.push(clash(ConflictKind::SameHost, Some(host)));
    }
    let b_partners: BTreeSet<Uuid> = b.partners.iter().map(|(id, _)| *id).collect();
    let mut seen = BTreeSet::new();
    for (id, name) in &a.partners {
        if b_partners.contains(id) && seen.insert(*id) {
            clashes.push(clash(ConflictKind::SamePartner, Some(name.clone())));
        }
    }
    clashes
}

/// Every clash among `bookings`, each pair once, by start.
pub fn find_clashes(bookings: &mut [Booking]) -> Vec<Clash> {
    bookings.sort_by_key(|b| b.starts_at);
    let mut clashes = Vec::new();
    for (i, a) in bookings.iter().enumerate() {
        for b in bookings[i + 1..]
            .iter()
            .take_while(|b| b.starts_at < a.ends_at)
        {
            clashes.extend(clashes_between(a, b));
        }
    }
    clashes
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    fn booking(
        id: u128,
        program: u128,
        hour: u32,
        host: Option<&str>,
        partner: Option<u128>,
    ) -> Booking {
        let start = Utc.with_ymd_and_hms(2026, 12, 5, hour, 0, 0).unwrap();
        Booking {
            session_id: Uuid::from_u128(id),
            program_id: Uuid::from_u128(program),
            starts_at: start,
            ends_at: start + Duration::hours(1),
            host: host.map(str::to_owned),
            partners: partner
                .map(|p| vec![(Uuid::from_u128(p), "Harian FAJAR".to_owned())])
                .unwrap_or_default(),
        }
    }

    #[test]
    fn overlapping_sessions_clash_for_each_shared_thing() {
        let mut bookings = vec![
            booking(1, 10, 1, Some("Kak Rina"), Some(7)),
            booking(2, 10, 1, Some(" kak rina "), Some(7)),
            booking(3, 11, 2, Some("Kak Rina"), Some(7)),
        ];
        let kinds: Vec<_> = find_clashes(&mut bookings).iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                ConflictKind::SameProgram,
                ConflictKind::SameHost,
                ConflictKind::SamePartner
            ]
        );
    }

    #[test]
    fn back_to_back_sessions_do_not_clash() {
        let mut bookings = vec![
            booking(1, 10, 1, Some("Kak Rina"), None),
            booking(2, 10, 2, Some("Kak Rina"), None),
            booking(3, 11, 1, None, None),
        ];
        assert!(find_clashes(&mut bookings).is_empty());
    }
}
