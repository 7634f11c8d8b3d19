//! Keys, MACs, random tokens and encryption, all derived from the one master key.
//!
//! Each purpose gets its own key, `HMAC-SHA256(master, "cpd-registry/" ‖ purpose)`, so a
//! key leaked from one use (say a signed URL) says nothing about another (say OTP codes).

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

/// A 32-byte key for one purpose. Not `Debug`, not `Serialize`: it never prints.
#[derive(Clone)]
pub struct Key([u8; 32]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(<redacted>)")
    }
}

/// The purposes keys are derived for. Their labels must never change.
#[derive(Debug, Clone, Copy)]
pub enum Purpose {
    OtpCode,
    OtpLink,
    RecoveryCode,
    TotpSecret,
    AuditCheckpoint,
    InvitationLink,
    DataKeyWrap,
    FileUrl,
    DatabaseFile,
    Backup,
    EmailIndex,
    SystemRecords,
    Keyring,
}

impl Purpose {
    fn label(self) -> &'static str {
        match self {
            Purpose::OtpCode => "otp-code",
            Purpose::OtpLink => "otp-link",
            Purpose::RecoveryCode => "recovery-code",
            Purpose::TotpSecret => "totp-secret",
            Purpose::AuditCheckpoint => "audit-checkpoint",
            Purpose::InvitationLink => "invitation-link",
            Purpose::DataKeyWrap => "data-key-wrap",
            Purpose::FileUrl => "file-url",
            Purpose::DatabaseFile => "database-file",
            Purpose::Backup => "backup",
            Purpose::EmailIndex => "email-index",
            Purpose::SystemRecords => "system-records",
            Purpose::Keyring => "keyring",
        }
    }
}

impl Key {
    pub fn derive(master: &[u8; 32], purpose: Purpose) -> Key {
        let mut mac = HmacSha256::new_from_slice(master).expect("HMAC accepts any key length");
        mac.update(b"cpd-registry/");
        mac.update(purpose.label().as_bytes());
        Key(mac.finalize().into_bytes().into())
    }

    /// The master key itself, kept as a key (so it never prints).
    pub fn from_bytes(bytes: [u8; 32]) -> Key {
        Key(bytes)
    }

    /// The key's bytes, for what needs the master key whole (unwrapping a firm's key).
    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The raw key, for a key of another kind seeded from it (the ed25519 checkpoint key).
    pub fn secret_bytes(&self) -> [u8; 32] {
        self.0
    }

    /// HMAC-SHA256 over the parts, each length-prefixed so ("ab","c") ≠ ("a","bc"); hex.
    pub fn mac(&self, parts: &[&[u8]]) -> String {
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC accepts any key length");
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        hex::encode(mac.finalize().into_bytes())
    }

    /// Constant-time check of a MAC computed by [`Key::mac`].
    pub fn verify(&self, parts: &[&[u8]], expected_hex: &str) -> bool {
        let Ok(expected) = hex::decode(expected_hex) else {
            return false;
        };
        let mut mac = HmacSha256::new_from_slice(&self.0).expect("HMAC accepts any key length");
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac.verify_slice(&expected).is_ok()
    }

    /// AES-256-GCM with a random 96-bit nonce; output is base64url(nonce ‖ ciphertext).
    pub fn encrypt(&self, plaintext: &[u8]) -> String {
        let cipher = Aes256Gcm::new(&self.0.into());
        let nonce_bytes: [u8; 12] = rand::random();
        let ciphertext = cipher
            .encrypt(&Nonce::from(nonce_bytes), plaintext)
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut out = nonce_bytes.to_vec();
        out.extend_from_slice(&ciphertext);
        URL_SAFE_NO_PAD.encode(out)
    }

    pub fn decrypt(&self, encoded: &str) -> Option<Vec<u8>> {
        let bytes = URL_SAFE_NO_PAD.decode(encoded).ok()?;
        if bytes.len() < 12 {
            return None;
        }
        let (nonce, ciphertext) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().ok()?;
        Aes256Gcm::new(&self.0.into())
            .decrypt(&Nonce::from(nonce), ciphertext)
            .ok()
    }
}

/// A random token of `bytes` bytes, base64url: session ids, link tokens.
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(&mut buf[..]);
    URL_SAFE_NO_PAD.encode(buf)
}

/// A uniformly random 6-digit code, leading zeros kept.
pub fn random_code() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// SHA-256, hex: how session ids are stored (the id itself is a 256-bit random secret,
/// so a plain hash is enough to make a stolen table useless).
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// HMAC-SHA256 of `value` under a secret that is not derived from the master key (a
/// person's own random salt), hex: a value's fingerprint that only its holder can check.
pub fn keyed_hash(secret: &[u8], value: &[u8]) -> String {
    let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC accepts any key length");
    mac.update(value);
    hex::encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    const MASTER: [u8; 32] = [7; 32];

    #[test]
    fn purposes_get_different_keys() {
        let a = Key::derive(&MASTER, Purpose::OtpCode).mac(&[b"x"]);
        let b = Key::derive(&MASTER, Purpose::OtpLink).mac(&[b"x"]);
        assert_ne!(a, b);
    }

    #[test]
    fn macs_verify_and_are_length_prefixed() {
        let key = Key::derive(&MASTER, Purpose::OtpCode);
        let mac = key.mac(&[b"ab", b"c"]);
        assert!(key.verify(&[b"ab", b"c"], &mac));
        assert!(!key.verify(&[b"a", b"bc"], &mac));
        assert!(!key.verify(&[b"ab", b"c"], "not hex"));
    }

    #[test]
    fn encryption_round_trips_and_detects_tampering() {
        let key = Key::derive(&MASTER, Purpose::TotpSecret);
        let sealed = key.encrypt(b"secret");
        assert_eq!(key.decrypt(&sealed).as_deref(), Some(&b"secret"[..]));
        assert_ne!(sealed, key.encrypt(b"secret"), "fresh nonce every time");
        let mut tampered = sealed.into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert_eq!(
            key.decrypt(&String::from_utf8(tampered).expect("ascii")),
            None
        );
        let other = Key::derive(&MASTER, Purpose::OtpCode);
        assert_eq!(other.decrypt(&key.encrypt(b"x")), None);
    }

    #[test]
    fn codes_are_six_digits() {
        for _ in 0..1000 {
            let code = random_code();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
        assert_eq!(random_token(32).len(), 43);
    }
}
