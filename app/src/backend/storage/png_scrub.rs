//! PNGs lose their metadata before they are stored, as JPEGs do ([`super::jpeg_scrub`]):
//! only what rendering needs is kept — the critical chunks (`IHDR`, `PLTE`, `IDAT`, `IEND`)
//! and an allow-list of ancillary ones (transparency, gamma, chromaticities, the colour
//! space and profile, significant bits, pixel size, background, and APNG's frames). Every
//! other chunk goes: EXIF (`eXIf`: a phone's GPS and serial number), text (`tEXt`, `zTXt`,
//! `iTXt`: author, software, XMP, comments), the time of the last change (`tIME`), content
//! credentials (`caBX`) and any private chunk. Kept chunks pass with their own checksum (each
//! chunk has its own CRC, so dropping one recomputes nothing). Anything after `IEND` is
//! dropped.
//!
//! Streaming, like the JPEG scrubber: only a chunk's 8-byte header is ever held; a dropped
//! chunk is skipped by its length, whatever its size.

/// The PNG signature.
pub const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// The chunks kept: what a viewer needs to draw the picture, nothing about its making.
const KEPT: [&[u8; 4]; 15] = [
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT",
    b"pHYs", b"bKGD", b"acTL", b"fcTL", b"fdAT",
];

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    /// The signature, held until all 8 bytes are in.
    #[default]
    Signature,
    /// Not a PNG: passed through as it is (the inspection refuses it).
    Raw,
    /// A chunk's length and type are being read (`held`).
    Header,
    /// So many more bytes of a kept chunk (data and CRC) go out; `last`: it is `IEND`.
    Keep { left: u64, last: bool },
    /// So many more bytes of a dropped chunk are skipped.
    Skip(u64),
    /// Past `IEND`.
    Ended,
}

/// The scrubber of one PNG upload.
#[derive(Debug, Default)]
pub struct PngScrubber {
    state: State,
    held: Vec<u8>,
}

impl PngScrubber {
    /// Takes the next piece of the file; returns what may be written now.
    pub fn push(&mut self, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(data.len());
        let mut rest = data;
        while !rest.is_empty() {
            rest = self.step(rest, &mut out);
        }
        out
    }

    /// Ends the file: a signature or chunk header cut off mid-way is written as it came
    /// (the inspection refuses the file as damaged).
    pub fn finish(self) -> Vec<u8> {
        self.held
    }

    fn step<'a>(&mut self, data: &'a [u8], out: &mut Vec<u8>) -> &'a [u8] {
        match self.state {
            State::Signature | State::Header => {
                let take = (8 - self.held.len()).min(data.len());
                self.held.extend_from_slice(&data[..take]);
                if self.held.len() == 8 {
                    let held = std::mem::take(&mut self.held);
                    self.state = if self.state == State::Signature {
                        out.extend_from_slice(&held);
                        if held == SIGNATURE {
                            State::Header
                        } else {
                            State::Raw
                        }
                    } else {
                        let len =
                            u64::from(u32::from_be_bytes([held[0], held[1], held[2], held[3]]));
                        let kind = &held[4..8];
                        // The chunk's data, then its CRC.
                        let left = len + 4;
                        if !KEPT.iter().any(|k| k.as_slice() == kind) {
                            State::Skip(left)
                        } else {
                            out.extend_from_slice(&held);
                            State::Keep {
                                left,
                                last: kind == b"IEND",
                            }
                        }
                    };
                }
                &data[take..]
            }
            State::Raw => {
                out.extend_from_slice(data);
                &[]
            }
            State::Keep { left, last } => {
                let take = usize::try_from(left).unwrap_or(usize::MAX).min(data.len());
                out.extend_from_slice(&data[..take]);
                let left = left - take as u64;
                self.state = match (left, last) {
                    (0, true) => State::Ended,
                    (0, false) => State::Header,
                    _ => State::Keep { left, last },
                };
                &data[take..]
            }
            State::Skip(left) => {
                let take = usize::try_from(left).unwrap_or(usize::MAX).min(data.len());
                let left = left - take as u64;
                self.state = if left == 0 {
                    State::Header
                } else {
                    State::Skip(left)
                };
                &data[take..]
            }
            State::Ended => &[],
        }
    }
}

