//! How long a stored video runs, read from its container's own header: the `mvhd` box of an
//! MP4 or QuickTime file (inside `moov`, which sits before or after the media data), and the
//! segment `Info` of a WebM/Matroska file (`TimestampScale` × `Duration`, near the start).
//! Only the few bytes that say it are read; the caller fetches them by range, so a 300 MB
//! upload is never read whole. Pure functions over bytes: the service does the reading.

/// A top-level box of an ISO base media file (MP4, MOV).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopBox {
    /// Its four-letter type (`moov`, `mdat`, …).
    pub kind: [u8; 4],
    /// Bytes of its header (8, or 16 with a 64-bit size).
    pub header: u64,
    /// Its whole size including the header; `None` when it runs to the end of the file.
    pub size: Option<u64>,
}

/// The bytes a box header needs at most.
pub const BOX_HEADER_BYTES: u64 = 16;

/// Reads the box header at the start of `bytes` (at least 8 bytes; 16 for a 64-bit size).
pub fn top_box(bytes: &[u8]) -> Option<TopBox> {
    let size32 = u32::from_be_bytes(bytes.get(0..4)?.try_into().ok()?);
    let kind: [u8; 4] = bytes.get(4..8)?.try_into().ok()?;
    let (header, size) = match size32 {
        0 => (8, None),
        1 => (
            16,
            Some(u64::from_be_bytes(bytes.get(8..16)?.try_into().ok()?)),
        ),
        n => (8, Some(u64::from(n))),
    };
    // A box smaller than its own header is damage; walking on would loop.
    if size.is_some_and(|s| s < header) {
        return None;
    }
    Some(TopBox { kind, header, size })
}

/// The running time in seconds that the `mvhd` box in `moov` (its body, without the header)
/// states; `None` when it is missing, damaged or unknown (a fragmented file says 0).
pub fn movie_seconds(moov: &[u8]) -> Option<f64> {
    let mut at = 0usize;
    while at + 8 <= moov.len() {
        let child = top_box(&moov[at..])?;
        let end = child
            .size
            .map_or(moov.len(), |s| end_of(at, s))
            .min(moov.len());
        if &child.kind == b"mvhd" {
            return mvhd_seconds(moov.get(at + child.header as usize..end)?);
        }
        at = end;
        if child.size.is_none() {
            break;
        }
    }
    None
}

fn mvhd_seconds(body: &[u8]) -> Option<f64> {
    let be32 = |at: usize| -> Option<u64> {
        Some(u64::from(u32::from_be_bytes(
            body.get(at..at + 4)?.try_into().ok()?,
        )))
    };
    // version (1 byte), flags (3); then creation and modification times, the time scale and
    // the duration: 32-bit in version 0, the times and duration 64-bit in version 1.
    let (scale, duration) = match body.first()? {
        0 => (be32(12)?, be32(16)?),
        1 => (
            be32(20)?,
            u64::from_be_bytes(body.get(24..32)?.try_into().ok()?),
        ),
        _ => return None,
    };
    // All ones: "unknown" in both versions.
    let unknown = duration == u64::from(u32::MAX) || duration == u64::MAX;
    (scale > 0 && duration > 0 && !unknown).then(|| duration as f64 / scale as f64)
}

/// How many bytes of a WebM/Matroska file [`matroska_seconds`] reads: the segment's `Info`
/// comes within its first kilobytes (after the EBML header and the seek index).
pub const MATROSKA_HEAD_BYTES: u64 = 256 * 1024;

const EBML_HEADER: u32 = 0x1A45_DFA3;
const SEGMENT: u32 = 0x1853_8067;
const INFO: u32 = 0x1549_A966;
const TIMESTAMP_SCALE: u32 = 0x2A_D7B1;
const DURATION: u32 = 0x4489;
const CLUSTER: u32 = 0x1F43_B675;

