//! What the web service used to keep in its memory, in the database instead, so that any
//! instance serves any request and a restart signs nobody out: sessions of the web pages,
//! failed look-ups counted for rate limits, and the secrets every instance shares.
//!
//! - A session's cookie holds 128 random bits; its row is keyed by their SHA-256, so a copy of
//!   the database opens no session. No row holds an address or a user agent. A patient's row
//!   names its invitation (vault side): it goes in the transaction that stores the response,
//!   at opt-out and at close. A session ends after [`SESSION_IDLE`] without a request.
//! - A failed look-up is one row keyed by an HMAC of who asked (a client address, or a
//!   data-entry key's id) under the day's salt and, when the store has it, a key derived from the
//!   encryption key; rows leave with their window ([`LOOKUP_WINDOW`]). An address never
//!   reaches the database, and yesterday's hashes cannot be matched against today's.
//! - `csrf`: one random key per deployment, made by the first instance that asks.

use std::net::IpAddr;
use std::time::Duration;

use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::access::ApiKey;
use crate::connection::AnyConnection;
use crate::error::{Result, StoreError};
use crate::holders::holder_in;
use crate::schema::{lookup_failures, service_secrets, sessions};
use crate::secret::{random_id, random_secret, token_hash};
use crate::{calendar, InvitationId, Mode, Store};

/// A session ends after this long without a request.
pub const SESSION_IDLE: Duration = Duration::from_secs(2 * 60 * 60);

/// A session's last request is written at most this often: a page view within a minute of the
/// last one reads its session and writes nothing.
const REFRESH_EVERY: i64 = 60;

/// Failed look-ups count for this long.
pub const LOOKUP_WINDOW: Duration = Duration::from_secs(10 * 60);

/// A patient answering: the invitation (vault side), the chosen language and how they came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientSession {
    /// The invitation answered.
    pub invitation: InvitationId,
    /// The language of the pages.
    pub lang: String,
    /// By an e-mail link or by an access code.
    pub mode: Mode,
}

/// Data-entry staff: their key (two keys may share a name), the questionnaire open, if any,
/// and the language of the pages once chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSession {
    /// The key signed in with, as the store has it now.
    pub key: ApiKey,
    /// The questionnaire being keyed (an invitation, vault side).
    pub current: Option<InvitationId>,
    /// The language of the pages, once chosen.
    pub lang: Option<String>,
}

/// A report co-author on the team pages: their key and the language of their pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamSession {
    /// The key signed in with, as the store has it now.
    pub key: ApiKey,
    /// The language of the pages.
    pub lang: String,
}

/// A session of any kind, to start one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Session {
    /// `/s/{token}` or `/code`, then `/q/...`.
    Patient(PatientSession),
    /// `/entry`.
    Staff(StaffSession),
    /// `/team`.
    Team(TeamSession),
}

/// Who failed a look-up, for rate limits. Neither is stored: only an HMAC of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asker<'a> {
    /// A client address (unknown tokens and codes, failed sign-ins).
    Address(IpAddr),
    /// A data-entry key, by id (unknown codes typed at data entry).
    Key(&'a str),
}

/// The stored name of each kind of session.
fn kind_of(session: &Session) -> &'static str {
    match session {
        Session::Patient(_) => "patient",
        Session::Staff(_) => "staff",
        Session::Team(_) => "team",
    }
}

fn mode_named(name: &str) -> Option<Mode> {
    Mode::ALL.into_iter().find(|mode| mode.as_str() == name)
}

