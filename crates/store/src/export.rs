//! Exporting a wave's responses as the wide response table, k-anonymous over the
//! quasi-identifiers, free text left out unless asked for (and then scrubbed).

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use diesel::prelude::*;
use vecu_survey::{Answers, Cell, Code, Codebook, CodebookValue, ColumnSource, Id, Lang, Text};

use crate::anonymity::{self, OTHER};
use crate::error::{Result, StoreError};
use crate::schema::responses;
use crate::scrub::{scrub, SCRUBBER_LIMITS};
use crate::secret::random_id;
use crate::wave::{require_status, site_variable};
use crate::{audit, Mode, Role, Store};

/// What to do when microdata would break k-anonymity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnonymityPolicy {
    /// Write nothing and report (the default).
    Refuse,
    /// Group rare values into `other` (the site last), then leave out what is still too rare.
    Generalise,
    /// Leave out the records of combinations shared by fewer than k.
    Suppress,
}

/// Options of an export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Every combination of quasi-identifier values is shared by at least this many records
    /// (5 is common inside a research team, 11 for open data).
    pub k: usize,
    /// What to do when some combination is rarer.
    pub policy: AnonymityPolicy,
    /// Include free-text answers (scrubbed); left out by default.
    pub free_text: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            k: 5,
            policy: AnonymityPolicy::Refuse,
            free_text: false,
        }
    }
}

/// Values of a variable grouped into another.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Recoding {
    /// The frame variable.
    pub variable: String,
    /// Values grouped.
    pub values: Vec<String>,
    /// The value they became.
    pub into: String,
    /// Records changed.
    pub records: usize,
}

/// Why an export was refused.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AnonymityRefusal {
    /// The k asked for.
    pub k: usize,
    /// The quasi-identifiers of the survey.
    pub quasi_identifiers: Vec<String>,
    /// Records in the wave.
    pub records: usize,
    /// Records in a combination shared by fewer than k.
    pub violating_records: usize,
    /// Such combinations.
    pub violating_combinations: usize,
}

impl fmt::Display for AnonymityRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "export refused: {} of {} records fall in {} combination(s) of {} shared by fewer than {} records, \
             so they could be re-identified; export again generalising (--generalise, or policy=generalise in \
             the API: rare values grouped into \"other\", the site last, then what is still too rare left out) \
             or suppressing (--suppress, policy=suppress: those records left out), or with a smaller k if the \
             data stays inside the research team",
            self.violating_records,
            self.records,
            self.violating_combinations,
            self.quasi_identifiers.join(", "),
            self.k
        )
    }
}

/// What an export changed, for the researchers and for the record.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ExportReport {
    /// The wave exported.
    pub wave: String,
    /// Survey id and version.
    pub survey: String,
    /// k used.
    pub k: usize,
    /// Quasi-identifiers checked.
    pub quasi_identifiers: Vec<String>,
    /// Responses in the wave.
    pub records_in: usize,
    /// Responses written.
    pub records_out: usize,
    /// Values grouped to reach k.
    pub recodings: Vec<Recoding>,
    /// Records left out to reach k.
    pub suppressed_records: usize,
    /// Free-text columns left out.
    pub free_text_columns_removed: Vec<String>,
    /// Replacements made by the scrubber (when free text is included).
    pub scrubbed_replacements: usize,
    /// What the scrubber cannot do (when free text is included).
    pub scrubber_limits: Option<String>,
}

/// An export ready to write: codebook, rows and report.
#[derive(Debug, Clone)]
pub struct Export {
    /// Columns of the table (free-text columns removed unless asked for).
    pub codebook: Codebook,
    /// One row per response, ordered by random id.
    pub rows: Vec<Vec<Cell>>,
    /// What was changed.
    pub report: ExportReport,
}

impl Export {
    /// Writes the table (`.csv` or `.parquet`), `<name>.codebook.json` and `<name>.report.json`
    /// beside it.
    pub fn write(&self, path: &Path, format: vecu_survey::TableFormat) -> Result<()> {
        let mut frame = vecu_survey::to_dataframe(&self.codebook, &self.rows)?;
        vecu_survey::write_table(&mut frame, path, format)?;
        self.write_beside(path)
    }

    /// Writes `<name>.codebook.json` and `<name>.report.json` beside `path` (a table written
    /// in another format by the caller).
    pub fn write_beside(&self, path: &Path) -> Result<()> {
        let beside = |suffix: &str| path.with_extension(suffix);
        write_json(&beside("codebook.json"), &self.codebook)?;
        write_json(&beside("report.json"), &self.report)?;
        Ok(())
    }
}

fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|error| StoreError::Corrupt(error.to_string()))?;
    std::fs::write(path, text).map_err(|source| StoreError::Io {
        path: path.display().to_string(),
        source,
    })
}

