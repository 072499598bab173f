//! Changes to one item of a survey version, as patient partners and researchers propose them
//! on the co-design pages, and the new version an accepted one makes.
//!
//! A change is applied to the definition's JSON rather than to the typed survey, so that what it
//! does not touch stays as its authors wrote it. The result is then loaded like any definition:
//! a change that would give a version `survey check` refuses is refused with the same problems,
//! so an accepted proposal can never store a broken questionnaire.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::LoadError;
use crate::load::load_value;
use crate::model::Survey;

/// One change to one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ItemChange {
    /// New wording of the question, in one or more languages (the others keep theirs).
    Reword {
        /// Language tag -> new text.
        text: BTreeMap<String, String>,
    },
    /// New or changed help text under the question, in one or more languages.
    Help {
        /// Language tag -> new help text.
        help: BTreeMap<String, String>,
    },
    /// A new answer option at the end of the item's own options.
    AddOption {
        /// The option's code (its value in the data).
        code: String,
        /// Language tag -> label; every language of the survey needs one.
        label: BTreeMap<String, String>,
        /// How it counts in scores: `positive`, `negative`, `neutral` or `not_applicable`.
        role: String,
    },
    /// The item moved to a section, at a position among its items.
    Move {
        /// The section's id.
        section: String,
        /// Position from 1; past the end puts it last.
        position: usize,
    },
    /// The item removed from the questionnaire.
    Remove,
}

impl ItemChange {
    /// A short name of the kind of change (`reword`, `help`, `add_option`, `move`, `remove`).
    pub fn kind(&self) -> &'static str {
        match self {
            ItemChange::Reword { .. } => "reword",
            ItemChange::Help { .. } => "help",
            ItemChange::AddOption { .. } => "add_option",
            ItemChange::Move { .. } => "move",
            ItemChange::Remove => "remove",
        }
    }
}

/// Why a change could not be applied.
#[derive(Debug, thiserror::Error)]
pub enum ProposalError {
    /// The version the change was proposed on is not a definition (it was stored by vecu, so
    /// this is corruption, not a user's mistake).
    #[error("the survey version the change applies to cannot be read: {0}")]
    Base(String),
    /// No item has this id.
    #[error("the survey has no item {item:?}; propose a change to one of its items (their ids are on the co-design page)")]
    NoItem {
        /// The id asked for.
        item: String,
    },
    /// The change is incomplete or does not fit the item.
    #[error("{message}; fix: {fix}")]
    Unfit {
        /// What is wrong.
        message: String,
        /// How to fix it.
        fix: String,
    },
    /// The changed questionnaire would not pass `survey check`.
    #[error("with this change the questionnaire would not pass `vecu survey check`: {0}")]
    Check(LoadError),
}

fn unfit(message: impl Into<String>, fix: impl Into<String>) -> ProposalError {
    ProposalError::Unfit {
        message: message.into(),
        fix: fix.into(),
    }
}

/// Applies one change to one item of `definition` and names the result `version` (or keeps the
/// version, to check that a change applies): returns the new definition's text and the survey.
pub fn apply_change(
    definition: &str,
    item: &str,
    change: &ItemChange,
    version: Option<&str>,
) -> Result<(String, Survey), ProposalError> {
    let mut document: Value =
        serde_json::from_str(definition).map_err(|error| ProposalError::Base(error.to_string()))?;
    let languages = languages(&document);
    let (section_idx, item_idx) = find_item(&document, item)?;
    match change {
        ItemChange::Reword { text } => merge_texts(
            item_at(&mut document, section_idx, item_idx),
            "text",
            text,
            &languages,
        )?,
        ItemChange::Help { help } => merge_texts(
            item_at(&mut document, section_idx, item_idx),
            "help",
            help,
            &languages,
        )?,
        ItemChange::AddOption { code, label, role } => add_option(
            item_at(&mut document, section_idx, item_idx),
            item,
            (code, label, role),
            &languages,
        )?,
        ItemChange::Move { section, position } => {
            let moved = items_of(&mut document, section_idx).remove(item_idx);
            let target = section_index(&document, section)?;
            let items = items_of(&mut document, target);
            let at = position.saturating_sub(1).min(items.len());
            items.insert(at, moved);
        }
        ItemChange::Remove => {
            items_of(&mut document, section_idx).remove(item_idx);
        }
    }
    if let Some(version) = version {
        document["version"] = Value::String(version.to_owned());
    }
    let survey = load_value(&document).map_err(ProposalError::Check)?;
    let text = serde_json::to_string_pretty(&document)
        .map_err(|error| ProposalError::Base(error.to_string()))?;
    Ok((text + "\n", survey))
}

/// What a change would do to `base` (whose definition is `definition`), item by item, as
/// `vecu survey diff` shows it.
pub fn preview_change(
    base: &Survey,
    definition: &str,
    item: &str,
    change: &ItemChange,
) -> Result<crate::SurveyDiff, ProposalError> {
    let (_, changed) = apply_change(definition, item, change, None)?;
    Ok(crate::diff(base, &changed))
}

