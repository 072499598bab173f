//! API keys with roles. A key is shown once when created; only its SHA-256 is stored.

use diesel::prelude::*;

use crate::error::{Result, StoreError};
use crate::schema::api_keys;
use crate::secret::{new_api_key, random_id, token_hash};
use crate::{audit, calendar, Store};

/// What a key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything, including keys.
    Admin,
    /// Fieldwork and analysis: waves, frames, mail, exports.
    Researcher,
    /// Results and reports, never contact data.
    PatientPartner,
    /// Keys paper questionnaires of open waves (by access code); nothing else.
    DataEntry,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Researcher => "researcher",
            Role::PatientPartner => "patient_partner",
            Role::DataEntry => "data_entry",
        }
    }

    /// Researchers and administrators: they run fieldwork, start and publish reports.
    pub fn is_researcher(self) -> bool {
        matches!(self, Role::Researcher | Role::Admin)
    }

    /// Parses a role name (`patient-partner` accepted for `patient_partner`, and so on).
    pub fn parse(name: &str) -> Option<Role> {
        match name.replace('-', "_").as_str() {
            "admin" => Some(Role::Admin),
            "researcher" => Some(Role::Researcher),
            "patient_partner" => Some(Role::PatientPartner),
            "data_entry" => Some(Role::DataEntry),
            _ => None,
        }
    }
}

/// The holder of a valid key.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ApiKey {
    /// Key id (not the key).
    pub id: String,
    /// Who holds it.
    pub name: String,
    /// What it may do.
    pub role: Role,
}

impl ApiKey {
    /// The holder of a stored key: (id, name, role) as the `api_keys` table holds them.
    pub(crate) fn from_row((id, name, role): (String, String, String)) -> Result<ApiKey> {
        let role = Role::parse(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("API key {id} has role {role}")))?;
        Ok(ApiKey { id, name, role })
    }
}

impl Store {
    /// Creates a key; returns it once (`vecu_` + 43 URL-safe characters, 256 random bits).
    pub fn create_api_key(&self, name: &str, role: Role) -> Result<(ApiKey, String)> {
        let key = new_api_key();
        let id = random_id();
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            diesel::insert_into(api_keys::table)
                .values((
                    api_keys::id.eq(&id),
                    api_keys::name.eq(name),
                    api_keys::role.eq(role.as_str()),
                    api_keys::key_hash.eq(token_hash(&key)),
                    api_keys::created_on.eq(calendar::today()),
                ))
                .execute(connection)?;
            audit::record(
                connection,
                &self.config.actor,
                "api_key_created",
                None,
                &format!("{name} ({})", role.as_str()),
            )
        })?;
        Ok((
            ApiKey {
                id,
                name: name.to_owned(),
                role,
            },
            key,
        ))
    }

    /// The holder of a key, if it exists and is not revoked.
    pub fn authenticate(&self, key: &str) -> Result<Option<ApiKey>> {
        if !key.starts_with("vecu_") {
            return Ok(None);
        }
        let row: Option<(String, String, String)> = api_keys::table
            .filter(api_keys::key_hash.eq(token_hash(key)))
            .filter(api_keys::revoked_on.is_null())
            .select((api_keys::id, api_keys::name, api_keys::role))
            .first(&mut self.connection()?)
            .optional()?;
        row.map(ApiKey::from_row).transpose()
    }

    /// Every key, oldest first, as an administrator lists them: the holder, the day it was made
    /// and the day it was revoked (never the key nor its hash).
    pub fn api_keys(&self) -> Result<Vec<(ApiKey, String, Option<String>)>> {
        self.require(|role| role == Role::Admin, "list API keys")?;
        let rows: Vec<(String, String, String, String, Option<String>)> = api_keys::table
            .select((
                api_keys::id,
                api_keys::name,
                api_keys::role,
                api_keys::created_on,
                api_keys::revoked_on,
            ))
            .order((api_keys::created_on, api_keys::id))
            .load(&mut self.connection()?)?;
        rows.into_iter()
            .map(|(id, name, role, created, revoked)| {
                Ok((ApiKey::from_row((id, name, role))?, created, revoked))
            })
            .collect()
    }

    /// Revokes a key by id (admin only); `false` when no such key is in use. The key is refused
    /// from its next request on.
    pub fn revoke_api_key(&self, id: &str) -> Result<bool> {
        self.require(|role| role == Role::Admin, "revoke API keys")?;
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            let changed = diesel::update(
                api_keys::table
                    .find(id)
                    .filter(api_keys::revoked_on.is_null()),
            )
            .set(api_keys::revoked_on.eq(calendar::today()))
            .execute(connection)?;
            if changed == 1 {
                audit::record(connection, &self.config.actor, "api_key_revoked", None, id)?;
            }
            Ok(changed == 1)
        })
    }
}
