//! An easy-read variant (`fr-falc`) is a language of the survey like any other: patients whose
//! invitation names it get its questions, the others can choose it, and it names itself in its
//! own words.

use serde_json::Value;
use vecu_store::Backend;

use crate::helpers::{on_both_backends, spawn_app, Browser};

on_both_backends!(the_pages_are_served_in_the_easy_read_variant);

const FALC: &str = "fr-falc";
const FALC_NAME: &str = "Français facile à lire (FALC)";

/// The example survey with an easy-read French variant: every French text again, marked.
fn example_with_falc() -> String {
    let text = std::fs::read_to_string(format!(
        "{}/../../surveys/example.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("example survey");
    let mut definition: Value = serde_json::from_str(&text).expect("JSON");
    add_falc(&mut definition);
    // A new version of the example: the store keeps each version's content immutable.
    definition["version"] = Value::from("1.1");
    definition["languages"]
        .as_array_mut()
        .expect("languages")
        .push(Value::from(FALC));
    definition.to_string()
}

/// Adds `"fr-falc": "FALC. <the French text>"` to every text (an object of languages).
fn add_falc(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let is_text = map.contains_key("fr")
                && map.iter().all(|(key, value)| {
                    ["fr", "de", "it", "en"].contains(&key.as_str()) && value.is_string()
                });
            if is_text {
                let french = map["fr"].as_str().unwrap_or_default().to_owned();
                map.insert(FALC.to_owned(), Value::from(format!("FALC. {french}")));
            } else {
                map.values_mut().for_each(add_falc);
            }
        }
        Value::Array(values) => values.iter_mut().for_each(add_falc),
        _ => {}
    }
}

async fn the_pages_are_served_in_the_easy_read_variant(backend: Backend) {
    let app = spawn_app(backend).await;
    let text = example_with_falc();
    let survey = vecu_survey::load_str(&text).expect("the variant loads");
    let wave = app
        .store
        .create_wave(
            &app.store.add_survey(&survey, &text).expect("stored"),
            "falc",
        )
        .expect("wave");
    let csv = format!(
        "email,language,site,age_band,sex\nfalc@example.org,{FALC},H1,50-69,F\nfr@example.org,fr,H1,50-69,M\n"
    );
    app.store
        .import_frame(&wave, csv.as_bytes())
        .expect("a frame in fr-falc");
    app.store.open_wave(&wave).expect("open");
    let tokens = app.store.issue_tokens(&wave).expect("tokens");
    assert_eq!(tokens.len(), 2);

    // Whoever's invitation says fr-falc gets the welcome page in it.
    let mut seen = Vec::new();
    for token in &tokens {
        let mut browser = Browser::new(&app);
        let welcome = browser.get(&format!("/s/{}", token.token)).await;
        assert_eq!(welcome.status, 200);
        seen.push(welcome.body.contains(&format!(r#"<html lang="{FALC}">"#)));
    }
    assert_eq!(
        seen.iter().filter(|falc| **falc).count(),
        1,
        "one patient reads FALC"
    );
    let falc_token = &tokens[seen
        .iter()
        .position(|falc| *falc)
        .expect("the FALC invitation")];
    let fr_token = &tokens[seen
        .iter()
        .position(|falc| !falc)
        .expect("the French invitation")];

    // The French patient is offered the variant by its own name, and can choose it.
    let mut browser = Browser::new(&app);
    let welcome = browser.get(&format!("/s/{}", fr_token.token)).await;
    assert!(welcome.body.contains(r#"<html lang="fr">"#));
    assert!(
        welcome.body.contains(&format!(
            r#"lang="{FALC}" hreflang="{FALC}">{FALC_NAME}</a>"#
        )),
        "the switch names the variant in its own words: {}",
        welcome.body
    );
    let chosen = browser
        .get(&format!("/s/{}?lang={FALC}", fr_token.token))
        .await;
    assert!(chosen.body.contains(&format!(r#"<html lang="{FALC}">"#)));
    assert!(chosen.body.contains(&format!(
        r#"<span aria-current="true" lang="{FALC}">{FALC_NAME}</span>"#
    )));
    assert!(
        chosen
            .body
            .contains("FALC. Exemple : votre expérience des soins"),
        "the variant's own title"
    );

    // The questionnaire in the variant: its questions, the interface in French.
    let mut browser = Browser::new(&app);
    let welcome = browser.get(&format!("/s/{}", falc_token.token)).await;
    let started = browser
        .post(
            &format!("/s/{}/start", falc_token.token),
            &[("csrf", &welcome.csrf()), ("lang", FALC)],
        )
        .await;
    assert_eq!(started.status, 303);
    let page = browser.get("/q/0").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!(r#"<html lang="{FALC}">"#)));
    assert!(
        page.body
            .contains("FALC. Quand le diagnostic a-t-il été posé ?"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains(">Quand le diagnostic a-t-il été posé ?"),
        "not the standard French question"
    );
    assert!(
        page.body.contains(">mars<"),
        "months in French, not English"
    );
    assert!(
        !page.body.contains(">March<"),
        "months in French, not English"
    );
}
