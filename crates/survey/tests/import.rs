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

fn limesurvey() -> Imported {
    let text = include_str!("fixtures/limesurvey/patient_stay.lss");
    vecu_survey::limesurvey_structure(text, "patient_stay").expect("a LimeSurvey structure file")
}

#[test]
fn a_limesurvey_structure_becomes_a_bilingual_definition_that_loads() {
    let imported = limesurvey();
    let survey = vecu_survey::load_value(&imported.definition)
        .unwrap_or_else(|error| panic!("{error}\n{:#}", imported.definition));
    let ids: Vec<&str> = survey.items().map(|(_, item)| item.id.as_str()).collect();
    assert_eq!(
        ids,
        ["q1", "q2", "q3_sq001", "q3_sq002", "q4", "q5", "q6", "q8", "q9"]
    );
    let languages: Vec<&str> = survey.languages.iter().map(|lang| lang.as_str()).collect();
    assert_eq!(languages, ["de", "fr"]);
    let definition = &imported.definition;
    assert_eq!(
        definition["title"],
        json!({"de": "Patientenbefragung im Spital", "fr": "Enquête auprès des patients"})
    );
    assert_eq!(
        definition["sections"][0]["title"],
        json!({"de": "Ihr Spitalaufenthalt", "fr": "Votre séjour à l'hôpital"})
    );
    let q1 = item(definition, "q1");
    assert_eq!(
        q1["text"],
        json!({"de": "War Ihr Eintritt geplant?", "fr": "Votre admission était-elle prévue ?"})
    );
    assert_eq!(q1["required"], true);
    assert_eq!(
        q1["options"][2],
        json!({"code": "A3", "label": {"de": "Weiss nicht", "fr": "Je ne sais pas"}, "role": "neutral"})
    );
    assert_eq!(item(definition, "q2")["options"][1]["code"], "SQ002");
    // An array is one single choice per row, each with the array's relevance.
    let row = item(definition, "q3_sq001");
    assert_eq!(row["kind"], "single_choice");
    assert_eq!(
        row["text"],
        json!({"de": "Wie beurteilen Sie ...: die Ärzte", "fr": "Comment jugez-vous ...: les médecins"})
    );
    assert_eq!(
        row["options"][0]["label"],
        json!({"de": "gut", "fr": "bon"})
    );
    // Relevance equations that compare earlier questions.
    assert_eq!(
        item(definition, "q2")["show_if"],
        json!({"equals": {"item": "q1", "value": "A1"}})
    );
    for row in ["q3_sq001", "q3_sq002"] {
        assert_eq!(
            item(definition, row)["show_if"],
            json!({"equals": {"item": "q2", "value": "SQ001"}})
        );
    }
    assert_eq!(
        item(definition, "q4")["show_if"],
        json!({"not": {"not": {"answered": "q1"}}})
    );
    assert_eq!(
        item(definition, "q6")["show_if"],
        json!({"any": [
            {"greater_than": {"item": "q4", "value": 3.0}},
            {"not": {"equals": {"item": "q1", "value": "A2"}}}
        ]})
    );
    assert_eq!(item(definition, "q8")["show_if"], Value::Null);
}

#[test]
fn what_a_limesurvey_structure_cannot_say_is_listed_with_its_line() {
    let text = include_str!("fixtures/limesurvey/patient_stay.lss");
    let listed: Vec<String> = limesurvey()
        .unmapped
        .iter()
        .map(ToString::to_string)
        .collect();
    let line_of = |needle: &str| {
        text.lines()
            .position(|line| line.contains(needle))
            .map(|at| at + 1)
    };
    // The row of Q7 starts two lines above its title.
    let q7 = line_of("<title><![CDATA[Q7]]></title>").expect("Q7") - 6;
    let expect = [
        format!("line {q7}, field Q7: question type \"D\" has no vecu equivalent; the question is left out"),
        "field Q4: no range read: 0 to 1000000 assumed; set min and max".to_owned(),
        "field Q8: relevance \"sum(Q4, 2) > 3\" is left out".to_owned(),
        "field Q1: every answer's scoring role is neutral".to_owned(),
    ];
    for expected in &expect {
        assert!(
            listed.iter().any(|line| line.contains(expected.as_str())),
            "{expected}\n{listed:#?}"
        );
    }
    let error =
        vecu_survey::limesurvey_structure("<document><x/></document>", "x").expect_err("refused");
    assert!(
        error
            .to_string()
            .contains("not a LimeSurvey structure file"),
        "{error}"
    );
}