impl Store {
    /// Builds the export of a wave's responses, or refuses it with a report.
    ///
    /// Microdata leave only after close (during fieldwork, two exports around one submission
    /// would show which row appeared), with row ids drawn afresh for each export (so that rows
    /// of two exports cannot be matched by id), and with k of at least [`MIN_K`]; an admin may
    /// go down to 2, which the audit log records. The mode of response counts as a
    /// quasi-identifier: a hospital knows who sent paper back.
    pub fn export(&self, wave: &str, options: &ExportOptions) -> Result<Export> {
        self.require(Role::is_researcher, "export microdata")?;
        let below_floor = options.k < MIN_K;
        if below_floor && (self.config.role != Role::Admin || options.k < 2) {
            return Err(StoreError::BelowFloor {
                what: "k of an export",
                asked: options.k,
                floor: MIN_K,
                why: "every combination of site, frame variables and mode must be shared by at least k responses; only an admin may export with k between 2 and 4, and the audit log records it",
            });
        }
        let action = if below_floor {
            "export_below_k_floor"
        } else {
            "export"
        };
        self.export_rows(wave, options, action)
    }

    /// Every response of a closed wave as the wide table, without k-anonymity, for analyses that
    /// run inside the service and release only suppressed aggregates (the co-authored reports).
    pub fn export_for_analysis(&self, wave: &str) -> Result<Export> {
        self.require(Role::is_researcher, "analyse a wave")?;
        let everything = ExportOptions {
            k: 1,
            policy: AnonymityPolicy::Refuse,
            free_text: false,
        };
        self.export_rows(wave, &everything, "analysis")
    }

    fn export_rows(&self, wave: &str, options: &ExportOptions, action: &str) -> Result<Export> {
        let mut connection = self.connection()?;
        let info = require_status(
            &mut connection,
            wave,
            &["closed"],
            "exporting or analysing responses",
            "closed (during fieldwork, what moves with each response is released weekly only)",
        )?;
        self.mix_responses(wave)?;
        let survey = self.survey(&info.survey_hash)?;
        let stored: Vec<(String, String, String, String)> = responses::table
            .filter(responses::wave_id.eq(wave))
            .order(responses::id.asc())
            .select((
                responses::id,
                responses::frame,
                responses::answers,
                responses::mode,
            ))
            .load(&mut connection)?;
        let mut frames = Vec::with_capacity(stored.len());
        let mut answers = Vec::with_capacity(stored.len());
        for (id, frame, answer_json, _) in &stored {
            let frame: BTreeMap<String, String> = serde_json::from_str(frame)
                .map_err(|e| StoreError::Corrupt(format!("response {id}: {e}")))?;
            let json: serde_json::Value = serde_json::from_str(answer_json)
                .map_err(|e| StoreError::Corrupt(format!("response {id}: {e}")))?;
            let object = json.as_object().ok_or_else(|| {
                StoreError::Corrupt(format!("response {id}: answers are not an object"))
            })?;
            let (parsed, problems) = Answers::parse(&survey, object);
            if let Some(problem) = problems.first() {
                return Err(StoreError::Corrupt(format!("response {id}: {problem}")));
            }
            frames.push(frame);
            answers.push(parsed);
        }
        // Every frame variable is checked, marked quasi-identifier or not: the hospital that
        // drew the sample knows each of them for every patient.
        let mut quasi: Vec<String> = survey.frame.iter().map(|v| v.id.to_string()).collect();
        // The mode joins the quasi-identifiers (unless a frame variable has its name, which then
        // wins): it is checked, generalised or suppressed with them.
        if survey.frame_variable(MODE_COLUMN).is_none() {
            quasi.push(MODE_COLUMN.to_owned());
            for (frame, (_, _, _, mode)) in frames.iter_mut().zip(&stored) {
                frame.insert(MODE_COLUMN.to_owned(), mode.clone());
            }
        }
        let outcome = anonymity::apply(
            &mut frames,
            &quasi,
            options.k,
            options.policy,
            site_variable(&survey).unwrap_or_default(),
        )
        .map_err(|refusal| StoreError::KAnonymity(Box::new(refusal)))?;

        let mut codebook = Codebook::new(&survey);
        let with_mode = add_mode_column(&mut codebook, &survey);
        let other_label = Text::new(
            survey
                .languages
                .iter()
                .map(|lang: &Lang| (lang.clone(), "other (grouped for anonymity)".to_owned()))
                .collect(),
        );
        for recoding in &outcome.recodings {
            let column = codebook
                .columns
                .iter_mut()
                .find(|column| column.name == recoding.variable);
            if let (Some(column), Some(code)) = (column, Code::parse(OTHER)) {
                if !column.values.iter().any(|value| value.code == code) {
                    column.values.push(CodebookValue {
                        code,
                        label: other_label.clone(),
                        role: None,
                        value: None,
                    });
                }
            }
        }
        let free_text: Vec<usize> = codebook
            .columns
            .iter()
            .enumerate()
            .filter(|(_, column)| {
                matches!(
                    column.source,
                    ColumnSource::Item {
                        identifying: true,
                        ..
                    }
                )
            })
            .map(|(idx, _)| idx)
            .collect();
        let mut scrubbed_replacements = 0;
        let mut rows = Vec::new();
        // Fresh ids in a fresh order: nothing of one export matches a row of another by id.
        let mut order: Vec<(String, usize)> = (0..stored.len())
            .filter(|&idx| outcome.kept[idx])
            .map(|idx| (random_id(), idx))
            .collect();
        order.sort();
        for (id, idx) in order {
            let frame: BTreeMap<Id, Code> = frames[idx]
                .iter()
                .filter(|(variable, _)| with_mode.is_some() || variable.as_str() != MODE_COLUMN)
                .filter_map(|(variable, value)| Some((Id::parse(variable)?, Code::parse(value)?)))
                .collect();
            let mut row = codebook.row(&id, &frame, &answers[idx]);
            for &column in &free_text {
                if let Cell::Text(text) = &row[column] {
                    let (clean, replaced) = scrub(text);
                    scrubbed_replacements += replaced;
                    row[column] = Cell::Text(clean);
                }
            }
            rows.push(row);
        }
        let mut removed = Vec::new();
        if !options.free_text {
            for &column in free_text.iter().rev() {
                removed.push(codebook.columns.remove(column).name);
                for row in &mut rows {
                    row.remove(column);
                }
            }
            removed.reverse();
            scrubbed_replacements = 0;
        }
        let report = ExportReport {
            wave: wave.to_owned(),
            survey: format!("{} {}", survey.id, survey.version),
            k: options.k,
            quasi_identifiers: quasi,
            records_in: stored.len(),
            records_out: rows.len(),
            recodings: outcome.recodings,
            suppressed_records: outcome.suppressed,
            free_text_columns_removed: removed,
            scrubbed_replacements,
            scrubber_limits: options.free_text.then(|| SCRUBBER_LIMITS.to_owned()),
        };
        audit::record(
            &mut connection,
            &self.config.actor,
            action,
            Some(wave),
            &format!("{} records, k = {}", report.records_out, options.k),
        )?;
        Ok(Export {
            codebook,
            rows,
            report,
        })
    }
}

