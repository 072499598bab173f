//! Randomness, tokens and encryption of contact data.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::code::AccessCode;
use crate::error::{Result, StoreError};

/// 128 random bits as 32 hex digits: ids of responses, waves, contacts and invitations.
/// `rand::rng()` is a cryptographically secure generator seeded by the operating system.
pub(crate) fn random_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// 32 random bytes: session ids' entropy, deployment secrets and salts.
pub(crate) fn random_secret() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    bytes
}

/// A new invitation token: 128 random bits, URL-safe base64 (22 characters).
pub(crate) fn new_token() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A new API key: `vecu_` and 256 random bits, URL-safe base64.
pub(crate) fn new_api_key() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("vecu_{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// SHA-256 of a token: the only form in which a token is looked up.
pub(crate) fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Whether text has the shape of a token (anything else is unknown without a database query).
pub(crate) fn looks_like_token(token: &str) -> bool {
    token.len() == 22
        && URL_SAFE_NO_PAD
            .decode(token)
            .is_ok_and(|bytes| bytes.len() == 16)
}

/// The AES-256-GCM key for contact data. It comes from configuration, never from the database,
/// and never prints.
#[derive(Clone)]
pub struct EncryptionKey {
    cipher: Aes256Gcm,
    /// Key of the hashes of access codes, derived from the encryption key.
    lookup: [u8; 32],
    /// Key mixed into the hashes of who failed a look-up (client addresses), derived from the
    /// encryption key: without it, the database alone cannot tell an address by trying them all.
    asker: [u8; 32],
    /// During a key rotation, the key being left: it opens what it sealed, never seals.
    previous: Option<Box<EncryptionKey>>,
}

impl std::fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EncryptionKey(***)")
    }
}

impl EncryptionKey {
    /// Parses 32 bytes given in standard base64.
    pub fn from_base64(text: &str) -> Result<EncryptionKey> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| StoreError::BadKey(0))?;
        if bytes.len() != 32 {
            return Err(StoreError::BadKey(bytes.len()));
        }
        let cipher =
            Aes256Gcm::new_from_slice(&bytes).map_err(|_| StoreError::BadKey(bytes.len()))?;
        let lookup = Sha256::new()
            .chain_update(b"vecu access code lookup key\0")
            .chain_update(&bytes)
            .finalize()
            .into();
        let asker = Sha256::new()
            .chain_update(b"vecu look-up counter key\0")
            .chain_update(&bytes)
            .finalize()
            .into();
        Ok(EncryptionKey {
            cipher,
            lookup,
            asker,
            previous: None,
        })
    }

    /// This key, which seals, and the key a rotation is leaving, which still opens what it
    /// sealed (and finds the access codes hashed under it) until `vecu admin rotate-key` has
    /// re-sealed everything: instances keep serving while the rotation runs.
    pub fn with_previous(mut self, previous: EncryptionKey) -> EncryptionKey {
        self.previous = Some(Box::new(previous.without_previous()));
        self
    }

    /// The key alone, without the one it replaced.
    pub(crate) fn without_previous(mut self) -> EncryptionKey {
        self.previous = None;
        self
    }

    /// A fresh random key, base64 (for tests and first set-up).
    pub fn generate_base64() -> String {
        let mut bytes = [0u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        STANDARD.encode(bytes)
    }

    /// Encrypts with a random nonce; `context` (the row id) is bound as associated data so a
    /// ciphertext copied to another row does not decrypt. Output: nonce (12 bytes) || ciphertext.
    pub(crate) fn seal(&self, plaintext: &str, context: &str) -> Result<Vec<u8>> {
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| StoreError::Decrypt)?;
        Ok([nonce.as_slice(), sealed.as_slice()].concat())
    }

    /// Keyed SHA-256 of an access code: 60 bits are too few for a plain hash (all codes of a
    /// wave could be found by trying every code offline), so the hash needs the key that stays
    /// out of the database.
    pub(crate) fn code_hash(&self, code: &AccessCode) -> Vec<u8> {
        code_hash_under(&self.lookup, code)
    }

    /// The hashes a code may have been stored under: this key's, the previous key's during a
    /// rotation, and those of earlier keys' lookup keys (`earlier`, kept by rotations).
    pub(crate) fn code_hashes(&self, code: &AccessCode, earlier: &[[u8; 32]]) -> Vec<Vec<u8>> {
        std::iter::once(&self.lookup)
            .chain(self.previous.iter().map(|previous| &previous.lookup))
            .chain(earlier)
            .map(|lookup| code_hash_under(lookup, code))
            .collect()
    }

    /// The key of access codes' hashes (kept sealed by a rotation that leaves this key).
    pub(crate) fn lookup_key(&self) -> &[u8; 32] {
        &self.lookup
    }

    /// The key mixed into the hashes of who failed a look-up.
    pub(crate) fn asker_key(&self) -> &[u8; 32] {
        &self.asker
    }

    /// Decrypts what [`EncryptionKey::seal`] produced for the same context, with this key or,
    /// during a rotation, the previous one.
    pub(crate) fn open(&self, sealed: &[u8], context: &str) -> Result<String> {
        match (self.open_own(sealed, context), &self.previous) {
            (Err(_), Some(previous)) => previous.open_own(sealed, context),
            (opened, _) => opened,
        }
    }

    /// Decrypts with this key alone (a rotation asks whether a value is done).
    pub(crate) fn open_own(&self, sealed: &[u8], context: &str) -> Result<String> {
        if sealed.len() < 12 {
            return Err(StoreError::Decrypt);
        }
        let (nonce, ciphertext) = sealed.split_at(12);
        let plaintext = self
            .cipher
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| StoreError::Decrypt)?;
        String::from_utf8(plaintext).map_err(|_| StoreError::Decrypt)
    }
}

/// Keyed SHA-256 of an access code under one lookup key.
fn code_hash_under(lookup: &[u8; 32], code: &AccessCode) -> Vec<u8> {
    Sha256::new()
        .chain_update(lookup)
        .chain_update(b"code:")
        .chain_update(code.as_str().as_bytes())
        .finalize()
        .to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_text_opens_only_with_the_same_key_and_context() {
        let key = EncryptionKey::from_base64(&EncryptionKey::generate_base64()).expect("key");
        let other = EncryptionKey::from_base64(&EncryptionKey::generate_base64()).expect("key");
        let sealed = key.seal("anna@example.org", "row-1").expect("seal");
        assert!(
            !sealed.windows(4).any(|w| w == b"anna"),
            "no plaintext in the ciphertext"
        );
        assert_eq!(
            key.open(&sealed, "row-1").expect("open"),
            "anna@example.org"
        );
        assert!(key.open(&sealed, "row-2").is_err());
        assert!(other.open(&sealed, "row-1").is_err());
        assert_ne!(
            sealed,
            key.seal("anna@example.org", "row-1").expect("seal"),
            "random nonce"
        );
    }

    #[test]
    fn keys_must_be_32_bytes_and_never_print() {
        assert!(matches!(
            EncryptionKey::from_base64("c2hvcnQ="),
            Err(StoreError::BadKey(5))
        ));
        let key = EncryptionKey::from_base64(&EncryptionKey::generate_base64()).expect("key");
        assert_eq!(format!("{key:?}"), "EncryptionKey(***)");
    }

    #[test]
    fn tokens_are_128_bit_url_safe_and_hashed() {
        let token = new_token();
        assert!(looks_like_token(&token));
        assert!(token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(token_hash(&token).len(), 32);
        assert_ne!(new_token(), token);
        assert!(!looks_like_token("not-a-token"));
        assert_eq!(random_id().len(), 32);
    }
}
