//! Weekly releases: during fieldwork, whatever moves with each response (counts by status,
//! paper counters, the list of letters to remind) is computed at the first request of an ISO
//! week and served unchanged for the rest of that week. Two requests around one submission
//! then get the same answer, so polling cannot pair a submission with the reference or the
//! counts it changed; only a week's worth of submissions moves between two releases.

use diesel::prelude::*;

use crate::calendar;
use crate::connection::AnyConnection;
use crate::error::{Result, StoreError};
use crate::schema::{releases, waves};
use crate::secret::EncryptionKey;

/// What is released, and how it is kept (lists of references are sealed under the key).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Release {
    /// Counts by site and status, responses by mode, paper counters (`WaveStatus` as JSON).
    Status,
    /// The hospital's references of the letters to remind (sealed).
    LetterReminders,
}

impl Release {
    fn kind(self) -> &'static str {
        match self {
            Release::Status => "status",
            Release::LetterReminders => "letter_reminders",
        }
    }
}

/// The release of this week, computing and keeping it with `compute` when this week has none
/// yet. `key` seals the body when given. Runs in one transaction with the computation, so two
/// first requests of a week agree.
pub(crate) fn weekly<T, F>(
    connection: &mut AnyConnection,
    wave: &str,
    release: Release,
    key: Option<&EncryptionKey>,
    compute: F,
) -> Result<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned,
    F: FnOnce(&mut AnyConnection) -> Result<T>,
{
    let week = calendar::this_week();
    let context = format!("release:{wave}:{}", release.kind());
    if let Some(kept) = this_weeks(connection, wave, release, key, &week, &context)? {
        return Ok(kept);
    }
    connection.transaction(|connection| {
        // A write first (it locks the wave's row, or the database on SQLite), so that two first
        // requests of a week queue here and the second gets what the first kept.
        diesel::update(waves::table.find(wave))
            .set(waves::status.eq(waves::status))
            .execute(connection)?;
        if let Some(kept) = this_weeks(connection, wave, release, key, &week, &context)? {
            return Ok(kept);
        }
        let value = compute(connection)?;
        let text = serde_json::to_string(&value)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let body = match key {
            Some(key) => key.seal(&text, &context)?,
            None => text.into_bytes(),
        };
        diesel::delete(releases::table.find((wave, release.kind()))).execute(connection)?;
        diesel::insert_into(releases::table)
            .values((
                releases::wave_id.eq(wave),
                releases::kind.eq(release.kind()),
                releases::week.eq(&week),
                releases::body.eq(body),
            ))
            .execute(connection)?;
        Ok(value)
    })
}

/// The release kept for `week`, if there is one.
fn this_weeks<T: serde::de::DeserializeOwned>(
    connection: &mut AnyConnection,
    wave: &str,
    release: Release,
    key: Option<&EncryptionKey>,
    week: &str,
    context: &str,
) -> Result<Option<T>> {
    let kept: Option<(String, Vec<u8>)> = releases::table
        .find((wave, release.kind()))
        .select((releases::week, releases::body))
        .first(connection)
        .optional()?;
    let Some((_, body)) = kept.filter(|(kept_week, _)| kept_week == week) else {
        return Ok(None);
    };
    let text = match key {
        Some(key) => key.open(&body, context)?,
        None => String::from_utf8(body).map_err(|error| StoreError::Corrupt(error.to_string()))?,
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|error| StoreError::Corrupt(error.to_string()))
}
