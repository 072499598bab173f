//! CSRF tokens, and the client address that rate limits count (the store keeps the counts).

use std::net::IpAddr;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::{HttpRequest, HttpResponse};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// CSRF tokens: an HMAC of what the form acts on (a token or a session), under the
/// deployment's secret (`Store::csrf_secret`), so that every instance verifies the forms of
/// the others, before and after a restart. Forms without a valid one are refused.
#[derive(Clone)]
pub struct Csrf {
    secret: [u8; 32],
}

impl Csrf {
    /// Tokens under `secret`.
    pub fn new(secret: [u8; 32]) -> Csrf {
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

/// The cookie that binds a sign-in form to its visitor (see [`Csrf::sign_in_token`]).
pub const VISITOR_COOKIE: &str = "vecu_visitor";

/// How long a sign-in form stays usable without being loaded again.
const VISITOR_MAX_AGE: actix_web::cookie::time::Duration =
    actix_web::cookie::time::Duration::hours(1);

impl Csrf {
    /// The CSRF token of the sign-in form `form`, which no session backs yet: the HMAC of a
    /// random value that only this visitor holds, in a short-lived HttpOnly, SameSite=Strict
    /// cookie on `path` (marked Secure when `secure`). Returns the cookie to set when the request
    /// brought none. Another site can neither read that cookie nor make a browser send it, so it
    /// cannot sign a visitor in under a key of its choosing (login CSRF), and a token seen by
    /// one visitor is worth nothing to another.
    pub fn sign_in_token(
        &self,
        request: &HttpRequest,
        form: &str,
        path: &str,
        secure: bool,
    ) -> (String, Option<Cookie<'static>>) {
        if let Some(visitor) = visitor(request) {
            return (self.token(&sign_in_subject(form, &visitor)), None);
        }
        let mut bytes = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        let visitor = URL_SAFE_NO_PAD.encode(bytes);
        let token = self.token(&sign_in_subject(form, &visitor));
        let cookie = Cookie::build(VISITOR_COOKIE, visitor)
            .path(path.to_owned())
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(secure)
            .max_age(VISITOR_MAX_AGE)
            .finish();
        (token, Some(cookie))
    }

    /// Whether a posted sign-in form carries the token of the visitor who posts it.
    pub fn verify_sign_in(&self, request: &HttpRequest, form: &str, token: &str) -> bool {
        visitor(request).is_some_and(|visitor| self.verify(&sign_in_subject(form, &visitor), token))
    }
}

/// Sets the visitor cookie of [`Csrf::sign_in_token`] on the page that carries the form, when
/// there is one to set.
pub fn set_visitor(page: &mut HttpResponse, cookie: Option<Cookie<'static>>) {
    if let Some(cookie) = cookie {
        // A cookie built by `sign_in_token` is always a valid header value.
        let _ = page.add_cookie(&cookie);
    }
}

/// The visitor's random value, when the request brings a well-formed one.
fn visitor(request: &HttpRequest) -> Option<String> {
    let value = request.cookie(VISITOR_COOKIE)?.value().to_owned();
    let well_formed = URL_SAFE_NO_PAD
        .decode(&value)
        .is_ok_and(|bytes| bytes.len() == 32);
    well_formed.then_some(value)
}

fn sign_in_subject(form: &str, visitor: &str) -> String {
    format!("sign-in:{form}:{visitor}")
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

/// Failed look-ups allowed per client address and window (`vecu_store::LOOKUP_WINDOW`, 10
/// minutes): enough for typing mistakes, far too few to guess a 128-bit token.
pub const FAILURES_PER_WINDOW: u32 = 10;

/// The address a request is counted by for rate limits. A request whose TCP `peer` is not a
/// trusted proxy is counted by the peer, whatever its headers say. Behind a trusted proxy, the
/// `X-Forwarded-For` entries (header lines in order) are read from the right: the right-most
/// was appended by the proxy and names its own peer; when that is another trusted proxy, the
/// entry before it names that proxy's peer, and so on. The first address that is not a trusted
/// proxy counts. Entries a client wrote itself lie further left and are never reached, and
/// `Forwarded` is not read, so a client can neither choose its address nor lock someone else
/// out. An entry that is not an address ends the walk at the last trusted hop.
pub fn client_address<'a>(
    peer: Option<IpAddr>,
    forwarded_for: impl Iterator<Item = &'a str>,
    trusted: &[IpAddr],
) -> IpAddr {
    let mut counted = peer.map_or(IpAddr::from([0, 0, 0, 0]), |peer| peer.to_canonical());
    if !trusted.contains(&counted) {
        return counted;
    }
    let entries: Vec<&str> = forwarded_for.flat_map(|line| line.split(',')).collect();
    for entry in entries.into_iter().rev() {
        let Some(address) = forwarded_address(entry) else {
            break;
        };
        counted = address;
        if !trusted.contains(&address) {
            break;
        }
    }
    counted
}

/// One `X-Forwarded-For` entry: an address, maybe in brackets or with a port.
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| {
            entry
                .parse::<std::net::SocketAddr>()
                .ok()
                .map(|address| address.ip())
        })
        .or_else(|| entry.strip_prefix('[')?.strip_suffix(']')?.parse().ok())
        .map(|address| address.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_tokens_bind_to_their_subject_and_secret() {
        let random = || {
            let mut secret = [0u8; 32];
            rand::RngCore::fill_bytes(&mut rand::rng(), &mut secret);
            secret
        };
        let csrf = Csrf::new(random());
        let token = csrf.token("start:abc");
        assert!(csrf.verify("start:abc", &token));
        assert!(!csrf.verify("start:abd", &token));
        assert!(!Csrf::new(random()).verify("start:abc", &token));
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
    fn only_trusted_proxies_name_the_client() {
        let proxy: IpAddr = [127, 0, 0, 1].into();
        let outer: IpAddr = [10, 0, 0, 2].into();
        let client: IpAddr = [198, 51, 100, 7].into();
        let count = |peer: IpAddr, lines: &[&str], trusted: &[IpAddr]| {
            client_address(Some(peer), lines.iter().copied(), trusted)
        };
        // Not behind a proxy, or a peer that is not the proxy: the header is ignored.
        assert_eq!(count(client, &["192.0.2.1"], &[]), client);
        assert_eq!(count(client, &["192.0.2.1"], &[proxy]), client);
        // The proxy appended the client's address to what the client sent.
        assert_eq!(count(proxy, &["192.0.2.1, 198.51.100.7"], &[proxy]), client);
        assert_eq!(
            count(proxy, &["192.0.2.1", "198.51.100.7"], &[proxy]),
            client
        );
        assert_eq!(count(proxy, &["198.51.100.7:5123"], &[proxy]), client);
        assert_eq!(
            count(proxy, &["[2001:db8::7]:443"], &[proxy]),
            "2001:db8::7".parse::<IpAddr>().expect("address")
        );
        // Two proxies in a row: the outer one's peer counts, not what the client wrote.
        assert_eq!(
            count(
                proxy,
                &["192.0.2.1, 198.51.100.7, 10.0.0.2"],
                &[proxy, outer]
            ),
            client
        );
        // No header, or garbage where the proxy's entry should be: the proxy itself counts.
        assert_eq!(count(proxy, &[], &[proxy]), proxy);
        assert_eq!(count(proxy, &["192.0.2.1, unknown"], &[proxy]), proxy);
        // IPv4 peers seen through an IPv6 socket are the same proxy.
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().expect("address");
        assert_eq!(count(mapped, &["198.51.100.7"], &[proxy]), client);
    }
}
