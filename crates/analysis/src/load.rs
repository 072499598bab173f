//! Reading the wide response table (CSV or Parquet, through polars) into a typed [`Dataset`].
//!
//! Every column is checked against the survey's codebook: unknown codes, numbers out of range and
//! missing columns are reported with the column and the line (CSV) or row (Parquet), a few per
//! column, so that one run shows what to fix.
//!
//! Files that R, Stata, pandas or a spreadsheet wrote are read as they come ([`ReadOptions`]):
//! `NA` (or other markers) means not answered, columns the survey does not have are set aside
//! with a notice, and whole numbers written as floats (`3.0`) are the codes and counts they mean.

use std::borrow::Cow;
use std::path::Path;

use polars::prelude::*;
use vecu_survey::{
    Cell, Codebook, Column as CodebookColumn, ColumnSource, ColumnType, ItemKind, Survey,
    TableFormat,
};

use crate::dataset::{ColumnData, DataColumn, Dataset, FrameColumn, MISSING, MISSING_FLAG, OTHER};
use crate::error::{AnalysisError, InputProblem, Result};

/// Problems reported per column before moving on, and in all before giving up.
const PROBLEMS_PER_COLUMN: usize = 3;
const PROBLEMS_IN_ALL: usize = 30;

/// Cell texts read as "not answered" by default, besides an empty cell: `NA` is what R's
/// `write.csv` writes for a missing value.
pub const DEFAULT_MISSING: [&str; 1] = ["NA"];

/// How cells and columns that vecu's own exports never hold are read.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadOptions {
    /// Cell texts that mean "not answered", besides an empty cell ([`DEFAULT_MISSING`] by
    /// default). A cell that is one of its column's codes is always that code.
    pub missing: Vec<String>,
    /// Columns that the survey does not have, dropped without a notice (a weight, an import id).
    pub ignore_columns: Vec<String>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            missing: DEFAULT_MISSING
                .iter()
                .map(|token| (*token).to_owned())
                .collect(),
            ignore_columns: Vec::new(),
        }
    }
}

/// Responses read from a file, with what the reader should know about how they were read.
#[derive(Debug, Clone)]
pub struct Responses {
    /// The typed responses.
    pub data: Dataset,
    /// What was read past (columns set aside), one sentence each.
    pub notices: Vec<String>,
}

/// Reads the responses of `survey` from a `.csv` or `.parquet` file with the default
/// [`ReadOptions`], dropping the notices.
pub fn read_responses(survey: &Survey, path: &Path) -> Result<Dataset> {
    read_responses_with(survey, path, &ReadOptions::default()).map(|responses| responses.data)
}

/// Reads the responses of `survey` from a `.csv` or `.parquet` file.
pub fn read_responses_with(
    survey: &Survey,
    path: &Path,
    options: &ReadOptions,
) -> Result<Responses> {
    let shown = path.display().to_string();
    let table_error = |source| AnalysisError::Table {
        path: shown.clone(),
        source,
    };
    let (frame, rows_are_lines) = match TableFormat::from_path(path) {
        Some(TableFormat::Csv) => (
            // Every column as text: codes such as "01" must stay as written, and cells that the
            // writer neutralised against spreadsheet formulas ("'-1") come back as they were.
            CsvReadOptions::default()
                .with_has_header(true)
                .with_infer_schema_length(Some(0))
                .try_into_reader_with_file_path(Some(path.to_path_buf()))
                .and_then(|reader| reader.finish())
                .and_then(|frame| vecu_survey::restore_csv_columns(&frame))
                .map_err(table_error)?,
            true,
        ),
        Some(TableFormat::Parquet) => {
            let file = std::fs::File::open(path).map_err(|source| AnalysisError::Io {
                path: shown.clone(),
                source,
            })?;
            (
                ParquetReader::new(file).finish().map_err(table_error)?,
                false,
            )
        }
        None => return Err(not_a_table(shown)),
    };
    let locate: &dyn Fn(usize) -> String = if rows_are_lines {
        &|row| format!("line {}", row + 2)
    } else {
        &|row| format!("row {}", row + 1)
    };
    from_frame(survey, &frame, options, locate).map_err(|problems| AnalysisError::Input {
        path: shown,
        problems,
    })
}

