//! Contest rules without I/O: which container a video is, read from its first bytes, and the
//! ranking of scored entries.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use shared::words::VideoFormat;
use uuid::Uuid;

/// How many leading bytes [`sniff_video`] needs to decide.
pub const SNIFF_BYTES: usize = 64;

/// The container of a video from its first bytes (at least [`SNIFF_BYTES`], or the whole
/// file), never from its name. `None` for anything else.
pub fn sniff_video(head: &[u8]) -> Option<VideoFormat> {
    // ISO base media (MP4, MOV): a box size, then the box type.
    if head.len() >= 12 {
        let box_type = &head[4..8];
        if box_type == b"ftyp" {
            let brand = &head[8..12];
            return Some(if brand == b"qt  " {
                VideoFormat::Mov
            } else {
                VideoFormat::Mp4
            });
        }
        // QuickTime files written before `ftyp` existed start with one of these atoms.
        if [b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"]
            .iter()
            .any(|atom| box_type == *atom)
        {
            return Some(VideoFormat::Mov);
        }
    }
    // EBML magic; the DocType element (0x42 0x82) says `webm` (Matroska says `matroska`).
    if head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]) {
        let doc_type = head
            .windows(2)
            .position(|w| w == [0x42, 0x82])
            .map(|at| &head[at + 2..]);
        if let Some(rest) = doc_type
            && rest.len() > 1
        {
            // One size byte (0x80 | length) precedes the text.
            let text = &rest[1..];
            if text.starts_with(b"webm") {
                return Some(VideoFormat::Webm);
            }
        }
    }
    None
}

/// One judge's complete review of one entry: a score per criterion, in rubric order.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    /// Scores, aligned with the rubric's criteria.
    pub scores: Vec<i32>,
}

/// An entry to rank.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The entry.
    pub entry_id: Uuid,
    /// When its video arrived (the last tie-break).
    pub received_at: DateTime<Utc>,
    /// Complete reviews.
    pub reviews: Vec<Review>,
}

/// A ranked entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// Rank, 1 = first; shared only by entries equal under every rule.
    pub rank: u32,
    /// The entry.
    pub entry_id: Uuid,
    /// The weighted mean over judges of each judge's weighted mean.
    pub score: f64,
    /// Mean per criterion, in rubric order.
    pub criterion_means: Vec<f64>,
    /// Reviews counted.
    pub reviews: u32,
}

/// Ranks candidates with at least one complete review. The score is the mean, over judges,
/// of Σ(weight × score) / Σ weight. Ties: the mean of the highest-weighted criterion decides
/// (then the next highest, rubric order among equal weights), then the earlier video.
pub fn rank(weights: &[i32], candidates: &[Candidate]) -> Vec<Ranked> {
    let weight_sum: i32 = weights.iter().sum();
    let mut tie_order: Vec<usize> = (0..weights.len()).collect();
    tie_order.sort_by_key(|&i| std::cmp::Reverse(weights[i]));

    let mut scored: Vec<(Ranked, DateTime<Utc>)> = candidates
        .iter()
        .filter(|c| !c.reviews.is_empty() && weight_sum > 0)
        .map(|c| {
            let judges = c.reviews.len() as f64;
            let score = c
                .reviews
                .iter()
                .map(|r| {
                    let total: i32 = r.scores.iter().zip(weights).map(|(s, w)| s * w).sum();
                    f64::from(total) / f64::from(weight_sum)
                })
                .sum::<f64>()
                / judges;
            let criterion_means = (0..weights.len())
                .map(|i| {
                    c.reviews
                        .iter()
                        .map(|r| f64::from(r.scores.get(i).copied().unwrap_or(0)))
                        .sum::<f64>()
                        / judges
                })
                .collect();
            (
                Ranked {
                    rank: 0,
                    entry_id: c.entry_id,
                    score,
                    criterion_means,
                    reviews: c.reviews.len() as u32,
                },
                c.received_at,
            )
        })
        .collect();

    let compare = |a: &(Ranked, DateTime<Utc>), b: &(Ranked, DateTime<Utc>)| -> Ordering {
        close_desc(a.0.score, b.0.score)
            .then_with(|| {
                tie_order.iter().fold(Ordering::Equal, |order, &i| {
                    order.then_with(|| close_desc(a.0.criterion_means[i], b.0.criterion_means[i]))
                })
            })
            .then_with(|| a.1.cmp(&b.1))
    };
    scored.sort_by(compare);

    let mut ranked: Vec<Ranked> = Vec::with_capacity(scored.len());
    for index in 0..scored.len() {
        let rank = if index > 0 && compare(&scored[index - 1], &scored[index]) == Ordering::Equal {
            ranked[index - 1].rank
        } else {
            index as u32 + 1
        };
        let mut row = scored[index].0.clone();
        row.rank = rank;
        ranked.push(row);
    }
    ranked
}

