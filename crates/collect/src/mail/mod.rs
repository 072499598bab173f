//! E-mail with lettre: invitations and reminders in the patient's language, each with the
//! personal link and the one-click opt-out link (also in `List-Unsubscribe` headers, RFC 8058).
//! SMTP for real mail; a directory of .eml files for local use.

use std::path::PathBuf;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::Mailbox;
use lettre::{FileTransport, Message, SmtpTransport, Transport};
use vecu_store::{Mailing, Store, StoreError};
use vecu_survey::Survey;

use crate::i18n::Texts;

/// Where mail goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransport {
    /// An SMTP relay without TLS, such as the host's own MTA (`smtp://127.0.0.1:25`).
    Smtp {
        /// Host name or address.
        host: String,
        /// Port.
        port: u16,
    },
    /// One .eml file per message in this directory (`file:///var/lib/vecu/mail`).
    Directory(PathBuf),
}

impl MailTransport {
    /// Parses `smtp://host:port` or `file:///path`.
    pub fn parse(url: &str) -> Result<MailTransport, MailError> {
        if let Some(rest) = url.strip_prefix("smtp://") {
            let (host, port) = rest
                .trim_end_matches('/')
                .rsplit_once(':')
                .unwrap_or((rest, "25"));
            let port = port
                .parse()
                .map_err(|_| MailError::Config(format!("{url}: the port is not a number")))?;
            return Ok(MailTransport::Smtp {
                host: host.to_owned(),
                port,
            });
        }
        if let Some(path) = url.strip_prefix("file://") {
            return Ok(MailTransport::Directory(PathBuf::from(path)));
        }
        Err(MailError::Config(format!(
            "{url}: use smtp://host:port or file:///directory"
        )))
    }
}

/// Mail settings.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// Where mail goes.
    pub transport: MailTransport,
    /// The sender, such as `SCAPE study <scape@hospital.example>`.
    pub from: String,
    /// The public address of the service, for links (`https://survey.example.org`).
    pub public_url: String,
}

/// Why mail could not be sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The settings are wrong.
    #[error("mail settings: {0}")]
    Config(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What a mailing did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SendSummary {
    /// Messages accepted by the transport.
    pub sent: usize,
    /// Messages refused (the invitation is marked undeliverable).
    pub failed: usize,
}

/// Which message.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Invitation,
    Reminder,
}

/// Sends invitations and reminders.
pub struct Mailer {
    settings: MailSettings,
    from: Mailbox,
}

impl Mailer {
    /// Checks the settings.
    pub fn new(settings: MailSettings) -> Result<Mailer, MailError> {
        let from = settings
            .from
            .parse()
            .map_err(|error| MailError::Config(format!("sender {}: {error}", settings.from)))?;
        if let MailTransport::Directory(dir) = &settings.transport {
            std::fs::create_dir_all(dir)
                .map_err(|error| MailError::Config(format!("{}: {error}", dir.display())))?;
        }
        Ok(Mailer { settings, from })
    }

    /// Issues tokens for every patient not yet invited and mails every invitation not yet mailed:
    /// a run interrupted half-way is resumed by running it again. A message is recorded as mailed
    /// once the transport accepted it, so a crash between the two can send that one message
    /// twice (with the same Message-ID); none is ever skipped.
    pub fn send_invitations(&self, store: &Store, wave: &str) -> Result<SendSummary, MailError> {
        let survey = store.survey(&store.wave(wave)?.survey_hash)?;
        store.issue_tokens(wave)?;
        // Every issued, unmailed invitation, including those an interrupted run left behind.
        let mut summary = SendSummary::default();
        for invitation in store.invitations_to_mail(wave)? {
            let message = self.compose(
                Kind::Invitation,
                &survey,
                &invitation.email,
                &invitation.language,
                &invitation.token,
                &invitation.invitation,
            );
            if self.deliver(store, &invitation.invitation, message, &mut summary)? {
                store.record_mailing(&invitation.invitation, Mailing::Invitation)?;
            }
        }
        Ok(summary)
    }

