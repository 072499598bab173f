//! CSRF tokens and the rate limit on failed token look-ups.

use std::collections::HashMap;
use std::hash::Hash;
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

/// The one request that changes state without a CSRF token: a one-click opt-out (RFC 8058),
/// whose body is `List-Unsubscribe=One-Click` and nothing else, URL-encoded or as the only field
/// of a multipart form. Mail programs send it to the `List-Unsubscribe` link of an e-mail, from
/// no page of ours; it needs no token because that link holds the patient's secret token, which
/// another site cannot know.
pub fn is_one_click_opt_out(content_type: &str, body: &[u8]) -> bool {
    const FIELD: &str = "List-Unsubscribe";
    const VALUE: &str = "One-Click";
    let Ok(body) = std::str::from_utf8(body) else {
        return false;
    };
    let mut params = content_type.split(';').map(str::trim);
    match params.next().map(str::to_ascii_lowercase).as_deref() {
        Some("application/x-www-form-urlencoded") => body == format!("{FIELD}={VALUE}"),
        Some("multipart/form-data") => {
            let Some(boundary) = params.find_map(|param| {
                let (name, value) = param.split_once('=')?;
                name.trim()
                    .eq_ignore_ascii_case("boundary")
                    .then(|| value.trim().trim_matches('"'))
            }) else {
                return false;
            };
            let part = body
                .strip_prefix(&format!("--{boundary}\r\n"))
                .and_then(|rest| {
                    rest.strip_suffix(&format!("\r\n--{boundary}--\r\n"))
                        .or_else(|| rest.strip_suffix(&format!("\r\n--{boundary}--")))
                });
            let Some((headers, value)) = part.and_then(|part| part.split_once("\r\n\r\n")) else {
                return false;
            };
            let disposition = headers.split_once(':').map(|(name, value)| {
                (
                    name.trim().to_ascii_lowercase(),
                    value.trim().replace(' ', ""),
                )
            });
            value == VALUE
                && disposition
                    == Some((
                        "content-disposition".to_owned(),
                        format!("form-data;name=\"{FIELD}\""),
                    ))
        }
        _ => false,
    }
}

/// Failed look-ups allowed per client address and window: enough for typing mistakes, far too
/// few to guess a 128-bit token.
const FAILURES_PER_WINDOW: u32 = 10;
const WINDOW: Duration = Duration::from_secs(10 * 60);

/// Counts failed look-ups per client address (or, with [`LookupLimiter::per`], per anything
/// else that asks, such as a data-entry key) and window.
#[derive(Debug)]
pub struct LookupLimiter<K = IpAddr> {
    table: Mutex<HashMap<K, (Instant, u32)>>,
    failures_per_window: u32,
}

impl Default for LookupLimiter {
    fn default() -> Self {
        LookupLimiter::per(FAILURES_PER_WINDOW)
    }
}

impl<K: Eq + Hash> LookupLimiter<K> {
    /// A limiter allowing `failures_per_window` failures per asker and window.
    pub fn per(failures_per_window: u32) -> Self {
        LookupLimiter {
            table: Mutex::new(HashMap::new()),
            failures_per_window,
        }
    }

    /// Whether this asker may try another look-up now.
    pub fn allowed(&self, asker: K) -> bool {
        let table = self.lock();
        match table.get(&asker) {
            Some((since, failures)) => {
                since.elapsed() >= WINDOW || *failures < self.failures_per_window
            }
            None => true,
        }
    }

    /// Records a failed look-up.
    pub fn failed(&self, asker: K) {
        let mut table = self.lock();
        table.retain(|_, (since, _)| since.elapsed() < WINDOW);
        let entry = table.entry(asker).or_insert((Instant::now(), 0));
        entry.1 += 1;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<K, (Instant, u32)>> {
        self.table
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
    fn only_the_exact_one_click_body_passes_without_a_token() {
        let form = "application/x-www-form-urlencoded";
        assert!(is_one_click_opt_out(form, b"List-Unsubscribe=One-Click"));
        assert!(is_one_click_opt_out(
            "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
            b"List-Unsubscribe=One-Click"
        ));
        for body in [
            &b""[..],
            b"List-Unsubscribe=Two-Clicks",
            b"List-Unsubscribe=One-Click&lang=fr",
            b"list-unsubscribe=one-click",
            b"csrf=x",
        ] {
            assert!(!is_one_click_opt_out(form, body), "{body:?}");
        }
        assert!(!is_one_click_opt_out(
            "text/plain",
            b"List-Unsubscribe=One-Click"
        ));
        let multipart = "multipart/form-data; boundary=\"b0undary\"";
        let part = |headers: &str, value: &str| {
            format!("--b0undary\r\n{headers}\r\n\r\n{value}\r\n--b0undary--\r\n")
        };
        let field = r#"Content-Disposition: form-data; name="List-Unsubscribe""#;
        assert!(is_one_click_opt_out(
            multipart,
            part(field, "One-Click").as_bytes()
        ));
        assert!(!is_one_click_opt_out(
            multipart,
            part(field, "Two-Clicks").as_bytes()
        ));
        assert!(!is_one_click_opt_out(
            multipart,
            part(
                r#"Content-Disposition: form-data; name="other""#,
                "One-Click"
            )
            .as_bytes()
        ));
        assert!(!is_one_click_opt_out(
            "multipart/form-data; boundary=other",
            part(field, "One-Click").as_bytes()
        ));
        let two_parts = format!(
            "--b0undary\r\n{field}\r\n\r\nOne-Click\r\n--b0undary\r\n{field}\r\n\r\nOne-Click\r\n--b0undary--\r\n"
        );
        assert!(!is_one_click_opt_out(multipart, two_parts.as_bytes()));
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

    #[test]
    fn a_limiter_per_key_keeps_its_own_count() {
        let limiter: LookupLimiter<String> = LookupLimiter::per(3);
        for _ in 0..3 {
            assert!(limiter.allowed("key-a".to_owned()));
            limiter.failed("key-a".to_owned());
        }
        assert!(!limiter.allowed("key-a".to_owned()));
        assert!(limiter.allowed("key-b".to_owned()));
    }
}
