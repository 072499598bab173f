//! The coding frame of patients' comments: themes with translated labels, a description and
//! examples, and the tones a comment can have. A frame is deductive to start with (the one
//! shipped for cancer care, `surveys/coding-frame-cancer.json`) and refined by the team as
//! comments are read (DOMAIN.md §4).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// The starting frame shipped for cancer care.
pub const CANCER_CODING_FRAME: &str = include_str!("../../../surveys/coding-frame-cancer.json");

/// The tones of a comment.
pub const TONES: [&str; 3] = ["positive", "negative", "mixed"];

/// One theme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// Stable id (lower-case letters, digits and `_`).
    pub id: String,
    /// Label, by language.
    pub label: BTreeMap<String, String>,
    /// What belongs under it, by language.
    #[serde(default)]
    pub description: BTreeMap<String, String>,
    /// Typical comments (invented or scrubbed), to help coders agree.
    #[serde(default)]
    pub examples: Vec<String>,
}

/// A coding frame: its themes, in the order they are shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodingFrame {
    /// The themes.
    pub themes: Vec<Theme>,
}

/// Why a coding frame was refused.
#[derive(Debug, thiserror::Error)]
pub enum CodingFrameError {
    /// Not JSON of the frame's shape.
    #[error("the coding frame is not valid JSON of its shape at line {line}, column {column}: {message}; fix: follow surveys/coding-frame-cancer.json")]
    Syntax {
        /// Line.
        line: usize,
        /// Column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// A theme breaks a rule.
    #[error("theme {pointer}: {message}; fix: {fix}")]
    Theme {
        /// JSON pointer to the theme.
        pointer: String,
        /// What is wrong.
        message: String,
        /// What to do.
        fix: String,
    },
}

/// Languages every theme label is written in: those of the team pages.
pub const FRAME_LANGUAGES: [&str; 4] = ["fr", "de", "it", "en"];

impl Theme {
    /// The label in `lang`, else in English, else the id.
    pub fn label_in(&self, lang: &str) -> &str {
        self.label
            .get(lang)
            .or_else(|| self.label.get("en"))
            .map_or(self.id.as_str(), String::as_str)
    }
    /// Checks one theme; `at` is its place, for the message.
    pub fn check(&self, at: usize) -> Result<(), CodingFrameError> {
        let problem = |message: String, fix: &str| CodingFrameError::Theme {
            pointer: format!("/themes/{at}"),
            message,
            fix: fix.to_owned(),
        };
        let id_ok = self
            .id
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
            && self
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && self.id.len() <= 63;
        if !id_ok {
            return Err(problem(
                format!("id {:?} is not an identifier", self.id),
                "use lower-case letters, digits and _, starting with a letter",
            ));
        }
        if let Some(lang) = FRAME_LANGUAGES.iter().find(|lang| {
            self.label
                .get(**lang)
                .is_none_or(|label| label.trim().is_empty())
        }) {
            return Err(problem(
                format!("{} has no label in {lang}", self.id),
                "give the label in fr, de, it and en",
            ));
        }
        Ok(())
    }
}

impl CodingFrame {
    /// The frame shipped for cancer care (`surveys/coding-frame-cancer.json`), checked.
    pub fn cancer() -> Result<CodingFrame, CodingFrameError> {
        CodingFrame::parse(CANCER_CODING_FRAME)
    }

    /// Reads and checks a frame.
    pub fn parse(text: &str) -> Result<CodingFrame, CodingFrameError> {
        let frame: CodingFrame =
            serde_json::from_str(text).map_err(|error| CodingFrameError::Syntax {
                line: error.line(),
                column: error.column(),
                message: error.to_string(),
            })?;
        frame.check()?;
        Ok(frame)
    }

    /// Every theme valid, ids unique.
    pub fn check(&self) -> Result<(), CodingFrameError> {
        let mut seen = BTreeSet::new();
        for (at, theme) in self.themes.iter().enumerate() {
            theme.check(at)?;
            if !seen.insert(theme.id.as_str()) {
                return Err(CodingFrameError::Theme {
                    pointer: format!("/themes/{at}"),
                    message: format!("id {} is used twice", theme.id),
                    fix: "give each theme its own id".to_owned(),
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_frame_is_valid_and_covers_cancer_care() {
        let frame = CodingFrame::parse(CANCER_CODING_FRAME).expect("valid");
        let ids: Vec<&str> = frame.themes.iter().map(|t| t.id.as_str()).collect();
        for wanted in [
            "information",
            "communication",
            "coordination",
            "waiting",
            "respect_dignity",
            "pain_symptoms",
            "support_at_home",
            "administration",
        ] {
            assert!(ids.contains(&wanted), "{wanted} in {ids:?}");
        }
    }

    #[test]
    fn a_label_missing_in_a_language_is_refused_with_its_place() {
        let error = CodingFrame::parse(
            r#"{"themes": [{"id": "waiting", "label": {"fr": "Attente", "de": "Warten", "it": "Attesa"}}]}"#,
        )
        .expect_err("refused");
        assert!(error.to_string().contains("/themes/0"), "{error}");
        assert!(error.to_string().contains("in en"), "{error}");
    }
}
