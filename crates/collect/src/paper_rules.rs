//! The paper rules: how what data-entry staff type from a paper questionnaire becomes answers,
//! the same way for every questionnaire, with every edit counted.
//!
//! What is typed, field by field (one field per question, one per matrix row):
//! - nothing: no answer;
//! - the option's number as printed beside its box (1, 2, ...), for single-choice, scale and
//!   matrix questions; several numbers (`135` or `1 3 5`) for multiple choice; the value for
//!   ratings and numbers; `MM/YYYY` (or `MMYYYY`) for months; the text for free text;
//! - `m`: several boxes ticked on a question that takes one; the answer becomes missing
//!   (rule "multiple ticks");
//! - `u`: unreadable; the answer becomes missing (rule "unreadable").
//!
//! Then the routing rule: answers to questions that the patient's own earlier answers say to
//! skip are removed (rule "routing").

use std::collections::BTreeMap;

use serde_json::{json, Value};
use vecu_survey::{Answers, Item, ItemKind, Survey};

use crate::i18n::Texts;

/// What one keyed questionnaire became.
#[derive(Debug, Clone, Default)]
pub struct Cleaned {
    /// The answers kept.
    pub answers: Answers,
    /// Edits made by the rules: (field, rule), rule one of `multiple_ticks`, `unreadable`,
    /// `routing_removed`.
    pub edits: Vec<(String, &'static str)>,
    /// Fields whose typed value is not allowed: (field, what to type instead). Nothing is
    /// saved until there are none.
    pub errors: Vec<(String, Problem)>,
}

/// Why a typed value is not allowed, said in the staff's language by `message`.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A part's line holds more characters than the part has questions.
    LineTooLong { typed: usize, questions: usize },
    /// Not a box number of a question that takes one box.
    Option { boxes: usize },
    /// Not box numbers of a question that takes several.
    Options { boxes: usize },
    /// Not a rating from 0 to 10.
    Rating,
    /// Not a number in the question's range.
    Number { min: f64, max: f64 },
    /// Not a month and year.
    Month,
    /// A text without a question (nothing to key).
    NoAnswer,
    /// The survey refused the answer (its own message).
    Survey(String),
}

impl Problem {
    /// What to type instead, in the language of `texts`.
    pub fn message(&self, texts: &Texts) -> String {
        match self {
            Problem::LineTooLong { typed, questions } => texts.fill(
                "entry_error_line",
                &[
                    ("typed", &typed.to_string()),
                    ("questions", &questions.to_string()),
                ],
            ),
            Problem::Option { boxes } => {
                texts.fill("entry_error_option", &[("n", &boxes.to_string())])
            }
            Problem::Options { boxes } => {
                texts.fill("entry_error_options", &[("n", &boxes.to_string())])
            }
            Problem::Rating => texts.get("entry_error_rating"),
            Problem::Number { min, max } => texts.fill(
                "entry_error_number",
                &[("min", &min.to_string()), ("max", &max.to_string())],
            ),
            Problem::Month => texts.get("entry_error_month"),
            Problem::NoAnswer => texts.get("entry_error_no_answer"),
            Problem::Survey(message) => message.clone(),
        }
    }
}

/// One field of the data-entry page: a question, or a row of a matrix.
#[derive(Debug, Clone)]
pub struct Field<'a> {
    /// Form name: the item id, or `item.row` for a matrix row.
    pub name: String,
    /// As printed: the question number, and the row letter of a matrix (`12b`).
    pub label: String,
    /// The question.
    pub item: &'a Item,
    /// The section (page) it is in.
    pub section: usize,
    /// Answered with one character (at most nine boxes): keyed in its section's line.
    pub in_line: bool,
}

