//! Reading a page's form into answers, with errors in the patient's language.

use serde_json::{Map, Value};
use vecu_survey::{Answer, Item, ItemKind, Rating, ResponseErrorKind, Survey};

use crate::i18n::Texts;

/// The fields of a submitted form, repeated names kept (multiple choice).
pub type Fields = Vec<(String, String)>;

/// A problem with one item, ready to show next to it and in the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub item: String,
    pub message: String,
}

fn values<'a>(fields: &'a Fields, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    fields
        .iter()
        .filter(move |(key, _)| key == name)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

fn value<'a>(fields: &'a Fields, name: &'a str) -> Option<&'a str> {
    values(fields, name).next()
}

/// The answer given to one rendered item: `Ok(None)` when left blank.
pub fn read_item(
    survey: &Survey,
    item: &Item,
    fields: &Fields,
    texts: &Texts,
) -> Result<Option<Answer>, FieldError> {
    let id = item.id.as_str();
    let error = |key: &str, values: &[(&str, &str)]| FieldError {
        item: id.to_owned(),
        message: texts.fill(key, values),
    };
    let json = match &item.kind {
        ItemKind::SingleChoice(_) | ItemKind::Scale(_) => value(fields, id).map(Value::from),
        ItemKind::MultipleChoice(_) => {
            let ticked: Vec<Value> = values(fields, id).map(Value::from).collect();
            (!ticked.is_empty()).then_some(Value::Array(ticked))
        }
        ItemKind::Rating(_) => match value(fields, id) {
            None => None,
            Some(text) => Some(Value::from(
                text.parse::<i64>()
                    .map_err(|_| error("error_invalid", &[]))?,
            )),
        },
        ItemKind::Number(spec) => match value(fields, id) {
            None => None,
            Some(text) => {
                let number: f64 = text
                    .replace(',', ".")
                    .replace([' ', '\''], "")
                    .parse()
                    .map_err(|_| error("error_number", &[]))?;
                if spec.integer && number.fract() != 0.0 {
                    return Err(error("error_whole_number", &[]));
                }
                Some(Value::from(number))
            }
        },
        ItemKind::Text(_) => value(fields, id).map(Value::from),
        ItemKind::MonthYear(_) => {
            let (month, year) = (
                value(fields, &format!("{id}.month")).map(str::to_owned),
                value(fields, &format!("{id}.year")).map(str::to_owned),
            );
            match (month, year) {
                (None, None) => None,
                (Some(month), Some(year)) => {
                    let month: u8 = month.parse().map_err(|_| error("error_month", &[]))?;
                    Some(Value::from(format!("{year}-{month:02}")))
                }
                _ => return Err(error("error_month", &[])),
            }
        }
        ItemKind::Matrix(matrix) => {
            let rows: Map<String, Value> = matrix
                .rows
                .iter()
                .filter_map(|row| {
                    value(fields, &format!("{id}.{}", row.id))
                        .map(|code| (row.id.to_string(), Value::from(code)))
                })
                .collect();
            (!rows.is_empty()).then_some(Value::Object(rows))
        }
        ItemKind::Display => None,
    };
    let Some(json) = json else { return Ok(None) };
    survey
        .parse_item_answer(item, &json)
        .map(Some)
        .map_err(|problem| {
            let message = match (problem.kind, &item.kind) {
                (ResponseErrorKind::OutOfRange, ItemKind::Number(spec)) => texts.fill(
                    "error_range",
                    &[
                        ("min", &spec.min.to_string()),
                        ("max", &spec.max.to_string()),
                    ],
                ),
                (ResponseErrorKind::OutOfRange, ItemKind::Rating(_)) => {
                    let (low, high) = Rating::RANGE;
                    texts.fill(
                        "error_range",
                        &[("min", &low.to_string()), ("max", &high.to_string())],
                    )
                }
                (ResponseErrorKind::TooLong, ItemKind::Text(spec)) => {
                    texts.fill("error_too_long", &[("max", &spec.max_length.to_string())])
                }
                (ResponseErrorKind::ExclusiveCombined, kind) => {
                    let exclusive = kind
                        .options()
                        .and_then(|options| options.options.iter().find(|option| option.exclusive));
                    let label = exclusive
                        .map(|option| option.label.get(texts.lang()).to_owned())
                        .unwrap_or_default();
                    texts.fill("error_exclusive", &[("option", &label)])
                }
                _ => texts.get("error_invalid"),
            };
            FieldError {
                item: id.to_owned(),
                message,
            }
        })
}
