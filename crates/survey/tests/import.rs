//! A REDCap data dictionary (tests/fixtures/redcap, written after REDCap's documented format)
//! becomes a definition that vecu loads, with branching logic as conditions where it maps and
//! every construct that does not listed by line.

use serde_json::{json, Value};
use vecu_survey::{redcap_dictionary, Imported};

fn imported() -> Imported {
    let text = include_str!("fixtures/redcap/patient_experience.csv");
    redcap_dictionary(text, "patient_experience", "en").expect("a REDCap dictionary")
}

fn item<'a>(definition: &'a Value, id: &str) -> &'a Value {
    definition["sections"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|section| section["items"].as_array().into_iter().flatten())
        .find(|item| item["id"] == id)
        .unwrap_or_else(|| panic!("no item {id}"))
}

#[test]
fn the_dictionary_becomes_a_definition_that_loads() {
    let imported = imported();
    let survey = vecu_survey::load_value(&imported.definition)
        .unwrap_or_else(|error| panic!("{error}\n{:#}", imported.definition));
    let ids: Vec<&str> = survey.items().map(|(_, item)| item.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "admission_header",
            "admission",
            "waited_long",
            "nights",
            "doctor_answers",
            "nurse_answers",
            "help_from",
            "family_enough",
            "no_volunteer",
            "follow_up",
            "overall",
            "dob",
            "email",
            "discharge_info",
            "comments"
        ]
    );
    let sections: Vec<&str> = survey.sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        sections,
        ["hospital_stay", "doctors_nurses", "leaving_hospital"]
    );
    let definition = &imported.definition;
    assert_eq!(
        item(definition, "admission_header")["text"],
        json!({"en": "Your hospital stay"})
    );
    assert_eq!(item(definition, "admission")["kind"], "single_choice");
    assert_eq!(item(definition, "admission")["required"], true);
    assert_eq!(
        item(definition, "admission")["options"][1],
        json!({"code": "2", "label": {"en": "Waiting list or planned in advance"}, "role": "neutral"})
    );
    assert_eq!(item(definition, "nights")["kind"], "number");
    assert_eq!(item(definition, "nights")["max"], 365.0);
    assert_eq!(item(definition, "help_from")["kind"], "multiple_choice");
    assert_eq!(
        item(definition, "help_from")["help"],
        json!({"en": "Tick every box that applies"})
    );
    assert_eq!(item(definition, "waited_long")["options"][0]["code"], "1");
    assert_eq!(item(definition, "comments")["kind"], "long_text");
}

#[test]
fn branching_logic_becomes_conditions_on_earlier_questions() {
    let definition = imported().definition;
    let shown = |id: &str| item(&definition, id)["show_if"].clone();
    assert_eq!(
        shown("waited_long"),
        json!({"equals": {"item": "admission", "value": "2"}})
    );
    assert_eq!(shown("doctor_answers"), json!({"answered": "admission"}));
    assert_eq!(
        shown("family_enough"),
        json!({"equals": {"item": "help_from", "value": "1"}})
    );
    assert_eq!(
        shown("no_volunteer"),
        json!({"all": [
            {"not": {"equals": {"item": "help_from", "value": "3"}}},
            {"not": {"less_than": {"item": "nights", "value": 2.0}}}
        ]})
    );
    assert_eq!(
        shown("follow_up"),
        json!({"any": [
            {"equals": {"item": "doctor_answers", "value": "1"}},
            {"all": [
                {"greater_than": {"item": "nights", "value": 3.0}},
                {"equals": {"item": "waited_long", "value": "0"}}
            ]}
        ]})
    );
    assert_eq!(
        shown("comments"),
        Value::Null,
        "a function is not translated"
    );
}

#[test]
fn what_does_not_map_is_listed_with_its_line_and_what_to_do() {
    let listed: Vec<String> = imported()
        .unmapped
        .iter()
        .map(ToString::to_string)
        .collect();
    let has = |start: &str| {
        assert!(
            listed.iter().any(|line| line.starts_with(start)),
            "{start}\n{listed:#?}"
        )
    };
    has(
        "line 2, field record_id: the record id is left out; vecu gives every response a random id",
    );
    has("line 3, field admission: every answer's scoring role is neutral; mark the answers");
    has("line 7, field nurse_answers: part of matrix group \"answers\", kept as a question of its own; join");
    has("line 12, field overall: a slider became a whole number from 0 to 100; make it a 0-10 rating");
    has("line 13, field dob: a date_ymd date became free text; vecu asks months");
    has("line 13, field dob: marked as an identifier; vecu keeps what identifies patients in the sample frame");
    has("line 14, field email: marked as an identifier");
    has("line 15, field bmi: field type \"calc\" has no vecu equivalent; the field is left out");
    has("line 17, field comments: branching logic \"datediff([dob],'today','y') > 65\" is left out (\"datediff\" (a function or smart variable)); write it as a vecu condition");
    // Lines are in source order.
    let lines: Vec<usize> = imported().unmapped.iter().map(|u| u.line).collect();
    assert!(lines.windows(2).all(|pair| pair[0] <= pair[1]), "{lines:?}");
}

#[test]
fn a_file_that_is_not_a_dictionary_is_refused_with_the_way_to_get_one() {
    let error = redcap_dictionary("name,age\nx,1\n", "x", "en").expect_err("refused");
    assert!(
        error
            .to_string()
            .starts_with("line 1: not a REDCap data dictionary: the header needs the columns"),
        "{error}"
    );
}
