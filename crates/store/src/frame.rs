//! Importing a sample frame: one CSV row per patient, all rows checked before any is stored.

use std::collections::{BTreeMap, HashSet};
use std::io::Read;

use diesel::prelude::*;
use vecu_survey::Survey;

use crate::code::AccessCode;
use crate::connection::AnyConnection;
use crate::error::{FrameProblem, Result, StoreError};
use crate::schema::{contacts, invitations, waves};
use crate::secret::random_id;
use crate::secret::EncryptionKey;
use crate::vault::{seal_frame, site_of};
use crate::wave::{require_status, site_variable, wrong_state};
use crate::{audit, Store};

/// What an import stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    /// Patients imported.
    pub rows: usize,
    /// Patients per site (`all` when the survey has no `site` variable).
    pub by_site: BTreeMap<String, usize>,
}

/// How the patients of a frame are reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Channel {
    /// By e-mail: the frame's `email` column.
    Email,
    /// By a letter that the hospital mails: the frame's `ref` column, the hospital's own row
    /// reference; vecu makes an access code per row.
    Letter,
}

impl Channel {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Letter => "letter",
        }
    }

    /// The frame column that says how to reach the patient.
    fn column(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Letter => "ref",
        }
    }
}

/// One letter for the hospital's mail merge: the hospital's row reference and its access code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// The hospital's own reference of the row (`ref` column of the frame).
    pub reference: String,
    /// The patient's language.
    pub language: String,
    /// The access code to print (shown once: vecu keeps only its keyed hash).
    pub code: AccessCode,
}

impl Letter {
    /// The address to type on the letter (`{public_url}/code`) and the link that carries the code
    /// and the language (for the QR code).
    pub fn addresses(&self, public_url: &str) -> (String, String) {
        let address = format!("{}/code", public_url.trim_end_matches('/'));
        let link = format!("{address}?code={}&lang={}", self.code, self.language);
        (address, link)
    }
}

/// One checked row, ready to store.
struct FrameRow {
    /// The e-mail address or the hospital's reference.
    address: String,
    language: String,
    frame: BTreeMap<String, String>,
}

impl Store {
    /// Imports a sample frame from CSV: columns `email`, `language`, then one per frame variable
    /// of the wave's survey (named by its id, values = its codes). Every problem of every row is
    /// reported and nothing is imported unless all rows are valid.
    pub fn import_frame(&self, wave: &str, csv: impl Read) -> Result<ImportSummary> {
        self.import(wave, csv, Channel::Email)
            .map(|(summary, _)| summary)
    }

    /// Imports a frame for letters: columns `ref` (the hospital's own row reference, kept sealed
    /// in the vault and erased at close), `language`, then one per frame variable; no contact
    /// column. Makes one access code per row and returns the letters (codes are shown only
    /// here). All-or-nothing like [`Store::import_frame`].
    pub fn import_letter_frame(
        &self,
        wave: &str,
        csv: impl Read,
    ) -> Result<(ImportSummary, Vec<Letter>)> {
        self.import(wave, csv, Channel::Letter)
    }

