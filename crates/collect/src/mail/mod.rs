//! E-mail with lettre: invitations and reminders in the patient's language, each with the
//! personal link and the one-click opt-out link (also in `List-Unsubscribe` headers, RFC 8058).
//! SMTP for real mail, with TLS and a login where the server wants them; a directory of .eml
//! files for local use.

mod transport;

use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::Mailbox;
use lettre::{FileTransport, Message, SmtpTransport, Transport};
use vecu_store::{IssuedToken, MailOut, Mailing, Store, StoreError};
use vecu_survey::Survey;

use crate::i18n::Texts;
pub use transport::{MailTransport, SmtpPassword, SmtpSecurity, SmtpServer};

/// Mail settings.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// Where mail goes.
    pub transport: MailTransport,
    /// The sender, such as `SCAPE study <scape@hospital.example>`.
    pub from: String,
    /// The public address of the service, for links (`https://survey.example.org`); empty:
    /// the service's own (`ServeConfig::public_url`, else the address it listens on).
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
    /// The mail server could not be reached or asked to try later (no reply, or a 4xx reply):
    /// the round stops with the patient's invitation untouched, and the next round resumes there.
    #[error("the mail server is unavailable ({0}); what is left to send stays queued for the scheduler's next round")]
    Unavailable(String),
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

/// The transport messages are handed to, built once.
enum Sender {
    Smtp(SmtpTransport),
    Directory(FileTransport),
}

/// Sends invitations and reminders.
pub struct Mailer {
    settings: MailSettings,
    from: Mailbox,
    sender: Sender,
    /// The service's metrics, counting each message accepted or refused.
    metrics: Option<crate::metrics::Metrics>,
}

