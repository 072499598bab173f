//! Property tests: generated surveys load, simulated answers validate, mutated answers are
//! rejected, and arbitrary input never panics.

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use vecu_survey::{ItemKind, Survey};

fn text(label: &str) -> Value {
    json!({ "fr": format!("{label} (fr)"), "en": format!("{label} (en)") })
}

fn options(n: usize, exclusive_last: bool) -> Value {
    (0..n)
        .map(|idx| {
            let role = if idx == 0 { "positive" } else { "negative" };
            let mut option = json!({ "code": format!("c{idx}"), "label": text(&format!("option {idx}")), "role": role, "value": (n - idx) as f64 });
            if exclusive_last && idx == n - 1 {
                option["exclusive"] = json!(true);
            }
            option
        })
        .collect()
}

/// One generated item: its kind, whether it is required, and a seed for its condition.
type ItemSpec = (u8, bool, u8);

/// A survey built from specs; conditions point at a random earlier choice or rating item.
fn survey_json(sections: &[Vec<ItemSpec>]) -> Value {
    let mut earlier: Vec<(String, u8)> = Vec::new();
    let mut section_values = Vec::new();
    let mut counter = 0;
    for (section_idx, items) in sections.iter().enumerate() {
        let mut item_values = Vec::new();
        for &(kind, required, condition_seed) in items {
            counter += 1;
            let id = format!("q{counter}");
            let kind = kind % 9;
            let mut item = match kind {
                0 => json!({ "kind": "single_choice", "options": options(3, false) }),
                1 => json!({ "kind": "multiple_choice", "options": options(4, true) }),
                2 => json!({ "kind": "scale", "options": options(4, false) }),
                3 => {
                    json!({ "kind": "rating", "low_label": text("low"), "high_label": text("high") })
                }
                4 => json!({ "kind": "number", "min": 0, "max": 50, "integer": true }),
                5 => json!({ "kind": "short_text", "max_length": 40 }),
                6 => json!({ "kind": "month_year", "min_year": 2000, "max_year": 2030 }),
                7 => {
                    json!({ "kind": "matrix", "options": options(3, false), "rows": [{ "id": "a", "text": text("a") }, { "id": "b", "text": text("b") }] })
                }
                _ => json!({ "kind": "display" }),
            };
            item["id"] = json!(id);
            item["text"] = text(&id);
            if kind != 8 && required {
                item["required"] = json!(true);
            }
            if !earlier.is_empty() && condition_seed % 3 != 0 {
                let (target, target_kind) = &earlier[condition_seed as usize % earlier.len()];
                item["show_if"] = match target_kind {
                    3 => json!({ "greater_than": { "item": target, "value": 5 } }),
                    7 => json!({ "equals": { "item": format!("{target}.a"), "value": "c0" } }),
                    1 => {
                        json!({ "any": [{ "equals": { "item": target, "value": "c1" } }, { "answered": target }] })
                    }
                    _ => json!({ "not": { "equals": { "item": target, "value": "c0" } } }),
                };
            }
            if matches!(kind, 0 | 1 | 2 | 3 | 7) {
                earlier.push((id, kind));
            }
            item_values.push(item);
        }
        section_values.push(json!({ "id": format!("s{section_idx}"), "title": text("section"), "items": item_values }));
    }
    json!({
        "id": "generated", "version": "1.0", "languages": ["fr", "en"], "title": text("generated"),
        "frame": [{ "id": "site", "label": text("site"), "values": [{ "code": "A", "label": text("A") }, { "code": "B", "label": text("B") }] }],
        "sections": section_values
    })
}

fn sections() -> impl Strategy<Value = Vec<Vec<ItemSpec>>> {
    prop::collection::vec(
        prop::collection::vec((0u8..9, any::<bool>(), any::<u8>()), 1..6),
        1..4,
    )
}

fn load(sections: &[Vec<ItemSpec>]) -> Survey {
    match vecu_survey::load_value(&survey_json(sections)) {
        Ok(survey) => survey,
        Err(error) => panic!("generated survey does not load: {error}"),
    }
}

