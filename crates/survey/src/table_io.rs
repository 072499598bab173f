//! Writing the wide response table as CSV or Parquet (feature `table-io`, through polars).

use std::fs::File;
use std::path::Path;

use polars::prelude::*;

use crate::wide::{Cell, Codebook, ColumnType};

/// File formats of the wide table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// UTF-8 CSV with a header row; empty cells are missing values.
    Csv,
    /// Apache Parquet with typed columns.
    Parquet,
}

impl TableFormat {
    /// The format named by a file's extension (`.csv` or `.parquet`).
    pub fn from_path(path: &Path) -> Option<TableFormat> {
        match path.extension()?.to_str()? {
            "csv" => Some(TableFormat::Csv),
            "parquet" => Some(TableFormat::Parquet),
            _ => None,
        }
    }
}

/// Failure to build or write the table.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// The file could not be opened or created.
    #[error("cannot open or create {path}: {source}")]
    Create {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// polars could not build, read or write the table.
    #[error("cannot read or write the table: {0}")]
    Polars(#[from] PolarsError),
    /// A row does not match the codebook (a bug in the caller).
    #[error("row {row} has {found} cells, the codebook has {expected} columns")]
    Shape {
        /// Index of the row.
        row: usize,
        /// Cells in the row.
        found: usize,
        /// Columns in the codebook.
        expected: usize,
    },
}

/// The rows as a typed polars DataFrame, one column per codebook column.
pub fn to_dataframe(codebook: &Codebook, rows: &[Vec<Cell>]) -> Result<DataFrame, TableError> {
    for (idx, row) in rows.iter().enumerate() {
        if row.len() != codebook.columns.len() {
            return Err(TableError::Shape {
                row: idx,
                found: row.len(),
                expected: codebook.columns.len(),
            });
        }
    }
    let columns = codebook
        .columns
        .iter()
        .enumerate()
        .map(|(col_idx, column)| {
            let name = PlSmallStr::from(column.name.as_str());
            let cells = rows.iter().map(|row| &row[col_idx]);
            match column.column_type {
                ColumnType::Integer | ColumnType::Flag => {
                    let values: Vec<Option<i64>> = cells
                        .map(|cell| match cell {
                            Cell::Integer(value) => Some(*value),
                            Cell::Float(value) => Some(*value as i64),
                            _ => None,
                        })
                        .collect();
                    Column::new(name, values)
                }
                ColumnType::Float => {
                    let values: Vec<Option<f64>> = cells
                        .map(|cell| match cell {
                            Cell::Float(value) => Some(*value),
                            Cell::Integer(value) => Some(*value as f64),
                            _ => None,
                        })
                        .collect();
                    Column::new(name, values)
                }
                ColumnType::Id | ColumnType::Code | ColumnType::Text | ColumnType::Month => {
                    let values: Vec<Option<&str>> = cells
                        .map(|cell| match cell {
                            Cell::Text(value) => Some(value.as_str()),
                            _ => None,
                        })
                        .collect();
                    Column::new(name, values)
                }
            }
        })
        .collect();
    Ok(DataFrame::new(rows.len(), columns)?)
}

/// Writes the table to `path` in `format`.
pub fn write_table(
    frame: &mut DataFrame,
    path: &Path,
    format: TableFormat,
) -> Result<(), TableError> {
    let file = File::create(path).map_err(|source| TableError::Create {
        path: path.display().to_string(),
        source,
    })?;
    match format {
        TableFormat::Csv => CsvWriter::new(file).include_header(true).finish(frame)?,
        TableFormat::Parquet => {
            ParquetWriter::new(file).finish(frame)?;
        }
    }
    Ok(())
}

/// Writes rows that arrive in chunks (a million simulated responses need not be in memory at once).
pub fn write_table_in_chunks(
    codebook: &Codebook,
    chunks: impl Iterator<Item = Vec<Vec<Cell>>>,
    path: &Path,
    format: TableFormat,
) -> Result<usize, TableError> {
    let file = File::create(path).map_err(|source| TableError::Create {
        path: path.display().to_string(),
        source,
    })?;
    let schema = to_dataframe(codebook, &[])?.schema().as_ref().clone();
    let mut written = 0;
    match format {
        TableFormat::Csv => {
            let mut writer = CsvWriter::new(file).include_header(true).batched(&schema)?;
            for chunk in chunks {
                written += chunk.len();
                writer.write_batch(&to_dataframe(codebook, &chunk)?)?;
            }
            writer.finish()?;
        }
        TableFormat::Parquet => {
            let mut writer = ParquetWriter::new(file).batched(&schema)?;
            for chunk in chunks {
                written += chunk.len();
                writer.write_batch(&to_dataframe(codebook, &chunk)?)?;
            }
            writer.finish()?;
        }
    }
    Ok(written)
}

/// Reads a wide table back (CSV or Parquet, chosen by the extension), all columns as written.
pub fn read_table(path: &Path) -> Result<DataFrame, TableError> {
    let format = TableFormat::from_path(path).ok_or_else(|| TableError::Create {
        path: path.display().to_string(),
        source: std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the file must end in .csv or .parquet",
        ),
    })?;
    let file = File::open(path).map_err(|source| TableError::Create {
        path: path.display().to_string(),
        source,
    })?;
    let frame = match format {
        TableFormat::Csv => CsvReader::new(file).finish()?,
        TableFormat::Parquet => ParquetReader::new(file).finish()?,
    };
    Ok(frame)
}
