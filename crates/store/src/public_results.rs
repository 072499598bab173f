//! A wave's public results page (`/results/{code}`): the short code printed on its letters and
//! shown after answering, and which published report the page shows. Its visitors are nobody:
//! finding the report to show reads and never writes (no audit line, no session, no count), so
//! nothing of a visit is kept to link to anyone.

use diesel::prelude::*;

use crate::code::ResultsCode;
use crate::error::Result;
use crate::reports::ReportState;
use crate::schema::{reports, waves};
use crate::wave::load_wave;
use crate::Store;

/// What the public results page of a code shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicResults {
    /// No wave has this code.
    Unknown,
    /// The wave exists and no report of it is published yet.
    NotPublished,
    /// The latest published report of the wave.
    Published {
        /// The report's id.
        report: String,
    },
}

impl Store {
    /// The code of the wave's public results page. A wave made before codes existed gets one the
    /// first time it is asked for (a conditional write, so two callers get the same code).
    pub fn results_code(&self, wave: &str) -> Result<ResultsCode> {
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            load_wave(connection, wave)?;
            let stored = |connection: &mut _| -> Result<Option<ResultsCode>> {
                let code: Option<String> = waves::table
                    .find(wave)
                    .select(waves::results_code)
                    .first(connection)?;
                Ok(code.as_deref().and_then(ResultsCode::parse))
            };
            if let Some(code) = stored(connection)? {
                return Ok(code);
            }
            diesel::update(
                waves::table
                    .find(wave)
                    .filter(waves::results_code.is_null()),
            )
            .set(waves::results_code.eq(ResultsCode::generate().as_str()))
            .execute(connection)?;
            stored(connection)?.ok_or_else(|| {
                crate::StoreError::WaveNotFound(format!("{wave} (without a results code)"))
            })
        })
    }

    /// What the public results page of `code` shows: the wave's latest published report, if
    /// any. Anyone may ask; nothing is written.
    pub fn public_results(&self, code: &ResultsCode) -> Result<PublicResults> {
        let mut connection = self.connection()?;
        let wave: Option<String> = waves::table
            .filter(waves::results_code.eq(code.as_str()))
            .select(waves::id)
            .first(&mut connection)
            .optional()?;
        let Some(wave) = wave else {
            return Ok(PublicResults::Unknown);
        };
        let report: Option<String> = reports::table
            .filter(reports::wave_id.eq(&wave))
            .filter(reports::state.eq(ReportState::Published.as_str()))
            .order((reports::published_at.desc(), reports::id.asc()))
            .select(reports::id)
            .first(&mut connection)
            .optional()?;
        Ok(report.map_or(PublicResults::NotPublished, |report| {
            PublicResults::Published { report }
        }))
    }
}
