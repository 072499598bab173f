//! Errors of the survey crate: each one says where (JSON pointer), what is wrong and how to fix it.

use std::fmt;

/// One problem found in a survey definition.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DefinitionError {
    /// JSON pointer (RFC 6901) to the offending value, `""` for the whole document.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl DefinitionError {
    pub(crate) fn new(
        pointer: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            pointer: pointer.into(),
            message: message.into(),
            fix: fix.into(),
        }
    }
}

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() {
            "(document)"
        } else {
            &self.pointer
        };
        write!(f, "at {at}: {}; fix: {}", self.message, self.fix)
    }
}

/// Why a survey definition could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The text is not JSON at all.
    #[error(
        "not valid JSON at line {line}, column {column}: {message}; fix the JSON syntax there"
    )]
    Syntax {
        /// Line of the error, from 1.
        line: usize,
        /// Column of the error, from 1.
        column: usize,
        /// The JSON parser's description of the error.
        message: String,
    },
    /// The JSON does not describe a valid survey; every problem found is listed.
    #[error("{} problem(s) in the survey definition:\n{}", .0.len(), list(.0))]
    Invalid(Vec<DefinitionError>),
}

impl LoadError {
    /// The individual problems (empty for a syntax error).
    pub fn problems(&self) -> &[DefinitionError] {
        match self {
            LoadError::Syntax { .. } => &[],
            LoadError::Invalid(problems) => problems,
        }
    }
}

/// One problem found in a response.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ResponseError {
    /// JSON pointer into the response, such as `/q12` or `/q30/pain`.
    pub pointer: String,
    /// The kind of problem, for programs (the web form places errors by item).
    pub kind: ResponseErrorKind,
    /// What is wrong and how to fix it, for people.
    pub message: String,
}

/// Kinds of response problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseErrorKind {
    /// The key is not an item of the survey, or not a row of the matrix.
    UnknownItem,
    /// The answer has the wrong JSON type or format for the item's kind.
    WrongType,
    /// The code is not one of the item's answer options.
    UnknownCode,
    /// A rating, number or year outside the item's bounds.
    OutOfRange,
    /// Free text longer than the item's `max_length`.
    TooLong,
    /// An exclusive option ("none of these") ticked together with others.
    ExclusiveCombined,
    /// A required item that is shown has no complete answer.
    RequiredMissing,
    /// An answer to an item that skip logic hides; it must be removed.
    AnsweredWhileHidden,
    /// An answer to display text, which takes none.
    NotAnswerable,
}

impl fmt::Display for ResponseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at {}: {}", self.pointer, self.message)
    }
}

/// A rejected response, with every problem found.
#[derive(Debug, Clone, PartialEq, thiserror::Error, serde::Serialize)]
#[error("{} problem(s) in the response:\n{}", .0.len(), list(.0))]
pub struct ResponseErrors(pub Vec<ResponseError>);

fn list<T: fmt::Display>(items: &[T]) -> String {
    items
        .iter()
        .map(|item| format!("  - {item}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Escapes one reference token of a JSON pointer (RFC 6901 section 3).
pub(crate) fn pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