    /// Mails a reminder to everyone due one (never the submitted or opted out).
    pub fn send_reminders(
        &self,
        store: &Store,
        wave: &str,
        after_days: u32,
        max_contacts: i64,
    ) -> Result<SendSummary, MailError> {
        let survey = store.survey(&store.wave(wave)?.survey_hash)?;
        let mut summary = SendSummary::default();
        for due in store.reminders_due(wave, after_days, max_contacts)? {
            let message = self.compose(
                Kind::Reminder,
                &survey,
                &due.email,
                &due.language,
                &due.token,
                &due.invitation,
            );
            if self.deliver(store, &due.invitation, message, &mut summary)? {
                store.record_mailing(&due.invitation, Mailing::Reminder)?;
            }
        }
        Ok(summary)
    }

    /// Hands one message to the transport; whether it was accepted.
    fn deliver(
        &self,
        store: &Store,
        invitation: &str,
        message: Result<Message, String>,
        summary: &mut SendSummary,
    ) -> Result<bool, MailError> {
        let outcome = message.and_then(|message| match &self.settings.transport {
            MailTransport::Smtp { host, port } => SmtpTransport::builder_dangerous(host)
                .port(*port)
                .build()
                .send(&message)
                .map(|_| ())
                .map_err(|error| error.to_string()),
            MailTransport::Directory(dir) => FileTransport::new(dir)
                .send(&message)
                .map(|_| ())
                .map_err(|error| error.to_string()),
        });
        match outcome {
            Ok(()) => {
                summary.sent += 1;
                Ok(true)
            }
            Err(error) => {
                // The address is not logged: only that a message failed and why.
                tracing::warn!(%error, "a message was refused; the invitation is marked undeliverable");
                store.record_undeliverable(invitation)?;
                summary.failed += 1;
                Ok(false)
            }
        }
    }

    fn compose(
        &self,
        kind: Kind,
        survey: &Survey,
        to: &str,
        lang: &str,
        token: &str,
        invitation: &str,
    ) -> Result<Message, String> {
        let texts = Texts::choose(survey, Some(lang), None);
        let title = survey.title.get(texts.lang());
        let base = self.settings.public_url.trim_end_matches('/');
        let (subject, text) = match kind {
            Kind::Invitation => ("mail_invitation_subject", "mail_invitation_text"),
            Kind::Reminder => ("mail_reminder_subject", "mail_reminder_text"),
        };
        let publisher = survey
            .publisher
            .as_ref()
            .map(|text| text.get(texts.lang()).to_owned())
            .unwrap_or_default();
        let optout = format!("{base}/o/{token}");
        let body = format!(
            "{}\n\n{}\n\n{}\n{base}/s/{token}\n\n{}\n\n{}\n{optout}\n\n{}\n{publisher}\n",
            texts.get("mail_greeting"),
            texts.get(text),
            texts.get("mail_link_intro"),
            texts.get("mail_personal"),
            texts.get("mail_optout"),
            texts.get("mail_thanks"),
        );
        let to: Mailbox = to.parse().map_err(|error| format!("address: {error}"))?;
        // A stable Message-ID: if a crash makes a run send a message again after the relay took it,
        // mail systems that deduplicate by Message-ID show it once.
        let digest = <sha2::Sha256 as sha2::Digest>::digest(
            format!("{invitation}:{kind:?}:{}", self.settings.public_url).as_bytes(),
        );
        let message_id: String = digest
            .iter()
            .take(16)
            .map(|byte| format!("{byte:02x}"))
            .collect();
        Message::builder()
            .message_id(Some(format!("<{message_id}@vecu.invalid>")))
            .from(self.from.clone())
            .to(to)
            .subject(texts.fill(subject, &[("survey", title)]))
            // One-click opt-out from the mail program (RFC 2369, RFC 8058): it POSTs
            // `List-Unsubscribe=One-Click` to the opt-out link.
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{optout}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_owned(),
            ))
            .header(ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|error| error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transports_are_parsed_from_urls() {
        assert_eq!(
            MailTransport::parse("smtp://127.0.0.1:2525").expect("smtp"),
            MailTransport::Smtp {
                host: "127.0.0.1".into(),
                port: 2525
            }
        );
        assert_eq!(
            MailTransport::parse("file:///tmp/mail").expect("file"),
            MailTransport::Directory("/tmp/mail".into())
        );
        assert!(MailTransport::parse("smtp://host:port").is_err());
        assert!(MailTransport::parse("imap://host").is_err());
    }
}
