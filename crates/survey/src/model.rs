//! The typed survey: what a definition means once it has been parsed and checked.
//!
//! Types are `#[non_exhaustive]`: other crates read their public fields but cannot build one, so
//! holding a [`Survey`] proves that it passed every check of [`crate::load`].

use std::collections::HashMap;
use std::fmt;

use crate::condition::Condition;
use crate::error::DefinitionError;
use crate::text::{Lang, Text};

/// Id of an item, a section, a frame variable or a matrix row: `^[a-z][a-z0-9_]*$`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Id(String);

impl Id {
    /// Parses an identifier; dots are not allowed because they join ids in column names.
    pub fn parse(id: &str) -> Option<Id> {
        let mut chars = id.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
        let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        (first_ok && rest_ok && id.len() <= 63).then(|| Id(id.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An answer code as stored in data: `^[A-Za-z0-9_+-]{1,32}$` (`+` for bands such as `75+`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Code(String);

impl Code {
    /// Parses an answer code.
    pub fn parse(code: &str) -> Option<Code> {
        let valid = !code.is_empty()
            && code.len() <= 32
            && code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'-'));
        valid.then(|| Code(code.to_owned()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// How an answer counts in scores (DOMAIN.md section 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoringRole {
    /// A good experience: counts in the numerator of % positive.
    Positive,
    /// A problem: counts in the numerator of the problem score.
    Negative,
    /// Neither: in the denominator of % positive, not a problem.
    Neutral,
    /// "Does not apply", "don't know": left out of every denominator.
    NotApplicable,
}

impl ScoringRole {
    /// The name used in definitions and codebooks.
    pub fn as_str(self) -> &'static str {
        match self {
            ScoringRole::Positive => "positive",
            ScoringRole::Negative => "negative",
            ScoringRole::Neutral => "neutral",
            ScoringRole::NotApplicable => "not_applicable",
        }
    }
}

/// One answer option of a choice, scale or matrix item.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct AnswerOption {
    /// Code stored in data when this option is chosen.
    pub code: Code,
    /// Text shown to the patient.
    pub label: Text,
    /// How choosing this option counts in % positive and problem scores.
    pub role: ScoringRole,
    /// Numeric value for means and numeric skip logic; all applicable options have one, or none.
    pub value: Option<f64>,
    /// Multiple choice only: cannot be combined with other options.
    pub exclusive: bool,
}

/// The answer list of a choice, scale or matrix item.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Options {
    /// The options in the order shown.
    pub options: Vec<AnswerOption>,
    /// Name of the shared scale this list came from, if any.
    pub scale: Option<Id>,
}

impl Options {
    /// The option with this code.
    pub fn find(&self, code: &str) -> Option<&AnswerOption> {
        self.options
            .iter()
            .find(|option| option.code.as_str() == code)
    }
}

/// A 0-10 rating.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Rating {
    /// Label of the 0 end, such as "worst possible care".
    pub low_label: Text,
    /// Label of the 10 end, such as "best possible care".
    pub high_label: Text,
    /// Ratings at or above this count as positive (default 9: the HCAHPS "9-10" top box).
    pub positive_min: i64,
    /// Ratings at or below this count as negative (default 6: the HCAHPS "0-6" bottom box).
    pub negative_max: i64,
}

impl Rating {
    /// Lowest and highest possible rating.
    pub const RANGE: (i64, i64) = (0, 10);

    /// The scoring role of one rating.
    pub fn role(&self, rating: i64) -> ScoringRole {
        if rating >= self.positive_min {
            ScoringRole::Positive
        } else if rating <= self.negative_max {
            ScoringRole::Negative
        } else {
            ScoringRole::Neutral
        }
    }
}

/// A number within bounds.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct NumberSpec {
    /// Smallest accepted answer (inclusive).
    pub min: f64,
    /// Largest accepted answer (inclusive).
    pub max: f64,
    /// Whole numbers only; the wide table then writes an integer column.
    pub integer: bool,
    /// Unit shown with the answer box, such as "nights".
    pub unit: Option<Text>,
}

/// Free text.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct TextSpec {
    /// Multi-line answer box (`long_text`) rather than one line (`short_text`).
    pub long: bool,
    /// Longest accepted answer, in characters.
    pub max_length: usize,
    /// May name patients or staff: scrubbed and kept out of exports by default.
    pub identifying: bool,
}

/// A month and year.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct MonthYearSpec {
    /// Earliest accepted year (inclusive).
    pub min_year: i32,
    /// Latest accepted year (inclusive).
    pub max_year: i32,
}

/// One row of a matrix.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct MatrixRow {
    /// Row id; the row's answers go in the wide-table column `item.row`.
    pub id: Id,
    /// Statement the patient answers in this row.
    pub text: Text,
}