/// The fields of a survey in paper order.
pub fn fields(survey: &Survey) -> Vec<Field<'_>> {
    let one_character = |options: &vecu_survey::Options| options.options.len() <= 9;
    let mut fields = Vec::new();
    for (section, item) in survey.items() {
        let Some(number) = survey.question_number(&item.id) else {
            continue;
        };
        match &item.kind {
            ItemKind::Matrix(matrix) => {
                for (idx, row) in matrix.rows.iter().enumerate() {
                    fields.push(Field {
                        name: format!("{}.{}", item.id, row.id),
                        label: format!("{number}{}", crate::pages::paper::letter(idx)),
                        item,
                        section,
                        in_line: one_character(&matrix.options),
                    });
                }
            }
            ItemKind::Display => {}
            kind => fields.push(Field {
                name: item.id.to_string(),
                label: number.to_string(),
                item,
                section,
                in_line: matches!(kind, ItemKind::SingleChoice(o) | ItemKind::Scale(o) if one_character(o)),
            }),
        }
    }
    fields
}

/// The form name of a section's line.
pub fn line_name(section: usize) -> String {
    format!("line.{section}")
}

/// Spreads each section's line over its one-character fields, in paper order: one character
/// per field (`.` for a blank box, spaces ignored, the rest of the line blank when it ends
/// early). Returns the fields typed and the lines that hold too many characters.
pub fn expand_lines(
    survey: &Survey,
    lines: &BTreeMap<usize, String>,
) -> (BTreeMap<String, String>, Vec<(String, Problem)>) {
    let all = fields(survey);
    let mut typed = BTreeMap::new();
    let mut errors = Vec::new();
    for (&section, line) in lines {
        let in_line: Vec<&Field> = all
            .iter()
            .filter(|field| field.section == section && field.in_line)
            .collect();
        let characters: Vec<char> = line.chars().filter(|c| !c.is_whitespace()).collect();
        if characters.len() > in_line.len() {
            errors.push((
                line_name(section),
                Problem::LineTooLong {
                    typed: characters.len(),
                    questions: in_line.len(),
                },
            ));
            continue;
        }
        for (field, character) in in_line.iter().zip(characters) {
            if character != '.' {
                typed.insert(field.name.clone(), character.to_string());
            }
        }
    }
    (typed, errors)
}

