//! Importing a sample frame: one CSV row per patient, all rows checked before any is stored.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;

use diesel::prelude::*;
use vecu_survey::Survey;

use crate::connection::AnyConnection;
use crate::error::{FrameProblem, Result, StoreError};
use crate::schema::{contacts, invitations, waves};
use crate::secret::random_id;
use crate::secret::EncryptionKey;
use crate::wave::{require_status, wrong_state, SITE_VARIABLE};
use crate::{audit, Store};

/// What an import stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    /// Patients imported.
    pub rows: usize,
    /// Patients per site (`all` when the survey has no `site` variable).
    pub by_site: BTreeMap<String, usize>,
}

/// One checked row, ready to store.
struct FrameRow {
    email: String,
    language: String,
    frame: BTreeMap<String, String>,
}

impl Store {
    /// Imports a sample frame from CSV: columns `email`, `language`, then one per frame variable
    /// of the wave's survey (named by its id, values = its codes). Every problem of every row is
    /// reported and nothing is imported unless all rows are valid.
    pub fn import_frame(&self, wave: &str, csv: impl Read) -> Result<ImportSummary> {
        let key = self.key()?.clone();
        let mut connection = self.connection()?;
        let info = require_status(
            &mut connection,
            wave,
            &["draft", "open"],
            "importing a sample frame",
            "draft or open",
        )?;
        let survey = self.survey(&info.survey_hash)?;
        let mut by_site: BTreeMap<String, usize> = BTreeMap::new();
        let rows = connection.transaction(|connection| {
            // A write first: it locks the wave (PostgreSQL) or the database (SQLite), so that a
            // close or another import cannot slip in between the checks and the inserts.
            let open = diesel::update(
                waves::table
                    .find(wave)
                    .filter(waves::status.eq_any(["draft", "open"])),
            )
            .set(waves::status.eq(waves::status))
            .execute(connection)?;
            if open == 0 {
                return Err(wrong_state(
                    connection,
                    wave,
                    "importing a sample frame",
                    "draft or open",
                )?);
            }
            let known = known_emails(connection, &key, wave)?;
            let rows = parse_frame(&survey, csv, &known).map_err(StoreError::Frame)?;
            for row in &rows {
                let contact_id = random_id();
                let frame = serde_json::to_string(&row.frame)
                    .map_err(|error| StoreError::Corrupt(error.to_string()))?;
                diesel::insert_into(contacts::table)
                    .values((
                        contacts::id.eq(&contact_id),
                        contacts::wave_id.eq(wave),
                        contacts::email.eq(key.seal(&row.email, &contact_id)?),
                        contacts::language.eq(&row.language),
                        contacts::frame.eq(frame),
                    ))
                    .execute(connection)?;
                diesel::insert_into(invitations::table)
                    .values((
                        invitations::id.eq(random_id()),
                        invitations::wave_id.eq(wave),
                        invitations::contact_id.eq(&contact_id),
                        invitations::status.eq("pending"),
                        invitations::contacts_made.eq(0),
                    ))
                    .execute(connection)?;
                let site = row
                    .frame
                    .get(SITE_VARIABLE)
                    .cloned()
                    .unwrap_or_else(|| "all".to_owned());
                *by_site.entry(site).or_default() += 1;
            }
            audit::record(
                connection,
                &self.config.actor,
                "frame_imported",
                Some(wave),
                &format!("{} contacts", rows.len()),
            )?;
            Ok(rows.len())
        })?;
        Ok(ImportSummary { rows, by_site })
    }
}

/// E-mail addresses already imported into the wave (lower case), to refuse duplicates.
fn known_emails(
    connection: &mut AnyConnection,
    key: &EncryptionKey,
    wave: &str,
) -> Result<HashSet<String>> {
    let sealed: Vec<(String, Vec<u8>)> = contacts::table
        .filter(contacts::wave_id.eq(wave))
        .select((contacts::id, contacts::email))
        .load(connection)?;
    sealed
        .into_iter()
        .map(|(id, email)| key.open(&email, &id).map(|email| email.to_lowercase()))
        .collect()
}

/// Reads and checks every row; returns all problems at once.
fn parse_frame(
    survey: &Survey,
    csv: impl Read,
    known: &HashSet<String>,
) -> Result<Vec<FrameRow>, Vec<FrameProblem>> {
    let file_problem = |message: String| {
        vec![FrameProblem {
            line: 0,
            column: None,
            message,
        }]
    };
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(csv);
    let headers = reader
        .headers()
        .map_err(|error| file_problem(format!("cannot read the header row: {error}")))?
        .clone();
    let mut problems = Vec::new();
    let expected: Vec<String> = ["email", "language"]
        .into_iter()
        .map(str::to_owned)
        .chain(survey.frame.iter().map(|v| v.id.to_string()))
        .collect();
    for column in &expected {
        if !headers.iter().any(|header| header == column) {
            problems.push(FrameProblem { line: 1, column: Some(column.clone()), message: format!("the column is missing; the header must name email, language and every frame variable ({})", expected[2..].join(", ")) });
        }
    }
    for header in headers
        .iter()
        .filter(|header| !expected.iter().any(|column| column == header))
    {
        problems.push(FrameProblem { line: 1, column: Some(header.to_owned()), message: "this column is not email, language or a frame variable of the survey; remove it (names, addresses and other identifying data must not be imported)".to_owned() });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let languages: Vec<&str> = survey.languages.iter().map(|lang| lang.as_str()).collect();
    let mut seen = HashSet::new();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |position| position.line());
                problems.push(FrameProblem {
                    line,
                    column: None,
                    message: format!("unreadable row: {error}"),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |position| position.line());
        let cell = |name: &str| {
            headers
                .iter()
                .position(|header| header == name)
                .and_then(|idx| record.get(idx))
                .unwrap_or_default()
        };
        let mut problem = |column: &str, message: String| {
            problems.push(FrameProblem {
                line,
                column: Some(column.to_owned()),
                message,
            })
        };
        let email = cell("email");
        if !plausible_email(email) {
            problem("email", format!("\"{email}\" is not an e-mail address"));
        } else if known.contains(&email.to_lowercase()) || !seen.insert(email.to_lowercase()) {
            problem(
                "email",
                "this address is already in the wave; each patient is listed once".to_owned(),
            );
        }
        let language = cell("language");
        if !languages.contains(&language) {
            problem(
                "language",
                format!(
                    "\"{language}\" is not a language of the survey; use one of {}",
                    languages.join(", ")
                ),
            );
        }
        let mut frame = BTreeMap::new();
        for variable in &survey.frame {
            let value = cell(variable.id.as_str());
            if variable.find(value).is_some() {
                frame.insert(variable.id.to_string(), value.to_owned());
            } else {
                let codes: Vec<&str> = variable
                    .values
                    .iter()
                    .map(|value| value.code.as_str())
                    .collect();
                problem(
                    variable.id.as_str(),
                    format!(
                        "\"{value}\" is not a value of {}; use one of {}",
                        variable.id,
                        codes.join(", ")
                    ),
                );
            }
        }
        rows.push(FrameRow {
            email: email.to_owned(),
            language: language.to_owned(),
            frame,
        });
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(FrameProblem {
            line: 0,
            column: None,
            message: "the file has no patient rows".to_owned(),
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// A light check that catches typos and swapped columns; delivery is the real test.
fn plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c == ',' || c == ';')
}
