//! Skip logic: structured conditions over earlier answers.

use std::fmt;

use serde_json::{json, Value};

use crate::answer::{Answer, Answers};
use crate::model::{Code, Id, ItemKind, Survey};

/// A reference to an earlier item, or to one row of an earlier matrix (`matrix.row`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct ItemRef {
    /// The item referred to.
    pub item: Id,
    /// The matrix row, for a `matrix.row` reference.
    pub row: Option<Id>,
}

impl ItemRef {
    /// Parses `item` or `item.row`.
    pub fn parse(reference: &str) -> Option<ItemRef> {
        match reference.split_once('.') {
            Some((item, row)) => Some(ItemRef {
                item: Id::parse(item)?,
                row: Some(Id::parse(row)?),
            }),
            None => Some(ItemRef {
                item: Id::parse(reference)?,
                row: None,
            }),
        }
    }
}

impl fmt::Display for ItemRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.row {
            Some(row) => write!(f, "{}.{}", self.item, row),
            None => write!(f, "{}", self.item),
        }
    }
}

/// The value an `equals` condition compares with.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum Expected {
    /// An answer code, for choice, scale and matrix items.
    Code(Code),
    /// A number, for ratings, numbers and options with a value.
    Number(f64),
}

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Code(code) => write!(f, "{code}"),
            Expected::Number(number) => write!(f, "{number}"),
        }
    }
}

/// When an item or section is shown.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// Every part holds.
    All(Vec<Condition>),
    /// At least one part holds.
    Any(Vec<Condition>),
    /// The inner condition does not hold; so `not equals` holds when unanswered.
    Not(Box<Condition>),
    /// The item (or matrix row) has an answer; for multiple choice, at least one option ticked.
    Answered(ItemRef),
    /// The answer is this code (ticked, for multiple choice) or this number.
    Equals(ItemRef, Expected),
    /// The answer is one of these codes (any of them ticked, for multiple choice).
    OneOf(ItemRef, Vec<Code>),
    /// The numeric answer (or the option's value) is greater than this.
    GreaterThan(ItemRef, f64),
    /// The numeric answer (or the option's value) is less than this.
    LessThan(ItemRef, f64),
}

impl Condition {
    /// Whether the condition holds for these answers. A missing answer never equals or compares.
    pub fn holds(&self, survey: &Survey, answers: &Answers) -> bool {
        match self {
            Condition::All(parts) => parts.iter().all(|part| part.holds(survey, answers)),
            Condition::Any(parts) => parts.iter().any(|part| part.holds(survey, answers)),
            Condition::Not(inner) => !inner.holds(survey, answers),
            Condition::Answered(target) => answers.has(target),
            Condition::Equals(target, Expected::Code(code)) => {
                codes(answers, target).contains(&code)
            }
            Condition::Equals(target, Expected::Number(expected)) => {
                number(survey, answers, target).is_some_and(|value| value == *expected)
            }
            Condition::OneOf(target, wanted) => codes(answers, target)
                .iter()
                .any(|code| wanted.contains(code)),
            Condition::GreaterThan(target, bound) => {
                number(survey, answers, target).is_some_and(|value| value > *bound)
            }
            Condition::LessThan(target, bound) => {
                number(survey, answers, target).is_some_and(|value| value < *bound)
            }
        }
    }

    /// Every item this condition refers to.
    pub fn references(&self) -> Vec<&ItemRef> {
        let mut found = Vec::new();
        self.collect_references(&mut found);
        found
    }

    fn collect_references<'a>(&'a self, found: &mut Vec<&'a ItemRef>) {
        match self {
            Condition::All(parts) | Condition::Any(parts) => {
                parts.iter().for_each(|part| part.collect_references(found))
            }
            Condition::Not(inner) => inner.collect_references(found),
            Condition::Answered(target)
            | Condition::Equals(target, _)
            | Condition::OneOf(target, _)
            | Condition::GreaterThan(target, _)
            | Condition::LessThan(target, _) => found.push(target),
        }
    }

    /// The condition in the definition's JSON form.
    pub fn to_json(&self) -> Value {
        let list =
            |parts: &[Condition]| Value::Array(parts.iter().map(Condition::to_json).collect());
        match self {
            Condition::All(parts) => json!({ "all": list(parts) }),
            Condition::Any(parts) => json!({ "any": list(parts) }),
            Condition::Not(inner) => json!({ "not": inner.to_json() }),
            Condition::Answered(target) => json!({ "answered": target.to_string() }),
            Condition::Equals(target, expected) => {
                json!({ "equals": { "item": target.to_string(), "value": expected } })
            }
            Condition::OneOf(target, codes) => {
                json!({ "one_of": { "item": target.to_string(), "values": codes } })
            }
            Condition::GreaterThan(target, bound) => {
                json!({ "greater_than": { "item": target.to_string(), "value": bound } })
            }
            Condition::LessThan(target, bound) => {
                json!({ "less_than": { "item": target.to_string(), "value": bound } })
            }
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let join = |parts: &[Condition], sep: &str| {
            parts
                .iter()
                .map(|part| format!("({part})"))
                .collect::<Vec<_>>()
                .join(sep)
        };
        match self {
            Condition::All(parts) => write!(f, "{}", join(parts, " and ")),
            Condition::Any(parts) => write!(f, "{}", join(parts, " or ")),
            Condition::Not(inner) => write!(f, "not ({inner})"),
            Condition::Answered(target) => write!(f, "{target} answered"),
            Condition::Equals(target, expected) => write!(f, "{target} = {expected}"),
            Condition::OneOf(target, codes) => {
                let codes: Vec<&str> = codes.iter().map(Code::as_str).collect();
                write!(f, "{target} in {{{}}}", codes.join(", "))
            }
            Condition::GreaterThan(target, bound) => write!(f, "{target} > {bound}"),
            Condition::LessThan(target, bound) => write!(f, "{target} < {bound}"),
        }
    }
}

/// The codes given for a target: one for a choice or matrix row, all ticked for multiple choice.
fn codes<'a>(answers: &'a Answers, target: &ItemRef) -> Vec<&'a Code> {
    match (answers.get(&target.item), &target.row) {
        (Some(Answer::Choice(code)), None) => vec![code],
        (Some(Answer::Choices(codes)), None) => codes.iter().collect(),
        (Some(Answer::Matrix(rows)), Some(row)) => rows.get(row).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// The numeric value of a target's answer: the number itself, or the chosen option's value.
fn number(survey: &Survey, answers: &Answers, target: &ItemRef) -> Option<f64> {
    match answers.get(&target.item)? {
        Answer::Rating(rating) => Some(*rating as f64),
        Answer::Number(number) => Some(*number),
        Answer::Choice(_) | Answer::Matrix(_) => {
            let code = *codes(answers, target).first()?;
            let item = survey.item(target.item.as_str())?;
            item.kind.options()?.find(code.as_str())?.value
        }
        _ => None,
    }
}

/// Whether a condition may compare this item kind with numbers.
pub(crate) fn is_numeric(kind: &ItemKind) -> bool {
    match kind {
        ItemKind::Rating(_) | ItemKind::Number(_) => true,
        ItemKind::SingleChoice(options) | ItemKind::Scale(options) => {
            options.options.iter().any(|option| option.value.is_some())
        }
        ItemKind::Matrix(matrix) => matrix
            .options
            .options
            .iter()
            .any(|option| option.value.is_some()),
        _ => false,
    }
}