/// A section's line as typed, rebuilt from the fields (to show it again after an error).
pub fn line_text(fields: &[&Field<'_>], typed: &BTreeMap<String, String>) -> String {
    let text: String = fields
        .iter()
        .map(|field| {
            typed
                .get(&field.name)
                .and_then(|value| value.chars().next())
                .unwrap_or('.')
        })
        .collect();
    text.trim_end_matches('.').to_owned()
}

/// A typed value as compared between two keyings: trimmed, lower case, inner spaces dropped.
pub fn normalise(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Applies the paper rules to typed fields (by field name).
pub fn clean(survey: &Survey, typed: &BTreeMap<String, String>) -> Cleaned {
    let mut cleaned = Cleaned::default();
    let mut json_answers: BTreeMap<String, Value> = BTreeMap::new();
    for Field {
        name: field, item, ..
    } in fields(survey)
    {
        let text = typed.get(&field).map(|t| t.trim()).unwrap_or_default();
        if text.is_empty() {
            continue;
        }
        let is_text = matches!(item.kind, ItemKind::Text(_));
        let code = normalise(text);
        if !is_text && code == "m" {
            cleaned.edits.push((field, "multiple_ticks"));
            continue;
        }
        if !is_text && code == "u" {
            cleaned.edits.push((field, "unreadable"));
            continue;
        }
        match keyed_value(item, text) {
            Ok(value) => match &item.kind {
                ItemKind::Matrix(_) => {
                    let row = field
                        .split_once('.')
                        .map(|(_, row)| row.to_owned())
                        .unwrap_or_default();
                    let entry = json_answers
                        .entry(item.id.to_string())
                        .or_insert_with(|| json!({}));
                    if let Some(object) = entry.as_object_mut() {
                        object.insert(row, value);
                    }
                }
                _ => {
                    json_answers.insert(field, value);
                }
            },
            Err(message) => cleaned.errors.push((field, message)),
        }
    }
    let mut answers = Answers::new();
    for (id, value) in json_answers {
        let Some(item) = survey.item(&id) else {
            continue;
        };
        match survey.parse_item_answer(item, &value) {
            Ok(answer) => answers.insert(item.id.clone(), answer),
            // A multiple choice with an exclusive box ticked beside others: several ticks.
            Err(_) if matches!(item.kind, ItemKind::MultipleChoice(_)) => {
                cleaned.edits.push((id, "multiple_ticks"))
            }
            Err(error) => cleaned.errors.push((id, Problem::Survey(error.message))),
        }
    }
    // Routing: answers the patient's own earlier answers say to skip are removed.
    let visibility = survey.visibility(&answers);
    for (id, _) in answers.iter() {
        if !visibility.item_shown(id) {
            cleaned.edits.push((id.to_string(), "routing_removed"));
        }
    }
    cleaned.answers = visibility.into_shown_answers();
    cleaned
}

/// The JSON answer of one typed field, or what to type instead.
fn keyed_value(item: &Item, text: &str) -> Result<Value, Problem> {
    match &item.kind {
        ItemKind::SingleChoice(options) | ItemKind::Scale(options) => option_code(options, text)
            .ok_or(Problem::Option {
                boxes: options.options.len(),
            }),
        ItemKind::Matrix(matrix) => option_code(&matrix.options, text).ok_or(Problem::Option {
            boxes: matrix.options.options.len(),
        }),
        ItemKind::MultipleChoice(options) => {
            let n = options.options.len();
            let parts: Vec<&str> = if n <= 9 && !text.contains([' ', ',']) {
                text.split("").filter(|part| !part.is_empty()).collect()
            } else {
                text.split([' ', ','])
                    .filter(|part| !part.is_empty())
                    .collect()
            };
            let codes: Option<Vec<Value>> = parts
                .iter()
                .map(|part| option_code(options, part))
                .collect();
            codes.map(Value::Array).ok_or(Problem::Options { boxes: n })
        }
        ItemKind::Rating(_) => text
            .parse::<i64>()
            .ok()
            .filter(|value| (0..=10).contains(value))
            .map(Value::from)
            .ok_or(Problem::Rating),
        ItemKind::Number(spec) => text
            .replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|value| (spec.min..=spec.max).contains(value))
            .map(Value::from)
            .ok_or(Problem::Number {
                min: spec.min,
                max: spec.max,
            }),
        ItemKind::MonthYear(_) => month(text).map(Value::from).ok_or(Problem::Month),
        ItemKind::Text(_) => Ok(Value::from(text)),
        ItemKind::Display => Err(Problem::NoAnswer),
    }
}

/// The code of the option with this printed number (1-based).
fn option_code(options: &vecu_survey::Options, typed: &str) -> Option<Value> {
    let number: usize = typed.trim().parse().ok()?;
    let option = options.options.get(number.checked_sub(1)?)?;
    Some(Value::from(option.code.as_str()))
}

/// `MM/YYYY`, `MM.YYYY`, `MM-YYYY` or `MMYYYY` as `YYYY-MM`.
fn month(typed: &str) -> Option<String> {
    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
    let (month, year) = match typed.split_once(['/', '.', '-']) {
        Some((month, year)) => (month.trim().to_owned(), year.trim().to_owned()),
        None if digits.len() == 6 => (digits[..2].to_owned(), digits[2..].to_owned()),
        None if digits.len() == 5 => (digits[..1].to_owned(), digits[1..].to_owned()),
        None => return None,
    };
    let month: u32 = month.parse().ok()?;
    let year: u32 = year.parse().ok()?;
    ((1..=12).contains(&month) && year >= 1900).then(|| format!("{year:04}-{month:02}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Survey {
        let text = include_str!("../../../surveys/example.json");
        vecu_survey::load_str(text).expect("example")
    }

    fn typed(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_rules_remove_skipped_answers_and_count_every_edit() {
        let survey = example();
        let fields = fields(&survey);
        let surgery = fields
            .iter()
            .find(|field| field.name == "surgery")
            .expect("surgery");
        let ItemKind::SingleChoice(options) = &surgery.item.kind else {
            panic!("single choice")
        };
        let no = options
            .options
            .iter()
            .position(|option| option.code.as_str() == "no")
            .expect("a no option")
            + 1;
        // "No" to surgery, yet the follow-up questions were answered; a double tick on the
        // overall rating; an unreadable comment code is text, so kept.
        let cleaned = clean(
            &survey,
            &typed(&[
                ("surgery", &no.to_string()),
                ("surgery_explained", "1"),
                ("nights", "3"),
                ("overall", "m"),
                ("diagnosis_month", "03/2024"),
            ]),
        );
        assert!(cleaned.errors.is_empty(), "{:?}", cleaned.errors);
        let mut edits = cleaned.edits.clone();
        edits.sort();
        assert_eq!(
            edits,
            [
                ("nights".to_owned(), "routing_removed"),
                ("overall".to_owned(), "multiple_ticks"),
                ("surgery_explained".to_owned(), "routing_removed"),
            ]
        );
        assert_eq!(cleaned.answers.len(), 2, "surgery and the month stay");
        assert!(survey.validate_paper_answers(cleaned.answers).is_ok());
    }

    #[test]
    fn values_outside_the_printed_boxes_are_refused_with_what_to_type() {
        let survey = example();
        let cleaned = clean(
            &survey,
            &typed(&[
                ("surgery", "7"),
                ("overall", "11"),
                ("diagnosis_month", "13/2024"),
            ]),
        );
        let fields: Vec<&str> = cleaned.errors.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(fields, ["diagnosis_month", "surgery", "overall"]);
        assert_eq!(cleaned.errors[1].1, Problem::Option { boxes: 2 });
        let said = |lang: &str| {
            cleaned.errors[1]
                .1
                .message(&Texts::interface(lang).expect("an interface language"))
        };
        assert!(said("en").starts_with("type 1 to 2"), "{}", said("en"));
        assert!(
            said("de").starts_with("Tippen Sie 1 bis 2"),
            "{}",
            said("de")
        );
        assert!(said("fr").starts_with("tapez 1 à 2"), "{}", said("fr"));
        assert_eq!(normalise(" 1 3 5 "), "135");
        assert_eq!(month("3.2024").as_deref(), Some("2024-03"));
        assert_eq!(month("032024").as_deref(), Some("2024-03"));
    }

    /// What a keyer types for an answer: the printed box numbers, the value, the month.
    fn typed_for(item: &Item, field: &str, answer: &vecu_survey::Answer) -> Option<String> {
        use vecu_survey::Answer;
        let position = |options: &vecu_survey::Options, code: &vecu_survey::Code| {
            options
                .options
                .iter()
                .position(|option| &option.code == code)
                .map(|idx| (idx + 1).to_string())
        };
        match (&item.kind, answer) {
            (ItemKind::SingleChoice(o) | ItemKind::Scale(o), Answer::Choice(code)) => {
                position(o, code)
            }
            (ItemKind::MultipleChoice(o), Answer::Choices(codes)) => {
                let numbers: Option<Vec<String>> = codes.iter().map(|c| position(o, c)).collect();
                let separator = if o.options.len() > 9 { " " } else { "" };
                numbers.map(|numbers| numbers.join(separator))
            }
            (ItemKind::Matrix(matrix), Answer::Matrix(rows)) => {
                let row = field.split_once('.')?.1;
                let code = rows.iter().find(|(id, _)| id.as_str() == row)?.1;
                position(&matrix.options, code)
            }
            (_, Answer::Rating(value)) => Some(value.to_string()),
            (_, Answer::Number(value)) => Some(value.to_string()),
            (_, Answer::Text(text)) => Some(text.clone()),
            (_, Answer::MonthYear { year, month }) => Some(format!("{month:02}/{year}")),
            _ => None,
        }
    }

    /// Simulated questionnaires of the shipped survey, typed as a keyer would, come back as
    /// the same answers; and the keystrokes it takes, per answered question, are measured:
    /// the access code and Enter, then per field its characters and one Tab to the next.
    #[test]
    fn keying_the_shipped_survey_round_trips_and_takes_few_keystrokes() {
        let text = include_str!("../../../surveys/scape-cancer.json");
        let survey = vecu_survey::load_str(text).expect("shipped survey");
        let all_fields = fields(&survey);
        let sections: std::collections::BTreeSet<usize> = all_fields
            .iter()
            .filter(|field| field.in_line)
            .map(|field| field.section)
            .collect();
        let (mut keystrokes, mut answered, mut questionnaires) = (0usize, 0usize, 0usize);
        for response in vecu_survey::simulate(&survey, 200, 7) {
            let mut typed = BTreeMap::new();
            for field in &all_fields {
                if let Some(answer) = response.answers.get(&field.item.id) {
                    if let Some(value) = typed_for(field.item, &field.name, answer) {
                        typed.insert(field.name.clone(), value);
                    }
                }
            }
            // What the keyer types: each section's line, the other fields one by one.
            let mut lines = BTreeMap::new();
            for &section in &sections {
                let in_line: Vec<&Field> = all_fields
                    .iter()
                    .filter(|field| field.section == section && field.in_line)
                    .collect();
                lines.insert(section, line_text(&in_line, &typed));
            }
            let (from_lines, errors) = expand_lines(&survey, &lines);
            assert!(errors.is_empty(), "{errors:?}");
            let mut keyed: BTreeMap<String, String> = typed
                .iter()
                .filter(|(name, _)| all_fields.iter().any(|f| &f.name == *name && !f.in_line))
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect();
            keyed.extend(from_lines);
            let cleaned = clean(&survey, &keyed);
            assert!(cleaned.errors.is_empty(), "{:?}", cleaned.errors);
            assert!(cleaned.edits.is_empty(), "{:?}", cleaned.edits);
            assert_eq!(cleaned.answers, response.answers);
            // The code (13 characters) and Enter; each line's characters and a Tab; each other
            // field's characters (free text counted as one: the keyer copies words, not boxes)
            // and a Tab; Enter to save.
            keystrokes += 14;
            keystrokes += lines
                .values()
                .map(|line| line.chars().count() + 1)
                .sum::<usize>();
            for field in all_fields.iter().filter(|field| !field.in_line) {
                let value = keyed.get(&field.name).map_or(0, |value| {
                    if matches!(field.item.kind, ItemKind::Text(_)) {
                        1
                    } else {
                        value.chars().count()
                    }
                });
                keystrokes += value + 1;
            }
            keystrokes += 1;
            answered += typed.len();
            questionnaires += 1;
        }
        let per_questionnaire = keystrokes as f64 / questionnaires as f64;
        let per_answer = keystrokes as f64 / answered as f64;
        let without_code = (keystrokes - 14 * questionnaires) as f64 / answered as f64;
        println!(
            "keystrokes per questionnaire of {}: {per_questionnaire:.1} for {:.1} answered fields ({per_answer:.2} per answered field, {without_code:.2} without typing the code; {} fields in all, {} in lines)",
            survey.id,
            answered as f64 / questionnaires as f64,
            all_fields.len(),
            all_fields.iter().filter(|field| field.in_line).count()
        );
        assert!(
            without_code < 2.0,
            "{without_code:.2} keystrokes per answer"
        );
    }
}
