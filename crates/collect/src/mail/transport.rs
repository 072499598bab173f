//! Where mail goes: an SMTP server (a relay without TLS, STARTTLS or implicit TLS, with or
//! without a login) or a directory of .eml files. Passwords never print: not in `Debug`, not in
//! error messages.

use std::fmt;
use std::net::IpAddr;
use std::path::PathBuf;

use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::SmtpTransport;
use percent_encoding::percent_decode_str;

use super::MailError;

/// Where mail goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransport {
    /// An SMTP server (`smtp://` or `smtps://`).
    Smtp(SmtpServer),
    /// One .eml file per message in this directory (`file:///var/lib/vecu/mail`).
    Directory(PathBuf),
}

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// None: only for a relay on the same host or network, such as the host's own MTA.
    Plain,
    /// A plain connection upgraded with STARTTLS, which the server must offer (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
}

/// An SMTP server, with the login it wants if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpServer {
    host: String,
    port: u16,
    security: SmtpSecurity,
    username: Option<String>,
    password: Option<SmtpPassword>,
}

/// An SMTP password: its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpPassword(String);

impl SmtpPassword {
    /// Wraps a password (from an environment variable or a file, preferably).
    pub fn new(password: String) -> SmtpPassword {
        SmtpPassword(password)
    }
}

impl fmt::Debug for SmtpPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SmtpPassword(***)")
    }
}

const URL_FORMS: &str = "use smtp://host:25 (a relay without TLS), smtp://user@host:587?tls=starttls, smtps://user@host:465 or file:///directory";

impl MailTransport {
    /// Parses `smtp://[user[:password]@]host[:port][?tls=starttls]`, `smtps://[user[:password]@]host[:port]`
    /// or `file:///path`. Default ports: 25 for `smtp://`, 587 with STARTTLS, 465 for `smtps://`.
    /// A user name and password in the URL are percent-decoded; a login is checked as a whole by
    /// [`MailTransport::check`], once [`MailTransport::with_login`] has added what other
    /// settings give.
    pub fn parse(text: &str) -> Result<MailTransport, MailError> {
        if let Some(path) = text.strip_prefix("file://") {
            return Ok(MailTransport::Directory(PathBuf::from(path)));
        }
        let bad = |why: &str| MailError::Config(format!("{}: {why}; {URL_FORMS}", redacted(text)));
        let url = url::Url::parse(text).map_err(|error| bad(&error.to_string()))?;
        let mut tls = None;
        for (key, value) in url.query_pairs() {
            match key.as_ref() {
                "tls" if tls.is_none() => tls = Some(value.into_owned()),
                other => return Err(bad(&format!("unknown or repeated setting {other}"))),
            }
        }
        let (security, default_port) = match (url.scheme(), tls.as_deref()) {
            ("smtp", None | Some("none")) => (SmtpSecurity::Plain, 25),
            ("smtp", Some("starttls" | "required")) => (SmtpSecurity::StartTls, 587),
            ("smtp", Some("opportunistic")) => {
                return Err(bad(
                    "tls=opportunistic would fall back to a plain connection that anyone on the way can read; use tls=starttls",
                ))
            }
            ("smtp", Some(other)) => {
                return Err(bad(&format!("tls={other}: use tls=starttls or leave it out")))
            }
            ("smtps", None) => (SmtpSecurity::Tls, 465),
            ("smtps", Some(_)) => {
                return Err(bad("smtps:// is always TLS: leave tls= out"));
            }
            (scheme, _) => return Err(bad(&format!("unknown scheme {scheme}"))),
        };
        let host = match url.host() {
            Some(url::Host::Domain("")) | None => return Err(bad("the host is missing")),
            Some(url::Host::Domain(name)) => name.to_owned(),
            Some(url::Host::Ipv4(address)) => address.to_string(),
            Some(url::Host::Ipv6(address)) => address.to_string(),
        };
        if !matches!(url.path(), "" | "/") || url.fragment().is_some() {
            return Err(bad(
                "nothing may follow the host and port but ?tls=starttls",
            ));
        }
        let decode = |part: &str| {
            percent_decode_str(part)
                .decode_utf8()
                .map(|text| text.into_owned())
                .map_err(|_| bad("the user name or password is not UTF-8 once percent-decoded"))
        };
        let username = match url.username() {
            "" => None,
            name => Some(decode(name)?),
        };
        let password = url.password().map(decode).transpose()?.map(SmtpPassword);
        Ok(MailTransport::Smtp(SmtpServer {
            host,
            port: url.port().unwrap_or(default_port),
            security,
            username,
            password,
        }))
    }