/// The version after `version` that is not in `taken`: the last number raised by one
/// (`1.0` -> `1.1`, `2` -> `3`), or `.1` appended when it does not end in a number.
pub fn next_version(version: &str, taken: &[String]) -> String {
    let mut candidate = bump(version);
    while taken.contains(&candidate) {
        candidate = bump(&candidate);
    }
    candidate
}

fn bump(version: &str) -> String {
    let digits = version.len()
        - version
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .count();
    match version[digits..].parse::<u64>() {
        Ok(last) => format!("{}{}", &version[..digits], last + 1),
        Err(_) => format!("{version}.1"),
    }
}

fn languages(document: &Value) -> Vec<String> {
    document["languages"]
        .as_array()
        .map(|tags| {
            tags.iter()
                .filter_map(|tag| tag.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn sections(document: &Value) -> &[Value] {
    document["sections"].as_array().map_or(&[], Vec::as_slice)
}

fn find_item(document: &Value, item: &str) -> Result<(usize, usize), ProposalError> {
    sections(document)
        .iter()
        .enumerate()
        .find_map(|(s, section)| {
            section["items"]
                .as_array()?
                .iter()
                .position(|candidate| candidate["id"] == item)
                .map(|i| (s, i))
        })
        .ok_or_else(|| ProposalError::NoItem {
            item: item.to_owned(),
        })
}

fn section_index(document: &Value, section: &str) -> Result<usize, ProposalError> {
    let known: Vec<&str> = sections(document)
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    known.iter().position(|id| *id == section).ok_or_else(|| {
        unfit(
            format!("the survey has no section {section:?}"),
            format!("move the item to one of: {}", known.join(", ")),
        )
    })
}

fn items_of(document: &mut Value, section: usize) -> &mut Vec<Value> {
    // Both indices come from `find_item`/`section_index` on this document, and a section
    // without items is refused by the schema before a version is stored.
    match &mut document["sections"][section]["items"] {
        Value::Array(items) => items,
        other => {
            *other = Value::Array(Vec::new());
            match other {
                Value::Array(items) => items,
                _ => unreachable!("just set to an array"),
            }
        }
    }
}

fn item_at(document: &mut Value, section: usize, item: usize) -> &mut Value {
    &mut items_of(document, section)[item]
}

/// Checks the languages and texts a change brings: each a language of the survey (easy-read
/// variants included), none empty.
fn check_texts(
    texts: &BTreeMap<String, String>,
    languages: &[String],
    what: &str,
) -> Result<(), ProposalError> {
    if texts.is_empty() {
        return Err(unfit(
            format!("the proposal gives no {what}"),
            "give the new text in at least one language",
        ));
    }
    for (lang, text) in texts {
        if !languages.contains(lang) {
            return Err(unfit(
                format!("{lang:?} is not a language of this survey"),
                format!("write the {what} in one of: {}", languages.join(", ")),
            ));
        }
        if text.trim().is_empty() {
            return Err(unfit(
                format!("the {what} in {lang} is empty"),
                "write the text, or leave that language out to keep its current text",
            ));
        }
    }
    Ok(())
}

fn merge_texts(
    item: &mut Value,
    field: &str,
    texts: &BTreeMap<String, String>,
    languages: &[String],
) -> Result<(), ProposalError> {
    check_texts(
        texts,
        languages,
        if field == "help" {
            "help text"
        } else {
            "question"
        },
    )?;
    let Value::Object(item) = item else {
        return Err(ProposalError::Base(
            "an item is not a JSON object".to_owned(),
        ));
    };
    let entry = item
        .entry(field.to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    if let Value::Object(current) = entry {
        for (lang, text) in texts {
            current.insert(lang.clone(), Value::String(text.trim().to_owned()));
        }
    }
    Ok(())
}

fn add_option(
    item: &mut Value,
    id: &str,
    (code, label, role): (&String, &BTreeMap<String, String>, &String),
    languages: &[String],
) -> Result<(), ProposalError> {
    check_texts(label, languages, "label")?;
    if let Some(scale) = item["scale"].as_str() {
        return Err(unfit(
            format!("{id} takes its answers from the shared scale {scale:?}, used by other questions too"),
            "propose the new answer in a comment, so the researchers change the scale for every question that uses it",
        ));
    }
    let Some(options) = item.get_mut("options").and_then(Value::as_array_mut) else {
        return Err(unfit(
            format!("{id} has no list of answers to add to"),
            "propose a rewording instead, or add the answer to a choice question",
        ));
    };
    if options.iter().any(|option| option["code"] == code.as_str()) {
        return Err(unfit(
            format!("{id} already has an answer with code {code:?}"),
            "choose a code no other answer of the question uses",
        ));
    }
    let labels: Map<String, Value> = label
        .iter()
        .map(|(lang, text)| (lang.clone(), Value::String(text.trim().to_owned())))
        .collect();
    options.push(serde_json::json!({ "code": code, "label": labels, "role": role }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = include_str!("../../../surveys/example.json");

    fn first_item(survey: &Survey) -> String {
        survey.sections[0].items[0].id.to_string()
    }

    #[test]
    fn versions_count_up_past_the_taken_ones() {
        assert_eq!(next_version("1.0", &[]), "1.1");
        assert_eq!(next_version("2", &[]), "3");
        assert_eq!(next_version("1.9", &["1.10".to_owned()]), "1.11");
        assert_eq!(next_version("draft", &[]), "draft.1");
    }

    #[test]
    fn a_rewording_keeps_the_other_languages() {
        let base = crate::load_str(EXAMPLE).expect("example loads");
        let item = first_item(&base);
        let change = ItemChange::Reword {
            text: BTreeMap::from([("fr".to_owned(), "Nouvelle question ?".to_owned())]),
        };
        let (_, survey) = apply_change(EXAMPLE, &item, &change, Some("1.1")).expect("applies");
        let lang = |tag| crate::Lang::parse(tag).expect("tag");
        let new_item = survey.item(&item).expect("still there");
        let old_item = base.item(&item).expect("there");
        assert_eq!(new_item.text.get(&lang("fr")), "Nouvelle question ?");
        assert_eq!(
            new_item.text.get(&lang("de")),
            old_item.text.get(&lang("de"))
        );
        assert_eq!(survey.version, "1.1");
        assert_ne!(survey.hash, base.hash);
    }

    #[test]
    fn a_language_the_survey_lacks_is_refused() {
        let base = crate::load_str(EXAMPLE).expect("example loads");
        let change = ItemChange::Reword {
            text: BTreeMap::from([("es".to_owned(), "¿Pregunta?".to_owned())]),
        };
        let error =
            apply_change(EXAMPLE, &first_item(&base), &change, Some("1.1")).expect_err("refused");
        assert!(
            error.to_string().contains("\"es\" is not a language"),
            "{error}"
        );
    }

    #[test]
    fn removing_an_item_others_depend_on_fails_the_check() {
        let base = crate::load_str(EXAMPLE).expect("example loads");
        let condition_target = base
            .sections
            .iter()
            .flat_map(|s| &s.items)
            .find_map(|item| item.show_if.as_ref())
            .map(|condition| condition.references()[0].item.to_string());
        let Some(target) = condition_target else {
            panic!("the example survey has skip logic");
        };
        let error =
            apply_change(EXAMPLE, &target, &ItemChange::Remove, Some("1.1")).expect_err("refused");
        assert!(matches!(error, ProposalError::Check(_)), "{error}");
    }

    #[test]
    fn moving_puts_the_item_where_asked() {
        let base = crate::load_str(EXAMPLE).expect("example loads");
        let item = first_item(&base);
        let last = base.sections.last().expect("sections");
        let change = ItemChange::Move {
            section: last.id.to_string(),
            position: 99,
        };
        match apply_change(EXAMPLE, &item, &change, Some("1.1")) {
            Ok((_, survey)) => {
                let moved = survey.sections.last().expect("sections").items.last();
                assert_eq!(moved.map(|i| i.id.to_string()), Some(item));
            }
            // Moving the first question behind its dependants is refused by the check.
            Err(error) => assert!(matches!(error, ProposalError::Check(_)), "{error}"),
        }
    }

    #[test]
    fn an_option_needs_a_new_code_and_its_own_options() {
        let base = crate::load_str(EXAMPLE).expect("example loads");
        let document: Value = serde_json::from_str(EXAMPLE).expect("JSON");
        let with_options = sections(&document)
            .iter()
            .flat_map(|s| s["items"].as_array().into_iter().flatten())
            .find(|item| item.get("options").is_some())
            .and_then(|item| item["id"].as_str());
        let Some(id) = with_options else {
            panic!("the example survey has a question with its own options");
        };
        let item = base.item(id).expect("loaded");
        let labels: BTreeMap<String, String> = base
            .languages
            .iter()
            .map(|lang| (lang.as_str().to_owned(), "Autre".to_owned()))
            .collect();
        let change = ItemChange::AddOption {
            code: "other".to_owned(),
            label: labels.clone(),
            role: "neutral".to_owned(),
        };
        let (text, survey) =
            apply_change(EXAMPLE, item.id.as_str(), &change, Some("1.1")).expect("adds");
        assert!(survey.item(item.id.as_str()).is_some());
        let again =
            apply_change(&text, item.id.as_str(), &change, Some("1.2")).expect_err("refused");
        assert!(
            again.to_string().contains("already has an answer"),
            "{again}"
        );
    }
}
