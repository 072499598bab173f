//! CSRF tokens and the rate limit on failed token look-ups.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// CSRF tokens: an HMAC of what the form acts on (a token or a session), under a secret that
/// lives only in the server's memory. Forms without a valid one are refused.
#[derive(Clone)]
pub struct Csrf {
    secret: [u8; 32],
}

impl Csrf {
    /// A fresh random secret.
    pub fn new() -> Csrf {
        let mut secret = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut secret);
        Csrf { secret }
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC accepts keys of any length; 32 bytes cannot fail.
        #[allow(clippy::expect_used)]
        Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key length")
    }

    /// The token for a form acting on `subject`.
    pub fn token(&self, subject: &str) -> String {
        let mut mac = self.mac();
        mac.update(subject.as_bytes());
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    }

    /// Whether `token` was made for `subject` (constant-time comparison).
    pub fn verify(&self, subject: &str, token: &str) -> bool {
        let Ok(bytes) = URL_SAFE_NO_PAD.decode(token) else {
            return false;
        };
        let mut mac = self.mac();
        mac.update(subject.as_bytes());
        mac.verify_slice(&bytes).is_ok()
    }
}

impl Default for Csrf {
    fn default() -> Self {
        Csrf::new()
    }
}

/// Failed look-ups allowed per client address and window: enough for typing mistakes, far too
/// few to guess a 128-bit token.
const FAILURES_PER_WINDOW: u32 = 10;
const WINDOW: Duration = Duration::from_secs(10 * 60);

/// Counts failed token look-ups per client address.
#[derive(Debug, Default)]
pub struct LookupLimiter(Mutex<HashMap<IpAddr, (Instant, u32)>>);

impl LookupLimiter {
    /// Whether this address may try another look-up now.
    pub fn allowed(&self, client: IpAddr) -> bool {
        let table = self.lock();
        match table.get(&client) {
            Some((since, failures)) => since.elapsed() >= WINDOW || *failures < FAILURES_PER_WINDOW,
            None => true,
        }
    }

    /// Records a failed look-up.
    pub fn failed(&self, client: IpAddr) {
        let mut table = self.lock();
        table.retain(|_, (since, _)| since.elapsed() < WINDOW);
        let entry = table.entry(client).or_insert((Instant::now(), 0));
        entry.1 += 1;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, (Instant, u32)>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_bind_to_their_subject_and_secret() {
        let csrf = Csrf::new();
        let token = csrf.token("start:abc");
        assert!(csrf.verify("start:abc", &token));
        assert!(!csrf.verify("start:abd", &token));
        assert!(!Csrf::new().verify("start:abc", &token));
        assert!(!csrf.verify("start:abc", "garbage"));
    }

    #[test]
    fn the_limiter_blocks_after_ten_failures() {
        let limiter = LookupLimiter::default();
        let client: IpAddr = [127, 0, 0, 9].into();
        for _ in 0..FAILURES_PER_WINDOW {
            assert!(limiter.allowed(client));
            limiter.failed(client);
        }
        assert!(!limiter.allowed(client));
        assert!(
            limiter.allowed([127, 0, 0, 10].into()),
            "other clients are not affected"
        );
    }
}
