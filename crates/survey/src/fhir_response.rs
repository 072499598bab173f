//! Exported responses as a FHIR R4 Bundle of `QuestionnaireResponse`s, matching the
//! `Questionnaire` of [`crate::fhir_questionnaire`]: the same canonical URL and version, linkIds
//! (sections as groups, matrix rows as `item.row` in the matrix's group) and codings (the item's
//! code system, code and label). Only what the export holds goes: no subject, no author, no
//! time (the store keeps none finer than the ISO week), no frame variable (they are not
//! questions); the resource id is the export's random response id.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::model::{Item, ItemKind, Options, Survey};
use crate::wide::{Cell, Codebook};

/// The Bundle (type `collection`) of the rows of an export of `survey` in `codebook`'s columns.
pub fn questionnaire_responses(survey: &Survey, codebook: &Codebook, rows: &[Vec<Cell>]) -> Value {
    let position: HashMap<&str, usize> = codebook
        .names()
        .enumerate()
        .map(|(index, name)| (name, index))
        .collect();
    let entries: Vec<Value> = rows
        .iter()
        .map(|row| {
            let cell = |name: &str| position.get(name).and_then(|at| row.get(*at));
            let response = Response {
                survey,
                cell: &cell,
            };
            json!({ "resource": response.resource() })
        })
        .collect();
    json!({ "resourceType": "Bundle", "type": "collection", "entry": entries })
}

struct Response<'a> {
    survey: &'a Survey,
    cell: &'a dyn Fn(&str) -> Option<&'a Cell>,
}

impl Response<'_> {
    fn resource(&self) -> Value {
        let mut resource = Map::new();
        resource.insert("resourceType".into(), json!("QuestionnaireResponse"));
        if let Some(Cell::Text(id)) = (self.cell)(crate::load::RESPONSE_ID) {
            resource.insert("id".into(), json!(id));
        }
        resource.insert(
            "questionnaire".into(),
            json!(format!(
                "urn:vecu:survey:{}|{}",
                self.survey.id, self.survey.version
            )),
        );
        resource.insert("status".into(), json!("completed"));
        let sections: Vec<Value> = self
            .survey
            .sections
            .iter()
            .filter_map(|section| {
                let items: Vec<Value> = section
                    .items
                    .iter()
                    .filter_map(|item| self.item(item))
                    .collect();
                (!items.is_empty()).then(|| json!({ "linkId": section.id.as_str(), "item": items }))
            })
            .collect();
        resource.insert("item".into(), Value::Array(sections));
        Value::Object(resource)
    }

    /// The item with its answers, or `None` when it has none.
    fn item(&self, item: &Item) -> Option<Value> {
        let id = item.id.as_str();
        let answers: Vec<Value> = match &item.kind {
            ItemKind::SingleChoice(options) | ItemKind::Scale(options) => {
                self.coding(id, id, options).into_iter().collect()
            }
            ItemKind::MultipleChoice(options) => options
                .options
                .iter()
                .filter(|option| {
                    matches!(
                        (self.cell)(&format!("{id}.{}", option.code)),
                        Some(Cell::Integer(1))
                    )
                })
                .map(|option| self.option_coding(id, options, option.code.as_str()))
                .collect::<Option<Vec<Value>>>()
                .unwrap_or_default(),
            ItemKind::Matrix(matrix) => {
                let rows: Vec<Value> = matrix
                    .rows
                    .iter()
                    .filter_map(|row| {
                        let link_id = format!("{id}.{}", row.id);
                        let answer = self.coding(id, &link_id, &matrix.options)?;
                        Some(json!({ "linkId": link_id, "answer": [answer] }))
                    })
                    .collect();
                return (!rows.is_empty()).then(|| json!({ "linkId": id, "item": rows }));
            }
            ItemKind::Rating(_) | ItemKind::Number(_) => match (self.cell)(id) {
                Some(Cell::Integer(number)) => vec![json!({ "valueInteger": number })],
                Some(Cell::Float(number)) => vec![json!({ "valueDecimal": number })],
                _ => Vec::new(),
            },
            ItemKind::Text(_) => match (self.cell)(id) {
                Some(Cell::Text(text)) => vec![json!({ "valueString": text })],
                _ => Vec::new(),
            },
            ItemKind::MonthYear(_) => match (self.cell)(id) {
                // FHIR dates may stop at the month: YYYY-MM.
                Some(Cell::Text(month)) => vec![json!({ "valueDate": month })],
                _ => Vec::new(),
            },
            ItemKind::Display => Vec::new(),
        };
        (!answers.is_empty()).then(|| json!({ "linkId": id, "answer": answers }))
    }

    /// The answer of a coded column (`column`) as a coding of item `item`'s code system.
    fn coding(&self, item: &str, column: &str, options: &Options) -> Option<Value> {
        match (self.cell)(column) {
            Some(Cell::Text(code)) => self.option_coding(item, options, code),
            _ => None,
        }
    }

    fn option_coding(&self, item: &str, options: &Options, code: &str) -> Option<Value> {
        let option = options
            .options
            .iter()
            .find(|option| option.code.as_str() == code)?;
        Some(json!({ "valueCoding": {
            "system": format!("urn:vecu:survey:{}:{item}", self.survey.id),
            "code": code,
            "display": option.label.get(self.survey.default_language()),
        }}))
    }
}
