//! Photos lose their metadata before they are stored: a phone's JPEG carries where it was
//! taken (GPS), the device, its serial number, sometimes the owner's name and a thumbnail of
//! the uncropped picture. None of that belongs in a certificate an auditor receives.
//!
//! The scrubber works as the upload streams: it holds only the header segments (before the
//! first scan), rewrites them, then passes the image data through untouched until the end of
//! the image; anything after the end-of-image marker (some phones append their own blocks,
//! GPS included) is dropped. Dropped: APP1 (EXIF, XMP), APP2 multi-picture data, APP3–APP13,
//! APP15, comments. Kept: JFIF (APP0), the colour profile (APP2 `ICC_PROFILE`), Adobe's
//! colour marker (APP14), and everything the decoder needs. The EXIF orientation is kept as
//! a minimal EXIF block holding that one tag, so the photo still shows upright.

/// The most header bytes held before the first scan; a real photo's are far fewer
/// (a colour profile and tables). A file whose headers are larger is passed on unchanged,
/// for the inspection to refuse.
const HEADER_CAP: usize = 2 * 1024 * 1024;

/// The scrubber of one JPEG upload.
#[derive(Debug, Default)]
pub struct Scrubber {
    header: Vec<u8>,
    /// Past the header: image data passes through.
    streaming: bool,
    /// The end-of-image marker has gone out: what follows is dropped.
    ended: bool,
    /// The last byte streamed was 0xFF (a marker may straddle two pieces).
    after_ff: bool,
}

impl Scrubber {
    /// Takes the next piece of the file; returns what may be written now.
    pub fn push(&mut self, data: &[u8]) -> Vec<u8> {
        if self.streaming {
            return self.stream(data);
        }
        self.header.extend_from_slice(data);
        match first_scan(&self.header) {
            Some(at) => {
                let held = std::mem::take(&mut self.header);
                let mut out = scrub_header(&held[..at]);
                self.streaming = true;
                out.extend(self.stream(&held[at..]));
                out
            }
            None if self.header.len() > HEADER_CAP => {
                self.streaming = true;
                std::mem::take(&mut self.header)
            }
            None => Vec::new(),
        }
    }

    /// Ends the file: a header that never reached a scan is returned as it came (the
    /// inspection refuses it as damaged).
    pub fn finish(self) -> Vec<u8> {
        self.header
    }

    fn stream(&mut self, data: &[u8]) -> Vec<u8> {
        if self.ended {
            return Vec::new();
        }
        for (i, &b) in data.iter().enumerate() {
            if self.after_ff && b == 0xD9 {
                self.ended = true;
                return data[..=i].to_vec();
            }
            self.after_ff = b == 0xFF;
        }
        data.to_vec()
    }
}

/// A whole JPEG, scrubbed.
pub fn scrub(bytes: &[u8]) -> Vec<u8> {
    let mut scrubber = Scrubber::default();
    let mut out = scrubber.push(bytes);
    out.extend(scrubber.finish());
    out
}

/// Where the first start-of-scan segment begins, once the header up to it has arrived.
fn first_scan(b: &[u8]) -> Option<usize> {
    if b.len() < 2 || b[..2] != [0xFF, 0xD8] {
        return None;
    }
    let mut i = 2;
    loop {
        let (&ff, &marker) = (b.get(i)?, b.get(i + 1)?);
        if ff != 0xFF {
            return None;
        }
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if marker == 0xDA {
            return Some(i);
        }
        if marker == 0x01 || (0xD0..=0xD8).contains(&marker) {
            i += 2;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([*b.get(i + 2)?, *b.get(i + 3)?]));
        if len < 2 {
            return None;
        }
        i += 2 + len;
    }
}

/// The header without its metadata, with the orientation kept.
fn scrub_header(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(&b[..2]);
    let mut orientation = None;
    let mut segments = Vec::new();
    let mut i = 2;
    while i + 1 < b.len() {
        let marker = b[i + 1];
        if marker == 0xFF {
            i += 1;
            continue;
        }
        if marker == 0x01 || (0xD0..=0xD8).contains(&marker) {
            segments.push(&b[i..i + 2]);
            i += 2;
            continue;
        }
        let Some(len) = b
            .get(i + 2..i + 4)
            .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
        else {
            break;
        };
        let end = (i + 2 + len).min(b.len());
        let body = b.get(i + 4..end).unwrap_or_default();
        let keep = match marker {
            0xE1 => {
                if let Some(tiff) = body.strip_prefix(b"Exif\0\0") {
                    orientation = orientation.or_else(|| exif_orientation(tiff));
                }
                false
            }
            0xE2 => body.starts_with(b"ICC_PROFILE\0"),
            0xE3..=0xED | 0xEF | 0xFE => false,
            _ => true,
        };
        if keep {
            segments.push(&b[i..end]);
        }
        i = end;
    }
    // JFIF first if there is one, then the orientation, then the rest as they came.
    let (jfif, rest): (Vec<&[u8]>, Vec<&[u8]>) = segments
        .into_iter()
        .partition(|s| s.len() > 1 && s[1] == 0xE0);
    for s in jfif {
        out.extend_from_slice(s);
    }
    if let Some(o) = orientation.filter(|o| *o != 1) {
        out.extend(orientation_segment(o));
    }
    for s in rest {
        out.extend_from_slice(s);
    }
    out
}