/// Seconds since 1970, UTC: sessions and look-ups are timed to the second, and neither is
/// ever joined to a response.
fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn seconds(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

/// A session row as stored.
#[derive(Queryable)]
struct Row {
    invitation_id: Option<String>,
    key_id: Option<String>,
    lang: Option<String>,
    mode: Option<String>,
    last_seen: i64,
}

impl Store {
    /// Starts a session and returns the id for its cookie (128 random bits, hex), which the
    /// database never holds. Sessions idle for longer than [`SESSION_IDLE`] go meanwhile.
    pub fn start_session(&self, session: &Session) -> Result<String> {
        let id = random_id();
        let (invitation, key, lang, mode) = match session {
            Session::Patient(patient) => (
                Some(patient.invitation.as_str()),
                None,
                Some(patient.lang.as_str()),
                Some(patient.mode.as_str()),
            ),
            Session::Staff(staff) => (
                staff.current.as_deref(),
                Some(staff.key.id.as_str()),
                staff.lang.as_deref(),
                None,
            ),
            Session::Team(team) => (
                None,
                Some(team.key.id.as_str()),
                Some(team.lang.as_str()),
                None,
            ),
        };
        let mut connection = self.connection()?;
        expire_idle(&mut connection)?;
        diesel::insert_into(sessions::table)
            .values((
                sessions::id_hash.eq(token_hash(&id)),
                sessions::kind.eq(kind_of(session)),
                sessions::invitation_id.eq(invitation),
                sessions::key_id.eq(key),
                sessions::lang.eq(lang),
                sessions::mode.eq(mode),
                sessions::last_seen.eq(now()),
            ))
            .execute(&mut connection)?;
        Ok(id)
    }

    /// The live patient session with this cookie id, refreshed.
    pub fn patient_session(&self, id: &str) -> Result<Option<PatientSession>> {
        let mut connection = self.connection()?;
        let Some(row) = live_row(&mut connection, id, "patient")? else {
            return Ok(None);
        };
        let (Some(invitation), Some(mode)) =
            (row.invitation_id, row.mode.as_deref().and_then(mode_named))
        else {
            return Err(StoreError::Corrupt(
                "a patient session without its invitation or mode".to_owned(),
            ));
        };
        Ok(Some(PatientSession {
            invitation,
            lang: row.lang.unwrap_or_default(),
            mode,
        }))
    }

    /// The live data-entry session with this cookie id, refreshed, with its key as the store
    /// has it now; a session whose key was revoked ends here.
    pub fn staff_session(&self, id: &str) -> Result<Option<StaffSession>> {
        let mut connection = self.connection()?;
        let Some((key, row)) = keyed_row(&mut connection, id, "staff")? else {
            return Ok(None);
        };
        Ok(Some(StaffSession {
            key,
            current: row.invitation_id,
            lang: row.lang,
        }))
    }

    /// The live co-author session with this cookie id, refreshed, with its key as the store
    /// has it now; a session whose key was revoked ends here.
    pub fn team_session(&self, id: &str) -> Result<Option<TeamSession>> {
        let mut connection = self.connection()?;
        let Some((key, row)) = keyed_row(&mut connection, id, "team")? else {
            return Ok(None);
        };
        Ok(Some(TeamSession {
            key,
            lang: row.lang.unwrap_or_default(),
        }))
    }

    /// Changes the language of a session's pages.
    pub fn set_session_lang(&self, id: &str, lang: &str) -> Result<()> {
        diesel::update(sessions::table.find(token_hash(id)))
            .set(sessions::lang.eq(lang))
            .execute(&mut *self.connection()?)?;
        Ok(())
    }

    /// Sets (or clears) the questionnaire a data-entry session keys.
    pub fn set_session_current(&self, id: &str, invitation: Option<&str>) -> Result<()> {
        diesel::update(
            sessions::table
                .find(token_hash(id))
                .filter(sessions::kind.eq("staff")),
        )
        .set(sessions::invitation_id.eq(invitation))
        .execute(&mut *self.connection()?)?;
        Ok(())
    }

    /// Ends a session (sign-out, submission, opt-out).
    pub fn end_session(&self, id: &str) -> Result<()> {
        diesel::delete(sessions::table.find(token_hash(id))).execute(&mut *self.connection()?)?;
        Ok(())
    }

    /// Whether `asker` may try another look-up now: fewer than `per_window` failures in the
    /// last [`LOOKUP_WINDOW`].
    pub fn lookup_allowed(&self, asker: Asker<'_>, per_window: u32) -> Result<bool> {
        let mut connection = self.connection()?;
        let hash = self.asker_hash(&mut connection, asker)?;
        let failures: i64 = lookup_failures::table
            .filter(lookup_failures::asker_hash.eq(hash))
            .filter(lookup_failures::at.gt(now() - seconds(LOOKUP_WINDOW)))
            .count()
            .get_result(&mut connection)?;
        Ok(failures < i64::from(per_window))
    }

    /// Counts a failed look-up of `asker`; failures out of the window go meanwhile.
    pub fn lookup_failed(&self, asker: Asker<'_>) -> Result<()> {
        let mut connection = self.connection()?;
        let hash = self.asker_hash(&mut connection, asker)?;
        let now = now();
        diesel::delete(
            lookup_failures::table.filter(lookup_failures::at.le(now - seconds(LOOKUP_WINDOW))),
        )
        .execute(&mut connection)?;
        diesel::insert_into(lookup_failures::table)
            .values((
                lookup_failures::id.eq(random_id()),
                lookup_failures::asker_hash.eq(hash),
                lookup_failures::at.eq(now),
            ))
            .execute(&mut connection)?;
        Ok(())
    }

    /// The key of CSRF tokens, the same for every instance on this database: made at random
    /// by the first that asks.
    pub fn csrf_secret(&self) -> Result<[u8; 32]> {
        Ok(shared_secret(&mut *self.connection()?, "csrf")?.0)
    }

    /// The HMAC of who asked, under the day's salt and the key derived from the encryption key
    /// (when the store has it). The first instance to need a new day's salt makes it and drops
    /// the older ones.
    fn asker_hash(&self, connection: &mut AnyConnection, asker: Asker<'_>) -> Result<Vec<u8>> {
        let name = format!("lookups:{}", calendar::today());
        let (salt, made) = shared_secret(connection, &name)?;
        if made {
            diesel::delete(
                service_secrets::table
                    .filter(service_secrets::name.like("lookups:%"))
                    .filter(service_secrets::name.lt(&name)),
            )
            .execute(connection)?;
        }
        let mut key = salt.to_vec();
        if let Some(encryption) = &self.config.key {
            key.extend_from_slice(encryption.asker_key());
        }
        // HMAC takes keys of any length.
        let mut mac = Hmac::<Sha256>::new_from_slice(&key)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        match asker {
            Asker::Address(address) => {
                mac.update(b"address:");
                mac.update(address.to_canonical().to_string().as_bytes());
            }
            Asker::Key(id) => {
                mac.update(b"key:");
                mac.update(id.as_bytes());
            }
        }
        Ok(mac.finalize().into_bytes().to_vec())
    }
}

/// The live session row of this kind, its last request moved to now (at most once a
/// [`REFRESH_EVERY`]).
fn live_row(connection: &mut AnyConnection, id: &str, kind: &str) -> Result<Option<Row>> {
    let hash = token_hash(id);
    let now = now();
    let row: Option<Row> = sessions::table
        .find(&hash)
        .filter(sessions::kind.eq(kind))
        .filter(sessions::last_seen.gt(now - seconds(SESSION_IDLE)))
        .select((
            sessions::invitation_id,
            sessions::key_id,
            sessions::lang,
            sessions::mode,
            sessions::last_seen,
        ))
        .first(connection)
        .optional()?;
    if let Some(row) = &row {
        if now - row.last_seen >= REFRESH_EVERY {
            diesel::update(sessions::table.find(&hash))
                .set(sessions::last_seen.eq(now))
                .execute(connection)?;
        }
    }
    Ok(row)
}

/// A live staff or co-author session with its key as it is now; the session ends when its
/// key was revoked.
fn keyed_row(
    connection: &mut AnyConnection,
    id: &str,
    kind: &str,
) -> Result<Option<(ApiKey, Row)>> {
    let Some(row) = live_row(connection, id, kind)? else {
        return Ok(None);
    };
    let key = match &row.key_id {
        Some(key) => holder_in(connection, key)?,
        None => None,
    };
    match key {
        Some(key) => Ok(Some((key, row))),
        None => {
            diesel::delete(sessions::table.find(token_hash(id))).execute(connection)?;
            Ok(None)
        }
    }
}

/// Deletes the sessions idle for longer than [`SESSION_IDLE`].
fn expire_idle(connection: &mut AnyConnection) -> Result<usize> {
    Ok(diesel::delete(
        sessions::table.filter(sessions::last_seen.le(now() - seconds(SESSION_IDLE))),
    )
    .execute(connection)?)
}

/// The shared secret `name`, made at random by the first instance that asks, and whether this
/// call made it. Never inside a transaction: PostgreSQL aborts a transaction at the duplicate
/// key of a concurrent maker.
fn shared_secret(connection: &mut AnyConnection, name: &str) -> Result<([u8; 32], bool)> {
    let read = |connection: &mut AnyConnection| -> Result<Option<[u8; 32]>> {
        let stored: Option<Vec<u8>> = service_secrets::table
            .find(name)
            .select(service_secrets::secret)
            .first(connection)
            .optional()?;
        stored
            .map(|bytes| {
                <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
                    StoreError::Corrupt(format!(
                        "the shared secret {name} is {} bytes long instead of 32",
                        bytes.len()
                    ))
                })
            })
            .transpose()
    };
    if let Some(secret) = read(connection)? {
        return Ok((secret, false));
    }
    let fresh = random_secret();
    let inserted = diesel::insert_into(service_secrets::table)
        .values((
            service_secrets::name.eq(name),
            service_secrets::secret.eq(fresh.to_vec()),
        ))
        .execute(connection);
    match inserted {
        Ok(_) => Ok((fresh, true)),
        // Another instance made it first: theirs it is.
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => read(connection)?
            .map(|secret| (secret, false))
            .ok_or_else(|| StoreError::Corrupt(format!("the shared secret {name} vanished"))),
        Err(error) => Err(error.into()),
    }
}

