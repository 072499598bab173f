//! Translation status: for every text of a definition and every language, who translated it
//! from which language, and who checked it, by forward review or back translation (the steps of
//! cross-cultural adaptation: Beaton et al., "Guidelines for the process of cross-cultural
//! adaptation of self-report measures", Spine 2000;25(24):3186-91).
//!
//! The record lives beside the definition (`NAME.translations.json`), not in it: recording a
//! check does not make a new version of the questionnaire. Each record keeps a fingerprint of
//! the source text it was translated from and of the translation as checked, so a text changed
//! in one language after the others were checked is found: its translations are stale.
//!
//! Texts are named by a path through the definition that uses ids and codes rather than
//! positions (`/sections/diagnosis/items/gp_visits/options/none/label`), so moving a question
//! does not lose its record.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// How a translation was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckMethod {
    /// A second translator reviewed the translation against the source.
    ForwardReview,
    /// Translated back into the source language by someone who had not seen it, and compared.
    BackTranslation,
}

/// One text in one language: where it came from and who checked it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranslationRecord {
    /// The text's path (see the module's documentation).
    pub text: String,
    /// The language of this translation.
    pub lang: String,
    /// The language it was translated from.
    pub from: String,
    /// Fingerprint of the source text it was translated from.
    pub source: String,
    /// Fingerprint of the translation as it was checked.
    pub translation: String,
    /// Who translated it.
    pub translated_by: String,
    /// Who checked it, if anyone has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked_by: Option<String>,
    /// How it was checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<CheckMethod>,
    /// When (YYYY-MM-DD).
    pub on: String,
}

/// The translation record of a survey (its `NAME.translations.json`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TranslationLog {
    /// Records, one per text and language.
    pub records: Vec<TranslationRecord>,
}

/// Where a text stands in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TranslationStatus {
    /// Translated and checked, and neither text changed since.
    Checked {
        /// Who checked it.
        by: String,
        /// How.
        method: Option<CheckMethod>,
    },
    /// Translated, never checked.
    NotChecked {
        /// Who translated it.
        translated_by: String,
    },
    /// The source text changed since this translation was made: translate or check again.
    SourceChanged {
        /// The source language.
        from: String,
    },
    /// The translation itself was edited after it was checked.
    EditedSinceCheck,
    /// Nothing is recorded for this text in this language.
    NoRecord,
}

impl TranslationStatus {
    /// Whether this needs someone's work before fielding.
    pub fn needs_work(&self) -> bool {
        !matches!(self, TranslationStatus::Checked { .. })
    }
}

impl fmt::Display for TranslationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TranslationStatus::Checked { by, .. } => write!(f, "checked by {by}"),
            TranslationStatus::NotChecked { translated_by } => {
                write!(f, "translated by {translated_by}, not checked yet")
            }
            TranslationStatus::SourceChanged { from } => write!(
                f,
                "the {from} text changed since this was translated: translate it again, or check it still says the same"
            ),
            TranslationStatus::EditedSinceCheck => {
                write!(f, "edited since it was checked: have it checked again")
            }
            TranslationStatus::NoRecord => write!(
                f,
                "no record of who translated or checked it: record it with `vecu survey translations`"
            ),
        }
    }
}

/// One text's status in one language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextStatus {
    /// The text's path.
    pub text: String,
    /// The language.
    pub lang: String,
    /// Where it stands.
    #[serde(flatten)]
    pub status: TranslationStatus,
}

/// Why translation records could not be read or made.
#[derive(Debug, thiserror::Error)]
pub enum TranslationError {
    /// The definition or the record is not JSON of the expected shape.
    #[error("{what} is not valid: {message}; fix: {fix}")]
    Invalid {
        /// Which file.
        what: &'static str,
        /// The parser's message.
        message: String,
        /// What to do.
        fix: &'static str,
    },
    /// A language asked for is not one of the survey's.
    #[error("{lang:?} is not a language of this survey ({known}); fix: name one of them")]
    Language {
        /// The language asked for.
        lang: String,
        /// The survey's languages.
        known: String,
    },
    /// A text asked for is not in the definition.
    #[error("the definition has no text {0:?}; fix: copy a path from `vecu survey check --translations`")]
    NoText(String),
}

