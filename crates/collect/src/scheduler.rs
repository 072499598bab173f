//! The mail scheduler inside `vecu serve`: every so often, the instance holding the `reminders`
//! lease mails what waits in the store's mail queue (mail-outs researchers asked for through the
//! API) and the reminders due by each open wave's schedule. The queue, the schedules and the
//! lease are the store's; this is the loop and the mail.
//!
//! Exactly once: only the lease holder sends, and it renews the lease before each message, so an
//! instance that lost it (stalled past the expiry) stops before sending again. A restart, a kill
//! or a mail server outage mid-batch leaves the rest due: each message is recorded as it is
//! accepted, the mail-out stays queued until a round got through it, and the next round (of
//! whichever instance holds the lease, at the latest when a dead holder's lease runs out) sends
//! the others.

use std::collections::BTreeMap;
use std::time::Duration;

use vecu_store::{Lease, MailOut, Store};

use crate::mail::{MailError, Mailer, SendSummary};

/// The lease's name.
pub const JOB: &str = "reminders";

/// How long a lease lasts without renewal by default: far longer than one message takes, so a
/// live holder keeps it; an instance that died hands over after this long.
pub const LEASE: Duration = Duration::from_secs(5 * 60);

/// The shortest lease a scheduler takes. The mail server gets a twentieth of the lease per
/// exchange (a message is about ten: the greeting, MAIL, RCPT, DATA, the text, the reply), so
/// that one message, renewed for just before, ends well within the lease.
pub const SHORTEST_LEASE: Duration = Duration::from_secs(5);

/// How often `vecu serve` ticks by default.
pub const EVERY: Duration = Duration::from_secs(5 * 60);

/// What one tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickSummary {
    /// Whether this instance held the lease (if not, it sent nothing).
    pub held: bool,
    /// When another instance held it: how long until it runs out.
    pub lease_free_in: Option<Duration>,
    /// Messages accepted and refused, over every wave.
    pub mail: SendSummary,
    /// The same, by wave.
    pub by_wave: BTreeMap<String, SendSummary>,
}

/// What a mail-out asked through the API did at once.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct MailOutReport {
    /// Messages of the wave this instance's round sent (accepted by the mail server).
    pub sent: usize,
    /// Messages refused (the invitations are marked undeliverable).
    pub failed: usize,
    /// Messages of the wave still waiting: another instance holds the lease and sends them in
    /// its round.
    pub waiting: usize,
}

/// Whether a round waits for one of the same instance under way.
#[derive(Debug, Clone, Copy)]
enum Wait {
    No,
    ForRoundUnderWay,
}

/// One instance's scheduler.
pub struct Scheduler {
    store: Store,
    mailer: Mailer,
    holder: String,
    lease: Duration,
    /// Held during a round: the lease names the instance, so two rounds of one instance at once
    /// would both hold it.
    round: std::sync::Mutex<()>,
    /// Set at shutdown: a round under way stops before its next message.
    stopping: std::sync::atomic::AtomicBool,
}