/// The refusal of a file that is neither CSV nor Parquet.
pub(crate) fn not_a_table(path: String) -> AnalysisError {
    AnalysisError::Input {
        path,
        problems: vec![InputProblem {
            column: None,
            location: None,
            message: "the responses must be a .csv or .parquet file (the wide table that \
                      `vecu export` or `vecu survey simulate` writes)"
                .to_owned(),
        }],
    }
}

/// Rows already in memory (in `codebook`'s columns, such as a store export that left free text
/// out), through the same checks as a file.
pub(crate) fn from_cells(
    survey: &Survey,
    codebook: &Codebook,
    rows: &[Vec<Cell>],
) -> Result<Dataset> {
    let frame =
        vecu_survey::to_dataframe(codebook, rows).map_err(|error| AnalysisError::Table {
            path: "(rows in memory)".to_owned(),
            source: match error {
                vecu_survey::TableError::Polars(source) => source,
                other => PolarsError::ComputeError(other.to_string().into()),
            },
        })?;
    from_frame(survey, &frame, &ReadOptions::default(), &|row| {
        format!("row {}", row + 1)
    })
    .map(|responses| responses.data)
    .map_err(|problems| AnalysisError::Input {
        path: "(rows in memory)".to_owned(),
        problems,
    })
}

/// Checks and types every column; on failure, the problems found.
pub(crate) fn from_frame(
    survey: &Survey,
    frame: &DataFrame,
    options: &ReadOptions,
    locate: &dyn Fn(usize) -> String,
) -> Result<Responses, Vec<InputProblem>> {
    let codebook = Codebook::new(survey);
    let mut problems = Problems {
        list: Vec::new(),
        locate,
        missing: &options.missing,
    };
    let has_mode = survey.frame_variable(MODE).is_none()
        && frame
            .get_column_names()
            .iter()
            .any(|name| name.as_str() == MODE);
    for name in &options.ignore_columns {
        if codebook.names().any(|known| known == name) {
            problems.push(
                name,
                None,
                format!(
                    "a column of survey {} version {}, so it cannot be ignored; take it out of \
                     the columns to ignore",
                    survey.id, survey.version
                ),
            );
        }
    }
    let set_aside: Vec<&str> = frame
        .get_column_names()
        .into_iter()
        .map(|name| name.as_str())
        .filter(|name| {
            let known = (has_mode && *name == MODE)
                || codebook.names().any(|known| known == *name)
                || options.ignore_columns.iter().any(|ignored| ignored == name);
            !known
        })
        .collect();
    let notices = set_aside_notice(survey, &set_aside).into_iter().collect();
    let mut dataset = Dataset {
        rows: frame.height(),
        frame: Vec::new(),
        columns: Vec::new(),
    };
    for column in &codebook.columns {
        let found = frame.column(&column.name).ok();
        match (&column.source, found) {
            (ColumnSource::Response, _) => {}
            (ColumnSource::Frame { variable, .. }, Some(values)) => {
                let levels = survey
                    .frame_variable(variable.as_str())
                    .map(|frame| {
                        frame
                            .values
                            .iter()
                            .map(|value| value.code.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                dataset
                    .frame
                    .push(frame_column(variable, levels, values, &mut problems))
            }
            (_, Some(values)) => dataset.columns.push(DataColumn {
                name: column.name.clone(),
                source: column.source.clone(),
                data: answer_column(survey, column, values, &mut problems),
            }),
            (source, None) if may_be_left_out(column) => dataset.columns.push(DataColumn {
                name: column.name.clone(),
                source: source.clone(),
                data: ColumnData::NotAnalysed,
            }),
            (_, None) => problems.push(
                &column.name,
                None,
                "missing column: the survey definition has it; export the responses again \
                 with this survey version"
                    .to_owned(),
            ),
        }
        if problems.list.len() >= PROBLEMS_IN_ALL {
            break;
        }
    }
    // The store's exports say how each response came (web link, web code, paper).
    if let (true, Ok(values), Some(variable)) =
        (has_mode, frame.column(MODE), vecu_survey::Id::parse(MODE))
    {
        let levels = MODES
            .iter()
            .filter_map(|mode| vecu_survey::Code::parse(mode))
            .collect();
        dataset
            .frame
            .push(frame_column(&variable, levels, values, &mut problems));
    }
    if problems.list.is_empty() {
        Ok(Responses {
            data: dataset,
            notices,
        })
    } else {
        Err(problems.list)
    }
}

/// The notice for columns that are not the survey's: what happens to them and how to silence it.
fn set_aside_notice(survey: &Survey, names: &[&str]) -> Option<String> {
    if names.is_empty() {
        return None;
    }
    let shown: Vec<String> = names
        .iter()
        .map(|name| match *name {
            // R's write.csv writes the row names under an empty header.
            "" => "an unnamed column (R's row names: write.csv(..., row.names = FALSE) leaves \
                   it out)"
                .to_owned(),
            name => name.to_owned(),
        })
        .collect();
    Some(format!(
        "{} column(s) that survey {} version {} does not have were set aside, not analysed: {}; \
         if one should be a question, compare its name with `vecu survey codebook`, otherwise \
         name them with --ignore-columns to silence this notice",
        names.len(),
        survey.id,
        survey.version,
        shown.join(", ")
    ))
}

/// Free text and months are not analysed, and exports leave free text out by default.
fn may_be_left_out(column: &CodebookColumn) -> bool {
    matches!(column.column_type, ColumnType::Text | ColumnType::Month)
}

/// The problems found so far, and what is needed to say them.
struct Problems<'a> {
    list: Vec<InputProblem>,
    locate: &'a dyn Fn(usize) -> String,
    /// The cell texts read as "not answered".
    missing: &'a [String],
}

impl Problems<'_> {
    /// An answered cell's text: trimmed, `None` when empty or a missing marker.
    fn answered<'v>(&self, value: Option<&'v str>) -> Option<&'v str> {
        value
            .map(str::trim)
            .filter(|value| !value.is_empty() && !self.is_missing_marker(value))
    }

    fn is_missing_marker(&self, value: &str) -> bool {
        self.missing.iter().any(|token| token == value)
    }

    /// How to say that a cell is not answered, for messages.
    fn how_to_leave_blank(&self) -> String {
        let markers: Vec<&str> = self
            .missing
            .iter()
            .map(String::as_str)
            .filter(|token| !token.is_empty())
            .collect();
        if markers.is_empty() {
            "leave the cell empty when not answered".to_owned()
        } else {
            format!(
                "leave the cell empty or write {} when not answered (`vecu analyse --na` sets \
                 other markers)",
                markers.join(" or ")
            )
        }
    }

    fn push(&mut self, column: &str, row: Option<usize>, message: String) {
        self.list.push(InputProblem {
            column: Some(column.to_owned()),
            location: row.map(self.locate),
            message,
        });
    }
}

