//! The overall rating is the item a definition marks (`"overall_rating": true`), never found by
//! its id; a definition without the mark loads with a warning that points at the likely rating.

use std::path::Path;

fn base() -> serde_json::Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/definitions/valid_base.json");
    let text = std::fs::read_to_string(path).expect("the base definition is readable");
    serde_json::from_str(&text).expect("JSON")
}

#[test]
fn the_marked_rating_is_the_overall_rating() {
    let survey = vecu_survey::load_value(&base()).expect("valid");
    let rating = survey.overall_rating().map(|item| item.id.as_str());
    assert_eq!(rating, Some("q4"));
    assert!(survey
        .warnings()
        .iter()
        .all(|warning| !warning.message.contains("overall rating")));
}

#[test]
fn without_the_mark_a_warning_points_at_the_rating_and_says_what_is_skipped() {
    let mut definition = base();
    let items = definition["sections"][0]["items"]
        .as_array_mut()
        .expect("items");
    let q4 = items
        .iter_mut()
        .find(|item| item["id"] == "q4")
        .and_then(|item| item.as_object_mut())
        .expect("q4");
    q4.remove("overall_rating");
    let survey = vecu_survey::load_value(&definition).expect("still loads");
    assert!(survey.overall_rating().is_none());
    let warnings: Vec<String> = survey
        .warnings()
        .iter()
        .filter(|warning| warning.message.contains("overall rating"))
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        warnings,
        ["at /sections/0/items/5: no item is marked as the overall rating, so the analysis skips \
          key drivers (each question's correlation with the overall rating) and the sites' \
          improvement priorities; fix: add \"overall_rating\": true to /sections/0/items/5 (q4) \
          if it rates the care as a whole"]
    );
}

#[test]
fn every_shipped_survey_marks_its_overall_rating() {
    for (file, id) in [
        ("scape-cancer.json", "overall_rating"),
        ("example.json", "overall"),
        ("engagement.json", "overall_rating"),
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../surveys")
            .join(file);
        let text = std::fs::read_to_string(path).expect("readable");
        let survey = vecu_survey::load_str(&text).expect("valid");
        assert_eq!(
            survey.overall_rating().map(|item| item.id.as_str()),
            Some(id),
            "{file}"
        );
    }
}