/// Clears the sessions of invitations that are being erased (close): patients' sessions go,
/// data-entry sessions forget the questionnaire.
pub(crate) fn forget_invitations(
    connection: &mut AnyConnection,
    invitations: &[String],
) -> Result<()> {
    diesel::delete(
        sessions::table
            .filter(sessions::kind.eq("patient"))
            .filter(sessions::invitation_id.eq_any(invitations)),
    )
    .execute(connection)?;
    diesel::update(sessions::table.filter(sessions::invitation_id.eq_any(invitations)))
        .set(sessions::invitation_id.eq(None::<String>))
        .execute(connection)?;
    Ok(())
}

/// Ends the patients' sessions of an invitation (submission, opt-out).
pub(crate) fn end_patient_sessions(connection: &mut AnyConnection, invitation: &str) -> Result<()> {
    diesel::delete(
        sessions::table
            .filter(sessions::kind.eq("patient"))
            .filter(sessions::invitation_id.eq(invitation)),
    )
    .execute(connection)?;
    Ok(())
}

#[cfg(feature = "testing")]
impl Store {
    /// Moves every session's last request and every failed look-up `seconds` into the past,
    /// as if that time had gone by.
    pub fn age_sessions_and_lookups(&self, seconds: i64) -> Result<()> {
        let mut connection = self.connection()?;
        diesel::update(sessions::table)
            .set(sessions::last_seen.eq(sessions::last_seen - seconds))
            .execute(&mut connection)?;
        diesel::update(lookup_failures::table)
            .set(lookup_failures::at.eq(lookup_failures::at - seconds))
            .execute(&mut connection)?;
        Ok(())
    }
}