/// Rows sharing one answer list.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Matrix {
    /// Rows in the order shown.
    pub rows: Vec<MatrixRow>,
    /// Answer list shared by every row.
    pub options: Options,
}

impl Matrix {
    /// The row with this id.
    pub fn row(&self, id: &str) -> Option<&MatrixRow> {
        self.rows.iter().find(|row| row.id.as_str() == id)
    }
}

/// What kind of answer an item takes.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ItemKind {
    /// Exactly one option from a list.
    SingleChoice(Options),
    /// Any options ticked; one 0/1 column per option in the wide table.
    MultipleChoice(Options),
    /// An ordered scale (Likert): options from one end to the other.
    Scale(Options),
    /// A 0-10 rating with labelled ends.
    Rating(Rating),
    /// A number within bounds, such as nights in hospital.
    Number(NumberSpec),
    /// Free text, short or long.
    Text(TextSpec),
    /// A month and year, such as when the cancer was diagnosed.
    MonthYear(MonthYearSpec),
    /// Several rows answered on one shared answer list.
    Matrix(Matrix),
    /// Text shown to the patient, with no answer.
    Display,
}

impl ItemKind {
    /// The kind's name as written in definitions.
    pub fn name(&self) -> &'static str {
        match self {
            ItemKind::SingleChoice(_) => "single_choice",
            ItemKind::MultipleChoice(_) => "multiple_choice",
            ItemKind::Scale(_) => "scale",
            ItemKind::Rating(_) => "rating",
            ItemKind::Number(_) => "number",
            ItemKind::Text(TextSpec { long: false, .. }) => "short_text",
            ItemKind::Text(TextSpec { long: true, .. }) => "long_text",
            ItemKind::MonthYear(_) => "month_year",
            ItemKind::Matrix(_) => "matrix",
            ItemKind::Display => "display",
        }
    }

    /// The answer list of choice, scale and matrix items.
    pub fn options(&self) -> Option<&Options> {
        match self {
            ItemKind::SingleChoice(options)
            | ItemKind::MultipleChoice(options)
            | ItemKind::Scale(options) => Some(options),
            ItemKind::Matrix(matrix) => Some(&matrix.options),
            _ => None,
        }
    }
}

/// One question (or display text) of the survey.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Item {
    /// Stable id: the key of its answer in responses and its column name.
    pub id: Id,
    /// The question (or display text) as shown to the patient.
    pub text: Text,
    /// Extra guidance shown with the question.
    pub help: Option<Text>,
    /// Domain for composite scores (information, communication, ...).
    pub domain: Option<Id>,
    /// Must be answered when shown.
    pub required: bool,
    /// Skip logic: shown only when this holds for earlier answers; always shown if absent.
    pub show_if: Option<Condition>,
    /// What kind of answer the item takes, with its options or bounds.
    pub kind: ItemKind,
    /// The overall rating of care (CAHPS' global rating): every question's key-driver
    /// correlation is taken with it. At most one item of a survey, a rating.
    pub overall_rating: bool,
    /// A patient characteristic the site comparison adjusts for (self-rated health,
    /// education...): a single-choice or scale item with no domain.
    pub case_mix: bool,
}

/// A page of the questionnaire.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Section {
    /// Stable id of the section.
    pub id: Id,
    /// Heading of the page.
    pub title: Text,
    /// Text shown under the heading, before the items.
    pub intro: Option<Text>,
    /// Skip logic for the whole page: its items are skipped unless this holds.
    pub show_if: Option<Condition>,
    /// Items in questionnaire order.
    pub items: Vec<Item>,
}

/// One allowed value of a frame variable.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct FrameValue {
    /// Code stored in the sample frame and the wide table, such as `75+`.
    pub code: Code,
    /// Text shown in reports.
    pub label: Text,
}

/// A sample-frame attribute known before fieldwork (site, age band, sex, tumour group...).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct FrameVariable {
    /// Stable id, also the variable's column name in the wide table.
    pub id: Id,
    /// Name shown in reports.
    pub label: Text,
    /// Could help re-identify a patient in combination: exports keep k-anonymity over these.
    pub quasi_identifier: bool,
    /// Used to adjust site comparisons for patient mix.
    pub case_mix: bool,
    /// The unit of comparison (the hospital): adjusted scores and funnel limits compare its
    /// values. At most one variable of a survey has it, never together with `case_mix`.
    pub comparison_unit: bool,
    /// Every value the sample frame may hold for this variable.
    pub values: Vec<FrameValue>,
}

impl FrameVariable {
    /// The value with this code.
    pub fn find(&self, code: &str) -> Option<&FrameValue> {
        self.values.iter().find(|value| value.code.as_str() == code)
    }
}

