//! Labelled exports: the wide table with its codebook's labels in one language, for the
//! packages researchers analyse in (an R script beside the CSV, Stata `.dta`, SPSS `.sav`).
//!
//! Stata and SPSS label numbers, not text, so each coded column is numbered
//! ([`LabelledVariable`]): by its codes when every code is a whole number (scales written
//! `1`..`4`, `9` for "don't know"), else 1, 2, ... in the definition's order. Values met in the
//! data but not in the definition (`other`, from a k-anonymous export's grouping) get the next
//! numbers, labelled by their code. Names become valid Stata and SPSS names (`item.option` ->
//! `item_option`, at most 32 characters, unique).

mod r_script;
mod spss;
mod stata;

pub use r_script::r_script;
pub use spss::spss_sav;
pub use stata::stata_dta;

use crate::model::ScoringRole;
use crate::text::Lang;
use crate::wide::{Cell, Codebook, Column, ColumnType};

/// Longest variable name Stata accepts (SPSS takes 64 bytes).
const NAME_LIMIT: usize = 32;

/// What can stop a labelled export.
#[derive(Debug, thiserror::Error)]
pub enum LabelledError {
    /// A text cell is longer than the format can hold.
    #[error(
        "column {column}, row {row}: {bytes} bytes of text, more than {format} holds ({limit}); \
         export this column as CSV or Parquet, or without free text"
    )]
    TooLong {
        /// The column.
        column: String,
        /// The row, from 1.
        row: usize,
        /// Its length in bytes.
        bytes: usize,
        /// The format.
        format: &'static str,
        /// The format's limit in bytes.
        limit: usize,
    },
    /// The writer refused the data (a bug in vecu or the writer: please report it).
    #[error("writing {format}: {message}")]
    Writer {
        /// The format.
        format: &'static str,
        /// What the writer said.
        message: String,
    },
}

/// One labelled value of a coded column.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledValue {
    /// The number Stata and SPSS store.
    pub number: i32,
    /// The code as the wide table writes it.
    pub code: String,
    /// What it means, in the chosen language.
    pub label: String,
    /// "Does not apply" or "don't know": declared missing in SPSS.
    pub not_applicable: bool,
}

/// How a column is stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Storage {
    /// Numbers with labelled values (codes and 0/1 ticks).
    Labelled(Vec<LabelledValue>),
    /// Numbers without labels (ratings, numbers).
    Number {
        /// Whole numbers only.
        integer: bool,
    },
    /// Text (response id, months, free text).
    Text,
}

/// One column of a labelled export.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelledVariable {
    /// The wide table's column name.
    pub column: String,
    /// A name Stata and SPSS accept.
    pub name: String,
    /// The question, option, row or frame variable text in the chosen language.
    pub label: String,
    /// How values are stored.
    pub storage: Storage,
}

/// A stored value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Stored<'a> {
    /// A number; `None` when the cell is empty.
    Number(Option<f64>),
    /// Text; empty when the cell is empty.
    Text(&'a str),
}

/// The columns of `codebook` (and values found in `rows`) as labelled variables in `lang`.
pub fn labelled_variables(
    codebook: &Codebook,
    rows: &[Vec<Cell>],
    lang: &Lang,
) -> Vec<LabelledVariable> {
    let mut taken: Vec<String> = Vec::new();
    codebook
        .columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let name = unique_name(&column.name, &taken);
            taken.push(name.clone());
            LabelledVariable {
                column: column.name.clone(),
                name,
                label: column
                    .label
                    .as_ref()
                    .map(|label| label.get(lang).to_owned())
                    .unwrap_or_else(|| column.name.clone()),
                storage: storage(column, rows.iter().filter_map(|row| row.get(index)), lang),
            }
        })
        .collect()
}

