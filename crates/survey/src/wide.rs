//! The wide response table, vecu's one exchange format, and its codebook.
//!
//! One row per response: `response_id`, one column per frame variable, one per single-answer item,
//! one 0/1 column per option of a multiple-choice item (`item.option`) and one per matrix row
//! (`item.row`). The simulator writes it, the store exports it, the analysis reads it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::answer::{Answer, Answers};
use crate::load::RESPONSE_ID;
use crate::model::{AnswerOption, Code, Id, ItemKind, Options, ScoringRole, Survey};
use crate::text::Text;

/// How a column's values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// Random response id (text).
    Id,
    /// An answer or frame code (text).
    Code,
    /// A whole number (ratings, integer numbers).
    Integer,
    /// A number with decimals.
    Float,
    /// Free text.
    Text,
    /// A month as `YYYY-MM` (text).
    Month,
    /// 1 when the option is ticked, 0 when not, empty when the question was not answered.
    Flag,
}

/// Where a column comes from.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum ColumnSource {
    /// The `response_id` column.
    Response,
    /// A frame variable's column.
    Frame {
        /// The frame variable.
        variable: Id,
        /// Could help re-identify a patient: exports keep k-anonymity over it.
        quasi_identifier: bool,
        /// Used to adjust site comparisons for patient mix.
        case_mix: bool,
    },
    /// The column of a single-answer item.
    Item {
        /// The item.
        item: Id,
        /// The item's kind as named in definitions, such as `scale`.
        item_kind: &'static str,
        /// The item's domain for composite scores, if any.
        domain: Option<Id>,
        /// Free text that may name patients or staff: kept out of exports by default.
        identifying: bool,
    },
    /// The 0/1 flag column of one multiple-choice option.
    Option {
        /// The multiple-choice item.
        item: Id,
        /// The option's code.
        option: Code,
        /// The option cannot be combined with others ("none of these").
        exclusive: bool,
    },
    /// The column of one matrix row.
    MatrixRow {
        /// The matrix item.
        item: Id,
        /// The row.
        row: Id,
        /// The matrix's domain for composite scores, if any.
        domain: Option<Id>,
    },
}

/// One allowed value of a coded column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodebookValue {
    /// Code as written in the column.
    pub code: Code,
    /// What the code means.
    pub label: Text,
    /// Scoring role of an answer code; none for frame values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<ScoringRole>,
    /// Numeric value of the answer option, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
}

/// One column of the wide table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    /// Column name: an id, or `item.option` / `item.row`.
    pub name: String,
    /// How the column's values are written.
    #[serde(rename = "type")]
    pub column_type: ColumnType,
    /// Where the column comes from, with what analysis and export need to know.
    #[serde(flatten)]
    pub source: ColumnSource,
    /// Question, option, row or variable text; none for `response_id`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
    /// Allowed codes of a coded column; empty for other types.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<CodebookValue>,
}

/// Every column of a survey's wide table, in order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Codebook {
    /// Id of the survey.
    pub survey: Id,
    /// Version of the survey definition.
    pub version: String,
    /// SHA-256 of the exact definition: tells which version a table was written with.
    pub survey_hash: String,
    /// Every column, in table order.
    pub columns: Vec<Column>,
}