/// Descending order of two means, treating values within rounding noise as equal (means of
/// small integers: 1e-9 is far below any real difference).
fn close_desc(a: f64, b: f64) -> Ordering {
    if (a - b).abs() < 1e-9 {
        Ordering::Equal
    } else {
        b.partial_cmp(&a).unwrap_or(Ordering::Equal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn containers_are_read_from_their_first_bytes() {
        let mut mp4 = vec![0, 0, 0, 0x20];
        mp4.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2avc1mp41");
        assert_eq!(sniff_video(&mp4), Some(VideoFormat::Mp4));
        let mut mov = vec![0, 0, 0, 0x14];
        mov.extend_from_slice(b"ftypqt  \0\0\x02\0qt  ");
        assert_eq!(sniff_video(&mov), Some(VideoFormat::Mov));
        let webm = [
            0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81, 0x01, 0x42,
            0xF2, 0x81, 0x04, 0x42, 0xF3, 0x81, 0x08, 0x42, 0x82, 0x84, b'w', b'e', b'b', b'm',
        ];
        assert_eq!(sniff_video(&webm), Some(VideoFormat::Webm));
        let mut matroska = webm[..23].to_vec();
        matroska.extend_from_slice(&[0x88]);
        matroska.extend_from_slice(b"matroska");
        assert_eq!(sniff_video(&matroska), None);
        assert_eq!(
            sniff_video(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 some document"),
            None
        );
        assert_eq!(sniff_video(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), None);
        assert_eq!(sniff_video(b""), None);
    }

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2027, 1, 10, 8, minute, 0).unwrap()
    }

    fn candidate(id: u128, minute: u32, reviews: &[&[i32]]) -> Candidate {
        Candidate {
            entry_id: Uuid::from_u128(id),
            received_at: at(minute),
            reviews: reviews
                .iter()
                .map(|s| Review { scores: s.to_vec() })
                .collect(),
        }
    }

    #[test]
    fn the_score_is_the_judges_mean_of_weighted_means() {
        // Weights 3, 2, 1: (8·3 + 6·2 + 10·1) / 6 = 46/6; (6·3 + 6·2 + 6·1) / 6 = 6.
        let ranked = rank(&[3, 2, 1], &[candidate(1, 0, &[&[8, 6, 10], &[6, 6, 6]])]);
        assert_eq!(ranked.len(), 1);
        assert!((ranked[0].score - (46.0 / 6.0 + 6.0) / 2.0).abs() < 1e-12);
        assert_eq!(ranked[0].criterion_means, vec![7.0, 6.0, 8.0]);
        assert_eq!(ranked[0].reviews, 2);
    }

    #[test]
    fn ties_go_to_the_heavier_criterion_then_the_earlier_video() {
        let weights = [2, 1, 1];
        // All three have weighted mean 7.
        let a = candidate(1, 30, &[&[7, 7, 7]]);
        let b = candidate(2, 10, &[&[8, 5, 7]]); // stronger on the weight-2 criterion
        let c = candidate(3, 20, &[&[7, 7, 7]]); // equal to `a`, earlier video
        let unscored = candidate(4, 0, &[]);
        let ranked = rank(&weights, &[a, b, c, unscored]);
        let order: Vec<u128> = ranked.iter().map(|r| r.entry_id.as_u128()).collect();
        assert_eq!(order, vec![2, 3, 1]);
        assert_eq!(
            ranked.iter().map(|r| r.rank).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
    }

    #[test]
    fn only_entries_equal_under_every_rule_share_a_rank() {
        let ranked = rank(
            &[1],
            &[
                candidate(1, 5, &[&[9]]),
                candidate(2, 5, &[&[9]]),
                candidate(3, 1, &[&[4]]),
            ],
        );
        assert_eq!(
            ranked.iter().map(|r| r.rank).collect::<Vec<_>>(),
            vec![1, 1, 3]
        );
    }
}