/// A domain: items grouped for a composite score, with its name for readers.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Domain {
    /// The id items name in their `domain`; also the domain's row in the results table.
    pub id: Id,
    /// Name shown in reports and charts, in every language of the survey.
    pub label: Text,
    /// What the domain covers, in one sentence, if the definition says.
    pub description: Option<Text>,
}

/// A checked survey definition.
#[derive(Debug, Clone, serde::Serialize)]
#[non_exhaustive]
pub struct Survey {
    /// Stable id of the survey across versions.
    pub id: Id,
    /// Version of this definition, such as `1.0` or `1.2.0`.
    pub version: String,
    /// Declared languages; the first is the default.
    pub languages: Vec<Lang>,
    /// Title shown to patients.
    pub title: Text,
    /// What the survey is about, for patients.
    pub description: Option<Text>,
    /// Who runs the survey, shown on the welcome page.
    pub publisher: Option<Text>,
    /// Attributes taken from the sample frame rather than asked.
    pub frame: Vec<FrameVariable>,
    /// Labelled domains in the order reports show them; every domain an item uses is here,
    /// unless the definition has no `domains` block (written before domains had labels: see
    /// [`Survey::warnings`]), in which case this is empty.
    pub domains: Vec<Domain>,
    /// Pages in questionnaire order.
    pub sections: Vec<Section>,
    /// SHA-256 of the definition's canonical JSON (hex): identifies this exact version.
    pub hash: String,
    #[serde(skip)]
    pub(crate) index: HashMap<Id, ItemPosition>,
}

/// Where an item sits: section index, item index within the section, and order in the survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ItemPosition {
    pub section: usize,
    pub item: usize,
    pub order: usize,
}

impl Survey {
    /// The default language (the first declared).
    pub fn default_language(&self) -> &Lang {
        // The loader refuses a survey without languages.
        &self.languages[0]
    }

    /// The language to show this survey's texts in for a reader of `asked` (a tag): that one
    /// when the survey has it, else its default.
    pub fn text_language(&self, asked: &str) -> Lang {
        Lang::parse(asked)
            .filter(|lang| self.languages.contains(lang))
            .unwrap_or_else(|| self.default_language().clone())
    }

    /// Every item in questionnaire order, with the index of its section.
    pub fn items(&self) -> impl Iterator<Item = (usize, &Item)> {
        self.sections
            .iter()
            .enumerate()
            .flat_map(|(idx, section)| section.items.iter().map(move |item| (idx, item)))
    }

    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&Item> {
        let position = self.index.get(&Id::parse(id)?)?;
        Some(&self.sections[position.section].items[position.item])
    }

    /// The question number shown to patients, on paper and to helplines: display texts are not
    /// numbered, a matrix counts as one question.
    pub fn question_number(&self, id: &Id) -> Option<usize> {
        self.items()
            .filter(|(_, item)| item.kind != ItemKind::Display)
            .position(|(_, item)| &item.id == id)
            .map(|position| position + 1)
    }

    /// Number of items that take an answer (display texts left out; a matrix counts once).
    pub fn n_questions(&self) -> usize {
        self.items()
            .filter(|(_, item)| item.kind != ItemKind::Display)
            .count()
    }

    /// The frame variable with this id.
    pub fn frame_variable(&self, id: &str) -> Option<&FrameVariable> {
        self.frame
            .iter()
            .find(|variable| variable.id.as_str() == id)
    }

    /// The frame variable marked as the unit of comparison, if the definition declares one.
    pub fn comparison_unit(&self) -> Option<&FrameVariable> {
        self.frame.iter().find(|variable| variable.comparison_unit)
    }

    /// The item marked as the overall rating, if the definition marks one.
    pub fn overall_rating(&self) -> Option<&Item> {
        self.items()
            .map(|(_, item)| item)
            .find(|item| item.overall_rating)
    }

    /// The declared domain with this id.
    pub fn domain(&self, id: &str) -> Option<&Domain> {
        self.domains.iter().find(|domain| domain.id.as_str() == id)
    }

    /// The name of a domain in `lang`: its declared label, or, in a definition without a
    /// `domains` block, its id with spaces for underscores, as reports named it before labels.
    pub fn domain_label(&self, id: &str, lang: &Lang) -> String {
        match self.domain(id) {
            Some(domain) => domain.label.get(lang).to_owned(),
            None => id.replace('_', " "),
        }
    }

    /// The domains items use, each once, in questionnaire order of first use.
    pub fn domains_used(&self) -> Vec<&Id> {
        let mut used: Vec<&Id> = Vec::new();
        for (_, item) in self.items() {
            if let Some(domain) = &item.domain {
                if !used.contains(&domain) {
                    used.push(domain);
                }
            }
        }
        used
    }