impl Codebook {
    /// The codebook of a survey.
    pub fn new(survey: &Survey) -> Codebook {
        let mut columns = vec![Column {
            name: RESPONSE_ID.to_owned(),
            column_type: ColumnType::Id,
            source: ColumnSource::Response,
            label: None,
            values: Vec::new(),
        }];
        columns.extend(survey.frame.iter().map(|variable| {
            Column {
                name: variable.id.to_string(),
                column_type: ColumnType::Code,
                source: ColumnSource::Frame {
                    variable: variable.id.clone(),
                    quasi_identifier: variable.quasi_identifier,
                    case_mix: variable.case_mix,
                },
                label: Some(variable.label.clone()),
                values: variable
                    .values
                    .iter()
                    .map(|value| CodebookValue {
                        code: value.code.clone(),
                        label: value.label.clone(),
                        role: None,
                        value: None,
                    })
                    .collect(),
            }
        }));
        for (_, item) in survey.items() {
            let item_column = |column_type, values| Column {
                name: item.id.to_string(),
                column_type,
                source: ColumnSource::Item {
                    item: item.id.clone(),
                    item_kind: item.kind.name(),
                    domain: item.domain.clone(),
                    identifying: matches!(&item.kind, ItemKind::Text(spec) if spec.identifying),
                },
                label: Some(item.text.clone()),
                values,
            };
            match &item.kind {
                ItemKind::SingleChoice(options) | ItemKind::Scale(options) => {
                    columns.push(item_column(ColumnType::Code, coded_values(options)))
                }
                ItemKind::Rating(_) => columns.push(item_column(ColumnType::Integer, Vec::new())),
                ItemKind::Number(spec) => columns.push(item_column(
                    if spec.integer {
                        ColumnType::Integer
                    } else {
                        ColumnType::Float
                    },
                    Vec::new(),
                )),
                ItemKind::Text(_) => columns.push(item_column(ColumnType::Text, Vec::new())),
                ItemKind::MonthYear(_) => columns.push(item_column(ColumnType::Month, Vec::new())),
                ItemKind::MultipleChoice(options) => {
                    columns.extend(options.options.iter().map(|option| Column {
                        name: format!("{}.{}", item.id, option.code),
                        column_type: ColumnType::Flag,
                        source: ColumnSource::Option {
                            item: item.id.clone(),
                            option: option.code.clone(),
                            exclusive: option.exclusive,
                        },
                        label: Some(option.label.clone()),
                        values: Vec::new(),
                    }))
                }
                ItemKind::Matrix(matrix) => columns.extend(matrix.rows.iter().map(|row| Column {
                    name: format!("{}.{}", item.id, row.id),
                    column_type: ColumnType::Code,
                    source: ColumnSource::MatrixRow {
                        item: item.id.clone(),
                        row: row.id.clone(),
                        domain: item.domain.clone(),
                    },
                    label: Some(row.text.clone()),
                    values: coded_values(&matrix.options),
                })),
                ItemKind::Display => {}
            }
        }
        Codebook {
            survey: survey.id.clone(),
            version: survey.version.clone(),
            survey_hash: survey.hash.clone(),
            columns,
        }
    }

    /// Column names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.columns.iter().map(|column| column.name.as_str())
    }

    /// The cells of one response, aligned with [`Codebook::columns`].
    pub fn row(
        &self,
        response_id: &str,
        frame: &BTreeMap<Id, Code>,
        answers: &Answers,
    ) -> Vec<Cell> {
        self.columns
            .iter()
            .map(|column| cell(column, response_id, frame, answers))
            .collect()
    }
}

/// How 0 and 1 of a multiple-choice option's column read in `lang` (English for other
/// languages), for labelled exports and DDI.
#[cfg(any(feature = "labelled", feature = "ddi"))]
pub(crate) fn tick_words(lang: &crate::text::Lang) -> [&'static str; 2] {
    // An easy-read variant (fr-falc) speaks its base language.
    match lang.as_str().split('-').next().unwrap_or_default() {
        "fr" => ["non coché", "coché"],
        "de" => ["nicht angekreuzt", "angekreuzt"],
        "it" => ["non selezionato", "selezionato"],
        _ => ["not ticked", "ticked"],
    }
}

fn coded_values(options: &Options) -> Vec<CodebookValue> {
    options
        .options
        .iter()
        .map(|option: &AnswerOption| CodebookValue {
            code: option.code.clone(),
            label: option.label.clone(),
            role: Some(option.role),
            value: option.value,
        })
        .collect()
}

/// One cell of the wide table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value: unanswered, skipped, or not in the frame.
    Empty,
    /// A code, free text, response id or `YYYY-MM` month.
    Text(String),
    /// A rating, whole number or 0/1 flag.
    Integer(i64),
    /// A number with decimals.
    Float(f64),
}

fn cell(column: &Column, response_id: &str, frame: &BTreeMap<Id, Code>, answers: &Answers) -> Cell {
    let text = |value: &str| Cell::Text(value.to_owned());
    match &column.source {
        ColumnSource::Response => text(response_id),
        ColumnSource::Frame { variable, .. } => frame
            .get(variable)
            .map_or(Cell::Empty, |code| text(code.as_str())),
        ColumnSource::Item { item, .. } => match answers.get(item) {
            Some(Answer::Choice(code)) => text(code.as_str()),
            Some(Answer::Rating(rating)) => Cell::Integer(*rating),
            Some(Answer::Number(number)) if column.column_type == ColumnType::Integer => {
                Cell::Integer(*number as i64)
            }
            Some(Answer::Number(number)) => Cell::Float(*number),
            Some(Answer::Text(value)) => text(value),
            Some(Answer::MonthYear { year, month }) => Cell::Text(format!("{year:04}-{month:02}")),
            _ => Cell::Empty,
        },
        ColumnSource::Option { item, option, .. } => match answers.get(item) {
            Some(Answer::Choices(codes)) if !codes.is_empty() => {
                Cell::Integer(i64::from(codes.contains(option)))
            }
            _ => Cell::Empty,
        },
        ColumnSource::MatrixRow { item, row, .. } => match answers.get(item) {
            Some(Answer::Matrix(rows)) => rows
                .get(row)
                .map_or(Cell::Empty, |code| text(code.as_str())),
            _ => Cell::Empty,
        },
    }
}
