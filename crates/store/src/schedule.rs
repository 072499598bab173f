//! The scheduler's share of the store: each wave's reminder schedule, and leases so that, of
//! several `vecu serve` instances on one database, exactly one at a time runs a periodic job.
//!
//! A lease is a row (job, holder, expiry). An instance takes it with a conditional write in a
//! transaction: it renews its own lease, takes an expired one, or inserts the first; anything
//! else changes no row. The holder renews before each message, so a holder that stalled past the
//! expiry finds out before sending again instead of sending alongside its successor.

use std::time::Duration;

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::connection::AnyConnection;
use crate::error::{Result, StoreError};
use crate::schema::{leases, waves};
use crate::{Role, Store, MIN_REMINDER_DAYS};

/// Most contacts (the invitation and its reminders) a schedule may ask for: the survey's
/// protocol sends an invitation and at most two reminders (about 2 and 4 weeks later).
pub const MAX_CONTACTS: u32 = 3;

/// A wave's reminder schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderSchedule {
    /// Days after the last contact (the invitation or the previous reminder).
    pub after_days: u32,
    /// Contacts in all, the invitation included: 2 sends one reminder.
    pub max_contacts: u32,
}

impl ReminderSchedule {
    /// A schedule, checked: at least [`MIN_REMINDER_DAYS`] days apart, 2 to [`MAX_CONTACTS`]
    /// contacts.
    pub fn new(after_days: u32, max_contacts: u32) -> Result<ReminderSchedule> {
        if after_days < MIN_REMINDER_DAYS {
            return Err(StoreError::BelowFloor {
                what: "days between a contact and its reminder in a wave's schedule",
                asked: after_days as usize,
                floor: MIN_REMINDER_DAYS as usize,
                why: "reminders follow the schedule of the survey (about 2 and 4 weeks after the invitation); reminders within the week would tell, by how many are sent, how many patients answered in between",
            });
        }
        if !(2..=MAX_CONTACTS).contains(&max_contacts) {
            return Err(StoreError::ReminderContacts {
                asked: max_contacts,
                most: MAX_CONTACTS,
            });
        }
        Ok(ReminderSchedule {
            after_days,
            max_contacts,
        })
    }
}

impl ReminderSchedule {
    /// The schedule as its two stored columns: days, contacts.
    pub(crate) fn columns(self) -> (i32, i32) {
        let column = |value: u32| i32::try_from(value).unwrap_or(i32::MAX);
        (column(self.after_days), column(self.max_contacts))
    }

    /// A schedule read back from its two columns and checked again; `whose` names the row
    /// (`wave W`) in the error a corrupt value makes.
    pub(crate) fn from_columns(days: i32, contacts: i32, whose: &str) -> Result<ReminderSchedule> {
        let checked = |value: i32| {
            u32::try_from(value).map_err(|_| {
                StoreError::Corrupt(format!("{whose} has a reminder schedule of {value}"))
            })
        };
        ReminderSchedule::new(checked(days)?, checked(contacts)?)
    }
}

/// A wave whose reminders the scheduler sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduledWave {
    /// The wave.
    pub wave: String,
    /// Its schedule.
    pub schedule: ReminderSchedule,
}

/// Who has a lease, as its taker sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lease {
    /// The taker holds it.
    Held,
    /// Another holder does, for about this much longer (unless renewed).
    Elsewhere {
        /// Time until it expires.
        free_in: Duration,
    },
}

impl Lease {
    /// Whether the taker holds it.
    pub fn held(self) -> bool {
        self == Lease::Held
    }
}

/// The database's clock in Unix seconds: instances on several hosts compare lease expiries on
/// one clock, whatever their own say.
fn database_now(connection: &mut AnyConnection) -> Result<i64> {
    #[derive(QueryableByName)]
    struct Now {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        now: i64,
    }
    let query = match connection {
        AnyConnection::Postgresql(_) => {
            "SELECT CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS BIGINT) AS now"
        }
        AnyConnection::Sqlite(_) => "SELECT CAST(strftime('%s', 'now') AS BIGINT) AS now",
    };
    Ok(diesel::sql_query(query).get_result::<Now>(connection)?.now)
}

