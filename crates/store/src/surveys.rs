//! Survey versions in the store, keyed by the hash of their definition.

use diesel::prelude::*;
use vecu_survey::Survey;

use crate::connection::AnyConnection;
use crate::error::{Result, StoreError};
use crate::schema::surveys;
use crate::{audit, Store};

impl Store {
    /// Stores a survey version (idempotent: the same definition twice is stored once). Refuses a
    /// different definition under an id and version that are already stored.
    pub fn add_survey(&self, survey: &Survey, definition: &str) -> Result<String> {
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            let existing: Option<String> = surveys::table
                .filter(surveys::survey_id.eq(survey.id.as_str()))
                .filter(surveys::version.eq(&survey.version))
                .select(surveys::hash)
                .first(connection)
                .optional()?;
            match existing {
                Some(hash) if hash == survey.hash => return Ok(hash),
                Some(_) => {
                    return Err(StoreError::VersionConflict {
                        id: survey.id.to_string(),
                        version: survey.version.clone(),
                    })
                }
                None => {}
            }
            diesel::insert_into(surveys::table)
                .values((
                    surveys::hash.eq(&survey.hash),
                    surveys::survey_id.eq(survey.id.as_str()),
                    surveys::version.eq(&survey.version),
                    surveys::definition.eq(definition),
                ))
                .execute(connection)?;
            audit::record(
                connection,
                &self.config.actor,
                "survey_added",
                None,
                &format!("{} {}", survey.id, survey.version),
            )?;
            Ok(survey.hash.clone())
        })
    }

    /// Loads a stored survey version.
    pub fn survey(&self, hash: &str) -> Result<Survey> {
        stored_survey(&mut *self.connection()?, hash)
    }

    /// A stored survey version's definition as stored (the JSON text `survey check` reads).
    pub fn survey_definition(&self, hash: &str) -> Result<String> {
        stored_definition(&mut *self.connection()?, hash)
    }

    /// The questions of a wave's survey in `lang` (or its first language), by item id: what a
    /// comment answered, for the coding pages.
    pub fn question_texts(
        &self,
        wave: &str,
        lang: &str,
    ) -> Result<std::collections::BTreeMap<String, String>> {
        let survey = self.survey(&self.wave(wave)?.survey_hash)?;
        let lang = survey.text_language(lang);
        Ok(survey
            .sections
            .iter()
            .flat_map(|section| &section.items)
            .map(|item| (item.id.to_string(), item.text.get(&lang).to_owned()))
            .collect())
    }

    /// Every stored survey version: (hash, survey id, version), by id and version.
    pub fn surveys(&self) -> Result<Vec<(String, String, String)>> {
        Ok(surveys::table
            .select((surveys::hash, surveys::survey_id, surveys::version))
            .order((surveys::survey_id, surveys::version))
            .load(&mut self.connection()?)?)
    }
}

/// A stored survey version's definition text, on a connection already in hand.
pub(crate) fn stored_definition(connection: &mut AnyConnection, hash: &str) -> Result<String> {
    surveys::table
        .find(hash)
        .select(surveys::definition)
        .first(connection)
        .optional()?
        .ok_or_else(|| StoreError::SurveyNotFound(hash.to_owned()))
}

/// A stored survey version, read on a connection already in hand (inside a transaction, say).
pub(crate) fn stored_survey(connection: &mut AnyConnection, hash: &str) -> Result<Survey> {
    let definition = stored_definition(connection, hash)?;
    vecu_survey::load_str(&definition).map_err(|error| StoreError::StoredSurvey {
        hash: hash.to_owned(),
        message: error.to_string(),
    })
}
