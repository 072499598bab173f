//! Definitions from other tools: a REDCap data dictionary becomes a vecu definition (JSON), with
//! every construct that does not map listed with its line and what to do, so that a person
//! finishes the definition before `vecu survey check`.

mod redcap;

pub use redcap::redcap_dictionary;

/// Something of the source that the definition does not carry as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmapped {
    /// Line of the source file (the header is line 1).
    pub line: usize,
    /// The field (variable) it concerns.
    pub field: String,
    /// What was not carried over, and what was done instead.
    pub what: String,
    /// What to do about it.
    pub todo: String,
}

impl std::fmt::Display for Unmapped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, field {}: {}; {}",
            self.line, self.field, self.what, self.todo
        )
    }
}

/// A definition made from another tool's, and what it could not carry.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The vecu definition (JSON), ready for `vecu survey check`.
    pub definition: serde_json::Value,
    /// What did not map, in source order.
    pub unmapped: Vec<Unmapped>,
}

/// Why a source could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file is not the expected CSV.
    #[error("line {line}: {message}")]
    Malformed {
        /// The line.
        line: usize,
        /// What is wrong and how to fix it.
        message: String,
    },
}
