//! Each site's released results of a wave, and who may read them. A researcher releases them
//! (the suppressed figures of each site with the all-sites benchmark, as JSON the report crate
//! wrote: the store never looks inside); a hospital key reads those of its own sites and is
//! refused any other, here in the store, whatever the caller asked for.

use diesel::prelude::*;

use crate::access::Role;
use crate::connection::AnyConnection;
use crate::error::{Result, StoreError};
use crate::schema::{site_languages, site_results};
use crate::wave::load_wave;
use crate::{audit, Store};

impl Store {
    /// Replaces a wave's released site results by `results` (site code, JSON), in one
    /// transaction. Researchers and administrators only.
    pub fn release_site_results(&self, wave: &str, results: &[(String, String)]) -> Result<()> {
        self.require(Role::is_researcher, "release site results")?;
        let mut connection = self.connection()?;
        connection
            .transaction(|connection| release_in(connection, &self.config.actor, wave, results))
    }

    /// The sites whose results of `wave` the acting key may read and a researcher released, in
    /// site order: every released site for researchers and partners, a hospital key's own.
    pub fn released_sites(&self, wave: &str) -> Result<Vec<String>> {
        self.require(|role| role != Role::DataEntry, "read site results")?;
        let mut connection = self.connection()?;
        load_wave(&mut connection, wave)?;
        let mut sites: Vec<String> = site_results::table
            .filter(site_results::wave_id.eq(wave))
            .select(site_results::site)
            .order(site_results::site)
            .load(&mut connection)?;
        if self.config.role == Role::Hospital {
            sites.retain(|site| self.sites.contains(site));
        }
        Ok(sites)
    }

    /// One site's released results of `wave` (the JSON as released). A hospital key is refused
    /// every site it is not bound to, released or not, so that a refusal says nothing of other
    /// sites; data-entry keys are refused all.
    pub fn site_results(&self, wave: &str, site: &str) -> Result<String> {
        self.require(|role| role != Role::DataEntry, "read site results")?;
        if self.config.role == Role::Hospital && !self.sites.iter().any(|own| own == site) {
            return Err(StoreError::NotAllowed(format!(
                "this hospital key sees the results of {} only",
                self.sites.join(", ")
            )));
        }
        let mut connection = self.connection()?;
        load_wave(&mut connection, wave)?;
        site_results::table
            .find((wave, site))
            .select(site_results::results_json)
            .first(&mut connection)
            .optional()?
            .ok_or_else(|| StoreError::SiteResultsNotFound {
                wave: wave.to_owned(),
                site: site.to_owned(),
            })
    }

    /// Sets the language a site's hospital report is written in unless its reader asks for
    /// another (`None` forgets it). Researchers and administrators only.
    pub fn set_site_language(&self, site: &str, lang: Option<&str>) -> Result<()> {
        self.require(Role::is_researcher, "set a site's language")?;
        if let Some(code) = lang.filter(|code| vecu_survey::Lang::parse(code).is_none()) {
            return Err(StoreError::NotAllowed(format!(
                "{code:?} is not a language code; use a two-letter code such as fr, de, it or en"
            )));
        }
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            diesel::delete(site_languages::table.find(site)).execute(connection)?;
            if let Some(lang) = lang {
                diesel::insert_into(site_languages::table)
                    .values((site_languages::site.eq(site), site_languages::lang.eq(lang)))
                    .execute(connection)?;
            }
            audit::record(
                connection,
                &self.config.actor,
                "site_language_set",
                None,
                &format!("{site}: {}", lang.unwrap_or("none")),
            )
        })
    }

    /// The language set for a site's hospital report, if any.
    pub fn site_language(&self, site: &str) -> Result<Option<String>> {
        Ok(site_languages::table
            .find(site)
            .select(site_languages::lang)
            .first(&mut self.connection()?)
            .optional()?)
    }

    /// The sites the acting key is bound to (a hospital key's; empty for other roles).
    pub fn acting_sites(&self) -> &[String] {
        &self.sites
    }
}

/// Replaces a wave's released site results inside the caller's transaction (a release of its
/// own, or a report's publication), recorded in the audit log under `actor`.
pub(crate) fn release_in(
    connection: &mut AnyConnection,
    actor: &str,
    wave: &str,
    results: &[(String, String)],
) -> Result<()> {
    load_wave(connection, wave)?;
    diesel::delete(site_results::table.filter(site_results::wave_id.eq(wave)))
        .execute(connection)?;
    for (site, json) in results {
        diesel::insert_into(site_results::table)
            .values((
                site_results::wave_id.eq(wave),
                site_results::site.eq(site),
                site_results::results_json.eq(json),
            ))
            .execute(connection)?;
    }
    audit::record(
        connection,
        actor,
        "site_results_released",
        Some(wave),
        &format!("{} sites", results.len()),
    )
}
