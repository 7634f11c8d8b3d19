//! Objects encrypted at rest in chunks (the "STREAM" construction): a random 32-byte salt,
//! then chunks of up to [`CHUNK`] bytes, each sealed with AES-256-GCM under a key of this
//! object alone, derived from the firm's data key and the salt (HMAC-SHA256), with the
//! nonce `chunk number ‖ last-chunk flag` and the object's name as associated data. A key
//! seals one object only, so nonces never repeat under a key however many objects a firm
//! stores (a long-lived key with random 56-bit nonce prefixes would collide by the birthday
//! bound). Only one chunk is ever in memory; a chunk moved, dropped, swapped with another
//! object's or cut off at the end fails to open.

use super::data_key::DataKey;
use aes_gcm::Aes256Gcm;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use hmac::{Hmac, Mac};

/// AES-GCM's 96-bit nonce.
type Nonce = aes_gcm::Nonce<aes_gcm::aead::consts::U12>;

/// Plaintext bytes per chunk.
pub const CHUNK: usize = 64 * 1024;
/// What sealing adds to each chunk (the GCM tag).
pub const TAG: usize = 16;
/// The salt at the head of every object.
const PREFIX: usize = 32;

/// The key of one object: HMAC-SHA256 of the salt under the firm's data key.
fn object_cipher(key: &DataKey, salt: &[u8; PREFIX]) -> Aes256Gcm {
    let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key.0)
        .expect("HMAC accepts any key length");
    mac.update(b"cpd-object-key-v2\0");
    mac.update(salt);
    let derived: [u8; 32] = mac.finalize().into_bytes().into();
    Aes256Gcm::new(&derived.into())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the object is damaged or was altered")]
    Damaged,
}

fn nonce(counter: u32, last: bool) -> Nonce {
    let mut n = [0u8; 12];
    n[7..11].copy_from_slice(&counter.to_be_bytes());
    n[11] = u8::from(last);
    Nonce::from(n)
}

/// Seals chunk by chunk: feed plaintext with [`Sealer::push`], end with [`Sealer::finish`].
pub struct Sealer {
    cipher: Aes256Gcm,
    name: Vec<u8>,
    counter: u32,
    pending: Vec<u8>,
}

impl Sealer {
    /// Starts an object; returns the sealer and the header to write first.
    pub fn new(key: &DataKey, name: &str) -> (Sealer, Vec<u8>) {
        let prefix: [u8; PREFIX] = rand::random();
        let sealer = Sealer {
            cipher: object_cipher(key, &prefix),
            name: name.as_bytes().to_vec(),
            counter: 0,
            pending: Vec::with_capacity(CHUNK),
        };
        (sealer, prefix.to_vec())
    }

    fn seal(&mut self, chunk: &[u8], last: bool) -> Vec<u8> {
        let out = self
            .cipher
            .encrypt(
                &nonce(self.counter, last),
                Payload {
                    msg: chunk,
                    aad: &self.name,
                },
            )
            .expect("AES-GCM over an in-memory chunk cannot fail");
        self.counter = self.counter.checked_add(1).expect("fewer than 2^32 chunks");
        out
    }

    /// Takes more plaintext; returns the sealed chunks now complete.
    pub fn push(&mut self, mut data: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        while !data.is_empty() {
            let take = (CHUNK - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
            // A full chunk is sealed only once more data shows it is not the last one.
            if self.pending.len() == CHUNK && !data.is_empty() {
                let chunk = std::mem::take(&mut self.pending);
                out.extend(self.seal(&chunk, false));
                self.pending.reserve(CHUNK);
            }
        }
        out
    }

    /// Seals what is left as the last chunk (possibly empty).
    pub fn finish(mut self) -> Vec<u8> {
        let chunk = std::mem::take(&mut self.pending);
        self.seal(&chunk, true)
    }
}

/// Opens chunk by chunk as sealed bytes arrive (from a file or a network body): feed
/// them with [`Opener::push`], end with [`Opener::finish`]. Mirrors [`Sealer`]: a full
/// chunk is opened only once more bytes show it is not the last one.
pub struct Opener {
    key: [u8; 32],
    /// Known once the salt has arrived.
    cipher: Option<Aes256Gcm>,
    name: Vec<u8>,
    counter: u32,
    pending: Vec<u8>,
}

impl Opener {
    pub fn new(key: &DataKey, name: &str) -> Opener {
        Opener {
            key: key.0,
            cipher: None,
            name: name.as_bytes().to_vec(),
            counter: 0,
            pending: Vec::with_capacity(CHUNK + TAG),
        }
    }

    fn open(&mut self, chunk: &[u8], last: bool) -> Result<Vec<u8>, SealError> {
        let cipher = self.cipher.as_ref().ok_or(SealError::Damaged)?;
        let plain = cipher
            .decrypt(
                &nonce(self.counter, last),
                Payload {
                    msg: chunk,
                    aad: &self.name,
                },
            )
            .map_err(|_| SealError::Damaged)?;
        self.counter = self.counter.checked_add(1).ok_or(SealError::Damaged)?;
        Ok(plain)
    }