    /// Sets the login from other settings than the URL (each given part wins over the URL's).
    pub fn with_login(
        self,
        username: Option<String>,
        password: Option<SmtpPassword>,
    ) -> Result<MailTransport, MailError> {
        match self {
            MailTransport::Smtp(mut server) => {
                server.username = username.or(server.username);
                server.password = password.or(server.password);
                Ok(MailTransport::Smtp(server))
            }
            MailTransport::Directory(_) if username.is_none() && password.is_none() => Ok(self),
            MailTransport::Directory(_) => Err(MailError::Config(
                "a user name or password is set, but mail goes to a directory".to_owned(),
            )),
        }
    }

    /// Refuses a login that lacks a part, and a login sent in clear across a network.
    pub fn check(&self) -> Result<(), MailError> {
        let MailTransport::Smtp(server) = self else {
            return Ok(());
        };
        match (&server.username, &server.password) {
            (Some(_), None) => Err(MailError::Config(
                "the SMTP user name has no password: set VECU_SMTP_PASSWORD or password_file".to_owned(),
            )),
            (None, Some(_)) => Err(MailError::Config(
                "an SMTP password is set without a user name: set username (or user@ in the URL)".to_owned(),
            )),
            (Some(_), Some(_)) if server.security == SmtpSecurity::Plain && !server.is_local() => {
                Err(MailError::Config(format!(
                    "the SMTP login would cross the network in clear to {}: use smtps://{}:465 or smtp://{}:587?tls=starttls",
                    server.host, server.host, server.host
                )))
            }
            _ => Ok(()),
        }
    }
}

impl SmtpServer {
    /// Whether the server is this host (a login in clear never leaves it).
    fn is_local(&self) -> bool {
        self.host == "localhost"
            || self
                .host
                .parse::<IpAddr>()
                .is_ok_and(|address| address.is_loopback())
    }

    /// The lettre transport for this server (TLS certificates are checked against the
    /// system's trust store).
    /// The transport, giving up on a silent server after `timeout` per exchange (lettre's
    /// default, 60 s, without one).
    pub(super) fn transport(
        &self,
        timeout: Option<std::time::Duration>,
    ) -> Result<SmtpTransport, MailError> {
        let tls = |wrap: fn(TlsParameters) -> Tls| {
            TlsParameters::new(self.host.clone())
                .map(wrap)
                .map_err(|error| MailError::Config(format!("TLS to {}: {error}", self.host)))
        };
        let tls = match self.security {
            SmtpSecurity::Plain => Tls::None,
            SmtpSecurity::StartTls => tls(Tls::Required)?,
            SmtpSecurity::Tls => tls(Tls::Wrapper)?,
        };
        let mut builder = SmtpTransport::builder_dangerous(&self.host)
            .port(self.port)
            .tls(tls);
        if timeout.is_some() {
            builder = builder.timeout(timeout);
        }
        if let (Some(username), Some(SmtpPassword(password))) = (&self.username, &self.password) {
            builder = builder.credentials(Credentials::new(username.clone(), password.clone()));
        }
        Ok(builder.build())
    }
}

