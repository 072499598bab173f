//! The FHIR R4 Questionnaire export matches its definition: items, answer options, enableWhen.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;
use vecu_survey::{ItemKind, Survey};

fn shipped(name: &str) -> Survey {
    let path = format!("{}/../../surveys/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    vecu_survey::load_str(&text).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// Every FHIR item by linkId, at any depth.
fn by_link_id(items: &Value, found: &mut HashMap<String, Value>) {
    for item in items.as_array().into_iter().flatten() {
        if let Some(link_id) = item["linkId"].as_str() {
            assert!(
                found.insert(link_id.to_owned(), item.clone()).is_none(),
                "linkId {link_id} twice"
            );
        }
        by_link_id(&item["item"], found);
    }
}

/// The definition and its FHIR form agree on items, options, required flags and skip logic.
fn check(survey: &Survey) {
    let resource = vecu_survey::fhir_questionnaire(survey);
    let text = serde_json::to_string(&resource).expect("serialisable");
    let reparsed: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(reparsed["resourceType"], "Questionnaire");
    assert_eq!(reparsed["status"], "draft");
    let mut items = HashMap::new();
    by_link_id(&reparsed["item"], &mut items);
    let definition_items: Vec<_> = survey.items().map(|(_, item)| item).collect();
    let exported = definition_items
        .iter()
        .filter(|item| items.contains_key(item.id.as_str()))
        .count();
    assert_eq!(exported, definition_items.len(), "every item is exported");
    assert_eq!(
        reparsed["item"].as_array().map(Vec::len),
        Some(survey.sections.len()),
        "one group per section"
    );

    let mut conditions = 0;
    for item in &definition_items {
        let fhir = &items[item.id.as_str()];
        if let Some(options) = item
            .kind
            .options()
            .filter(|_| !matches!(item.kind, ItemKind::Matrix(_)))
        {
            let codes: Vec<&str> = fhir["answerOption"]
                .as_array()
                .expect("options")
                .iter()
                .map(|o| o["valueCoding"]["code"].as_str().expect("code"))
                .collect();
            let expected: Vec<&str> = options.options.iter().map(|o| o.code.as_str()).collect();
            assert_eq!(codes, expected, "answer options of {}", item.id);
        }
        if let ItemKind::Matrix(matrix) = &item.kind {
            assert_eq!(
                fhir["item"]
                    .as_array()
                    .map(|rows| rows.iter().filter(|r| r["type"] == "choice").count()),
                Some(matrix.rows.len())
            );
        }
        if item.required && !matches!(item.kind, ItemKind::Matrix(_)) {
            assert_eq!(fhir["required"], true, "{} is required", item.id);
        }
        let Some(condition) = &item.show_if else {
            assert!(
                fhir.get("enableWhen").is_none(),
                "{} has no condition",
                item.id
            );
            continue;
        };
        conditions += 1;
        let expected: BTreeSet<String> = condition
            .references()
            .iter()
            .map(|r| r.to_string())
            .collect();
        let questions: BTreeSet<String> = fhir["enableWhen"]
            .as_array()
            .unwrap_or_else(|| panic!("{} has a condition but no enableWhen: {condition}", item.id))
            .iter()
            .map(|entry| entry["question"].as_str().expect("question").to_owned())
            .collect();
        assert_eq!(questions, expected, "enableWhen of {}", item.id);
        for question in &questions {
            assert!(
                items.contains_key(question),
                "enableWhen refers to a missing linkId {question}"
            );
        }
    }
    let definition_conditions = definition_items
        .iter()
        .filter(|item| item.show_if.is_some())
        .count();
    assert_eq!(conditions, definition_conditions);
}

#[test]
fn the_example_survey_exports_to_fhir() {
    check(&shipped("example.json"));
}

#[test]
fn the_cancer_survey_exports_to_fhir() {
    let survey = shipped("scape-cancer.json");
    assert!(survey.items().any(|(_, item)| item.show_if.is_some()));
    check(&survey);
}

#[test]
fn translations_use_the_fhir_translation_extension() {
    let resource = vecu_survey::fhir_questionnaire(&shipped("example.json"));
    let extensions = resource["_title"]["extension"]
        .as_array()
        .expect("title translations");
    let languages: Vec<&str> = extensions
        .iter()
        .map(|ext| ext["extension"][0]["valueCode"].as_str().expect("lang"))
        .collect();
    assert_eq!(languages, ["de", "en", "it"]);
    assert_eq!(resource["language"], "fr");
}

#[test]
fn nested_conditions_fall_back_to_an_sdc_expression() {
    let mut document: Value =
        serde_json::from_str(include_str!("../../../surveys/example.json")).expect("json");
    document["sections"][1]["items"][0]["show_if"] = serde_json::json!({ "not": { "any": [
        { "equals": { "item": "surgery", "value": "yes" } },
        { "greater_than": { "item": "nights", "value": 3 } }
    ]}});
    let survey = vecu_survey::load_value(&document).expect("valid");
    let resource = vecu_survey::fhir_questionnaire(&survey);
    let item = &resource["item"][1]["item"][0];
    assert!(item.get("enableWhen").is_none());
    let expression = item["extension"]
        .as_array()
        .expect("extensions")
        .iter()
        .find(|ext| {
            ext["url"]
                .as_str()
                .is_some_and(|url| url.ends_with("enableWhenExpression"))
        })
        .expect("expression");
    let fhirpath = expression["valueExpression"]["expression"]
        .as_str()
        .expect("text");
    assert!(
        fhirpath.contains("linkId='surgery'")
            && fhirpath.contains("linkId='nights'")
            && fhirpath.contains(".not()"),
        "{fhirpath}"
    );
}