/// `start + size`, saturating: a damaged size must not wrap around (then the slice it names
/// is simply not there).
fn end_of(start: usize, size: u64) -> usize {
    start.saturating_add(usize::try_from(size).unwrap_or(usize::MAX))
}

/// An element's id (with its length marker, as Matroska writes ids) and the length of its
/// id field.
fn element_id(bytes: &[u8]) -> Option<(u32, usize)> {
    let first = *bytes.first()?;
    let length = first.leading_zeros() as usize + 1;
    if length > 4 {
        return None;
    }
    let id = bytes
        .get(..length)?
        .iter()
        .fold(0u32, |id, b| (id << 8) | u32::from(*b));
    Some((id, length))
}

/// An element's data size (`None` for "unknown", as a live-written segment says) and the
/// length of its size field.
fn element_size(bytes: &[u8]) -> Option<(Option<u64>, usize)> {
    let first = *bytes.first()?;
    let length = first.leading_zeros() as usize + 1;
    if length > 8 {
        return None;
    }
    let mask = if length == 8 { 0 } else { 0xFFu8 >> length };
    let mut value = u64::from(first & mask);
    for b in bytes.get(1..length)? {
        value = (value << 8) | u64::from(*b);
    }
    let all_ones = value == (1u64 << (7 * length)) - 1;
    Some(((!all_ones).then_some(value), length))
}

/// The running time in seconds the segment `Info` of a WebM/Matroska file states, from the
/// file's first bytes; `None` when it is not there (a live recording may not say).
pub fn matroska_seconds(head: &[u8]) -> Option<f64> {
    let mut at = 0usize;
    // The EBML header, skipped whole; then the segment, whose children are walked.
    let (id, id_len) = element_id(head)?;
    if id != EBML_HEADER {
        return None;
    }
    let (size, size_len) = element_size(&head[id_len..])?;
    at = end_of(at + id_len + size_len, size?);
    let (id, id_len) = element_id(head.get(at..)?)?;
    if id != SEGMENT {
        return None;
    }
    let (_, size_len) = element_size(head.get(at + id_len..)?)?;
    at += id_len + size_len;
    while at < head.len() {
        let (id, id_len) = element_id(&head[at..])?;
        let (size, size_len) = element_size(head.get(at + id_len..)?)?;
        let body = at + id_len + size_len;
        match (id, size) {
            (INFO, Some(size)) => return info_seconds(head.get(body..end_of(body, size))?),
            // The media data begins: no `Info` before it.
            (CLUSTER, _) | (_, None) => return None,
            (_, Some(size)) => at = end_of(body, size),
        }
    }
    None
}

