//! The responses of one wave, typed by the survey definition.
//!
//! Codes are held as indices into the definition's answer codes (what a polars categorical is),
//! numbers as `f64` (NaN when missing), multiple-choice options as 0/1 flags. Frame variables get
//! one level per code of the definition, plus `other` when the export generalised rare values.

use vecu_survey::{Code, ColumnSource, Id, Survey};

/// Marks a missing code or level.
pub const MISSING: u16 = u16::MAX;
/// Marks a missing 0/1 flag (the question was not answered).
pub const MISSING_FLAG: u8 = 2;
/// The level the store's k-anonymous export puts rare frame values in.
pub const OTHER: &str = "other";

/// One frame variable's column.
#[derive(Debug, Clone)]
pub struct FrameColumn {
    /// The frame variable.
    pub variable: Id,
    /// Codes of the levels: the definition's, then `other` if the data holds it.
    pub levels: Vec<Code>,
    /// Level index per row, [`MISSING`] when the row has no value.
    pub values: Vec<u16>,
}

/// The values of one answer column.
#[derive(Debug, Clone)]
pub enum ColumnData {
    /// Answer codes: index into `codes`, [`MISSING`] when not answered.
    Coded {
        /// The column's codes, in the definition's order.
        codes: Vec<Code>,
        /// Code index per row.
        values: Vec<u16>,
    },
    /// Ratings and numbers; NaN when not answered.
    Numeric(Vec<f64>),
    /// One multiple-choice option: 1 ticked, 0 not, [`MISSING_FLAG`] when the question was not answered.
    Flag(Vec<u8>),
    /// Free text and months: read past, not analysed.
    NotAnalysed,
}

/// One answer column of the wide table.
#[derive(Debug, Clone)]
pub struct DataColumn {
    /// Column name (`item`, `item.option` or `item.row`).
    pub name: String,
    /// Where the column comes from in the definition.
    pub source: ColumnSource,
    /// The values.
    pub data: ColumnData,
}

/// The responses of one wave.
#[derive(Debug, Clone)]
pub struct Dataset {
    /// Number of responses.
    pub rows: usize,
    /// Frame variable columns, in the definition's order.
    pub frame: Vec<FrameColumn>,
    /// Answer columns, in the codebook's order; columns absent from the file (free text left out
    /// of an export) are [`ColumnData::NotAnalysed`].
    pub columns: Vec<DataColumn>,
}

impl Dataset {
    /// The frame column of a variable.
    pub fn frame_column(&self, variable: &str) -> Option<(usize, &FrameColumn)> {
        self.frame
            .iter()
            .enumerate()
            .find(|(_, column)| column.variable.as_str() == variable)
    }

    /// The answer column with this name.
    pub fn column(&self, name: &str) -> Option<&DataColumn> {
        self.columns.iter().find(|column| column.name == name)
    }

    /// A dataset from rows already in memory (a store export, a simulation): the cells of each
    /// row in the columns of `codebook`.
    pub fn from_cells(
        survey: &Survey,
        codebook: &vecu_survey::Codebook,
        rows: &[Vec<vecu_survey::Cell>],
    ) -> crate::Result<Dataset> {
        crate::load::from_cells(survey, codebook, rows)
    }
}