impl Scheduler {
    /// A scheduler for this instance, with an id of its own for the lease, which lasts
    /// [`LEASE`].
    pub fn new(store: Store, mailer: Mailer) -> Scheduler {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos())
            .unwrap_or_default();
        Scheduler {
            store,
            mailer,
            holder: format!("{}-{nanos:x}", std::process::id()),
            lease: LEASE,
            round: std::sync::Mutex::new(()),
            stopping: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The same scheduler with a lease of `lease` (at least [`SHORTEST_LEASE`]): how long
    /// another instance waits to take over after this one died. The mail server then gets a
    /// twentieth of it per exchange.
    pub fn with_lease(mut self, lease: Duration) -> Result<Scheduler, MailError> {
        if lease < SHORTEST_LEASE {
            return Err(MailError::Config(format!(
                "a scheduler lease of {} s is too short: at least {} s (the default, {} s, suits production)",
                lease.as_secs_f64(),
                SHORTEST_LEASE.as_secs(),
                LEASE.as_secs()
            )));
        }
        self.mailer = self.mailer.timing_out_after(lease / 20)?;
        self.lease = lease;
        Ok(self)
    }

    /// Queues a mail-out of `wave` for `acting` (the caller's store, whose role decides), then
    /// runs a round at once: it sends the mail-out if this instance can take the lease, and
    /// otherwise the holder's round will. A mail server outage is an error; the mail-out stays
    /// queued and the next round resumes it.
    pub fn mail_out(
        &self,
        acting: &Store,
        wave: &str,
        mail_out: MailOut,
    ) -> Result<MailOutReport, MailError> {
        acting.queue_mail_out(wave, mail_out)?;
        // After a round of this instance under way, if any: it may have started before the
        // mail-out was queued.
        let round = self.counting_waiting(self.round(Wait::ForRoundUnderWay))?;
        let sent = round.by_wave.get(wave).cloned().unwrap_or_default();
        Ok(MailOutReport {
            sent: sent.sent,
            failed: sent.failed,
            waiting: acting.mail_waiting(Some(wave))?,
        })
    }

    /// One round: takes (or renews) the lease, then mails the queued mail-outs (someone asked
    /// for those) and the reminders due by the schedule of each open wave, renewing the lease
    /// before each message. A mail server outage stops the round with an error; what was sent
    /// is recorded, the rest stays due. Every round, holder or not, counts the mail waiting into
    /// the metrics.
    pub fn tick(&self) -> Result<TickSummary, MailError> {
        self.counting_waiting(self.round(Wait::No))
    }

    fn counting_waiting(
        &self,
        round: Result<TickSummary, MailError>,
    ) -> Result<TickSummary, MailError> {
        if let Some(metrics) = self.mailer.metrics() {
            match self.store.mail_waiting(None) {
                Ok(waiting) => metrics.mail_waiting(waiting),
                Err(error) => tracing::warn!(%error, "the mail waiting could not be counted"),
            }
        }
        round
    }

    fn round(&self, wait: Wait) -> Result<TickSummary, MailError> {
        let mut summary = TickSummary::default();
        let _round = match wait {
            Wait::ForRoundUnderWay => self
                .round
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
            // A round of this instance still running: this one leaves it alone.
            Wait::No => match self.round.try_lock() {
                Ok(round) => round,
                Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
                Err(std::sync::TryLockError::WouldBlock) => return Ok(summary),
            },
        };
        // Stopping: the lease was (or is being) handed over; taking it again would hold up the
        // others for a whole lease.
        if self.stopping.load(std::sync::atomic::Ordering::SeqCst) {
            return Ok(summary);
        }
        match self.store.take_lease(JOB, &self.holder, self.lease)? {
            Lease::Held => summary.held = true,
            Lease::Elsewhere { free_in } => {
                summary.lease_free_in = Some(free_in);
                return Ok(summary);
            }
        }
        let renew = || -> Result<bool, MailError> {
            Ok(!self.stopping.load(std::sync::atomic::Ordering::SeqCst)
                && self.store.take_lease(JOB, &self.holder, self.lease)?.held())
        };
        let mut got_through = true;
        for queued in self.store.queued_mail_outs()? {
            let sent = summary.by_wave.entry(queued.wave.clone()).or_default();
            got_through = self.mailer.send_mail_out(
                &self.store,
                &queued.wave,
                queued.mail_out,
                renew,
                sent,
            )?;
            if !got_through {
                break;
            }
            self.store.finish_mail_out(&queued)?;
        }
        if got_through {
            for scheduled in self.store.scheduled_waves()? {
                let sent = summary.by_wave.entry(scheduled.wave.clone()).or_default();
                let mail_out = MailOut::Reminders(scheduled.schedule);
                if !self.mailer.send_mail_out(
                    &self.store,
                    &scheduled.wave,
                    mail_out,
                    renew,
                    sent,
                )? {
                    break;
                }
            }
        }
        for sent in summary.by_wave.values() {
            summary.mail.sent += sent.sent;
            summary.mail.failed += sent.failed;
        }
        Ok(summary)
    }

    /// Hands the lease over (at shutdown), so that another instance takes over at its next
    /// round: a round under way stops before its next message, then the lease is let go.
    pub fn release(&self) -> Result<(), MailError> {
        self.stopping
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let _round = self
            .round
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(self.store.release_lease(JOB, &self.holder)?)
    }

    /// Ticks every `every` until the runtime stops, each round on a blocking thread. While
    /// another instance holds the lease, the next round comes when that lease runs out if that
    /// is sooner: an instance that died hands over then, not a whole period later.
    pub(crate) async fn run(self: std::sync::Arc<Self>, every: Duration) {
        loop {
            let round = self.clone();
            let wait = match actix_web::rt::task::spawn_blocking(move || round.tick()).await {
                Ok(Ok(summary)) => {
                    if summary.mail != SendSummary::default() {
                        tracing::info!(
                            sent = summary.mail.sent,
                            refused = summary.mail.failed,
                            "mail sent"
                        );
                    }
                    summary
                        .lease_free_in
                        .map_or(every, |free_in| free_in.min(every))
                }
                Ok(Err(error)) => {
                    tracing::warn!(%error, "the mail round stopped");
                    every
                }
                Err(error) => {
                    tracing::error!(%error, "the mail scheduler failed");
                    every
                }
            };
            actix_web::rt::time::sleep(wait).await;
        }
    }
}