/// The values of a column as text, whatever type the file gave it (Parquet may hold numbers).
fn as_text(values: &polars::prelude::Column) -> PolarsResult<Cow<'_, StringChunked>> {
    match values.dtype() {
        DataType::String => values.str().map(Cow::Borrowed),
        _ => Ok(Cow::Owned(values.cast(&DataType::String)?.str()?.clone())),
    }
}

/// The column a store export adds: how each response came.
pub const MODE: &str = "mode";
/// Its values.
const MODES: [&str; 3] = ["web_link", "web_code", "paper"];

fn frame_column(
    variable: &vecu_survey::Id,
    mut levels: Vec<vecu_survey::Code>,
    values: &polars::prelude::Column,
    problems: &mut Problems<'_>,
) -> FrameColumn {
    let mut out = Vec::with_capacity(values.len());
    let mut reported = 0;
    match as_text(values) {
        Ok(text) => {
            for (row, value) in text.iter().enumerate() {
                let value = value.map(str::trim).filter(|value| !value.is_empty());
                let Some(value) = value else {
                    out.push(MISSING);
                    continue;
                };
                match find_code(&levels, value) {
                    Some(level) => out.push(level as u16),
                    None if problems.is_missing_marker(value) => out.push(MISSING),
                    None if value == OTHER => {
                        levels.extend(vecu_survey::Code::parse(OTHER));
                        out.push((levels.len() - 1) as u16);
                    }
                    None => {
                        if reported < PROBLEMS_PER_COLUMN {
                            problems.push(
                                variable.as_str(),
                                Some(row),
                                format!(
                                    "{value:?} is not a value of frame variable {variable}; \
                                     allowed: {} (or {OTHER}); {}",
                                    join_codes(&levels),
                                    problems.how_to_leave_blank()
                                ),
                            );
                        }
                        reported += 1;
                        out.push(MISSING);
                    }
                }
            }
        }
        Err(error) => problems.push(variable.as_str(), None, error.to_string()),
    }
    FrameColumn {
        variable: variable.clone(),
        levels,
        values: out,
    }
}

