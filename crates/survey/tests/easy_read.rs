//! An easy-read variant such as `fr-falc` is a declared language with its own texts for the same
//! items and codes: it loads, needs every text like any language, and its answers pool with the
//! standard version's (the same columns and codes).

use std::path::Path;

use serde_json::Value;
use vecu_survey::{Codebook, LoadError};

fn base() -> Value {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/definitions/valid_base.json");
    let text = std::fs::read_to_string(path).expect("the base definition is readable");
    serde_json::from_str(&text).expect("JSON")
}

/// Adds `"fr-falc": "Facile. <the French>"` to every text (an object of fr and en strings).
fn add_falc(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let is_text = map.contains_key("fr")
                && map
                    .iter()
                    .all(|(key, value)| ["fr", "en"].contains(&key.as_str()) && value.is_string());
            if is_text {
                let french = map["fr"].as_str().unwrap_or_default().to_owned();
                map.insert(
                    "fr-falc".to_owned(),
                    Value::from(format!("Facile. {french}")),
                );
            } else {
                map.values_mut().for_each(add_falc);
            }
        }
        Value::Array(values) => values.iter_mut().for_each(add_falc),
        _ => {}
    }
}

fn with_falc() -> Value {
    let mut definition = base();
    add_falc(&mut definition);
    definition["languages"]
        .as_array_mut()
        .expect("languages")
        .push(Value::from("fr-falc"));
    definition
}

#[test]
fn a_survey_with_an_easy_read_variant_loads_and_pools_with_the_standard_version() {
    let standard = vecu_survey::load_value(&base()).expect("valid");
    let falc = vecu_survey::load_value(&with_falc()).expect("the variant is a language");
    let lang = falc.language("fr-falc").expect("declared");
    assert_eq!((lang.base(), lang.variant()), ("fr", Some("falc")));
    let (_, first) = falc.items().next().expect("an item");
    let french = falc.language("fr").expect("fr");
    assert_eq!(
        first.text.get(lang),
        format!("Facile. {}", first.text.get(french))
    );
    // Same columns, same codes: a wide table of either version reads as the other.
    let columns = |codebook: Codebook| -> Vec<(String, Vec<String>)> {
        codebook
            .columns
            .into_iter()
            .map(|column| {
                let codes = column
                    .values
                    .iter()
                    .map(|value| value.code.to_string())
                    .collect();
                (column.name, codes)
            })
            .collect()
    };
    assert_eq!(
        columns(Codebook::new(&falc)),
        columns(Codebook::new(&standard))
    );
}

#[test]
fn the_variant_needs_every_text_like_any_language() {
    let mut definition = with_falc();
    let text = definition["sections"][0]["items"][0]["text"]
        .as_object_mut()
        .expect("a text");
    text.remove("fr-falc");
    let Err(LoadError::Invalid(problems)) = vecu_survey::load_value(&definition) else {
        panic!("a missing fr-falc text must be refused");
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].pointer, "/sections/0/items/0/text/fr-falc");
    assert!(problems[0].message.contains("no fr-falc translation"));
    assert!(problems[0].fix.contains("add \"fr-falc\""));
}
