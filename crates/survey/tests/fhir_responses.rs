//! The exported responses as FHIR QuestionnaireResponses match the Questionnaire export: its
//! canonical URL and version, its linkIds (in the same groups) and its answer codings; and they
//! carry nothing the export does not (no subject, author or time).

use std::collections::HashMap;

use serde_json::Value;
use vecu_survey::{Cell, Codebook, Survey};

fn shipped(name: &str) -> Survey {
    let path = format!("{}/../../surveys/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("a shipped survey");
    vecu_survey::load_str(&text).expect("valid")
}

/// Every Questionnaire item by linkId, with the linkId of the group holding it.
fn questionnaire_items(items: &Value, parent: &str, found: &mut HashMap<String, (String, Value)>) {
    for item in items.as_array().into_iter().flatten() {
        let link_id = item["linkId"].as_str().expect("linkId").to_owned();
        found.insert(link_id.clone(), (parent.to_owned(), item.clone()));
        questionnaire_items(&item["item"], &link_id, found);
    }
}

/// Checks every answer of `items` (a response's, under `parent`) against the Questionnaire;
/// counts the answers.
fn check(items: &Value, parent: &str, questionnaire: &HashMap<String, (String, Value)>) -> usize {
    let mut answers = 0;
    for item in items.as_array().into_iter().flatten() {
        let link_id = item["linkId"].as_str().expect("linkId");
        let (group, definition) = questionnaire
            .get(link_id)
            .unwrap_or_else(|| panic!("{link_id} is not in the Questionnaire"));
        assert_eq!(group, parent, "{link_id} sits in the same group");
        for answer in item["answer"].as_array().into_iter().flatten() {
            answers += 1;
            if let Some(coding) = answer.get("valueCoding") {
                let offered = definition["answerOption"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|option| {
                        option["valueCoding"]["code"] == coding["code"]
                            && option["valueCoding"]["system"] == coding["system"]
                            && option["valueCoding"]["display"] == coding["display"]
                    });
                assert!(offered, "{link_id}: {coding} is not an answer option");
            } else {
                let kind = definition["type"].as_str().unwrap_or_default();
                let key = answer
                    .as_object()
                    .and_then(|object| object.keys().next().cloned())
                    .unwrap_or_default();
                let expected = match kind {
                    "integer" => "valueInteger",
                    "decimal" => "valueDecimal",
                    "date" => "valueDate",
                    _ => "valueString",
                };
                assert_eq!(key, expected, "{link_id} of type {kind}");
            }
        }
        answers += check(&item["item"], link_id, questionnaire);
    }
    answers
}

#[test]
fn responses_match_the_questionnaire_and_carry_no_person_or_time() {
    for name in ["example.json", "scape-cancer.json"] {
        let survey = shipped(name);
        let codebook = Codebook::new(&survey);
        let rows: Vec<Vec<Cell>> = vecu_survey::simulate(&survey, 30, 11)
            .iter()
            .map(|response| codebook.row(&response.response_id, &response.frame, &response.answers))
            .collect();
        let questionnaire = vecu_survey::fhir_questionnaire(&survey);
        let mut items = HashMap::new();
        questionnaire_items(&questionnaire["item"], "", &mut items);
        let bundle = vecu_survey::fhir_questionnaire_responses(&survey, &codebook, &rows);
        assert_eq!(bundle["resourceType"], "Bundle");
        assert_eq!(bundle["type"], "collection");
        let entries = bundle["entry"].as_array().expect("entries");
        assert_eq!(entries.len(), rows.len());
        let canonical = format!(
            "{}|{}",
            questionnaire["url"].as_str().expect("url"),
            questionnaire["version"].as_str().expect("version")
        );
        let mut answers = 0;
        for (entry, row) in entries.iter().zip(&rows) {
            let response = &entry["resource"];
            assert_eq!(response["resourceType"], "QuestionnaireResponse");
            assert_eq!(response["questionnaire"], canonical.as_str());
            assert_eq!(response["status"], "completed");
            assert_eq!(
                Some(&Cell::Text(response["id"].as_str().expect("id").to_owned())),
                row.first()
            );
            for key in ["subject", "author", "authored", "source", "encounter"] {
                assert!(response.get(key).is_none(), "{name}: {key}");
            }
            answers += check(&response["item"], "", &items);
        }
        assert!(answers > rows.len() * 5, "{name}: {answers} answers");
    }
}

#[test]
fn ticked_options_are_the_answers_of_a_multiple_choice_item() {
    let survey = shipped("example.json");
    let codebook = Codebook::new(&survey);
    let mut row = vec![Cell::Empty; codebook.columns.len()];
    let set = |row: &mut Vec<Cell>, name: &str, cell: Cell| {
        let at = codebook.names().position(|n| n == name).expect(name);
        row[at] = cell;
    };
    set(&mut row, "response_id", Cell::Text("abc123".to_owned()));
    set(&mut row, "support_from.family", Cell::Integer(1));
    set(&mut row, "support_from.nurse", Cell::Integer(0));
    set(&mut row, "support_from.psy", Cell::Integer(1));
    set(&mut row, "overall", Cell::Integer(9));
    let bundle = vecu_survey::fhir_questionnaire_responses(&survey, &codebook, &[row]);
    let text = bundle.to_string();
    let response = &bundle["entry"][0]["resource"];
    let support = response["item"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|section| section["item"].as_array().into_iter().flatten())
        .find(|item| item["linkId"] == "support_from")
        .expect("answered");
    let codes: Vec<&str> = support["answer"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|answer| answer["valueCoding"]["code"].as_str())
        .collect();
    assert_eq!(codes, ["family", "psy"], "{text}");
    assert!(text.contains("\"valueInteger\":9"), "{text}");
    assert!(
        !text.contains("\"linkId\":\"surgery\""),
        "unanswered items are left out: {text}"
    );
}