/// A whole PNG, scrubbed.
pub fn scrub(bytes: &[u8]) -> Vec<u8> {
    let mut scrubber = PngScrubber::default();
    let mut out = scrubber.push(bytes);
    out.extend(scrubber.finish());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut out = u32::try_from(data.len())
            .expect("small")
            .to_be_bytes()
            .to_vec();
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
        out
    }

    /// A 1×1 PNG with every metadata chunk a phone or an editor writes, and a trailer.
    fn tagged() -> (Vec<u8>, Vec<u8>) {
        let ihdr = chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
        // zlib of the one scanline [filter 0, grey 0x80], stored.
        let idat = chunk(
            b"IDAT",
            &[
                0x78, 0x01, 0x01, 0x02, 0x00, 0xFD, 0xFF, 0x00, 0x80, 0x00, 0x82, 0x00, 0x81,
            ],
        );
        let gama = chunk(b"gAMA", &[0, 0, 0xB1, 0x8F]);
        let iend = chunk(b"IEND", &[]);
        let mut clean = SIGNATURE.to_vec();
        for c in [&ihdr, &gama, &idat, &iend] {
            clean.extend_from_slice(c);
        }
        let mut tagged = SIGNATURE.to_vec();
        tagged.extend_from_slice(&ihdr);
        tagged.extend(chunk(b"eXIf", b"MM\0\x2a GPS 59.3293N SERIAL-XZ-1234"));
        tagged.extend(chunk(b"tEXt", b"Author\0Anna Berg"));
        tagged.extend_from_slice(&gama);
        tagged.extend(chunk(b"zTXt", b"Comment\0\0x"));
        tagged.extend(chunk(
            b"iTXt",
            b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>GPS</x:xmpmeta>",
        ));
        tagged.extend(chunk(b"tIME", &[7, 234, 12, 1, 9, 30, 0]));
        // Content credentials and a private chunk: not on the list, so gone too.
        tagged.extend(chunk(b"caBX", b"c2pa manifest: Pixel 9, GPS 59.3293N"));
        tagged.extend(chunk(b"prVt", b"maker notes SERIAL-XZ-1234"));
        tagged.extend_from_slice(&idat);
        tagged.extend_from_slice(&iend);
        tagged.extend_from_slice(b"trailer GPS");
        (tagged, clean)
    }

    #[test]
    fn metadata_chunks_go_and_the_rest_stays_byte_for_byte() {
        let (tagged, clean) = tagged();
        assert_eq!(scrub(&tagged), clean);
        assert_eq!(scrub(&clean), clean, "a clean PNG is unchanged");
    }

    #[test]
    fn streaming_in_any_pieces_gives_the_same_bytes() {
        let (tagged, clean) = tagged();
        for step in [1, 2, 3, 5, 8, 13, 100] {
            let mut scrubber = PngScrubber::default();
            let mut out = Vec::new();
            for piece in tagged.chunks(step) {
                out.extend(scrubber.push(piece));
            }
            out.extend(scrubber.finish());
            assert_eq!(out, clean, "pieces of {step}");
        }
    }

    #[test]
    fn a_huge_text_chunk_is_skipped_without_being_held() {
        let mut png = SIGNATURE.to_vec();
        png.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]));
        png.extend(chunk(b"iTXt", &vec![b'G'; 3 << 20]));
        let mut scrubber = PngScrubber::default();
        let mut out = Vec::new();
        for piece in png.chunks(64 * 1024) {
            out.extend(scrubber.push(piece));
            assert!(scrubber.held.capacity() <= 8);
        }
        assert_eq!(out.len(), 8 + 25);
        assert_eq!(scrub(b"not a png at all"), b"not a png at all");
        assert_eq!(scrub(&SIGNATURE[..5]), &SIGNATURE[..5]);
    }
}
