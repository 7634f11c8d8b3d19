//! Photos lose their metadata before they are stored: a phone's JPEG carries where it was
//! taken (GPS), the device, its serial number, sometimes the owner's name and a thumbnail of
//! the uncropped picture. None of that belongs in a certificate an auditor receives.
//!
//! The scrubber works as the upload streams, one segment at a time, and writes only what
//! it has read and chosen to keep: a well-formed run of segments and scan data. Segments it
//! drops are skipped by their length without being held, so a header of any size (phones
//! write several megabytes of extended XMP, in many APP1 segments) costs at most one
//! segment (64 KB) of memory. Dropped: APP0 other than JFIF (JFXX thumbnails), APP1 (EXIF,
//! XMP, extended XMP), APP2 other than the colour profile (multi-picture data), APP3–APP13,
//! APP15 and comments, wherever they sit (also between the scans of a progressive JPEG);
//! bytes between segments that are no marker; and anything after the end-of-image marker
//! (some phones append their own blocks, GPS included). Kept: JFIF (APP0), the colour
//! profile (APP2 `ICC_PROFILE`), Adobe's colour marker (APP14), and everything the decoder
//! needs. The EXIF orientation is kept as a minimal EXIF block holding that one tag, where
//! the EXIF block was, so the photo still shows upright.

/// Where the scrubber is in the file.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    /// The first two bytes (start of image), held until both are in.
    #[default]
    Start,
    /// Not a JPEG: passed through as it is (the inspection refuses it).
    Raw,
    /// Between segments: a marker is expected (`held` may have its 0xFF).
    Marker,
    /// A segment's marker and length are being read (`held` has them so far).
    Length,
    /// So many more bytes of a kept segment go out as they come.
    Keep(usize),
    /// So many more bytes of a segment to decide on are held (APP0, APP1, APP2: at most
    /// 64 KB each).
    Hold(usize),
    /// So many more bytes of a dropped segment are skipped.
    Skip(usize),
    /// Entropy-coded image data; `after_ff`: its last byte was 0xFF (held back until the
    /// next byte says whether a marker begins).
    Scan { after_ff: bool },
    /// Past the end-of-image marker: nothing more goes out.
    Ended,
}

/// The scrubber of one JPEG upload.
#[derive(Debug, Default)]
pub struct Scrubber {
    state: State,
    /// The marker of the segment being read.
    marker: u8,
    /// Bytes read but not yet decided on (a marker, a length, a segment held).
    held: Vec<u8>,
    /// An EXIF orientation was found (the first one counts).
    oriented: bool,
}

impl Scrubber {
    /// Takes the next piece of the file; returns what may be written now.
    pub fn push(&mut self, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(data.len());
        let mut rest = data;
        while !rest.is_empty() {
            rest = self.step(rest, &mut out);
        }
        out
    }

    /// Ends the file. A segment header cut off mid-way is written as it came (the
    /// inspection refuses the file as damaged); a segment held to decide on is not.
    pub fn finish(self) -> Vec<u8> {
        match self.state {
            State::Start | State::Raw | State::Length | State::Marker => self.held,
            _ => Vec::new(),
        }
    }