fn storage<'a>(column: &Column, cells: impl Iterator<Item = &'a Cell>, lang: &Lang) -> Storage {
    match column.column_type {
        ColumnType::Id | ColumnType::Text | ColumnType::Month => Storage::Text,
        ColumnType::Integer => Storage::Number { integer: true },
        ColumnType::Float => Storage::Number { integer: false },
        ColumnType::Flag => Storage::Labelled(tick_labels(lang)),
        ColumnType::Code => {
            let whole: Option<Vec<i32>> = column
                .values
                .iter()
                .map(|value| value.code.as_str().parse::<i32>().ok())
                .collect();
            let numbers = match whole {
                Some(numbers) if is_unique(&numbers) => numbers,
                _ => (1..).take(column.values.len()).collect(),
            };
            let mut values: Vec<LabelledValue> = column
                .values
                .iter()
                .zip(numbers)
                .map(|(value, number)| LabelledValue {
                    number,
                    code: value.code.as_str().to_owned(),
                    label: value.label.get(lang).to_owned(),
                    not_applicable: value.role == Some(ScoringRole::NotApplicable),
                })
                .collect();
            for cell in cells {
                if let Cell::Text(code) = cell {
                    if !values.iter().any(|value| &value.code == code) {
                        let number = values.iter().map(|value| value.number).max().unwrap_or(0);
                        values.push(LabelledValue {
                            number: number.saturating_add(1),
                            code: code.clone(),
                            label: code.clone(),
                            not_applicable: false,
                        });
                    }
                }
            }
            Storage::Labelled(values)
        }
    }
}

fn is_unique(numbers: &[i32]) -> bool {
    numbers
        .iter()
        .enumerate()
        .all(|(index, number)| !numbers[..index].contains(number))
}

/// 0 and 1 of a multiple-choice option's column, in the export's language.
fn tick_labels(lang: &Lang) -> Vec<LabelledValue> {
    crate::wide::tick_words(lang)
        .into_iter()
        .zip(0..)
        .map(|(label, number)| LabelledValue {
            number,
            code: number.to_string(),
            label: label.to_owned(),
            not_applicable: false,
        })
        .collect()
}

/// `item.option` as `item_option`, cut to [`NAME_LIMIT`] and made unique with a number.
fn unique_name(column: &str, taken: &[String]) -> String {
    let base: String = column
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(NAME_LIMIT)
        .collect();
    if !taken.contains(&base) {
        return base;
    }
    (2..)
        .map(|number| {
            let suffix = format!("_{number}");
            let stem: String = base.chars().take(NAME_LIMIT - suffix.len()).collect();
            stem + &suffix
        })
        .find(|name| !taken.contains(name))
        .unwrap_or(base)
}

impl LabelledVariable {
    /// The stored value of a cell of this column.
    pub(crate) fn stored<'a>(&self, cell: &'a Cell) -> Stored<'a> {
        match (&self.storage, cell) {
            (Storage::Text, Cell::Text(text)) => Stored::Text(text),
            (Storage::Text, Cell::Integer(_) | Cell::Float(_) | Cell::Empty) => Stored::Text(""),
            (Storage::Labelled(values), Cell::Text(code)) => Stored::Number(
                values
                    .iter()
                    .find(|value| &value.code == code)
                    .map(|value| f64::from(value.number)),
            ),
            (_, Cell::Integer(number)) => Stored::Number(Some(*number as f64)),
            (_, Cell::Float(number)) => Stored::Number(Some(*number)),
            (Storage::Number { .. }, Cell::Text(text)) => Stored::Number(text.parse().ok()),
            (_, Cell::Empty) => Stored::Number(None),
        }
    }
}

/// `text` cut to at most `limit` bytes on a character boundary.
pub(crate) fn cut(text: &str, limit: usize) -> &str {
    let mut end = text.len().min(limit);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The longest text of each text column (in bytes, at least 1), refusing what exceeds `limit`.
pub(crate) fn text_widths(
    variables: &[LabelledVariable],
    rows: &[Vec<Cell>],
    format: &'static str,
    limit: usize,
) -> Result<Vec<usize>, LabelledError> {
    let mut widths = vec![1; variables.len()];
    for (row_index, row) in rows.iter().enumerate() {
        for (index, (variable, cell)) in variables.iter().zip(row).enumerate() {
            if let Stored::Text(text) = variable.stored(cell) {
                if text.len() > limit {
                    return Err(LabelledError::TooLong {
                        column: variable.column.clone(),
                        row: row_index + 1,
                        bytes: text.len(),
                        format,
                        limit,
                    });
                }
                widths[index] = widths[index].max(text.len());
            }
        }
    }
    Ok(widths)
}