/// An APP1 EXIF segment holding nothing but the orientation tag.
fn orientation_segment(orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2A\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes()); // one value
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes()); // no next directory
    let mut body = b"Exif\0\0".to_vec();
    body.extend(tiff);
    let mut out = vec![0xFF, 0xE1];
    out.extend_from_slice(
        &u16::try_from(body.len() + 2)
            .unwrap_or(u16::MAX)
            .to_be_bytes(),
    );
    out.extend(body);
    out
}

/// The orientation tag (0x0112) of the first image directory of an EXIF block.
pub fn exif_orientation(tiff: &[u8]) -> Option<u16> {
    let big = match tiff.get(..2)? {
        b"MM" => true,
        b"II" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let s = [*tiff.get(at)?, *tiff.get(at + 1)?];
        Some(if big {
            u16::from_be_bytes(s)
        } else {
            u16::from_le_bytes(s)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let s = [
            *tiff.get(at)?,
            *tiff.get(at + 1)?,
            *tiff.get(at + 2)?,
            *tiff.get(at + 3)?,
        ];
        Some(if big {
            u32::from_be_bytes(s)
        } else {
            u32::from_le_bytes(s)
        })
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let count = usize::from(u16_at(ifd)?);
    (0..count.min(256))
        .map(|n| ifd + 2 + n * 12)
        .find(|&entry| u16_at(entry) == Some(0x0112))
        .and_then(|entry| u16_at(entry + 8))
        .filter(|o| (1..=8).contains(o))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A segment `marker` with `body`.
    fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![0xFF, marker];
        out.extend_from_slice(&u16::try_from(body.len() + 2).expect("small").to_be_bytes());
        out.extend_from_slice(body);
        out
    }

    /// EXIF (little-endian, as phones write it) with orientation 6, a GPS pointer and a
    /// camera serial number.
    fn phone_exif() -> Vec<u8> {
        let mut tiff = b"II\x2A\0\x08\0\0\0".to_vec();
        tiff.extend_from_slice(&2u16.to_le_bytes());
        for (tag, kind, value) in [(0x0112u16, 3u16, 6u32), (0x8825, 4, 0x40)] {
            tiff.extend_from_slice(&tag.to_le_bytes());
            tiff.extend_from_slice(&kind.to_le_bytes());
            tiff.extend_from_slice(&1u32.to_le_bytes());
            tiff.extend_from_slice(&value.to_le_bytes());
        }
        tiff.extend_from_slice(&0u32.to_le_bytes());
        tiff.extend_from_slice(b"GPS 59.3293N 18.0686E SERIAL-XZ-1234");
        let mut body = b"Exif\0\0".to_vec();
        body.extend(tiff);
        body
    }

    fn photo() -> Vec<u8> {
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend(segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0"));
        jpeg.extend(segment(0xE1, &phone_exif()));
        jpeg.extend(segment(
            0xE1,
            b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>Anna Berg</x:xmpmeta>",
        ));
        jpeg.extend(segment(0xE2, b"ICC_PROFILE\0\x01\x01profile"));
        jpeg.extend(segment(0xED, b"Photoshop 3.0\0IPTC byline Anna"));
        jpeg.extend(segment(0xFE, b"taken at home"));
        jpeg.extend(segment(0xDB, &[0u8; 65]));
        jpeg.extend(segment(0xC0, &[8, 0, 16, 0, 16, 1, 1, 0x11, 0]));
        jpeg.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        jpeg.extend_from_slice(&[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]);
        jpeg.extend_from_slice(&[0xFF, 0xD9]);
        jpeg.extend_from_slice(b"SEFH GPS 59.3293N trailer");
        jpeg
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn metadata_goes_the_picture_and_its_orientation_stay() {
        let clean = scrub(&photo());
        for gone in [&b"GPS"[..], b"SERIAL", b"Anna", b"taken at home", b"SEFH"] {
            assert!(!contains(&clean, gone), "{}", String::from_utf8_lossy(gone));
        }
        for kept in [
            &b"JFIF"[..],
            b"ICC_PROFILE",
            &[0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56, 0xFF, 0xD9],
        ] {
            assert!(contains(&clean, kept));
        }
        assert!(clean.ends_with(&[0xFF, 0xD9]));
        // The orientation survives, in a block of its own.
        let at = clean
            .windows(6)
            .position(|w| w == b"Exif\0\0")
            .expect("an EXIF block");
        assert_eq!(exif_orientation(&clean[at + 6..]), Some(6));
    }

    #[test]
    fn streaming_in_any_pieces_gives_the_same_bytes() {
        let photo = photo();
        let whole = scrub(&photo);
        for step in [1, 2, 3, 7, 64, 1000] {
            let mut scrubber = Scrubber::default();
            let mut out = Vec::new();
            for piece in photo.chunks(step) {
                out.extend(scrubber.push(piece));
            }
            out.extend(scrubber.finish());
            assert_eq!(out, whole, "pieces of {step}");
        }
    }

    #[test]
    fn an_upright_photo_gets_no_exif_and_garbage_passes_through() {
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend(segment(0xDB, &[0u8; 65]));
        jpeg.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        jpeg.extend_from_slice(&[1, 2, 0xFF, 0xD9]);
        assert_eq!(scrub(&jpeg), jpeg);
        assert_eq!(scrub(b"\xFF\xD8\xFF\xE1\x00"), b"\xFF\xD8\xFF\xE1\x00");
        assert_eq!(scrub(b""), b"");
    }
}