fn info_seconds(info: &[u8]) -> Option<f64> {
    let mut scale_ns = 1_000_000u64;
    let mut duration = None;
    let mut at = 0usize;
    while at < info.len() {
        let (id, id_len) = element_id(&info[at..])?;
        let (size, size_len) = element_size(info.get(at + id_len..)?)?;
        let start = at + id_len + size_len;
        let size = size?;
        let body = info.get(start..end_of(start, size))?;
        match id {
            TIMESTAMP_SCALE => {
                scale_ns = body.iter().fold(0u64, |v, b| (v << 8) | u64::from(*b));
            }
            DURATION => {
                duration = match body.len() {
                    4 => Some(f64::from(f32::from_be_bytes(body.try_into().ok()?))),
                    8 => Some(f64::from_be_bytes(body.try_into().ok()?)),
                    _ => None,
                };
            }
            _ => {}
        }
        at = end_of(start, size);
    }
    let seconds = duration? * scale_ns as f64 / 1e9;
    (seconds.is_finite() && seconds > 0.0).then_some(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An MP4 box: size, type, body.
    fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out
    }

    /// A version-0 `mvhd` body: time scale and duration.
    fn mvhd(scale: u32, duration: u32) -> Vec<u8> {
        let mut body = vec![0u8; 100];
        body[12..16].copy_from_slice(&scale.to_be_bytes());
        body[16..20].copy_from_slice(&duration.to_be_bytes());
        body
    }

    #[test]
    fn an_mp4_says_its_running_time_in_mvhd() {
        let moov = [
            mp4_box(b"trak", &[0; 20]),
            mp4_box(b"mvhd", &mvhd(600, 600 * 425)),
        ]
        .concat();
        assert_eq!(movie_seconds(&moov), Some(425.0));
        // Version 1: 64-bit times and duration.
        let mut v1 = vec![0u8; 112];
        v1[0] = 1;
        v1[20..24].copy_from_slice(&1000u32.to_be_bytes());
        v1[24..32].copy_from_slice(&(7_200_500u64).to_be_bytes());
        assert_eq!(movie_seconds(&mp4_box(b"mvhd", &v1)), Some(7200.5));
        // Fragmented (duration 0), unknown (all ones), missing or cut: not known.
        assert_eq!(movie_seconds(&mp4_box(b"mvhd", &mvhd(1000, 0))), None);
        assert_eq!(
            movie_seconds(&mp4_box(b"mvhd", &mvhd(1000, u32::MAX))),
            None
        );
        assert_eq!(movie_seconds(&mp4_box(b"trak", &[0; 8])), None);
        assert_eq!(
            movie_seconds(&mp4_box(b"mvhd", &mvhd(600, 6000))[..20]),
            None
        );
    }

    #[test]
    fn box_headers_take_64_bit_sizes_and_refuse_impossible_ones() {
        let large = [
            &1u32.to_be_bytes()[..],
            b"mdat",
            &(5_000_000_000u64).to_be_bytes(),
        ]
        .concat();
        assert_eq!(
            top_box(&large),
            Some(TopBox {
                kind: *b"mdat",
                header: 16,
                size: Some(5_000_000_000)
            })
        );
        assert_eq!(
            top_box(&[0, 0, 0, 0, b'm', b'd', b'a', b't']).unwrap().size,
            None
        );
        assert_eq!(top_box(&[0, 0, 0, 4, b'f', b'r', b'e', b'e']), None);
        assert_eq!(top_box(&[0, 0, 0]), None);
    }

    /// An EBML element with a one-byte size.
    fn ebml(id: &[u8], body: &[u8]) -> Vec<u8> {
        [id, &[0x80 | body.len() as u8], body].concat()
    }

    /// A WebM file's first bytes: EBML header, then a segment of unknown size holding a seek
    /// index and `Info` with the time scale and `duration` (in scale units, as f64).
    fn webm_head(scale_ns: u32, duration: f64) -> Vec<u8> {
        let header = ebml(&[0x1A, 0x45, 0xDF, 0xA3], &ebml(&[0x42, 0x82], b"webm"));
        let info = ebml(
            &[0x15, 0x49, 0xA9, 0x66],
            &[
                ebml(&[0x2A, 0xD7, 0xB1], &scale_ns.to_be_bytes()),
                ebml(&[0x44, 0x89], &duration.to_be_bytes()),
            ]
            .concat(),
        );
        let seek_head = ebml(&[0x11, 0x4D, 0x9B, 0x74], &[0; 12]);
        let segment = [
            &[
                0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            ][..],
            &seek_head,
            &info,
        ]
        .concat();
        [header, segment].concat()
    }

    #[test]
    fn a_webm_says_its_running_time_in_the_segment_info() {
        assert_eq!(
            matroska_seconds(&webm_head(1_000_000, 312_500.0)),
            Some(312.5)
        );
        // Another time scale: 10 ms units.
        assert_eq!(
            matroska_seconds(&webm_head(10_000_000, 6_000.0)),
            Some(60.0)
        );
        // Cut before the Info, or not Matroska at all: not known.
        let head = webm_head(1_000_000, 1000.0);
        assert_eq!(matroska_seconds(&head[..head.len() - 6]), None);
        assert_eq!(matroska_seconds(b"\0\0\0\x20ftypisom"), None);
    }
}
