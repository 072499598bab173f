//! Differences between two versions of a survey: the shipped cancer survey against copies
//! changed here, every change reported once, exactly, in questionnaire order.

use std::path::Path;

use serde_json::{json, Value};
use vecu_survey::{Code, Id, Lang, Part, ScoringRole, Subject, Survey, What};

fn shipped() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../surveys/scape-cancer.json");
    let text = std::fs::read_to_string(path).expect("the shipped survey is readable");
    serde_json::from_str(&text).expect("JSON")
}

fn load(definition: &Value) -> Survey {
    vecu_survey::load_value(definition).expect("the changed copy is still a valid survey")
}

/// The item `id` of a definition, wherever it is.
fn item<'a>(definition: &'a mut Value, id: &str) -> &'a mut Value {
    definition["sections"]
        .as_array_mut()
        .expect("sections")
        .iter_mut()
        .flat_map(|section| section["items"].as_array_mut().expect("items").iter_mut())
        .find(|item| item["id"] == id)
        .expect("the item is in the shipped survey")
}

/// The items of the section `id`.
fn section_items<'a>(definition: &'a mut Value, id: &str) -> &'a mut Vec<Value> {
    definition["sections"]
        .as_array_mut()
        .expect("sections")
        .iter_mut()
        .find(|section| section["id"] == id)
        .and_then(|section| section["items"].as_array_mut())
        .expect("the section is in the shipped survey")
}

fn id(text: &str) -> Id {
    Id::parse(text).expect("id")
}

fn code(text: &str) -> Code {
    Code::parse(text).expect("code")
}