impl Mailer {
    /// Checks the settings and builds the transport.
    pub fn new(settings: MailSettings) -> Result<Mailer, MailError> {
        let from = settings
            .from
            .parse()
            .map_err(|error| MailError::Config(format!("sender {}: {error}", settings.from)))?;
        settings.transport.check()?;
        let sender = match &settings.transport {
            MailTransport::Smtp(server) => Sender::Smtp(server.transport(None)?),
            MailTransport::Directory(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|error| MailError::Config(format!("{}: {error}", dir.display())))?;
                Sender::Directory(FileTransport::new(dir))
            }
        };
        Ok(Mailer {
            settings,
            from,
            sender,
            metrics: None,
        })
    }

    /// The same mailer, giving up on a silent mail server after `timeout` per exchange: the
    /// scheduler keeps one message well within its lease.
    pub(crate) fn timing_out_after(mut self, timeout: Duration) -> Result<Mailer, MailError> {
        if let MailTransport::Smtp(server) = &self.settings.transport {
            self.sender = Sender::Smtp(server.transport(Some(timeout))?);
        }
        Ok(self)
    }

    /// The service's metrics, if it counts into them.
    pub(crate) fn metrics(&self) -> Option<&crate::metrics::Metrics> {
        self.metrics.as_ref()
    }

    /// The same mailer, counting every message into the service's metrics.
    pub(crate) fn counting_into(mut self, metrics: crate::metrics::Metrics) -> Mailer {
        self.metrics = Some(metrics);
        self
    }

    /// Issues tokens for every patient not yet invited and mails every invitation not yet mailed:
    /// a run interrupted half-way is resumed by running it again. A message is recorded as mailed
    /// once the transport accepted it, so a crash between the two can send that one message
    /// twice (with the same Message-ID); none is ever skipped. `vecu serve` does not call this
    /// but queues the mail-out for its scheduler ([`crate::Scheduler::mail_out`]).
    pub fn send_invitations(&self, store: &Store, wave: &str) -> Result<SendSummary, MailError> {
        store.issue_tokens(wave)?;
        let mut summary = SendSummary::default();
        self.send_mail_out(store, wave, MailOut::Invitations, || Ok(true), &mut summary)?;
        Ok(summary)
    }

    /// Mails what one mail-out has still to send (its invitations not yet mailed, or a reminder
    /// to everyone due one, never the submitted, opted out or undeliverable), counted into
    /// `summary`, asking `may_go_on` before each message: the scheduler stops there when it lost
    /// its lease, so that two instances never send the same message. Whether it sent them all.
    pub fn send_mail_out(
        &self,
        store: &Store,
        wave: &str,
        mail_out: MailOut,
        mut may_go_on: impl FnMut() -> Result<bool, MailError>,
        summary: &mut SendSummary,
    ) -> Result<bool, MailError> {
        let survey = store.survey(&store.wave(wave)?.survey_hash)?;
        // Each message with the contacts its patient had when listed.
        let (kind, due): (Kind, Vec<(IssuedToken, i64)>) = match mail_out {
            MailOut::Invitations => (
                Kind::Invitation,
                store
                    .invitations_to_mail(wave)?
                    .into_iter()
                    .map(|issued| (issued, 0))
                    .collect(),
            ),
            MailOut::Reminders(schedule) => (
                Kind::Reminder,
                store
                    .reminders_due(wave, schedule.after_days, i64::from(schedule.max_contacts))?
                    .into_iter()
                    .map(|due| {
                        let contacts = due.contacts_made;
                        let issued = IssuedToken {
                            invitation: due.invitation,
                            email: due.email,
                            language: due.language,
                            token: due.token,
                        };
                        (issued, contacts)
                    })
                    .collect(),
            ),
        };
        let mailing = match kind {
            Kind::Invitation => Mailing::Invitation,
            Kind::Reminder => Mailing::Reminder,
        };
        for (due, contacts_made) in due {
            if !may_go_on()? {
                return Ok(false);
            }
            // Answered, opted out or sent by another holder since the list was read: not due.
            if !store.still_due(&due.invitation, contacts_made)? {
                continue;
            }
            let message = self.compose(
                kind,
                &survey,
                &due.email,
                &due.language,
                &due.token,
                &due.invitation,
            );
            if self.deliver(store, &due.invitation, (kind, message), summary)? {
                store.record_mailing(&due.invitation, mailing)?;
            }
        }
        Ok(true)
    }

    /// Hands one message to the transport; whether it was accepted.
    fn deliver(
        &self,
        store: &Store,
        invitation: &str,
        (kind, message): (Kind, Result<Message, String>),
        summary: &mut SendSummary,
    ) -> Result<bool, MailError> {
        // What went wrong: the SMTP reply code, if the server answered, and a text without the
        // recipient's address (replies quote it: "550 5.1.1 <jane@example.org>: unknown").
        let outcome = message
            .map_err(|error| (None::<u16>, error, true))
            .and_then(|message| {
                let recipients = message.envelope().to().to_vec();
                let refused = match &self.sender {
                    Sender::Smtp(transport) => {
                        transport.send(&message).map(|_| ()).map_err(|error| {
                            let code = error
                                .status()
                                .and_then(|code| code.to_string().parse().ok());
                            // Only a 5xx reply refuses the recipient (RFC 5321, 4.2.1); no
                            // reply or a 4xx one says to try later.
                            (code, error.to_string(), error.is_permanent())
                        })
                    }
                    Sender::Directory(transport) => transport
                        .send(&message)
                        .map(|_| ())
                        .map_err(|error| (None, error.to_string(), false)),
                };
                refused.map_err(|(code, text, permanent)| {
                    (code, redact_addresses(&text, &recipients), permanent)
                })
            });
        if let Some(metrics) = &self.metrics {
            let kind = match kind {
                Kind::Invitation => crate::metrics::MailKind::Invitation,
                Kind::Reminder => crate::metrics::MailKind::Reminder,
            };
            metrics.mailed(kind, outcome.is_ok());
        }
        match outcome {
            Ok(()) => {
                summary.sent += 1;
                Ok(true)
            }
            Err((code, reason, false)) => {
                tracing::warn!(reply_code = code, %reason, "the mail server is unavailable");
                Err(MailError::Unavailable(reason))
            }
            Err((code, reason, true)) => {
                // Logged without the address: the reply code and the redacted reason.
                tracing::warn!(
                    reply_code = code,
                    %reason,
                    "a message was refused; the invitation is marked undeliverable"
                );
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

/// `text` with every word that holds an address (an `@`), or one of the recipients' local
/// parts or domains, replaced by `[address]`: SMTP replies quote the refused address, and logs
/// never hold one.
fn redact_addresses(text: &str, recipients: &[lettre::Address]) -> String {
    let names_someone = |word: &str| {
        let core = word.trim_matches(|c: char| !c.is_alphanumeric());
        word.contains('@')
            || (!core.is_empty()
                && recipients.iter().any(|address| {
                    core.eq_ignore_ascii_case(address.user())
                        || core.eq_ignore_ascii_case(address.domain())
                }))
    };
    text.split_whitespace()
        .map(|word| {
            if names_someone(word) {
                "[address]"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::redact_addresses;

    #[test]
    fn refusals_are_logged_without_the_address() {
        let to: lettre::Address = "Jean.Dupont@hopital-exemple.ch".parse().expect("address");
        let reply = "permanent error (550): 5.1.1 <jean.dupont@hopital-exemple.ch>: Recipient\naddress rejected: user jean.dupont unknown in hopital-exemple.ch";
        let logged = redact_addresses(reply, &[to]);
        assert_eq!(
            logged,
            "permanent error (550): 5.1.1 [address] Recipient address rejected: user [address] unknown in [address]"
        );
    }
}
