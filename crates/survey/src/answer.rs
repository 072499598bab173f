//! Answers: typed values per item kind, read from and written to JSON.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::condition::ItemRef;
use crate::error::{pointer_token, ResponseError, ResponseErrorKind};
use crate::model::{Code, Id, Item, ItemKind, Options, Rating};

/// The answer to one item.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Single choice or scale: one code.
    Choice(Code),
    /// Multiple choice: the ticked codes, in the definition's order.
    Choices(Vec<Code>),
    /// A 0-10 rating.
    Rating(i64),
    /// A number within the item's bounds.
    Number(f64),
    /// Free text, not blank.
    Text(String),
    /// A month and year, written `YYYY-MM` in JSON.
    MonthYear {
        /// Year, within the item's bounds.
        year: i32,
        /// Month, 1 to 12.
        month: u8,
    },
    /// Matrix: one code per answered row.
    Matrix(BTreeMap<Id, Code>),
}

impl Answer {
    /// The answer in its JSON form (the form [`Answers::parse`] reads).
    pub fn to_json(&self) -> Value {
        match self {
            Answer::Choice(code) => Value::from(code.as_str()),
            Answer::Choices(codes) => codes
                .iter()
                .map(|code| Value::from(code.as_str()))
                .collect(),
            Answer::Rating(rating) => Value::from(*rating),
            Answer::Number(number) => Value::from(*number),
            Answer::Text(text) => Value::from(text.as_str()),
            Answer::MonthYear { year, month } => Value::from(format!("{year:04}-{month:02}")),
            Answer::Matrix(rows) => Value::Object(
                rows.iter()
                    .map(|(row, code)| (row.to_string(), Value::from(code.as_str())))
                    .collect(),
            ),
        }
    }
}

/// Answers by item id. Items without an answer are absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers(BTreeMap<Id, Answer>);

impl Answers {
    /// No answers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The answer to an item.
    pub fn get(&self, item: &Id) -> Option<&Answer> {
        self.0.get(item)
    }

    /// Sets or replaces the answer to an item.
    pub fn insert(&mut self, item: Id, answer: Answer) {
        self.0.insert(item, answer);
    }

    /// Removes the answer to an item.
    pub fn remove(&mut self, item: &Id) -> Option<Answer> {
        self.0.remove(item)
    }

    /// Every answer, in id order.
    pub fn iter(&self) -> impl Iterator<Item = (&Id, &Answer)> {
        self.0.iter()
    }

    /// Number of answered items.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether nothing is answered.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether an item (or one matrix row) has an answer; multiple choice needs a ticked option.
    pub fn has(&self, target: &ItemRef) -> bool {
        match (self.0.get(&target.item), &target.row) {
            (Some(Answer::Matrix(rows)), Some(row)) => rows.contains_key(row),
            (Some(Answer::Choices(codes)), None) => !codes.is_empty(),
            (Some(_), None) => true,
            _ => false,
        }
    }

    /// All answers as one JSON object (the form stored and exchanged).
    pub fn to_json(&self) -> Value {
        Value::Object(
            self.0
                .iter()
                .map(|(id, answer)| (id.to_string(), answer.to_json()))
                .collect(),
        )
    }

    /// Reads the answers of a JSON object `{item id: answer}`, typed by each item's kind.
    /// Unknown items and malformed answers are reported; the answers that could be read are kept.
    pub fn parse(
        survey: &crate::Survey,
        json: &Map<String, Value>,
    ) -> (Answers, Vec<ResponseError>) {
        let mut answers = Answers::new();
        let mut errors = Vec::new();
        for (key, value) in json {
            let pointer = format!("/{}", pointer_token(key));
            let Some(item) = survey.item(key) else {
                errors.push(ResponseError {
                    pointer,
                    kind: ResponseErrorKind::UnknownItem,
                    message: format!("\"{key}\" is not an item of survey {}; remove it or check the spelling of the item id", survey.id),
                });
                continue;
            };
            if value.is_null() {
                continue; // An explicit null is "no answer".
            }
            match parse_answer(item, value, &pointer) {
                Ok(answer) => answers.insert(item.id.clone(), answer),
                Err(error) => errors.push(error),
            }
        }
        (answers, errors)
    }
}