    /// Consumes some of `data` (at least one byte), writing what is kept to `out`.
    fn step<'a>(&mut self, data: &'a [u8], out: &mut Vec<u8>) -> &'a [u8] {
        match self.state {
            State::Start => {
                self.held.push(data[0]);
                if self.held.len() == 2 {
                    out.append(&mut self.held);
                    self.state = if out.ends_with(&[0xFF, 0xD8]) {
                        State::Marker
                    } else {
                        State::Raw
                    };
                }
                &data[1..]
            }
            State::Raw => {
                out.extend_from_slice(data);
                &[]
            }
            State::Marker => {
                let b = data[0];
                match (self.held.is_empty(), b) {
                    // Not a marker: dropped (decoders skip such bytes too).
                    (true, 0xFF) => self.held.push(0xFF),
                    (true, _) => {}
                    // Fill bytes before a marker.
                    (false, 0xFF) => {}
                    (false, 0x00) => self.held.clear(),
                    (false, m) => {
                        self.held.clear();
                        self.begin_segment(m, out);
                    }
                }
                &data[1..]
            }
            State::Length => {
                self.held.push(data[0]);
                if self.held.len() == 4 {
                    let len = usize::from(u16::from_be_bytes([self.held[2], self.held[3]]));
                    self.segment_body(len, out);
                }
                &data[1..]
            }
            State::Keep(n) => {
                let take = n.min(data.len());
                out.extend_from_slice(&data[..take]);
                self.state = State::Keep(n - take);
                self.segment_done_if_empty();
                &data[take..]
            }
            State::Skip(n) => {
                let take = n.min(data.len());
                self.state = State::Skip(n - take);
                self.segment_done_if_empty();
                &data[take..]
            }
            State::Hold(n) => {
                let take = n.min(data.len());
                self.held.extend_from_slice(&data[..take]);
                self.state = State::Hold(n - take);
                if n == take {
                    self.decide(out);
                }
                &data[take..]
            }
            State::Scan { after_ff: false } => match data.iter().position(|&b| b == 0xFF) {
                None => {
                    out.extend_from_slice(data);
                    &[]
                }
                Some(at) => {
                    out.extend_from_slice(&data[..at]);
                    self.state = State::Scan { after_ff: true };
                    &data[at + 1..]
                }
            },
            State::Scan { after_ff: true } => {
                match data[0] {
                    // A stuffed 0xFF or a restart marker: image data.
                    b @ (0x00 | 0xD0..=0xD7) => {
                        out.extend_from_slice(&[0xFF, b]);
                        self.state = State::Scan { after_ff: false };
                    }
                    0xFF => {}
                    // A marker between scans (tables, another scan, the end, or metadata).
                    m => self.begin_segment(m, out),
                }
                &data[1..]
            }
            State::Ended => &[],
        }
    }

    /// A marker `m` has been read (after its 0xFF).
    fn begin_segment(&mut self, m: u8, out: &mut Vec<u8>) {
        match m {
            0xD9 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                self.state = State::Ended;
            }
            // Markers without a length.
            0x01 | 0xD0..=0xD8 => {
                out.extend_from_slice(&[0xFF, m]);
                self.state = State::Marker;
            }
            _ => {
                self.marker = m;
                self.held.clear();
                self.held.extend_from_slice(&[0xFF, m]);
                self.state = State::Length;
            }
        }
    }

    /// The segment's length is known (`held` has its marker and length).
    fn segment_body(&mut self, len: usize, out: &mut Vec<u8>) {
        if len < 2 {
            // No segment is that short: dropped, and the next marker is looked for.
            self.held.clear();
            self.state = State::Marker;
            return;
        }
        let body = len - 2;
        self.state = match self.marker {
            0xE0..=0xE2 => State::Hold(body),
            0xE3..=0xED | 0xEF | 0xFE => {
                self.held.clear();
                State::Skip(body)
            }
            _ => {
                out.append(&mut self.held);
                State::Keep(body)
            }
        };
        if body == 0 {
            match self.state {
                State::Hold(_) => self.decide(out),
                _ => self.segment_done_if_empty(),
            }
        }
    }

    fn segment_done_if_empty(&mut self) {
        if matches!(self.state, State::Keep(0) | State::Skip(0)) {
            self.state = if self.marker == 0xDA && matches!(self.state, State::Keep(_)) {
                // After the start-of-scan header comes image data.
                State::Scan { after_ff: false }
            } else {
                State::Marker
            };
        }
    }

    /// A held APP0, APP1 or APP2 segment is complete: kept, dropped or replaced.
    fn decide(&mut self, out: &mut Vec<u8>) {
        let segment = std::mem::take(&mut self.held);
        let body = &segment[4..];
        match self.marker {
            0xE0 if body.starts_with(b"JFIF\0") => out.extend_from_slice(&segment),
            0xE1 => {
                if let Some(tiff) = body.strip_prefix(b"Exif\0\0")
                    && !self.oriented
                    && let Some(o) = exif_orientation(tiff)
                {
                    self.oriented = true;
                    if o != 1 {
                        out.extend(orientation_segment(o));
                    }
                }
            }
            0xE2 if body.starts_with(b"ICC_PROFILE\0") => out.extend_from_slice(&segment),
            _ => {}
        }
        self.state = State::Marker;
    }
}

