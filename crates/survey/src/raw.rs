//! The definition as written: serde structs read after the JSON Schema has passed.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

pub(crate) type RawText = BTreeMap<String, String>;

#[derive(Debug, Deserialize)]
pub(crate) struct RawSurvey {
    pub id: String,
    pub version: String,
    pub languages: Vec<String>,
    pub title: RawText,
    pub description: Option<RawText>,
    pub publisher: Option<RawText>,
    #[serde(default)]
    pub scales: BTreeMap<String, Vec<RawOption>>,
    #[serde(default)]
    pub frame: Vec<RawFrameVariable>,
    /// `None` when the block is absent (definitions written before domains had labels).
    pub domains: Option<Vec<RawDomain>>,
    pub sections: Vec<RawSection>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawDomain {
    pub id: String,
    pub label: RawText,
    pub description: Option<RawText>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawOption {
    pub code: String,
    pub label: RawText,
    pub role: String,
    pub value: Option<f64>,
    #[serde(default)]
    pub exclusive: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawFrameVariable {
    pub id: String,
    pub label: RawText,
    #[serde(default)]
    pub quasi_identifier: bool,
    #[serde(default)]
    pub case_mix: bool,
    #[serde(default)]
    pub comparison_unit: bool,
    pub values: Vec<RawFrameValue>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawFrameValue {
    pub code: String,
    pub label: RawText,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawSection {
    pub id: String,
    pub title: RawText,
    pub intro: Option<RawText>,
    pub show_if: Option<Value>,
    pub items: Vec<RawItem>,
}

/// One item with the fields of every kind; the schema has already checked which apply.
#[derive(Debug, Deserialize)]
pub(crate) struct RawItem {
    pub id: String,
    pub kind: String,
    pub text: RawText,
    pub help: Option<RawText>,
    pub domain: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub overall_rating: bool,
    #[serde(default)]
    pub case_mix: bool,
    pub show_if: Option<Value>,
    pub options: Option<Vec<RawOption>>,
    pub scale: Option<String>,
    pub rows: Option<Vec<RawRow>>,
    pub low_label: Option<RawText>,
    pub high_label: Option<RawText>,
    pub positive_min: Option<i64>,
    pub negative_max: Option<i64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    #[serde(default)]
    pub integer: bool,
    pub unit: Option<RawText>,
    pub max_length: Option<usize>,
    pub identifying: Option<bool>,
    pub min_year: Option<i32>,
    pub max_year: Option<i32>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RawRow {
    pub id: String,
    pub text: RawText,
}