impl crate::Survey {
    /// Reads one item's answer from JSON, with the checks of its kind (codes, ranges, lengths).
    /// The web form uses it field by field before the page-level checks.
    pub fn parse_item_answer(&self, item: &Item, value: &Value) -> Result<Answer, ResponseError> {
        parse_answer(
            item,
            value,
            &format!("/{}", pointer_token(item.id.as_str())),
        )
    }
}

impl FromIterator<(Id, Answer)> for Answers {
    fn from_iter<T: IntoIterator<Item = (Id, Answer)>>(iter: T) -> Self {
        Answers(iter.into_iter().collect())
    }
}

fn problem(pointer: &str, kind: ResponseErrorKind, message: String) -> ResponseError {
    ResponseError {
        pointer: pointer.to_owned(),
        kind,
        message,
    }
}

fn wrong_type(pointer: &str, item: &Item, expected: &str) -> ResponseError {
    problem(
        pointer,
        ResponseErrorKind::WrongType,
        format!("item {} ({}) takes {expected}", item.id, item.kind.name()),
    )
}

/// Reads one answer according to the item's kind; checks codes, ranges and lengths.
pub(crate) fn parse_answer(
    item: &Item,
    value: &Value,
    pointer: &str,
) -> Result<Answer, ResponseError> {
    match &item.kind {
        ItemKind::SingleChoice(options) | ItemKind::Scale(options) => {
            let code = value
                .as_str()
                .ok_or_else(|| wrong_type(pointer, item, "one answer code as a string"))?;
            Ok(Answer::Choice(known_code(
                options, code, pointer, &item.id,
            )?))
        }
        ItemKind::MultipleChoice(options) => {
            let list = value
                .as_array()
                .ok_or_else(|| wrong_type(pointer, item, "a list of answer codes"))?;
            let mut ticked = Vec::new();
            for (idx, entry) in list.iter().enumerate() {
                let entry_pointer = format!("{pointer}/{idx}");
                let code = entry
                    .as_str()
                    .ok_or_else(|| wrong_type(&entry_pointer, item, "answer codes as strings"))?;
                ticked.push(known_code(options, code, &entry_pointer, &item.id)?);
            }
            multiple_choice(options, ticked, pointer, &item.id)
        }
        ItemKind::Rating(_) => {
            let rating = value
                .as_i64()
                .ok_or_else(|| wrong_type(pointer, item, "a whole number from 0 to 10"))?;
            let (low, high) = Rating::RANGE;
            if !(low..=high).contains(&rating) {
                return Err(problem(
                    pointer,
                    ResponseErrorKind::OutOfRange,
                    format!(
                        "rating {rating} for item {} is outside {low}-{high}",
                        item.id
                    ),
                ));
            }
            Ok(Answer::Rating(rating))
        }
        ItemKind::Number(spec) => {
            let number = value
                .as_f64()
                .ok_or_else(|| wrong_type(pointer, item, "a number"))?;
            if spec.integer && number.fract() != 0.0 {
                return Err(problem(
                    pointer,
                    ResponseErrorKind::WrongType,
                    format!("item {} takes a whole number, not {number}", item.id),
                ));
            }
            if !(spec.min..=spec.max).contains(&number) {
                return Err(problem(
                    pointer,
                    ResponseErrorKind::OutOfRange,
                    format!(
                        "{number} for item {} is outside {}-{}",
                        item.id, spec.min, spec.max
                    ),
                ));
            }
            Ok(Answer::Number(number))
        }
        ItemKind::Text(spec) => {
            let text = value
                .as_str()
                .ok_or_else(|| wrong_type(pointer, item, "text"))?;
            let length = text.chars().count();
            if length > spec.max_length {
                return Err(problem(pointer, ResponseErrorKind::TooLong, format!("answer to item {} has {length} characters, at most {} are allowed; shorten it", item.id, spec.max_length)));
            }
            if text.trim().is_empty() {
                return Err(wrong_type(
                    pointer,
                    item,
                    "text that is not blank (leave blank answers out)",
                ));
            }
            Ok(Answer::Text(text.to_owned()))
        }
        ItemKind::MonthYear(spec) => {
            let text = value
                .as_str()
                .ok_or_else(|| wrong_type(pointer, item, "a month as \"YYYY-MM\""))?;
            let (year, month) = parse_month_year(text).ok_or_else(|| {
                wrong_type(pointer, item, "a month as \"YYYY-MM\" such as \"2025-03\"")
            })?;
            if !(spec.min_year..=spec.max_year).contains(&year) {
                return Err(problem(
                    pointer,
                    ResponseErrorKind::OutOfRange,
                    format!(
                        "year {year} for item {} is outside {}-{}",
                        item.id, spec.min_year, spec.max_year
                    ),
                ));
            }
            Ok(Answer::MonthYear { year, month })
        }
        ItemKind::Matrix(matrix) => {
            let object = value
                .as_object()
                .ok_or_else(|| wrong_type(pointer, item, "an object {row id: answer code}"))?;
            let mut rows = BTreeMap::new();
            for (row_key, entry) in object {
                let row_pointer = format!("{pointer}/{}", pointer_token(row_key));
                let Some(row) = matrix.row(row_key) else {
                    return Err(problem(
                        &row_pointer,
                        ResponseErrorKind::UnknownItem,
                        format!("\"{row_key}\" is not a row of matrix {}", item.id),
                    ));
                };
                if entry.is_null() {
                    continue;
                }
                let code = entry.as_str().ok_or_else(|| {
                    wrong_type(&row_pointer, item, "answer codes as strings for each row")
                })?;
                rows.insert(
                    row.id.clone(),
                    known_code(&matrix.options, code, &row_pointer, &item.id)?,
                );
            }
            Ok(Answer::Matrix(rows))
        }
        ItemKind::Display => Err(problem(
            pointer,
            ResponseErrorKind::NotAnswerable,
            format!(
                "item {} is display text and takes no answer; remove it",
                item.id
            ),
        )),
    }
}

