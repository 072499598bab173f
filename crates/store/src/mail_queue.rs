//! The mail queue: a mail-out a researcher asked for (a wave's invitations, or a round of its
//! reminders) waits in the database until the scheduler of whichever `vecu serve` instance holds
//! the lease has sent it. A restart, a deploy or a mail server outage half-way loses nothing and
//! needs nobody to ask again: the row stays until a round finished the mail-out.
//!
//! A row names a wave and a kind, never a patient: which messages are still due is the vault's
//! (invitations issued and not mailed, reminders due by their last contact), so a message
//! accepted by the mail server and recorded is never due again.

use diesel::prelude::*;

use crate::error::{Result, StoreError};
use crate::invitation::invitations_due;
use crate::schedule::ReminderSchedule;
use crate::schema::{mail_queue, waves};
use crate::secret::random_id;
use crate::{audit, Role, Store};

/// What a queued mail-out sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailOut {
    /// Every invitation of the wave not yet mailed (tokens are issued when it is queued).
    Invitations,
    /// A reminder to each patient due one by this schedule.
    Reminders(ReminderSchedule),
}

impl MailOut {
    fn kind(self) -> &'static str {
        match self {
            MailOut::Invitations => "invitations",
            MailOut::Reminders(_) => "reminders",
        }
    }
}

/// A mail-out waiting for the scheduler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMailOut {
    /// The wave.
    pub wave: String,
    /// What it sends.
    pub mail_out: MailOut,
    /// Which request this is (drawn afresh each time it is asked for).
    request: String,
}

impl Store {
    /// Queues a mail-out of an open wave (replacing one of the same kind still waiting). For
    /// invitations, the tokens of everyone not yet invited are issued now, so that the queue
    /// holds exactly those invited so far.
    pub fn queue_mail_out(&self, wave: &str, mail_out: MailOut) -> Result<()> {
        self.require(Role::is_researcher, "send mail")?;
        if mail_out == MailOut::Invitations {
            self.issue_tokens(wave)?;
        }
        let mut connection = self.connection()?;
        crate::wave::require_status(&mut connection, wave, &["open"], "sending mail", "open")?;
        let (after_days, max_contacts) = match mail_out {
            MailOut::Invitations => (None, None),
            MailOut::Reminders(schedule) => {
                let (days, contacts) = schedule.columns();
                (Some(days), Some(contacts))
            }
        };
        connection.transaction(|connection| {
            diesel::delete(mail_queue::table.find((wave, mail_out.kind()))).execute(connection)?;
            diesel::insert_into(mail_queue::table)
                .values((
                    mail_queue::wave_id.eq(wave),
                    mail_queue::kind.eq(mail_out.kind()),
                    mail_queue::request.eq(random_id()),
                    mail_queue::after_days.eq(after_days),
                    mail_queue::max_contacts.eq(max_contacts),
                ))
                .execute(connection)?;
            audit::record(
                connection,
                &self.config.actor,
                "mail_queued",
                Some(wave),
                mail_out.kind(),
            )
        })
    }

    /// The mail-outs waiting, by wave then kind (invitations first). Those of waves no longer
    /// open are dropped: a closed wave's contacts are erased, nothing is left to send.
    pub fn queued_mail_outs(&self) -> Result<Vec<QueuedMailOut>> {
        self.require(Role::is_researcher, "send mail")?;
        let mut connection = self.connection()?;
        let open: Vec<String> = waves::table
            .filter(waves::status.eq("open"))
            .select(waves::id)
            .load(&mut connection)?;
        diesel::delete(mail_queue::table.filter(mail_queue::wave_id.ne_all(&open)))
            .execute(&mut connection)?;
        let rows: Vec<QueueRow> = mail_queue::table
            .order((mail_queue::wave_id.asc(), mail_queue::kind.asc()))
            .select((
                mail_queue::wave_id,
                mail_queue::kind,
                mail_queue::request,
                mail_queue::after_days,
                mail_queue::max_contacts,
            ))
            .load(&mut connection)?;
        rows.into_iter()
            .map(|(wave, kind, request, after_days, max_contacts)| {
                let mail_out = match (kind.as_str(), after_days, max_contacts) {
                    ("invitations", _, _) => MailOut::Invitations,
                    ("reminders", Some(days), Some(contacts)) => {
                        MailOut::Reminders(ReminderSchedule::from_columns(
                            days,
                            contacts,
                            &format!("the mail queue of wave {wave}"),
                        )?)
                    }
                    _ => {
                        return Err(StoreError::Corrupt(format!(
                            "the mail queue of wave {wave} holds a {kind} row without its schedule"
                        )))
                    }
                };
                Ok(QueuedMailOut {
                    wave,
                    mail_out,
                    request,
                })
            })
            .collect()
    }

    /// Takes a mail-out off the queue once a round sent all it had to, unless it was asked for
    /// again meanwhile (new patients may have been invited since the round read it): then it
    /// stays for the next round.
    pub fn finish_mail_out(&self, queued: &QueuedMailOut) -> Result<()> {
        self.require(Role::is_researcher, "send mail")?;
        diesel::delete(
            mail_queue::table
                .find((&queued.wave, queued.mail_out.kind()))
                .filter(mail_queue::request.eq(&queued.request)),
        )
        .execute(&mut self.connection()?)?;
        Ok(())
    }

    /// Messages waiting to be sent: those of the queued mail-outs and the reminders due by the
    /// waves' schedules, of one wave or of all. A message both queued and scheduled counts once.
    pub fn mail_waiting(&self, wave: Option<&str>) -> Result<usize> {
        self.require(Role::is_researcher, "send mail")?;
        let mut outs: Vec<QueuedMailOut> = self.queued_mail_outs()?;
        outs.extend(
            self.scheduled_waves()?
                .into_iter()
                .map(|scheduled| QueuedMailOut {
                    wave: scheduled.wave,
                    mail_out: MailOut::Reminders(scheduled.schedule),
                    request: String::new(),
                }),
        );
        outs.retain(|out| wave.is_none_or(|wave| out.wave == wave));
        let mut connection = self.connection()?;
        // A patient due a reminder by both a queued round and the schedule gets one.
        let mut due = std::collections::BTreeSet::new();
        for out in outs {
            let reminders = match out.mail_out {
                MailOut::Invitations => None,
                MailOut::Reminders(schedule) => {
                    Some((schedule.after_days, i64::from(schedule.max_contacts)))
                }
            };
            due.extend(invitations_due(&mut connection, &out.wave, reminders)?);
        }
        Ok(due.len())
    }
}

/// A row of the queue: wave, kind, request, and for reminders days and contacts.
type QueueRow = (String, String, String, Option<i32>, Option<i32>);