/// The position of a cell's code: as written, or a whole number written as a float (`3.0`, as
/// pandas writes integer columns with gaps) when the code is that number.
fn find_code(codes: &[vecu_survey::Code], value: &str) -> Option<usize> {
    codes
        .iter()
        .position(|code| code.as_str() == value)
        .or_else(|| {
            let whole = whole_number(value)?.to_string();
            codes.iter().position(|code| code.as_str() == whole)
        })
}

/// A whole number written with a fraction or exponent (`1432.0`, `1e3`), else `None`.
pub(crate) fn whole_number(value: &str) -> Option<i64> {
    if !value.contains(['.', 'e', 'E']) {
        return None;
    }
    let number = value.parse::<f64>().ok()?;
    let fits = number.is_finite() && number.fract() == 0.0 && number.abs() < 9.0e15;
    // The cast is exact: a whole number below 2^53 in magnitude.
    fits.then_some(number as i64)
}

fn join_codes(codes: &[vecu_survey::Code]) -> String {
    codes
        .iter()
        .map(|code| code.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn answer_column(
    survey: &Survey,
    column: &CodebookColumn,
    values: &polars::prelude::Column,
    problems: &mut Problems<'_>,
) -> ColumnData {
    let result = match column.column_type {
        ColumnType::Code => coded(column, values, problems),
        ColumnType::Integer | ColumnType::Float => numeric(survey, column, values, problems),
        ColumnType::Flag => flags(column, values, problems),
        _ => Ok(ColumnData::NotAnalysed),
    };
    result.unwrap_or_else(|error| {
        problems.push(&column.name, None, error.to_string());
        ColumnData::NotAnalysed
    })
}

fn coded(
    column: &CodebookColumn,
    values: &polars::prelude::Column,
    problems: &mut Problems<'_>,
) -> PolarsResult<ColumnData> {
    let codes: Vec<vecu_survey::Code> = column
        .values
        .iter()
        .map(|value| value.code.clone())
        .collect();
    let text = as_text(values)?;
    let mut out = Vec::with_capacity(text.len());
    let mut reported = 0;
    for (row, value) in text.iter().enumerate() {
        let value = value.map(str::trim).filter(|value| !value.is_empty());
        let index = match value {
            None => MISSING,
            Some(value) => match find_code(&codes, value) {
                Some(index) => index as u16,
                None if problems.is_missing_marker(value) => MISSING,
                None => {
                    if reported < PROBLEMS_PER_COLUMN {
                        problems.push(
                            &column.name,
                            Some(row),
                            format!(
                                "{value:?} is not an answer code of this question; codes: {}; {}",
                                join_codes(&codes),
                                problems.how_to_leave_blank()
                            ),
                        );
                    }
                    reported += 1;
                    MISSING
                }
            },
        };
        out.push(index);
    }
    Ok(ColumnData::Coded { codes, values: out })
}

/// The allowed range of a numeric column: 0-10 for ratings, the definition's bounds for numbers.
fn numeric_range(survey: &Survey, column: &CodebookColumn) -> (f64, f64) {
    let item = match &column.source {
        ColumnSource::Item { item, .. } => survey.item(item.as_str()),
        _ => None,
    };
    match item.map(|item| &item.kind) {
        Some(ItemKind::Rating(_)) => (0.0, 10.0),
        Some(ItemKind::Number(spec)) => (spec.min, spec.max),
        _ => (f64::NEG_INFINITY, f64::INFINITY),
    }
}

fn numbers(
    values: &polars::prelude::Column,
    problems: &Problems<'_>,
) -> PolarsResult<Vec<Option<Result<f64, String>>>> {
    if values.dtype() == &DataType::String {
        Ok(values
            .str()?
            .iter()
            .map(|value| {
                let value = problems.answered(value)?;
                Some(value.parse::<f64>().map_err(|_| value.to_owned()))
            })
            .collect())
    } else {
        let cast = values.cast(&DataType::Float64)?;
        Ok(cast.f64()?.iter().map(|value| value.map(Ok)).collect())
    }
}

fn numeric(
    survey: &Survey,
    column: &CodebookColumn,
    values: &polars::prelude::Column,
    problems: &mut Problems<'_>,
) -> PolarsResult<ColumnData> {
    let (min, max) = numeric_range(survey, column);
    let whole = column.column_type == ColumnType::Integer;
    let mut reported = 0;
    let blank = problems.how_to_leave_blank();
    let out = numbers(values, problems)?
        .into_iter()
        .enumerate()
        .map(|(row, value)| {
            let problem = match value {
                None => return f64::NAN,
                Some(Ok(number)) if number.is_finite() && (min..=max).contains(&number) => {
                    if !whole || number.fract() == 0.0 {
                        return number;
                    }
                    format!("{number} is not a whole number; {blank}")
                }
                Some(Ok(number)) => format!("{number} is outside {min} to {max}; {blank}"),
                Some(Err(text)) => format!("{text:?} is not a number; {blank}"),
            };
            if reported < PROBLEMS_PER_COLUMN {
                problems.push(&column.name, Some(row), problem);
            }
            reported += 1;
            f64::NAN
        })
        .collect();
    Ok(ColumnData::Numeric(out))
}

fn flags(
    column: &CodebookColumn,
    values: &polars::prelude::Column,
    problems: &mut Problems<'_>,
) -> PolarsResult<ColumnData> {
    let mut reported = 0;
    let out = numbers(values, problems)?
        .into_iter()
        .enumerate()
        .map(|(row, value)| match value {
            None => MISSING_FLAG,
            Some(Ok(0.0)) => 0,
            Some(Ok(1.0)) => 1,
            other => {
                if reported < PROBLEMS_PER_COLUMN {
                    let shown = match other {
                        Some(Ok(number)) => number.to_string(),
                        Some(Err(text)) => text,
                        None => String::new(),
                    };
                    problems.push(
                        &column.name,
                        Some(row),
                        format!(
                            "{shown:?} is not a tick: write 1 (ticked) or 0 (not ticked); {}",
                            problems.how_to_leave_blank()
                        ),
                    );
                }
                reported += 1;
                MISSING_FLAG
            }
        })
        .collect();
    Ok(ColumnData::Flag(out))
}
