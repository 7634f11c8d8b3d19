//! What a file really is, from its first bytes — never its name or the browser's word.
//! A PDF must start with `%PDF-` at offset 0 (a check that looks anywhere in the first
//! kilobyte would take an HTML page with "%PDF" in it); JPEG and PNG by their signatures.
//! Decoding or parsing (the second check) comes with the upload route.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Pdf,
    Jpeg,
    Png,
    /// Only ever one of our own archives (a data export): [`sniff`] never says it, so
    /// no upload can be one.
    Zip,
}

impl Kind {
    pub fn mime(self) -> &'static str {
        match self {
            Kind::Pdf => "application/pdf",
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Zip => "application/zip",
        }
    }
}

const PNG: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Our own ZIP archives, by their local-file-header signature.
pub fn sniff_archive(head: &[u8]) -> Option<Kind> {
    head.starts_with(b"PK\x03\x04").then_some(Kind::Zip)
}

pub fn sniff(head: &[u8]) -> Option<Kind> {
    if head.starts_with(b"%PDF-") {
        Some(Kind::Pdf)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(Kind::Jpeg)
    } else if head.starts_with(&PNG) {
        Some(Kind::Png)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn knows_the_three_kinds_and_refuses_the_rest() {
        assert_eq!(sniff(b"%PDF-1.7\n"), Some(Kind::Pdf));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16]), Some(Kind::Jpeg));
        assert_eq!(sniff(&PNG), Some(Kind::Png));
        assert_eq!(sniff(b"<html>%PDF-1.7"), None, "%PDF not at offset 0");
        assert_eq!(sniff(b" %PDF-1.7"), None);
        assert_eq!(sniff(b"MZ\x90\x00"), None, "a Windows executable");
        assert_eq!(sniff(b"\x7fELF"), None);
        assert_eq!(sniff(b"PK\x03\x04"), None, "a zip");
        assert_eq!(sniff(&PNG[..7]), None, "a cut signature");
        assert_eq!(sniff(b""), None);
    }

    proptest! {
        #[test]
        fn only_a_signature_at_offset_0_counts(junk in proptest::collection::vec(any::<u8>(), 1..64), tail in proptest::collection::vec(any::<u8>(), 0..64)) {
            let mut bytes = junk.clone();
            bytes.extend_from_slice(b"%PDF-");
            bytes.extend_from_slice(&tail);
            let kind = sniff(&bytes);
            prop_assert!(kind != Some(Kind::Pdf) || junk.starts_with(b"%PDF-"));
            // Whatever it says, it says it from the first bytes only.
            prop_assert_eq!(kind, sniff(&bytes[..bytes.len().min(8)]));
        }
    }
}