    fn import(
        &self,
        wave: &str,
        csv: impl Read,
        channel: Channel,
    ) -> Result<(ImportSummary, Vec<Letter>)> {
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
        let counted_by = site_variable(&survey);
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
            let known = known_addresses(connection, &key, wave, channel)?;
            let rows = parse_frame(&survey, csv, &known, channel).map_err(StoreError::Frame)?;
            let mut letters = Vec::new();
            for row in rows {
                let contact_id = random_id();
                let site = site_of(&row.frame, counted_by);
                // Frame values are sealed: in clear they would join the responses that carry
                // the same values. The site stays clear for counts until the patient answers.
                diesel::insert_into(contacts::table)
                    .values((
                        contacts::id.eq(&contact_id),
                        contacts::wave_id.eq(wave),
                        contacts::email.eq(key.seal(&row.address, &contact_id)?),
                        contacts::language.eq(&row.language),
                        contacts::frame.eq(""),
                        contacts::frame_sealed.eq(seal_frame(&key, &contact_id, &row.frame)?),
                        contacts::site.eq(&site),
                        contacts::channel.eq(channel.as_str()),
                    ))
                    .execute(connection)?;
                // A letter's code is issued at once (the hospital mails it): the invitation
                // starts as invited, with the code's keyed hash where a token's hash would be.
                let code = (channel == Channel::Letter).then(AccessCode::generate);
                diesel::insert_into(invitations::table)
                    .values((
                        invitations::id.eq(random_id()),
                        invitations::wave_id.eq(wave),
                        invitations::contact_id.eq(&contact_id),
                        invitations::status.eq(if code.is_some() { "invited" } else { "pending" }),
                        invitations::token_hash.eq(code.as_ref().map(|code| key.code_hash(code))),
                        invitations::contacts_made.eq(0),
                    ))
                    .execute(connection)?;
                *by_site.entry(site).or_default() += 1;
                if let Some(code) = code {
                    letters.push(Letter {
                        reference: row.address,
                        language: row.language,
                        code,
                    });
                }
            }
            let imported = by_site.values().sum::<usize>();
            audit::record(
                connection,
                &self.config.actor,
                "frame_imported",
                Some(wave),
                &format!("{imported} contacts ({})", channel.as_str()),
            )?;
            Ok((imported, letters))
        })?;
        let (rows, letters) = rows;
        Ok((ImportSummary { rows, by_site }, letters))
    }
}

/// Addresses (e-mail or reference, lower case) already imported into the wave, to refuse
/// duplicates.
fn known_addresses(
    connection: &mut AnyConnection,
    key: &EncryptionKey,
    wave: &str,
    channel: Channel,
) -> Result<HashSet<String>> {
    let sealed: Vec<(String, Vec<u8>)> = contacts::table
        .filter(contacts::wave_id.eq(wave))
        .filter(contacts::channel.eq(channel.as_str()))
        // Respondents are forgotten (site emptied): their address is gone.
        .filter(contacts::site.ne(""))
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
    channel: Channel,
) -> Result<Vec<FrameRow>, Vec<FrameProblem>> {
    let address_column = channel.column();
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
    let expected: Vec<String> = [address_column, "language"]
        .into_iter()
        .map(str::to_owned)
        .chain(survey.frame.iter().map(|v| v.id.to_string()))
        .collect();
    for column in &expected {
        if !headers.iter().any(|header| header == column) {
            problems.push(FrameProblem { line: 1, column: Some(column.clone()), message: format!("the column is missing; the header must name {address_column}, language and every frame variable ({})", expected[2..].join(", ")) });
        }
    }
    for header in headers
        .iter()
        .filter(|header| !expected.iter().any(|column| column == header))
    {
        problems.push(FrameProblem { line: 1, column: Some(header.to_owned()), message: format!("this column is not {address_column}, language or a frame variable of the survey; remove it (names, addresses and other identifying data must not be imported)") });
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
        let address = cell(address_column);
        let malformed = match channel {
            Channel::Email => (!plausible_email(address))
                .then(|| format!("\"{address}\" is not an e-mail address")),
            Channel::Letter => implausible_reference(address),
        };
        if let Some(message) = malformed {
            problem(address_column, message);
        } else if known.contains(&address.to_lowercase()) || !seen.insert(address.to_lowercase()) {
            problem(
                address_column,
                format!(
                    "this {address_column} is already in the wave; each patient is listed once"
                ),
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
            address: address.to_owned(),
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

/// Why a hospital's row reference is refused, if it is: it must be an opaque short reference,
/// never an identity (no e-mail address, no spaces as in a name).
fn implausible_reference(reference: &str) -> Option<String> {
    if reference.is_empty() {
        Some("the ref is empty; give every row the hospital's own reference".to_owned())
    } else if reference.chars().count() > 64 {
        Some(
            "the ref is longer than 64 characters; use the hospital's short row reference"
                .to_owned(),
        )
    } else if reference
        .chars()
        .any(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.')))
    {
        Some(format!(
            "\"{reference}\" is not an opaque reference: use letters, digits, - _ / . only (no names, no addresses)"
        ))
    } else {
        None
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
