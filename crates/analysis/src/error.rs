//! What can go wrong in an analysis, said so that the person running it can fix it.

use std::fmt;

/// One problem found in an input file: where, and what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct InputProblem {
    /// Column of the table, if the problem is in one.
    pub column: Option<String>,
    /// Line (CSV, counting the header as line 1) or row (Parquet, from 1), if the problem is in one.
    pub location: Option<String>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.location, &self.column) {
            (Some(location), Some(column)) => write!(f, "{location}, column {column}: ")?,
            (None, Some(column)) => write!(f, "column {column}: ")?,
            (Some(location), None) => write!(f, "{location}: ")?,
            (None, None) => {}
        }
        f.write_str(&self.message)
    }
}

/// Failure of an analysis.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file's contents do not fit the survey definition.
    #[error("{path}: {} problem(s):\n{}", problems.len(), list(problems))]
    Input {
        /// The file.
        path: String,
        /// Every problem found (the first few per column).
        problems: Vec<InputProblem>,
    },
    /// polars could not read or write a table.
    #[error("{path}: {source}")]
    Table {
        /// The file.
        path: String,
        /// Why.
        source: polars::prelude::PolarsError,
    },
    /// A chart could not be drawn.
    #[error("chart {path}: {message}")]
    Chart {
        /// The chart file.
        path: String,
        /// Why.
        message: String,
    },
    /// The options asked for something the data cannot give.
    #[error("{0}")]
    Options(String),
}

fn list(problems: &[InputProblem]) -> String {
    problems
        .iter()
        .map(|problem| format!("  - {problem}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Result of analysis functions.
pub type Result<T, E = AnalysisError> = std::result::Result<T, E>;
