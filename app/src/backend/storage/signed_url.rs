//! Links to stored objects that expire: `PATH?exp=UNIX_SECONDS&sig=HMAC`. The MAC covers
//! the firm, the object, the expiry and how the file is to be shown, under a key derived
//! from the master key only for this; a changed character, a late click or another firm's
//! object fails.

use crate::backend::crypto::{Key, Purpose};

/// How long a link works.
pub const TTL_SECS: i64 = 3600;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub firm_id: String,
    pub object_id: String,
    /// `inline` or `attachment`.
    pub disposition: String,
    pub expires: i64,
}

fn key(master: &[u8; 32]) -> Key {
    Key::derive(master, Purpose::FileUrl)
}

fn parts(g: &Grant) -> [Vec<u8>; 4] {
    [
        g.firm_id.as_bytes().to_vec(),
        g.object_id.as_bytes().to_vec(),
        g.disposition.as_bytes().to_vec(),
        g.expires.to_be_bytes().to_vec(),
    ]
}

/// The query string that proves `grant`.
pub fn sign(master: &[u8; 32], grant: &Grant) -> String {
    let p = parts(grant);
    let refs: Vec<&[u8]> = p.iter().map(Vec::as_slice).collect();
    format!(
        "d={}&exp={}&sig={}",
        grant.disposition,
        grant.expires,
        key(master).mac(&refs)
    )
}

/// Whether `sig` proves `grant` and it has not expired at `now` (Unix seconds).
pub fn verify(master: &[u8; 32], grant: &Grant, sig: &str, now: i64) -> bool {
    if now >= grant.expires {
        return false;
    }
    // Only the exact text we issued: hex decoding alone would take `A` for `a`.
    if !sig
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return false;
    }
    let p = parts(grant);
    let refs: Vec<&[u8]> = p.iter().map(Vec::as_slice).collect();
    key(master).verify(&refs, sig)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant() -> Grant {
        Grant {
            firm_id: "firm-a".into(),
            object_id: "obj-1".into(),
            disposition: "inline".into(),
            expires: 1_000 + TTL_SECS,
        }
    }

    fn sig_of(query: &str) -> String {
        query.rsplit("sig=").next().expect("sig").to_owned()
    }

    #[test]
    fn works_until_it_expires_and_for_nothing_else() {
        let master = [3u8; 32];
        let sig = sig_of(&sign(&master, &grant()));
        assert!(verify(&master, &grant(), &sig, 1_000));
        assert!(verify(&master, &grant(), &sig, 1_000 + TTL_SECS - 1));
        assert!(!verify(&master, &grant(), &sig, 1_000 + TTL_SECS));
        let other_firm = Grant {
            firm_id: "firm-b".into(),
            ..grant()
        };
        assert!(!verify(&master, &other_firm, &sig, 1_000));
        let later = Grant {
            expires: grant().expires + 60,
            ..grant()
        };
        assert!(!verify(&master, &later, &sig, 1_000));
        let download = Grant {
            disposition: "attachment".into(),
            ..grant()
        };
        assert!(!verify(&master, &download, &sig, 1_000));
        assert!(!verify(&[4u8; 32], &grant(), &sig, 1_000));
        assert!(!verify(&master, &grant(), &sig.to_uppercase(), 1_000));
        // Any one character changed.
        for i in 0..sig.len() {
            let mut bytes = sig.clone().into_bytes();
            bytes[i] = if bytes[i] == b'0' { b'1' } else { b'0' };
            let changed = String::from_utf8(bytes).expect("ascii");
            assert!(!verify(&master, &grant(), &changed, 1_000), "{i}");
        }
    }
}
