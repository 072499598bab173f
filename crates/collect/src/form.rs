//! Reading a page's form into answers, with errors in the patient's language.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::UrlEncoded;
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, ResponseError};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use vecu_survey::{Answer, Item, ItemKind, Rating, ResponseErrorKind, Section, Survey};

use crate::i18n::Texts;
use crate::PageError;

/// The fields of a submitted form, repeated names kept (multiple choice).
pub type Fields = Vec<(String, String)>;

/// The most a form of a few short fields takes (a CSRF token, a language, a key or an access
/// code, the one-click opt-out): far more than they need, far less than anyone could make the
/// server hold for long.
pub const SMALL_BODY: usize = 4 * 1024;

/// Room per field of a questionnaire page for its name, a short value and the `shown` entry.
const FIELD_ROOM: usize = 256;

/// The most one character takes in a URL-encoded form: four UTF-8 bytes, each written `%XX`.
const ENCODED_CHAR: usize = 12;

/// A URL-encoded form of at most [`SMALL_BODY`] bytes: a longer one is refused with 413 before
/// anything is read when its length is declared, and as soon as it grows past the limit when
/// it is not (chunked).
pub struct SmallForm<T>(pub T);

impl<T> std::ops::Deref for SmallForm<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for SmallForm<T> {
    type Error = PageError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, PageError>>>>;

    fn from_request(request: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let form = UrlEncoded::<T>::new(request, payload).limit(SMALL_BODY);
        Box::pin(async move {
            form.await
                .map(SmallForm)
                .map_err(|error| PageError::Body(error.status_code()))
        })
    }
}

/// A request body of at most `limit` bytes, refused with 413 before anything is read when its
/// declared length is larger, or as soon as what arrives passes the limit.
pub async fn read_body(
    request: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<web::Bytes, PageError> {
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return Err(PageError::Body(StatusCode::PAYLOAD_TOO_LARGE));
    }
    match payload.to_bytes_limited(limit).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(error)) => Err(PageError::Body(error.as_response_error().status_code())),
        Err(_) => Err(PageError::Body(StatusCode::PAYLOAD_TOO_LARGE)),
    }
}

/// Whether the request says its body is a URL-encoded form.
pub fn is_form(request: &HttpRequest) -> bool {
    request
        .content_type()
        .eq_ignore_ascii_case("application/x-www-form-urlencoded")
}

/// The first value of the field `name`, as sent.
pub fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// The fields of a URL-encoded body.
pub fn parse_fields(body: &[u8]) -> Fields {
    url::form_urlencoded::parse(body).into_owned().collect()
}

/// The fields of a URL-encoded form of at most `limit` bytes ([`read_body`]).
pub async fn read_fields(
    request: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<Fields, PageError> {
    if !is_form(request) {
        return Err(PageError::Body(StatusCode::UNSUPPORTED_MEDIA_TYPE));
    }
    Ok(parse_fields(&read_body(request, payload, limit).await?))
}

/// The largest form a page of `section` can need: every text answer at its longest in the
/// widest characters, each field's name, a short value per option or matrix row, and the
/// small fields of every form.
pub fn page_limit(section: &Section) -> usize {
    let item = |item: &Item| {
        let choices = match &item.kind {
            ItemKind::SingleChoice(options)
            | ItemKind::MultipleChoice(options)
            | ItemKind::Scale(options) => options.options.len(),
            ItemKind::Matrix(matrix) => matrix.rows.len(),
            _ => 0,
        };
        let text = match &item.kind {
            ItemKind::Text(spec) => spec.max_length * ENCODED_CHAR,
            _ => 0,
        };
        FIELD_ROOM * (2 + choices) + text
    };
    SMALL_BODY + section.items.iter().map(item).sum::<usize>()
}

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
