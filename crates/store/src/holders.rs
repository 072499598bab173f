//! Key holders, by key id: a display name is only shown, never trusted to say who someone is
//! (two keys may share one). Sessions of the web pages ask here, at every request, whether
//! their key is still valid; data-entry look-ups of access codes are audited under the key.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::access::{ApiKey, Role};
use crate::code::AccessCode;
use crate::connection::AnyConnection;
use crate::error::{Result, StoreError};
use crate::invitation::TokenState;
use crate::schema::{api_keys, invitations};
use crate::{audit, Store};

/// The holder of the key with this id, if it exists and is not revoked, on a connection held.
pub(crate) fn holder_in(connection: &mut AnyConnection, id: &str) -> Result<Option<ApiKey>> {
    let row: Option<(String, String, String)> = api_keys::table
        .find(id)
        .filter(api_keys::revoked_on.is_null())
        .select((api_keys::id, api_keys::name, api_keys::role))
        .first(connection)
        .optional()?;
    row.map(|row| ApiKey::from_row(connection, row)).transpose()
}

impl Store {
    /// The holder of the key with this id, as it is now, if the key exists and is not revoked.
    pub fn key_holder(&self, id: &str) -> Result<Option<ApiKey>> {
        holder_in(&mut *self.connection()?, id)
    }

    /// What an access code typed at data entry leads to, as [`Store::lookup_code`], recorded in
    /// the audit log under the key (`key:<id>`) with the wave and the outcome, never the code.
    /// Data-entry and admin keys only.
    pub fn lookup_code_for_entry(&self, by: &ApiKey, code: &AccessCode) -> Result<TokenState> {
        if !matches!(by.role, Role::DataEntry | Role::Admin) {
            return Err(StoreError::NotAllowed(
                "only data-entry and admin keys open paper questionnaires".to_owned(),
            ));
        }
        let found = self.lookup_code(code)?;
        let mut connection = self.connection()?;
        let hashes = crate::rotation::code_hashes(&mut connection, self.key()?, code)?;
        let wave: Option<String> = invitations::table
            .filter(invitations::token_hash.eq_any(hashes))
            .select(invitations::wave_id)
            .first(&mut connection)
            .optional()?;
        let outcome = match &found {
            TokenState::Usable(_) => "usable",
            TokenState::Submitted => "submitted",
            TokenState::OptedOut => "opted_out",
            TokenState::Expired => "closed",
            TokenState::Unknown => "unknown",
        };
        audit::record(
            &mut connection,
            &format!("key:{}", by.id),
            "code_looked_up",
            wave.as_deref(),
            outcome,
        )?;
        Ok(found)
    }
}

/// Display names of key ids. A value that is no key's id (a name written before authors were
/// recorded by key) shows as written.
pub(crate) struct Names(HashMap<String, String>);

impl Names {
    /// The names of these key ids.
    pub(crate) fn of<'a>(
        connection: &mut AnyConnection,
        ids: impl IntoIterator<Item = &'a String>,
    ) -> Result<Names> {
        let mut ids: Vec<&String> = ids.into_iter().collect();
        ids.sort();
        ids.dedup();
        let rows: Vec<(String, String)> = api_keys::table
            .filter(api_keys::id.eq_any(ids))
            .select((api_keys::id, api_keys::name))
            .load(connection)?;
        Ok(Names(rows.into_iter().collect()))
    }

    /// The name of one key id.
    pub(crate) fn name(&self, id: &str) -> String {
        self.0.get(id).cloned().unwrap_or_else(|| id.to_owned())
    }
}
