//! Definitions from other tools: a REDCap data dictionary or a LimeSurvey structure file becomes
//! a vecu definition (JSON), with
//! every construct that does not map listed with its line and what to do, so that a person
//! finishes the definition before `vecu survey check`.

use serde_json::{json, Value};

mod limesurvey;
mod redcap;

pub use limesurvey::limesurvey_structure;
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

/// A label without the HTML tags that survey tools allow in labels.
pub(super) fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.is_empty() {
        text.to_owned()
    } else {
        out
    }
}

/// One part as itself, several under `all` or `any`.
pub(super) fn combine(key: &str, mut parts: Vec<Value>) -> Value {
    if parts.len() == 1 {
        parts.remove(0)
    } else {
        json!({ key: parts })
    }
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
