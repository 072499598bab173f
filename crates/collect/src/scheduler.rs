//! The reminder scheduler inside `vecu serve`: every so often, the instance holding the
//! `reminders` lease mails the reminders due by each open wave's schedule. The schedule and the
//! lease are the store's; this is the loop and the mail.
//!
//! Exactly once: only the lease holder sends, and it renews the lease before each message, so an
//! instance that lost it (stalled past the expiry) stops before sending again. A restart or a mail
//! server outage mid-batch leaves the rest due: each reminder is recorded as it is accepted, and
//! the next tick (of whichever instance holds the lease) sends the others.

use std::time::Duration;

use vecu_store::Store;

use crate::mail::{MailError, Mailer, SendSummary};

/// The lease's name.
pub const JOB: &str = "reminders";

/// How long a lease lasts without renewal: far longer than one message takes, so a live holder
/// keeps it; an instance that died hands over after this long.
pub const LEASE: Duration = Duration::from_secs(5 * 60);

/// How often `vecu serve` ticks by default.
pub const EVERY: Duration = Duration::from_secs(5 * 60);

/// What one tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickSummary {
    /// Whether this instance held the lease (if not, it sent nothing).
    pub held: bool,
    /// Reminders accepted and refused, over every scheduled wave.
    pub mail: SendSummary,
}

/// One instance's scheduler.
pub struct Scheduler {
    store: Store,
    mailer: Mailer,
    holder: String,
    /// Held during a round: the lease names the instance, so two rounds of one instance at once
    /// would both hold it.
    round: std::sync::Mutex<()>,
}

impl Scheduler {
    /// A scheduler for this instance, with an id of its own for the lease.
    pub fn new(store: Store, mailer: Mailer) -> Scheduler {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos())
            .unwrap_or_default();
        Scheduler {
            store,
            mailer,
            holder: format!("{}-{nanos:x}", std::process::id()),
            round: std::sync::Mutex::new(()),
        }
    }

    /// One round: takes (or renews) the lease, then mails every reminder due by the schedule of
    /// each open wave, renewing the lease before each message. A mail server outage stops the
    /// round with an error; what was sent is recorded, the rest stays due.
    pub fn tick(&self) -> Result<TickSummary, MailError> {
        let mut summary = TickSummary::default();
        // A round of this instance still running: this one leaves it alone.
        let Ok(_round) = self.round.try_lock() else {
            return Ok(summary);
        };
        if !self.store.take_lease(JOB, &self.holder, LEASE)? {
            return Ok(summary);
        }
        summary.held = true;
        for scheduled in self.store.scheduled_waves()? {
            let schedule = scheduled.schedule;
            let sent = self.mailer.send_reminders_while(
                &self.store,
                &scheduled.wave,
                (schedule.after_days, i64::from(schedule.max_contacts)),
                || Ok(self.store.take_lease(JOB, &self.holder, LEASE)?),
            )?;
            summary.mail.sent += sent.sent;
            summary.mail.failed += sent.failed;
        }
        Ok(summary)
    }

    /// Hands the lease over (at shutdown), so that another instance takes over at its next tick.
    pub fn release(&self) -> Result<(), MailError> {
        Ok(self.store.release_lease(JOB, &self.holder)?)
    }

    /// Ticks every `every` until the runtime stops, each round on a blocking thread.
    pub(crate) async fn run(self, every: Duration) {
        let scheduler = std::sync::Arc::new(self);
        let mut interval = actix_web::rt::time::interval(every);
        loop {
            interval.tick().await;
            let round = scheduler.clone();
            match actix_web::rt::task::spawn_blocking(move || round.tick()).await {
                Ok(Ok(summary)) if summary.mail != SendSummary::default() => tracing::info!(
                    sent = summary.mail.sent,
                    refused = summary.mail.failed,
                    "scheduled reminders"
                ),
                Ok(Ok(_)) => {}
                Ok(Err(error)) => tracing::warn!(%error, "scheduled reminders stopped"),
                Err(error) => tracing::error!(%error, "the reminder scheduler failed"),
            }
        }
    }
}