/// Smallest k of an export for every role but admin (5 is common inside a research team).
pub const MIN_K: usize = 5;

/// The name of the wide table's mode column.
pub const MODE_COLUMN: &str = "mode";

/// Adds the `mode` column (how each response came: web_link, web_code, paper) after the frame
/// variables, described like one of them so that the analysis can report by mode or adjust for
/// it. A quasi-identifier: a hospital knows who sent paper back. Returns its id,
/// or `None` when the survey has a frame variable of that name already (which then wins).
fn add_mode_column(codebook: &mut Codebook, survey: &vecu_survey::Survey) -> Option<Id> {
    if survey.frame_variable(MODE_COLUMN).is_some() {
        return None;
    }
    let id = Id::parse(MODE_COLUMN)?;
    let text = |labels: [&str; 4]| {
        Text::new(
            survey
                .languages
                .iter()
                .map(|lang: &Lang| {
                    let idx = ["fr", "de", "it", "en"]
                        .iter()
                        .position(|code| *code == lang.as_str())
                        .unwrap_or(3);
                    (lang.clone(), labels[idx].to_owned())
                })
                .collect(),
        )
    };
    let values = [
        (
            Mode::WebLink,
            [
                "web (lien par e-mail)",
                "Web (Link per E-Mail)",
                "web (link per e-mail)",
                "web (e-mail link)",
            ],
        ),
        (
            Mode::WebCode,
            [
                "web (code d'accès)",
                "Web (Zugangscode)",
                "web (codice di accesso)",
                "web (access code)",
            ],
        ),
        (Mode::Paper, ["papier", "Papier", "carta", "paper"]),
    ]
    .into_iter()
    .filter_map(|(mode, labels)| {
        Some(CodebookValue {
            code: Code::parse(mode.as_str())?,
            label: text(labels),
            role: None,
            value: None,
        })
    })
    .collect();
    let after_frame = codebook
        .columns
        .iter()
        .rposition(|column| {
            matches!(column.source, ColumnSource::Frame { .. })
                || column.source == ColumnSource::Response
        })
        .map_or(0, |idx| idx + 1);
    codebook.columns.insert(
        after_frame,
        vecu_survey::Column {
            name: MODE_COLUMN.to_owned(),
            column_type: vecu_survey::ColumnType::Code,
            source: ColumnSource::Frame {
                variable: id.clone(),
                quasi_identifier: true,
                case_mix: false,
            },
            label: Some(text([
                "Mode de réponse",
                "Antwortweg",
                "Modalità di risposta",
                "Mode of response",
            ])),
            values,
        },
    );
    Some(id)
}
