//! Any bytes as a response to the shipped cancer survey: validation never panics, and what it
//! accepts survives a JSON round trip unchanged.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

static SURVEY: LazyLock<vecu_survey::Survey> = LazyLock::new(|| {
    vecu_survey::load_str(include_str!("../../surveys/scape-cancer.json")).expect("shipped survey loads")
});

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    if let Ok(validated) = SURVEY.validate(&value) {
        let again = SURVEY.validate(&validated.to_json()).expect("a validated response validates again");
        assert_eq!(again.answers(), validated.answers());
    }
});
