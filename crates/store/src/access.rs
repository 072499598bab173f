//! API keys with roles. A key is shown once when created; only its SHA-256 is stored.

use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::{Result, StoreError};
use crate::schema::{api_key_sites, api_keys};
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
    /// A hospital's quality team: the released results of its own sites (a key is bound to one
    /// site or a list) with the all-sites benchmark, and published reports; never microdata,
    /// contact data or another site's figures.
    Hospital,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Researcher => "researcher",
            Role::PatientPartner => "patient_partner",
            Role::DataEntry => "data_entry",
            Role::Hospital => "hospital",
        }
    }

    /// Researchers and administrators: they run fieldwork, start and publish reports.
    pub fn is_researcher(self) -> bool {
        matches!(self, Role::Researcher | Role::Admin)
    }

    /// Researchers, admins and patient partners: the co-authors, who read the contributions
    /// ledger (who took part, with their remuneration) and the co-design comments.
    pub fn is_co_author(self) -> bool {
        matches!(self, Role::Researcher | Role::Admin | Role::PatientPartner)
    }

    /// Parses a role name (`patient-partner` accepted for `patient_partner`, and so on).
    pub fn parse(name: &str) -> Option<Role> {
        match name.replace('-', "_").as_str() {
            "admin" => Some(Role::Admin),
            "researcher" => Some(Role::Researcher),
            "patient_partner" => Some(Role::PatientPartner),
            "data_entry" => Some(Role::DataEntry),
            "hospital" => Some(Role::Hospital),
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
    /// The sites a hospital key is bound to, in order (empty for every other role).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<String>,
}

impl ApiKey {
    /// The holder of a stored key: (id, name, role) as the `api_keys` table holds them, with
    /// the sites of a hospital key.
    pub(crate) fn from_row(
        connection: &mut AnyConnection,
        (id, name, role): (String, String, String),
    ) -> Result<ApiKey> {
        let role = Role::parse(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("API key {id} has role {role}")))?;
        let sites = if role == Role::Hospital {
            let sites: Vec<String> = api_key_sites::table
                .filter(api_key_sites::key_id.eq(&id))
                .select(api_key_sites::site)
                .order(api_key_sites::site)
                .load(connection)?;
            if sites.is_empty() {
                return Err(StoreError::Corrupt(format!(
                    "hospital key {id} is bound to no site"
                )));
            }
            sites
        } else {
            Vec::new()
        };
        Ok(ApiKey {
            id,
            name,
            role,
            sites,
        })
    }
}

impl Store {
    /// Creates a key; returns it once (`vecu_` + 43 URL-safe characters, 256 random bits).
    /// Hospital keys need their sites: [`Store::create_hospital_key`].
    pub fn create_api_key(&self, name: &str, role: Role) -> Result<(ApiKey, String)> {
        if role == Role::Hospital {
            return Err(StoreError::NotAllowed(
                "a hospital key is bound to its sites: create it with the sites it may see \
                 (vecu admin create-key --role hospital --site H01)"
                    .to_owned(),
            ));
        }
        self.insert_key(name, role, &[])
    }

    /// Creates a hospital key bound to `sites` (one or more site codes of the unit of
    /// comparison); returns it once. It sees those sites' released results and the all-sites
    /// benchmark, nothing of other sites but what published reports show.
    pub fn create_hospital_key(&self, name: &str, sites: &[String]) -> Result<(ApiKey, String)> {
        let mut sites: Vec<String> = sites.iter().map(|site| site.trim().to_owned()).collect();
        sites.sort();
        sites.dedup();
        if sites.is_empty() || sites.iter().any(String::is_empty) {
            return Err(StoreError::NotAllowed(
                "a hospital key needs at least one site code, none empty (--site H01, \
                 repeated for several sites)"
                    .to_owned(),
            ));
        }
        self.insert_key(name, Role::Hospital, &sites)
    }

    fn insert_key(&self, name: &str, role: Role, sites: &[String]) -> Result<(ApiKey, String)> {
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
            for site in sites {
                diesel::insert_into(api_key_sites::table)
                    .values((api_key_sites::key_id.eq(&id), api_key_sites::site.eq(site)))
                    .execute(connection)?;
            }
            let scope = if sites.is_empty() {
                String::new()
            } else {
                format!(" for {}", sites.join(", "))
            };
            audit::record(
                connection,
                &self.config.actor,
                "api_key_created",
                None,
                &format!("{name} ({}){scope}", role.as_str()),
            )
        })?;
        Ok((
            ApiKey {
                id,
                name: name.to_owned(),
                role,
                sites: sites.to_vec(),
            },
            key,
        ))
    }

    /// The holder of a key, if it exists and is not revoked.
    pub fn authenticate(&self, key: &str) -> Result<Option<ApiKey>> {
        if !key.starts_with("vecu_") {
            return Ok(None);
        }
        let mut connection = self.connection()?;
        let row: Option<(String, String, String)> = api_keys::table
            .filter(api_keys::key_hash.eq(token_hash(key)))
            .filter(api_keys::revoked_on.is_null())
            .select((api_keys::id, api_keys::name, api_keys::role))
            .first(&mut connection)
            .optional()?;
        row.map(|row| ApiKey::from_row(&mut connection, row))
            .transpose()
    }

    /// Every key, oldest first, as an administrator lists them: the holder, the day it was made
    /// and the day it was revoked (never the key nor its hash).
    pub fn api_keys(&self) -> Result<Vec<(ApiKey, String, Option<String>)>> {
        self.require(|role| role == Role::Admin, "list API keys")?;
        let mut connection = self.connection()?;
        let rows: Vec<(String, String, String, String, Option<String>)> = api_keys::table
            .select((
                api_keys::id,
                api_keys::name,
                api_keys::role,
                api_keys::created_on,
                api_keys::revoked_on,
            ))
            .order((api_keys::created_on, api_keys::id))
            .load(&mut connection)?;
        rows.into_iter()
            .map(|(id, name, role, created, revoked)| {
                let holder = ApiKey::from_row(&mut connection, (id, name, role))?;
                Ok((holder, created, revoked))
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