    /// Problems that do not stop the survey from loading but cost the outputs something: no
    /// unit of comparison (no site comparisons), no `domains` block (domains named by their ids),
    /// no overall rating (no key drivers). Definitions stored before these existed must keep
    /// loading, so they are not errors.
    pub fn warnings(&self) -> Vec<DefinitionError> {
        let mut warnings = Vec::new();
        if self.comparison_unit().is_none() {
            warnings.push(no_comparison_unit(&self.frame));
        }
        let used = self.domains_used();
        if self.domains.is_empty() && !used.is_empty() {
            warnings.push(no_domain_labels(&used, &self.languages));
        }
        if self.overall_rating().is_none() {
            warnings.push(self.no_overall_rating());
        }
        warnings
    }

    /// Why a definition without an overall rating gets no key drivers, pointing at the rating
    /// most likely meant: the last one whose id says "overall", else the last rating.
    fn no_overall_rating(&self) -> DefinitionError {
        let message = "no item is marked as the overall rating, so the analysis skips key \
                       drivers (each question's correlation with the overall rating) and the \
                       sites' improvement priorities";
        let mut ratings: Vec<(String, &Item)> = Vec::new();
        for (section_idx, section) in self.sections.iter().enumerate() {
            for (item_idx, item) in section.items.iter().enumerate() {
                if matches!(item.kind, ItemKind::Rating(_)) {
                    ratings.push((format!("/sections/{section_idx}/items/{item_idx}"), item));
                }
            }
        }
        let likely = ratings
            .iter()
            .rev()
            .find(|(_, item)| item.id.as_str().contains("overall"))
            .or(ratings.last());
        match likely {
            Some((pointer, item)) => DefinitionError::new(
                pointer.clone(),
                message,
                format!(
                    "add \"overall_rating\": true to {pointer} ({}) if it rates the care as a \
                     whole",
                    item.id
                ),
            ),
            None => DefinitionError::new(
                "/sections",
                message,
                "add a 0-10 rating of the care as a whole (kind \"rating\") with \
                 \"overall_rating\": true",
            ),
        }
    }

    /// The declared language with this code, if the survey has it.
    pub fn language(&self, code: &str) -> Option<&Lang> {
        self.languages.iter().find(|lang| lang.as_str() == code)
    }
}

/// Why a definition without a unit of comparison gets no site comparison, pointing at the frame
/// variable most likely meant: before the declaration existed, the analysis took the one called
/// `site`.
fn no_comparison_unit(frame: &[FrameVariable]) -> DefinitionError {
    let message = "no frame variable is marked as the unit of comparison, so the analysis \
                   skips everything that compares sites: adjusted and standardised scores, \
                   funnel limits and outlier flags, changes per site, site and funnel charts, \
                   response rates per site in charts and reports";
    let likely = frame
        .iter()
        .position(|variable| variable.id.as_str() == "site");
    match likely {
        Some(idx) => DefinitionError::new(
            format!("/frame/{idx}"),
            message,
            format!(
                "add \"comparison_unit\": true to /frame/{idx} (site) if it names the hospitals \
                 to compare"
            ),
        ),
        None if frame.is_empty() => DefinitionError::new(
            "",
            message,
            "if hospitals are compared, add a frame variable naming them with \
             \"comparison_unit\": true",
        ),
        None => DefinitionError::new(
            "/frame",
            message,
            "add \"comparison_unit\": true to the frame variable that names the hospitals to \
             compare",
        ),
    }
}

/// Why a definition whose items have domains but no `domains` block shows ids to readers. The
/// loader refuses a block that misses a domain; only its absence loads, for stored definitions.
fn no_domain_labels(used: &[&Id], languages: &[Lang]) -> DefinitionError {
    let ids: Vec<&str> = used.iter().map(|id| id.as_str()).collect();
    DefinitionError::new(
        "",
        format!(
            "items use the domains {} but the definition has no \"domains\" block, so reports \
             and charts name them by their ids, in English, whatever the report's language",
            ids.join(", ")
        ),
        format!(
            "add \"domains\": [{}, ...] at the top level, with one entry per domain and a label \
             in every language of the survey",
            domain_entry(ids.first().copied().unwrap_or_default(), languages)
        ),
    )
}

/// The entry of `/domains` to write for a domain, as a fix shows it:
/// `{"id": "x", "label": {"fr": "...", "en": "..."}}`.
pub(crate) fn domain_entry(id: &str, languages: &[Lang]) -> String {
    let label: Vec<String> = languages
        .iter()
        .map(|lang| format!("\"{lang}\": \"...\""))
        .collect();
    format!("{{\"id\": \"{id}\", \"label\": {{{}}}}}", label.join(", "))
}