/// A whole JPEG, scrubbed.
pub fn scrub(bytes: &[u8]) -> Vec<u8> {
    let mut scrubber = Scrubber::default();
    let mut out = scrubber.push(bytes);
    out.extend(scrubber.finish());
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

    /// From the review: a header of more than 2 MiB before the first scan was stored as it
    /// came, metadata and all. A phone's extended XMP runs to megabytes in many APP1
    /// segments; they are skipped one by one, and never more than one segment is held.
    #[test]
    fn a_header_of_megabytes_is_scrubbed_holding_one_segment_at_most() {
        let small = photo();
        let mut big = small[..2].to_vec();
        let xmp = |i: usize| {
            let mut body = b"http://ns.adobe.com/xmp/extension/\0".to_vec();
            body.extend(format!("<exif:GPSLatitude>59,{i}N</exif:GPSLatitude>").bytes());
            body.resize(65_533, b' ');
            segment(0xE1, &body)
        };
        let mut header_size = 0;
        for i in 0..48 {
            let s = xmp(i);
            header_size += s.len();
            big.extend(s);
        }
        assert!(header_size > 3_000_000, "{header_size}");
        big.extend_from_slice(&small[2..]);
        let mut scrubber = Scrubber::default();
        let mut out = Vec::new();
        for piece in big.chunks(8192) {
            out.extend(scrubber.push(piece));
            assert!(
                scrubber.held.capacity() <= 2 * 65_536,
                "held at most a segment"
            );
        }
        out.extend(scrubber.finish());
        assert_eq!(out, scrub(&small), "the same as without the extension");
        assert!(!contains(&out, b"GPS") && !contains(&out, b"xmp"));
    }

    /// Metadata between the scans of a progressive JPEG, and a JFXX thumbnail, go too.
    #[test]
    fn segments_between_scans_and_thumbnails_are_scrubbed() {
        let mut jpeg = vec![0xFF, 0xD8];
        jpeg.extend(segment(0xE0, b"JFXX\0\x10thumbnail of Anna"));
        jpeg.extend(segment(0xDB, &[0u8; 65]));
        jpeg.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        jpeg.extend_from_slice(&[1, 2, 0xFF, 0x00, 3]);
        jpeg.extend(segment(0xE1, b"Exif\0\0GPS between scans"));
        jpeg.extend(segment(0xC4, &[0u8; 17]));
        jpeg.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        jpeg.extend_from_slice(&[4, 0xFF, 0xD1, 5, 0xFF, 0xD9]);
        let clean = scrub(&jpeg);
        assert!(!contains(&clean, b"GPS") && !contains(&clean, b"Anna"));
        let mut expected = vec![0xFF, 0xD8];
        expected.extend(segment(0xDB, &[0u8; 65]));
        expected.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        expected.extend_from_slice(&[1, 2, 0xFF, 0x00, 3]);
        expected.extend(segment(0xC4, &[0u8; 17]));
        expected.extend(segment(0xDA, &[1, 1, 0, 0, 63, 0]));
        expected.extend_from_slice(&[4, 0xFF, 0xD1, 5, 0xFF, 0xD9]);
        assert_eq!(clean, expected);
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