    /// Takes more sealed bytes; returns the plaintext now proven.
    pub fn push(&mut self, mut data: &[u8]) -> Result<Vec<u8>, SealError> {
        if self.cipher.is_none() {
            let need = PREFIX - self.pending.len();
            let take = need.min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.pending.len() < PREFIX {
                return Ok(Vec::new());
            }
            let salt: [u8; PREFIX] = self.pending[..PREFIX]
                .try_into()
                .map_err(|_| SealError::Damaged)?;
            self.cipher = Some(object_cipher(&DataKey(self.key), &salt));
            self.pending.clear();
        }
        let mut out = Vec::new();
        while !data.is_empty() {
            let take = (CHUNK + TAG - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.pending.len() == CHUNK + TAG && !data.is_empty() {
                let chunk = std::mem::take(&mut self.pending);
                out.extend(self.open(&chunk, false)?);
                self.pending.reserve(CHUNK + TAG);
            }
        }
        Ok(out)
    }

    /// Opens what is left as the last chunk; fails if the object was cut short.
    pub fn finish(mut self) -> Result<Vec<u8>, SealError> {
        let chunk = std::mem::take(&mut self.pending);
        self.open(&chunk, true)
    }
}

/// Opens a sealed object held in memory, calling `sink` with each plaintext chunk.
pub fn open(
    key: &DataKey,
    name: &str,
    sealed: &[u8],
    mut sink: impl FnMut(&[u8]),
) -> Result<(), SealError> {
    let mut opener = Opener::new(key, name);
    for part in sealed.chunks(CHUNK + TAG) {
        sink(&opener.push(part)?);
    }
    sink(&opener.finish()?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn seal_all(key: &DataKey, name: &str, data: &[u8], step: usize) -> Vec<u8> {
        let (mut sealer, mut out) = Sealer::new(key, name);
        for part in data.chunks(step.max(1)) {
            out.extend(sealer.push(part));
        }
        out.extend(sealer.finish());
        out
    }

    fn open_all(key: &DataKey, name: &str, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        let mut out = Vec::new();
        open(key, name, sealed, |c| out.extend_from_slice(c))?;
        Ok(out)
    }

    #[test]
    fn round_trips_at_chunk_boundaries() {
        let key = DataKey::generate();
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17] {
            let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let sealed = seal_all(&key, "firm/obj", &data, 10_000);
            assert_eq!(
                sealed.len(),
                PREFIX + len + TAG * (len.div_ceil(CHUNK).max(1))
            );
            assert_eq!(
                open_all(&key, "firm/obj", &sealed).expect("opens"),
                data,
                "{len}"
            );
        }
    }

    #[test]
    fn every_object_has_its_own_key() {
        // The same plaintext under the same name and firm key seals to unrelated bytes,
        // and a chunk of one object does not open in another (its key differs).
        let key = DataKey::generate();
        let data = vec![7u8; CHUNK + 10];
        let a = seal_all(&key, "firm/x", &data, CHUNK);
        let b = seal_all(&key, "firm/x", &data, CHUNK);
        assert_ne!(a[PREFIX..], b[PREFIX..]);
        let mut spliced = b[..PREFIX].to_vec();
        spliced.extend_from_slice(&a[PREFIX..]);
        assert_eq!(open_all(&key, "firm/x", &spliced), Err(SealError::Damaged));
    }

    #[test]
    fn truncation_reordering_renaming_and_wrong_keys_are_detected() {
        let key = DataKey::generate();
        let data = vec![42u8; 2 * CHUNK + 5];
        let sealed = seal_all(&key, "firm-a/x", &data, CHUNK);
        // Cut after the first full chunk: that chunk was not sealed as the last one.
        assert_eq!(
            open_all(&key, "firm-a/x", &sealed[..PREFIX + CHUNK + TAG]),
            Err(SealError::Damaged)
        );
        // Swap the first two chunks.
        let c = CHUNK + TAG;
        let mut swapped = sealed[..PREFIX].to_vec();
        swapped.extend_from_slice(&sealed[PREFIX + c..PREFIX + 2 * c]);
        swapped.extend_from_slice(&sealed[PREFIX..PREFIX + c]);
        swapped.extend_from_slice(&sealed[PREFIX + 2 * c..]);
        assert_eq!(
            open_all(&key, "firm-a/x", &swapped),
            Err(SealError::Damaged)
        );
        // Another object's name, another key, one flipped bit.
        assert_eq!(open_all(&key, "firm-b/x", &sealed), Err(SealError::Damaged));
        assert_eq!(
            open_all(&DataKey::generate(), "firm-a/x", &sealed),
            Err(SealError::Damaged)
        );
        let mut flipped = sealed.clone();
        flipped[PREFIX + 100] ^= 1;
        assert_eq!(
            open_all(&key, "firm-a/x", &flipped),
            Err(SealError::Damaged)
        );
        assert_eq!(open_all(&key, "firm-a/x", &[1, 2]), Err(SealError::Damaged));
    }

    proptest! {
        // Each case seals up to 200 KB in a debug build: fewer cases keep the suite quick.
        #![proptest_config(ProptestConfig::with_cases(24))]

        #[test]
        fn any_data_in_any_pieces_round_trips(data in proptest::collection::vec(any::<u8>(), 0..200_000), step in 1usize..100_000) {
            let key = DataKey::generate();
            let sealed = seal_all(&key, "n", &data, step);
            prop_assert_eq!(open_all(&key, "n", &sealed).expect("opens"), data);
        }

        #[test]
        fn sealed_bytes_open_in_any_pieces(data in proptest::collection::vec(any::<u8>(), 0..150_000), step in 1usize..70_000) {
            let key = DataKey::generate();
            let sealed = seal_all(&key, "n", &data, CHUNK);
            let mut opener = Opener::new(&key, "n");
            let mut out = Vec::new();
            for part in sealed.chunks(step) {
                out.extend(opener.push(part).expect("opens"));
            }
            out.extend(opener.finish().expect("last chunk"));
            prop_assert_eq!(out, data);
        }

        #[test]
        fn opening_garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..1000)) {
            let _ = open_all(&DataKey::generate(), "n", &bytes);
        }
    }
}
