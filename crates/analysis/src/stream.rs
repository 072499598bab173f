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
    let chunk_rows = chunk_rows.max(1);
    match TableFormat::from_path(path) {
        Some(TableFormat::Parquet) => {
            let mut chunks = ParquetChunks::open(path, chunk_rows)?;
            let total = Some(chunks.total);
            summarise(
                survey,
                options,
                &shown,
                &mut || chunks.next(),
                total,
                progress,
            )
        }
        Some(TableFormat::Csv) => {
            let mut chunks = CsvChunks::open(path, chunk_rows)?;
            summarise(
                survey,
                options,
                &shown,
                &mut || chunks.next(),
                None,
                progress,
            )
        }
        None => Err(not_a_table(shown)),
    }
}

/// One chunk as read: its rows, the file row of the first (0-based), and whether rows are
/// counted as CSV lines (after a header) or Parquet rows.
struct Chunk {
    frame: DataFrame,
    offset: usize,
    lines: bool,
}

type NextChunk<'a> = dyn FnMut() -> Result<Option<Chunk>> + Send + 'a;

/// Sums the chunks that `next` gives: one thread reads and checks the next chunk while this
/// one sums the last (two cores both busy), at most one chunk waiting between them.
fn summarise(
    survey: &Survey,
    options: &ReadOptions,
    path: &str,
    next: &mut NextChunk<'_>,
    total: Option<usize>,
    progress: &mut dyn FnMut(usize, Option<usize>),
) -> Result<SummaryRead> {
    std::thread::scope(|scope| {
        let (sender, checked) = std::sync::mpsc::sync_channel::<Result<(Responses, usize)>>(1);
        scope.spawn(move || loop {
            let item = match next() {
                Ok(Some(chunk)) => check(survey, options, path, &chunk)
                    .map(|responses| (responses, chunk.offset + chunk.frame.height())),
                Ok(None) => break,
                Err(error) => Err(error),
            };
            let failed = item.is_err();
            // A closed channel means the summing side stopped on an error: stop reading too.
            if sender.send(item).is_err() || failed {
                break;
            }
        });
        let mut read: Option<SummaryRead> = None;
        for item in checked {
            let (Responses { data, notices }, done) = item?;
            match &mut read {
                Some(read) => read.summary.add(survey, &data),
                None => {
                    let mut summary = Summary::empty(survey, &data);
                    summary.add(survey, &data);
                    read = Some(SummaryRead { summary, notices });
                }
            }
            progress(done, total);
        }
        // The readers always give a first chunk, even of no rows.
        read.ok_or_else(|| not_a_table(path.to_owned()))
    })
}

/// Checks one chunk as a whole file would be, rows numbered from the file's start.
fn check(survey: &Survey, options: &ReadOptions, path: &str, chunk: &Chunk) -> Result<Responses> {
    let locate = |row: usize| {
        if chunk.lines {
            format!("line {}", chunk.offset + row + 2)
        } else {
            format!("row {}", chunk.offset + row + 1)
        }
    };
    from_frame(survey, &chunk.frame, options, &locate).map_err(|problems| AnalysisError::Input {
        path: path.to_owned(),
        problems,
    })
}

/// A Parquet file read by row slices.
struct ParquetChunks<'a> {
    path: &'a Path,
    metadata: polars::io::parquet::metadata::FileMetadataRef,
    total: usize,
    chunk_rows: usize,
    offset: usize,
    started: bool,
}

impl<'a> ParquetChunks<'a> {
    fn open(path: &'a Path, chunk_rows: usize) -> Result<ParquetChunks<'a>> {
        let mut reader = ParquetReader::new(open(path)?);
        let metadata = reader
            .get_metadata()
            .map_err(|source| table_error(path, source))?
            .clone();
        Ok(ParquetChunks {
            path,
            total: metadata.num_rows,
            metadata,
            chunk_rows,
            offset: 0,
            started: false,
        })
    }

    fn next(&mut self) -> Result<Option<Chunk>> {
        if self.started && self.offset >= self.total {
            return Ok(None);
        }
        self.started = true;
        let mut reader = ParquetReader::new(open(self.path)?);
        reader.set_metadata(self.metadata.clone());
        let frame = reader
            .with_slice(Some((self.offset, self.chunk_rows)))
            .finish()
            .map_err(|source| table_error(self.path, source))?;
        let offset = self.offset;
        self.offset += self.chunk_rows;
        Ok(Some(Chunk {
            frame,
            offset,
            lines: false,
        }))
    }
}

/// A CSV file read by records, every cell as text.
struct CsvChunks<'a> {
    path: &'a Path,
    records: csv::Reader<File>,
    header: Vec<String>,
    chunk_rows: usize,
    offset: usize,
    done: bool,
}

impl<'a> CsvChunks<'a> {
    fn open(path: &'a Path, chunk_rows: usize) -> Result<CsvChunks<'a>> {
        let shown = path.display().to_string();
        let mut records = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_path(path)
            .map_err(|error| csv_problem(&shown, None, &error))?;
        let header = records
            .headers()
            .map_err(|error| csv_problem(&shown, Some(1), &error))?
            .iter()
            .map(str::to_owned)
            .collect();
        Ok(CsvChunks {
            path,
            records,
            header,
            chunk_rows,
            offset: 0,
            done: false,
        })
    }

    fn next(&mut self) -> Result<Option<Chunk>> {
        if self.done {
            return Ok(None);
        }
        // Cells go straight into polars' string builders: a String per cell would make the
        // allocator, not the parsing, the cost of reading.
        let mut columns: Vec<StringChunkedBuilder> = self
            .header
            .iter()
            .map(|name| StringChunkedBuilder::new(name.as_str().into(), self.chunk_rows))
            .collect();
        let mut record = csv::StringRecord::new();
        let mut rows = 0;
        while rows < self.chunk_rows {
            let line = self.offset + rows + 2;
            match self.records.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => break,
                Err(error) => {
                    let shown = self.path.display().to_string();
                    return Err(csv_problem(&shown, Some(line), &error));
                }
            }
            for (column, cell) in columns.iter_mut().zip(record.iter()) {
                if cell.is_empty() {
                    column.append_null();
                } else {
                    column.append_value(cell);
                }
            }
            rows += 1;
        }
        // A short chunk is the last; the first is given even without rows (an empty file
        // still has its columns).
        self.done = rows < self.chunk_rows;
        if rows == 0 && self.offset > 0 {
            return Ok(None);
        }
        let columns: Vec<Column> = columns
            .into_iter()
            .map(|column| column.finish().into_column())
            .collect();
        let frame = DataFrame::new(rows, columns)
            .and_then(|frame| vecu_survey::restore_csv_columns(&frame))
            .map_err(|source| table_error(self.path, source))?;
        let offset = self.offset;
        self.offset += rows;
        Ok(Some(Chunk {
            frame,
            offset,
            lines: true,
        }))
    }
}

fn open(path: &Path) -> Result<File> {
    File::open(path).map_err(|source| AnalysisError::Io {
        path: path.display().to_string(),
        source,
    })
}

fn table_error(path: &Path, source: PolarsError) -> AnalysisError {
    AnalysisError::Table {
        path: path.display().to_string(),
        source,
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