fn known_code(
    options: &Options,
    code: &str,
    pointer: &str,
    item: &Id,
) -> Result<Code, ResponseError> {
    options
        .find(code)
        .map(|option| option.code.clone())
        .ok_or_else(|| {
            let allowed: Vec<&str> = options
                .options
                .iter()
                .map(|option| option.code.as_str())
                .collect();
            problem(
                pointer,
                ResponseErrorKind::UnknownCode,
                format!(
                    "\"{code}\" is not an answer code of item {item}; use one of {}",
                    allowed.join(", ")
                ),
            )
        })
}

/// Orders ticked codes as in the definition, drops repeats and refuses exclusive combinations.
fn multiple_choice(
    options: &Options,
    ticked: Vec<Code>,
    pointer: &str,
    item: &Id,
) -> Result<Answer, ResponseError> {
    let ordered: Vec<Code> = options
        .options
        .iter()
        .filter(|option| ticked.contains(&option.code))
        .map(|option| option.code.clone())
        .collect();
    if ordered.len() > 1 {
        if let Some(exclusive) = options
            .options
            .iter()
            .find(|option| option.exclusive && ordered.contains(&option.code))
        {
            return Err(problem(pointer, ResponseErrorKind::ExclusiveCombined, format!("option {} of item {item} cannot be combined with other options; tick it alone or untick it", exclusive.code)));
        }
    }
    Ok(Answer::Choices(ordered))
}

fn parse_month_year(text: &str) -> Option<(i32, u8)> {
    let (year, month) = text.split_once('-')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    let year: i32 = year.parse().ok()?;
    let month: u8 = month.parse().ok()?;
    (1..=12).contains(&month).then_some((year, month))
}