/// The URL with everything before its last `@` (user information, however malformed) replaced
/// by `***`, for messages.
fn redacted(text: &str) -> String {
    let Some(at) = text.rfind('@') else {
        return text.to_owned();
    };
    match text[..at].split_once("://") {
        Some((scheme, _)) => format!("{scheme}://***{}", &text[at..]),
        None => format!("***{}", &text[at..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(url: &str) -> SmtpServer {
        match MailTransport::parse(url) {
            Ok(MailTransport::Smtp(server)) => server,
            other => panic!("{url}: {other:?}"),
        }
    }

    fn refusal(url: &str) -> String {
        match MailTransport::parse(url).and_then(|transport| transport.check()) {
            Err(error) => error.to_string(),
            Ok(()) => panic!("{url} was accepted"),
        }
    }

    #[test]
    fn urls_give_host_port_security_and_login() {
        let relay = server("smtp://127.0.0.1:2525");
        assert_eq!(
            (relay.host.as_str(), relay.port, relay.security),
            ("127.0.0.1", 2525, SmtpSecurity::Plain)
        );
        assert_eq!(server("smtp://mail.example").port, 25);
        let tls = server("smtps://scape%40hospital.example:s%3Acret@mail.example");
        assert_eq!((tls.port, tls.security), (465, SmtpSecurity::Tls));
        assert_eq!(tls.username.as_deref(), Some("scape@hospital.example"));
        assert_eq!(tls.password, Some(SmtpPassword::new("s:cret".to_owned())));
        let starttls = server("smtp://scape@mail.example?tls=starttls");
        assert_eq!(
            (starttls.port, starttls.security),
            (587, SmtpSecurity::StartTls)
        );
        assert_eq!(server("smtp://[::1]:25").host, "::1");
        assert_eq!(
            MailTransport::parse("file:///tmp/mail").expect("file"),
            MailTransport::Directory("/tmp/mail".into())
        );
    }

    #[test]
    fn bad_urls_are_refused_with_the_reason() {
        for (url, reason) in [
            ("imap://mail.example", "unknown scheme imap"),
            ("mail.example:25", "unknown scheme mail.example"),
            ("smtp://", "the host is missing"),
            ("smtps://user:pw@:465", "host"),
            ("smtp://mail.example:port", "invalid port number"),
            ("smtp://mail.example?tls=yes", "tls=yes: use tls=starttls"),
            (
                "smtp://mail.example?tls=opportunistic",
                "fall back to a plain connection",
            ),
            ("smtps://mail.example?tls=starttls", "leave tls= out"),
            (
                "smtp://mail.example?ssl=1",
                "unknown or repeated setting ssl",
            ),
            ("smtp://mail.example/helo", "nothing may follow"),
        ] {
            let message = refusal(url);
            assert!(message.contains(reason), "{url}: {message}");
        }
    }

    #[test]
    fn logins_must_be_whole_and_never_cross_a_network_in_clear() {
        assert!(refusal("smtps://scape@mail.example").contains("VECU_SMTP_PASSWORD"));
        assert!(refusal("smtp://scape:pw@mail.example:25").contains("smtps://mail.example:465"));
        // On this host a login in clear is allowed (a local relay, a test peer).
        assert!(MailTransport::parse("smtp://scape:pw@127.0.0.1:2525")
            .and_then(|transport| transport.check())
            .is_ok());
        let completed = MailTransport::parse("smtps://scape@mail.example")
            .and_then(|transport| {
                transport.with_login(None, Some(SmtpPassword::new("from-env".to_owned())))
            })
            .expect("completed");
        assert!(completed.check().is_ok());
        let password_only = MailTransport::parse("smtps://mail.example")
            .and_then(|transport| transport.with_login(None, Some(SmtpPassword::new("x".into()))))
            .expect("parsed");
        assert!(password_only
            .check()
            .is_err_and(|error| error.to_string().contains("without a user name")));
        assert!(MailTransport::parse("file:///tmp/mail")
            .and_then(|transport| transport.with_login(Some("scape".into()), None))
            .is_err());
    }

    #[test]
    fn passwords_never_print() {
        let secret = "Tr0ub4dor-3";
        let transport =
            MailTransport::parse(&format!("smtps://scape:{secret}@mail.example")).expect("parsed");
        let shown = format!("{transport:?}");
        assert!(!shown.contains(secret), "{shown}");
        assert!(shown.contains("SmtpPassword(***)"), "{shown}");
        // Nor in the message about a URL that is wrong elsewhere.
        for url in [
            format!("smtps://scape:{secret}@mail.example:port"),
            format!("smtps://scape:{secret}@mail.example?tls=none"),
            format!("smtp://scape:{secret}@mail.example"),
            format!("smtps://scape:{secret}/x@mail.example:port"),
        ] {
            let message = refusal(&url);
            assert!(!message.contains(secret), "{message}");
        }
        assert!(
            refusal(&format!("smtps://scape:{secret}@mail.example:port"))
                .contains("smtps://***@mail.example:port")
        );
    }

    #[test]
    fn tls_transports_build_with_the_system_trust_store() {
        for url in [
            "smtps://scape:pw@mail.example",
            "smtp://scape:pw@mail.example?tls=starttls",
            "smtp://127.0.0.1:25",
        ] {
            assert!(server(url).transport(None).is_ok(), "{url}");
        }
    }
}