#[test]
fn five_changes_to_the_cancer_survey_are_each_reported_exactly() {
    let old_definition = shipped();
    let mut new_definition = old_definition.clone();
    new_definition["version"] = json!("1.1");

    // One rewording, in German only.
    let old_de = item(&mut new_definition, "test_results")["text"]["de"].clone();
    let new_de = "Hat man Ihnen die Ergebnisse Ihrer Untersuchungen verständlich erklärt?";
    item(&mut new_definition, "test_results")["text"]["de"] = json!(new_de);
    // One option added, in fifth place.
    item(&mut new_definition, "questions_answered")["options"]
        .as_array_mut()
        .expect("options")
        .push(json!({
            "code": "7",
            "label": {"fr": "Je n'ai pas osé demander", "de": "Ich habe mich nicht getraut zu fragen",
                      "it": "Non ho osato chiedere", "en": "I did not dare to ask"},
            "role": "not_applicable"
        }));
    // One item removed (seventh of its section).
    section_items(&mut new_definition, "information")
        .retain(|item| item["id"] != "conflicting_info");
    // One condition changed.
    item(&mut new_definition, "nurse_reach")["show_if"] = json!({"answered": "nurse_specialist"});
    // One item moved: ward_pain from third to fifth of its section.
    let ward = section_items(&mut new_definition, "ward_care");
    let pain = ward.remove(2);
    assert_eq!(pain["id"], "ward_pain");
    ward.insert(4, pain);

    let (old, new) = (load(&old_definition), load(&new_definition));
    let diff = vecu_survey::diff(&old, &new);

    let found: Vec<(String, Value)> = diff
        .changes
        .iter()
        .map(|change| {
            (
                change.subject.to_string(),
                serde_json::to_value(&change.what).expect("JSON"),
            )
        })
        .collect();
    let expected = vec![
        (
            "item test_results".to_owned(),
            json!({"change": "reworded", "lang": "de", "part": "text", "old": old_de, "new": new_de}),
        ),
        (
            "item questions_answered".to_owned(),
            json!({"change": "option_added", "code": "7", "role": "not_applicable", "position": 5}),
        ),
        (
            "item nurse_reach".to_owned(),
            json!({"change": "logic_changed", "old": "nurse_specialist = yes", "new": "nurse_specialist answered"}),
        ),
        (
            "item ward_pain".to_owned(),
            json!({"change": "moved", "from": {"section": "ward_care", "position": 3},
                   "to": {"section": "ward_care", "position": 5}}),
        ),
        (
            "item conflicting_info".to_owned(),
            json!({"change": "removed", "at": {"section": "information", "position": 7}}),
        ),
    ];
    assert_eq!(found, expected);

    // Typed, as a caller such as the analysis would read them.
    assert_eq!(
        diff.changes[0].what,
        What::Reworded {
            lang: Lang::parse("de").expect("de"),
            part: Part::Text,
            old: old_de.as_str().map(str::to_owned),
            new: Some(new_de.to_owned()),
        }
    );
    assert_eq!(
        diff.changes[1].what,
        What::OptionAdded {
            code: code("7"),
            role: ScoringRole::NotApplicable,
            position: 5
        }
    );
    assert_eq!(
        diff.changes[4].subject,
        Subject::Item(id("conflicting_info"))
    );

    // A rewording, a move and new logic keep the series; a new code or a removal break it.
    assert!(diff.comparable(&id("test_results")));
    assert!(diff.comparable(&id("ward_pain")));
    assert!(diff.comparable(&id("nurse_reach")));
    assert!(!diff.comparable(&id("questions_answered")));
    assert!(!diff.comparable(&id("conflicting_info")));
    assert!(diff.comparable(&id("overall_rating")));

    // Readable: one line per change, the rewording with its before and after.
    let text = diff.to_string();
    let first_line = text.lines().next().unwrap_or_default();
    assert!(first_line.ends_with("version 1.1: 5 changes"), "{text}");
    assert!(
        text.contains(&format!(
            "item test_results: text reworded in de\n    - {}\n    + {new_de}\n",
            old_de.as_str().expect("text")
        )),
        "{text}"
    );
    assert!(text.contains("item questions_answered: option 7 added at 5 (not_applicable)  (answers no longer pool)\n"), "{text}");
    assert!(
        text.contains("item ward_pain: moved from ward_care #3 to ward_care #5\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "item conflicting_info: removed (was at information #7)  (answers no longer pool)\n"
        ),
        "{text}"
    );
}

#[test]
fn the_same_version_has_no_differences() {
    let survey = load(&shipped());
    let diff = vecu_survey::diff(&survey, &survey);
    assert!(diff.changes.is_empty(), "{diff}");
    assert!(diff.to_string().ends_with(": no differences\n"));
}

#[test]
fn matrix_rows_option_roles_and_domains_are_compared_too() {
    let old_definition = shipped();
    let mut new_definition = old_definition.clone();
    let respect = item(&mut new_definition, "staff_respect");
    respect["rows"][1]["text"]["fr"] = json!("Les infirmières et infirmiers");
    respect["rows"].as_array_mut().expect("rows").push(
        json!({"id": "volunteers", "text": {"fr": "Les bénévoles", "de": "Freiwillige",
                     "it": "I volontari", "en": "Volunteers"}}),
    );
    let wait = item(&mut new_definition, "diagnosis_wait");
    wait["domain"] = json!("information");
    let diff = vecu_survey::diff(&load(&old_definition), &load(&new_definition));
    let found: Vec<String> = diff.changes.iter().map(ToString::to_string).collect();
    let old_domain = old_definition["sections"][0]["items"][1]["domain"]
        .as_str()
        .expect("diagnosis_wait has a domain")
        .to_owned();
    assert_eq!(
        found,
        vec![
            format!("item diagnosis_wait: domain changed from {old_domain} to information"),
            "item staff_respect: row nurses reworded in fr\n    - Le personnel infirmier\n    + Les infirmières et infirmiers".to_owned(),
            "item staff_respect: row volunteers added at 4".to_owned(),
        ]
    );
    assert!(
        !diff.comparable(&id("staff_respect")),
        "a new row is a new column"
    );
    assert!(diff.comparable(&id("diagnosis_wait")));
}