impl Store {
    /// Sets (or, with `None`, removes) the reminder schedule of a wave that is not closed.
    pub fn set_reminder_schedule(
        &self,
        wave: &str,
        schedule: Option<ReminderSchedule>,
    ) -> Result<()> {
        self.require(Role::is_researcher, "set a reminder schedule")?;
        let mut connection = self.connection()?;
        let info = crate::wave::load_wave(&mut connection, wave)?;
        if info.status == "closed" {
            return Err(StoreError::WaveState {
                wave: wave.to_owned(),
                status: info.status,
                action: "setting a reminder schedule",
                needed: "draft or open",
            });
        }
        let columns = schedule.map(ReminderSchedule::columns);
        diesel::update(waves::table.find(wave))
            .set((
                waves::reminder_after_days.eq(columns.map(|(days, _)| days)),
                waves::reminder_max_contacts.eq(columns.map(|(_, contacts)| contacts)),
            ))
            .execute(&mut connection)?;
        Ok(())
    }

    /// Open waves with a reminder schedule, by id.
    pub fn scheduled_waves(&self) -> Result<Vec<ScheduledWave>> {
        self.require(Role::is_researcher, "send reminders")?;
        let rows: Vec<(String, Option<i32>, Option<i32>)> = waves::table
            .filter(waves::status.eq("open"))
            .filter(waves::reminder_after_days.is_not_null())
            .filter(waves::reminder_max_contacts.is_not_null())
            .order(waves::id.asc())
            .select((
                waves::id,
                waves::reminder_after_days,
                waves::reminder_max_contacts,
            ))
            .load(&mut self.connection()?)?;
        rows.into_iter()
            .filter_map(|(wave, days, contacts)| Some((wave, days?, contacts?)))
            .map(|(wave, days, contacts)| {
                let schedule =
                    ReminderSchedule::from_columns(days, contacts, &format!("wave {wave}"))?;
                Ok(ScheduledWave { wave, schedule })
            })
            .collect()
    }

    /// Takes or renews the lease on `job` for `holder` until `ttl` from now. Another holder's
    /// unexpired lease is left alone, and the answer says when it runs out.
    pub fn take_lease(&self, job: &str, holder: &str, ttl: Duration) -> Result<Lease> {
        let connection = &mut *self.connection()?;
        let now = database_now(connection)?;
        let until = now.saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX));
        // Two statements, each atomic: the update renews or takes over the row; the insert makes
        // the first. Two instances inserting at once: the primary key lets one through.
        let renewed = diesel::update(
            leases::table
                .find(job)
                .filter(leases::holder.eq(holder).or(leases::expires_at.le(now))),
        )
        .set((leases::holder.eq(holder), leases::expires_at.eq(until)))
        .execute(connection)?;
        if renewed == 1 {
            return Ok(Lease::Held);
        }
        let inserted = diesel::insert_into(leases::table)
            .values((
                leases::name.eq(job),
                leases::holder.eq(holder),
                leases::expires_at.eq(until),
            ))
            .execute(connection);
        match inserted {
            Ok(_) => Ok(Lease::Held),
            // The row exists (another holder's, unexpired), or another instance inserted it
            // first: theirs it is, until it expires.
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                let expires_at: Option<i64> = leases::table
                    .find(job)
                    .select(leases::expires_at)
                    .first(connection)
                    .optional()?;
                // Whole seconds: the lease is free from the second after `expires_at` began.
                let left = expires_at.map_or(0, |expires_at| expires_at - now + 1);
                Ok(Lease::Elsewhere {
                    free_in: Duration::from_secs(u64::try_from(left).unwrap_or(0)),
                })
            }
            Err(error) => Err(error.into()),
        }
    }

    /// Gives the lease on `job` up, if `holder` has it, so that another instance takes over at
    /// once (at shutdown).
    pub fn release_lease(&self, job: &str, holder: &str) -> Result<()> {
        diesel::delete(leases::table.find(job).filter(leases::holder.eq(holder)))
            .execute(&mut self.connection()?)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules_keep_a_week_and_at_most_two_reminders() {
        assert_eq!(
            ReminderSchedule::new(14, 3)
                .ok()
                .map(|s| (s.after_days, s.max_contacts)),
            Some((14, 3))
        );
        let too_soon = ReminderSchedule::new(6, 2).map_err(|error| error.to_string());
        assert!(
            too_soon
                .as_ref()
                .is_err_and(|error| error.contains("at least 7 (asked: 6)")),
            "{too_soon:?}"
        );
        for contacts in [0, 1, 4] {
            let refused = ReminderSchedule::new(14, contacts).map_err(|error| error.to_string());
            assert!(
                refused
                    .as_ref()
                    .is_err_and(|error| error.contains("2 to 3 contacts")),
                "{refused:?}"
            );
        }
    }
}
