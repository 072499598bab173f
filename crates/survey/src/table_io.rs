//! Writing the wide response table as CSV or Parquet (feature `table-io`, through polars).

use std::fs::File;
use std::path::Path;

use polars::prelude::*;

use crate::csv_cell::{neutralise_csv_cell, restore_csv_cell};
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

/// `frame` with `cell` applied to every text cell; number columns are left alone. Columns where
/// `cell` changes nothing are shared, not copied.
fn map_text_cells(
    frame: &DataFrame,
    cell: impl Fn(&str) -> std::borrow::Cow<'_, str>,
) -> PolarsResult<DataFrame> {
    let mut mapped = frame.clone();
    for column in frame.columns() {
        if column.dtype() != &DataType::String {
            continue;
        }
        let texts = column.str()?;
        if !texts.iter().flatten().any(|text| cell(text) != text) {
            continue;
        }
        let values: Vec<Option<String>> = texts
            .iter()
            .map(|text| text.map(|text| cell(text).into_owned()))
            .collect();
        mapped.with_column(Column::new(column.name().clone(), values))?;
    }
    Ok(mapped)
}

/// `frame` as it goes into a CSV file: text cells that a spreadsheet would run as formulas are
/// neutralised ([`neutralise_csv_cell`], after OWASP's CSV injection guidance); numbers as they
/// are. Parquet files are written as they are.
pub fn neutralise_csv_columns(frame: &DataFrame) -> PolarsResult<DataFrame> {
    map_text_cells(frame, neutralise_csv_cell)
}

/// A table read from a CSV file that vecu wrote, with its text cells as they were before
/// [`neutralise_csv_columns`].
pub fn restore_csv_columns(frame: &DataFrame) -> PolarsResult<DataFrame> {
    map_text_cells(frame, restore_csv_cell)
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
        TableFormat::Csv => CsvWriter::new(file)
            .include_header(true)
            .finish(&mut neutralise_csv_columns(frame)?)?,
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
                writer.write_batch(&neutralise_csv_columns(&to_dataframe(codebook, &chunk)?)?)?;
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
        TableFormat::Csv => restore_csv_columns(&CsvReader::new(file).finish()?)?,
        TableFormat::Parquet => ParquetReader::new(file).finish()?,
    };
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temporary(name: &str) -> std::path::PathBuf {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.as_nanos());
        std::env::temp_dir().join(format!("vecu-{}-{nanos}-{name}", std::process::id()))
    }

    /// The example survey's codebook and two rows: free text that a spreadsheet would run, and
    /// a negative number.
    fn rows() -> (Codebook, Vec<Vec<Cell>>) {
        let survey = crate::load_str(include_str!("../../../surveys/example.json")).expect("valid");
        let codebook = Codebook::new(&survey);
        let index = |name: &str| {
            codebook
                .columns
                .iter()
                .position(|column| column.name == name)
                .expect("a column")
        };
        let rows = ["=HYPERLINK(\"http://x\")", "-1+2"]
            .iter()
            .enumerate()
            .map(|(row, comment)| {
                let mut cells = vec![Cell::Empty; codebook.columns.len()];
                cells[0] = Cell::Text(format!("{row:032x}"));
                cells[index("comments")] = Cell::Text((*comment).to_owned());
                cells[index("nights")] = Cell::Integer(-3);
                cells
            })
            .collect();
        (codebook, rows)
    }

    /// The cells of a column of a CSV file as written (no cell here holds a comma).
    fn raw_column(path: &Path, name: &str) -> Vec<String> {
        let text = std::fs::read_to_string(path).expect("written");
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
        let index = header
            .iter()
            .position(|column| *column == name)
            .expect("the column");
        lines
            .map(|line| line.split(',').nth(index).expect("a cell").to_owned())
            .collect()
    }

    #[test]
    fn csv_text_cells_that_start_like_formulas_are_neutralised_numbers_are_not() {
        let (codebook, rows) = rows();
        let whole = temporary("whole.csv");
        write_table(
            &mut to_dataframe(&codebook, &rows).expect("frame"),
            &whole,
            TableFormat::Csv,
        )
        .expect("written");
        let chunked = temporary("chunked.csv");
        write_table_in_chunks(
            &codebook,
            rows.chunks(1).map(<[Vec<Cell>]>::to_vec),
            &chunked,
            TableFormat::Csv,
        )
        .expect("written");
        for path in [&whole, &chunked] {
            assert_eq!(
                raw_column(path, "comments"),
                ["\"'=HYPERLINK(\"\"http://x\"\")\"", "'-1+2"]
            );
            assert_eq!(raw_column(path, "nights"), ["-3", "-3"]);
            // Read back by vecu, the cells are what was answered.
            assert_answered(&read_table(path).expect("read back"));
            let _ = std::fs::remove_file(path);
        }

        // Parquet keeps the cells as they are.
        let parquet = temporary("table.parquet");
        write_table(
            &mut to_dataframe(&codebook, &rows).expect("frame"),
            &parquet,
            TableFormat::Parquet,
        )
        .expect("written");
        let table = ParquetReader::new(File::open(&parquet).expect("file"))
            .finish()
            .expect("read");
        let _ = std::fs::remove_file(&parquet);
        assert_answered(&table);
    }

    /// The comments are the answers as given.
    fn assert_answered(table: &DataFrame) {
        let comments: Vec<Option<&str>> = table
            .column("comments")
            .expect("column")
            .str()
            .expect("text")
            .iter()
            .collect();
        assert_eq!(comments, [Some("=HYPERLINK(\"http://x\")"), Some("-1+2")]);
    }
}
