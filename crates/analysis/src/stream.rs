//! Reading a response file chunk by chunk into its [`Summary`], so that memory stays flat as rows
//! grow (a national programme pools several years: ten million rows).
//!
//! Each chunk goes through the same checks as a whole file ([`crate::read_responses_with`]),
//! with its rows numbered from the file's start, and is summed into the summary before the next
//! is read. Parquet is read by row slices through polars; CSV by records through the `csv`
//! crate (polars would re-read the file from its start for every slice), every cell as text as
//! the whole-file reader does, an empty cell missing.

use std::fs::File;
use std::path::Path;

use polars::prelude::*;
use vecu_survey::{Survey, TableFormat};

use crate::error::{AnalysisError, InputProblem, Result};
use crate::load::{from_frame, not_a_table, ReadOptions, Responses};
use crate::summary::Summary;

/// Rows summed at a time: large enough for polars to read fast, small enough that one chunk
/// (about 150 MB of text columns for the shipped questionnaire) is what memory holds.
const CHUNK_ROWS: usize = 100_000;

/// A wave read into its summary, with what the reader should know about how it was read.
#[derive(Debug, Clone)]
pub struct SummaryRead {
    /// The wave's sufficient statistics.
    pub summary: Summary,
    /// What was read past (columns set aside), one sentence each.
    pub notices: Vec<String>,
}

/// Reads the responses of `survey` from a `.csv` or `.parquet` file into their summary, one
/// chunk of rows at a time; `progress` hears (rows read, rows in all when known).
pub fn read_summary(
    survey: &Survey,
    path: &Path,
    options: &ReadOptions,
    progress: &mut dyn FnMut(usize, Option<usize>),
) -> Result<SummaryRead> {
    read_summary_in_chunks(survey, path, options, CHUNK_ROWS, progress)
}

/// [`read_summary`] with chunks of `chunk_rows` rows (tests use small ones).
#[doc(hidden)]
pub fn read_summary_in_chunks(
    survey: &Survey,
    path: &Path,
    options: &ReadOptions,
    chunk_rows: usize,
    progress: &mut dyn FnMut(usize, Option<usize>),
) -> Result<SummaryRead> {
    let shown = path.display().to_string();
    let mut summed = Summed {
        survey,
        options,
        path: &shown,
        read: None,
    };
    let chunk_rows = chunk_rows.max(1);
    match TableFormat::from_path(path) {
        Some(TableFormat::Parquet) => {
            let table_error = |source| AnalysisError::Table {
                path: shown.clone(),
                source,
            };
            let open = || {
                File::open(path).map_err(|source| AnalysisError::Io {
                    path: shown.clone(),
                    source,
                })
            };
            let mut reader = ParquetReader::new(open()?);
            let metadata = reader.get_metadata().map_err(table_error)?.clone();
            let total = metadata.num_rows;
            let mut offset = 0;
            while offset < total || (total == 0 && summed.read.is_none()) {
                let mut reader = ParquetReader::new(open()?);
                reader.set_metadata(metadata.clone());
                let frame = reader
                    .with_slice(Some((offset, chunk_rows)))
                    .finish()
                    .map_err(table_error)?;
                summed.add(&frame, offset, false)?;
                offset += chunk_rows;
                progress(offset.min(total), Some(total));
            }
        }
        Some(TableFormat::Csv) => {
            let mut records = csv::ReaderBuilder::new()
                .has_headers(true)
                .from_path(path)
                .map_err(|error| csv_problem(&shown, None, &error))?;
            let header: Vec<String> = records
                .headers()
                .map_err(|error| csv_problem(&shown, Some(1), &error))?
                .iter()
                .map(str::to_owned)
                .collect();
            let mut offset = 0;
            let mut record = csv::StringRecord::new();
            loop {
                let mut cells: Vec<Vec<Option<String>>> = vec![Vec::new(); header.len()];
                let mut rows = 0;
                while rows < chunk_rows {
                    let line = offset + rows + 2;
                    match records.read_record(&mut record) {
                        Ok(true) => {}
                        Ok(false) => break,
                        Err(error) => return Err(csv_problem(&shown, Some(line), &error)),
                    }
                    for (column, cell) in cells.iter_mut().zip(record.iter()) {
                        column.push((!cell.is_empty()).then(|| cell.to_owned()));
                    }
                    rows += 1;
                }
                if rows == 0 && summed.read.is_some() {
                    break;
                }
                let columns: Vec<Column> = header
                    .iter()
                    .zip(cells)
                    .map(|(name, values)| Column::new(name.as_str().into(), values))
                    .collect();
                let frame = DataFrame::new(rows, columns)
                    .and_then(|frame| vecu_survey::restore_csv_columns(&frame))
                    .map_err(|source| AnalysisError::Table {
                        path: shown.clone(),
                        source,
                    })?;
                summed.add(&frame, offset, true)?;
                offset += rows;
                progress(offset, None);
                if rows < chunk_rows {
                    break;
                }
            }
        }
        None => return Err(not_a_table(shown)),
    }
    // A first chunk, even of no rows, is always summed.
    summed.read.ok_or_else(|| not_a_table(shown))
}

/// The summary being gathered.
struct Summed<'a> {
    survey: &'a Survey,
    options: &'a ReadOptions,
    path: &'a str,
    read: Option<SummaryRead>,
}

impl Summed<'_> {
    /// Checks and sums one chunk whose first row is the file's row `offset` (0-based).
    fn add(&mut self, frame: &DataFrame, offset: usize, lines: bool) -> Result<()> {
        let locate = |row: usize| {
            if lines {
                format!("line {}", offset + row + 2)
            } else {
                format!("row {}", offset + row + 1)
            }
        };
        let Responses { data, notices } = from_frame(self.survey, frame, self.options, &locate)
            .map_err(|problems| AnalysisError::Input {
                path: self.path.to_owned(),
                problems,
            })?;
        match &mut self.read {
            Some(read) => read.summary.add(self.survey, &data),
            None => {
                let mut summary = Summary::empty(self.survey, &data);
                summary.add(self.survey, &data);
                self.read = Some(SummaryRead { summary, notices });
            }
        }
        Ok(())
    }
}

fn csv_problem(path: &str, line: Option<usize>, error: &csv::Error) -> AnalysisError {
    let line = error
        .position()
        .map(|position| position.line() as usize)
        .or(line);
    AnalysisError::Input {
        path: path.to_owned(),
        problems: vec![InputProblem {
            column: None,
            location: line.map(|line| format!("line {line}")),
            message: format!(
                "{}; every line must have as many cells as the header, in UTF-8",
                match error.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("{len} cells where the header has {expected_len}"),
                    _ => error.to_string(),
                }
            ),
        }],
    }
}