/// A short fingerprint of a text (the first 16 hex digits of its SHA-256).
pub fn fingerprint(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Every translated text of a definition: its path and its translations, by language.
pub fn translated_texts(definition: &Value) -> Vec<(String, BTreeMap<String, String>)> {
    let langs: BTreeSet<&str> = definition["languages"]
        .as_array()
        .map(|tags| tags.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut found = Vec::new();
    collect(definition, String::new(), &langs, &mut found);
    found
}

fn collect(
    value: &Value,
    path: String,
    langs: &BTreeSet<&str>,
    found: &mut Vec<(String, BTreeMap<String, String>)>,
) {
    match value {
        Value::Object(map) => {
            let is_text = !map.is_empty()
                && map
                    .iter()
                    .all(|(key, value)| langs.contains(key.as_str()) && value.is_string());
            if is_text {
                let texts = map
                    .iter()
                    .filter_map(|(lang, text)| Some((lang.clone(), text.as_str()?.to_owned())))
                    .collect();
                found.push((path, texts));
                return;
            }
            for (key, value) in map {
                if key != "$schema" {
                    collect(value, format!("{path}/{key}"), langs, found);
                }
            }
        }
        Value::Array(values) => {
            for (index, value) in values.iter().enumerate() {
                let name = value["id"]
                    .as_str()
                    .or_else(|| value["code"].as_str())
                    .map_or_else(|| index.to_string(), str::to_owned);
                collect(value, format!("{path}/{name}"), langs, found);
            }
        }
        _ => {}
    }
}

fn parse_definition(definition: &str) -> Result<Value, TranslationError> {
    serde_json::from_str(definition).map_err(|error| TranslationError::Invalid {
        what: "the survey definition",
        message: error.to_string(),
        fix: "run `vecu survey check` on it first",
    })
}

/// Reads a translation record file.
pub fn read_log(text: &str) -> Result<TranslationLog, TranslationError> {
    serde_json::from_str(text).map_err(|error| TranslationError::Invalid {
        what: "the translation record",
        message: error.to_string(),
        fix: "correct the JSON, or remove the file and record the translations again",
    })
}

/// Every text in every language but its source, with where it stands. A text's source is the
/// language its record names, or the survey's first language.
pub fn translation_status(
    definition: &str,
    log: &TranslationLog,
) -> Result<Vec<TextStatus>, TranslationError> {
    let document = parse_definition(definition)?;
    let default = document["languages"][0]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut statuses = Vec::new();
    for (path, texts) in translated_texts(&document) {
        for (lang, text) in &texts {
            let record = log
                .records
                .iter()
                .find(|record| record.text == path && &record.lang == lang);
            let source_lang = record.map_or(default.as_str(), |record| record.from.as_str());
            if lang == source_lang {
                continue;
            }
            let status = match record {
                None => TranslationStatus::NoRecord,
                Some(record) => {
                    let source = texts.get(&record.from).map(|source| fingerprint(source));
                    if source.as_deref() != Some(record.source.as_str()) {
                        TranslationStatus::SourceChanged {
                            from: record.from.clone(),
                        }
                    } else if fingerprint(text) != record.translation {
                        TranslationStatus::EditedSinceCheck
                    } else {
                        match &record.checked_by {
                            Some(by) => TranslationStatus::Checked {
                                by: by.clone(),
                                method: record.method,
                            },
                            None => TranslationStatus::NotChecked {
                                translated_by: record.translated_by.clone(),
                            },
                        }
                    }
                }
            };
            statuses.push(TextStatus {
                text: path.clone(),
                lang: lang.clone(),
                status,
            });
        }
    }
    Ok(statuses)
}

/// Who did what, for [`record_translations`].
#[derive(Debug, Clone)]
pub struct TranslationWork<'a> {
    /// The language translated.
    pub lang: &'a str,
    /// The language translated from.
    pub from: &'a str,
    /// Who translated.
    pub translated_by: &'a str,
    /// Who checked, if the check is recorded now.
    pub checked_by: Option<&'a str>,
    /// How they checked.
    pub method: Option<CheckMethod>,
    /// The day (YYYY-MM-DD).
    pub on: &'a str,
    /// The texts concerned; empty for every text of the definition.
    pub texts: &'a [String],
}

/// Records translations (and their check) of the definition's current texts into `log`,
/// replacing the earlier record of each text and language concerned. Returns how many.
pub fn record_translations(
    definition: &str,
    log: &mut TranslationLog,
    work: &TranslationWork<'_>,
) -> Result<usize, TranslationError> {
    let document = parse_definition(definition)?;
    let known: Vec<&str> = document["languages"]
        .as_array()
        .map(|tags| tags.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for lang in [work.lang, work.from] {
        if !known.contains(&lang) {
            return Err(TranslationError::Language {
                lang: lang.to_owned(),
                known: known.join(", "),
            });
        }
    }
    let texts = translated_texts(&document);
    if let Some(missing) = work
        .texts
        .iter()
        .find(|wanted| !texts.iter().any(|(path, _)| path == *wanted))
    {
        return Err(TranslationError::NoText(missing.clone()));
    }
    let mut recorded = 0;
    for (path, translations) in texts {
        if !work.texts.is_empty() && !work.texts.contains(&path) {
            continue;
        }
        let (Some(text), Some(source)) = (translations.get(work.lang), translations.get(work.from))
        else {
            continue;
        };
        log.records
            .retain(|record| !(record.text == path && record.lang == work.lang));
        log.records.push(TranslationRecord {
            text: path,
            lang: work.lang.to_owned(),
            from: work.from.to_owned(),
            source: fingerprint(source),
            translation: fingerprint(text),
            translated_by: work.translated_by.to_owned(),
            checked_by: work.checked_by.map(str::to_owned),
            method: work.method,
            on: work.on.to_owned(),
        });
        recorded += 1;
    }
    log.records
        .sort_by(|a, b| (&a.text, &a.lang).cmp(&(&b.text, &b.lang)));
    Ok(recorded)
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../surveys/example.json");

    fn work<'a>(lang: &'a str, checked: Option<&'a str>) -> TranslationWork<'a> {
        TranslationWork {
            lang,
            from: "fr",
            translated_by: "Anna",
            checked_by: checked,
            method: checked.map(|_| CheckMethod::BackTranslation),
            on: "2026-12-01",
            texts: &[],
        }
    }

    #[test]
    fn texts_are_named_by_ids_not_positions() {
        let document: Value = serde_json::from_str(EXAMPLE).expect("JSON");
        let paths: Vec<String> = translated_texts(&document)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert!(paths.contains(&"/title".to_owned()), "{paths:?}");
        assert!(
            paths
                .iter()
                .any(|p| p.starts_with("/sections/") && p.ends_with("/items/overall/text")),
            "{paths:?}"
        );
        assert!(paths.iter().all(|p| !p.contains("/0/")), "{paths:?}");
    }

    #[test]
    fn a_text_changed_in_the_source_makes_its_translations_stale() {
        let mut log = TranslationLog::default();
        let recorded =
            record_translations(EXAMPLE, &mut log, &work("de", Some("Bruno"))).expect("recorded");
        assert!(recorded > 10);
        record_translations(EXAMPLE, &mut log, &work("it", None)).expect("recorded");
        let before = translation_status(EXAMPLE, &log).expect("status");
        assert!(before
            .iter()
            .filter(|s| s.lang == "de")
            .all(|s| matches!(s.status, TranslationStatus::Checked { .. })));
        assert!(before
            .iter()
            .filter(|s| s.lang == "it")
            .all(|s| matches!(s.status, TranslationStatus::NotChecked { .. })));
        assert!(before
            .iter()
            .filter(|s| s.lang == "en")
            .all(|s| s.status == TranslationStatus::NoRecord));

        // The French question reworded (as an accepted proposal does): German and Italian of
        // that text only are stale.
        let base = crate::load_str(EXAMPLE).expect("loads");
        let fr = crate::Lang::parse("fr").expect("tag");
        let change = crate::ItemChange::Reword {
            text: BTreeMap::from([("fr".to_owned(), "Nouvelle formulation ?".to_owned())]),
        };
        let (changed, _) =
            crate::apply_change(EXAMPLE, "overall", &change, Some("1.1")).expect("applies");
        assert_ne!(
            base.item("overall").expect("item").text.get(&fr),
            "Nouvelle formulation ?"
        );
        let after = translation_status(&changed, &log).expect("status");
        let stale: Vec<(&str, &str)> = after
            .iter()
            .filter(|s| matches!(s.status, TranslationStatus::SourceChanged { .. }))
            .map(|s| (s.text.as_str(), s.lang.as_str()))
            .collect();
        assert_eq!(stale.len(), 2, "{stale:?}");
        assert!(stale
            .iter()
            .all(|(text, _)| text.ends_with("/items/overall/text")));

        // A German text edited after its check.
        let edited = EXAMPLE.replacen("\"de\": \"", "\"de\": \"Neu: ", 1);
        let status = translation_status(&edited, &log).expect("status");
        assert!(status
            .iter()
            .any(|s| s.status == TranslationStatus::EditedSinceCheck));
    }

    #[test]
    fn unknown_languages_and_texts_are_refused() {
        let mut log = TranslationLog::default();
        let error = record_translations(EXAMPLE, &mut log, &work("es", None)).expect_err("refused");
        assert!(error.to_string().contains("\"es\""), "{error}");
        let texts = ["/nope".to_owned()];
        let only = TranslationWork {
            texts: &texts,
            ..work("de", None)
        };
        let error = record_translations(EXAMPLE, &mut log, &only).expect_err("refused");
        assert!(matches!(error, TranslationError::NoText(_)), "{error}");
        assert!(log.records.is_empty());
    }
}
