//! Response validation against the example survey: each check names the problems it expects.

use serde_json::{json, Value};
use vecu_survey::{ResponseErrorKind as Kind, Survey};

fn example() -> Survey {
    vecu_survey::load_str(include_str!("../../../surveys/example.json")).expect("example survey")
}

/// The only caller of `Survey::validate` in this file: expects exactly these (pointer, kind) pairs.
fn check(response: Value, expected: &[(&str, Kind)]) {
    let survey = example();
    match survey.validate(&response) {
        Ok(_) => assert!(
            expected.is_empty(),
            "accepted, but expected {expected:?} for {response}"
        ),
        Err(errors) => {
            let mut found: Vec<(&str, Kind)> = errors
                .0
                .iter()
                .map(|e| (e.pointer.as_str(), e.kind))
                .collect();
            found.sort_by_key(|(pointer, _)| pointer.to_string());
            let mut wanted = expected.to_vec();
            wanted.sort_by_key(|(pointer, _)| pointer.to_string());
            assert_eq!(found, wanted, "for {response}: {errors}");
            assert!(errors.0.iter().all(|e| !e.message.is_empty()));
        }
    }
}

fn minimal() -> Value {
    json!({ "surgery": "no", "overall": 8 })
}

fn with(mut base: Value, key: &str, value: Value) -> Value {
    base[key] = value;
    base
}

#[test]
fn a_complete_valid_response_is_accepted() {
    check(
        json!({
            "diagnosis_month": "2024-03", "surgery": "yes", "surgery_explained": "1", "nights": 4,
            "support_from": ["family", "nurse"], "staff": { "doctors": "1", "nurses": "2" },
            "overall": 9, "comments": "Merci à toute l'équipe."
        }),
        &[],
    );
    check(minimal(), &[]);
}

#[test]
fn unknown_items_are_rejected() {
    check(
        with(minimal(), "q99", json!("1")),
        &[("/q99", Kind::UnknownItem)],
    );
}

#[test]
fn wrong_types_are_rejected() {
    check(
        with(minimal(), "overall", json!("9")),
        &[
            ("/overall", Kind::WrongType),
            ("/overall", Kind::RequiredMissing),
        ],
    );
    check(
        with(minimal(), "support_from", json!("family")),
        &[("/support_from", Kind::WrongType)],
    );
    check(
        with(minimal(), "diagnosis_month", json!("March 2024")),
        &[("/diagnosis_month", Kind::WrongType)],
    );
    check(
        with(minimal(), "staff", json!(["1"])),
        &[("/staff", Kind::WrongType)],
    );
}

#[test]
fn codes_outside_the_list_are_rejected() {
    check(
        with(minimal(), "surgery", json!("perhaps")),
        &[
            ("/surgery", Kind::UnknownCode),
            ("/surgery", Kind::RequiredMissing),
        ],
    );
    check(
        with(minimal(), "staff", json!({ "doctors": "7" })),
        &[("/staff/doctors", Kind::UnknownCode)],
    );
    check(
        with(minimal(), "staff", json!({ "surgeons": "1" })),
        &[("/staff/surgeons", Kind::UnknownItem)],
    );
}

#[test]
fn numbers_out_of_range_are_rejected() {
    check(
        with(minimal(), "overall", json!(11)),
        &[
            ("/overall", Kind::OutOfRange),
            ("/overall", Kind::RequiredMissing),
        ],
    );
    let operated = json!({ "surgery": "yes", "overall": 8 });
    check(
        with(operated.clone(), "nights", json!(91)),
        &[("/nights", Kind::OutOfRange)],
    );
    check(
        with(operated, "nights", json!(2.5)),
        &[("/nights", Kind::WrongType)],
    );
    check(
        with(minimal(), "diagnosis_month", json!("1990-01")),
        &[("/diagnosis_month", Kind::OutOfRange)],
    );
}

#[test]
fn exclusive_options_cannot_be_combined() {
    check(
        with(minimal(), "support_from", json!(["family", "none"])),
        &[("/support_from", Kind::ExclusiveCombined)],
    );
    check(with(minimal(), "support_from", json!(["none"])), &[]);
}

#[test]
fn required_items_are_required_only_when_shown() {
    check(
        json!({ "surgery": "no" }),
        &[("/overall", Kind::RequiredMissing)],
    );
    check(
        json!({}),
        &[
            ("/surgery", Kind::RequiredMissing),
            ("/overall", Kind::RequiredMissing),
        ],
    );
}

#[test]
fn answers_to_items_hidden_by_skip_logic_are_rejected() {
    check(
        with(minimal(), "surgery_explained", json!("1")),
        &[("/surgery_explained", Kind::AnsweredWhileHidden)],
    );
    check(
        with(minimal(), "nights", json!(3)),
        &[("/nights", Kind::AnsweredWhileHidden)],
    );
}

#[test]
fn display_items_take_no_answer_and_text_has_a_limit() {
    check(
        with(minimal(), "thanks_note", json!("hello")),
        &[("/thanks_note", Kind::NotAnswerable)],
    );
    check(
        with(minimal(), "comments", json!("x".repeat(2001))),
        &[("/comments", Kind::TooLong)],
    );
}

#[test]
fn a_response_must_be_an_object() {
    check(json!(["surgery"]), &[("", Kind::WrongType)]);
}

#[test]
fn visibility_follows_the_answers_given_so_far() {
    let survey = example();
    let (answers, errors) = vecu_survey::Answers::parse(
        &survey,
        json!({ "surgery": "no", "nights": 3 })
            .as_object()
            .expect("object"),
    );
    assert!(errors.is_empty());
    let visibility = survey.visibility(&answers);
    let id = |name: &str| survey.item(name).expect("item").id.clone();
    assert!(!visibility.item_shown(&id("nights")));
    assert!(visibility.item_shown(&id("overall")));
    assert_eq!(
        visibility.shown_answers().len(),
        1,
        "the hidden answer is dropped"
    );
}