/// Ways to break a valid response; each returns None where the survey offers no chance to.
fn mutate(survey: &Survey, answers: &Map<String, Value>, how: u8) -> Option<Map<String, Value>> {
    let mut broken = answers.clone();
    let items: Vec<_> = survey.items().map(|(_, item)| item).collect();
    match how % 6 {
        0 => {
            broken.insert("no_such_item".into(), json!("c0"));
        }
        1 => {
            let item = items.iter().find(|item| {
                matches!(item.kind, ItemKind::SingleChoice(_) | ItemKind::Scale(_))
                    && answers.contains_key(item.id.as_str())
            })?;
            broken.insert(item.id.to_string(), json!("zz"));
        }
        2 => {
            let item = items.iter().find(|item| {
                matches!(item.kind, ItemKind::Rating(_)) && answers.contains_key(item.id.as_str())
            })?;
            broken.insert(item.id.to_string(), json!(11));
        }
        3 => {
            let (parsed, _) = vecu_survey::Answers::parse(survey, answers);
            let visibility = survey.visibility(&parsed);
            let hidden = items
                .iter()
                .find(|item| !visibility.item_shown(&item.id) && item.kind != ItemKind::Display)?;
            let answer = match &hidden.kind {
                ItemKind::SingleChoice(_) | ItemKind::Scale(_) => json!("c0"),
                ItemKind::MultipleChoice(_) => json!(["c0"]),
                ItemKind::Rating(_) => json!(3),
                ItemKind::Number(_) => json!(3),
                ItemKind::Text(_) => json!("text"),
                ItemKind::MonthYear(_) => json!("2010-01"),
                ItemKind::Matrix(_) => json!({ "a": "c0" }),
                ItemKind::Display => return None,
            };
            broken.insert(hidden.id.to_string(), answer);
        }
        4 => {
            let item = items.iter().find(|item| {
                matches!(item.kind, ItemKind::MultipleChoice(_))
                    && answers.contains_key(item.id.as_str())
            })?;
            broken.insert(item.id.to_string(), json!(["c0", "c3"]));
        }
        _ => {
            let item = items
                .iter()
                .find(|item| item.required && answers.contains_key(item.id.as_str()))?;
            broken.remove(item.id.as_str());
        }
    }
    Some(broken)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn simulated_answers_always_validate(spec in sections(), seed in any::<u64>()) {
        let survey = load(&spec);
        for response in vecu_survey::simulate(&survey, 8, seed) {
            let json = response.answers.to_json();
            if let Err(errors) = survey.validate(&json) {
                panic!("simulated response rejected: {errors}\n{json}");
            }
        }
    }

    #[test]
    fn mutated_answers_are_rejected(spec in sections(), seed in any::<u64>(), how in any::<u8>()) {
        let survey = load(&spec);
        for response in vecu_survey::simulate(&survey, 4, seed) {
            let json = response.answers.to_json();
            let object = json.as_object().expect("answers are an object");
            if let Some(broken) = mutate(&survey, object, how) {
                prop_assert!(survey.validate(&Value::Object(broken.clone())).is_err(), "accepted {broken:?}");
            }
        }
    }

    #[test]
    fn answers_survive_a_json_round_trip(spec in sections(), seed in any::<u64>()) {
        let survey = load(&spec);
        for response in vecu_survey::simulate(&survey, 4, seed) {
            let validated = survey.validate(&response.answers.to_json()).expect("valid");
            prop_assert_eq!(validated.answers(), &response.answers);
        }
    }

    #[test]
    fn arbitrary_json_never_panics(value in arbitrary_json()) {
        let _ = vecu_survey::load_value(&value);
        let survey = load(&[vec![(0, true, 0), (3, false, 1), (7, false, 2), (1, false, 3)]]);
        let _ = survey.validate(&value);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        let _ = vecu_survey::load_str(&text);
    }
}

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "[a-z0-9_.]{0,8}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                "(q[0-9]|id|kind|sections|items|text|fr|show_if|equals|all|item|value)",
                inner,
                0..6
            )
            .prop_map(|map| Value::Object(map.into_iter().collect())),
        ]
    })
}

#[test]
fn generated_surveys_cover_every_kind() {
    let survey = load(&[(0..9).map(|kind| (kind, false, 1)).collect()]);
    let kinds: std::collections::HashSet<&str> =
        survey.items().map(|(_, item)| item.kind.name()).collect();
    assert_eq!(kinds.len(), 9, "{kinds:?}");
}
