//! Per-firm data keys: random AES-256 keys, stored only wrapped (AES-GCM) by a key derived
//! from the master key, so a copy of the database or the disk alone decrypts nothing.

use crate::backend::crypto::{Key, Purpose};

/// A firm's data key. Not `Debug`: it never prints.
pub struct DataKey(pub(super) [u8; 32]);

impl DataKey {
    pub fn generate() -> DataKey {
        DataKey(rand::random())
    }

    /// A key given as bytes (the backup key, derived or configured).
    pub fn from_bytes(bytes: [u8; 32]) -> DataKey {
        DataKey(bytes)
    }

    /// An AES-256-GCM cipher under a subkey of this key for one use (`label`): the firm's
    /// rows are sealed under `HMAC(key, label)`, never under the key itself.
    pub fn cipher(&self, label: &[u8]) -> aes_gcm::Aes256Gcm {
        use aes_gcm::KeyInit;
        use hmac::Mac;
        let subkey: [u8; 32] = self
            .mac(b"cpd-registry/subkey/", label)
            .finalize()
            .into_bytes()
            .into();
        aes_gcm::Aes256Gcm::new(&subkey.into())
    }

    /// HMAC-SHA256 of `label ‖ data` under this key: a check value that proves the key
    /// without revealing it.
    pub fn mac(&self, label: &[u8], data: &[u8]) -> hmac::Hmac<sha2::Sha256> {
        use hmac::{KeyInit, Mac};
        let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&self.0)
            .expect("HMAC accepts any key length");
        mac.update(label);
        mac.update(data);
        mac
    }

    /// The key, encrypted under the master key, bound to its firm (a wrapped key copied to
    /// another firm's row does not unwrap).
    pub fn wrap(&self, master: &[u8; 32], firm_id: &str) -> String {
        self.wrap_under(&Key::derive(master, Purpose::DataKeyWrap), firm_id)
    }

    pub fn unwrap(wrapped: &str, master: &[u8; 32], firm_id: &str) -> Option<DataKey> {
        DataKey::unwrap_under(wrapped, &Key::derive(master, Purpose::DataKeyWrap), firm_id)
    }

    /// The key, encrypted under `key` and bound to its firm.
    pub fn wrap_under(&self, key: &Key, firm_id: &str) -> String {
        let mut bound = firm_id.as_bytes().to_vec();
        bound.push(0);
        bound.extend_from_slice(&self.0);
        key.encrypt(&bound)
    }

    pub fn unwrap_under(wrapped: &str, key: &Key, firm_id: &str) -> Option<DataKey> {
        let bound = key.decrypt(wrapped)?;
        let (firm, key) = bound.split_at(bound.len().checked_sub(33)?);
        if firm != firm_id.as_bytes() || key[0] != 0 {
            return None;
        }
        Some(DataKey(key[1..].try_into().ok()?))
    }

    /// This key as a wrapping key (a firm's archive key wraps its data key in backups).
    pub fn as_wrapping_key(&self) -> Key {
        Key::from_bytes(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_key_unwraps_only_for_its_firm_and_master_key() {
        let master = [7u8; 32];
        let key = DataKey::generate();
        let wrapped = key.wrap(&master, "firm-a");
        let back = DataKey::unwrap(&wrapped, &master, "firm-a").expect("unwraps");
        assert_eq!(back.0, key.0);
        assert!(DataKey::unwrap(&wrapped, &master, "firm-b").is_none());
        assert!(DataKey::unwrap(&wrapped, &[8u8; 32], "firm-a").is_none());
        assert!(!wrapped.contains(&hex::encode(key.0)));
    }
}
